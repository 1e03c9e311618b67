"""`QuickChoiceLabels` answers as Django's own `get_FOO_display` does, for every choice
field of every model of the project, for each choice, a value outside the choices and an
empty value."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from core.choices import QuickChoiceLabels

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "evaluation",
    "events",
    "forums",
    "guidelines",
    "learning",
    "members",
    "returns",
    "search",
}


def choice_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.choices is not None:
                yield pytest.param(model, field, id=f"{model._meta.label}.{field.name}")


def test_every_model_with_choices_uses_the_quick_labels():
    models_with_choices = {model for model, _field in (p.values for p in choice_fields())}
    assert models_with_choices
    assert [m for m in models_with_choices if not issubclass(m, QuickChoiceLabels)] == []


@pytest.mark.parametrize(("model", "field"), list(choice_fields()))
def test_the_label_is_djangos(model, field):
    values = [choice for choice, _label in field.flatchoices] + ["not-a-choice", None, ""]
    for value in values:
        instance = model()
        setattr(instance, field.attname, value)
        quick = getattr(instance, f"get_{field.name}_display")()
        assert quick == models.Model._get_FIELD_display(instance, field)
        assert type(quick) is type(models.Model._get_FIELD_display(instance, field))


def test_a_label_is_translated_when_asked_for():
    from members.models import Organisation, OrganisationKind

    organisation = Organisation(kind=OrganisationKind.HOSPICE)
    with translation.override("en-gb"):
        label = organisation.get_kind_display()
    assert label == str(OrganisationKind.HOSPICE.label)
    assert isinstance(label, str)
