"""The database store's one table of search documents, and coordinators' pinned results."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import QuickChoiceLabels

from .documents import Kind


class SearchDocument(QuickChoiceLabels, models.Model):
    """One searchable object, flattened to plain text (see `search.documents.SearchDoc`).

    `visibility` and `staff_groups` hold space-separated keys with a space at each end
    (" members " or " group:3 group:7 "), so one key is matched with `contains`.
    `search_vector` is filled on PostgreSQL only (a GIN index is added there).
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    visibility = models.CharField(max_length=1000)
    staff_groups = models.CharField(max_length=200, blank=True)
    boost = models.FloatField(default=1.0)
    date = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class PromotedResult(models.Model):
    """A result a coordinator pinned to the top for one query (compared normalised)."""

    query = models.CharField(_("query"), max_length=200, db_index=True)
    key = models.CharField(_("document"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["query", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["query", "key"], name="search_promoted_once_per_query")
        ]
        verbose_name = _("promoted result")
        verbose_name_plural = _("promoted results")

    def __str__(self) -> str:
        return f"{self.query} → {self.key}"
