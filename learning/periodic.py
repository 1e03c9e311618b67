"""Learning's periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import services

job("learning.issue_echo_certificates", daily_at=datetime.time(2, 0))(
    services.issue_due_echo_certificates
)
