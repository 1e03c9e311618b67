"""Coordinators make a return in the site's own pages: its sections and questions, with
clear errors on every bad definition, then choose organisations by kind, role or name."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import NetworkRole, OrganisationKind
from members.tests.factories import OrganisationFactory, UserFactory
from returns import services
from returns.models import Field, FieldKind, ReturnTemplate, Section, TemplateStatus

from .factories import build_template

pytestmark = pytest.mark.django_db


def field_data(section, **extra):
    data = {
        "section": section.pk,
        "code": "new_field",
        "label": "A new question",
        "definition": "What it means.",
        "kind": FieldKind.INTEGER,
        "unit": "",
        "required": "on",
        "max_rows": "50",
        "change_factor": "2",
        "position": "9",
        "prefill": "",
        "shown_if_code": "",
        "shown_if_value": "",
        "choices_text": "",
    }
    data.update(extra)
    return data


def test_a_coordinator_makes_a_return_with_sections_and_questions(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("returns:template_new"),
        {"name": "Respite provision 2027/28", "slug": "respite", "introduction": "Please."},
    )
    template = ReturnTemplate.objects.get(slug="respite")
    assert response.url == reverse("returns:template_edit", args=[template.pk])
    client.post(
        reverse("returns:section_new", args=[template.pk]), {"title": "Beds", "position": 1}
    )
    section = template.sections.get()
    response = client.post(
        reverse("returns:field_new", args=[template.pk]),
        field_data(section, code="beds", label="Respite beds", min_value="0", max_value="40"),
    )
    assert response.status_code == 302
    client.post(
        reverse("returns:field_new", args=[template.pk]),
        field_data(
            section,
            code="model",
            label="Model of care",
            kind=FieldKind.SINGLE_CHOICE,
            choices_text="Hospice-based\n  At home \n\nBoth",
        ),
    )
    model = Field.objects.get(code="model")
    assert model.choices == ["Hospice-based", "At home", "Both"]
    page = client.get(reverse("returns:template_edit", args=[template.pk])).content.decode()
    assert "Respite beds" in page and "Model of care" in page and "<code>beds</code>" in page


@pytest.mark.parametrize(
    "extra, field_name, message",
    [
        ({"code": "beds"}, "code", "Another question in this return has this code"),
        ({"code": "has spaces"}, "code", "Enter a valid"),
        ({"kind": FieldKind.SINGLE_CHOICE, "choices_text": "Only"}, "choices_text", "two"),
        (
            {"kind": FieldKind.MULTIPLE_CHOICE, "choices_text": "A\nB\nA"},
            "choices_text",
            "only once",
        ),
        (
            {"kind": FieldKind.SINGLE_CHOICE, "choices_text": "x" * 201 + "\nB"},
            "choices_text",
            "200",
        ),
        ({"choices_text": "A\nB"}, "choices_text", "Only “one of a list”"),
        ({"min_value": "10", "max_value": "2"}, "max_value", "must not be below"),
        ({"kind": FieldKind.SHORT_TEXT, "min_value": "1"}, "min_value", "Only numbers"),
        ({"kind": FieldKind.DATE, "prefill": "echo_attendances"}, "prefill", "Only a number"),
        ({"change_factor": "1"}, "change_factor", "above 1"),
        ({"change_factor": "lots"}, "change_factor", "Enter a number"),
        ({"kind": "spreadsheet"}, "kind", "Select a valid choice"),
        ({"shown_if_code": "nonexistent"}, "shown_if_code", "Select a valid choice"),
        ({"shown_if_code": "beds", "shown_if_value": "10"}, "shown_if_code", "Select a valid"),
        (
            {"shown_if_code": "offers_24_7", "shown_if_value": "maybe"},
            "shown_if_value",
            "yes or no",
        ),
        ({"shown_if_code": "region", "shown_if_value": "East"}, "shown_if_value", "North; South"),
        ({"shown_if_value": "yes"}, "shown_if_code", "Choose the question"),
        ({"label": ""}, "label", "This field is required"),
    ],
)
def test_a_bad_question_gets_a_clear_error_and_nothing_is_saved(
    client, coordinator, template, extra, field_name, message
):
    client.force_login(coordinator)
    section = template.sections.get()
    before = Field.objects.count()
    response = client.post(
        reverse("returns:field_new", args=[template.pk]), field_data(section, **extra)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field_name]), form.errors
    assert "There is a problem" in response.content.decode()
    assert Field.objects.count() == before


def test_a_column_of_a_group_and_a_group_inside_a_group(client, coordinator, template):
    client.force_login(coordinator)
    section = template.sections.get()
    other = Section.objects.create(template=template, title="Elsewhere", position=2)
    group = Field.objects.get(code="services")
    response = client.post(
        reverse("returns:field_new", args=[template.pk]),
        field_data(other, code="staff", group=group.pk),
    )
    assert response.status_code == 302
    column = Field.objects.get(code="staff")
    assert column.group == group and column.section == section  # it sits with its group
    response = client.post(
        reverse("returns:field_new", args=[template.pk]),
        field_data(section, code="nested", kind=FieldKind.GROUP, group=group.pk),
    )
    assert "cannot sit inside another" in " ".join(response.context["form"].errors["group"])
    response = client.post(
        reverse("returns:field_new", args=[template.pk]),
        field_data(
            section, code="cond", group=group.pk, shown_if_code="offers_24_7", shown_if_value="yes"
        ),
    )
    assert "always shown" in " ".join(response.context["form"].errors["shown_if_code"])


def test_what_other_questions_depend_on_is_kept(client, coordinator, template):
    client.force_login(coordinator)
    section = template.sections.get()
    condition = Field.objects.get(code="offers_24_7")
    url = reverse("returns:field_edit", args=[template.pk, condition.pk])
    response = client.post(url, field_data(section, code="renamed", kind=FieldKind.YES_NO))
    assert "Nurses on a night shift" in " ".join(response.context["form"].errors["code"])
    response = client.post(url, field_data(section, code="offers_24_7", kind=FieldKind.INTEGER))
    assert "Change them first" in " ".join(response.context["form"].errors["kind"])
    response = client.post(url, {"remove": "1"}, follow=True)
    assert Field.objects.filter(pk=condition.pk).exists()
    assert "change their condition first" in response.content.decode()
    # A question cannot depend on one that depends on it.
    region = Field.objects.get(code="region")
    region.shown_if_code, region.shown_if_value = "offers_24_7", "yes"
    region.save()
    response = client.post(
        url,
        field_data(
            section,
            code="offers_24_7",
            kind=FieldKind.YES_NO,
            shown_if_code="region",
            shown_if_value="North",
        ),
    )
    assert "depending on this one" in " ".join(response.context["form"].errors["shown_if_code"])
    condition.refresh_from_db()
    assert condition.shown_if_code == ""
    group = Field.objects.get(code="services")
    response = client.post(
        reverse("returns:field_edit", args=[template.pk, group.pk]),
        field_data(section, code="services", kind=FieldKind.INTEGER),
    )
    assert "has columns" in " ".join(response.context["form"].errors["kind"])


def test_removing_a_question_and_a_section(client, coordinator, template):
    client.force_login(coordinator)
    region = Field.objects.get(code="region")
    client.post(reverse("returns:field_edit", args=[template.pk, region.pk]), {"remove": "1"})
    assert not Field.objects.filter(code="region").exists()
    section = template.sections.get()
    client.post(reverse("returns:section_edit", args=[template.pk, section.pk]), {"remove": "1"})
    assert not template.sections.exists()


def test_a_sent_return_cannot_be_edited_and_a_new_version_can(client, coordinator, template, sent):
    client.force_login(coordinator)
    section = template.sections.get()
    beds = Field.objects.get(section=section, code="beds")
    for url in (
        reverse("returns:template_edit", args=[template.pk]),
        reverse("returns:field_edit", args=[template.pk, beds.pk]),
        reverse("returns:field_new", args=[template.pk]),
        reverse("returns:section_edit", args=[template.pk, section.pk]),
    ):
        response = client.post(url, field_data(section, code="beds", label="Changed", remove="1"))
        assert response.status_code == 302
        assert response.url == reverse("returns:progress", args=[template.pk])
    beds.refresh_from_db()
    assert beds.label == "Beds" and template.sections.count() == 1
    assert Field.objects.filter(section__template=template).count() == 8
    response = client.post(reverse("returns:new_version", args=[template.pk]))
    copy = ReturnTemplate.objects.get(slug=template.slug, version=2)
    assert response.url == reverse("returns:template_edit", args=[copy.pk])
    assert copy.status == TemplateStatus.DRAFT
    copied = Field.objects.get(section__template=copy, code="beds")
    response = client.post(
        reverse("returns:field_edit", args=[copy.pk, copied.pk]),
        field_data(copy.sections.get(), code="beds", label="Inpatient beds"),
    )
    copied.refresh_from_db()
    assert copied.label == "Inpatient beds"


def test_a_new_return_needs_a_short_name_nobody_has(client, coordinator, template):
    client.force_login(coordinator)
    response = client.post(
        reverse("returns:template_new"), {"name": "Again", "slug": template.slug}
    )
    assert "make a new version" in " ".join(response.context["form"].errors["slug"])
    assert ReturnTemplate.objects.count() == 1


def test_nobody_but_coordinators_reaches_the_definition_pages(client, template, lead, sent):
    executive = UserFactory(roles=["Executive committee"])
    template_draft = build_template(name="Draft", slug="draft")
    field = Field.objects.filter(section__template=template_draft).first()
    section = template_draft.sections.get()
    for user in (lead, executive):
        client.force_login(user)
        for url in (
            reverse("returns:template_new"),
            reverse("returns:template_edit", args=[template_draft.pk]),
            reverse("returns:section_new", args=[template_draft.pk]),
            reverse("returns:section_edit", args=[template_draft.pk, section.pk]),
            reverse("returns:field_new", args=[template_draft.pk]),
            reverse("returns:field_edit", args=[template_draft.pk, field.pk]),
            reverse("returns:send", args=[template_draft.pk]),
            reverse("returns:new_version", args=[template.pk]),
            reverse("returns:close", args=[template.pk]),
        ):
            assert client.post(url, {"remove": "1", "name": "x", "slug": "x"}).status_code == 404
    assert Field.objects.filter(pk=field.pk).exists()
    assert ReturnTemplate.objects.count() == 2
    template.refresh_from_db()
    assert template.status == TemplateStatus.OPEN


def test_a_field_of_another_template_is_a_404(client, coordinator, template):
    client.force_login(coordinator)
    other = build_template(name="Other", slug="other")
    theirs = Field.objects.filter(section__template=other).first()
    url = reverse("returns:field_edit", args=[template.pk, theirs.pk])
    assert client.post(url, {"remove": "1"}).status_code == 404
    assert Field.objects.filter(pk=theirs.pk).exists()


# --- Sending ------------------------------------------------------------------------------------


@pytest.fixture
def network(db):
    def organisation(name, kind, role):
        made = OrganisationFactory(name=name, kind=kind, network_role=role)
        lead = UserFactory(email=f"lead@{made.slug}.example", organisation=made)
        made.leads.add(lead)
        return made

    return {
        "hub": organisation("Hub Hospice", OrganisationKind.HOSPICE, NetworkRole.HUB),
        "spoke": organisation("Spoke Hospice", OrganisationKind.HOSPICE, NetworkRole.SPOKE),
        "nursing": organisation(
            "Town Nursing", OrganisationKind.COMMUNITY_NURSING, NetworkRole.SPOKE
        ),
        "school": organisation("Special School", OrganisationKind.EDUCATION, NetworkRole.ASSOCIATE),
    }


def send_data(**extra):
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return {"due_date": due, **extra}


def test_a_coordinator_chooses_by_kind_role_or_name_checks_then_sends(
    client, coordinator, template, network, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("returns:send", args=[template.pk])
    data = send_data(
        kinds=[OrganisationKind.HOSPICE], named=[network["nursing"].pk], confirm="check"
    )
    response = client.post(url, data)
    chosen = [organisation.name for organisation in response.context["chosen"]]
    assert chosen == ["Hub Hospice", "Spoke Hospice", "Town Nursing"]
    assert template.returns.count() == 0 and not mail.outbox  # checking sends nothing
    template.refresh_from_db()
    assert template.status == TemplateStatus.DRAFT
    # Changing the choice after checking asks for another check rather than sending.
    changed = {**data, "confirm": "send", "checked": response.context["checked"]}
    changed["roles"] = [NetworkRole.ASSOCIATE]
    response = client.post(url, changed)
    assert response.status_code == 200 and template.returns.count() == 0
    assert len(response.context["chosen"]) == 4
    with_checked = {**changed, "checked": response.context["checked"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, with_checked)
    assert response.url == reverse("returns:progress", args=[template.pk])
    assert template.returns.count() == 4
    template.refresh_from_db()
    assert template.status == TemplateStatus.OPEN
    # Each lead is e-mailed about their own organisation's return only.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"lead@{organisation.slug}.example" for organisation in network.values()
    )
    for message in mail.outbox:
        others = [o.name for o in network.values() if o.slug not in message.to[0]]
        assert not any(name in message.body for name in others)
    # Sending again leaves out who has it already.
    response = client.post(url, send_data(kinds=[OrganisationKind.HOSPICE], confirm="check"))
    assert "sent this return already" in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "at least one kind, role or organisation"),
        ({"kinds": ["castle"]}, "Select a valid choice"),
        ({"named": ["999999"]}, "Select a valid choice"),
        ({"named": ["not-a-number"]}, "is not a valid value"),
        ({"kinds": ["hospice"], "due_date": "2001-01-01"}, "from today on"),
        ({"kinds": ["hospice"], "due_date": "31/31/2027"}, "Enter a valid date"),
    ],
)
def test_bad_choices_when_sending_are_refused(
    client, coordinator, template, network, data, message
):
    client.force_login(coordinator)
    response = client.post(
        reverse("returns:send", args=[template.pk]), {**send_data(), **data, "confirm": "send"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert template.returns.count() == 0 and not mail.outbox


def test_a_closed_return_is_not_sent_and_stops_reminders(client, coordinator, template, sent):
    client.force_login(coordinator)
    client.post(reverse("returns:close", args=[template.pk]))
    template.refresh_from_db()
    assert template.status == TemplateStatus.CLOSED
    assert client.get(reverse("returns:send", args=[template.pk])).status_code == 404
    soon = min(r.due_date for r in sent.values()) - datetime.timedelta(days=3)
    assert services.send_reminders(today=soon) == 0
    response = client.post(reverse("returns:close", args=[template.pk]))
    assert response.status_code == 302  # closing twice says so, and changes nothing
