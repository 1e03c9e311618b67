"""The test settings with Redis's pub/sub channel layer instead of the core (list) layer.

Used only by `tests/bench/live_fanout.py` to compare the two layers.
"""

from cop_site.settings.test import *  # noqa: F403
from cop_site.settings.test import REDIS_URL

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 1000}]},
    }
}
