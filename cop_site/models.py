"""Editor-managed pages: the home page, standard pages and news."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock
from core.dashboard import dashboard_panels
from core.pagecache import page_tree_cached, public
from core.serving import QuickServing
from members import permissions
from members.panels import member_organisations


class HomePage(QuickServing, Page):
    """Visitors see what the network is and how to join; members see their dashboard."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("introduction"))
    how_to_join = RichTextField(
        features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("how to join")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("how_to_join")]
    max_count = 1
    subpage_types = [
        "cop_site.StandardPage",
        "cop_site.NewsIndexPage",
        "guidelines.GuidelineIndexPage",
        "learning.LearningIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_template(self, request: HttpRequest, *args, **kwargs) -> str:
        if permissions.is_approved_member(request.user):
            return "cop_site/dashboard.html"
        return "cop_site/home_page.html"

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        if permissions.is_approved_member(request.user):
            context["panels"] = dashboard_panels(request)
            context["member_organisation"] = member_organisations(request).own
        context["latest_news"] = page_tree_cached("cop_site:latest-news", _latest_news, request)
        return context


def _latest_news() -> list[NewsPage]:
    """The three latest news pages anyone may read, for the home page (without their text)."""
    news = public(NewsPage.objects.live()).defer("body").order_by("-first_published_at")
    return list(news[:3])


class StandardPage(QuickServing, Page):
    """About the network, Contact the coordinator, and other editor pages."""

    search_as_content = True  # the site search indexes it as a content page

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    subpage_types = ["cop_site.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(QuickServing, Page):
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types = ["cop_site.NewsPage"]
    parent_page_types = ["cop_site.HomePage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = (
            NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk")
        )
        return context


class NewsPage(QuickServing, Page):
    """An announcement or an early achievement of the network."""

    search_as_content = True

    date = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cop_site.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")
