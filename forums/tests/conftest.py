"""Fixtures for forum tests: an open category and one restricted to the Executive committee,
the people who may or may not see it, and threads started through the services. The
categories and most of the people are in `factories.py`, which other apps' tests import
them from too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from forums import services
from forums.models import EmailMode
from members import roles
from members.tests.factories import UserFactory

from .factories import (  # noqa: F401  (the shared fixtures)
    exec_category,
    executive,
    executive_moderator,
    make_category,
    open_category,
    other_member,
    second_executive,
)


@pytest.fixture
def other_category(db):
    return make_category("Symptom management", position=2)


@pytest.fixture
def moderator(db):
    """A moderator who is not on the Executive committee."""
    return UserFactory(full_name="Mo Moderator", email="mo@test.example", roles=[roles.MODERATORS])


@pytest.fixture
def superuser(db):
    return UserFactory(
        full_name="Sue Super", email="sue@test.example", is_superuser=True, is_staff=True
    )


@pytest.fixture
def person(request):
    """Parametrise with a fixture name (or "visitor") to get that person."""
    if request.param == "visitor":
        return AnonymousUser()
    return request.getfixturevalue(request.param)


@pytest.fixture
def thread(member, open_category):  # noqa: F811  (the shared fixture)
    return services.start_thread(
        member, open_category, "Syringe drivers at home", "How do you set one up at home?"
    )


@pytest.fixture
def first_post(thread):
    return thread.posts.get()


@pytest.fixture
def reply(thread, other_member):  # noqa: F811  (the shared fixture)
    return services.reply(other_member, thread, "We use the regional protocol.")


@pytest.fixture
def exec_thread(executive, exec_category):  # noqa: F811  (the shared fixture)
    return services.start_thread(
        executive, exec_category, "Budget for next year", "The draft budget is attached."
    )


@pytest.fixture
def exec_post(exec_thread, second_executive):  # noqa: F811  (the shared fixture)
    return services.reply(second_executive, exec_thread, "Confidential: agreed.")


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """`with deliver():` runs the block, then the on-commit callbacks (e-mails) it queued."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def immediate(db):
    """`immediate(user)` switches the member to one e-mail per notification."""

    def switch(user):
        services.set_email_mode(user, EmailMode.IMMEDIATE)
        return user

    return switch
