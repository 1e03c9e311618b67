"""Fixtures shared by every app's tests. The services themselves come from `tests/rig.py`."""

from __future__ import annotations

import pytest

from members import roles
from members.models import ApprovalStatus
from tests.factories import OrganisationFactory, UserFactory


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
