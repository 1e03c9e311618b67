"""Builders for members' tests and for other apps' tests that need members objects:
factory-boy factories for members and organisations (every app's tests use them), the
password they sign in with, and a session cookie for a signed-in member."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from django.utils.text import slugify

from members.models import (
    ApprovalStatus,
    NetworkRole,
    Organisation,
    OrganisationKind,
    Profession,
    Rurality,
    StaffGroup,
    User,
)

PASSWORD = "test-password-91"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.COMMUNITY_NURSING
    is_nhs = True
    network_role = NetworkRole.SPOKE
    locality = "Westmoor"
    rurality = Rurality.RURAL


class UserFactory(factory.django.DjangoModelFactory):
    """An approved member unless told otherwise; password is `PASSWORD`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Test Member {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    staff_group = StaffGroup.CLINICAL
    profession = Profession.NURSE
    job_title = "Community children's nurse"
    approval_status = ApprovalStatus.APPROVED

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        # get_or_create: transactional tests flush the groups the migrations made.
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=name)[0] for name in extracted])


def session_cookie(user) -> str:
    """A `name=value` session cookie signing `user` in, as the login view would make."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
