"""Builders for returns' tests and for other apps' tests that need returns objects: a small
return (a hospice provision return with a condition, a repeating group, limits and a
suggested value) and a full set of answers to it."""

from __future__ import annotations

from returns.models import Field, FieldKind, Prefill, ReturnTemplate, Section


def build_template(
    name="Hospice provision return 2026/27", slug="hospice-provision", previous=None
):
    template = ReturnTemplate.objects.create(name=name, slug=slug, previous=previous)
    section = Section.objects.create(template=template, title="Beds and staffing", position=1)

    def field(code, kind, label, position, **extra):
        return Field.objects.create(
            section=section,
            code=code,
            kind=kind,
            label=label,
            position=position,
            definition=f"Agreed definition of {label.lower()}.",
            **extra,
        )

    field("beds", FieldKind.INTEGER, "Beds", 1, min_value=0, max_value=100, unit="beds")
    field("offers_24_7", FieldKind.YES_NO, "Offers 24/7 nursing", 2)
    field(
        "night_nurses",
        FieldKind.INTEGER,
        "Nurses on a night shift",
        3,
        shown_if_code="offers_24_7",
        shown_if_value="yes",
        min_value=0,
    )
    field("region", FieldKind.SINGLE_CHOICE, "Region", 4, choices=["North", "South"])
    field(
        "staff_trained",
        FieldKind.INTEGER,
        "Staff trained",
        5,
        prefill=Prefill.TRACKS_COMPLETED,
        required=False,
    )
    group = field("services", FieldKind.GROUP, "Services offered", 6, max_rows=20)
    Field.objects.create(
        section=section,
        group=group,
        code="service_name",
        kind=FieldKind.SHORT_TEXT,
        label="Service",
        position=1,
    )
    Field.objects.create(
        section=section,
        group=group,
        code="places",
        kind=FieldKind.INTEGER,
        label="Places",
        position=2,
        min_value=0,
    )
    return template


FULL = {
    ("beds", 0): "10",
    ("offers_24_7", 0): "yes",
    ("night_nurses", 0): "2",
    ("region", 0): "North",
    ("service_name", 0): "Respite",
    ("places", 0): "4",
}
