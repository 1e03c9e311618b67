"""`load_demo_network` runs `DEMO_STEPS` after the other apps' steps: the index is
rebuilt from everything they loaded, so search works as soon as `make run` serves."""

from __future__ import annotations

from search.indexing import rebuild


def index_everything() -> str:
    return f"{rebuild()} search documents indexed"


DEMO_STEPS = [index_everything]
