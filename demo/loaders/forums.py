"""Demo forums for `load_demo_network`: categories, threads, notifications and moderation.

`demo.management.commands.load_demo_network` runs `DEMO_STEPS` after its own
steps and those of the events, learning and guidelines demos (INSTALLED_APPS
order), in the same transaction and with e-mails suppressed, so the demo
members, ECHO sessions, study day and guideline pages exist already. Each step
returns a one-line summary.

- `load_categories`: six open categories and four restricted ones (the
  executive committee, the two steering groups, and a "Transition community
  of practice" group made here for eight members across hospital, hospice,
  community, social care and education); which demo accounts follow which
  categories, and how they are e-mailed (the nurse a daily digest, the
  coordinator straight away, everyone else the default).
- `load_threads`: sixteen threads written through `forums.services` as the
  site would (start_thread, reply with quote_of, edit_post, flag_post,
  hide_post, set_thread_state, accept_answer), so posts are rendered, members
  follow what they post in and mentions and replies make notifications. Each
  post is moved back in time as soon as it is made (which also keeps the
  posting rate limit from counting it), so the forums look lived-in over the
  last three months whenever the demo is loaded. The case follow-up threads are
  attached to the ECHO session where the case was presented and dated after
  it; the study-day announcement is attached to the study day.

Notifications made by a run are then settled as a member would have left
them: those older than a week read, newer ones unread, and all of them marked
as e-mailed (straight away or in the next morning's digest, by the member's
choice) except the demo nurse's two latest, so that the first
`send_forum_digest` has something to send and does not mail the history.

The services' posting rate limit counts real posts: a thread can only be
written while its members have not posted on the site in the last hour (on a
fresh database, or once the demo's threads exist, that never stands in the way).

Case follow-ups stay de-identified: ages as bands, no names, dates of birth or
places. Only ever demo accounts (`@demo.example`) take part.

Idempotent: a category is found by its slug (or name), a thread by its title
among the threads demo members started, in whichever category a moderator has
moved it to. What exists is left exactly as it is (members' and moderators'
changes are kept), so a second run creates no posts, notifications, flags or
moderation actions. Only the transition group's eight members are added back
to it if they are missing from it (the members demo's `set_roles` takes every
group that is not a network role away from them on each run).
"""

from __future__ import annotations

import datetime
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone
from schedule.models import Occurrence

from demo.loaders import events as events_demo
from events.models import Case, CaseStatus
from forums import services
from forums.models import (
    Category,
    EmailMode,
    Flag,
    ForumProfile,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from guidelines.models import GuidelinePage
from members import roles
from members.models import ApprovalStatus, User

Step = Callable[[], str]
Clock = Callable[[int, str], datetime.datetime]

DEMO_DOMAIN = "@demo.example"
# Members are named by the local part of their demo e-mail address, here and in the posts.
COORDINATOR, NURSE, EXEC_CHAIR = "coordinator", "nurse", "exec"
MODERATOR = "fiona.mcleod"  # the network administrator, one of the demo moderators

TRANSITION_GROUP = "Transition community of practice"
TRANSITION_MEMBERS = (
    NURSE,  # community: Upper Garthdale
    "claire.robson",  # community: Westmoor City
    "james.thornton",  # hospital
    "joanne.pickering",  # hospice
    "lucy.barraclough",  # hospice family support
    "nadia.hussain",  # social care
    "alison.crabtree",  # education
    "ruth.alderson",  # general practice
)

# Who follows a whole category, so that new threads in it notify them.
CATEGORY_FOLLOWERS = (
    (NURSE, "symptom-management"),
    (COORDINATOR, "guidelines"),
    (COORDINATOR, "study-days-and-events"),
    ("teacher", "education-and-schools"),
    (EXEC_CHAIR, "executive-committee"),
    ("peter.haigh", "executive-committee"),
)
FOLLOWING_SINCE = datetime.timedelta(days=95)
EMAIL_MODES = ((NURSE, EmailMode.DAILY), (COORDINATOR, EmailMode.IMMEDIATE))

# Notifications older than this were read; newer ones are waiting.
UNREAD_WINDOW = datetime.timedelta(days=7)
DIGEST_AT = datetime.time(7, 0)  # when the daily digest goes out, network time
IMMEDIATE_EMAIL_AFTER = datetime.timedelta(minutes=1)
NURSE_UNSENT = 2  # the nurse's latest notifications, left for the first digest


# --- Categories --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str
    restricted_to: tuple[str, ...] = ()  # group names; empty for every approved member
    case_discussion: bool = False  # the PII guard checks every post


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        "symptom-management",
        "Symptom management",
        "Pain, breathlessness, agitation, seizures, secretions and feeding: questions and "
        "practice from home, hospital and hospice.",
    ),
    DemoCategory(
        "case-follow-up",
        "Case follow-up",
        "Carry on the discussion of cases from ECHO sessions. Keep every case de-identified: "
        "no names, ages as bands, no dates of birth and no places.",
        case_discussion=True,
    ),
    DemoCategory(
        "guidelines",
        "Guidelines",
        "Questions about the network's guidelines, how teams use them, and ideas for new ones.",
    ),
    DemoCategory(
        "education-and-schools",
        "Education and schools",
        "For teachers, SENCOs, school nurses and everyone who supports children with "
        "life-limiting conditions in school.",
    ),
    DemoCategory(
        "study-days-and-events",
        "Study days and events",
        "Study days, ECHO sessions, webinars and the conference: announcements and questions.",
    ),
    DemoCategory(
        "looking-after-ourselves",
        "Looking after ourselves",
        "A kind space to talk about the emotional side of the work, and what helps.",
    ),
    DemoCategory(
        "executive-committee",
        "Executive committee",
        "Private to the network executive committee: governance, funding and reports.",
        (roles.EXECUTIVE_COMMITTEE,),
    ),
    DemoCategory(
        "clinical-steering-group",
        "Clinical steering group",
        "Private to the clinical steering group: clinical review of guidelines.",
        (roles.CLINICAL_STEERING_GROUP,),
    ),
    DemoCategory(
        "education-steering-group",
        "Education steering group",
        "Private to the education steering group: learning tracks and study days.",
        (roles.EDUCATION_STEERING_GROUP,),
    ),
    DemoCategory(
        "transition-community-of-practice",
        "Transition community of practice",
        "For the transition community of practice: hospital, hospice, community, social care "
        "and education staff planning with young people moving to adult services.",
        (TRANSITION_GROUP,),
    ),
)


# --- Threads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAction:
    """Something done to a post or thread: `day` days after the thread started, at `time`."""

    by: str
    day: int
    time: str
    text: str  # the new body of an edit, or the reason for a flag or moderation action


@dataclass(frozen=True)
class DemoPost:
    author: str
    day: int  # days after the thread started (after the ECHO session, for a case follow-up)
    time: str  # network time, "HH:MM"
    body: str  # Markdown; "@[local-part]" becomes that member's @handle
    quote: int | None = None  # the index of the quoted post in the thread
    edit: DemoAction | None = None
    flag: DemoAction | None = None
    hide: DemoAction | None = None


@dataclass(frozen=True)
class DemoThread:
    category: str  # slug
    title: str
    started: int  # days ago; for a case follow-up, only when its session cannot be found
    posts: tuple[DemoPost, ...]
    is_question: bool = False
    accepted: int | None = None  # the index of the answer the author accepts
    guideline: str = ""  # slug of a guideline page
    case_presenter: str = ""  # a presented demo ECHO case: the thread follows its session
    event_title: str = ""  # an event on the network calendar: its first occurrence
    pin: DemoAction | None = None
    lock: DemoAction | None = None

    def moments(self) -> list[tuple[int, str]]:
        """(day, time) of every post and action in the thread."""
        actions = [self.pin, self.lock]
        for post in self.posts:
            actions += [post.edit, post.flag, post.hide]
        return [(post.day, post.time) for post in self.posts] + [
            (action.day, action.time) for action in actions if action is not None
        ]


def _md(*blocks: str) -> str:
    """Markdown paragraphs and lists, one blank line apart."""
    return "\n\n".join(blocks)


def _bullets(*items: str) -> str:
    return "\n".join(f"- {item}" for item in items)


def _numbered(*items: str) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


ANTICIPATORY_MEDICINES = "anticipatory-medicines-at-home"
BREAKTHROUGH_PAIN = "managing-breakthrough-pain"
TRANSITION = "transition-to-adult-services"
SCHOOL = "supporting-a-child-with-a-life-limiting-condition-in-school"

STUDY_DAY = events_demo.STUDY_DAY
_study_day = STUDY_DAY.start.astimezone(ZoneInfo(settings.NETWORK_TIME_ZONE))
STUDY_DAY_WHEN = f"{_study_day:%A} {_study_day.day} {_study_day:%B %Y}, 9:30am to 3:30pm"

_STUDY_DAY_ANNOUNCEMENT = _md(
    f"Booking is open for the network's study day for schools, **{STUDY_DAY_WHEN}**, hosted "
    "by Brackenfield Special School in Westmoor.",
    "It is for teachers, teaching assistants, SENCOs, school nurses and the community teams "
    "who work alongside them. The day covers:",
    _bullets(
        "individual healthcare plans and advance care plans in school",
        "recognising and responding when a child becomes unwell",
        "talking with classmates when a child is very ill or has died",
        "looking after yourself and your colleagues",
    ),
    "Places are free for staff of member organisations. Register from the "
    "[events calendar](/events/); the programme and materials are on the "
    "[study day page](/learning/supporting-children-in-school-study-day/).",
)

THREADS: tuple[DemoThread, ...] = (
    # --- Guidelines: a question about a guideline, answered and accepted.
    DemoThread(
        category="guidelines",
        title="Anticipatory medicines: what do you do when the local pharmacy cannot get "
        "the liquids in?",
        started=38,
        is_question=True,
        accepted=1,
        guideline=ANTICIPATORY_MEDICINES,
        posts=(
            DemoPost(
                NURSE,
                0,
                "20:45",
                _md(
                    "The [anticipatory medicines guideline]"
                    "(/guidelines/anticipatory-medicines-at-home/) says to keep **at least 48 "
                    "hours' supply, or 72 hours before a bank holiday weekend**. That is the "
                    "easy part to write down.",
                    "The hard part in the upper dale is getting the stock in the first place. "
                    "Our nearest community pharmacy is happy to help but usually needs three or "
                    "four working days to order the liquid preparations, and the next one is "
                    "40 minutes away. What we have tried so far:",
                    _bullets(
                        "ordering as soon as the symptom management plan is drafted, not when "
                        "it is signed",
                        "asking the family to collect, which is not always possible with a "
                        "poorly child at home",
                        "borrowing from the hospice at home team, which does not feel sustainable",
                    ),
                    "How do other teams manage this, especially before a long weekend?",
                ),
            ),
            DemoPost(
                "tom.gallagher",
                1,
                "09:10",
                _md(
                    "Thanks for raising this, Sarah: it comes up across the region, not just in "
                    "the dales. A few things that help:",
                    _numbered(
                        "**The first supply can come from the hospital.** For a child known to "
                        "the specialist team, our pharmacy can dispense the first anticipatory "
                        "supply when the plan is agreed and send it out with the nurse or by "
                        "courier.",
                        "**Give the community pharmacy the plan early.** If they see the draft, "
                        "they can order while the prescription is being written. Most will hold "
                        "stock for a named child once they know it is coming.",
                        "**Agree a reorder point, not a reorder day.** In rural areas we suggest "
                        "reordering when the box drops below **four days' supply**, so there is "
                        "time for a delay.",
                        "**Before a bank holiday**, check the box a week ahead, not the day "
                        "before.",
                    ),
                    "Out of hours, the on-call palliative care consultant can always talk "
                    "through what to do while you wait for stock.",
                ),
            ),
            DemoPost(
                "laura.hebden",
                1,
                "13:30",
                "Same on the coast. What made the biggest difference for us was one lunchtime "
                "meeting with our two local pharmacists: with families' consent, we shared "
                "which children have plans and roughly what they are likely to need. They now "
                "keep a small buffer of the common liquids, and it has saved us a lot of phone "
                "calls.",
            ),
            DemoPost(
                NURSE,
                2,
                "08:05",
                _md(
                    "This is really helpful, thank you. I had not realised the first supply "
                    "could come from the hospital: that alone would cover the gap while our "
                    "pharmacy orders in.",
                    "@[tom.gallagher] is there anything you need from us to set that up? A copy "
                    "of the signed plan and the administration chart, or does the prescriber "
                    "need to contact you directly?",
                ),
                quote=1,
            ),
            DemoPost(
                "tom.gallagher",
                2,
                "11:20",
                "A copy of the signed plan and the prescription is all we need; the prescriber "
                "does not have to call as well. Send them to the pharmacy team's shared inbox "
                "with **Anticipatory supply** in the subject line and they will be picked up "
                "the same day. After 3pm on a Friday, please ring as well.",
            ),
            DemoPost(
                "ruth.alderson",
                33,
                "18:10",
                "From the GP side: we now write the community administration chart at the same "
                "time as the prescription, as the guideline suggests, and send both straight "
                "to the community team and the pharmacy. It has saved a day more than once. "
                "Happy to share our practice checklist if it would help anyone.",
            ),
        ),
    ),
    # --- Symptom management: a question, a post reported to the moderators, good answers.
    DemoThread(
        category="symptom-management",
        title="Checking syringe driver compatibility out of hours",
        started=20,
        posts=(
            DemoPost(
                "gareth.lloyd",
                0,
                "19:30",
                _md(
                    "A question from a late visit this week. Two medicines were prescribed to "
                    "run together in a syringe driver, and I wanted to double-check they were "
                    "compatible before setting it up. In the daytime I would ring the pharmacy, "
                    "but at 7pm I was not sure where to look.",
                    "What do other teams use out of hours? Is there a reference the network "
                    "recommends?",
                ),
            ),
            DemoPost(
                "oliver.brennan",
                0,
                "21:15",
                "When I trained we were told the usual end-of-life medicines can all go in "
                "together with water for injection, so I would not worry too much about "
                "checking the common combinations. In my experience they have always been fine.",
                flag=DemoAction(
                    "tom.gallagher",
                    1,
                    "08:20",
                    "Compatibility depends on the medicines, their concentrations and the "
                    "diluent, so this could be read as advice not to check. Could a moderator "
                    "add a note pointing to the guidance until the clinical team has looked at "
                    "it?",
                ),
            ),
            DemoPost(
                "tom.gallagher",
                1,
                "08:40",
                _md(
                    "Good question, Gareth, and worth checking every time. Whether two "
                    "medicines can share a syringe depends on **which medicines, at what "
                    "concentrations, in which diluent and over what volume**: a combination "
                    "that is fine at one dose can precipitate at another. Out of hours:",
                    _bullets(
                        "use the syringe driver compatibility information in the **BNF for "
                        "Children** and the charts in your team's syringe driver folder",
                        "if the combination or concentration is not listed, **ring the on-call "
                        "palliative care consultant** through the switchboard",
                        "if in doubt, run the medicines in two separate drivers until you have "
                        "checked",
                    ),
                    "I will ask the clinical steering group whether a short compatibility "
                    "section belongs in the network's [guidelines](/guidelines/).",
                ),
            ),
            DemoPost(
                "aisha.begum",
                1,
                "12:05",
                "A practical point to add: whatever the chart says, **look at the line and the "
                "syringe at every visit**. Cloudiness, crystals or a change of colour mean stop "
                "and call. Our teams also label each syringe with the medicines, doses, diluent "
                "and the time it was set up, which makes the handover to the next visit much "
                "easier.",
            ),
            DemoPost(
                "gareth.lloyd",
                2,
                "17:40",
                "Thank you both, that is exactly what I needed. I have put the out-of-hours "
                "steps inside the front cover of our team's syringe driver folder. Looking "
                "forward to @[claire.robson]'s ECHO session on setting up a syringe driver at "
                "home.",
            ),
        ),
    ),
    DemoThread(
        category="symptom-management",
        title="Pain assessment in children who cannot tell you: which tools do you use?",
        started=74,
        posts=(
            DemoPost(
                "emma.sutcliffe",
                0,
                "14:20",
                _md(
                    "After the ECHO session on pain assessment in non-verbal children, our ward "
                    "team would like to agree one approach, so that scores mean the same thing "
                    "from shift to shift and when a child moves between us, the hospice and "
                    "home.",
                    "At the moment we use a mix of **FLACC**, **r-FLACC** and nurses' "
                    "judgement. Which tools do other teams use for children with severe "
                    "neurological impairment, and how do you record a child's own baseline?",
                ),
            ),
            DemoPost(
                "aisha.begum",
                0,
                "17:05",
                _md(
                    "We would suggest:",
                    _bullets(
                        "the **Paediatric Pain Profile** for children with severe neurological "
                        "impairment, because it is scored against the child's own *good day*, "
                        "which parents are often best placed to describe",
                        "**r-FLACC** for quick, repeated scoring on the ward, with the "
                        "individual descriptors filled in for that child",
                        "whichever tool you use, the child's usual behaviours when comfortable "
                        "and when in pain written on the front of the plan",
                    ),
                    "What matters most is that everyone caring for the child uses the same tool "
                    "and the same baseline.",
                ),
            ),
            DemoPost(
                "beth.dinsdale",
                1,
                "21:10",
                "In the community we keep a copy of the child's baseline Pain Profile in the "
                "home folder, filled in with the parents. When a child comes into hospital the "
                "parents bring it with them, which ward staff tell us helps a lot.",
            ),
            DemoPost(
                "hannah.nowak",
                2,
                "10:30",
                "At the hospice we add a one-page *about my pain* sheet written with the family: "
                "what the child does when they are sore, what comforts them and what does not. "
                "The care team read it at every handover. Happy to share our template.",
            ),
            DemoPost(
                "emma.sutcliffe",
                6,
                "16:00",
                "Thank you all. On the ward we have agreed to use **r-FLACC with individual "
                "descriptors** for routine scoring, to ask families for the baseline Pain "
                "Profile on admission, and to add a box on the score sheet for where the "
                "baseline is kept. @[hannah.nowak] I would love the template, thank you.",
            ),
        ),
    ),
    # --- Case follow-up: the two cases presented at past ECHO sessions, de-identified.
    DemoThread(
        category="case-follow-up",
        title="Follow-up: breathlessness and night-time anxiety in a young person on home "
        "ventilation",
        started=14,
        case_presenter="laura.hebden",
        posts=(
            DemoPost(
                "laura.hebden",
                1,
                "10:15",
                _md(
                    "Thank you to everyone at the Symptom management ECHO for your ideas on "
                    "this case. A short update, de-identified as always.",
                    "**The case:** a young person in the **12 to 17** age band with a "
                    "progressive neuromuscular condition, on overnight non-invasive "
                    "ventilation, with repeated chest infections and increasing breathlessness "
                    "and anxiety at night.",
                    "**Since the session:**",
                    _bullets(
                        "a low-dose opioid for breathlessness was started as recommended, with a "
                        "regular laxative, reviewed at 48 hours with the young person and their "
                        "parent, and continued",
                        "a hand-held fan and a breathing routine, practised in the daytime so "
                        "that it is familiar at night",
                        "the physiotherapist has reviewed the mask at home and tried a "
                        "different interface",
                    ),
                    "I will post again after the advance care plan conversation.",
                ),
            ),
            DemoPost(
                "facilitator",
                1,
                "13:40",
                _md(
                    "Thank you for the update, and for bringing such a thoughtful case. It is "
                    "good to hear the 48-hour review happened: that is often where plans slip.",
                    "For the advance care plan conversation, it can help to ask the young person "
                    "first what they would want **during a chest infection at home**, and only "
                    "then talk about hospital. The [advance care planning guideline]"
                    "(/guidelines/advance-care-planning-conversations/) has a section on "
                    "involving young people in their own plan.",
                ),
            ),
            DemoPost(
                "catherine.marsh",
                2,
                "09:25",
                "From the physiotherapy side: a change of interface often helps more than people "
                "expect. If the new mask is better tolerated, it is worth agreeing an **airway "
                "clearance plan for chest infections** at the same time, so the family know what "
                "to step up at home and when to call.",
            ),
            DemoPost(
                "rachel.doyle",
                3,
                "15:50",
                "Night-time anxiety in young people on ventilation is often about feeling out of "
                "control when they wake breathless. Some find a short plan they have written "
                "themselves (*what I do when I wake up breathless*), kept by the bed, helps, "
                "with a way of calling a parent that does not mean shouting. I am happy to join "
                "a visit or a call.",
            ),
            DemoPost(
                "laura.hebden",
                12,
                "20:30",
                _md(
                    "We had the conversation this week, led by the young person, with their "
                    "parent and the community team. Starting with what they wanted at home made "
                    "all the difference. The plan now says which treatment they would accept at "
                    "home during a chest infection, and when the family should call us or the "
                    "hospice.",
                    "The new mask stays on most nights, and the breathing plan by the bed is "
                    "being used. Thank you all: this is what the ECHO is for.",
                ),
                quote=1,
            ),
        ),
    ),
    DemoThread(
        category="case-follow-up",
        title="Follow-up: planning the move to adult services for a young person with complex "
        "epilepsy",
        started=33,
        case_presenter="claire.robson",
        posts=(
            DemoPost(
                "claire.robson",
                2,
                "09:00",
                _md(
                    "An update on the case from the Transition ECHO, de-identified: a young "
                    "person in the **12 to 17** age band, preparing to move to adult services, "
                    "with severe epilepsy, "
                    "gastrostomy feeding and frequent seizures needing rescue medicine. "
                    "Following the recommendations:",
                    _numbered(
                        "I have taken on the **transition key worker** role and told the "
                        "family, the GP and the hospice.",
                        "The referral to **adult neurology** has gone in now rather than at 18.",
                        "We have rewritten the seizure plan in plain language so that any adult "
                        "nurse or carer can follow it.",
                        "A joint meeting with the adult community team, the GP, the hospice and "
                        "the parents is booked.",
                    ),
                    "The parents' biggest worry is still short breaks. Has anyone found adult "
                    "short-break provision that works for young people with this level of need?",
                ),
            ),
            DemoPost(
                "nadia.hussain",
                3,
                "11:45",
                "Short breaks after 18 usually depend on the **adult social care assessment** "
                "and, for some young people, continuing healthcare. It is worth asking adult "
                "social care to start the assessment well before the birthday, so that it is "
                "done before the children's package ends. Happy to talk the process through.",
            ),
            DemoPost(
                "joanne.pickering",
                4,
                "16:20",
                "We can offer joint visits with the adult hospice during the handover year, and "
                "we keep offering short breaks until the adult arrangements are actually in "
                "place, not just until the birthday. Let's talk before the joint meeting.",
            ),
            DemoPost(
                "james.thornton",
                9,
                "12:10",
                "Really good progress, Claire. The joint meeting is the key moment: it helps to "
                "leave it with **one written plan** and **a named person** for each part "
                "(neurology, the GP, short breaks, equipment), so that nothing stops on the "
                "birthday. Bring it back to the ECHO if you get stuck.",
            ),
        ),
    ),
    # --- Study days and events: the pinned announcement (edited once, one reply hidden) and
    # an old announcement, locked.
    DemoThread(
        category="study-days-and-events",
        title="Booking open: study day on supporting children with life-limiting conditions "
        "in school",
        started=40,
        event_title=STUDY_DAY.title,
        pin=DemoAction(
            MODERATOR,
            0,
            "09:45",
            "Booking is open: pinned until the study day so that it stays at the top.",
        ),
        posts=(
            DemoPost(
                COORDINATOR,
                0,
                "09:30",
                _STUDY_DAY_ANNOUNCEMENT,
                edit=DemoAction(
                    COORDINATOR,
                    1,
                    "16:10",
                    _md(
                        _STUDY_DAY_ANNOUNCEMENT,
                        f"**Update:** lunch is provided, and there are {STUDY_DAY.capacity} "
                        "places, with a waiting list once they are taken. Please tell me about "
                        "any dietary or access needs when you register.",
                    ),
                ),
            ),
            DemoPost(
                "victoria.hirst",
                1,
                "12:15",
                "This looks excellent. Is the day suitable for teaching assistants who are new "
                "to supporting a child with complex needs? We would like to send two of our "
                "teaching assistants along with me.",
            ),
            DemoPost(
                COORDINATOR,
                1,
                "14:05",
                "Yes, very much so: the morning is written with teaching assistants in mind, and "
                "there is time in the afternoon for questions about your own pupils "
                "(de-identified, please). Please register each person separately, so that "
                "everyone gets their own certificate of attendance.",
                quote=1,
            ),
            DemoPost(
                "teacher",
                2,
                "10:40",
                "We are looking forward to hosting. If you are coming by car, our car park is "
                "small, so please share a car if you can. The main entrance is step-free and "
                "there is an accessible toilet next to the hall. @[coordinator] I will send you "
                "the room plan this week.",
            ),
            DemoPost(
                "ryan.postlethwaite",
                5,
                "19:20",
                "Two of us are driving over from the coast and have room for two more. Text me "
                "on 07700 900461 if you would like a lift.",
                hide=DemoAction(
                    MODERATOR,
                    6,
                    "08:30",
                    "Hidden at the author's request: it included a personal mobile number. Lift "
                    "shares can be arranged through the network coordinator.",
                ),
            ),
            DemoPost(
                "ryan.postlethwaite",
                6,
                "09:05",
                "Thanks, Fiona. If anyone near the coast would like a lift to the study day, "
                "let the coordinator know and she will put us in touch.",
            ),
            DemoPost(
                COORDINATOR,
                12,
                "11:30",
                "A quick update: more than half the places are now booked. I am delighted that "
                "@[exec], chair of the network executive committee, will open the day.",
            ),
        ),
    ),
    DemoThread(
        category="study-days-and-events",
        title="ECHO sessions this term: dates and how to register",
        started=88,
        lock=DemoAction(
            MODERATOR,
            68,
            "10:00",
            "The events calendar now lists every session to the end of the cycle. Locked to "
            "keep this thread as a record; please ask new questions in a new thread.",
        ),
        posts=(
            DemoPost(
                COORDINATOR,
                0,
                "10:00",
                _md(
                    "The network's two ECHO programmes are running again this term, online from "
                    "12:30 to 2pm:",
                    _bullets(
                        "**Symptom management ECHO**: the second Tuesday of each month",
                        "**Transition to adult services ECHO**: the fourth Thursday of each month",
                    ),
                    "Every session is on the [events calendar](/events/), where you can "
                    "register and submit a de-identified case. Each session counts for 1.5 "
                    "hours of CPD, and attending 80% of a cycle earns a certificate.",
                ),
            ),
            DemoPost(
                "gareth.lloyd",
                1,
                "13:10",
                "Can we join from a phone between home visits? The signal in parts of the dale "
                "is patchy, so I might drop in and out.",
            ),
            DemoPost(
                "aisha.begum",
                1,
                "15:45",
                "Yes: the video link works on a phone, and attendance is recorded from when you "
                "are connected, so dropping in and out is fine. If the video struggles, the "
                "chat on the session page keeps you in the discussion.",
                quote=1,
            ),
        ),
    ),
    # --- Education and schools.
    DemoThread(
        category="education-and-schools",
        title="Keeping an advance care plan alongside a pupil's individual healthcare plan",
        started=52,
        guideline=SCHOOL,
        posts=(
            DemoPost(
                "teacher",
                0,
                "16:30",
                _md(
                    "A question from our post-16 department. One of our students now has an "
                    "advance care plan as well as an individual healthcare plan, and the family "
                    "have asked that school staff know what is in it. How do other schools "
                    "handle this?",
                    _bullets(
                        "Where do you keep the advance care plan, and who can see it?",
                        "What do supply staff and staff on school trips need to know?",
                        "How do you keep it up to date when it changes?",
                    ),
                    "The [school guideline]"
                    "(/guidelines/supporting-a-child-with-a-life-limiting-condition-in-school/) "
                    "covers the healthcare plan well, but I could not find much on this.",
                ),
            ),
            DemoPost(
                "victoria.hirst",
                1,
                "08:50",
                "We keep the full plan in a sealed envelope with the healthcare plan in the "
                "office, and a **one-page summary** (what to do and who to call) in the class "
                "folder and the trip bag. Only the head, the SENCO and the class team read the "
                "full plan. The family agreed the summary with us.",
            ),
            DemoPost(
                "jennifer.lowe",
                1,
                "13:15",
                "From the school nursing side: ask the community nurse or the hospice to "
                "**review the summary with you** whenever the plan changes, because families "
                "often tell health first. I would also put the review date on the front of both "
                "plans.",
            ),
            DemoPost(
                "alison.crabtree",
                2,
                "10:05",
                _md(
                    "@[teacher] let's set up a short meeting with the family, Jennifer and the "
                    "community team before half term.",
                    "A reminder for all of us: these plans should leave staff feeling supported, "
                    "not alarmed. The [Supporting a child in school](/learning/"
                    "supporting-a-child-in-school/) track has a good module on the plans that "
                    "come to school with the child.",
                ),
            ),
            DemoPost(
                "teacher",
                3,
                "17:20",
                "Thank you, Victoria: the one-page summary in the trip bag is exactly what we "
                "were missing. We will draft one with the family.",
                quote=1,
            ),
        ),
    ),
    DemoThread(
        category="education-and-schools",
        title="Talking with a class after a pupil has died: what helped you?",
        started=29,
        posts=(
            DemoPost(
                "victoria.hirst",
                0,
                "15:45",
                _md(
                    "Sadly, one of our pupils died last month. The family have been wonderful "
                    "about what the class can be told, and the children have been asking "
                    "questions in their own ways.",
                    "For those who have been through this: what helped your class, and what "
                    "helped the staff? We are a small primary school, so most of us knew the "
                    "child and the family well.",
                ),
            ),
            DemoPost(
                "siobhan.kelly",
                0,
                "18:30",
                _md(
                    "I am so sorry. Some things that schools and families have told us helped:",
                    _bullets(
                        "**Clear words**, such as *died*, rather than *lost* or *gone to sleep*, "
                        "which can confuse younger children.",
                        "**Something to do**: a memory box, a card for the family, planting "
                        "something together.",
                        "Expecting questions to come back in waves, sometimes months later.",
                        "Letting staff know it is all right to be sad in front of the children.",
                    ),
                    "Our bereavement team can come into school to talk with staff, and the "
                    "[When a pupil is very ill or has died](/learning/supporting-a-child-in-"
                    "school/when-a-pupil-is-very-ill-or-has-died/) module is a good place to "
                    "start.",
                ),
            ),
            DemoPost(
                "lucy.barraclough",
                1,
                "09:40",
                "Brothers and sisters at other schools can be overlooked at times like this. If "
                "the family would like, we can help them let the siblings' schools know too.",
            ),
            DemoPost(
                "victoria.hirst",
                3,
                "16:15",
                "Thank you both: this is kind and practical. We made a memory book with the "
                "class this week, and Siobhan's team are coming in for a staff session.",
            ),
        ),
    ),
    # --- Looking after ourselves.
    DemoThread(
        category="looking-after-ourselves",
        title="After a hard week: what helps you switch off?",
        started=11,
        posts=(
            DemoPost(
                "rachel.doyle",
                0,
                "12:40",
                _md(
                    "Many of us have had a hard few weeks. I thought it might help to share the "
                    "small things that help us put the work down at the end of the day, so that "
                    "we can pick it up again tomorrow.",
                    "I will start: a **ten-minute walk** before I get in the car, without my "
                    "phone.",
                ),
            ),
            DemoPost(
                "natalie.green",
                0,
                "20:10",
                "Music on the drive home, loud! And our team agreed together to stop checking "
                "work messages after 8pm, which has made it much easier to stick to.",
            ),
            DemoPost(
                "david.ellison",
                1,
                "09:15",
                "The quiet room on the children's ward is open to staff as well as families, at "
                "any time. I am around most days if anyone would like to talk, about work or "
                "anything else.",
            ),
            DemoPost(
                "admin",
                2,
                "17:45",
                "It is not only the clinical staff: at reception we often take the first call "
                "from a family on a very hard day. Our team has a cup of tea together at 4pm on "
                "Fridays and talks about the week. It helps more than I expected.",
            ),
            DemoPost(
                "rachel.doyle",
                8,
                "13:00",
                "Thank you all. @[nurse] mentioned at the last ECHO that her team has a short "
                "check-in at the end of each day. Would you be willing to share how it works? "
                "Other teams might like to try it.",
            ),
        ),
    ),
    # --- Executive committee (restricted).
    DemoThread(
        category="executive-committee",
        title="Annual report to funders: draft for comment",
        started=12,
        posts=(
            DemoPost(
                EXEC_CHAIR,
                0,
                "10:30",
                _md(
                    "Here is the outline for this year's report to our funders. The coordinator "
                    "has pulled the figures from the evaluation dashboard.",
                    _numbered(
                        "What the network is for, in one page",
                        "Reach: ECHO sessions and study days by organisation, hub and spoke, "
                        "and staff group",
                        "Guidelines endorsed this year, and their uptake",
                        "Learning tracks completed and certificates issued",
                        "What members say: confidence before and after, and session feedback",
                        "Priorities and funding for next year",
                    ),
                    "@[peter.haigh] could you draft the hospice paragraph in section 2? I would "
                    "like the draft agreed at our next meeting.",
                ),
            ),
            DemoPost(
                "peter.haigh",
                2,
                "09:50",
                "Happy to. I would add the **non-NHS reach** to section 2: schools, social care "
                "and family support are where the network has grown most, and funders ask about "
                "it every year. The hospice paragraph will be with you by Friday.",
                quote=0,
            ),
            DemoPost(
                EXEC_CHAIR,
                2,
                "14:15",
                "Agreed, that is a good addition. I will ask the coordinator for the NHS and "
                "non-NHS split, and for rural reach.",
            ),
            DemoPost(
                "peter.haigh",
                10,
                "16:40",
                "@[exec] the hospice paragraph is done. One thought: funders respond well to a "
                "short, **de-identified story** of a family's experience alongside the figures. "
                "The case follow-ups in the forums would be a good source, with the presenters' "
                "agreement.",
            ),
        ),
    ),
    DemoThread(
        category="executive-committee",
        title="Items for the quarterly meeting",
        started=5,
        posts=(
            DemoPost(
                "peter.haigh",
                0,
                "11:00",
                _md(
                    "Please add items for our quarterly meeting here. So far:",
                    _bullets(
                        "the annual report to funders (draft)",
                        "endorsement of the updated advance care planning guideline",
                        "the coordinator's report and the evaluation dashboard",
                    ),
                ),
            ),
            DemoPost(
                EXEC_CHAIR,
                1,
                "09:20",
                "Thank you, Peter. Please add the **review of network priorities for next "
                "year**, and ten minutes on the study day for schools.",
            ),
            DemoPost(
                "peter.haigh",
                2,
                "15:30",
                "Both added. I will circulate the papers a week before the meeting.",
            ),
        ),
    ),
    # --- Steering groups (restricted).
    DemoThread(
        category="clinical-steering-group",
        title="Breakthrough pain guideline: comments from the clinical review",
        started=46,
        guideline=BREAKTHROUGH_PAIN,
        posts=(
            DemoPost(
                "james.thornton",
                0,
                "11:20",
                _md(
                    "Thank you for your comments on the draft update to the [breakthrough pain "
                    "guideline](/guidelines/managing-breakthrough-pain/). The main changes:",
                    _bullets(
                        "a clearer table of **routes and how quickly each works**",
                        "when to **review the regular dose** if breakthrough doses are needed "
                        "often",
                        "a section for parents who give breakthrough doses at home",
                    ),
                    "Any last comments before it goes to the executive committee?",
                ),
            ),
            DemoPost(
                "tom.gallagher",
                1,
                "10:00",
                "One addition: where a child has both a buccal and a subcutaneous option, the "
                "plan should say **which to try first**, so that parents and nurses are not left "
                "to choose at 3am.",
            ),
            DemoPost(
                "andrew.collier",
                1,
                "16:35",
                "Agree with Tom. From the district general hospital side, it would help to say "
                "that a child admitted to our ward **keeps their own plan** unless the team "
                "caring for them agree a change with the specialist team.",
            ),
            DemoPost(
                "joanne.pickering",
                2,
                "09:10",
                "Supportive. We tried the parents' section with two families at the hospice and "
                "they found it clear. Happy for it to go forward with Tom's and Andrew's "
                "changes.",
            ),
        ),
    ),
    DemoThread(
        category="education-steering-group",
        title="Next year's study days: what should we offer?",
        started=16,
        posts=(
            DemoPost(
                "catherine.marsh",
                0,
                "10:00",
                _md(
                    "With the schools study day filling up, I would like us to plan next "
                    "year's programme. Ideas so far:",
                    _bullets(
                        "a study day for **social care and family support staff** on working "
                        "with families at the end of life",
                        "a half day on **moving and handling** for children with complex needs "
                        "at home and in school",
                        "repeating the schools study day in the east of the region",
                    ),
                    "What have you heard from your own teams?",
                ),
            ),
            DemoPost(
                "nadia.hussain",
                1,
                "14:30",
                "The social care study day would be very welcome: my team often meets families "
                "early and does not always feel confident. Could it include a session on "
                "**continuing care funding**?",
            ),
            DemoPost(
                "alison.crabtree",
                2,
                "08:45",
                "Yes to repeating the schools day in the east: several primary schools have "
                "asked. Greyscar Primary would be a good host, as it is easier to reach from the "
                "coast.",
                quote=0,
            ),
            DemoPost(
                "catherine.marsh",
                3,
                "12:20",
                "Thank you both. I will draft a programme for our next meeting and ask the "
                "coordinator about dates and venues.",
            ),
        ),
    ),
    # --- Transition community of practice (restricted to its own group).
    DemoThread(
        category="transition-community-of-practice",
        title="Joint clinics with adult teams: what has worked for you?",
        started=60,
        guideline=TRANSITION,
        posts=(
            DemoPost(
                "james.thornton",
                0,
                "13:00",
                _md(
                    "Welcome to the transition community of practice. To start us off: several "
                    "of us have tried **joint clinics** with adult teams in the year before a "
                    "young person moves across. What has worked, and what has not?",
                    "For reference, the [transition guideline](/guidelines/"
                    "transition-to-adult-services/) suggests starting to plan at 14 and naming a "
                    "key worker.",
                ),
            ),
            DemoPost(
                "ruth.alderson",
                1,
                "09:30",
                "From general practice: the most useful thing has been being **invited to the "
                "last children's review**. I met the young person and their family while the "
                "children's team were still involved, and it made the first adult appointment "
                "much easier.",
            ),
            DemoPost(
                NURSE,
                1,
                "21:00",
                "For families in the upper dale a joint clinic in person means a two-hour round "
                "trip. We have had good results with a **video joint clinic**: the family at "
                "home with me, and the adult team and the paediatrician on screen. It is less "
                "tiring for the young person, and everyone hears the same thing.",
            ),
            DemoPost(
                "alison.crabtree",
                2,
                "11:15",
                "For students leaving school at 19, the college or day service needs to be part "
                "of this too. With families' permission, we invite the college's learning "
                "support lead to the last annual review in school.",
            ),
            DemoPost(
                "nadia.hussain",
                3,
                "10:00",
                "Please think about **mental capacity** from 16: if a young person may not be "
                "able to make some decisions themselves, the adult teams need to know who will "
                "be involved in best-interests decisions, and that takes time to set up.",
            ),
            DemoPost(
                "lucy.barraclough",
                5,
                "15:20",
                "Parents often tell us that transition feels like losing the team who know their "
                "child. **A named person who stays in touch** through the first year after 18 "
                "makes a real difference, even if it is just a phone call.",
            ),
            DemoPost(
                "james.thornton",
                59,
                "10:30",
                "Thank you all. I will draft a one-page summary of what has worked for the next "
                "Transition ECHO. @[nurse] would you be happy to present the video joint clinic "
                "as a short example? It is exactly the kind of practical idea others can use.",
            ),
        ),
    ),
    # --- Guidelines: ideas for the next one, with replies waiting for the coordinator.
    DemoThread(
        category="guidelines",
        title="Which guideline should the network write next?",
        started=9,
        posts=(
            DemoPost(
                COORDINATOR,
                0,
                "10:00",
                _md(
                    "The clinical steering group is planning next year's guideline work, and we "
                    "would like your ideas. Suggestions so far:",
                    _bullets(
                        "seizure management plans at home",
                        "feeding and hydration towards the end of life",
                        "a family guide to continuing care funding",
                    ),
                    "What would help you most? The current guidelines are all on the "
                    "[guidelines page](/guidelines/).",
                ),
            ),
            DemoPost(
                "imran.shah",
                1,
                "09:40",
                "Seizure management plans, please. We see a lot of variation in rescue plans "
                "between hospital, hospice and home, and families find that confusing.",
            ),
            DemoPost(
                "mohammed.iqbal",
                3,
                "13:20",
                "Feeding and hydration towards the end of life. Families often ask us whether to "
                "reduce or stop feeds, and a shared approach across settings would help us "
                "answer consistently.",
            ),
            DemoPost(
                "stephen.wray",
                5,
                "11:05",
                "A family guide to continuing care funding would help many of the families we "
                "support. I would be glad to help write it.",
            ),
            DemoPost(
                "kelly.armitage",
                7,
                "16:45",
                "Another vote for seizure plans. One format across the network would make "
                "handovers between teams much safer.",
            ),
        ),
    ),
)


# --- Helpers -----------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _fraction(key: str) -> float:
    """A stable number in [0, 1) for `key`, the same on every run and every machine."""
    return zlib.crc32(key.encode()) / 2**32


def _member(local_part: str) -> User:
    """The approved, active demo member with this e-mail address."""
    email = f"{local_part}{DEMO_DOMAIN}"
    user = User.objects.filter(
        email__iexact=email, approval_status=ApprovalStatus.APPROVED, is_active=True
    ).first()
    if user is None:
        raise CommandError(f"The demo member {email} is missing: load the members demo first.")
    return user


MENTION = re.compile(r"@\[([a-z.]+)\]")


def _with_handles(body: str) -> str:
    """Each "@[local-part]" becomes that member's @handle, whatever it is in this database."""
    return MENTION.sub(lambda match: "@" + services.profile_for(_member(match[1])).handle, body)


def _category(slug: str) -> Category:
    """The demo category with this slug, or with its name if someone has changed the slug."""
    spec = next(spec for spec in CATEGORIES if spec.slug == slug)
    category = (
        Category.objects.filter(slug=slug).first()
        or Category.objects.filter(name__iexact=spec.name).first()
    )
    if category is None:
        raise CommandError(f"The demo forum category {slug!r} is missing.")
    return category


def _demo_threads() -> QuerySet[Thread]:
    """The demo's threads, wherever they are now (a moderator may have moved one)."""
    return Thread.objects.filter(
        title__in=[spec.title for spec in THREADS], author__email__iendswith=DEMO_DOMAIN
    )


def _session(spec: DemoThread, now: datetime.datetime) -> Occurrence | None:
    """The ECHO session where the thread's case was presented (else the programme's latest)."""
    email = f"{spec.case_presenter}{DEMO_DOMAIN}"
    case_spec = next(
        (
            case
            for case in events_demo.CASES
            if case.presenter == email and case.outcome == CaseStatus.PRESENTED
        ),
        None,
    )
    if case_spec is None:
        return None
    case = (
        Case.objects.filter(
            presenter__email__iexact=email,
            title=case_spec.data.title,
            status=CaseStatus.PRESENTED,
            occurrence__end__lte=now,
        )
        .select_related("occurrence")
        .order_by("-occurrence__start")
        .first()
    )
    if case is not None:
        return case.occurrence
    return (
        Occurrence.objects.filter(
            event__title=case_spec.programme.series.title, cancelled=False, end__lte=now
        )
        .order_by("-start")
        .first()
    )


def _clock(spec: DemoThread, now: datetime.datetime, session: Occurrence | None) -> Clock:
    """When (day, "HH:MM") of the thread falls: days after its start, or after its session.

    Nothing may fall in the future: a thread whose session was only days ago has its
    moments drawn closer to the session, keeping their order.
    """
    zone = _zone()
    if session is not None:
        first_day = session.end.astimezone(zone).date()
    else:
        first_day = now.astimezone(zone).date() - datetime.timedelta(days=spec.started)

    def wall_clock(day: int, time: str) -> datetime.datetime:
        return datetime.datetime.combine(
            first_day + datetime.timedelta(days=day), datetime.time.fromisoformat(time), zone
        )

    moments = [wall_clock(day, time) for day, time in spec.moments()]
    origin = session.end if session is not None else min(moments)
    latest, last = now - datetime.timedelta(minutes=1), max(moments)
    scale = 1.0
    if last > latest:
        scale = max(latest - origin, datetime.timedelta(0)) / (last - origin)

    def clock(day: int, time: str) -> datetime.datetime:
        return origin + (wall_clock(day, time) - origin) * scale

    return clock


def _backdate_post(post: Post, when: datetime.datetime, *, first: bool) -> None:
    """Move a post made just now, and what it made, to `when`."""
    Post.objects.filter(pk=post.pk).update(created_at=when)
    post.created_at = when
    moved = {"created_at": when, "last_post_at": when} if first else {"last_post_at": when}
    Thread.objects.filter(pk=post.thread_id).update(**moved)
    Notification.objects.filter(post=post).update(created_at=when)
    # Posting follows the thread; the member has followed it since their first post in it.
    Subscription.objects.filter(
        thread_id=post.thread_id, user_id=post.author_id, created_at__gt=when
    ).update(created_at=when)


def _latest_action(**lookup: object) -> ModerationAction:
    action = ModerationAction.objects.filter(**lookup).order_by("-pk").first()
    assert action is not None, f"No moderation action {lookup}."
    return action


def _act_on_post(post: Post, spec: DemoPost, clock: Clock) -> None:
    """The edit, report and moderation the post meets, each moved to its time."""
    if spec.edit is not None:
        services.edit_post(_member(spec.edit.by), post, _with_handles(spec.edit.text))
        when = clock(spec.edit.day, spec.edit.time)
        Post.objects.filter(pk=post.pk).update(edited_at=when)
        PostRevision.objects.filter(post=post).update(edited_at=when)
    if spec.flag is not None:
        flag = services.flag_post(_member(spec.flag.by), post, spec.flag.text)
        Flag.objects.filter(pk=flag.pk).update(created_at=clock(spec.flag.day, spec.flag.time))
    if spec.hide is not None:
        services.hide_post(_member(spec.hide.by), post, spec.hide.text)
        when = clock(spec.hide.day, spec.hide.time)
        ModerationAction.objects.filter(
            pk=_latest_action(post=post, kind=ModerationAction.Kind.HIDE).pk
        ).update(created_at=when)
        Flag.objects.filter(post=post, resolved_at__isnull=False).update(resolved_at=when)


def _act_on_thread(thread: Thread, kind: str, action: DemoAction, clock: Clock) -> None:
    services.set_thread_state(_member(action.by), thread, kind, action.text)
    ModerationAction.objects.filter(pk=_latest_action(thread=thread, kind=kind).pk).update(
        created_at=clock(action.day, action.time)
    )


def _load_thread(spec: DemoThread, category: Category, now: datetime.datetime) -> list[int]:
    """Start the thread and write its posts through the services; the new posts' ids."""
    session = _session(spec, now) if spec.case_presenter else None
    occurrence = session
    if spec.event_title:
        occurrence = (
            Occurrence.objects.filter(event__title=spec.event_title, cancelled=False)
            .order_by("start")
            .first()
        )
    guideline = None
    if spec.guideline:
        guideline = GuidelinePage.objects.live().filter(slug=spec.guideline).first()
    clock = _clock(spec, now, session)
    thread: Thread | None = None
    posts: list[Post] = []
    for post_spec in spec.posts:
        author = _member(post_spec.author)
        body = _with_handles(post_spec.body)
        if thread is None:
            thread = services.start_thread(
                author,
                category,
                spec.title,
                body,
                is_question=spec.is_question,
                occurrence=occurrence,
                guideline=guideline,
            )
            post = thread.posts.get()
        else:
            quote_of = posts[post_spec.quote] if post_spec.quote is not None else None
            post = services.reply(author, thread, body, quote_of=quote_of)
        # Straight away, so that the posting rate limit never counts the demo's history.
        _backdate_post(post, clock(post_spec.day, post_spec.time), first=not posts)
        posts.append(post)
        _act_on_post(post, post_spec, clock)
    assert thread is not None, f"The demo thread {spec.title!r} has no posts."
    if spec.accepted is not None:
        services.accept_answer(thread.author, thread, posts[spec.accepted])
    if spec.pin is not None:
        _act_on_thread(thread, ModerationAction.Kind.PIN, spec.pin, clock)
    if spec.lock is not None:
        _act_on_thread(thread, ModerationAction.Kind.LOCK, spec.lock, clock)
    return [post.pk for post in posts]


def _emailed_at(
    created_at: datetime.datetime, mode: str | None, now: datetime.datetime
) -> datetime.datetime | None:
    """When a notification would have been e-mailed under the member's choice."""
    if mode == EmailMode.IMMEDIATE:
        return min(created_at + IMMEDIATE_EMAIL_AFTER, now)
    if mode == EmailMode.DAILY:
        local = created_at.astimezone(_zone())
        digest = datetime.datetime.combine(local.date(), DIGEST_AT, _zone())
        if digest <= local:
            digest += datetime.timedelta(days=1)
        return min(digest, now)
    return None


def _settle_notifications(post_ids: Sequence[int], now: datetime.datetime) -> None:
    """Read the week-old notifications of these posts, and mark what was e-mailed."""
    notifications = list(
        Notification.objects.filter(post_id__in=post_ids).order_by("created_at", "pk")
    )
    modes = dict(
        ForumProfile.objects.filter(
            user_id__in={notification.user_id for notification in notifications}
        ).values_list("user_id", "email_mode")
    )
    nurse = _member(NURSE)
    nurse_latest = [n.pk for n in notifications if n.user_id == nurse.pk][-NURSE_UNSENT:]
    for notification in notifications:
        created_at = notification.created_at
        read_at = None
        if created_at < now - UNREAD_WINDOW:
            hours = 1 + 20 * _fraction(f"{notification.user_id}:{notification.post_id}")
            read_at = created_at + datetime.timedelta(hours=hours)
        emailed_at = None
        if notification.pk not in nurse_latest or read_at is not None:
            emailed_at = _emailed_at(created_at, modes.get(notification.user_id), now)
        Notification.objects.filter(pk=notification.pk).update(
            read_at=read_at, emailed_at=emailed_at
        )


# --- Steps -------------------------------------------------------------------------------------


def load_categories() -> str:
    """The forum categories, the transition group, category followers and e-mail choices."""
    transition_group, _ = Group.objects.get_or_create(name=TRANSITION_GROUP)
    for local_part in TRANSITION_MEMBERS:
        member = _member(local_part)
        if not member.groups.filter(pk=transition_group.pk).exists():
            member.groups.add(transition_group)

    for position, spec in enumerate(CATEGORIES, start=1):
        if (
            Category.objects.filter(slug=spec.slug).exists()
            or Category.objects.filter(name__iexact=spec.name).exists()
        ):
            continue  # kept as the coordinators have it, restrictions included
        # Coordinators make categories in the admin; there is no service for it.
        category = Category.objects.create(
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            position=position,
            case_discussion=spec.case_discussion,
        )
        if spec.restricted_to:
            groups = list(Group.objects.filter(name__in=spec.restricted_to))
            if len(groups) != len(spec.restricted_to):
                raise CommandError(f"A group that {spec.name!r} is restricted to is missing.")
            category.restricted_to.set(groups)

    since = timezone.now() - FOLLOWING_SINCE
    for local_part, slug in CATEGORY_FOLLOWERS:
        member, category = _member(local_part), _category(slug)
        if not Subscription.objects.filter(user=member, category=category).exists():
            subscription = services.subscribe(member, category=category)
            Subscription.objects.filter(pk=subscription.pk).update(created_at=since)
    for local_part, mode in EMAIL_MODES:
        member = _member(local_part)
        if services.profile_for(member).email_mode != mode:
            services.set_email_mode(member, mode)

    categories = Category.objects.filter(pk__in=[_category(spec.slug).pk for spec in CATEGORIES])
    restricted = categories.filter(restricted_to__isnull=False).distinct().count()
    return (
        f"{categories.count()} forum categories ({restricted} restricted to groups); "
        f"{transition_group.user_set.count()} members in the {TRANSITION_GROUP.lower()}"
    )


def load_threads() -> str:
    """The demo threads and posts, their notifications, a report and moderation."""
    now = timezone.now()
    new_posts: list[int] = []
    for spec in THREADS:
        category = _category(spec.category)
        if _demo_threads().filter(title=spec.title).exists():
            continue  # made by an earlier run: left as members and moderators have it
        try:
            new_posts += _load_thread(spec, category, now)
        except services.ForumError as error:
            # Most likely the posting rate limit: a demo member has really posted in the
            # last hour, and the services count that.
            raise CommandError(
                f"The forums refused the demo thread {spec.title!r}: {error}"
            ) from error
    _settle_notifications(new_posts, now)

    threads = _demo_threads()
    posts = Post.objects.filter(thread__in=threads)
    notifications = Notification.objects.filter(post__in=posts)
    unread = notifications.filter(read_at__isnull=True).count()
    flags = Flag.objects.filter(post__in=posts, resolved_at__isnull=True).count()
    actions = ModerationAction.objects.filter(thread__in=threads).count()
    return (
        f"{threads.count()} forum threads with {posts.count()} posts; "
        f"{notifications.count()} notifications ({unread} unread); "
        f"{flags} reported post(s) awaiting moderation; {actions} moderation actions"
    )


DEMO_STEPS: Sequence[Step] = (load_categories, load_threads)
