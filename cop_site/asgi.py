"""ASGI entry point: HTTP through Django, websockets through Channels.

Websockets pass the origin check (ALLOWED_HOSTS) and the session
authentication before any consumer sees them; each consumer then checks its
own permission in `connect()`.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_site.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Django and Wagtail leave a large, long-lived heap; full collections of it paused the live
# room's broadcasts by 130-185 ms about once a second under load (tests/bench/live_fanout.py).
# Freezing what is loaded at start-up keeps it out of every later collection.
gc.collect()
gc.freeze()
