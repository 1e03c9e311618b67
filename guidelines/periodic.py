"""The guidelines' periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import services

job("guidelines.send_review_reminders", daily_at=datetime.time(8, 0))(
    services.send_review_reminders
)
