"""Forget what the site shell keeps of the page tree whenever the tree changes."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cop_site.context_processors import forget_page_tree


def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        forget_page_tree()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_page_tree, dispatch_uid=f"cop_site.shell.{id(signal)}")
    post_delete.connect(_page_deleted, dispatch_uid="cop_site.shell.page-deleted")
    for model in (PageViewRestriction, Site):
        post_save.connect(forget_page_tree, sender=model, dispatch_uid=f"shell.save.{model}")
        post_delete.connect(forget_page_tree, sender=model, dispatch_uid=f"shell.del.{model}")
