"""The network itself: organisations, members and the site's content pages.

Idempotent: every object is found by its natural key (organisation slug, member
e-mail, page slug), created through the services when missing, and otherwise
brought back to the values written here, so running it twice leaves exactly
the same data. Editors' changes to the demo pages are kept: pages are only
created, never overwritten.
"""

from __future__ import annotations

import copy
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


# --- Organisations -----------------------------------------------------------------------------


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


WESTMOOR_CHILDRENS = "westmoor-childrens-hospital-nhs-foundation-trust"
HAREBELL_HOUSE = "harebell-house-childrens-hospice"
DALESFORD_HOSPITALS = "dalesford-and-wensham-hospitals-nhs-trust"
WESTMOOR_CCN = "westmoor-city-community-childrens-nursing-team"
UPPER_GARTHDALE_CCN = "upper-garthdale-community-childrens-nursing-team"
EASTFELL_CCN = "eastfell-coast-community-childrens-nursing-team"
THORNBY_BRIDGE_PRACTICE = "thornby-bridge-medical-practice"
FELLGARTH_SURGERY = "fellgarth-surgery"
DALES_SOCIAL_CARE = "dales-county-council-childrens-social-care"
BRACKENFIELD_SCHOOL = "brackenfield-special-school"
GREYSCAR_PRIMARY = "greyscar-church-of-england-primary-school"
DALES_FAMILY_SUPPORT = "dales-family-support-trust"

# Hubs come first so that spokes and associates can point at them.
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        slug=WESTMOOR_CHILDRENS,
        name="Westmoor Children's Hospital NHS Foundation Trust",
        kind=OrganisationKind.HOSPITAL_TRUST,
        is_nhs=True,
        network_role=NetworkRole.HUB,
        locality="Westmoor",
        rurality=Rurality.URBAN,
    ),
    DemoOrganisation(
        slug=HAREBELL_HOUSE,
        name="Harebell House Children's Hospice",
        kind=OrganisationKind.HOSPICE,
        is_nhs=False,
        network_role=NetworkRole.HUB,
        locality="Kelderby, Eastfell",
        rurality=Rurality.MIXED,
    ),
    DemoOrganisation(
        slug=DALESFORD_HOSPITALS,
        name="Dalesford and Wensham Hospitals NHS Trust",
        kind=OrganisationKind.HOSPITAL_TRUST,
        is_nhs=True,
        network_role=NetworkRole.SPOKE,
        locality="Dalesford",
        rurality=Rurality.MIXED,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=WESTMOOR_CCN,
        name="Westmoor City Community Children's Nursing Team",
        kind=OrganisationKind.COMMUNITY_NURSING,
        is_nhs=True,
        network_role=NetworkRole.SPOKE,
        locality="Westmoor",
        rurality=Rurality.URBAN,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=UPPER_GARTHDALE_CCN,
        name="Upper Garthdale Community Children's Nursing Team",
        kind=OrganisationKind.COMMUNITY_NURSING,
        is_nhs=True,
        network_role=NetworkRole.SPOKE,
        locality="Thornby Bridge, Upper Garthdale",
        rurality=Rurality.RURAL,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=EASTFELL_CCN,
        name="Eastfell Coast Community Children's Nursing Team",
        kind=OrganisationKind.COMMUNITY_NURSING,
        is_nhs=True,
        network_role=NetworkRole.SPOKE,
        locality="Saltmouth, Eastfell",
        rurality=Rurality.RURAL,
        hub=HAREBELL_HOUSE,
    ),
    DemoOrganisation(
        slug=THORNBY_BRIDGE_PRACTICE,
        name="Thornby Bridge Medical Practice",
        kind=OrganisationKind.GP_PRACTICE,
        is_nhs=True,
        network_role=NetworkRole.SPOKE,
        locality="Thornby Bridge, Upper Garthdale",
        rurality=Rurality.RURAL,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=FELLGARTH_SURGERY,
        name="Fellgarth Surgery",
        kind=OrganisationKind.GP_PRACTICE,
        is_nhs=True,
        network_role=NetworkRole.ASSOCIATE,
        locality="Fellgarth, Eastfell",
        rurality=Rurality.RURAL,
        hub=HAREBELL_HOUSE,
    ),
    DemoOrganisation(
        slug=DALES_SOCIAL_CARE,
        name="Dales County Council Children's Social Care",
        kind=OrganisationKind.SOCIAL_CARE,
        is_nhs=False,
        network_role=NetworkRole.SPOKE,
        locality="Dalesford",
        rurality=Rurality.MIXED,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=BRACKENFIELD_SCHOOL,
        name="Brackenfield Special School",
        kind=OrganisationKind.EDUCATION,
        is_nhs=False,
        network_role=NetworkRole.SPOKE,
        locality="Westmoor",
        rurality=Rurality.URBAN,
        hub=WESTMOOR_CHILDRENS,
    ),
    DemoOrganisation(
        slug=GREYSCAR_PRIMARY,
        name="Greyscar Church of England Primary School",
        kind=OrganisationKind.EDUCATION,
        is_nhs=False,
        network_role=NetworkRole.SPOKE,
        locality="Greyscar, Eastfell",
        rurality=Rurality.RURAL,
        hub=HAREBELL_HOUSE,
    ),
    DemoOrganisation(
        slug=DALES_FAMILY_SUPPORT,
        name="Dales Family Support Trust",
        kind=OrganisationKind.OTHER,
        is_nhs=False,
        network_role=NetworkRole.ASSOCIATE,
        locality="Westmoor and Dales (region-wide)",
        rurality=Rurality.MIXED,
        hub=WESTMOOR_CHILDRENS,
    ),
)


# --- Members -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoMember:
    email: str
    full_name: str
    organisation: str  # slug; empty for a registration naming an unlisted organisation
    staff_group: str
    profession: str
    job_title: str
    roles: tuple[str, ...] = ()
    is_organisation_lead: bool = False
    status: str = ApprovalStatus.APPROVED
    unlisted_organisation_name: str = ""
    decline_reason: str = ""


COORDINATOR = DemoMember(
    email="coordinator@demo.example",
    full_name="Helen Ashworth",
    organisation=WESTMOOR_CHILDRENS,
    staff_group=StaffGroup.NON_CLINICAL,
    profession=Profession.MANAGER,
    job_title="Network coordinator, Westmoor and Dales Children's Palliative Care Network",
    roles=(roles.COORDINATORS,),
)

# The accounts people sign in with to try the platform; `make run` prints them.
DEMO_ACCOUNTS: tuple[DemoMember, ...] = (
    COORDINATOR,
    DemoMember(
        email="facilitator@demo.example",
        full_name="Priya Raman",
        organisation=WESTMOOR_CHILDRENS,
        staff_group=StaffGroup.CLINICAL,
        profession=Profession.DOCTOR,
        job_title="Consultant in paediatric palliative medicine",
        roles=(roles.FACILITATORS,),
    ),
    DemoMember(
        email="nurse@demo.example",
        full_name="Sarah Whitfield",
        organisation=UPPER_GARTHDALE_CCN,
        staff_group=StaffGroup.CLINICAL,
        profession=Profession.NURSE,
        job_title="Community children's nurse and team leader",
        is_organisation_lead=True,
    ),
    DemoMember(
        email="admin@demo.example",
        full_name="Gemma Holroyd",
        organisation=HAREBELL_HOUSE,
        staff_group=StaffGroup.NON_CLINICAL,
        profession=Profession.ADMINISTRATOR,
        job_title="Care team administrator",
    ),
    DemoMember(
        email="teacher@demo.example",
        full_name="Daniel Okoro",
        organisation=BRACKENFIELD_SCHOOL,
        staff_group=StaffGroup.UNIVERSAL_SERVICE,
        profession=Profession.TEACHER,
        job_title="Class teacher, post-16 department",
    ),
    DemoMember(
        email="exec@demo.example",
        full_name="Margaret Fenwick",
        organisation=DALESFORD_HOSPITALS,
        staff_group=StaffGroup.CLINICAL,
        profession=Profession.NURSE,
        job_title="Deputy chief nurse; chair of the network executive committee",
        roles=(roles.EXECUTIVE_COMMITTEE,),
    ),
)


def _member(
    local_part: str,
    full_name: str,
    organisation: str,
    staff_group: str,
    profession: str,
    job_title: str,
    *member_roles: str,
    lead: bool = False,
) -> DemoMember:
    return DemoMember(
        email=f"{local_part}@demo.example",
        full_name=full_name,
        organisation=organisation,
        staff_group=staff_group,
        profession=profession,
        job_title=job_title,
        roles=member_roles,
        is_organisation_lead=lead,
    )


CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)

# A table, kept compact on purpose.
# fmt: off
OTHER_MEMBERS: tuple[DemoMember, ...] = (
    # Westmoor Children's Hospital: the hub's specialist team.
    _member(
        "james.thornton", "James Thornton", WESTMOOR_CHILDRENS, CLINICAL, Profession.DOCTOR,
        "Consultant paediatrician, palliative care",
        roles.FACILITATORS, roles.CLINICAL_STEERING_GROUP,
    ),
    _member(
        "aisha.begum", "Aisha Begum", WESTMOOR_CHILDRENS, CLINICAL, Profession.NURSE,
        "Clinical nurse specialist, paediatric palliative care", roles.FACILITATORS,
    ),
    _member(
        "tom.gallagher", "Tom Gallagher", WESTMOOR_CHILDRENS, CLINICAL, Profession.PHARMACIST,
        "Specialist paediatric pharmacist", roles.CLINICAL_STEERING_GROUP,
    ),
    _member(
        "rachel.doyle", "Rachel Doyle", WESTMOOR_CHILDRENS, CLINICAL, Profession.PSYCHOLOGIST,
        "Clinical psychologist, children's palliative care",
    ),
    _member(
        "catherine.marsh", "Catherine Marsh", WESTMOOR_CHILDRENS, CLINICAL,
        Profession.ALLIED_HEALTH, "Paediatric physiotherapist", roles.EDUCATION_STEERING_GROUP,
    ),
    _member(
        "david.ellison", "David Ellison", WESTMOOR_CHILDRENS, NON_CLINICAL, Profession.CHAPLAIN,
        "Hospital chaplain",
    ),
    _member(
        "fiona.mcleod", "Fiona McLeod", WESTMOOR_CHILDRENS, NON_CLINICAL,
        Profession.ADMINISTRATOR, "Network administrator", roles.MODERATORS,
    ),
    # Harebell House Children's Hospice.
    _member(
        "joanne.pickering", "Joanne Pickering", HAREBELL_HOUSE, CLINICAL, Profession.NURSE,
        "Head of care", roles.CLINICAL_STEERING_GROUP, lead=True,
    ),
    _member(
        "imran.shah", "Imran Shah", HAREBELL_HOUSE, CLINICAL, Profession.DOCTOR,
        "Specialty doctor, hospice medicine",
    ),
    _member(
        "lucy.barraclough", "Lucy Barraclough", HAREBELL_HOUSE, NON_CLINICAL,
        Profession.FAMILY_SUPPORT, "Family support worker",
    ),
    _member(
        "peter.haigh", "Peter Haigh", HAREBELL_HOUSE, NON_CLINICAL, Profession.MANAGER,
        "Chief executive", roles.EXECUTIVE_COMMITTEE,
    ),
    _member(
        "hannah.nowak", "Hannah Nowak", HAREBELL_HOUSE, CLINICAL,
        Profession.HEALTHCARE_ASSISTANT, "Healthcare assistant",
    ),
    _member(
        "siobhan.kelly", "Siobhan Kelly", HAREBELL_HOUSE, NON_CLINICAL,
        Profession.FAMILY_SUPPORT, "Bereavement support lead",
    ),
    # Dalesford and Wensham Hospitals.
    _member(
        "andrew.collier", "Andrew Collier", DALESFORD_HOSPITALS, CLINICAL, Profession.DOCTOR,
        "Consultant paediatrician and palliative care lead", roles.CLINICAL_STEERING_GROUP,
    ),
    _member(
        "emma.sutcliffe", "Emma Sutcliffe", DALESFORD_HOSPITALS, CLINICAL, Profession.NURSE,
        "Children's ward sister",
    ),
    _member(
        "mohammed.iqbal", "Mohammed Iqbal", DALESFORD_HOSPITALS, CLINICAL,
        Profession.ALLIED_HEALTH, "Paediatric dietitian",
    ),
    # Community children's nursing teams.
    _member(
        "claire.robson", "Claire Robson", WESTMOOR_CCN, CLINICAL, Profession.NURSE,
        "Community children's nursing team leader", lead=True,
    ),
    _member(
        "kelly.armitage", "Kelly Armitage", WESTMOOR_CCN, CLINICAL, Profession.NURSE,
        "Community children's nurse", roles.MODERATORS,
    ),
    _member(
        "natalie.green", "Natalie Green", WESTMOOR_CCN, CLINICAL,
        Profession.HEALTHCARE_ASSISTANT, "Children's community support worker",
    ),
    _member(
        "beth.dinsdale", "Beth Dinsdale", UPPER_GARTHDALE_CCN, CLINICAL, Profession.NURSE,
        "Community children's nurse",
    ),
    _member(
        "gareth.lloyd", "Gareth Lloyd", UPPER_GARTHDALE_CCN, CLINICAL, Profession.NURSE,
        "Community staff nurse",
    ),
    _member(
        "laura.hebden", "Laura Hebden", EASTFELL_CCN, CLINICAL, Profession.NURSE,
        "Community children's nursing sister", lead=True,
    ),
    _member(
        "ryan.postlethwaite", "Ryan Postlethwaite", EASTFELL_CCN, CLINICAL, Profession.NURSE,
        "Community children's nurse",
    ),
    # GP practices.
    _member(
        "ruth.alderson", "Ruth Alderson", THORNBY_BRIDGE_PRACTICE, CLINICAL, Profession.DOCTOR,
        "GP partner", lead=True,
    ),
    _member(
        "karen.metcalfe", "Karen Metcalfe", THORNBY_BRIDGE_PRACTICE, NON_CLINICAL,
        Profession.MANAGER, "Practice manager",
    ),
    _member(
        "oliver.brennan", "Oliver Brennan", FELLGARTH_SURGERY, CLINICAL, Profession.DOCTOR,
        "Salaried GP",
    ),
    # Social care.
    _member(
        "nadia.hussain", "Nadia Hussain", DALES_SOCIAL_CARE, UNIVERSAL, Profession.SOCIAL_WORKER,
        "Social worker, children with disabilities team", roles.EDUCATION_STEERING_GROUP,
    ),
    _member(
        "stephen.wray", "Stephen Wray", DALES_SOCIAL_CARE, UNIVERSAL, Profession.MANAGER,
        "Team manager, children with disabilities",
    ),
    # Schools.
    _member(
        "alison.crabtree", "Alison Crabtree", BRACKENFIELD_SCHOOL, UNIVERSAL, Profession.TEACHER,
        "Headteacher", roles.EDUCATION_STEERING_GROUP, lead=True,
    ),
    _member(
        "jennifer.lowe", "Jennifer Lowe", BRACKENFIELD_SCHOOL, UNIVERSAL,
        Profession.SCHOOL_NURSE, "School nurse",
    ),
    _member(
        "samuel.osei", "Samuel Osei", BRACKENFIELD_SCHOOL, UNIVERSAL, Profession.TEACHER,
        "Teaching assistant",
    ),
    _member(
        "victoria.hirst", "Victoria Hirst", GREYSCAR_PRIMARY, UNIVERSAL, Profession.TEACHER,
        "Special educational needs co-ordinator (SENCO)",
    ),
    # Charity.
    _member(
        "grace.mensah", "Grace Mensah", DALES_FAMILY_SUPPORT, NON_CLINICAL,
        Profession.FAMILY_SUPPORT, "Family liaison worker", roles.MODERATORS,
    ),
    _member(
        "paul.rigby", "Paul Rigby", DALES_FAMILY_SUPPORT, NON_CLINICAL, Profession.OTHER,
        "Volunteer co-ordinator",
    ),
)
# fmt: on

UNDECIDED_REGISTRATIONS: tuple[DemoMember, ...] = (
    DemoMember(
        email="megan.fawcett@demo.example",
        full_name="Megan Fawcett",
        organisation=EASTFELL_CCN,
        staff_group=StaffGroup.CLINICAL,
        profession=Profession.NURSE,
        job_title="Community children's nurse",
        status=ApprovalStatus.PENDING,
    ),
    DemoMember(
        email="tariq.malik@demo.example",
        full_name="Tariq Malik",
        organisation=WESTMOOR_CHILDRENS,
        staff_group=StaffGroup.CLINICAL,
        profession=Profession.DOCTOR,
        job_title="Paediatric registrar",
        status=ApprovalStatus.PENDING,
    ),
    DemoMember(
        email="julie.brough@demo.example",
        full_name="Julie Brough",
        organisation="",
        unlisted_organisation_name="Swaledene Short Breaks Centre",
        staff_group=StaffGroup.NON_CLINICAL,
        profession=Profession.MANAGER,
        job_title="Registered manager",
        status=ApprovalStatus.PENDING,
    ),
    DemoMember(
        email="chris.bateman@demo.example",
        full_name="Chris Bateman",
        organisation="",
        unlisted_organisation_name="Carewell Medical Supplies Ltd",
        staff_group=StaffGroup.NON_CLINICAL,
        profession=Profession.OTHER,
        job_title="Regional sales representative",
        status=ApprovalStatus.DECLINED,
        decline_reason=(
            "Network Commons is for people who care for children and families in the region. "
            "We are not able to accept registrations from commercial suppliers."
        ),
    ),
)

# The coordinator comes first: every other registration is decided by them.
MEMBERS: tuple[DemoMember, ...] = (*DEMO_ACCOUNTS, *OTHER_MEMBERS, *UNDECIDED_REGISTRATIONS)


# --- Pages -------------------------------------------------------------------------------------


def _text(html: str) -> dict[str, Any]:
    return {"type": "text", "value": html}


def _inset(html: str) -> dict[str, Any]:
    return {"type": "inset_text", "value": {"body": html}}


def _warning(title: str, html: str) -> dict[str, Any]:
    return {
        "type": "warning_callout",
        "value": {"title": title, "heading_level": 2, "body": html},
    }


@dataclass(frozen=True)
class DemoStandardPage:
    slug: str
    title: str
    summary: str
    body: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DemoNewsPage:
    slug: str
    title: str
    date: datetime.date
    summary: str
    body: tuple[dict[str, Any], ...]


STANDARD_PAGES: tuple[DemoStandardPage, ...] = (
    DemoStandardPage(
        slug="about",
        title="About the network",
        summary=(
            "The Westmoor and Dales Children's Palliative Care Network brings together everyone "
            "who cares for children with life-limiting conditions, and their families, across "
            "the region."
        ),
        body=(
            _text(
                "<h2>Who we are</h2>"
                "<p>We are a managed clinical network of two hubs, Westmoor Children's Hospital "
                "and Harebell House Children's Hospice, working with hospital paediatric teams, "
                "community children's nursing teams, GP practices, schools, social care and "
                "charities from the city of Westmoor to the coast at Saltmouth and the upper "
                "dales.</p>"
                "<p>Around 400 children and young people in the region live with a "
                "life-limiting or life-threatening condition. Many live an hour or more from "
                "the nearest specialist team, so most of their care is given by people who see "
                "a child needing palliative care only a few times a year.</p>"
            ),
            _text(
                "<h2>What the network does</h2>"
                "<ul>"
                "<li>Monthly ECHO sessions where spoke teams present de-identified cases and "
                "the hub team and peers recommend next steps.</li>"
                "<li>Guidelines reviewed by the clinical steering group and endorsed by the "
                "executive committee, so every setting works to the same standard.</li>"
                "<li>Learning tracks for clinical, non-clinical and universal-service staff, "
                "following the UK and Ireland children's palliative care education and training "
                "framework.</li>"
                "<li>Study days, forums and a directory of member organisations.</li>"
                "</ul>"
            ),
            _inset(
                "<p>The network does not provide care directly. Children and families are "
                "always cared for by their own teams; the network helps those teams learn from "
                "each other and from the specialists.</p>"
            ),
            _text(
                "<h2>How the network is run</h2>"
                "<p>The executive committee, with members from the hubs, the spokes and the "
                "local authority, sets the network's priorities and endorses its guidelines. "
                "The clinical and education steering groups lead the work on guidelines and "
                "learning. The network coordinator runs the day-to-day work.</p>"
            ),
        ),
    ),
    DemoStandardPage(
        slug="contact",
        title="Contact the coordinator",
        summary="How to reach the network coordinator about membership, events and guidelines.",
        body=(
            _warning(
                "This page is not for urgent clinical advice",
                "<p>For advice about a child's care today, call the on-call paediatric "
                "palliative care consultant through the Westmoor Children's Hospital "
                "switchboard on 0113 496 0000, at any time of day or night.</p>",
            ),
            _text(
                "<h2>The network coordinator</h2>"
                "<p>Helen Ashworth coordinates the network from Westmoor Children's Hospital, "
                "Monday to Thursday.</p>"
                "<ul>"
                '<li>E-mail: <a href="mailto:coordinator@network-commons.example">'
                "coordinator@network-commons.example</a></li>"
                "<li>Telephone: 0113 496 0123</li>"
                "</ul>"
            ),
            _text(
                "<h2>Ask the coordinator about</h2>"
                "<ul>"
                "<li>joining the network, or adding your organisation to the directory</li>"
                "<li>presenting a case at an ECHO session</li>"
                "<li>study days and training for your team</li>"
                "<li>a guideline, or feedback on one</li>"
                "</ul>"
            ),
            _inset(
                "<p>Please do not send patient-identifiable information by e-mail. Case "
                "submissions go through the ECHO case form, which checks for identifying "
                "details before anything is sent.</p>"
            ),
        ),
    ),
)

NEWS_INDEX_SLUG = "news"
NEWS_INDEX_TITLE = "News"
NEWS_INDEX_INTRO = (
    "<p>Announcements from the network, and what its members have achieved together.</p>"
)

NEWS_PAGES: tuple[DemoNewsPage, ...] = (
    DemoNewsPage(
        slug="first-echo-cycle-completes",
        title="First ECHO cycle completes with 9 spoke teams",
        date=datetime.date(2026, 6, 18),
        summary=(
            "Nine spoke teams took part in the network's first six-month cycle of symptom "
            "management ECHO sessions."
        ),
        body=(
            _text(
                "<p>The first cycle of the symptom management ECHO programme finished in June. "
                "Over six monthly lunchtime sessions, nine spoke teams from hospitals, community "
                "nursing teams, GP practices and a special school joined the hub team from "
                "Westmoor Children's Hospital and Harebell House.</p>"
                "<p>Teams presented 11 de-identified cases, from managing agitation at the end "
                "of life at home to planning seizure care in school. Every presenting team "
                "received written recommendations within two working days.</p>"
            ),
            _inset(
                '<p>"It has changed how we plan for the weekend. We now know who to call '
                "and what to ask.\" — a community children's nurse from the upper dales</p>"
            ),
            _text(
                "<h2>What comes next</h2>"
                "<p>A transition to adult services ECHO starts in the autumn. Teams that want "
                "to take part should speak to the network coordinator.</p>"
            ),
        ),
    ),
    DemoNewsPage(
        slug="rapid-transfer-guideline-endorsed",
        title="New rapid transfer guideline endorsed",
        date=datetime.date(2026, 9, 8),
        summary=(
            "The executive committee has endorsed the network's guideline on rapid transfer "
            "home for end of life care."
        ),
        body=(
            _text(
                "<p>When a child is dying in hospital and the family want to take them home, "
                "every hour counts. The new guideline sets out who does what, from the "
                "decision to transfer to the first visit at home, and the medicines and "
                "equipment that must travel with the child.</p>"
                "<p>The guideline was drafted by the hub team, reviewed by the clinical steering "
                "group with comments from every community children's nursing team, and "
                "endorsed by the executive committee on 2 September 2026.</p>"
            ),
            _text(
                "<h2>What we ask of member organisations</h2>"
                "<ul>"
                "<li>Read the guideline and acknowledge it on Network Commons.</li>"
                "<li>Organisation leads: record whether your organisation has adopted it.</li>"
                "</ul>"
            ),
        ),
    ),
    DemoNewsPage(
        slug="study-day-supporting-children-in-school",
        title="Study day: supporting children with life-limiting conditions in school",
        date=datetime.date(2026, 11, 4),
        summary=(
            "A free study day for teachers, teaching assistants, school nurses and community "
            "teams, hosted by Brackenfield Special School."
        ),
        body=(
            _text(
                "<p>School is where many children with life-limiting conditions spend most of "
                "their waking hours. This study day is for everyone who supports them there: "
                "teachers, teaching assistants, SENCOs, school nurses and the community teams "
                "who work alongside them.</p>"
                "<h2>The day covers</h2>"
                "<ul>"
                "<li>individual healthcare plans and advance care plans in school</li>"
                "<li>recognising and responding to deterioration</li>"
                "<li>talking with classmates when a child is very ill or has died</li>"
                "<li>looking after yourself and your colleagues</li>"
                "</ul>"
            ),
            _inset(
                "<p>Thursday 21 January 2027, 9:30am to 3:30pm, at Brackenfield Special School, "
                "Westmoor. Places are free for staff of member organisations; register on "
                "Network Commons.</p>"
            ),
        ),
    ),
)


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
    """Every demo organisation exists, with the hub, kind, locality and rurality given above."""
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
    """Every demo member exists with the details, roles, status and password given above."""
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
    for spec in STANDARD_PAGES:
        if not home.get_children().filter(slug=spec.slug).exists():
            _publish_child(
                home,
                StandardPage(
                    title=spec.title,
                    slug=spec.slug,
                    summary=spec.summary,
                    body=copy.deepcopy(list(spec.body)),
                    show_in_menus=True,
                ),
            )
    news_index = home.get_children().filter(slug=NEWS_INDEX_SLUG).first()
    if news_index is None:
        news_index = _publish_child(
            home,
            NewsIndexPage(
                title=NEWS_INDEX_TITLE,
                slug=NEWS_INDEX_SLUG,
                intro=NEWS_INDEX_INTRO,
                show_in_menus=True,
            ),
        )
    london = ZoneInfo(settings.NETWORK_TIME_ZONE)
    for spec in NEWS_PAGES:
        if not news_index.get_children().filter(slug=spec.slug).exists():
            _publish_child(
                news_index,
                NewsPage(
                    title=spec.title,
                    slug=spec.slug,
                    date=spec.date,
                    summary=spec.summary,
                    body=copy.deepcopy(list(spec.body)),
                    # The home page lists the latest news by first publication.
                    first_published_at=datetime.datetime.combine(
                        spec.date, datetime.time(9, 0), tzinfo=london
                    ),
                ),
            )
    count = len(STANDARD_PAGES) + 1 + len(NEWS_PAGES)
    return f"{count} pages ({len(NEWS_PAGES)} news articles)"


DEMO_STEPS: tuple[Step, ...] = (load_organisations, load_members, load_pages)
