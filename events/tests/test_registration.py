"""Registering, cancelling and the waiting list, through the services and the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events import queries, services
from events.exceptions import RegistrationError
from events.models import Registration, RegistrationStatus
from members.models import ApprovalStatus
from members.tests.factories import UserFactory

from .factories import first_occurrence, make_event, soon

pytestmark = pytest.mark.django_db


def full_event(capacity=2, waiting_list=True):
    return first_occurrence(make_event(capacity=capacity, waiting_list=waiting_list))


def test_register_gives_a_place_and_emails_an_invitation(
    member, occurrence, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_occurrence(member, occurrence)
    assert registration.status == RegistrationStatus.REGISTERED
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "You are registered" in mail.outbox[0].subject
    ((filename, content, mimetype),) = mail.outbox[0].attachments
    assert filename == "event.ics"
    assert mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content


def test_registering_twice_is_refused(member, occurrence):
    services.register_for_occurrence(member, occurrence)
    with pytest.raises(RegistrationError, match="already registered"):
        services.register_for_occurrence(member, occurrence)
    assert Registration.objects.filter(member=member).count() == 1


def test_cancelled_occurrence_refuses_registration(member, occurrence, coordinator):
    services.cancel_occurrence(occurrence, by=coordinator)
    with pytest.raises(RegistrationError, match="cancelled"):
        services.register_for_occurrence(member, occurrence)
    assert not Registration.objects.exists()


def test_past_occurrence_refuses_registration(member):
    from .factories import london

    past = first_occurrence(make_event(start=london(2026, 1, 13, 12, 30)))
    with pytest.raises(RegistrationError, match="already started"):
        services.register_for_occurrence(member, past)
    assert not Registration.objects.exists()


def test_full_event_without_waiting_list_is_refused(member):
    occurrence = full_event(capacity=1, waiting_list=False)
    services.register_for_occurrence(UserFactory(), occurrence)
    with pytest.raises(RegistrationError, match="full and has no waiting list"):
        services.register_for_occurrence(member, occurrence)
    assert not Registration.objects.filter(member=member).exists()


@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
def test_unapproved_users_cannot_register(occurrence, status):
    with pytest.raises(PermissionDenied):
        services.register_for_occurrence(UserFactory(approval_status=status), occurrence)


def test_waiting_list_is_promoted_in_order(django_capture_on_commit_callbacks):
    occurrence = full_event(capacity=2)
    first, second = UserFactory(), UserFactory()
    queue = [UserFactory(full_name=f"Queued {n}") for n in range(3)]
    for person in [first, second, *queue]:
        services.register_for_occurrence(person, occurrence)
    statuses = dict(Registration.objects.values_list("member_id", "status"))
    assert [statuses[p.pk] for p in queue] == [RegistrationStatus.WAITING] * 3
    assert [queries.waiting_position(Registration.objects.get(member=p)) for p in queue] == [
        1,
        2,
        3,
    ]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(second, occurrence)
    statuses = dict(Registration.objects.values_list("member_id", "status"))
    assert statuses[second.pk] == RegistrationStatus.CANCELLED
    assert statuses[queue[0].pk] == RegistrationStatus.REGISTERED
    assert statuses[queue[1].pk] == RegistrationStatus.WAITING
    assert [m.to for m in mail.outbox] == [[queue[0].email]]
    assert "place has come free" in mail.outbox[0].subject
    assert queries.waiting_position(Registration.objects.get(member=queue[2])) == 2

    # Leaving the waiting list promotes nobody.
    services.cancel_registration(queue[1], occurrence)
    assert Registration.objects.filter(status=RegistrationStatus.REGISTERED).count() == 2


def test_cancel_and_register_again(member, occurrence):
    services.register_for_occurrence(member, occurrence)
    services.cancel_registration(member, occurrence)
    registration = services.register_for_occurrence(member, occurrence)
    assert registration.status == RegistrationStatus.REGISTERED
    assert Registration.objects.filter(member=member).count() == 1


def test_cancelling_without_a_registration_is_refused(member, occurrence):
    with pytest.raises(RegistrationError):
        services.cancel_registration(member, occurrence)


def test_register_and_cancel_through_the_page(member_client, member, occurrence):
    url = reverse("events:register", args=[occurrence.pk])
    response = member_client.post(url, follow=True)
    assert "You are registered" in response.content.decode()
    response = member_client.post(url, follow=True)
    assert "already registered" in response.content.decode()
    assert Registration.objects.filter(member=member).count() == 1
    member_client.post(reverse("events:cancel_registration", args=[occurrence.pk]))
    assert Registration.objects.get(member=member).status == RegistrationStatus.CANCELLED


def test_registration_is_a_post(member_client, occurrence):
    response = member_client.get(reverse("events:register", args=[occurrence.pk]))
    assert response.status_code == 405
    assert not Registration.objects.exists()


def test_unknown_occurrence_is_404(member_client):
    assert member_client.post(reverse("events:register", args=[999999])).status_code == 404
    assert member_client.get(reverse("events:occurrence", args=[999999])).status_code == 404


def test_joining_link_only_for_registered_members(member_client, member, occurrence):
    url = reverse("events:occurrence", args=[occurrence.pk])
    link = "https://meet.jit.si/network-commons-test"
    assert link not in member_client.get(url).content.decode()
    services.register_for_occurrence(member, occurrence)
    assert link in member_client.get(url).content.decode()


def test_visitors_and_pending_users_see_no_events(client, occurrence):
    response = client.get(reverse("events:occurrence", args=[occurrence.pk]))
    assert response.status_code == 302
    client.force_login(UserFactory(approval_status=ApprovalStatus.PENDING))
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 403
    assert occurrence.title not in response.content.decode()


def test_occurrence_soon_in_bst_or_gmt_shows_local_time(member_client):
    occurrence = first_occurrence(make_event(start=soon(days=3, hour=12, minute=30)))
    page = member_client.get(reverse("events:occurrence", args=[occurrence.pk])).content.decode()
    assert "12:30" in page
    assert "14:00" in page
