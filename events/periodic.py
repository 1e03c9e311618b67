"""The events app's periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import live
from .services.registration import send_due_reminders

job("events.send_event_reminders", every=datetime.timedelta(minutes=5))(send_due_reminders)
job("events.close_live_sessions", every=datetime.timedelta(minutes=5))(live.close_finished_sessions)
