"""Fixtures shared by every app's tests. The services themselves come from `tests/rig.py`."""

from __future__ import annotations

import pytest

# The builders in each app's tests/factories.py (and the browser tests' helpers) are
# imported by the tests, not collected, so pytest would leave their asserts alone; registered
# here, before anything imports them, their asserts fail with the same detailed messages as
# the tests' own.
APPS_WITH_FACTORIES = (
    "core",
    "demo",
    "members",
    "events",
    "learning",
    "guidelines",
    "forums",
    "evaluation",
    "returns",
)
pytest.register_assert_rewrite(
    *(f"{app}.tests.factories" for app in APPS_WITH_FACTORIES), "tests.browser"
)

from members import roles  # noqa: E402
from members.models import ApprovalStatus  # noqa: E402
from members.tests.factories import OrganisationFactory, UserFactory  # noqa: E402


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def member(db):
    return UserFactory(full_name="Nia Member", email="nia@test.example")


@pytest.fixture
def coordinator(db):
    return UserFactory(
        full_name="Cora Coordinator", email="cora@test.example", roles=[roles.COORDINATORS]
    )


@pytest.fixture
def pending_user(db):
    return UserFactory(
        full_name="Pat Pending", email="pat@test.example", approval_status=ApprovalStatus.PENDING
    )


@pytest.fixture
def declined_user(db):
    return UserFactory(
        full_name="Dee Declined", email="dee@test.example", approval_status=ApprovalStatus.DECLINED
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """The test database is rolled back after each test, so what the cache keeps of it goes."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel layer: a layer's locks belong to one event loop, and
    pytest-asyncio gives every test a new loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo network, loaded once for a whole test module (it takes seconds), inside a
    transaction rolled back when the module ends. Each test's own changes are rolled back
    after it as usual, so every test starts from the freshly loaded demo. The value is what
    the loader printed. A module that uses it must not also need an empty database."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("load_demo_network", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
