"""Attack inputs through the sanitiser a forum post passes through (`clean_html`, and
`markdown_to_html`, which renders every post) and through a saved post. The rendered
thread page gets the same attacks in `test_views.py`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from core.sanitise import clean_html, markdown_to_html
from forums import services

from .factories import XSS_ATTACKS, assert_harmless

ATTACKS = list(XSS_ATTACKS.values())
IDS = list(XSS_ATTACKS.keys())


def test_there_are_enough_attacks():
    assert len(ATTACKS) >= 25
    assert len(set(ATTACKS)) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_clean_html_leaves_nothing_executable(attack):
    assert_harmless(clean_html(attack))


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_markdown_leaves_nothing_executable(attack):
    assert_harmless(markdown_to_html(attack))


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_attacks_wrapped_in_markdown_leave_nothing_executable(attack):
    for wrapped in (f"> {attack}", f"- {attack}", f"**{attack}**", f"Text\n\n{attack}\n\nText"):
        assert_harmless(markdown_to_html(wrapped))


@pytest.mark.django_db
def test_saved_posts_keep_the_text_and_store_only_harmless_html(thread, monkeypatch):
    from members.tests.factories import UserFactory

    monkeypatch.setattr(services, "RATE_LIMITS", ())
    author = UserFactory()
    for attack in ATTACKS:
        post = services.reply(author, thread, f"Before {attack} after")
        post.refresh_from_db()
        assert post.body == f"Before {attack} after".replace("\x00", "")
        assert_harmless(post.body_html)


# The check itself must catch what it looks for, or every test above passes for nothing.


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)" rel="nofollow noopener">x</a>',
        '<a href="java\tscript:alert(1)" rel="nofollow noopener">x</a>',
        '<a href=" vbscript:x" rel="nofollow noopener">x</a>',
        '<a href="data:text/html,x" rel="nofollow noopener">x</a>',
        '<a href="https://example.org/">no rel</a>',
        '<a href="https://example.org/" rel="nofollow">half a rel</a>',
        '<img src="https://evil.example/pixel.gif">',
        '<img src="//evil.example/pixel.gif">',
        '<img src="/\\evil.example/pixel.gif">',
        "<svg></svg>",
        "<iframe></iframe>",
        '<p style="color:red">x</p>',
    ],
)
def test_the_harmlessness_check_catches_danger(dangerous):
    with pytest.raises(AssertionError):
        assert_harmless(dangerous)


# What members need must survive, so a sanitiser that removes everything would fail here.


def test_formatting_links_and_site_images_survive():
    html = markdown_to_html(
        "**Bold** and *italic*\n\n"
        "- one\n- two\n\n"
        "> a quote\n\n"
        "See [the NHS page](https://www.nhs.uk/conditions/), https://www.rcpch.ac.uk/ "
        "and [the guideline](/guidelines/rapid-transfer/); write to "
        "[the team](mailto:team@example.org).\n\n"
        "![A diagram](/media/images/diagram.png)\n\n"
        "`code` and\n\n```\nfenced\n```"
    )
    assert_harmless(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("strong").text == "Bold"
    assert soup.find("em").text == "italic"
    assert [li.text for li in soup.find_all("li")] == ["one", "two"]
    assert soup.find("blockquote").text.strip() == "a quote"
    links = {a.text: a for a in soup.find_all("a")}
    assert links["the NHS page"]["href"] == "https://www.nhs.uk/conditions/"
    assert links["the NHS page"]["rel"] == ["nofollow", "noopener", "noreferrer"]
    assert links["https://www.rcpch.ac.uk/"]["href"] == "https://www.rcpch.ac.uk/"
    assert links["the guideline"]["href"] == "/guidelines/rapid-transfer/"
    assert links["the guideline"]["rel"] == ["nofollow", "noopener"]
    assert links["the team"]["href"] == "mailto:team@example.org"
    assert soup.find("img")["src"] == "/media/images/diagram.png"
    assert soup.find("img")["alt"] == "A diagram"
    assert [code.text.strip() for code in soup.find_all("code")] == ["code", "fenced"]


@pytest.mark.parametrize(
    "source",
    [
        "![pixel](https://evil.example/pixel.gif)",
        "![pixel](http://evil.example/pixel.gif)",
        "![pixel](//evil.example/pixel.gif)",
        '<img src="https://evil.example/pixel.gif" alt="pixel">',
    ],
)
def test_images_from_other_sites_are_dropped(source):
    for html in (markdown_to_html(source), clean_html(source)):
        assert BeautifulSoup(html, "html.parser").find("img") is None
        assert "evil.example" not in BeautifulSoup(html, "html.parser").decode().split('"')[1::2]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("`<b onmouseover=alert(1)>x</b>`", ["<b onmouseover=alert(1)>x</b>"]),
        ("`<script>alert(1)</script>`", ["<script>alert(1)</script>"]),
        ("```\n<iframe src=x></iframe>\n```", ["<iframe src=x></iframe>"]),
        ("Use `<style>` tags: `<style>p{}</style>`", ["<style>", "<style>p{}</style>"]),
    ],
    ids=["bold", "script", "iframe-fence", "two-spans"],
)
def test_markup_written_as_code_reads_as_written(text, code):
    """A member showing markup in `code` sees it shown, escaped, not run and not deleted."""
    html = markdown_to_html(text)
    assert_harmless(html)
    soup = BeautifulSoup(html, "html.parser")
    assert [element.text.strip() for element in soup.find_all("code")] == code
    if "tags:" in text:
        assert "tags:" in soup.text
