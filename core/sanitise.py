"""The one place where text written by members becomes HTML.

Event descriptions, case text, forum posts and chat all pass through
`clean_html` or `markdown_to_html` (or the template filters in
`core.templatetags.sanitise`). Nothing else in the code base marks member
text safe.

Rules:
- only the tags and attributes listed here survive; everything else is
  escaped (unknown tags) or removed with its content (script, style, svg, math);
- URLs may use http, https or mailto, or be relative to the site;
- every link gets rel="nofollow noopener" (and noreferrer for other sites);
- images must come from the site itself (a path starting with a single "/").
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import bleach
import markdown as markdown_lib
from bleach.css_sanitizer import CSSSanitizer
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# Elements removed together with everything inside them, not escaped.
_DROP_WITH_CONTENT = ("script", "style", "svg", "math", "iframe", "object", "embed", "template")
_DROP_RE = re.compile(
    r"<\s*(" + "|".join(_DROP_WITH_CONTENT) + r")\b[^>]*>.*?<\s*/\s*\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_site_image_source(value: str) -> bool:
    """True for a path on this site: one leading slash, no scheme, host or backslash."""
    value = value.strip()
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or _CONTROL_CHARS.search(value) or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title"}
    if tag == "img":
        if name == "src":
            return is_site_image_source(value)
        return name in {"alt", "title", "width", "height"}
    if tag == "abbr":
        return name == "title"
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan"} and value.isdigit() and len(value) <= 2
    return False


class _LinkAndImageFilter(Filter):
    """Sets rel on every link and removes images that lost their source."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"}:
                name = token["name"]
                attrs = token.get("data") or {}
                if name == "img" and (None, "src") not in attrs:
                    continue
                if name == "a":
                    attrs = dict(attrs)
                    href = attrs.get((None, "href"), "")
                    rel = LINK_REL
                    if urlsplit(href).netloc:
                        rel = f"{LINK_REL} noreferrer"
                    attrs[(None, "rel")] = rel
                    token = {**token, "data": attrs}
            yield token


def _set_link_rel(attrs: dict[Any, str], new: bool = False) -> dict[Any, str]:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=()),
    filters=[_LinkAndImageFilter],
)

_linkifying_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=()),
    filters=[
        partial(
            LinkifyFilter, callbacks=[_set_link_rel], skip_tags=["pre", "code"], parse_email=False
        ),
        _LinkAndImageFilter,
    ],
)


def _prepare(text: str) -> str:
    text = _CONTROL_CHARS.sub("", text or "")
    return _DROP_RE.sub("", text)


def clean_html(html: str) -> SafeString:
    """Member HTML reduced to the allowed tags, attributes and URLs; safe to render."""
    return mark_safe(_cleaner.clean(_prepare(html)))


def markdown_to_html(text: str) -> SafeString:
    """Member Markdown rendered to HTML and cleaned; bare web addresses become links."""
    # Dangerous elements are dropped after rendering, so markup written as code
    # (`<script>`), which Markdown has already escaped, reads as written.
    rendered = markdown_lib.markdown(
        _CONTROL_CHARS.sub("", text or ""),
        extensions=["sane_lists", "fenced_code", "tables", "nl2br"],
        output_format="html",
    )
    return mark_safe(_linkifying_cleaner.clean(_DROP_RE.sub("", rendered)))


def plain_text_to_html(text: str) -> SafeString:
    """Plain member text (chat, short answers): escaped, line breaks kept, addresses linked."""
    escaped = bleach.clean(_CONTROL_CHARS.sub("", text or ""), tags=set(), strip=False)
    return mark_safe(_linkifying_cleaner.clean(escaped.replace("\n", "<br>")))
