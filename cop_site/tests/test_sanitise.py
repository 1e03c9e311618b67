"""Attack inputs through the one sanitiser, its Markdown path and a rendered template."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template

from core.sanitise import clean_html, is_site_image_source, markdown_to_html, plain_text_to_html

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    "<img src=x onerror=alert(1)>",
    "<img src=/media/a.png onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    '<p onclick="alert(1)" onmouseover=alert(1)>hi</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
        "</style></mglyph></table></mtext></math>"
    ),
    '<math href="javascript:alert(1)">x</math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<a href="https://example.org" target="_blank" onclick="alert(1)">ok</a>',
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
    "<div><p>unclosed <b>markup <i>everywhere",
    "<p>\x00<scr\x00ipt>alert(1)</script>",
    "<a href='http://example.org/\" onmouseover=\"alert(1)'>x</a>",
    "<table><tr><td onmouseover=alert(1) colspan=2>x</td></tr></table>",
]

DANGEROUS_ATTRIBUTE = re.compile(r"^on|^style$|^srcdoc$|^formaction$|^xlink:href$")
DANGEROUS_TAGS = {
    "script", "style", "svg", "math", "iframe", "object", "embed", "form", "input",
    "button", "meta", "link", "base", "body", "template", "noscript", "details", "animate",
}  # fmt: skip


def assert_harmless(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert element.name not in DANGEROUS_TAGS, html
        for name, value in element.attrs.items():
            assert not DANGEROUS_ATTRIBUTE.search(name), html
            values = value if isinstance(value, list) else [value]
            for item in values:
                lowered = re.sub(r"[\s\x00-\x1f]", "", item).lower()
                assert not lowered.startswith(("javascript:", "vbscript:", "data:")), html
        if element.name == "img":
            assert is_site_image_source(element["src"]), html
        if element.name == "a":
            assert "nofollow" in element["rel"] and "noopener" in element["rel"], html
    # Whatever survives as text is inert: no raw angle brackets start a tag.
    assert "<script" not in html.lower()


@pytest.mark.parametrize("attack", ATTACKS)
def test_clean_html_neutralises(attack):
    assert_harmless(clean_html(attack))


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_neutralises(attack):
    assert_harmless(markdown_to_html(attack))


@pytest.mark.parametrize("attack", ATTACKS)
def test_plain_text_escapes_everything(attack):
    html = plain_text_to_html(attack)
    assert_harmless(html)
    assert (
        BeautifulSoup(html, "html.parser").find_all(lambda tag: tag.name not in {"a", "br"}) == []
    )


MARKDOWN_ATTACKS = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x]: javascript:alert(1)\n\n[link][x]",
    "![x](https://evil.example/tracker.png)",
    "![x](//evil.example/tracker.png)",
    "![x](/\\evil.example/tracker.png)",
    '![x" onerror="alert(1)](/media/a.png)',
    '<https://example.org/"onmouseover="alert(1)>',
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
]


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_markdown_specific_attacks(attack):
    assert_harmless(markdown_to_html(attack))


@pytest.mark.parametrize("attack", ATTACKS + MARKDOWN_ATTACKS)
@pytest.mark.parametrize("filter_name", ["clean_html", "markdown", "plain_text"])
def test_template_filters_render_harmlessly(attack, filter_name):
    template = Template(
        "{% load sanitise %}<div id='member-text'>{{ text|" + filter_name + " }}</div>"
    )
    rendered = template.render(Context({"text": attack}))
    container = BeautifulSoup(rendered, "html.parser").find(id="member-text")
    assert container is not None
    assert_harmless(container.decode_contents())


def test_allowed_markup_survives():
    html = clean_html(
        "<p><strong>Bold</strong> <em>it</em></p><ul><li>one</li></ul>"
        '<a href="https://www.nhs.uk/" title="NHS">NHS</a> <a href="mailto:c@example.org">mail</a>'
        '<img src="/media/images/diagram.png" alt="Diagram">'
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("strong").text == "Bold"
    assert soup.find("li").text == "one"
    nhs = soup.find("a", string="NHS")
    assert nhs["href"] == "https://www.nhs.uk/"
    assert nhs["rel"] == ["nofollow", "noopener", "noreferrer"]
    assert soup.find("a", string="mail")["href"] == "mailto:c@example.org"
    assert soup.find("img")["src"] == "/media/images/diagram.png"


def test_markdown_renders_formatting_and_links_bare_addresses():
    html = markdown_to_html("**Advice**: see https://www.nhs.uk/conditions/ today.\n\n- one\n- two")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("strong").text == "Advice"
    link = soup.find("a")
    assert link["href"] == "https://www.nhs.uk/conditions/"
    assert "nofollow" in link["rel"]
    assert [li.text for li in soup.find_all("li")] == ["one", "two"]


def test_site_relative_links_keep_their_path():
    html = clean_html('<a href="/guidelines/rapid-transfer/">guideline</a>')
    link = BeautifulSoup(html, "html.parser").find("a")
    assert link["href"] == "/guidelines/rapid-transfer/"
    assert link["rel"] == ["nofollow", "noopener"]


@pytest.mark.parametrize(
    ("source", "allowed"),
    [
        ("/media/a.png", True),
        ("/static/cop_site/x.svg", True),
        ("//evil.example/a.png", False),
        ("/\\evil.example/a.png", False),
        ("https://evil.example/a.png", False),
        ("http:/media/a.png", False),
        ("media/a.png", False),
        ("/media/a b.png", False),
        ("/media/a.png\x00", False),
    ],
)
def test_site_image_sources(source, allowed):
    assert is_site_image_source(source) is allowed


def test_empty_and_none_like_input():
    assert clean_html("") == ""
    assert markdown_to_html("") == ""
    assert plain_text_to_html("") == ""
