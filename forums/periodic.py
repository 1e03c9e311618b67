"""The forums' periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import services

job("forums.send_forum_digest", daily_at=datetime.time(7, 0))(services.send_digests)
