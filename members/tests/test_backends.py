"""The authentication backend: a member's permissions are Django's, read in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.backends import EmailBackend
from members.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


@pytest.fixture
def editor():
    user = UserFactory()
    user.user_permissions.add(permission("access_admin"))
    first, second = Group.objects.create(name="First"), Group.objects.create(name="Second")
    first.permissions.add(permission("add_page"), permission("access_admin"))
    second.permissions.add(permission("change_page"))
    user.groups.add(first, second)
    return User.objects.get(pk=user.pk)


def test_the_permissions_are_djangos_in_one_query(editor):
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=editor.pk))
    with CaptureQueriesContext(connection) as captured:
        found = EmailBackend().get_all_permissions(editor)
        assert editor.has_perm("wagtailadmin.access_admin")
        assert editor.has_perm("wagtailcore.change_page")
        assert not editor.has_perm("wagtailcore.delete_page")
    assert (
        found
        == expected
        == {
            "wagtailadmin.access_admin",
            "wagtailcore.add_page",
            "wagtailcore.change_page",
        }
    )
    assert len(captured) == 1


@pytest.mark.parametrize("who", ["nobody", "inactive", "superuser"])
def test_the_others_are_as_djangos(who):
    user = UserFactory(is_active=who != "inactive", is_superuser=who == "superuser")
    user.groups.add(Group.objects.create(name="Group"))
    Group.objects.get(name="Group").permissions.add(permission("add_page"))
    ours = EmailBackend().get_all_permissions(User.objects.get(pk=user.pk))
    djangos = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert ours == djangos
    assert ("wagtailcore.add_page" in ours) == (who != "inactive")


def test_the_signed_in_member_comes_with_organisation_and_profile(client):
    from wagtail.users.models import UserProfile

    member = UserFactory()
    UserProfile.get_for_user(member)
    backend = EmailBackend()
    with CaptureQueriesContext(connection) as captured:
        found = backend.get_user(member.pk)
        assert found.organisation.name == member.organisation.name
        assert found.wagtail_userprofile.user_id == member.pk
    assert len(captured) == 1


@pytest.mark.parametrize("state", ["inactive", "missing"])
def test_no_member_for_an_inactive_or_missing_account(state):
    member = UserFactory(is_active=False)
    user_id = member.pk if state == "inactive" else member.pk + 1000
    assert EmailBackend().get_user(user_id) is None


def test_roles_and_permissions_are_read_together(editor):
    from members import permissions

    expected = ModelBackend().get_all_permissions(User.objects.get(pk=editor.pk))
    with CaptureQueriesContext(connection) as captured:
        assert permissions.role_names(editor) == {"First", "Second"}
        assert editor.get_all_permissions() == expected
        assert editor.has_perm("wagtailadmin.access_admin")
    assert len(captured) == 1


@pytest.mark.parametrize("who", ["member", "superuser", "inactive"])
def test_roles_read_first_leave_the_permissions_as_djangos(who):
    from members import permissions

    user = UserFactory(is_superuser=who == "superuser", is_active=who != "inactive")
    group = Group.objects.create(name="Group")
    group.permissions.add(permission("add_page"))
    user.groups.add(group)
    user.user_permissions.add(permission("access_admin"))
    first = User.objects.get(pk=user.pk)
    assert permissions.role_names(first) == {"Group"}
    assert first.get_all_permissions() == ModelBackend().get_all_permissions(
        User.objects.get(pk=user.pk)
    )
