"""StreamField values for demo pages, from the NHS.UK blocks of `core.blocks.BodyBlock`.

`demo.content.body()` builds them from the one-key block mappings in the YAML files
under `demo/content/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Block = dict[str, Any]


def text(html: str) -> Block:
    return {"type": "text", "value": html}


def inset(html: str) -> Block:
    return {"type": "inset_text", "value": {"body": html}}


def warning(title: str, html: str, level: int = 2) -> Block:
    return {
        "type": "warning_callout",
        "value": {"title": title, "heading_level": level, "body": html},
    }


def care_card(kind: str, title: str, html: str, level: int = 3) -> Block:
    """`kind` is "primary" (non-urgent), "urgent" or "immediate" (emergency)."""
    return {
        "type": "care_card",
        "value": {
            "type": kind,
            "heading_level": level,
            "title": title,
            "body": [{"type": "richtext", "value": html}],
        },
    }


def items_html(items: Sequence[str]) -> list[str]:
    return [f"<p>{item}</p>" for item in items]


def do(*items: str, label: str = "", level: int = 3) -> Block:
    return {
        "type": "do_list",
        "value": {"heading_level": level, "label": label, "do": items_html(items)},
    }


def dont(*items: str, label: str = "", level: int = 3) -> Block:
    return {
        "type": "dont_list",
        "value": {"heading_level": level, "label": label, "dont": items_html(items)},
    }


def expander(title: str, html: str) -> Block:
    return {
        "type": "expander",
        "value": {"title": title, "body": [{"type": "richtext", "value": html}]},
    }


def details(title: str, html: str) -> Block:
    return {
        "type": "details",
        "value": {"title": title, "body": [{"type": "richtext", "value": html}]},
    }
