"""Small text helpers shared by the apps."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify


def unique_slug(model: type[models.Model], name: str, fallback: str, field: str = "slug") -> str:
    """A slug from `name` that no `model` row uses yet: "name", then "name-2", "name-3"…"""
    base = slugify(name)[:180] or fallback
    slug, n = base, 2
    while model._default_manager.filter(**{field: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
