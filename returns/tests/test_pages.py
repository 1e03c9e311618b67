"""The return pages: who sees what, filling in through the form, and the exports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returns import services
from returns.models import Answer, ReturnStatus

from .factories import FULL

pytestmark = pytest.mark.django_db


def form_data(organisation_return, typed, **extra):
    organisation_return.refresh_from_db()
    data = {"revision": organisation_return.revision, **extra}
    for (code, row), value in typed.items():
        column = code in {"service_name", "places"}
        data[f"f-{code}-{row}" if column else f"f-{code}"] = value
    return data


def url(organisation_return):
    return reverse("returns:return", args=[organisation_return.pk])


def test_each_organisation_sees_only_its_own_return(
    client, mine, sent, other_hospice, other_lead, lead
):
    theirs = sent[other_hospice.pk]
    client.force_login(lead)
    assert client.get(url(mine)).status_code == 200
    for path in (
        url(theirs),
        reverse("returns:coordinate", args=[theirs.pk]),
        reverse("returns:progress", args=[theirs.template_id]),
        reverse("returns:answers_csv", args=[theirs.template_id]),
        reverse("returns:dictionary_csv", args=[theirs.template_id]),
    ):
        assert client.get(path).status_code in (404, 405)
        assert client.post(path, form_data(theirs, {("beds", 0): "9"})).status_code == 404
    assert not Answer.objects.filter(organisation_return=theirs).exists()
    index = client.get(reverse("returns:index")).content.decode()
    assert "Harebell House" in index and "Bluebell Lodge" not in index


def test_a_lead_fills_in_the_form_and_sees_definitions(client, mine, lead):
    client.force_login(lead)
    page = client.get(url(mine)).content.decode()
    assert "Agreed definition of beds." in page
    assert 'id="f-night_nurses"' not in page  # shown only once 24/7 nursing is yes
    response = client.post(
        url(mine), form_data(mine, {("beds", 0): "10", ("offers_24_7", 0): "yes"})
    )
    assert response.status_code == 302
    page = client.get(url(mine)).content.decode()
    assert 'id="f-night_nurses"' in page
    assert "2 of 5 required questions answered" in page


def test_letters_in_a_number_field_show_the_error_and_keep_what_was_typed(client, mine, lead):
    client.force_login(lead)
    response = client.post(url(mine), form_data(mine, {("beds", 0): "ten", ("region", 0): "North"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a number" in page
    assert 'value="ten"' in page
    assert not Answer.objects.filter(organisation_return=mine).exists()


def test_a_stale_form_is_refused_with_a_clear_message(client, mine, lead):
    client.force_login(lead)
    old = form_data(mine, {("beds", 0): "10"})
    assert client.post(url(mine), old).status_code == 302
    response = client.post(url(mine), {**old, "f-beds": "12"})
    assert "Someone else from your organisation saved" in response.content.decode()
    assert services.stored_values(mine)[("beds", 0)] == 10


def test_a_tampered_row_index_is_refused(client, mine, lead):
    client.force_login(lead)
    data = form_data(mine, {("beds", 0): "1"})
    data["f-places-abc"] = "3"
    assert client.post(url(mine), data).status_code == 400
    assert not Answer.objects.filter(organisation_return=mine).exists()


def test_submit_then_coordinator_queries_accepts_and_downloads(client, mine, lead, coordinator):
    client.force_login(lead)
    assert client.post(url(mine), form_data(mine, FULL, submit="1")).status_code == 302
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.SUBMITTED
    assert client.post(url(mine), form_data(mine, {("beds", 0): "11"})).status_code == 400
    client.force_login(coordinator)
    coordinate = reverse("returns:coordinate", args=[mine.pk])
    client.post(coordinate, {"action": "query", "field": "beds", "question": "Respite beds too?"})
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.QUERIED
    client.force_login(lead)
    query = mine.queries.get()
    client.post(reverse("returns:reply", args=[mine.pk, query.pk]), {"reply": "Yes, two."})
    client.force_login(coordinator)
    client.post(coordinate, {"action": "accept"})
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.ACCEPTED
    csv = client.get(reverse("returns:answers_csv", args=[mine.template_id])).content.decode()
    header, *rows = csv.strip().splitlines()
    assert header.startswith("organisation,status,beds,offers_24_7,night_nurses,region")
    assert "service_name_1,places_1" in header
    assert any(row.startswith("Harebell House,accepted,10,yes,2,North") for row in rows)
    dictionary = client.get(reverse("returns:dictionary_csv", args=[mine.template_id]))
    assert "Agreed definition of beds." in dictionary.content.decode()


def test_spreadsheet_formulas_are_neutralised_in_exports(client, mine, lead, coordinator):
    client.force_login(lead)
    client.post(
        url(mine), form_data(mine, {("service_name", 0): '=HYPERLINK("x")', ("places", 0): "1"})
    )
    client.force_login(coordinator)
    csv = client.get(reverse("returns:answers_csv", args=[mine.template_id])).content.decode()
    assert ",=HYPERLINK" not in csv


def test_the_suggested_value_can_be_used(client, mine, lead, hospice):
    from learning.models import Certificate
    from members.tests.factories import UserFactory

    Certificate.objects.create(
        kind="track", user=UserFactory(organisation=hospice), cpd_hours=1, code="S1"
    )
    client.force_login(lead)
    page = client.get(url(mine)).content.decode()
    assert "Suggested from Network Commons: 1" in page
    data = form_data(mine, {("beds", 0): "3"})
    data["use-staff_trained"] = "1"
    assert client.post(url(mine), data).status_code == 302
    assert services.stored_values(mine)[("staff_trained", 0)] == 1


def test_sending_an_incomplete_return_keeps_the_answers_as_a_draft(client, mine, lead):
    client.force_login(lead)
    response = client.post(url(mine), form_data(mine, {("beds", 0): "10"}, submit="1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Answer this question before you submit" in page
    assert "Your answers are saved, but the return has not been sent yet." in page
    mine.refresh_from_db()
    assert mine.status == ReturnStatus.DRAFT
    assert services.stored_values(mine) == {("beds", 0): 10}
