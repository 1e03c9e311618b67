"""Builders for forums' tests and for other apps' tests that need forums objects:
categories (open and restricted), the people who may or may not see them, and the attacks
on member text with the one check that whatever comes out cannot run."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.utils.text import slugify

from forums.models import Category
from members import roles
from members.tests.factories import UserFactory


def make_category(name: str, *, restricted_to: tuple[str, ...] = (), position: int = 0):
    """Categories are kept by coordinators in the CMS; there is no service verb for them."""
    category = Category.objects.create(name=name, slug=slugify(name), position=position)
    if restricted_to:
        category.restricted_to.set(
            [Group.objects.get_or_create(name=group)[0] for group in restricted_to]
        )
    return category


# The people who must not see the Executive committee's category, by fixture name.
OUTSIDERS = ["member", "moderator", "coordinator", "pending_user", "superuser"]


# Shared fixtures, imported into forums' conftest and into the tests of other apps that
# need a category or its people (search's test_search_pages and test_review_attacks).


@pytest.fixture
def open_category(db):
    return make_category("General discussion", position=1)


@pytest.fixture
def exec_category(db):
    return make_category(
        "Executive business", restricted_to=(roles.EXECUTIVE_COMMITTEE,), position=3
    )


@pytest.fixture
def other_member(db):
    return UserFactory(full_name="Omar Other", email="omar@test.example")


@pytest.fixture
def executive(db):
    return UserFactory(
        full_name="Eve Executive", email="eve@test.example", roles=[roles.EXECUTIVE_COMMITTEE]
    )


@pytest.fixture
def second_executive(db):
    return UserFactory(
        full_name="Ezra Second", email="ezra@test.example", roles=[roles.EXECUTIVE_COMMITTEE]
    )


@pytest.fixture
def executive_moderator(db):
    return UserFactory(
        full_name="Max Chair",
        email="max@test.example",
        roles=[roles.MODERATORS, roles.EXECUTIVE_COMMITTEE],
    )


# Member text: attack inputs and the one check that whatever comes out cannot run.

XSS_ATTACKS = {
    "script": "<script>alert(1)</script>",
    "script-case-src": "<ScRiPt SRC=https://evil.example/x.js></sCrIpT>",
    "script-unclosed": "<script>alert(1)",
    "script-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-nul": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "double-open": "<<script>alert(1);//<</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "site-img-onerror": '<img src="/media/a.png" onerror="alert(1)">',
    "img-slashes": "<img/src=/a.png/onerror=alert(1)>",
    "p-handlers": '<p onclick="alert(1)" onmouseover=alert(1)>hover</p>',
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "link-handler": '<a href="https://example.org" target="_blank" onclick="alert(1)">ok</a>',
    "js-url": '<a href="javascript:alert(1)">x</a>',
    "js-url-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "js-url-space": '<a href="  javascript:alert(1)">x</a>',
    "js-url-tab-entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "js-url-newline": '<a href="java\nscript:alert(1)">x</a>',
    "js-url-cr-entity": '<a href="java&#x0D;script:alert(1)">x</a>',
    "js-url-decimal-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'
    ),
    "js-url-hex-entities": '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    "js-url-colon-entity": '<a href="javascript&colon;alert(1)">x</a>',
    "js-url-control-char": '<a href="\x01javascript:alert(1)">x</a>',
    "js-url-nul": '<a href="java\x00script:alert(1)">x</a>',
    "data-url": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data-img": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "vbscript-case": '<a href="VbScRiPt:msgbox(1)">x</a>',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text x="2" y="2">x</text></a></svg>',
    "svg-animate": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "math-xlink": '<math><maction xlink:href="javascript:alert(1)">x</maction></math>',
    "math-mglyph": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
        "</style></mglyph></table></mtext></math>"
    ),
    "style-expression": '<p style="width: expression(alert(1))">x</p>',
    "style-url": "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form": (
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button>'
    ),
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="javascript:alert(1)//">',
    "unclosed-tags": '<div><p>unclosed <b>tags <a href="javascript:alert(1)">everywhere',
    "unclosed-img": "<img src=/a.png onerror=alert(1)",
    "nested-quotes-title": '<a href="/x" title=\'"><script>alert(1)</script>\'>x</a>',
    "nested-quotes-href": "<a href='https://example.org/\" onmouseover=\"alert(1)'>x</a>",
    "break-out": '"><img src=x onerror=alert(1)>',
    "md-link-js": "[click](javascript:alert(1))",
    "md-link-js-case": "[click](JAVASCRIPT:alert(1))",
    "md-link-js-space": "[click](  javascript:alert(1)  )",
    "md-link-js-entity": "[click](jav&#x61;script:alert(1))",
    "md-link-angle": "[click](<javascript:alert(1)>)",
    "md-link-data": "[x](data:text/html,<script>alert(1)</script>)",
    "md-reference-js": "[see here][x]\n\n[x]: javascript:alert(1)",
    "md-autolink-js": "<javascript:alert(1)>",
    "md-title-breakout": '[x](https://example.org "t\\" onmouseover=alert(1)")',
    "md-image-js": "![x](javascript:alert(1))",
    "md-image-external": "![pixel](https://evil.example/pixel.gif)",
    "md-image-protocol-relative": "![pixel](//evil.example/pixel.gif)",
    "md-image-backslash": "![pixel](/\\evil.example/pixel.gif)",
    "md-image-alt-breakout": '![x" onerror="alert(1)](/media/a.png)',
    "md-code-fence": "```\n<script>alert(1)</script>\n```",
    "md-code-inline": "`<img src=x onerror=alert(1)>`",
    "md-table": (
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |"
    ),
    "comment": "<!-- <script>alert(1)</script> -->",
    "comment-breakout": "<!--><img src=x onerror=alert(1)>-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "fullwidth-tags": "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "fullwidth-scheme": (
        '<a href="\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1)">x</a>'
    ),
    "cyrillic-lookalike": '<a href="j\u0430vascript:alert(1)">x</a>',
    "zero-width": '<a href="java\u200bscript:alert(1)">x</a>',
    "img-srcset": '<img src="/a.png" srcset="https://evil.example/a.png 1x">',
}

# What member HTML may contain; anything else is a failure of the sanitiser.
MEMBER_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "hr", "i",
    "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
MEMBER_ATTRIBUTES = {"href", "title", "rel", "src", "alt", "width", "height", "colspan", "rowspan"}
LINK_SCHEMES = {"http", "https", "mailto"}


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _as_browser_reads(url: str) -> str:
    """A URL as a browser's URL parser sees it: tabs and newlines removed, leading and
    trailing C0 controls and spaces stripped."""
    return re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))


def url_scheme(url: str) -> str:
    """The scheme a browser would find (ASCII letters, then letters, digits, + - .), or ""
    for a relative URL."""
    match = _URL_SCHEME.match(_as_browser_reads(url))
    return match.group(1).lower() if match else ""


def assert_harmless(html: str) -> None:
    """Nothing in `html` can run: only member tags and attributes, no event handlers, links
    only to http(s), mailto or this site with rel nofollow noopener, images only from this
    site, and no raw script tag anywhere."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert element.name in MEMBER_TAGS, (element.name, html)
        for name in element.attrs:
            assert not name.lower().startswith("on"), (name, html)
            assert name in MEMBER_ATTRIBUTES, (name, html)
        if element.get("href") is not None:
            scheme = url_scheme(element["href"])
            assert scheme in LINK_SCHEMES or scheme == "", (element["href"], html)
        if element.name == "img":
            src = _as_browser_reads(element.get("src", ""))
            assert src.startswith("/") and not src.startswith("//"), (src, html)
            assert "\\" not in src and url_scheme(src) == "", (src, html)
        elif element.get("src") is not None:
            raise AssertionError(("src outside an image", html))
        if element.name == "a":
            rel = element.get("rel") or []
            assert "nofollow" in rel and "noopener" in rel, html
    lowered = html.lower()
    for marker in ("<script", "<iframe", "<svg", "<math", "<object", "<embed", "<style"):
        assert marker not in lowered, (marker, html)
