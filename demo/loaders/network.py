"""The network itself: organisations, members and the site's content pages, from
`demo/content/network/` (organisations.yaml, members.yaml, pages.yaml).

Idempotent: every object is found by its natural key (organisation slug, member
e-mail, page slug), created through the services when missing, and otherwise
brought back to the values in the files, so running it twice leaves exactly
the same data. Editors' changes to the demo pages are kept: pages are only
created, never overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import CommandError
from django.utils import timezone

from cop_site.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from demo import content
from members import roles, services
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

REGION_NAME = "Westmoor and Dales"
DEMO_PASSWORD = "demo-password"

Step = Callable[[], str]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    is_nhs: bool
    network_role: str
    locality: str
    rurality: str
    hub: str = ""  # slug of the hub, for spokes and associates

    def __post_init__(self) -> None:
        # A misspelt choice fails here, naming the value, not later in the database.
        OrganisationKind(self.kind)
        NetworkRole(self.network_role)
        Rurality(self.rurality)


@dataclass(frozen=True)
class DemoMember:
    email: str
    full_name: str
    staff_group: str
    profession: str
    job_title: str
    organisation: str = ""  # slug; empty for a registration naming an unlisted organisation
    roles: tuple[str, ...] = ()
    is_organisation_lead: bool = False
    status: str = ApprovalStatus.APPROVED
    unlisted_organisation_name: str = ""
    decline_reason: str = ""

    def __post_init__(self) -> None:
        StaffGroup(self.staff_group)
        Profession(self.profession)
        ApprovalStatus(self.status)
        unknown = set(self.roles) - set(roles.ALL_ROLES)
        if unknown:
            raise content.ContentError(f"{self.email}: not network roles: {sorted(unknown)}")


def _demo_member(spec: dict[str, Any]) -> DemoMember:
    spec["roles"] = tuple(spec.pop("roles", ()))
    spec["is_organisation_lead"] = spec.pop("organisation_lead", False)
    return DemoMember(**spec)


# Hubs come first so that spokes and associates can point at them.
ORGANISATIONS: tuple[DemoOrganisation, ...] = tuple(
    DemoOrganisation(**spec) for spec in content.load("network/organisations")
)

_MEMBERS = content.load("network/members")
# The accounts people sign in with to try the platform; `make run` prints them.
DEMO_ACCOUNTS: tuple[DemoMember, ...] = tuple(map(_demo_member, _MEMBERS["accounts"]))
MEMBERS: tuple[DemoMember, ...] = (
    *DEMO_ACCOUNTS,
    *map(_demo_member, _MEMBERS["members"]),
    *map(_demo_member, _MEMBERS["registrations"]),
)
# Every other registration is decided by the coordinator.
COORDINATOR: DemoMember = next(spec for spec in MEMBERS if spec.email == _MEMBERS["decided_by"])


# --- Loading -----------------------------------------------------------------------------------


def _update(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ from `values` and save only those; True if any changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _organisation_ids() -> dict[str, int]:
    slugs = [spec.slug for spec in ORGANISATIONS]
    return dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))


def load_organisations() -> str:
    """Every demo organisation exists, with the hub, kind, locality and rurality in the file."""
    ids: dict[str, int] = {}
    for spec in ORGANISATIONS:
        hub_id = ids[spec.hub] if spec.hub else None
        organisation = (
            Organisation.objects.filter(slug=spec.slug).first()
            or Organisation.objects.filter(name__iexact=spec.name).first()
        )
        if organisation is None:
            organisation = services.create_organisation(
                name=spec.name,
                kind=spec.kind,
                is_nhs=spec.is_nhs,
                network_role=spec.network_role,
                locality=spec.locality,
                rurality=spec.rurality,
                hub=Organisation.objects.get(pk=hub_id) if hub_id else None,
                by=None,
            )
        # There is no service for editing an organisation; these are plain directory fields.
        _update(
            organisation,
            {
                "slug": spec.slug,
                "name": spec.name,
                "kind": spec.kind,
                "is_nhs": spec.is_nhs,
                "network_role": spec.network_role,
                "hub_id": hub_id,
                "locality": spec.locality,
                "rurality": spec.rurality,
            },
        )
        ids[spec.slug] = organisation.pk
    hubs = sum(spec.network_role == NetworkRole.HUB for spec in ORGANISATIONS)
    return f"{len(ORGANISATIONS)} organisations ({hubs} hubs)"


class _DemoPassword:
    """Gives every demo account the same password hash.

    PBKDF2 takes a fifth of a second per check, so sharing one hash lets a
    re-run verify it once instead of once per account; an account whose hash
    does not match the demo password gets the shared one.
    """

    def __init__(self) -> None:
        self._verified: set[str] = set()
        self._hash = ""

    def shared_hash(self) -> str:
        if not self._hash:
            self._hash = make_password(DEMO_PASSWORD)
            self._verified.add(self._hash)
        return self._hash

    def is_demo_password(self, encoded: str) -> bool:
        if encoded in self._verified:
            return True
        # hashers.check_password, not User.check_password: no silent re-hashing on a re-run.
        if check_password(DEMO_PASSWORD, encoded):
            self._verified.add(encoded)
            if not self._hash:
                self._hash = encoded
            return True
        return False


def _load_member(
    spec: DemoMember, organisation_ids: dict[str, int], password: _DemoPassword
) -> User:
    organisation_id = organisation_ids[spec.organisation] if spec.organisation else None
    user = User.objects.filter(email__iexact=spec.email).first()
    created = user is None
    if user is None:
        user = services.register_member(
            email=spec.email,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            staff_group=spec.staff_group,
            profession=spec.profession,
            job_title=spec.job_title,
            organisation=Organisation.objects.get(pk=organisation_id) if organisation_id else None,
            unlisted_organisation_name=spec.unlisted_organisation_name,
        )
    elif (user.full_name, user.job_title, user.profession, user.staff_group) != (
        spec.full_name,
        spec.job_title,
        spec.profession,
        spec.staff_group,
    ):
        user = services.update_profile(
            user,
            full_name=spec.full_name,
            job_title=spec.job_title,
            profession=spec.profession,
            staff_group=spec.staff_group,
        )
    # What only coordinators change, and the account itself, have no service of their own.
    _update(
        user,
        {
            "organisation_id": organisation_id,
            "unlisted_organisation_name": spec.unlisted_organisation_name,
            "is_active": True,
        },
    )
    if created or not password.is_demo_password(user.password):
        _update(user, {"password": password.shared_hash()})
    held = set(user.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True))
    if held != set(spec.roles):
        services.set_roles(user, list(spec.roles))
    return user


def _decide(user: User, spec: DemoMember, coordinator: User | None) -> User:
    """Bring the registration to the status given, deciding it through the services."""
    if user.approval_status == spec.status:
        if spec.status == ApprovalStatus.DECLINED:
            _update(user, {"decline_reason": spec.decline_reason})
        return user
    if user.approval_status != ApprovalStatus.PENDING:
        # Reopen the registration so it can be decided again as the demo says.
        _update(
            user,
            {
                "approval_status": ApprovalStatus.PENDING,
                "decided_at": None,
                "decided_by": None,
                "decline_reason": "",
            },
        )
    if spec.status == ApprovalStatus.APPROVED and coordinator is None:
        # The first coordinator has nobody to approve them.
        _update(
            user,
            {
                "approval_status": ApprovalStatus.APPROVED,
                "decided_at": timezone.now(),
                "decided_by": None,
            },
        )
    elif spec.status == ApprovalStatus.APPROVED:
        user = services.approve_member(user, by=coordinator)
    elif spec.status == ApprovalStatus.DECLINED:
        user = services.decline_member(user, by=coordinator, reason=spec.decline_reason)
    return user


def load_members() -> str:
    """Every demo member exists with the details, roles and status in the file, and the
    demo password."""
    organisation_ids = _organisation_ids()
    password = _DemoPassword()
    coordinator = _decide(
        _load_member(COORDINATOR, organisation_ids, password), COORDINATOR, coordinator=None
    )
    leads: dict[str, list[int]] = {spec.slug: [] for spec in ORGANISATIONS}
    for spec in MEMBERS:
        if spec is COORDINATOR:
            user = coordinator
        else:
            user = _decide(_load_member(spec, organisation_ids, password), spec, coordinator)
        if spec.is_organisation_lead:
            leads[spec.organisation].append(user.pk)
    for slug, lead_ids in leads.items():
        organisation = Organisation.objects.get(pk=organisation_ids[slug])
        if set(organisation.leads.values_list("pk", flat=True)) != set(lead_ids):
            organisation.leads.set(lead_ids)
    counts = {status: sum(spec.status == status for spec in MEMBERS) for status in ApprovalStatus}
    return (
        f"{len(MEMBERS)} members ({counts[ApprovalStatus.APPROVED]} approved, "
        f"{counts[ApprovalStatus.PENDING]} awaiting approval, "
        f"{counts[ApprovalStatus.DECLINED]} declined)"
    )


def _publish_child(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_pages() -> str:
    """The about, contact and news pages exist under the home page; existing ones are kept."""
    home = HomePage.objects.filter(slug="home", depth=2).first()
    if home is None:
        raise CommandError("The home page is missing: run `manage.py migrate` first.")
    pages = content.load("network/pages")
    for spec in pages["standard"]:
        if not home.get_children().filter(slug=spec["slug"]).exists():
            _publish_child(
                home,
                StandardPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    body=content.body(spec["body"]),
                    show_in_menus=True,
                ),
            )
    index = pages["news_index"]
    news_index = home.get_children().filter(slug=index["slug"]).first()
    if news_index is None:
        news_index = _publish_child(
            home,
            NewsIndexPage(
                title=index["title"], slug=index["slug"], intro=index["intro"], show_in_menus=True
            ),
        )
    london = ZoneInfo(settings.NETWORK_TIME_ZONE)
    for spec in pages["news"]:
        if not news_index.get_children().filter(slug=spec["slug"]).exists():
            _publish_child(
                news_index,
                NewsPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    date=spec["date"],
                    summary=spec["summary"],
                    body=content.body(spec["body"]),
                    # The home page lists the latest news by first publication.
                    first_published_at=datetime.datetime.combine(
                        spec["date"], datetime.time(9, 0), tzinfo=london
                    ),
                ),
            )
    count = len(pages["standard"]) + 1 + len(pages["news"])
    return f"{count} pages ({len(pages['news'])} news articles)"


DEMO_STEPS: tuple[Step, ...] = (load_organisations, load_members, load_pages)
