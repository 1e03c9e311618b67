"""Data returns' periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import services

job("returns.send_return_reminders", daily_at=datetime.time(8, 30))(services.send_reminders)
