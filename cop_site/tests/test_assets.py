"""Every asset the site uses is served by the site itself."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import localise_nhsuk_css  # noqa: E402


def test_served_nhsuk_stylesheet_is_the_localised_copy_of_the_installed_one():
    expected = localise_nhsuk_css.localised(localise_nhsuk_css.SOURCE.read_text(encoding="utf-8"))
    assert localise_nhsuk_css.TARGET.read_text(encoding="utf-8") == expected, (
        "Run scripts/localise_nhsuk_css.py after upgrading wagtail-nhsuk-frontend."
    )


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("*/static/**/*.css"))
)
def test_our_stylesheets_load_nothing_from_other_hosts(path):
    css = (ROOT / path).read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), path
    assert "@import" not in css


@pytest.mark.django_db
def test_pages_reference_only_local_assets(client, member):
    for who in [None, member]:
        if who:
            client.force_login(who)
        soup = BeautifulSoup(client.get("/").content, "html.parser")
        for tag, attribute in [("link", "href"), ("script", "src"), ("img", "src")]:
            for element in soup.find_all(tag):
                value = element.get(attribute)
                if value:
                    assert value.startswith("/") and not value.startswith("//"), value
