"""Choice labels without Django's per-call dictionary (issue 15).

Django's `Model._get_FIELD_display`, behind every `get_FOO_display()`, builds
`dict(make_hashable(field.flatchoices))` on each call. Building it hashes every label of
the field's choices, and hashing a lazy label translates it: a directory of 40
organisations showing three labels each translated some 1,500 strings a request, a fifth
of the page's time. `QuickChoiceLabels` finds the one label by comparing values and
translates only that one. The answer is the same: the value's label, or the value itself
when it is not one of the choices (`cop_site/tests/test_choices.py` compares the two on every
choice field of the project)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str


class QuickChoiceLabels:
    """Mixed into a model, before its Django base, so that the `get_FOO_display` methods
    Django adds for fields with choices use the quicker look-up."""

    def _get_FIELD_display(self, field: models.Field) -> Any:
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
