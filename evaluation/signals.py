"""Forget the surveys in use (kept in the cache for the dashboard) when one changes."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import Survey
from .services import forget_active_surveys

post_save.connect(forget_active_surveys, sender=Survey, dispatch_uid="evaluation.surveys.saved")
post_delete.connect(forget_active_surveys, sender=Survey, dispatch_uid="evaluation.surveys.gone")
