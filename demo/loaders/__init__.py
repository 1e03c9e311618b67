"""One loader per app, each turning its part of `demo/content/` into objects through that
app's services. `STEPS` is the order they run in: an app's loader may rely on what the
loaders before it made (members before events, events before learning and evaluation),
and search comes last so that it indexes everything."""

from __future__ import annotations

from collections.abc import Callable

from . import evaluation, events, forums, guidelines, learning, network, returns, search

Step = Callable[[], str]

STEPS: tuple[Step, ...] = (
    *network.DEMO_STEPS,
    *events.DEMO_STEPS,
    *learning.DEMO_STEPS,
    *guidelines.DEMO_STEPS,
    *forums.DEMO_STEPS,
    *evaluation.DEMO_STEPS,
    *returns.DEMO_STEPS,
    *search.DEMO_STEPS,
)
