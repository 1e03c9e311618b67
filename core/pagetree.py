"""Creating section pages (e.g. /guidelines/, /learning/) from data migrations.

Data migrations see historical models without treebeard's methods, so the
materialised path of a new child page is worked out here.
"""

from __future__ import annotations

from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def next_child_path(Model, parent) -> str:
    """The path of a new last child of `parent` in a treebeard tree (pages, collections)."""
    last = (
        Model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return parent.path + "0001"
    number = 0
    for char in last[-STEPLEN:]:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    number += 1
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return parent.path + digits.rjust(STEPLEN, "0")


def add_section_page(apps, app_label: str, model_name: str, *, slug: str, title: str, **fields):
    """Add a live page of the given model under the home page, once. Returns it, or None
    when there is no home page to put it under."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Model = apps.get_model(app_label, model_name)
    existing = Model.objects.first()
    if existing is not None:
        return existing
    home = Page.objects.filter(depth=2, content_type__app_label="cop_site").order_by("path").first()
    if home is None:
        return None
    siblings = set(
        Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).values_list(
            "slug", flat=True
        )
    )
    if slug in siblings:
        slug = f"network-{slug}"
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name.lower()
    )
    now = timezone.now()
    page = Model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{slug}/",
        locale_id=home.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        **fields,
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)
    return page
