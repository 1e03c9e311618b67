"""The evaluation app's periodic jobs (see core.periodic)."""

import datetime

from core.periodic import job

from . import services

job("evaluation.send_survey_invitations", every=datetime.timedelta(hours=1))(
    services.send_survey_invitations
)
