"""Helpers for the browser tests (the live server and Chromium are `conftest.py`'s
fixtures): signing in, entering a live room, and the check every page must pass (axe-core
finds no WCAG 2.x A/AA violations, headings start at one h1 and never skip a level,
nothing scrolls sideways, and every form control has a label)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from members.tests.factories import PASSWORD

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}

HEADINGS_SCRIPT = """
() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
  .filter(h => h.offsetParent !== null || h.classList.contains('nhsuk-u-visually-hidden'))
  .map(h => Number(h.tagName[1]))
"""

UNLABELLED_SCRIPT = """
() => Array.from(document.querySelectorAll('input,select,textarea'))
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)
"""


def check_page(page, path: str, axe: Axe) -> list[str]:
    problems = []
    response = page.goto(path)
    if response is None or response.status >= 500:
        return [f"{path}: server error"]
    results = axe.run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        problems.append(f"{path}: {violation['id']} {violation['help']} {targets}")
    levels = page.evaluate(HEADINGS_SCRIPT)
    if levels.count(1) != 1:
        problems.append(f"{path}: expected one h1, found {levels.count(1)}")
    for previous, current in zip(levels, levels[1:], strict=False):
        if current > previous + 1:
            problems.append(f"{path}: heading jumps from h{previous} to h{current}")
    unlabelled = page.evaluate(UNLABELLED_SCRIPT)
    if unlabelled:
        problems.append(f"{path}: unlabelled form controls {unlabelled}")
    if page.evaluate("document.documentElement.scrollWidth") > 360:
        problems.append(f"{path}: wider than 360 px")
    return problems


def sign_in(page, email):
    page.goto("/members/login/")
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def enter_room(page, user, occurrence_id):
    sign_in(page, user.email)
    page.goto(f"/sessions/{occurrence_id}/live/")
    page.locator("#live-status").get_by_text("Connected").wait_for()
