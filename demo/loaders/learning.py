"""Demo learning for `load_demo_network`: tracks, modules, a study day, progress and certificates.

`demo.management.commands.load_demo_network` runs `DEMO_STEPS` after its own
steps and the events demo (INSTALLED_APPS order), in the same transaction and
with e-mails suppressed, so the demo members, the ECHO programmes and the
study day in the calendar exist already. Each step returns a one-line summary.

- `load_tracks`: five learning tracks under the learning index, one or more
  for each staff group, at the universal, core and specialist levels, with
  fourteen modules (text, inset text, care cards, do and don't lists,
  expanders), thirteen of them with a quiz. The content describes assessment
  and care, never the choice or dose of a medicine. No video blocks: an embed
  would fetch from outside.
- `load_study_day`: the programme, speakers and materials (two small text
  documents and a recording link) of the study day in the calendar.
- `load_progress`: demo members work through modules through the services
  in `learning.services` (visit, mark read, submit the quiz), so attempts are
  scored and certificates issued as on the site; everything is then moved
  back in time, relative to `timezone.now()`, over the past year.
- `load_echo_certificates`: members who attended 80% of an ECHO cycle that
  has ended get its certificate (the demo cycles run to 31 August 2027).

Idempotent: a track, module or study day is found by its slug under its
parent and created (and published, with no workflow) only when missing; pages
that exist are left exactly as they are, so editors' changes are kept. A
member's progress on a module is only made when they have none on it yet,
so a second run records no visits, attempts or certificates. Documents are
found by title. Only ever demo accounts (`@demo.example`) take part.
"""

from __future__ import annotations

import datetime
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from schedule.models import Occurrence
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.utils.file import hash_filelike

from demo.blocks import care_card as _care_card
from demo.blocks import details as _details
from demo.blocks import do as _do
from demo.blocks import dont as _dont
from demo.blocks import expander as _expander
from demo.blocks import inset as _inset
from demo.blocks import text as _text
from demo.blocks import warning as _warning
from demo.loaders import events as events_demo
from events import queries as events_queries
from events.models import Attendance, EchoProgramme, EventKind
from learning import services
from learning.models import (
    AUDIENCES,
    OUTCOME_AREAS,
    Certificate,
    CertificateKind,
    FrameworkLevel,
    LearningIndexPage,
    ModulePage,
    ModuleProgress,
    QuestionKind,
    QuizAttempt,
    StudyDayPage,
    TrackPage,
)
from members.documents import members_collection
from members.models import ApprovalStatus, StaffGroup, User

Step = Callable[[], str]
Block = dict[str, Any]

DEMO_DOMAIN = "@demo.example"
COORDINATOR = "coordinator@demo.example"
NURSE = "nurse@demo.example"
ADMIN = "admin@demo.example"
TEACHER = "teacher@demo.example"
EXEC_CHAIR = "exec@demo.example"

CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)
SINGLE, MULTIPLE = QuestionKind.SINGLE, QuestionKind.MULTIPLE

# Stable ids for quiz questions and answers, so that every load gives the same ones.
QUIZ_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://network-commons.example/demo/learning")

# Members learn during the working day, at a time of day that is stable for each module.
WORKING_DAY_STARTS, WORKING_DAY = datetime.time(9), datetime.timedelta(hours=8)
QUIZ_AFTER_READING = datetime.timedelta(minutes=4)
RETAKE_AFTER = datetime.timedelta(days=1, hours=2)  # a failed quiz is taken again the next day

SPECIALIST_TEAM_AT_NIGHT = (
    "the on-call paediatric palliative care consultant, through the Westmoor Children's "
    "Hospital switchboard, at any time of day or night"
)


# --- Stream blocks (the shapes of wagtailnhsukfrontend's blocks, as in the guidelines demo) --


def _list(*items: str, ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"


NOT_DOSES = _warning(
    "This module does not cover doses",
    "<p>It describes assessment and care, not the choice or dose of any medicine. Give only "
    "what the child's individual symptom management plan and administration chart say, check "
    "every medicine against the current BNF for Children (BNFc), and if the plan does not "
    f"cover what is happening, speak to {SPECIALIST_TEAM_AT_NIGHT}.</p>",
)


# --- Quizzes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAnswer:
    text: str
    feedback: str
    correct: bool = False


@dataclass(frozen=True)
class DemoQuestion:
    question: str
    kind: str
    answers: tuple[DemoAnswer, ...]


def _right(text: str, feedback: str) -> DemoAnswer:
    return DemoAnswer(text=text, feedback=feedback, correct=True)


def _wrong(text: str, feedback: str) -> DemoAnswer:
    return DemoAnswer(text=text, feedback=feedback)


def _single(question: str, *answers: DemoAnswer) -> DemoQuestion:
    return DemoQuestion(question=question, kind=SINGLE, answers=answers)


def _multiple(question: str, *answers: DemoAnswer) -> DemoQuestion:
    return DemoQuestion(question=question, kind=MULTIPLE, answers=answers)


# --- Tracks and modules ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoModule:
    slug: str
    title: str
    summary: str
    outcomes: tuple[str, ...]
    minutes: int
    body: tuple[Block, ...]
    quiz: tuple[DemoQuestion, ...] = ()
    pass_mark: int = 80


@dataclass(frozen=True)
class DemoTrack:
    slug: str
    title: str
    summary: str
    description: str
    level: str
    audiences: tuple[str, ...]  # staff groups
    outcome_areas: tuple[str, ...]  # codes from models.OUTCOME_AREAS
    modules: tuple[DemoModule, ...]
    published_days_ago: int

    @property
    def estimated_hours(self) -> Decimal:
        minutes = sum(module.minutes for module in self.modules)
        return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


# Track 1 -- universal, for every staff group.

INTRODUCTION = DemoModule(
    slug="childrens-palliative-care-an-introduction",
    title="Children's palliative care: an introduction",
    summary=(
        "What children's palliative care is, when it starts, which children it is for and how it "
        "differs from palliative care for adults."
    ),
    outcomes=(
        "describe what children's palliative care is and when it starts",
        "name Together for Short Lives' four categories of life-limiting and life-threatening "
        "conditions",
        "explain how children's palliative care differs from palliative care for adults",
    ),
    minutes=20,
    body=(
        _text(
            "<h2>What it is</h2>"
            "<p>Together for Short Lives, the UK charity for children's palliative care, "
            "describes it as an active and total approach to care, from the point of diagnosis "
            "or recognition, throughout the child's life, death and beyond. It covers physical, "
            "emotional, social and spiritual needs, and focuses on the quality of life of the "
            "child or young person and on support for the whole family. It includes managing "
            "distressing symptoms, short breaks, and care through death and bereavement.</p>"
            "<p>It is not only care at the end of life. Palliative care often runs alongside "
            "treatment that aims to cure a condition or to prolong life, for months or many "
            "years. Many children receive it for most of their lives, and some live into "
            "adulthood.</p>"
        ),
        _inset(
            "<p>Palliative care is about living as well as possible for as long as possible, as "
            "well as about dying well. Some families are frightened by the word "
            '"palliative": their own team will explain what it means for their '
            "child.</p>"
        ),
        _text(
            "<h2>Who it is for</h2>"
            "<p>Children and young people with life-limiting or life-threatening conditions. A "
            "<b>life-limiting</b> condition is one for which there is no reasonable hope of "
            "cure and from which the child or young person will die. A "
            "<b>life-threatening</b> condition is one for which curative treatment may be "
            "possible but can fail.</p>"
            "<h3>Together for Short Lives' four categories</h3>"
            + _list(
                "Life-threatening conditions for which curative treatment may be feasible but "
                "can fail, such as cancer or irreversible organ failure.",
                "Conditions where premature death is inevitable, but where long periods of "
                "intensive treatment may prolong life and allow normal activities, such as "
                "cystic fibrosis or Duchenne muscular dystrophy.",
                "Progressive conditions without curative treatment, where treatment is "
                "exclusively palliative and may go on for many years, such as Batten disease.",
                "Irreversible but non-progressive conditions causing severe disability, leading "
                "to health complications and the likelihood of premature death, such as severe "
                "cerebral palsy.",
                ordered=True,
            )
            + "<p>The categories help teams think about a child's likely needs. They are not a "
            "label for the family to carry.</p>"
        ),
        _text(
            "<h2>How it differs from palliative care for adults</h2>"
            + _list(
                "Many of the conditions are rare, and some children never have a diagnosis.",
                "The course of an illness is often unpredictable, with long stable periods and "
                "sudden crises, sometimes over many years.",
                "Children keep developing: physically, emotionally and in how they understand "
                "illness and death.",
                "Education, play and friendships carry on mattering, whatever the prognosis.",
                "Parents usually give most of the care, at home, and brothers, sisters and "
                "grandparents need support too.",
            )
        ),
        _do(
            "Think about palliative care needs early, from diagnosis, not only in the last days "
            "of life.",
            "Use the words the child and family use about the condition.",
        ),
        _dont(
            "Do not assume that palliative care means that a child is about to die.",
            "Do not talk with a family about their child's prognosis unless it is your role and "
            "you know what they have been told.",
        ),
        _expander(
            "Where children's palliative care happens",
            "<p>At home, in hospital, in the children's hospice and at school. Most care is "
            "given at home by the family, supported by community teams. NICE guideline NG61 on "
            "end of life care for infants, children and young people asks teams to talk with "
            "children and families about where they would like to be cared for and to die, and "
            "to revisit it: what a family wants may change.</p>",
        ),
    ),
    quiz=(
        _single(
            "When can children's palliative care start?",
            _right(
                "From diagnosis or recognition of a life-limiting condition",
                "Right. It can start at diagnosis and run alongside treatment that aims to cure "
                "or to prolong life.",
            ),
            _wrong(
                "Only once curative treatment has stopped",
                "Not quite. Palliative care often runs alongside treatment aimed at cure.",
            ),
            _wrong(
                "In the last weeks of life",
                "No. Care at the end of life is part of it, but it can start years earlier.",
            ),
        ),
        _multiple(
            "Which of these are part of children's palliative care?",
            _right("Managing distressing symptoms", "Yes: a central part of the care."),
            _right("Short breaks for the family", "Yes: short breaks are part of the care."),
            _right(
                "Support for brothers and sisters",
                "Yes: palliative care supports the whole family.",
            ),
            _wrong(
                "Stopping every other treatment",
                "No. Palliative care can run alongside other treatment.",
            ),
        ),
        _single(
            "A child has a progressive condition with no curative treatment; their care is "
            "palliative and may last many years. Which Together for Short Lives category is "
            "this?",
            _wrong("Category 1", "Category 1 is conditions where curative treatment may fail."),
            _wrong(
                "Category 2",
                "Category 2 is conditions where intensive treatment may prolong life.",
            ),
            _right("Category 3", "Right: progressive conditions without curative treatment."),
            _wrong(
                "Category 4",
                "Category 4 is irreversible but non-progressive conditions.",
            ),
        ),
        _single(
            "Which statement is true?",
            _right(
                "Many children receive palliative care for years, and some live into adulthood",
                "Right. That is one of the ways it differs from palliative care for adults.",
            ),
            _wrong(
                "Children's palliative care is only provided in hospices",
                "No. Most of it is given at home, and also in hospital and at school.",
            ),
            _wrong(
                "It is the same as palliative care for adults",
                "No. Rare conditions, development, education and family all make it different.",
            ),
        ),
    ),
    pass_mark=75,
)

TEAM_AROUND_THE_CHILD = DemoModule(
    slug="the-team-around-the-child-and-family",
    title="The team around the child and family",
    summary=(
        "The services that may be involved in a child's care, the key worker and named "
        "specialist, and how the Westmoor and Dales network supports local teams."
    ),
    outcomes=(
        "name the services that may be involved in a child's care and what each does",
        "explain the role of the key worker and of the named medical specialist",
        "know where to ask for advice in Westmoor and Dales",
    ),
    minutes=25,
    body=(
        _text(
            "<h2>Many people, one family</h2>"
            "<p>A child with a life-limiting condition may have a dozen or more professionals "
            "involved in their care, from several organisations. Parents often say that "
            "co-ordinating them is a job in itself, and that telling their story again and "
            "again is exhausting. Everyone in the team, whatever their role, can help care "
            "feel joined up.</p>"
            "<h3>Who may be involved</h3>"
            + _list(
                "the family: parents and carers are the experts on their child, and usually "
                "give most of the care",
                "the GP and the primary care team",
                "the community children's nursing team, who care for the child at home",
                "the hospital paediatric team and other specialist teams",
                "the specialist paediatric palliative care team",
                "the children's hospice: short breaks, symptom care, end of life care and "
                "bereavement support",
                "school or college, and the local authority's special educational needs team",
                "children's social care and short-break services",
                "therapists: physiotherapy, occupational therapy, speech and language therapy "
                "and dietetics",
                "psychology, chaplaincy, faith leaders and voluntary organisations",
            )
        ),
        _text(
            "<h2>The key worker and the named specialist</h2>"
            "<p>NICE guideline NG61 on end of life care for infants, children and young people "
            "recommends that each child has a named medical specialist who leads and "
            "co-ordinates their care, and that a multidisciplinary team provides it, with the "
            "child and family at the centre. Many families also have a key worker: one person "
            "they can go to first, who knows the whole picture and helps them find their way "
            "through services.</p>"
        ),
        _inset(
            "<p>If you are not sure who a child's key worker is, ask the family or look at the "
            "child's plan. Do not guess.</p>"
        ),
        _text(
            "<h2>How the network works</h2>"
            "<p>Westmoor and Dales is a managed clinical network with two hubs: Westmoor "
            "Children's Hospital and Harebell House Children's Hospice. The hubs' specialist "
            "teams support the local teams (the spokes) who care for children closer to home: "
            "community children's nursing teams, district hospitals, GP practices, schools and "
            "social care. They share what they know through monthly ECHO sessions, study days "
            "and endorsed guidelines, so that more children can be cared for well where they "
            "live.</p>"
        ),
        _care_card(
            "primary",
            "Where to ask for advice",
            "<p>For a question about a child you work with, start with the child's key worker "
            "or lead nurse. Clinical staff can ask the specialist palliative care team at "
            "either hub, and bring a de-identified case to an ECHO session.</p>",
        ),
        _do(
            "Ask the family's permission before you share information with another service, "
            "unless you have a safeguarding concern.",
            "Tell the key worker about changes you notice.",
        ),
        _dont(
            "Do not ask a family to repeat their story when it is in the child's records or plan.",
        ),
    ),
    quiz=(
        _single(
            "What does NICE guideline NG61 recommend about who leads a child's care?",
            _right(
                "A named medical specialist who leads and co-ordinates the care",
                "Right, with a multidisciplinary team providing it.",
            ),
            _wrong(
                "The family's GP, in every case",
                "No. The GP is an important member of the team, but NG61 asks for a named "
                "medical specialist to lead.",
            ),
            _wrong(
                "Whoever sees the child most often",
                "No. That may be the key worker, but the named medical specialist leads the care.",
            ),
        ),
        _multiple(
            "Which of these help a family's care feel joined up?",
            _right(
                "Knowing who the child's key worker is",
                "Yes: it tells you who to pass things on to.",
            ),
            _right(
                "Reading the child's plan instead of asking the family to repeat their story",
                "Yes: families find repeating their story exhausting.",
            ),
            _right(
                "Telling the key worker about changes you notice",
                "Yes: small changes matter.",
            ),
            _wrong(
                "Keeping what you notice to yourself in case you are wrong",
                "No. Pass it on: the key worker would rather know.",
            ),
        ),
        _single(
            "What do the network's hubs do?",
            _right(
                "Support local teams with specialist advice, education and guidelines",
                "Right. That is how a hub-and-spoke network works.",
            ),
            _wrong(
                "Take over the care of every child with a life-limiting condition",
                "No. Most children are cared for by local teams, closer to home.",
            ),
            _wrong(
                "Care only for children in the last days of life",
                "No. The hubs support children and families throughout.",
            ),
        ),
    ),
)

ADVANCE_CARE_PLANS = DemoModule(
    slug="advance-care-plans-what-everyone-needs-to-know",
    title="Advance care plans: what everyone needs to know",
    summary=(
        "What an advance care plan is, what parallel planning means, and what to do if a child "
        "with a plan becomes seriously unwell in your care."
    ),
    outcomes=(
        "explain what an advance care plan is and who makes it",
        "describe what parallel planning means",
        "know what to do if a child with an advance care plan becomes seriously unwell in your "
        "care",
    ),
    minutes=20,
    body=(
        _text(
            "<h2>What an advance care plan is</h2>"
            "<p>An advance care plan records what matters to a child or young person and their "
            "family, their wishes for care, and the decisions agreed with the team about "
            "treatment, including what should happen in an emergency. It is made over time, in "
            "conversations between the child (as far as they are able and want to take part), "
            "the family and the professionals who know them, and it is reviewed as things "
            "change.</p>"
            "<p>In Westmoor and Dales, plans are written on the regional Child and Young "
            "Person's Advance Care Plan (CYPACP) form, so that a plan made in hospital is "
            "recognised at home, in the hospice, at school and by the ambulance service.</p>"
            "<h3>What a plan may include</h3>"
            + _list(
                "who the child is and what is important to them",
                "the people to contact, day and night",
                "where they would like to be cared for",
                "treatments they would and would not want, such as whether to attempt "
                "cardiopulmonary resuscitation",
                "what to do in an emergency",
                "wishes for the end of life and after death, including spiritual and cultural "
                "wishes",
            )
        ),
        _text(
            "<h2>Parallel planning</h2>"
            "<p>Many children's conditions are unpredictable. Parallel planning means hoping "
            "for the best while preparing for the worst: planning for the child's life, school "
            "and future alongside planning for deterioration and the end of life. Having a plan "
            "does not mean that a child is expected to die soon.</p>"
            "<h2>If a child becomes seriously unwell in your care</h2>"
        ),
        _care_card(
            "immediate",
            "If a child collapses or stops breathing",
            "<p>Follow the emergency section of the child's advance care plan: it says who to "
            "call and what to do. If there is no plan, you cannot find it, or you are not sure "
            "what it says, call 999 and give basic life support if you are trained. Tell the "
            "ambulance crew if the child has an advance care plan.</p>",
        ),
        _do(
            "Know which children in your setting have an advance care plan and where your copy "
            "is kept.",
            "Replace your copy whenever the plan is reviewed, and destroy the old one.",
            "Tell the family and the key worker after any emergency.",
        ),
        _dont(
            "Do not change, add to or ignore a plan because you disagree with it: raise your "
            "concern with the child's lead clinician.",
            "Do not share the plan beyond the people who need it.",
        ),
        _expander(
            "Young people aged 16 and over",
            "<p>From 16, young people in England are presumed to have capacity to make "
            "decisions about their own care, under the Mental Capacity Act 2005. Their plans "
            "are made with them, and their own wishes lead. Younger children are involved as "
            "far as they want to be and are able to understand.</p>",
        ),
    ),
    quiz=(
        _single(
            "What is an advance care plan?",
            _right(
                "A record of a child's and family's wishes and of agreed decisions about care, "
                "including emergencies",
                "Right. It is made over time and reviewed as things change.",
            ),
            _wrong(
                "A legal form that parents sign once and never change",
                "No. The plan is reviewed whenever the child's condition or wishes change.",
            ),
            _wrong(
                "A list of the child's medicines and doses",
                "No. That is the symptom management plan and the medicines chart.",
            ),
        ),
        _single(
            "What does parallel planning mean?",
            _right(
                "Planning for the child's life and future alongside planning for deterioration "
                "and the end of life",
                "Right: hoping for the best while preparing for the worst.",
            ),
            _wrong(
                "Two teams writing separate plans for the same child",
                "No. One shared plan is what keeps everyone working together.",
            ),
            _wrong(
                "Planning only for the end of life",
                "No. Parallel planning keeps the child's life and future in view too.",
            ),
        ),
        _single(
            "A child in your setting collapses. You know they have an advance care plan, but you "
            "cannot find it. What do you do?",
            _right(
                "Call 999 and give basic life support if you are trained",
                "Right. Without the plan in front of you, call 999; tell the crew about the plan.",
            ),
            _wrong(
                "Keep looking for the plan before doing anything else",
                "No. Do not delay: call 999.",
            ),
            _wrong(
                "Phone the parents and wait for them to tell you what to do",
                "No. Call 999 first; contact the parents once help is on the way.",
            ),
        ),
        _multiple(
            "Which of these are good practice with a child's advance care plan?",
            _right("Knowing where your setting's copy is kept", "Yes: you may need it quickly."),
            _right(
                "Replacing old copies when the plan is reviewed",
                "Yes: an out-of-date plan is dangerous.",
            ),
            _wrong(
                "Adding your own notes to the plan if you disagree with it",
                "No. Raise your concern with the child's lead clinician instead.",
            ),
            _right(
                "Raising a concern about the plan with the child's lead clinician",
                "Yes: that is the right way to question a plan.",
            ),
        ),
    ),
    pass_mark=75,
)

UNIVERSAL_TRACK = DemoTrack(
    slug="what-childrens-palliative-care-is",
    title="What children's palliative care is",
    summary=(
        "An introduction for everyone in the network: what children's palliative care is, who "
        "it is for, the team around the child and family, and advance care plans."
    ),
    description=(
        "<p>Start here. Three short modules for everyone who works with children with "
        "life-limiting conditions and their families, whatever your role: what children's "
        "palliative care is and who it is for, the services around a child and family, and "
        "what an advance care plan means for you.</p>"
        "<p>Written by the hub team for clinical, non-clinical and universal-service staff, at "
        "the universal level of the UK &amp; Ireland children's palliative care education and "
        "training framework.</p>"
    ),
    level=FrameworkLevel.UNIVERSAL,
    audiences=(CLINICAL, NON_CLINICAL, UNIVERSAL),
    outcome_areas=("communicating", "working_with_others"),
    modules=(INTRODUCTION, TEAM_AROUND_THE_CHILD, ADVANCE_CARE_PLANS),
    published_days_ago=400,
)


# Track 2 -- core, for schools.

PLANS_IN_SCHOOL = DemoModule(
    slug="plans-that-come-to-school-with-the-child",
    title="Plans that come to school with the child",
    summary=(
        "Individual healthcare plans, education, health and care plans and advance care plans: "
        "how they fit together and how to make them work in school."
    ),
    outcomes=(
        "describe the individual healthcare plan, the EHC plan and the advance care plan, and "
        "how they fit together",
        "know what the Department for Education's statutory guidance asks of schools",
        "plan with the family and health professionals for trips, exams and changes of school",
    ),
    minutes=25,
    body=(
        _text(
            "<h2>School matters</h2>"
            "<p>For many children with life-limiting conditions, school is where they spend "
            "most of their waking hours, where their friends are, and one of the places they "
            "most want to be. With good planning, most can keep coming to school for as long as "
            "they and their families wish, including when they are very unwell.</p>"
            "<h2>The plans you may see</h2>"
            "<h3>Individual healthcare plan</h3>"
            "<p>Written by the school with the family and the health professionals involved, "
            "usually the school nurse or the community children's nursing team. It sets out "
            "the child's medical needs, the support they need in school, who is trained to give "
            "it and what to do in an emergency. The Department for Education's statutory "
            "guidance, <i>Supporting pupils at school with medical conditions</i>, expects "
            "schools in England to have a policy, and plans that are reviewed at least every "
            "year or sooner if the child's needs change.</p>"
            "<h3>Education, health and care (EHC) plan</h3>"
            "<p>Many children with life-limiting conditions also have an EHC plan, which sets "
            "out their special educational needs and the provision to meet them. It has an "
            "annual review.</p>"
            "<h3>Advance care plan</h3>"
            "<p>Some children have an advance care plan, made with their family and their "
            "health team. Its emergency section should be part of, or attached to, the "
            "individual healthcare plan, so that everyone in school knows what to do.</p>"
        ),
        _inset(
            "<p>The family decide, with the child's lead clinician, how much of the advance "
            "care plan the school holds. Ask them: do not assume.</p>"
        ),
        _text("<h2>Making plans work</h2>"),
        _do(
            "Involve the child and family in writing the plan, in words the child is "
            "comfortable with.",
            "Make sure named staff are trained for every procedure in the plan, with cover for "
            "when they are away.",
            "Plan ahead for trips, exams, changes of class and the move to a new school or "
            "college.",
            "Keep the plan where the staff who need it, including supply staff, can find it "
            "quickly.",
        ),
        _dont(
            "Do not give medicines or carry out procedures you have not been trained and "
            "authorised to do.",
            "Do not leave a child out of an activity because of their condition before "
            "exploring how they could take part safely.",
        ),
        _expander(
            "Confidentiality",
            "<p>Share information about a child's health only with the staff who need it to "
            "keep the child safe, as agreed with the family. Keep paper copies secure, and "
            "follow your school's data protection policy. The network's guideline "
            "<i>Supporting a child with a life-limiting condition in school</i> has more on "
            "sharing plans.</p>",
        ),
    ),
    quiz=(
        _single(
            "Who writes a child's individual healthcare plan?",
            _right(
                "The school, with the family and the health professionals involved",
                "Right. It works best when everyone has a hand in it.",
            ),
            _wrong(
                "The child's hospital consultant, alone",
                "No. Health professionals contribute, but the school writes it with the family.",
            ),
            _wrong(
                "The local authority",
                "No. The local authority leads the EHC plan, not the individual healthcare plan.",
            ),
        ),
        _single(
            "How often should an individual healthcare plan be reviewed, at the least?",
            _right(
                "Every year, or sooner if the child's needs change",
                "Right, as the statutory guidance expects.",
            ),
            _wrong(
                "Only when the child changes school",
                "No. Needs can change at any time; review at least every year.",
            ),
            _wrong("Every five years", "No: at least every year."),
        ),
        _multiple(
            "What should the school plan ahead for with the family and health professionals?",
            _right("School trips", "Yes: trips need their own planning."),
            _right("Exams", "Yes: including rest breaks and access arrangements."),
            _right("A change of class or school", "Yes: plans must travel with the child."),
            _wrong(
                "Nothing beyond ordinary lessons",
                "No. The plan should cover the whole school day and beyond.",
            ),
        ),
        _single(
            "The only teaching assistant trained in a child's care is off sick. What should "
            "happen?",
            _right(
                "Use the cover arrangements in the plan; if there are none, agree with the "
                "family and the nurse what is safe that day",
                "Right, and then put cover arrangements in the plan.",
            ),
            _wrong(
                "Another member of staff carries out the procedure from the written instructions",
                "No. Only trained and authorised staff should carry out procedures.",
            ),
            _wrong(
                "Send the child home without discussion",
                "No. Talk with the family first; there may be a safe way to keep the child in "
                "school.",
            ),
        ),
    ),
    pass_mark=75,
)

DETERIORATION_IN_SCHOOL = DemoModule(
    slug="when-a-child-becomes-unwell-at-school",
    title="Recognising and responding when a child becomes unwell at school",
    summary=(
        "Knowing what is normal for a child, the signs that they may be becoming more unwell, "
        "and what to do, from the individual healthcare plan to calling 999."
    ),
    outcomes=(
        "explain why knowing what is normal for a child matters",
        "recognise signs that a child may be becoming more unwell",
        "respond using the child's individual healthcare plan, and know when to call 999",
    ),
    minutes=30,
    body=(
        _text(
            "<h2>Know what is normal for this child</h2>"
            '<p>Children with complex conditions often have a "normal" that would '
            "worry anyone who does not know them: noisy breathing, unusual movements or a pale "
            "colour may be an everyday part of their life. Their individual healthcare plan "
            "should describe their usual state and the signs that mean they are becoming "
            "unwell. Parents, and the staff who know the child best, are the experts: ask them "
            "what to look out for.</p>"
            "<h2>Signs that a child may be becoming more unwell</h2>"
            + _list(
                "breathing that is faster, slower, noisier or more effortful than usual for "
                "them, or pauses in breathing",
                "a change in colour: paler, greyer, blotchy, or blue around the lips",
                "being more sleepy than usual, hard to wake or less responsive",
                "seizures that are longer, more frequent or different from their usual pattern",
                "signs of pain or distress, especially in a child who cannot tell you: crying, "
                "grimacing, moaning, a tense body, or being unusually still or unsettled",
                "not tolerating feeds, vomiting, or a high temperature",
            )
        ),
        _inset(
            "<p>You do not need to know what is wrong. You need to notice that something has "
            "changed, and tell the right person quickly.</p>"
        ),
        _text(
            "<h2>What to do</h2>"
            "<p>Follow the child's individual healthcare plan: it says who to contact and what "
            "to do. Most plans ask you to tell the named member of staff trained in the child's "
            "care and to contact the parents. Some describe an emergency medicine for seizures "
            "that named, trained staff may give.</p>"
        ),
        _care_card(
            "urgent",
            "If the child is more unwell than usual",
            "<p>Follow the plan, tell the named member of staff and contact the parents and the "
            "professionals the plan names, such as the community children's nursing team. If "
            "you cannot reach anyone and you are worried, call NHS 111.</p>",
        ),
        _care_card(
            "immediate",
            "Call 999 if",
            "<p>the child is not breathing or is struggling to breathe, is unresponsive, has a "
            "seizure that does not stop as the plan describes, or you think their life is at "
            "risk. Follow the emergency section of the child's plan, contact the parents, and "
            "give the ambulance crew a copy of any advance care plan.</p>",
        ),
        _do(
            "Stay with the child, keep calm, and make sure other children are looked after.",
            "Write down what you saw, when, and what you did, and pass it to the parents and "
            "the school nurse.",
        ),
        _dont(
            "Do not wait to see whether it passes when the plan says to act.",
            "Do not give any medicine that is not in the child's plan, or that you are not "
            "trained to give.",
        ),
        _expander(
            "After an emergency",
            "<p>A child becoming seriously unwell at school can be frightening for staff and "
            "classmates. Make time to talk it through as a team, let the family know how the "
            "class is, and review the plan with the school nurse.</p>",
        ),
    ),
    quiz=(
        _single(
            "Why does a child's individual healthcare plan describe their usual state?",
            _right(
                "Because signs that would worry you in another child may be normal for them, "
                "and changes from their normal matter",
                "Right. Knowing the child's normal is how you spot a change.",
            ),
            _wrong(
                "So that school staff can diagnose the child's condition",
                "No. You do not need to diagnose anything, only to notice a change.",
            ),
            _wrong(
                "It is only needed for exam access arrangements",
                "No. It is there to keep the child safe every day.",
            ),
        ),
        _multiple(
            "Which of these may be signs that a child is becoming more unwell?",
            _right(
                "Breathing that is faster or more effortful than usual for them",
                "Yes: a change in breathing matters.",
            ),
            _right(
                "Being more sleepy than usual, or hard to wake",
                "Yes: a change in responsiveness matters.",
            ),
            _right(
                "Seizures that are longer or different from their usual pattern",
                "Yes: tell the named member of staff and follow the plan.",
            ),
            _wrong(
                "Joining in a lesson as they usually do",
                "No. That is reassuring, not a warning sign.",
            ),
        ),
        _single(
            "A child is unresponsive and you think their life may be at risk. What do you do "
            "first?",
            _right(
                "Call 999 and follow the emergency section of the child's plan",
                "Right. Then contact the parents.",
            ),
            _wrong(
                "Phone the parents and wait for them to arrive",
                "No. Call 999 first.",
            ),
            _wrong(
                "Give whatever emergency medicine is kept in the school office",
                "No. Give only what the child's plan says, and only if you are trained.",
            ),
        ),
        _single(
            "Who knows best what is usual for a child?",
            _right(
                "The child's parents and the staff who know the child best",
                "Right. Ask them what to look out for.",
            ),
            _wrong(
                "Any member of staff with a first aid certificate",
                "No. First aid training does not tell you what is normal for this child.",
            ),
            _wrong(
                "Only the child's hospital consultant",
                "No. Parents and the people who see the child every day know best.",
            ),
        ),
    ),
    pass_mark=75,
)

SUPPORTING_THE_CLASS = DemoModule(
    slug="when-a-pupil-is-very-ill-or-has-died",
    title="When a pupil is very ill or has died: supporting the class",
    summary=(
        "Agreeing with the family what is shared, talking with children honestly about illness "
        "and death, and recognising when a child or colleague needs more support."
    ),
    outcomes=(
        "agree with the family what classmates are told",
        "talk with children about serious illness and death honestly, in words they understand",
        "recognise when a child or a colleague needs more support, and where to find it",
    ),
    minutes=30,
    body=(
        _text(
            "<h2>Start with the family</h2>"
            "<p>When a pupil is very ill or has died, agree with the family what the school "
            "community will be told, by whom and when. Some families want the class to know a "
            "lot; others want privacy. Respect their wishes, and tell them what you plan to "
            "say to the children.</p>"
            "<h2>Talking with children</h2>"
            "<p>Children cope better with honest, simple information than with silence or "
            "euphemism. Use clear words: say that someone has died, not that they have been "
            '"lost" or have "gone to sleep", which can confuse or frighten '
            "younger children. Let children ask questions; it is fine to say \"I don't "
            'know".</p>'
            "<p>How children understand death depends on their age, development and "
            "experience. Younger children may not yet understand that death is permanent, and "
            "may ask the same question many times. Children with learning disabilities may need "
            "information in ways that suit them, such as pictures, symbols or social stories. "
            "Teenagers may want to talk with their friends more than with adults.</p>"
        ),
        _do(
            "Tell children in their class or in small groups, with an adult they know, rather "
            "than in a large assembly.",
            "Keep routines going: a familiar structure helps children feel safe.",
            "Give children ways to remember their friend, such as a memory book or a card for "
            "the family.",
            "Let classmates' parents know what has been said, so that they can carry on the "
            "conversation at home.",
        ),
        _dont(
            'Do not use euphemisms such as "lost" or "passed away" with young children.',
            "Do not share medical details, or anything the family have not agreed to.",
        ),
        _text(
            "<h3>Brothers, sisters and close friends</h3>"
            "<p>Siblings at the school, and the child's closest friends, need particular "
            "thought. Ask them, and their parents, what would help. Grief can show itself in "
            "behaviour, sleep, concentration or friendships, sometimes weeks or months "
            "later.</p>"
        ),
        _inset(
            "<p>A pupil's death affects staff too. Make time to talk as a team, and look out "
            "for colleagues who were closest to the child.</p>"
        ),
        _expander(
            "Where to find support",
            "<p>Harebell House's bereavement team supports families and can advise schools. "
            "National charities, including Child Bereavement UK and Winston's Wish, publish "
            "guidance and resources for schools, and your local educational psychology service "
            "may be able to help.</p>",
        ),
    ),
    quiz=(
        _single(
            "Before the class is told that a pupil has died, what should happen first?",
            _right(
                "The school agrees with the family what will be shared",
                "Right. The family's wishes come first.",
            ),
            _wrong(
                "The whole school is told in assembly straight away",
                "No. Agree with the family first, and tell children in small groups.",
            ),
            _wrong(
                "Nothing is said until the children ask",
                "No. Silence can frighten children more than honest information.",
            ),
        ),
        _single(
            "Which is the clearest way to tell young children?",
            _right(
                '"Sam has died. His body stopped working, and he cannot come back."',
                "Right: simple, honest words.",
            ),
            _wrong(
                '"We have lost Sam."',
                "Young children may think Sam can be found.",
            ),
            _wrong(
                '"Sam has gone to sleep for a very long time."',
                "This can make children afraid of going to sleep.",
            ),
        ),
        _multiple(
            "Which of these may be signs that a child is grieving?",
            _right("Changes in behaviour", "Yes, sometimes weeks or months later."),
            _right("Difficulty concentrating", "Yes: grief is tiring."),
            _right("Problems with sleep", "Yes: tell the parents if you notice this."),
            _wrong(
                "None, if the child seemed fine on the day",
                "No. Grief often shows itself later.",
            ),
        ),
    ),
)

SCHOOL_TRACK = DemoTrack(
    slug="supporting-a-child-in-school",
    title="Supporting a child with a life-limiting condition in school",
    summary=(
        "For teachers, teaching assistants, SENCOs and school nurses: the plans that come to "
        "school with a child, recognising deterioration, and supporting the class when a pupil "
        "is very ill or has died."
    ),
    description=(
        "<p>Three modules for school staff who teach or support a child with a life-limiting "
        "condition: the plans that come to school with the child, recognising and responding "
        "when they become unwell, and supporting the class when a pupil is very ill or has "
        "died.</p>"
        "<p>Written with Brackenfield Special School and the network's education steering "
        "group, at the core level of the UK &amp; Ireland children's palliative care education "
        "and training framework. Take it before the study day on supporting children in school "
        "if you can.</p>"
    ),
    level=FrameworkLevel.CORE,
    audiences=(UNIVERSAL,),
    outcome_areas=("communicating", "working_with_others", "symptoms"),
    modules=(PLANS_IN_SCHOOL, DETERIORATION_IN_SCHOOL, SUPPORTING_THE_CLASS),
    published_days_ago=380,
)


# Track 3 -- core, for non-clinical staff.

FIRST_CONTACT = DemoModule(
    slug="first-contact-calls-and-greeting-families",
    title="First contact: answering calls and greeting families",
    summary=(
        "Welcoming families warmly, passing on clinical questions and emergencies at once, and "
        "taking a message the care team can act on."
    ),
    outcomes=(
        "greet families and answer calls warmly, clearly and confidentially",
        "recognise a clinical question or an emergency and pass it on straight away",
        "take a message that the care team can act on",
    ),
    minutes=25,
    body=(
        _text(
            "<h2>Why first contact matters</h2>"
            "<p>For many families, the first person they speak to is on reception or the "
            "telephone, not a nurse or a doctor. Families of children with life-limiting "
            "conditions have often had to fight for help; a warm, unhurried welcome from "
            "someone who knows their child's name can make a hard day easier. Everyone on the "
            "staff is part of the care a family receives.</p>"
            "<h2>Good habits</h2>"
        ),
        _do(
            "Use the child's and family's names, and check how they like to be called.",
            "Introduce yourself and say what your role is.",
            "Listen to the end before you answer, and check that you have understood.",
            "Say what will happen next and when, and keep your promises: if you say someone "
            "will ring back, make sure they do.",
        ),
        _dont(
            "Do not give clinical advice, even when you think you know the answer: put the "
            "family through to the care team.",
            "Do not talk about a child or family where others can overhear.",
            "Do not confirm that a child is known to your service to a caller you cannot identify.",
        ),
        _text(
            "<h2>Passing on clinical questions</h2>"
            "<p>When a parent describes their child's symptoms or asks about medicines, put "
            "them through to the nurse in charge or the care team straight away. If nobody is "
            "free, take a message and pass it on at once, not at the end of the day.</p>"
        ),
        _care_card(
            "immediate",
            "If a caller describes an emergency",
            "<p>If a parent says their child is not breathing, is unresponsive, or that they "
            "think their child's life is at risk, tell them to call 999 now, or to follow the "
            "emergency section of their child's plan. Then tell the nurse in charge "
            "immediately.</p>",
        ),
        _text(
            "<h3>A message the team can act on</h3>"
            + _list(
                "the caller's name and relationship to the child",
                "the child's name and date of birth",
                "a telephone number, and when they can be reached",
                "what they are asking, in their own words",
                "how urgent it is, and the time of the call",
            )
        ),
        _expander(
            "When a bereaved family calls",
            "<p>Bereaved parents may ring about something practical, or simply to talk to "
            "someone who knew their child. Use their child's name: it is often a comfort. If "
            "you are not sure what to say, \"I'm so sorry. Would you like to speak to "
            'someone from the family support team?" is enough. Make sure records and '
            "mailing lists are updated after a child's death, so that the family do not "
            "receive letters for their child.</p>",
        ),
    ),
    quiz=(
        _single(
            "A parent phones and asks whether they can give their child an extra dose of a "
            "pain medicine. What do you do?",
            _right(
                "Put them through to the nurse in charge or the care team straight away",
                "Right. Clinical questions go to the care team, at once.",
            ),
            _wrong(
                "Read them what the leaflet in the medicine box says",
                "No. Do not give clinical advice, even from a leaflet.",
            ),
            _wrong(
                "Ask them to ring back tomorrow",
                "No. A child may be in pain now: pass it on straight away.",
            ),
        ),
        _multiple(
            "What should a message for the care team include?",
            _right(
                "The caller's name and relationship to the child",
                "Yes: the team needs to know who to call back.",
            ),
            _right(
                "A telephone number and when they can be reached",
                "Yes: otherwise the call-back may be missed.",
            ),
            _right(
                "What they are asking, in their own words",
                "Yes: their words carry information.",
            ),
            _wrong(
                "Your view of what the answer should be",
                "No. Pass on the question; the care team will answer it.",
            ),
        ),
        _single(
            "A caller says that their child is not breathing. What do you do?",
            _right(
                "Tell them to call 999 now, or to follow the emergency section of their child's "
                "plan, then tell the nurse in charge immediately",
                "Right. Do not delay the family getting help.",
            ),
            _wrong(
                "Take a message for the nurse's next visit",
                "No. This is an emergency.",
            ),
            _wrong(
                "Put them on hold while you look for a nurse",
                "No. Tell them to call 999 or follow their plan first.",
            ),
        ),
        _single(
            "Someone you do not recognise rings and asks whether a particular child is staying "
            "at the hospice this week. What do you say?",
            _right(
                "Neither confirm nor deny it; take their details and pass the query to the care "
                "team",
                "Right. Families' privacy matters, and the caller may not be who they say.",
            ),
            _wrong(
                "Confirm it if they sound like a relative",
                "No. You cannot tell who is calling.",
            ),
            _wrong(
                "Tell them which room the child is in",
                "No. Never share this with a caller you cannot identify.",
            ),
        ),
    ),
    pass_mark=75,
)

DIFFICULT_CONVERSATIONS = DemoModule(
    slug="when-a-conversation-is-difficult",
    title="When a conversation is difficult",
    summary=(
        "Responding to distress and anger with listening and acknowledgement, words that help "
        "and words to avoid, and knowing when to involve a colleague."
    ),
    outcomes=(
        "respond to distress or anger by listening and acknowledging the feeling",
        "use words that help, and avoid words that hurt",
        "know your limits, and when and how to involve a colleague",
    ),
    minutes=25,
    body=(
        _text(
            "<h2>What may lie underneath</h2>"
            "<p>Parents of children with life-limiting conditions live with uncertainty, "
            "exhaustion and grief, often for years. Anger about a lost form or a late call-back "
            "may be about much more than that. You do not have to put everything right. "
            "Listening, and showing that you have heard, helps more than you might expect.</p>"
            "<h2>What helps</h2>"
            + _list(
                "Listen without interrupting, and let the person finish.",
                'Acknowledge the feeling: "I can hear how worried you are."',
                "Say sorry for what has gone wrong, even if it was not your doing: \"I'm "
                "sorry you've had to chase this.\"",
                "Be honest about what you can and cannot do.",
                "Agree what will happen next, and by when.",
                "Follow it up.",
                ordered=True,
            )
            + "<h3>Words to use, and words to avoid</h3>"
        ),
        _do(
            '"Tell me what\'s happened."',
            '"That sounds really hard."',
            "\"I don't know, but I will find out and ring you back by four o'clock.\"",
            label="Try saying",
            level=4,
        ),
        _dont(
            '"I know how you feel." You don\'t, and many parents find it hurtful.',
            '"At least…" Anything that starts with "at least" makes the feeling smaller.',
            '"Calm down." It rarely helps anyone to calm down.',
            label="Avoid saying",
            level=4,
        ),
        _text(
            "<h2>Knowing your limits</h2>"
            "<p>If a conversation turns to the child's care, prognosis or medicines, or a "
            "parent is very distressed, involve a colleague from the care or family support "
            "team. If someone is abusive or threatening, you do not have to carry on: say "
            "calmly that you are going to end the conversation, and tell your manager.</p>"
        ),
        _inset(
            "<p>If anything a family member says makes you worried about the safety of a child "
            "or an adult, follow your organisation's safeguarding procedure the same day, and "
            "tell your safeguarding lead.</p>"
        ),
        _expander(
            "Interpreters and accessible information",
            "<p>Families who do not speak English well, or who are Deaf, should be offered a "
            "professional interpreter. Never ask a child, or their brother or sister, to "
            "interpret. Offer information in easy read or other formats when it would "
            "help.</p>",
        ),
    ),
    quiz=(
        _single(
            "A father is angry that a form has been lost for the second time. Which response "
            "is the best start?",
            _right(
                "\"I'm sorry you've had to chase this again. Tell me what's happened.\"",
                "Right: an apology and an invitation to talk.",
            ),
            _wrong('"Please calm down."', "This rarely helps anyone to calm down."),
            _wrong(
                '"It wasn\'t me who lost it."',
                "It may be true, but it will not help. Apologise for what has happened.",
            ),
        ),
        _multiple(
            "Which of these phrases are best avoided?",
            _right(
                '"I know how you feel."',
                "Yes, avoid it: many parents find it hurtful.",
            ),
            _right(
                '"At least she\'s comfortable now."',
                'Yes, avoid it: "at least" makes the feeling smaller.',
            ),
            _wrong(
                '"That sounds really hard."',
                "This one helps: it acknowledges the feeling.",
            ),
            _right('"Calm down."', "Yes, avoid it."),
        ),
        _single(
            "A mother asks you whether her son's new symptoms mean that he is dying. What do "
            "you do?",
            _right(
                "Acknowledge how frightening this is, and ask a colleague from the care team to "
                "speak with her",
                "Right. Stay with her until they come if you can.",
            ),
            _wrong(
                "Reassure her that he will be fine",
                "No. You cannot know that, and false reassurance breaks trust.",
            ),
            _wrong(
                "Tell her what you know about his condition",
                "No. This is a conversation for the care team.",
            ),
        ),
        _single(
            "On a call, a parent says something that makes you worried about a child's safety. "
            "When do you act?",
            _right(
                "The same day, following your organisation's safeguarding procedure",
                "Right, and tell your safeguarding lead.",
            ),
            _wrong("At the next team meeting", "No. Do not wait: act the same day."),
            _wrong("Only if they say it again", "No. Act on what you have heard."),
        ),
    ),
    pass_mark=75,
)

LOOKING_AFTER_YOURSELF = DemoModule(
    slug="looking-after-yourself-and-your-colleagues",
    title="Looking after yourself and your colleagues",
    summary=(
        "Why being affected by this work is normal, the signs of stress and burnout, and the "
        "support available to you."
    ),
    outcomes=(
        "recognise that being affected by this work is normal",
        "spot the signs of stress and burnout in yourself and in others",
        "find and use the support available",
    ),
    minutes=20,
    body=(
        _text(
            "<h2>It is normal to be affected</h2>"
            "<p>Working with seriously ill children and their families is rewarding, and it "
            "can also be sad and tiring. Feeling upset after a child dies, or taking a family's "
            "worries home with you, is not a sign that you are not coping: it is a sign that "
            "you care. Non-clinical staff are sometimes left out of the support offered to "
            "care teams, yet they often know families well.</p>"
            "<h2>Signs to look out for</h2>"
            + _list(
                "feeling tired all the time, or sleeping badly",
                "dreading work, or feeling numb or detached",
                "being irritable, tearful or short with people",
                "finding it hard to concentrate",
                "drinking more, or withdrawing from friends and the things you enjoy",
            )
            + "<h2>What helps</h2>"
        ),
        _do(
            "Talk to someone: a colleague, your manager, or someone outside work.",
            "Take your breaks and your annual leave.",
            "Go to team debriefs after a death, and to reflective practice or Schwartz Rounds "
            "where your organisation holds them.",
            "Keep some boundaries: mark the end of the working day in a way that suits you.",
        ),
        _dont(
            "Do not wait until you are at breaking point to ask for help.",
            "Do not assume a colleague is fine because they say so: ask again, and listen.",
        ),
        _care_card(
            "primary",
            "Getting support",
            "<p>Talk to your manager, or to your organisation's occupational health or employee "
            "assistance service. If you are struggling with your mental health, speak to your "
            "GP. If you feel you cannot keep yourself safe, call NHS 111 and choose the mental "
            "health option, or call 999 in an emergency. Samaritans can be called free on "
            "116 123, at any time.</p>",
        ),
        _details(
            "A moment to reflect",
            "<p>Think of a time at work that has stayed with you. What helped you afterwards? "
            "What would you tell a new colleague about looking after themselves in this "
            "work?</p>",
        ),
    ),
)

NON_CLINICAL_TRACK = DemoTrack(
    slug="communicating-with-families-and-looking-after-yourself",
    title="Communicating with families, and looking after yourself",
    summary=(
        "For administrators, receptionists, family support staff and managers: first contact "
        "with families, difficult conversations, and looking after yourself and your "
        "colleagues."
    ),
    description=(
        "<p>Three modules for non-clinical staff in hospices, hospitals, GP practices and "
        "charities, who are often the first people a family speaks to: answering calls and "
        "greeting families, responding when a conversation is difficult, and looking after "
        "yourself and your colleagues.</p>"
        "<p>Written with the family support team at Harebell House, at the core level of the "
        "UK &amp; Ireland children's palliative care education and training framework.</p>"
    ),
    level=FrameworkLevel.CORE,
    audiences=(NON_CLINICAL,),
    outcome_areas=("communicating", "self_care"),
    modules=(FIRST_CONTACT, DIFFICULT_CONVERSATIONS, LOOKING_AFTER_YOURSELF),
    published_days_ago=370,
)


# Track 4 -- core, for clinical staff.

ASSESSING_SYMPTOMS = DemoModule(
    slug="assessing-symptoms-in-children-who-cannot-tell-you",
    title="Assessing symptoms in children who cannot tell you",
    summary=(
        "A holistic symptom assessment with the child and family, validated pain tools, and "
        "looking for causes you can put right."
    ),
    outcomes=(
        "carry out a holistic symptom assessment with the child and family",
        "choose a validated pain assessment tool suited to the child's age and communication",
        "look for reversible causes, and reassess after every intervention",
    ),
    minutes=30,
    body=(
        NOT_DOSES,
        _text(
            "<h2>Start with the child's baseline</h2>"
            "<p>Many children with life-limiting conditions cannot describe their symptoms: "
            "they may be pre-verbal, have a severe learning disability or neurological "
            "impairment, or be too unwell. Parents and regular carers know the child's usual "
            "behaviour, sounds and movements, and notice small changes first. Ask them what is "
            "different, and record their description of the child's baseline.</p>"
            "<h2>A holistic assessment</h2>"
            "<p>Symptoms are rarely only physical. Pain may be made worse by fear, boredom, "
            "separation or a family's distress; agitation may come from a full bladder, "
            "constipation or being too hot. Think about the whole child: physical, emotional, "
            "social and spiritual.</p>"
            "<h3>Ask about</h3>"
            + _list(
                "when it started, and what the child was doing",
                "what makes it better or worse",
                "how it affects sleep, feeding, play and school",
                "what has been tried already, and whether it helped",
                "what the child and family are most worried about",
            )
            + "<h3>Pain assessment tools</h3>"
            "<p>Use a validated tool that suits the child, and use the same one each time so "
            "that scores can be compared. For example, the Wong-Baker FACES scale for children "
            "who can point or speak; the FLACC scale (face, legs, activity, cry, "
            "consolability) for young or non-verbal children; and the Paediatric Pain Profile "
            "for children with severe neurological impairment, which compares their behaviour "
            'with their own "good day". Record the tool, the score and the time.</p>'
        ),
        _care_card(
            "primary",
            "Look for causes you can put right",
            "<p>Constipation, urinary retention, a displaced tube or line, an uncomfortable "
            "position, pressure areas, a tight splint, toothache, reflux, an ear infection, or "
            "being too hot or too cold. Treating the cause may relieve the symptom without "
            "another medicine.</p>",
        ),
        _do(
            "Assess, act, then reassess and record, every time.",
            "Believe parents when they tell you their child is in pain or distressed.",
        ),
        _dont(
            "Do not assume that a child who is quiet and still is comfortable: withdrawal can "
            "be a sign of pain.",
            "Do not rely on heart rate or oxygen saturation alone to judge pain.",
        ),
        _expander(
            "Total pain",
            "<p>Dame Cicely Saunders, who founded the modern hospice movement, described "
            '"total pain": physical, psychological, social and spiritual. For a '
            "child, that may include missing school and friends, fear of hospital, or sensing "
            "their parents' worry. The specialist team, psychology, play specialists and "
            "chaplaincy can all help.</p>",
        ),
    ),
    quiz=(
        _single(
            "Which tool is designed for children with severe neurological impairment and "
            'compares their behaviour with their own "good day"?',
            _right("The Paediatric Pain Profile", "Right."),
            _wrong(
                "The Wong-Baker FACES scale",
                "No. FACES is a self-report scale for children who can point or speak.",
            ),
            _wrong(
                "A 0 to 10 numerical rating scale",
                "No. That needs a child who can understand and use numbers.",
            ),
        ),
        _multiple(
            "A boy with severe cerebral palsy has been unsettled and crying since the morning. "
            "Which reversible causes would you look for?",
            _right("Constipation", "Yes: a common and treatable cause of distress."),
            _right("Urinary retention", "Yes: check for a full bladder."),
            _right(
                "An uncomfortable position or a tight splint",
                "Yes: simple to put right.",
            ),
            _wrong(
                "None: distress in cerebral palsy is never a sign of pain",
                "No. Distress is often a sign of pain or discomfort.",
            ),
        ),
        _single(
            "Why should you use the same pain tool each time?",
            _right("So that scores can be compared over time", "Right."),
            _wrong(
                "Because every tool gives the same score",
                "No. Different tools measure in different ways.",
            ),
            _wrong(
                "So that the parents' views are no longer needed",
                "No. Parents' views matter at every assessment.",
            ),
        ),
        _single(
            "A child is lying very still and quiet after a procedure. What do you conclude?",
            _right(
                "Stillness can be a sign of pain: assess with the child's usual tool and ask "
                "the parents",
                "Right.",
            ),
            _wrong(
                "The child is comfortable",
                "Not necessarily: withdrawal can be a sign of pain.",
            ),
            _wrong(
                "The child is asleep, so no assessment is needed",
                "No. Assess, and ask the parents what they think.",
            ),
        ),
    ),
    pass_mark=75,
)

SYMPTOM_PLAN = DemoModule(
    slug="the-symptom-management-plan-and-anticipatory-medicines",
    title="The symptom management plan and anticipatory medicines",
    summary=(
        "What a child's individual symptom management plan contains, how anticipatory medicines "
        "are kept, checked and recorded at home, and supporting parents who give medicines."
    ),
    outcomes=(
        "explain what a child's individual symptom management plan contains and who writes it",
        "describe how anticipatory medicines are prescribed, kept, checked and recorded at home",
        "support parents who choose to give medicines themselves",
    ),
    minutes=35,
    body=(
        NOT_DOSES,
        _text(
            "<h2>The individual symptom management plan</h2>"
            "<p>A child who is likely to have distressing symptoms at home should have an "
            "individual symptom management plan. It is written by the clinician leading their "
            "palliative care, usually with the specialist palliative care team, and shared "
            "with the family, the community children's nursing team, the GP and the "
            "hospice.</p>"
            "<h3>A plan usually covers</h3>"
            + _list(
                "the symptoms the child is likely to have, such as pain, breathlessness, "
                "agitation, seizures, nausea and vomiting, and noisy secretions",
                "for each, the comfort measures to try and the medicines to use, with the "
                "route and the shortest interval between doses",
                "what to do if the first steps do not work",
                "who to call, day and night",
            )
            + "<h2>Anticipatory medicines</h2>"
            "<p>Anticipatory medicines are prescribed in advance for the child, so that they "
            "are already in the home when symptoms arise, often at night or at the weekend. "
            "The prescriber writes the prescription and the authorisation to administer (the "
            "community administration chart) together. The medicines, the chart, the syringes "
            "and other equipment, and a copy of the plan are kept together in the home.</p>"
        ),
        _care_card(
            "primary",
            "At every visit",
            "<p>Check that the medicines match the chart and the plan, are in date, and that "
            "there is enough for the coming days, especially before a weekend or a bank "
            "holiday. Check the controlled drug record. Order more in good time.</p>",
        ),
        _do(
            "Record every dose given, with the time, the reason and its effect.",
            "Tell the GP practice and the out-of-hours service that the child has anticipatory "
            "medicines at home.",
            "Return unused medicines to a community pharmacy when they are stopped or after "
            "the child has died.",
        ),
        _dont(
            "Do not give a medicine that is not on the child's chart, or at a dose or interval "
            "that differs from it.",
            "Do not use medicines prescribed for another child, even a brother or sister.",
        ),
        _text(
            "<h2>When parents give medicines</h2>"
            "<p>Some parents choose to give medicines themselves, particularly where the "
            "nearest nurse may be an hour away. The community team teaches and assesses them, "
            "records their competence and leaves written instructions for each medicine. "
            "Parents must never feel that they have to, and can always call for help.</p>"
        ),
        _inset(
            "<p>The network's guideline <i>Anticipatory medicines for children at home</i> sets "
            "out the process step by step. Read it in the Guidelines section.</p>"
        ),
        _expander(
            "Syringe drivers",
            "<p>When a child cannot take medicines by mouth or feeding tube and needs them "
            "continuously, their plan may include a continuous subcutaneous infusion through a "
            "syringe driver. It is set up and checked by nurses trained and assessed in its "
            "use, following local policy. The symptom management ECHO programme includes a "
            "session on setting one up at home.</p>",
        ),
    ),
    quiz=(
        _single(
            "Who writes a child's individual symptom management plan?",
            _right(
                "The clinician leading the child's palliative care, usually with the specialist "
                "palliative care team",
                "Right, and it is shared with everyone caring for the child.",
            ),
            _wrong(
                "The community pharmacist",
                "No. The pharmacist dispenses the medicines; the lead clinician writes the plan.",
            ),
            _wrong(
                "The parents, from what they have found works",
                "No. Parents' experience shapes the plan, but the lead clinician writes it.",
            ),
        ),
        _single(
            "What are anticipatory medicines for?",
            _right(
                "To have medicines prescribed for this child ready in the home before symptoms "
                "arise",
                "Right, so that symptoms can be treated without delay.",
            ),
            _wrong(
                "To be given before symptoms start, to prevent them",
                "No. They are given when symptoms arise, as the plan says.",
            ),
            _wrong(
                "To keep a stock for any child on the team's caseload",
                "No. They are prescribed for one child only.",
            ),
        ),
        _multiple(
            "What do you check at every visit?",
            _right("That the medicines match the chart and the plan", "Yes."),
            _right("That they are in date", "Yes."),
            _right(
                "That there is enough for the coming days, especially before a weekend or bank "
                "holiday",
                "Yes: order more in good time.",
            ),
            _wrong(
                "That the family have bought spare medicines over the counter",
                "No. Only what is prescribed for the child, on the chart, should be given.",
            ),
        ),
        _single(
            "Overnight, a child needs a medicine that is not on their chart. What do you do?",
            _right(
                "Do not give it: call the on-call specialist or prescriber for advice",
                "Right. They can advise and, if needed, prescribe.",
            ),
            _wrong(
                "Give a medicine from a brother's or sister's supply",
                "No. Never use medicines prescribed for another child.",
            ),
            _wrong(
                "Give it and ask for a prescription in the morning",
                "No. Only give what is on the chart.",
            ),
        ),
        _single(
            "A mother would like to give her daughter's medicines herself. What happens?",
            _right(
                "The community team teaches and assesses her, records her competence and leaves "
                "written instructions",
                "Right, and she can always call for help.",
            ),
            _wrong(
                "She can start straight away once she has watched a nurse do it",
                "No. She is taught and assessed first.",
            ),
            _wrong(
                "Parents are never allowed to give medicines",
                "No. Many parents do, once taught and assessed.",
            ),
        ),
    ),
)

COMFORT_AND_ESCALATION = DemoModule(
    slug="comfort-measures-and-when-to-call-the-specialist-team",
    title="Comfort measures, and when to call the specialist team",
    summary=(
        "Non-drug measures for common symptoms, the signs that a child needs specialist advice, "
        "and making a clear call for help with SBAR."
    ),
    outcomes=(
        "use non-drug measures for common symptoms alongside the child's plan",
        "recognise when a symptom needs specialist advice",
        "make a clear, structured call for advice using SBAR",
    ),
    minutes=30,
    body=(
        NOT_DOSES,
        _text(
            "<h2>Comfort measures</h2>"
            "<p>Comfort measures are part of every symptom management plan, not a substitute "
            "for medicines. They are often things the family already do, and can do with "
            "you.</p>"
        ),
        _expander(
            "Pain",
            "<p>Positioning, and supporting limbs with pillows; holding, cuddling and gentle "
            "massage; warmth or cool packs where the plan allows; distraction, play, music and "
            "stories; a calm, familiar room.</p>",
        ),
        _expander(
            "Breathlessness",
            "<p>Sitting the child up, or positioning them on their side; a handheld fan or a "
            "cool flow of air across the face; an open window; calm reassurance; planning "
            "activities to save energy.</p>",
        ),
        _expander(
            "Noisy breathing and secretions",
            "<p>Changing the child's position, often onto their side, and gentle mouth care. "
            "Explain to the family that noisy breathing near the end of life is often more "
            "distressing for those around the child than for the child.</p>",
        ),
        _expander(
            "Agitation",
            "<p>Look for causes first: pain, a full bladder, constipation, being too hot, fear. "
            "A quiet, softly lit room; familiar voices, music, toys and smells; a parent lying "
            "with the child.</p>",
        ),
        _expander(
            "Mouth and skin",
            "<p>Keep the lips moist; gentle mouth care with a soft toothbrush or mouth sponge; "
            "regular changes of position and pressure-relieving equipment.</p>",
        ),
        _text("<h2>When to call the specialist team</h2>"),
        _care_card(
            "urgent",
            "Call the specialist palliative care team, day or night, if",
            _list(
                "a new symptom is not covered by the plan",
                "a symptom is not controlled after following the plan's steps",
                "the child needs breakthrough doses more often than the plan expects",
                "you are worried about a possible emergency, such as a major bleed, seizures "
                "that do not stop, or new weakness of the legs",
                "the family are exhausted, very distressed or struggling to cope",
                "you are not sure what to do",
            ),
        ),
        _inset(
            f"<p>In Westmoor and Dales, you can reach {SPECIALIST_TEAM_AT_NIGHT}.</p>",
        ),
        _text(
            "<h3>Making the call: SBAR</h3>"
            + _list(
                "<b>Situation</b>: who you are, the child, and what is happening now.",
                "<b>Background</b>: the diagnosis, the plan, and the medicines given in the "
                "last 24 hours.",
                "<b>Assessment</b>: what you have found, including pain scores, observations "
                "and what the family think.",
                "<b>Recommendation</b>: what you need: advice, a visit, a change to the "
                "prescription.",
                ordered=True,
            )
        ),
        _do(
            "Have the plan, the administration chart and your assessment in front of you "
            "before you call.",
            "Write down the advice, who gave it and when, and tell the family.",
        ),
        _dont("Do not wait for the morning if a symptom is not controlled overnight."),
    ),
    quiz=(
        _multiple(
            "Which of these are comfort measures for breathlessness?",
            _right("Sitting the child up", "Yes."),
            _right("A handheld fan or a cool flow of air across the face", "Yes."),
            _right("Calm reassurance", "Yes: fear makes breathlessness worse."),
            _wrong(
                "Laying the child flat on their back",
                "No. Sitting up, or lying on their side, usually eases breathing.",
            ),
        ),
        _multiple(
            "When should you call the specialist team?",
            _right("A new symptom is not covered by the plan", "Yes."),
            _right("A symptom is not controlled after the plan's steps", "Yes."),
            _right("The family are exhausted or struggling to cope", "Yes."),
            _wrong(
                "A symptom is well controlled by the plan",
                "No need: carry on with the plan, and record it.",
            ),
        ),
        _single(
            "What does the B in SBAR stand for?",
            _right("Background", "Right: the diagnosis, the plan and recent medicines."),
            _wrong("Breathing", "No: SBAR is situation, background, assessment, recommendation."),
            _wrong("Baseline", "No: SBAR is situation, background, assessment, recommendation."),
        ),
        _single(
            "At 2am, a child's agitation has not eased after the plan's steps. What do you do?",
            _right(
                "Call the on-call specialist team now",
                "Right. Do not wait for the morning.",
            ),
            _wrong(
                "Wait until the morning and call the child's consultant",
                "No. The child and family need help now.",
            ),
            _wrong(
                "Give an extra dose of whatever worked last time",
                "No. Only give what the chart says; call for advice.",
            ),
        ),
    ),
    pass_mark=75,
)

SYMPTOM_TRACK = DemoTrack(
    slug="symptom-management-at-home",
    title="Symptom management at home",
    summary=(
        "For nurses, doctors and allied health professionals caring for children at home: "
        "assessing symptoms, the symptom management plan and anticipatory medicines, comfort "
        "measures and when to call for help."
    ),
    description=(
        "<p>Three modules for clinical staff caring for children with life-limiting conditions "
        "at home, in the community and in the hospice: assessing symptoms in children who "
        "cannot tell you, the child's individual symptom management plan and anticipatory "
        "medicines, and comfort measures and when to call the specialist team.</p>"
        "<p>The track is about assessment, planning and escalation. It does not cover the "
        "choice or dose of any medicine: always follow the child's plan and the BNF for "
        "Children. Written by the hub specialist palliative care team at the core level of the "
        "UK &amp; Ireland children's palliative care education and training framework; it "
        "goes well with the symptom management ECHO programme.</p>"
    ),
    level=FrameworkLevel.CORE,
    audiences=(CLINICAL,),
    outcome_areas=("symptoms", "working_with_others"),
    modules=(ASSESSING_SYMPTOMS, SYMPTOM_PLAN, COMFORT_AND_ESCALATION),
    published_days_ago=360,
)


# Track 5 -- specialist, for clinical staff who lead advance care planning.

HOLDING_THE_CONVERSATION = DemoModule(
    slug="preparing-for-and-holding-the-conversation",
    title="Preparing for and holding the conversation",
    summary=(
        "When to start advance care planning, how to prepare and structure the conversation, "
        "and the law on consent and capacity for children and young people in England."
    ),
    outcomes=(
        "recognise when to start or revisit advance care planning",
        "prepare for and structure a conversation with a child, young person and family",
        "apply the law on consent and capacity for children and young people in England",
    ),
    minutes=40,
    body=(
        _text(
            "<h2>When to start</h2>"
            "<p>Advance care planning is a process, not a single conversation. Start early, "
            "when the child is well enough for the family to think clearly, rather than in a "
            "crisis. Good moments to start or revisit it include diagnosis or recognition of a "
            "life-limiting condition, a significant deterioration or an admission to intensive "
            "care, a change of care setting, and planning for transition to adult services.</p>"
            "<h2>Preparing</h2>"
            + _list(
                "Know the history, the current treatment and the team's shared view of what is "
                "possible.",
                "Agree with colleagues who will lead, who else will be there, and what the "
                "family already know.",
                "Choose a private, quiet room and enough time, without interruptions.",
                "Book a professional interpreter if one is needed.",
                "Ask the family who they would like with them, and how the child would like to "
                "be involved.",
            )
            + "<h2>Holding the conversation</h2>"
            "<p>Frameworks such as SPIKES (setting, perception, invitation, knowledge, "
            "emotions, strategy and summary) help to structure difficult conversations. "
            "Whatever the framework, begin with what the family understand and what matters "
            "most to them, and let their hopes and worries shape the plan.</p>"
        ),
        _do(
            "Ask what the child and family are hoping for, and what they are worried about.",
            "Give information in small amounts, and check understanding.",
            'Use plain words, including "dying" and "death" when that is what you mean.',
            "Agree together what happens next, and when you will meet again.",
        ),
        _dont(
            "Do not present treatments that would not be of overall benefit to the child as "
            "if they were choices.",
            "Do not rush to fill a silence.",
        ),
        _text(
            "<h2>Consent and capacity</h2>"
            "<p>A child under 16 may consent to treatment if they have enough understanding and "
            "intelligence to understand fully what is proposed (Gillick competence). From 16, "
            "young people are presumed to have capacity under the Mental Capacity Act 2005; "
            "where a young person lacks capacity, decisions are made in their best interests. "
            "For younger children who are not competent, the people with parental "
            "responsibility decide, in the child's best interests.</p>"
        ),
        _expander(
            "When the family and the team disagree",
            "<p>Keep talking, seek a second opinion, and involve your clinical ethics service. "
            "Mediation can help. Going to court is a last resort. Whatever happens, keep giving "
            "the child the best possible care, and keep the family informed.</p>",
        ),
    ),
    quiz=(
        _multiple(
            "Which are good moments to start or revisit advance care planning?",
            _right("Diagnosis or recognition of a life-limiting condition", "Yes."),
            _right("A significant deterioration, or an admission to intensive care", "Yes."),
            _right("Planning for transition to adult services", "Yes."),
            _wrong(
                "Only in the last days of life",
                "No. Starting early, before a crisis, gives families time to think.",
            ),
        ),
        _single(
            "Under the Mental Capacity Act 2005, from what age are young people presumed to "
            "have capacity?",
            _right("16", "Right."),
            _wrong("12", "No: 16."),
            _wrong("18", "No: 16, though parents are still often closely involved."),
        ),
        _single(
            "What does Gillick competence describe?",
            _right(
                "A child under 16 with enough understanding and intelligence to understand "
                "fully what is proposed may consent to it",
                "Right.",
            ),
            _wrong(
                "A parent's right to make every decision until their child is 18",
                "No. Competent children and young people can consent for themselves.",
            ),
            _wrong(
                "A test that applies only to adults",
                "No. It applies to children under 16.",
            ),
        ),
        _single(
            "The family and the team disagree about whether to attempt intensive care if the "
            "child deteriorates. What is the best next step?",
            _right(
                "Keep talking, seek a second opinion and involve the clinical ethics service",
                "Right.",
            ),
            _wrong(
                "Write the team's decision into the plan without the family's agreement",
                "No. Keep working towards agreement, with support.",
            ),
            _wrong(
                "Ask the family to decide on their own",
                "No. Decisions are shared; the family should not carry them alone.",
            ),
        ),
    ),
    pass_mark=75,
)

SHARING_THE_PLAN = DemoModule(
    slug="recording-and-sharing-the-plan-across-settings",
    title="Recording and sharing the plan across settings",
    summary=(
        "Recording the plan on the regional CYPACP form so that it can be acted on, sharing it "
        "with everyone who needs it, and keeping one current version in circulation."
    ),
    outcomes=(
        "record the plan on the regional CYPACP form so that anyone can act on it",
        "share it with everyone who needs it, with the family's agreement",
        "review the plan and withdraw old versions",
    ),
    minutes=25,
    body=(
        _text(
            "<h2>A plan only helps if it is found</h2>"
            "<p>An advance care plan in a hospital record cannot guide anyone when a child "
            "deteriorates at school, at home at three in the morning, or on a short break at "
            "the hospice. Record it on the regional Child and Young Person's Advance Care Plan "
            "(CYPACP) form, which every service in Westmoor and Dales recognises, and agree "
            "with the family who will hold copies.</p>"
            "<h3>Who may need a copy</h3>"
            + _list(
                "the family, who keep the original at home",
                "the GP practice, to add to the child's record and alert the out-of-hours service",
                "the community children's nursing team, the hospital teams and the children's "
                "hospice",
                "the ambulance service, which can flag the plan against the child's address",
                "the school or short-break service: usually the emergency section only, as "
                "agreed with the family",
            )
        ),
        _care_card(
            "primary",
            "Check that the plan can be acted on",
            "<p>Is it signed and dated? Are the emergency decisions clear to someone who has "
            "never met the child? Does it say who to call, day and night? Is there a review "
            "date?</p>",
        ),
        _text(
            "<h2>Reviewing the plan</h2>"
            "<p>Review the plan when the child's condition or wishes change, when they move "
            "between services, and by the review date. When the plan changes, send the new "
            "version to everyone on the distribution list and ask them to destroy the old one: "
            "two versions in circulation cause confusion at the worst possible moment.</p>"
        ),
        _do(
            "Keep a distribution list with the plan, and record when each copy was sent.",
            "Ask the ambulance service to flag the plan, with the family's consent.",
        ),
        _dont(
            "Do not let the plan lapse when a young person moves to adult services: hand it "
            "over to the adult team.",
        ),
        _inset(
            "<p>The network's guideline <i>Advance care planning conversations</i> sets out the "
            "process in detail. Read it in the Guidelines section.</p>"
        ),
    ),
    quiz=(
        _single(
            "Why use the regional CYPACP form?",
            _right(
                "So that every service in the region recognises the plan and can act on it",
                "Right.",
            ),
            _wrong(
                "Because plans on other forms are not legal",
                "No. The point is that everyone recognises it.",
            ),
            _wrong(
                "So that only the hospital can see it",
                "No. It is meant to be shared with everyone who needs it.",
            ),
        ),
        _multiple(
            "Who may need a copy of the plan, with the family's agreement?",
            _right("The GP practice", "Yes, and it can alert the out-of-hours service."),
            _right("The ambulance service", "Yes: it can flag the plan."),
            _right("The child's school, usually the emergency section", "Yes."),
            _wrong(
                "The parents of the child's classmates",
                "No. Share the plan only with those who need it to care for the child.",
            ),
        ),
        _single(
            "A plan has been updated. What happens to the old copies?",
            _right(
                "The new version goes to everyone on the distribution list, who destroy the old "
                "one",
                "Right.",
            ),
            _wrong(
                "Keep both, in case the old one is needed",
                "No. Two versions cause confusion in an emergency.",
            ),
            _wrong(
                "Nothing: the family will explain the changes",
                "No. The team that changed the plan sends out the new version.",
            ),
        ),
    ),
)

SPECIALIST_TRACK = DemoTrack(
    slug="leading-advance-care-planning-conversations",
    title="Leading advance care planning conversations",
    summary=(
        "For experienced clinicians who lead advance care planning: preparing for and holding "
        "the conversation, consent and capacity, and recording and sharing the plan across "
        "settings."
    ),
    description=(
        "<p>Two modules for doctors and senior nurses who lead advance care planning with "
        "children, young people and families: preparing for and holding the conversation, "
        "including consent and capacity, and recording and sharing the plan on the regional "
        "CYPACP form.</p>"
        "<p>At the specialist level of the UK &amp; Ireland children's palliative care "
        "education and training framework. Take the universal track first if you are new to "
        "children's palliative care.</p>"
    ),
    level=FrameworkLevel.SPECIALIST,
    audiences=(CLINICAL,),
    outcome_areas=("communicating", "working_with_others"),
    modules=(HOLDING_THE_CONVERSATION, SHARING_THE_PLAN),
    published_days_ago=150,
)

TRACKS: tuple[DemoTrack, ...] = (
    UNIVERSAL_TRACK,
    SCHOOL_TRACK,
    NON_CLINICAL_TRACK,
    SYMPTOM_TRACK,
    SPECIALIST_TRACK,
)


# --- Progress ----------------------------------------------------------------------------------

COMPLETE, READ, VISITED, FAILED = "complete", "read", "visited", "failed"


@dataclass(frozen=True)
class DemoLearner:
    """A member's way through one track: the first `completed` modules, then the next one.

    Module n (from 0) is started `started_days_ago - n * days_between` days ago; a module
    in `retakes` has its quiz failed first and passed the next day. `then` is what they
    did on the next module, `then_days_ago` days ago: VISITED (opened it), READ (marked it
    read, quiz not yet taken) or FAILED (read it and failed the quiz).
    """

    email: str
    track: str  # slug
    started_days_ago: int
    completed: int
    days_between: int = 10
    retakes: tuple[int, ...] = ()
    then: str = ""
    then_days_ago: int = 0


# A table, kept compact on purpose.
# fmt: off
LEARNERS: tuple[DemoLearner, ...] = (
    # The demo accounts. The nurse failed a quiz once, completed the universal track, and
    # left off in the symptom management plan module two days ago.
    DemoLearner(NURSE, UNIVERSAL_TRACK.slug, 310, 3, days_between=12, retakes=(1,)),
    DemoLearner(NURSE, SYMPTOM_TRACK.slug, 40, 1, then=VISITED, then_days_ago=2),
    DemoLearner(ADMIN, NON_CLINICAL_TRACK.slug, 20, 1, then=VISITED, then_days_ago=6),
    DemoLearner(TEACHER, SCHOOL_TRACK.slug, 35, 1),
    DemoLearner(COORDINATOR, UNIVERSAL_TRACK.slug, 360, 3, days_between=7),
    DemoLearner(EXEC_CHAIR, UNIVERSAL_TRACK.slug, 330, 3, days_between=15),
    # Clinical staff.
    DemoLearner("kelly.armitage@demo.example", UNIVERSAL_TRACK.slug, 290, 3),
    DemoLearner(
        "kelly.armitage@demo.example", SYMPTOM_TRACK.slug, 200, 3, days_between=21, retakes=(1,),
    ),
    DemoLearner(
        "beth.dinsdale@demo.example", SYMPTOM_TRACK.slug, 120, 2, days_between=25,
        then=READ, then_days_ago=60,
    ),
    DemoLearner("ryan.postlethwaite@demo.example", UNIVERSAL_TRACK.slug, 240, 3),
    DemoLearner("ryan.postlethwaite@demo.example", SYMPTOM_TRACK.slug, 90, 1),
    DemoLearner("hannah.nowak@demo.example", UNIVERSAL_TRACK.slug, 180, 3, retakes=(0,)),
    DemoLearner("joanne.pickering@demo.example", SPECIALIST_TRACK.slug, 80, 2, days_between=14),
    DemoLearner(
        "emma.sutcliffe@demo.example", SPECIALIST_TRACK.slug, 50, 1,
        then=VISITED, then_days_ago=30,
    ),
    # Non-clinical staff.
    DemoLearner("lucy.barraclough@demo.example", UNIVERSAL_TRACK.slug, 270, 3, days_between=8),
    DemoLearner("lucy.barraclough@demo.example", NON_CLINICAL_TRACK.slug, 230, 3),
    DemoLearner("siobhan.kelly@demo.example", NON_CLINICAL_TRACK.slug, 150, 3, days_between=20),
    DemoLearner("paul.rigby@demo.example", NON_CLINICAL_TRACK.slug, 100, 2, days_between=30),
    DemoLearner(
        "grace.mensah@demo.example", NON_CLINICAL_TRACK.slug, 25, 1,
        then=FAILED, then_days_ago=10,
    ),
    DemoLearner("karen.metcalfe@demo.example", UNIVERSAL_TRACK.slug, 60, 1),
    # Universal-service staff.
    DemoLearner("alison.crabtree@demo.example", UNIVERSAL_TRACK.slug, 340, 3, days_between=6),
    DemoLearner("alison.crabtree@demo.example", SCHOOL_TRACK.slug, 300, 3, days_between=14),
    DemoLearner(
        "jennifer.lowe@demo.example", SCHOOL_TRACK.slug, 210, 3, days_between=9, retakes=(1,),
    ),
    DemoLearner("jennifer.lowe@demo.example", UNIVERSAL_TRACK.slug, 30, 1),
    DemoLearner(
        "samuel.osei@demo.example", SCHOOL_TRACK.slug, 75, 1, then=FAILED, then_days_ago=60,
    ),
    DemoLearner("victoria.hirst@demo.example", UNIVERSAL_TRACK.slug, 160, 3, days_between=5),
    DemoLearner("victoria.hirst@demo.example", SCHOOL_TRACK.slug, 40, 1),
    DemoLearner("nadia.hussain@demo.example", UNIVERSAL_TRACK.slug, 130, 3, days_between=11),
)
# fmt: on


# --- Study day ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSession:
    time: datetime.time
    title: str
    speaker: str
    description: str


@dataclass(frozen=True)
class DemoSpeaker:
    name: str
    role: str
    biography: str


@dataclass(frozen=True)
class DemoDocument:
    title: str
    filename: str
    description: str


STUDY_DAY_SLUG = "supporting-children-in-school-study-day"
STUDY_DAY_TITLE = events_demo.STUDY_DAY.title
STUDY_DAY_SUMMARY = (
    "A free study day for teachers, teaching assistants, SENCOs, school nurses and the "
    "community teams who work alongside them, hosted by Brackenfield Special School."
)
STUDY_DAY_INTRODUCTION = (
    "<p>School is where many children with life-limiting conditions spend most of their "
    "waking hours. This day is for everyone who supports them there: teachers, teaching "
    "assistants, SENCOs, school nurses, and the community children's nurses, social workers "
    "and family support workers who work alongside schools.</p>"
    "<p>It brings together the network's specialist team, school staff and the bereavement "
    "team at Harebell House, with time in small groups to work through examples. Register "
    "from the study day's page in the calendar; the handout and slides below are for "
    "members who have registered, before and after the day.</p>"
)

PRIYA_RAMAN = "Dr Priya Raman"
JENNIFER_LOWE = "Jennifer Lowe"
ALISON_CRABTREE = "Alison Crabtree"
SIOBHAN_KELLY = "Siobhan Kelly"
RACHEL_DOYLE = "Dr Rachel Doyle"

STUDY_DAY_PROGRAMME: tuple[DemoSession, ...] = (
    DemoSession(
        datetime.time(9, 30),
        "Welcome and introductions",
        f"{ALISON_CRABTREE} and Helen Ashworth, network coordinator",
        "Why this day, what we hope you will take away, and a chance to meet the people on "
        "your table.",
    ),
    DemoSession(
        datetime.time(9, 45),
        "What children's palliative care is, and what it means in school",
        PRIYA_RAMAN,
        "Who the children are, Together for Short Lives' categories of life-limiting "
        "conditions, and how palliative care can sit alongside a full school life.",
    ),
    DemoSession(
        datetime.time(10, 30),
        "Individual healthcare plans and advance care plans in school",
        JENNIFER_LOWE,
        "How the plans fit together, who writes them, and keeping them up to date. Bring an "
        "anonymised plan from your own school if you can.",
    ),
    DemoSession(
        datetime.time(11, 30),
        "Recognising and responding to deterioration",
        f"{JENNIFER_LOWE} and {PRIYA_RAMAN}",
        "After coffee: knowing a child's normal, the signs of change and what to do, worked "
        "through with examples in small groups.",
    ),
    DemoSession(
        datetime.time(12, 30),
        "Lunch",
        "",
        "Lunch is provided in the school hall. Please tell the coordinator about any dietary "
        "needs when you register.",
    ),
    DemoSession(
        datetime.time(13, 15),
        "Talking with classmates when a child is very ill or has died",
        SIOBHAN_KELLY,
        "Agreeing with the family what is shared, honest words, and how children of different "
        "ages and abilities understand death, with resources for schools.",
    ),
    DemoSession(
        datetime.time(14, 15),
        "Looking after yourself and your colleagues",
        RACHEL_DOYLE,
        "What this work asks of school staff, recognising stress in yourself and others, and "
        "what helps, with time for quiet reflection.",
    ),
    DemoSession(
        datetime.time(15, 0),
        "Questions, feedback and close",
        ALISON_CRABTREE,
        "Your questions to the speakers, the feedback form, and how the day counts towards "
        "your CPD record.",
    ),
)

STUDY_DAY_SPEAKERS: tuple[DemoSpeaker, ...] = (
    DemoSpeaker(
        PRIYA_RAMAN,
        "Consultant in paediatric palliative medicine, Westmoor Children's Hospital NHS "
        "Foundation Trust",
        "Priya leads the specialist paediatric palliative care team at Westmoor Children's "
        "Hospital and facilitates the network's symptom management ECHO programme. She has "
        "worked in hospital, hospice and community settings, and is especially interested in "
        "helping local teams and schools care for children closer to home.",
    ),
    DemoSpeaker(
        JENNIFER_LOWE,
        "School nurse, Brackenfield Special School",
        "Jennifer writes individual healthcare plans with families and the community "
        "children's nursing teams, and trains school staff in the care of pupils with complex "
        "health needs.",
    ),
    DemoSpeaker(
        ALISON_CRABTREE,
        "Headteacher, Brackenfield Special School",
        "Alison has taught in special schools across the region and sits on the network's "
        "education steering group. She is hosting the study day at Brackenfield.",
    ),
    DemoSpeaker(
        SIOBHAN_KELLY,
        "Bereavement support lead, Harebell House Children's Hospice",
        "Siobhan supports bereaved parents, brothers and sisters, and advises schools when a "
        "pupil is very ill or has died. Before joining Harebell House she taught in a primary "
        "school.",
    ),
    DemoSpeaker(
        RACHEL_DOYLE,
        "Clinical psychologist, children's palliative care, Westmoor Children's Hospital",
        "Rachel works with children, families and staff, and runs reflective practice groups "
        "for teams across the network.",
    ),
)

HANDOUT = DemoDocument(
    title="Study day handout: supporting children with life-limiting conditions in school",
    filename="study-day-school-handout.txt",
    description="The programme, practical information and suggested reading before the day.",
)
SLIDES = DemoDocument(
    title="Slide outline: individual healthcare plans and advance care plans in school",
    filename="study-day-school-plans-slide-outline.txt",
    description="Jennifer Lowe's slides for the 10:30 session, in outline.",
)
RECORDING_TITLE = "Recordings of the morning talks"
RECORDING_DESCRIPTION = (
    "The morning talks are recorded for registered members who cannot come; the recordings "
    "are linked from the study day's page in the calendar once the day has taken place."
)

SLIDE_OUTLINE = """\
Individual healthcare plans and advance care plans in school
Jennifer Lowe, school nurse, Brackenfield Special School

1. Three plans, one child
   - Individual healthcare plan: written by the school with the family and health team
   - Education, health and care (EHC) plan: special educational needs and provision
   - Advance care plan: the child's and family's wishes, and emergency decisions

2. What goes in the individual healthcare plan
   - The child's condition, in plain words, and what is normal for them
   - Daily care: feeds, medicines, positioning, personal care
   - Who is trained to do what, and cover when they are away
   - Signs that the child is becoming unwell, and what to do
   - The emergency section, with the advance care plan attached if the family agree

3. Keeping plans alive
   - Review at least every year, and whenever the child's needs change
   - Plan ahead for trips, exams, changes of class and moving school
   - One current copy, where staff (including supply staff) can find it quickly

4. Working with the health team
   - The school nurse and the community children's nursing team
   - Sharing information: only with those who need it, as agreed with the family

5. Small-group exercise
   - Read an anonymised plan: what would you do at 2pm on a Friday if the child became unwell?
"""


# --- Helpers -----------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _fraction(key: str) -> float:
    """A stable number in [0, 1) for `key`, the same on every run and every machine."""
    return zlib.crc32(key.encode()) / 2**32


def _at(now: datetime.datetime, days_ago: int, key: str) -> datetime.datetime:
    """A moment in the working day `days_ago` days before `now`, stable for `key`."""
    day = now.astimezone(_zone()).date() - datetime.timedelta(days=days_ago)
    start = datetime.datetime.combine(day, WORKING_DAY_STARTS, tzinfo=_zone())
    minutes = int(WORKING_DAY.total_seconds() // 60 * _fraction(key))
    return start + datetime.timedelta(minutes=minutes)


def _user(email: str) -> User | None:
    """The approved, active demo member with this e-mail, if there is one."""
    return User.objects.filter(
        email__iexact=email, approval_status=ApprovalStatus.APPROVED, is_active=True
    ).first()


def _coordinator() -> User:
    user = _user(COORDINATOR)
    if user is None:
        raise CommandError("The demo coordinator is missing: load the members demo first.")
    return user


def _learning_index() -> LearningIndexPage:
    index = LearningIndexPage.objects.first()
    if index is None:
        raise CommandError("The learning index page is missing: run `manage.py migrate` first.")
    return index


def _check_streams(page: Page, *names: str) -> None:
    """Validate stream content written here as the page editor would, before saving it."""
    for name in names:
        stream_block = page._meta.get_field(name).stream_block
        try:
            stream_block.clean(getattr(page, name))
        except ValidationError as error:
            raise CommandError(f"Demo page {page.title!r}: invalid {name}: {error}") from error


def _publish_child(parent: Page, page: Page, by: User, when: datetime.datetime) -> Page:
    """Add `page` under `parent` and publish it (no workflow for learning pages), as at `when`.

    The page is new, so all its revisions and log entries are from this call. (Rows are
    told apart by key, not by time: tests move `timezone.now`, which model defaults ignore.)
    """
    page.owner = by
    parent.add_child(instance=page)
    page.save_revision(user=by).publish(user=by)
    Page.objects.filter(pk=page.pk).update(
        first_published_at=when, last_published_at=when, latest_revision_created_at=when
    )
    Revision.objects.for_instance(page).update(created_at=when)
    PageLogEntry.objects.filter(page_id=page.pk).update(timestamp=when)
    return page


# --- Tracks and modules ------------------------------------------------------------------------


def _quiz_stream(track: DemoTrack, module: DemoModule) -> list[Block]:
    def block_id(*parts: object) -> str:
        return str(
            uuid.uuid5(QUIZ_NAMESPACE, "/".join([track.slug, module.slug, *map(str, parts)]))
        )

    return [
        {
            "type": "question",
            "id": block_id(number),
            "value": {
                "question": question.question,
                "kind": question.kind,
                "answers": [
                    {
                        "type": "item",
                        "id": block_id(number, letter),
                        "value": {
                            "text": answer.text,
                            "correct": answer.correct,
                            "feedback": answer.feedback,
                        },
                    }
                    for letter, answer in enumerate(question.answers)
                ],
            },
        }
        for number, question in enumerate(module.quiz)
    ]


def _track_page(spec: DemoTrack) -> TrackPage:
    values: dict[str, Any] = {
        "title": spec.title,
        "slug": spec.slug,
        "summary": spec.summary,
        "description": spec.description,
        "framework_level": spec.level,
        "estimated_hours": spec.estimated_hours,
    }
    for group, field, _label in AUDIENCES:
        values[field] = group in spec.audiences
    for code, field, _label in OUTCOME_AREAS:
        values[field] = code in spec.outcome_areas
    return TrackPage(**values)


def _module_page(track: DemoTrack, spec: DemoModule) -> ModulePage:
    page = ModulePage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        learning_outcomes=_list(*spec.outcomes),
        body=[dict(block) for block in spec.body],
        estimated_minutes=spec.minutes,
        quiz=_quiz_stream(track, spec),
        pass_mark=spec.pass_mark,
    )
    _check_streams(page, "body", "quiz")
    return page


def load_tracks() -> str:
    """The demo tracks and their modules exist under the learning index; existing ones are kept."""
    index = _learning_index()
    coordinator = _coordinator()
    now = timezone.now()
    for spec in TRACKS:
        published = _at(now, spec.published_days_ago, f"published:{spec.slug}")
        track = TrackPage.objects.child_of(index).filter(slug=spec.slug).first()
        if track is None:
            track = _publish_child(index, _track_page(spec), coordinator, published)
        existing = set(track.get_children().values_list("slug", flat=True))
        for position, module in enumerate(spec.modules):
            if module.slug in existing:
                continue
            when = published + datetime.timedelta(minutes=5 * (position + 1))
            _publish_child(track, _module_page(spec, module), coordinator, when)
    tracks = TrackPage.objects.child_of(index).filter(slug__in=[spec.slug for spec in TRACKS])
    modules = [module for track in tracks for module in ModulePage.objects.child_of(track)]
    with_quiz = sum(1 for module in modules if module.has_quiz)
    levels = [
        str(label).lower()
        for level, label in FrameworkLevel.choices
        if any(track.framework_level == level for track in tracks)
    ]
    return (
        f"{tracks.count()} learning tracks ({', '.join(levels)}), {len(modules)} modules "
        f"({with_quiz} with a quiz)"
    )


# --- Study day ---------------------------------------------------------------------------------


def _study_day_occurrence() -> Occurrence | None:
    return (
        Occurrence.objects.filter(
            event__details__kind=EventKind.STUDY_DAY, event__title=STUDY_DAY_TITLE
        )
        .select_related("event__details")
        .order_by("start")
        .first()
    )


def _clock(moment: datetime.datetime) -> str:
    """9:30am, 3:30pm: how the network writes times."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def _handout(occurrence: Occurrence) -> str:
    details = occurrence.event.details
    start, end = occurrence.start.astimezone(_zone()), occurrence.end.astimezone(_zone())
    programme = [
        f"{session.time:%H:%M}  {session.title}"
        + (f" ({session.speaker})" if session.speaker else "")
        for session in STUDY_DAY_PROGRAMME
    ]
    lines = [
        "Westmoor and Dales Children's Palliative Care Network",
        STUDY_DAY_TITLE,
        f"{start:%A} {start.day} {start:%B %Y}, {_clock(start)} to {_clock(end)}",
        details.venue,
        "",
        "PROGRAMME",
        *programme,
        "",
        "BEFORE THE DAY",
        "- If you can, take the learning track 'Supporting a child with a life-limiting "
        "condition in school' on Network Commons (about an hour and a half).",
        "- Bring an anonymised individual healthcare plan from your own school, with every "
        "name and date of birth removed, for the small-group work.",
        "- Tell the network coordinator about any dietary or access needs.",
        "",
        "ON THE DAY",
        "- Please sign in at reception: the attendance register is your record of the day.",
        "- Lunch and refreshments are provided.",
        "- Some of the afternoon is about death and bereavement. Step out whenever you need "
        "to; members of the Harebell House team will be there to talk.",
        "",
        "CPD",
        f"- The day counts for {details.cpd_hours} hours of participatory CPD. Members who "
        "attend find it in their CPD record on Network Commons.",
        "",
    ]
    return "\n".join(lines)


def _document(spec: DemoDocument, content: str, by: User, when: datetime.datetime) -> Any:
    """The Wagtail document with this title, made from `content` if there is none."""
    Document = get_document_model()
    document = Document.objects.filter(title=spec.title).order_by("pk").first()
    if document is not None:
        if document.collection_id != members_collection().pk:
            Document.objects.filter(pk=document.pk).update(collection=members_collection())
        return document
    data = ContentFile(content.encode(), name=spec.filename)
    document = Document(
        title=spec.title,
        collection=members_collection(),
        file=data,
        file_size=data.size,
        file_hash=hash_filelike(data),
        uploaded_by_user=by,
    )
    document.save()
    Document.objects.filter(pk=document.pk).update(created_at=when)
    return document


def _study_day_page(occurrence: Occurrence, by: User, when: datetime.datetime) -> StudyDayPage:
    handout = _document(HANDOUT, _handout(occurrence), by, when)
    slides = _document(SLIDES, SLIDE_OUTLINE, by, when)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    audience = occurrence.event.details.audience or []
    page = StudyDayPage(
        title=STUDY_DAY_TITLE,
        slug=STUDY_DAY_SLUG,
        occurrence=occurrence,
        summary=STUDY_DAY_SUMMARY,
        for_clinical=CLINICAL in audience,
        for_non_clinical=NON_CLINICAL in audience,
        for_universal_service=UNIVERSAL in audience,
        introduction=STUDY_DAY_INTRODUCTION,
        programme=[
            {
                "type": "session",
                "value": {
                    "time": session.time.strftime("%H:%M:%S"),
                    "title": session.title,
                    "speaker": session.speaker,
                    "description": session.description,
                },
            }
            for session in STUDY_DAY_PROGRAMME
        ],
        speakers=[
            {
                "type": "speaker",
                "value": {"name": spec.name, "role": spec.role, "biography": spec.biography},
            }
            for spec in STUDY_DAY_SPEAKERS
        ],
        materials=[
            {
                "type": "document",
                "value": {"document": handout.pk, "description": HANDOUT.description},
            },
            {
                "type": "document",
                "value": {"document": slides.pk, "description": SLIDES.description},
            },
            {
                "type": "recording",
                "value": {
                    "title": RECORDING_TITLE,
                    "url": base_url + reverse("events:occurrence", kwargs={"pk": occurrence.pk}),
                    "description": RECORDING_DESCRIPTION,
                },
            },
        ],
    )
    _check_streams(page, "programme", "speakers", "materials")
    return page


def load_study_day() -> str:
    """The study day's page, linked to the study day in the calendar; an existing one is kept."""
    index = _learning_index()
    occurrence = _study_day_occurrence()
    if occurrence is None:
        return "no study day page: the demo study day is not in the calendar"
    page = StudyDayPage.objects.child_of(index).filter(slug=STUDY_DAY_SLUG).first()
    if page is None:
        coordinator = _coordinator()
        # Published three weeks before the day (or three weeks ago, for a day to come).
        when = min(timezone.now(), occurrence.start) - datetime.timedelta(days=21)
        page = _publish_child(
            index, _study_day_page(occurrence, coordinator, when), coordinator, when
        )
    day = occurrence.start.astimezone(_zone())
    return (
        f"1 study day page ({len(page.programme)} sessions, {len(page.speakers)} speakers, "
        f"{len(page.materials)} materials) for {day.day} {day:%B %Y}"
    )


# --- Progress ----------------------------------------------------------------------------------


def _answers(module: ModulePage, *, passing: bool) -> dict[str, list[str]]:
    """Every right answer; or, for a failed attempt, enough wrong ones to miss the pass mark.

    A member who fails misses one of the right answers to a multiple-choice question, or
    picks the first wrong answer to a single-choice one, on the last questions of the quiz.
    """
    questions = services.quiz_questions(module)
    answers = {
        question["id"]: [answer["id"] for answer in question["answers"] if answer["correct"]]
        for question in questions
    }
    if passing:
        return answers
    total, wrong = len(questions), 1
    while wrong < total and round(100 * (total - wrong) / total) >= module.pass_mark:
        wrong += 1
    for question in questions[total - wrong :]:
        right = answers[question["id"]]
        if question["kind"] == MULTIPLE and len(right) > 1:
            answers[question["id"]] = right[:-1]
        else:
            answers[question["id"]] = [
                next(answer["id"] for answer in question["answers"] if not answer["correct"])
            ]
    return answers


def _submit(user: User, module: ModulePage, *, passing: bool) -> QuizAttempt:
    result = services.submit_quiz(user, module, _answers(module, passing=passing))
    if result.passed != passing:
        raise CommandError(
            f"The demo quiz on {module.title!r} scored {result.attempt.percent}% "
            f"(pass mark {module.pass_mark}%), which is not the {'pass' if passing else 'fail'} "
            "it is meant to be."
        )
    return result.attempt


def _take_module(
    user: User,
    module: ModulePage,
    outcome: str,
    start: datetime.datetime,
    *,
    retake: bool,
    latest: datetime.datetime,
) -> None:
    """The member works through the module through the services, then it is backdated.

    They open it at `start`, read it for its estimated length and take the quiz straight
    afterwards; a `retake` fails first and passes the next day. Nothing is later than
    `latest`.
    """
    certified = set(
        Certificate.objects.filter(user=user, kind=CertificateKind.TRACK).values_list(
            "pk", flat=True
        )
    )
    services.record_visit(user, module)
    times = {"started_at": min(start, latest), "last_visited_at": min(start, latest)}
    attempts: list[tuple[QuizAttempt, datetime.datetime]] = []
    if outcome != VISITED:
        read_at = min(start + datetime.timedelta(minutes=module.estimated_minutes), latest)
        services.mark_read(user, module)
        times["read_at"] = done_at = read_at
        if module.has_quiz and (outcome == FAILED or (outcome == COMPLETE and retake)):
            failed_at = min(read_at + QUIZ_AFTER_READING, latest)
            attempts.append((_submit(user, module, passing=False), failed_at))
        if module.has_quiz and outcome == COMPLETE:
            done_at = min(read_at + (RETAKE_AFTER if retake else QUIZ_AFTER_READING), latest)
            attempts.append((_submit(user, module, passing=True), done_at))
            times["passed_at"] = done_at
        if outcome == COMPLETE:
            times["completed_at"] = done_at
        times["last_visited_at"] = attempts[-1][1] if attempts else read_at
    ModuleProgress.objects.filter(user=user, module=module).update(**times)
    for attempt, moment in attempts:
        QuizAttempt.objects.filter(pk=attempt.pk).update(submitted_at=moment)
    if "completed_at" in times:
        # The service issues the track's certificate as its last module is completed.
        Certificate.objects.filter(user=user, kind=CertificateKind.TRACK).exclude(
            pk__in=certified
        ).update(issued_at=times["completed_at"])


def _check_learners() -> None:
    """Nobody starts a track before it was published, or finishes a module in the future."""
    published = {spec.slug: spec.published_days_ago for spec in TRACKS}
    for spec in LEARNERS:
        first = spec.started_days_ago
        last = first - (spec.completed - 1) * spec.days_between
        if spec.track not in published or first >= published[spec.track] or last < 2:
            raise CommandError(f"The demo learner {spec.email} on {spec.track!r} is out of time.")
        if spec.then and not 1 <= spec.then_days_ago < last:
            raise CommandError(f"The demo learner {spec.email} on {spec.track!r} is out of time.")


def _demo_tracks(index: LearningIndexPage) -> list[TrackPage]:
    slugs = [spec.slug for spec in TRACKS]
    return list(TrackPage.objects.child_of(index).live().filter(slug__in=slugs))


def load_progress() -> str:
    """Demo members' progress, quiz attempts and track certificates over the past year."""
    _check_learners()
    index = _learning_index()
    now = timezone.now()
    latest = now - datetime.timedelta(minutes=1)
    tracks = {track.slug: track for track in _demo_tracks(index)}
    modules_of = {slug: list(track.modules()) for slug, track in tracks.items()}
    for spec in LEARNERS:
        user = _user(spec.email)
        modules = modules_of.get(spec.track, [])
        if user is None or not modules:
            continue
        plan = [
            (position, COMPLETE, spec.started_days_ago - position * spec.days_between)
            for position in range(spec.completed)
        ]
        if spec.then:
            plan.append((spec.completed, spec.then, spec.then_days_ago))
        for position, outcome, days_ago in plan:
            if position >= len(modules):
                break
            module = modules[position]
            if ModuleProgress.objects.filter(user=user, module=module).exists():
                continue  # made by an earlier run, or by the member: left as it is
            start = _at(now, days_ago, f"{spec.email}:{module.slug}")
            _take_module(
                user, module, outcome, start, retake=position in spec.retakes, latest=latest
            )

    module_ids = [module.pk for modules in modules_of.values() for module in modules]
    demo_members = Q(user__email__iendswith=DEMO_DOMAIN)
    progress = ModuleProgress.objects.filter(demo_members, module_id__in=module_ids)
    complete = progress.filter(completed_at__isnull=False).count()
    attempts = QuizAttempt.objects.filter(demo_members, module_id__in=module_ids)
    failed = attempts.filter(passed=False).count()
    certificates = Certificate.objects.filter(
        demo_members, kind=CertificateKind.TRACK, track__in=list(tracks.values())
    ).count()
    members = progress.values("user").distinct().count()
    return (
        f"learning progress for {members} members: {complete} modules complete, "
        f"{progress.count() - complete} in progress; {attempts.count()} quiz attempts "
        f"({failed} failed); {certificates} track certificates"
    )


# --- ECHO cycle certificates -------------------------------------------------------------------


def load_echo_certificates() -> str:
    """Certificates for members who attended 80% of a demo ECHO cycle that has ended."""
    now = timezone.now()
    today = timezone.localdate(now)
    slugs = [spec.slug for spec in events_demo.PROGRAMMES]
    programmes = list(EchoProgramme.objects.filter(slug__in=slugs).order_by("cycle_end", "slug"))
    ended = [programme for programme in programmes if programme.cycle_end < today]
    if not ended:
        if not programmes:
            return "no ECHO cycle certificates: there are no demo ECHO programmes"
        first = programmes[0].cycle_end
        return (
            "no ECHO cycle certificates: no demo ECHO cycle has ended yet (the first ends on "
            f"{first.day} {first:%B %Y})"
        )
    for programme in ended:
        certified = set(
            Certificate.objects.filter(
                kind=CertificateKind.ECHO_CYCLE, programme=programme
            ).values_list("pk", flat=True)
        )
        attended = (
            Attendance.objects.present()
            .filter(occurrence__in=events_queries.programme_sessions(programme))
            .values_list("member", flat=True)
        )
        members = User.objects.filter(
            pk__in=attended,
            email__iendswith=DEMO_DOMAIN,
            approval_status=ApprovalStatus.APPROVED,
        ).order_by("email")
        for member in members:
            services.issue_echo_certificate(member, programme, now=now)  # only if they attended 80%
        # Issued the morning after the cycle ended, as if the member had looked that day.
        issued_at = datetime.datetime.combine(
            programme.cycle_end + datetime.timedelta(days=1), datetime.time(10), tzinfo=_zone()
        )
        Certificate.objects.filter(kind=CertificateKind.ECHO_CYCLE, programme=programme).exclude(
            pk__in=certified
        ).update(issued_at=min(issued_at, now))
    issued = Certificate.objects.filter(
        kind=CertificateKind.ECHO_CYCLE, programme__in=ended, user__email__iendswith=DEMO_DOMAIN
    ).count()
    return f"{issued} ECHO cycle certificates for {len(ended)} ended ECHO cycles"


DEMO_STEPS: Sequence[Step] = (load_tracks, load_study_day, load_progress, load_echo_certificates)
