"""The demo network's content, read from the YAML files in `demo/content/`.

The files hold what the network says (organisations, members, pages, guidelines,
modules, threads, answers); the loaders in `demo.loaders` hold how it is made. Times
in the files are relative (`days_ago`, `days_ahead`, a clock time) so that the demo is
always current; the loaders turn them into moments from the `now` they are given.

A page body is a list of blocks, each a mapping with one key naming the block:

    - text: <p>HTML</p>
    - inset: <p>HTML</p>
    - warning: {title: ..., body: <p>HTML</p>, level: 2}
    - care_card: {kind: urgent, title: ..., body: <p>HTML</p>, level: 3}
    - do: {items: [...], label: ..., level: 3}      (or just a list of items)
    - dont: {items: [...], label: ..., level: 3}    (or just a list of items)
    - expander: {title: ..., body: <p>HTML</p>}
    - details: {title: ..., body: <p>HTML</p>}
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from . import blocks
from .blocks import Block

CONTENT = Path(__file__).resolve().parent / "content"


class ContentError(ValueError):
    """A demo content file says something the loaders cannot make."""


@functools.cache
def _read(name: str) -> Any:
    path = CONTENT / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load(name: str) -> Any:
    """The data in `demo/content/<name>.yaml` (a path such as "learning/tracks" is allowed).

    Read once per process; callers get their own copy, so a loader may change what it is
    given without changing what the next run reads."""
    import copy

    return copy.deepcopy(_read(name))


def _items(value: Any) -> tuple[list[str], dict[str, Any]]:
    if isinstance(value, list):
        return value, {}
    options = dict(value)
    return options.pop("items"), options


def block(spec: dict[str, Any]) -> Block:
    """One StreamField block from its one-key mapping (see the module docstring)."""
    if not isinstance(spec, dict) or len(spec) != 1:
        raise ContentError(f"A block is a mapping with one key, not {spec!r}.")
    ((kind, value),) = spec.items()
    if kind == "text":
        return blocks.text(value)
    if kind == "inset":
        return blocks.inset(value)
    if kind == "warning":
        return blocks.warning(value["title"], value["body"], level=value.get("level", 2))
    if kind == "care_card":
        return blocks.care_card(
            value["kind"], value["title"], value["body"], level=value.get("level", 3)
        )
    if kind in ("do", "dont"):
        items, options = _items(value)
        return getattr(blocks, kind)(*items, **options)
    if kind == "expander":
        return blocks.expander(value["title"], value["body"])
    if kind == "details":
        return blocks.details(value["title"], value["body"])
    raise ContentError(f"Unknown block {kind!r}.")


def body(specs: Iterable[dict[str, Any]]) -> list[Block]:
    """A StreamField value (a list of blocks) from the YAML list of one-key mappings."""
    return [block(spec) for spec in specs]
