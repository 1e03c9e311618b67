"""Demo guidelines for `load_demo_network`: endorsed guidelines, their versions and uptake.

`demo.management.commands.load_demo_network` runs `DEMO_STEPS` after its own
steps, in the same transaction and with e-mails suppressed, so the demo members
and organisations exist already. The step returns a one-line summary.

Each guideline is created as a draft under the guideline index and driven
through the "Guideline endorsement" workflow with the services in
`guidelines.services`, exactly as the admin does: the owner drafts it, the
coordinator submits it, a member of the clinical steering group approves the
clinical review and a member of the executive committee endorses it. Guidelines
with a second version are edited and endorsed again. Members then acknowledge
each version and organisation leads record their organisation's adoption.

Everything is then moved back in time, relative to `timezone.now()`, so the
demo looks like a network that has been endorsing guidelines for about
eighteen months whenever it is loaded: first versions are spread over that
time, second versions are more recent (one within the last month), one
guideline is overdue for review and one is due within 90 days. The rapid
transfer guideline keeps the endorsement date that the members demo announces
in its news article, when that date lies in that period.

Idempotent: a guideline is found by its slug under the guideline index. One
that exists is left exactly as it is (editors' changes are kept), so running
the command again creates no versions, acknowledgements or adoption records.
Only ever demo accounts (`@demo.example`) take part.
"""

from __future__ import annotations

import calendar
import copy
import datetime
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from demo.blocks import care_card as _care_card
from demo.blocks import details as _details
from demo.blocks import do as _do
from demo.blocks import dont as _dont
from demo.blocks import expander as _expander
from demo.blocks import inset as _inset
from demo.blocks import text as _text
from demo.blocks import warning as _warning
from guidelines import services
from guidelines.models import (
    AUDIENCES,
    CARE_SETTINGS,
    Acknowledgement,
    Adoption,
    AdoptionChange,
    AdoptionStatus,
    Category,
    EndorsedVersion,
    EndorsementApproval,
    GuidelineIndexPage,
    GuidelinePage,
)
from members.models import ApprovalStatus, Organisation, StaffGroup, User

Step = Callable[[], str]
Block = dict[str, Any]

DEMO_DOMAIN = "@demo.example"
COORDINATOR = "coordinator@demo.example"
FACILITATOR = "facilitator@demo.example"
NURSE = "nurse@demo.example"
ADMIN = "admin@demo.example"
TEACHER = "teacher@demo.example"
EXEC_CHAIR = "exec@demo.example"
PETER_HAIGH = "peter.haigh@demo.example"
JAMES_THORNTON = "james.thornton@demo.example"
TOM_GALLAGHER = "tom.gallagher@demo.example"
JOANNE_PICKERING = "joanne.pickering@demo.example"
ANDREW_COLLIER = "andrew.collier@demo.example"
AISHA_BEGUM = "aisha.begum@demo.example"
CLAIRE_ROBSON = "claire.robson@demo.example"

# Organisation slugs, as in the members demo.
HAREBELL_HOUSE = "harebell-house-childrens-hospice"
WESTMOOR_CCN = "westmoor-city-community-childrens-nursing-team"
UPPER_GARTHDALE_CCN = "upper-garthdale-community-childrens-nursing-team"
EASTFELL_CCN = "eastfell-coast-community-childrens-nursing-team"
THORNBY_BRIDGE_PRACTICE = "thornby-bridge-medical-practice"
BRACKENFIELD_SCHOOL = "brackenfield-special-school"

CLINICAL, NON_CLINICAL, UNIVERSAL = (
    StaffGroup.CLINICAL,
    StaffGroup.NON_CLINICAL,
    StaffGroup.UNIVERSAL_SERVICE,
)
ADOPTED = AdoptionStatus.ADOPTED
ADOPTED_WITH_CHANGES = AdoptionStatus.ADOPTED_WITH_CHANGES
UNDER_REVIEW = AdoptionStatus.UNDER_REVIEW
NOT_ADOPTED = AdoptionStatus.NOT_ADOPTED

# How long before its endorsement a version was drafted, submitted and clinically reviewed.
DRAFTED_BEFORE = datetime.timedelta(days=24, hours=5)
SUBMITTED_BEFORE = datetime.timedelta(days=17, hours=2)
REVIEWED_BEFORE = datetime.timedelta(days=7, hours=1, minutes=30)
ENDORSED_AT = datetime.time(15, 30)  # after the executive committee's afternoon meeting
WORKING_DAY_STARTS, WORKING_DAY = datetime.time(8), datetime.timedelta(hours=10)
# First versions are spread over about this long; an anchored date outside it is not used.
DEMO_HISTORY = datetime.timedelta(days=548)

HELPLINE = (
    "the on-call paediatric palliative care consultant through the Westmoor Children's "
    "Hospital switchboard on 0113 496 0000, at any time of day or night"
)
CHECK_DOSES = (
    "<p>This guideline describes the process, not doses. Check every medicine, dose and route "
    "against the current BNF for Children (BNFc) and the child's individual symptom "
    f"management plan. If the plan does not cover what is happening, speak to {HELPLINE}.</p>"
)


# --- Stream blocks -----------------------------------------------------------------------------


def _table(caption: str, header: Sequence[str], *rows: Sequence[str]) -> Block:
    return {
        "type": "table",
        "value": {
            "data": [list(header), *(list(row) for row in rows)],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_header_choice": "row",
            "table_caption": caption,
        },
    }


# --- Guidelines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAdoption:
    """An organisation lead records a status this many days after the version's endorsement."""

    organisation: str  # slug
    days_after: int
    status: str
    reason: str = ""


@dataclass(frozen=True)
class DemoVersion:
    body: tuple[Block, ...]
    days_ago: int  # endorsed this many days before today
    review_after_months: int
    clinical_reviewer: str
    clinical_comment: str
    executive: str
    executive_comment: str
    # Share of the members the guideline is written for who acknowledge this version. Members
    # who acknowledge a later version are drawn from those who acknowledged the one before.
    acknowledged_share: float
    acknowledged_by: tuple[str, ...] = ()
    not_acknowledged_by: tuple[str, ...] = ()
    adoptions: tuple[DemoAdoption, ...] = ()
    change_summary: str = ""
    related: tuple[str, ...] = ()  # slugs of guidelines endorsed earlier
    # Endorsed on this date instead, when it lies within DEMO_HISTORY before today.
    endorsed_on: datetime.date | None = None


@dataclass(frozen=True)
class DemoGuideline:
    slug: str
    title: str
    summary: str
    category: str
    care_settings: tuple[str, ...]  # codes from models.CARE_SETTINGS
    audiences: tuple[str, ...]  # staff groups
    owner: str
    versions: tuple[DemoVersion, ...]


ANTICIPATORY_MEDICINES = "anticipatory-medicines-at-home"
BREAKTHROUGH_PAIN = "managing-breakthrough-pain"
TRANSITION = "transition-to-adult-services"
CARE_AFTER_DEATH = "care-after-death-at-home-or-in-the-hospice"
SCHOOL = "supporting-a-child-with-a-life-limiting-condition-in-school"
RAPID_TRANSFER = "rapid-transfer-home-for-end-of-life-care"
ADVANCE_CARE_PLANNING = "advance-care-planning-conversations"


_ANTICIPATORY_BODY = (
    _text(
        "<h2>Why anticipatory medicines matter</h2>"
        "<p>Symptoms at the end of life can change quickly, and often at night or at the "
        "weekend. When the right medicines are already in the home, prescribed and ready to "
        "give, a nurse or a trained parent can relieve pain, agitation, breathlessness, noisy "
        "secretions or seizures without waiting for a prescription to be written and "
        "dispensed.</p>"
        "<p>Anticipatory medicines are prescribed for each child by a prescriber who knows "
        "them, following the child's symptom management plan. This guideline covers the "
        "process, not the choice or dose of any medicine.</p>"
    ),
    _warning("Doses are individual", CHECK_DOSES),
    _text(
        "<h2>Before the medicines go home</h2>"
        "<ul>"
        "<li>The lead clinician writes or updates the symptom management plan, covering the "
        "symptoms the child is likely to have.</li>"
        "<li>The prescriber writes the prescription and the community administration chart "
        "(the authorisation to administer) at the same time.</li>"
        "<li>The community children's nursing team agrees with the family who will collect "
        "the medicines and where they will be kept.</li>"
        "<li>Syringes, needles, a sharps bin, the administration chart and a copy of the plan "
        "go into the box with the medicines.</li>"
        "</ul>"
    ),
    _text(
        "<h2>When a syringe driver is needed</h2>"
        "<p>If a child needs repeated doses, or can no longer take medicines by mouth, the "
        "symptom management plan may move to a continuous subcutaneous infusion through a "
        "syringe driver. Agree in advance who will set it up out of hours, make sure the "
        "driver, lines and diluent are in the home, and record the compatibility of any "
        "medicines mixed in the same syringe.</p>"
    ),
    _care_card(
        "primary",
        "Check the box at every visit",
        "<p>Check that the medicines match the chart and are in date, and that there is "
        "enough for at least 48 hours, or 72 hours before a bank holiday weekend. Order "
        "replacements as soon as stock runs low.</p>",
    ),
    _do(
        "Keep the box somewhere safe, out of the reach of children, and make sure the family "
        "know where it is.",
        "Record every dose on the administration chart and in the child's notes.",
        "Tell the GP practice and the out-of-hours service that the child has anticipatory "
        "medicines at home.",
    ),
    _dont(
        "Do not use medicines prescribed for another child, even a brother or sister.",
        "Do not leave controlled drugs in the home without a controlled drug record.",
        "Do not throw away unused medicines: return them to a community pharmacy once they "
        "are stopped or after the child has died.",
    ),
    _expander(
        "Teaching parents to give medicines",
        "<p>Some parents want to give medicines themselves, especially where the nearest nurse "
        "may be an hour away. The community team teaches and assesses them, records their "
        "competence and leaves written instructions for each medicine. Parents must never feel "
        "they have to: the team still visits whenever it is asked.</p>",
    ),
    _inset(
        "<p>This guideline was written with the three community children's nursing teams and "
        "the Harebell House hospice at home team. The network will review it after a year of "
        "use.</p>"
    ),
)


def _breakthrough_body(*, second_version: bool) -> tuple[Block, ...]:
    routes = [
        [
            "By mouth or feeding tube",
            "First choice if the child can swallow or has a feeding tube",
            "20 to 30 minutes",
            "As on the child's symptom management plan",
        ],
        [
            "Subcutaneous",
            "If the child cannot take medicines by mouth or tube",
            "10 to 20 minutes",
            "As on the plan, worked out from the 24-hour background dose",
        ],
    ]
    if second_version:
        routes.append(
            [
                "Buccal or intranasal",
                "If there is no subcutaneous line",
                "5 to 15 minutes",
                "As on the plan; check the preparation with a pharmacist",
            ]
        )
    body: list[Block] = [
        _warning("Check every dose", CHECK_DOSES),
        _text(
            "<h2>What breakthrough pain is</h2>"
            "<p>Breakthrough pain is a flare of pain through regular (background) pain relief "
            "that otherwise keeps the child comfortable. It may be set off by moving, feeds or "
            "procedures, or come without warning. Pain that is poorly controlled all the time "
            "is different: the background pain relief needs reviewing.</p>"
            "<p>Many children cannot tell you they are in pain. Use a validated pain tool that "
            "suits the child's age and communication, such as FLACC or the Paediatric Pain "
            "Profile, and ask the parents: they know their child's pain cues best.</p>"
        ),
        _text(
            "<h2>Giving a breakthrough dose</h2>"
            "<ol>"
            "<li>Assess the pain and record the score.</li>"
            "<li>Look for a cause you can put right: a full bladder, constipation, a displaced "
            "tube, an uncomfortable position.</li>"
            "<li>Check the plan for the breakthrough medicine, dose, route and the shortest "
            "interval between doses.</li>"
            "<li>Give the dose and record the time.</li>"
            "<li>Reassess and record the pain score once the medicine should have worked (see "
            "the table).</li>"
            "</ol>"
        ),
        _table(
            "Routes for breakthrough pain relief",
            ["Route", "When", "Usually works within", "Dose"],
            *routes,
        ),
    ]
    if second_version:
        body.append(
            _inset(
                "<p>If a child needs three or more breakthrough doses in 24 hours, their "
                "background pain relief probably needs increasing: contact the prescriber the "
                "same day.</p>"
            )
        )
    body += [
        _do(
            "Record every breakthrough dose, with the time and the pain score before and after.",
            "Tell the child's lead nurse or doctor if breakthrough doses are needed more often.",
        ),
        _dont(
            "Do not give a dose sooner than the interval on the plan without medical advice.",
            "Do not change the background pain relief without speaking to the prescriber.",
            "Do not assume that a child who is quiet or still is comfortable.",
        ),
        _care_card(
            "urgent",
            "Get advice now",
            "<p>Call the on-call paediatric palliative care consultant through the switchboard "
            "if:</p>"
            "<ul>"
            "<li>the pain is not relieved after two breakthrough doses</li>"
            "<li>the pain is new, different or severe</li>"
            "<li>the child is unusually drowsy or breathing slowly</li>"
            "</ul>",
        ),
        _expander(
            "Comfort alongside medicines",
            "<p>Repositioning, warmth, massage, distraction and a familiar voice all help, and "
            "parents are often best placed to offer them. They never replace a dose the child "
            "needs.</p>",
        ),
    ]
    if second_version:
        body.append(
            _expander(
                "Doses given by parents at home",
                "<p>Parents record each dose on the home medicines chart. At every visit the "
                "nurse checks the chart and the stock, and copies the doses into the child's "
                "notes.</p>",
            )
        )
    return tuple(body)


_TRANSITION_BODY = (
    _text(
        "<h2>Who this guideline is for</h2>"
        "<p>Everyone who supports a young person with a life-limiting condition between the "
        "ages of 14 and 25: children's and adult health teams, the hospice, social workers, "
        "schools and colleges, and family support workers. Good transition needs all of you, "
        "because a young person's life changes at the same time as their care does.</p>"
        "<p>More young people with life-limiting conditions now live into adulthood. Moving "
        "from children's to adult services means new teams, new places and often losing people "
        "who have known the family for years. Planned well, it can also bring more "
        "independence and a real say in their own care.</p>"
    ),
    _text(
        "<h2>The stages</h2>"
        "<ul>"
        "<li><strong>From 14:</strong> the young person's lead professional starts the "
        "conversation, and a transition plan is added to their education, health and care "
        "(EHC) plan or care plan.</li>"
        "<li><strong>From 16:</strong> the young person is offered time on their own with "
        "professionals, and their capacity to make decisions is considered under the Mental "
        "Capacity Act 2005.</li>"
        "<li><strong>From 17:</strong> adult teams are identified and invited to joint "
        "appointments, and the social worker starts the adult care needs assessment.</li>"
        "<li><strong>At handover:</strong> a named worker in adult services takes over, and "
        "the children's teams stay in touch until the young person is settled.</li>"
        "</ul>"
    ),
    _do(
        "Ask the young person what matters to them: college, work, friends, where they want to "
        "live.",
        "Agree one lead professional who coordinates the plan and keeps everyone informed.",
        "Share the plan, with the young person's consent, with their school or college so that "
        "adjustments carry on.",
    ),
    _dont(
        "Do not leave planning until the young person's 18th birthday.",
        "Do not talk only to parents once the young person is 16: include the young person.",
        "Do not assume adult services offer what children's services did, such as short breaks.",
    ),
    _care_card(
        "primary",
        "If you are worried a young person is falling through the gap",
        "<p>Contact the network coordinator or the transition nurse at Westmoor Children's "
        "Hospital. We can help find the right adult team and bring people together.</p>",
    ),
    _expander(
        "For schools, colleges and social care",
        "<p>You do not need medical knowledge to help. Include health and care needs in "
        "preparing for adulthood reviews, invite the community children's nurse to the Year 9 "
        "review, and plan how the young person will manage medicines and personal care at "
        "college or work.</p>",
    ),
    _inset(
        "<p>Young people from the network's advisory group helped write this guideline. Their "
        "advice to every professional: talk to me, not about me.</p>"
    ),
)

_CARE_AFTER_DEATH_BODY = (
    _text(
        "<h2>The first hours</h2>"
        "<p>After an expected death there is rarely any need to hurry. Give the family time to "
        "be with their child, to hold them and to do what matters to them, in their own way "
        "and in keeping with their faith and culture. Ask what they would like, and follow the "
        "child's advance care plan if there is one.</p>"
    ),
    _care_card(
        "immediate",
        "If the death was not expected",
        "<p>Call 999 and follow the child death review process. Do not move the child or "
        "remove tubes and lines until the police and the on-call paediatrician have "
        "advised.</p>",
    ),
    _text(
        "<h2>Verification and certification</h2>"
        "<p>A doctor, or a registered nurse trained in verification, can verify an expected "
        "death. A doctor who cared for the child in their last illness then completes the "
        "medical certificate of cause of death, which the medical examiner reviews. In England "
        "the death must normally be registered within five days.</p>"
    ),
    _do(
        "Keep the room cool, and offer a cooling mattress or cold cot if the family want their "
        "child to stay at home or in the hospice's special bedroom.",
        "Leave tubes and lines in place but capped, unless the doctor has said they can be "
        "removed.",
        "Offer keepsakes: hand and foot prints, a lock of hair, photographs.",
    ),
    _dont(
        "Do not rush the family or start practical tasks before they are ready.",
        "Do not assume what the family's faith requires: ask them.",
        "Do not forget brothers and sisters: offer them the chance to say goodbye.",
    ),
    _text(
        "<h2>Who to tell</h2>"
        "<p>With the family's agreement, the nurse or hospice team tells these people on the "
        "same or the next working day: the GP, the lead consultant, the community children's "
        "nursing team, the school, the child death review team, and any service due to visit, "
        "so that appointments and deliveries are cancelled.</p>"
    ),
    _expander(
        "For administrative and family support staff",
        "<p>You may take the first call or cancel appointments. Check the child's record for a "
        "note of the death before contacting the family, use the child's name, and pass "
        "questions about care to the nurse in charge. The bereavement support lead at Harebell "
        "House can advise on what to say.</p>",
    ),
    _inset(
        "<p>Harebell House offers bereavement support to every family known to the network, "
        "whether or not their child used the hospice. Offer the referral before you leave.</p>"
    ),
)

_SCHOOL_BODY = (
    _text(
        "<h2>Why school matters</h2>"
        "<p>For most children with life-limiting conditions, school is where their friends are "
        "and where life feels ordinary. Many want to keep coming to school for as long as they "
        "can, even for a few hours a week. With the right plan, school staff can make that "
        "possible and safe.</p>"
        "<p>Schools have a duty to support pupils with medical conditions. You will not be "
        "asked to do anything clinical you have not been trained for, and the child's "
        "community children's nurse is there to help.</p>"
    ),
    _text(
        "<h2>Planning together</h2>"
        "<ul>"
        "<li>Meet the family, the community children's nurse and the school nurse to write or "
        "update the child's individual healthcare plan.</li>"
        "<li>Agree who in school is trained for each task, such as tube feeding, suction or "
        "emergency medicine for seizures.</li>"
        "<li>If the child has an advance care plan, agree with the family what school needs to "
        "know, and keep a copy with the healthcare plan.</li>"
        "<li>Review the plan every term, and whenever the child's condition changes.</li>"
        "</ul>"
    ),
    _care_card(
        "immediate",
        "If a child becomes seriously unwell in school",
        "<p>Follow the emergency section of the child's individual healthcare plan. Call 999 "
        "unless the plan says otherwise, then call the parents. Tell the ambulance crew if the "
        "child has an advance care plan and give them a copy.</p>",
    ),
    _do(
        "Keep the child included in lessons, trips and friendships, adapting activities where "
        "needed.",
        "Agree with the family what classmates will be told, and how.",
        "Look after yourselves: talk to your SENCO or headteacher if you are finding things hard.",
    ),
    _dont(
        "Do not give any medicine that is not in the healthcare plan.",
        "Do not discuss the child's condition with other parents.",
    ),
    _details(
        "When a child in your school dies",
        "<p>The bereavement support lead at Harebell House can help you plan how to tell "
        "pupils and staff, and can visit the school. Child Bereavement UK and Winston's Wish "
        "publish resources for schools.</p>",
    ),
    _inset(
        "<p>Staff at Brackenfield Special School and Greyscar Church of England Primary School "
        "helped write this guideline and tested it in their classrooms.</p>"
    ),
)

_RAPID_TRANSFER_BODY = (
    _text(
        "<h2>When to consider rapid transfer</h2>"
        "<p>Some families want their child to die at home or in the hospice rather than in "
        "hospital. Even in the last hours or days of life, a transfer can usually happen "
        "safely, often within a few hours, if everyone knows their part. Raise it early: many "
        "families do not know it is possible.</p>"
    ),
    _table(
        "Who does what",
        ["Task", "Who", "When"],
        [
            "Agree the decision with the family and record it",
            "Consultant responsible for the child",
            "As soon as the family have chosen",
        ],
        [
            "Ask the community children's nursing team or the hospice to accept the child",
            "Nurse in charge of the ward",
            "Before transport is booked",
        ],
        [
            "Write the symptom management plan and prescribe anticipatory medicines",
            "Consultant, with the ward pharmacist",
            "Before the child leaves",
        ],
        [
            "Complete the advance care plan or DNACPR form and send a copy with the child",
            "Consultant",
            "Before the child leaves",
        ],
        [
            "Book the ambulance or hospice transport and send the letters",
            "Nurse in charge or ward administrator",
            "Once the receiving team has accepted",
        ],
        [
            "Visit at home, or welcome the family at the hospice",
            "Community children's nurse or hospice nurse",
            "Within an hour of arrival",
        ],
    ),
    _text(
        "<h2>What travels with the child</h2>"
        "<ul>"
        "<li>The symptom management plan and the advance care plan or DNACPR form</li>"
        "<li>Anticipatory medicines with a signed administration chart</li>"
        "<li>A syringe driver, oxygen and suction if the child needs them</li>"
        "<li>A letter for the GP and the out-of-hours service</li>"
        "</ul>"
    ),
    _warning(
        "Medicines must travel with the child",
        "<p>No child leaves without their anticipatory medicines and a signed chart: the "
        "community team cannot give medicines without them. Doses must be checked against the "
        "BNFc and the child's individual symptom management plan.</p>",
        level=3,
    ),
    _do(
        "Tell the family honestly that their child may die on the journey, and agree what the "
        "crew will do if so.",
        "Phone the GP practice so that the out-of-hours service is expecting the child.",
    ),
    _dont(
        "Do not wait for a perfect plan: a safe, simple plan today is better than a complete "
        "one tomorrow.",
        "Do not book transport before the receiving team has agreed to take over.",
    ),
    _expander(
        "For ward administrators and hospice reception staff",
        "<p>You may be asked to book transport, send letters and make calls. Use the rapid "
        "transfer checklist on the ward, mark the calls as urgent, and tell the nurse in charge "
        "as soon as transport is confirmed. When a family arrives at the hospice, take them "
        "straight to their room: the paperwork can wait.</p>",
    ),
    _inset(f"<p>Out of hours, reach {HELPLINE}.</p>"),
)


def _advance_care_planning_body(*, second_version: bool) -> tuple[Block, ...]:
    sharing = (
        "<p>With the family's consent, send copies to the GP, the community children's "
        "nursing team, the hospice, the school nurse and the lead hospital team. Give the "
        "family a copy to keep at home, where an ambulance crew can find it.</p>"
    )
    if second_version:
        sharing += (
            "<p>Ask the ambulance service to flag the plan on their records, so that crews "
            "see it as soon as they are called.</p>"
        )
    body: list[Block] = [
        _text(
            "<h2>What advance care planning is</h2>"
            "<p>Advance care planning is a series of conversations, over time, between a child "
            "or young person, their family and the professionals who know them, about what "
            "matters most to them and how they want to be cared for if they become more "
            "unwell. It covers far more than resuscitation: where the child would like to be "
            "cared for, what they want to keep doing, their spiritual and cultural wishes, and "
            "how their family would like to be supported.</p>"
            "<p>The plan is written down so that it can guide anyone caring for the child, "
            "including teams who have never met them, such as the ambulance service or an "
            "out-of-hours doctor.</p>"
        ),
        _text(
            "<h2>Starting the conversation</h2>"
            "<p>There is rarely a perfect moment. Good times to offer a conversation include a "
            "new diagnosis of a life-limiting condition, a significant deterioration or "
            "admission, or when the family raise worries about the future. Ask permission, go "
            "at the family's pace and expect to come back to it more than once.</p>"
        ),
    ]
    if second_version:
        body += [
            _text(
                "<h2>The regional plan</h2>"
                "<p>Use the Child and Young Person's Advance Care Plan (CYPACP) form, which "
                "every organisation in the network now recognises. The plan stays with the "
                "child across settings: services do not write their own.</p>"
            ),
            _text(
                "<h2>Young people aged 16 and over</h2>"
                "<p>From 16 the Mental Capacity Act 2005 applies. A young person with capacity "
                "makes their own decisions about their care, though most want their family "
                "involved. If a young person lacks capacity for a decision, it is made in their "
                "best interests with their family and the people who know them. Record "
                "capacity assessments with the plan.</p>"
            ),
        ]
    body += [
        _do(
            "Find out what the child or young person understands and wants to know, in a way "
            "that suits their age and development.",
            "Involve the people the family trust, including a faith leader or family support "
            "worker if they wish.",
            "Record decisions clearly, and tell the family who the plan will be shared with.",
        ),
        _dont(
            "Do not present resuscitation as a choice between everything and nothing.",
            "Do not try to cover everything in one conversation.",
            "Do not leave a family without a named person to contact afterwards.",
        ),
        _care_card("primary", "Sharing the plan", sharing),
        _expander(
            "For family support workers, chaplains and other non-clinical staff",
            "<p>Families often first share their hopes and fears with someone who is not their "
            "doctor or nurse. Listen, and ask whether they would like you to tell their lead "
            "nurse or doctor. You do not need to answer medical questions: you can help the "
            "family think about what matters to them.</p>",
        ),
        _inset(
            "<p>Advance care plans are reviewed at least once a year, and whenever the child's "
            "condition or the family's wishes change.</p>"
        ),
    ]
    return tuple(body)


# In the order they are created: a guideline only links to guidelines created before it.
GUIDELINES: tuple[DemoGuideline, ...] = (
    DemoGuideline(
        slug=ANTICIPATORY_MEDICINES,
        title="Anticipatory medicines for children at home",
        summary=(
            "Planning, prescribing, supplying and using just-in-case medicines, so that a child "
            "at home can have their symptoms relieved quickly, day or night."
        ),
        category=Category.END_OF_LIFE_CARE,
        care_settings=("community", "hospice"),
        audiences=(CLINICAL,),
        owner=CLAIRE_ROBSON,
        versions=(
            DemoVersion(
                body=_ANTICIPATORY_BODY,
                days_ago=470,
                # A one-year review, now overdue.
                review_after_months=12,
                clinical_reviewer=TOM_GALLAGHER,
                clinical_comment=(
                    "Pharmacy review complete: the supply route and stock check match the "
                    "community pharmacy arrangements. We suggest reviewing it after a year of use."
                ),
                executive=EXEC_CHAIR,
                executive_comment="Endorsed, with a review after one year as recommended.",
                acknowledged_share=0.65,
                acknowledged_by=(NURSE,),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 21, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 35, ADOPTED),
                    DemoAdoption(
                        UPPER_GARTHDALE_CCN,
                        50,
                        ADOPTED_WITH_CHANGES,
                        "Boxes are supplied by the community pharmacy in Thornby Bridge rather "
                        "than the hospital pharmacy, because most of our families live 30 to 40 "
                        "miles from Westmoor.",
                    ),
                    DemoAdoption(EASTFELL_CCN, 30, UNDER_REVIEW),
                    DemoAdoption(EASTFELL_CCN, 120, ADOPTED),
                    DemoAdoption(THORNBY_BRIDGE_PRACTICE, 64, ADOPTED),
                    DemoAdoption(
                        BRACKENFIELD_SCHOOL,
                        42,
                        NOT_ADOPTED,
                        "Anticipatory medicines are given by the community children's nursing "
                        "team and by families, not by school staff. Our healthcare plans refer "
                        "to the community team instead.",
                    ),
                ),
            ),
        ),
    ),
    DemoGuideline(
        slug=BREAKTHROUGH_PAIN,
        title="Managing breakthrough pain",
        summary=(
            "Recognising, assessing and treating breakthrough pain in a child on regular pain "
            "relief, at home, in hospital or in the hospice, using their symptom management plan."
        ),
        category=Category.SYMPTOM_MANAGEMENT,
        care_settings=("hospital", "hospice", "community"),
        audiences=(CLINICAL,),
        owner=TOM_GALLAGHER,
        versions=(
            DemoVersion(
                body=_breakthrough_body(second_version=False),
                days_ago=520,
                review_after_months=36,
                clinical_reviewer=ANDREW_COLLIER,
                clinical_comment=(
                    "Reviewed at the clinical steering group. Clear and practical; the table "
                    "of routes matches the regional formulary."
                ),
                executive=PETER_HAIGH,
                executive_comment="Endorsed by the executive committee.",
                acknowledged_share=0.6,
                acknowledged_by=(NURSE,),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 30, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 20, UNDER_REVIEW),
                    DemoAdoption(WESTMOOR_CCN, 95, ADOPTED),
                    DemoAdoption(
                        UPPER_GARTHDALE_CCN,
                        60,
                        ADOPTED_WITH_CHANGES,
                        "The on-call nurse phones the family after every breakthrough dose "
                        "given by parents overnight, because our nearest nurse can be 90 "
                        "minutes away.",
                    ),
                    DemoAdoption(EASTFELL_CCN, 45, UNDER_REVIEW),
                    DemoAdoption(THORNBY_BRIDGE_PRACTICE, 75, ADOPTED),
                ),
            ),
            DemoVersion(
                body=_breakthrough_body(second_version=True),
                days_ago=150,
                review_after_months=36,
                change_summary=(
                    "Adds the buccal and intranasal routes for children without a "
                    "subcutaneous line, a prompt to review background pain relief after three "
                    "breakthrough doses in 24 hours, and how to record doses that parents give "
                    "at home."
                ),
                related=(ANTICIPATORY_MEDICINES,),
                clinical_reviewer=JAMES_THORNTON,
                clinical_comment=(
                    "Approved. The community teams' comments on parents giving doses at home "
                    "have been taken in."
                ),
                executive=EXEC_CHAIR,
                executive_comment="Endorsed.",
                acknowledged_share=0.35,
                not_acknowledged_by=(NURSE,),
                adoptions=(DemoAdoption(EASTFELL_CCN, 40, ADOPTED),),
            ),
        ),
    ),
    DemoGuideline(
        slug=TRANSITION,
        title="Planning transition to adult services",
        summary=(
            "How health, social care, education and family support staff work together from "
            "age 14, so that a young person's move to adult services is planned and safe."
        ),
        category=Category.TRANSITION,
        care_settings=("hospital", "community", "school"),
        audiences=(CLINICAL, NON_CLINICAL, UNIVERSAL),
        owner=ANDREW_COLLIER,
        versions=(
            DemoVersion(
                body=_TRANSITION_BODY,
                days_ago=430,
                # Review brought forward to meet the all-age transition pathway: due soon.
                review_after_months=16,
                clinical_reviewer=JAMES_THORNTON,
                clinical_comment=(
                    "Reviewed with the education steering group and the young people's "
                    "advisory group. Approved."
                ),
                executive=PETER_HAIGH,
                executive_comment=(
                    "Endorsed. Please review it alongside the all-age transition pathway when "
                    "that is published."
                ),
                acknowledged_share=0.45,
                acknowledged_by=(NURSE,),
                not_acknowledged_by=(TEACHER, ADMIN),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 45, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 60, UNDER_REVIEW),
                    DemoAdoption(
                        BRACKENFIELD_SCHOOL,
                        70,
                        ADOPTED_WITH_CHANGES,
                        "Transition planning is led by our post-16 department and starts at the "
                        "Year 9 annual review, alongside the preparing for adulthood review in "
                        "each pupil's EHC plan.",
                    ),
                    DemoAdoption(
                        THORNBY_BRIDGE_PRACTICE,
                        88,
                        NOT_ADOPTED,
                        "We follow the integrated care board's transition pathway for all young "
                        "people. Our lead GP will look again once the network and ICB pathways "
                        "are aligned.",
                    ),
                    DemoAdoption(EASTFELL_CCN, 100, ADOPTED),
                ),
            ),
        ),
    ),
    DemoGuideline(
        slug=CARE_AFTER_DEATH,
        title="Care after a child's death at home or in the hospice",
        summary=(
            "The first hours after a child dies at home or in the hospice: verification, "
            "caring for the child's body, supporting the family and telling the right people."
        ),
        category=Category.CARE_AFTER_DEATH,
        care_settings=("hospice", "community"),
        audiences=(CLINICAL, NON_CLINICAL),
        owner=JOANNE_PICKERING,
        versions=(
            DemoVersion(
                body=_CARE_AFTER_DEATH_BODY,
                days_ago=300,
                review_after_months=36,
                clinical_reviewer=ANDREW_COLLIER,
                clinical_comment=(
                    "Approved. Clear on the difference between expected and unexpected deaths."
                ),
                executive=EXEC_CHAIR,
                executive_comment="Endorsed by the executive committee.",
                acknowledged_share=0.5,
                acknowledged_by=(ADMIN,),
                not_acknowledged_by=(NURSE,),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 10, ADOPTED),
                    DemoAdoption(
                        WESTMOOR_CCN,
                        45,
                        ADOPTED_WITH_CHANGES,
                        "We do not hold a cold cot: the on-call nurse borrows one from Harebell "
                        "House under the hospice's loan arrangement.",
                    ),
                    DemoAdoption(UPPER_GARTHDALE_CCN, 30, UNDER_REVIEW),
                    DemoAdoption(EASTFELL_CCN, 60, ADOPTED),
                    DemoAdoption(THORNBY_BRIDGE_PRACTICE, 80, ADOPTED),
                ),
            ),
        ),
    ),
    DemoGuideline(
        slug=SCHOOL,
        title="Supporting a child with a life-limiting condition in school",
        summary=(
            "For teachers, teaching assistants, SENCOs and school nurses: planning with the "
            "family and community team, healthcare plans, and what to do if a child becomes "
            "unwell."
        ),
        category=Category.EDUCATION_AND_SCHOOL,
        care_settings=("school", "community"),
        audiences=(UNIVERSAL, CLINICAL),
        owner=AISHA_BEGUM,
        versions=(
            DemoVersion(
                body=_SCHOOL_BODY,
                days_ago=200,
                review_after_months=36,
                related=(TRANSITION,),
                clinical_reviewer=JOANNE_PICKERING,
                clinical_comment=(
                    "Approved, with thanks to Brackenfield and Greyscar for testing it with "
                    "their staff."
                ),
                executive=PETER_HAIGH,
                executive_comment="Endorsed.",
                acknowledged_share=0.4,
                acknowledged_by=(TEACHER, NURSE),
                adoptions=(
                    DemoAdoption(BRACKENFIELD_SCHOOL, 14, UNDER_REVIEW),
                    DemoAdoption(BRACKENFIELD_SCHOOL, 75, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 30, ADOPTED),
                    DemoAdoption(
                        EASTFELL_CCN,
                        40,
                        ADOPTED_WITH_CHANGES,
                        "Our team covers fourteen village schools, so we run the training for "
                        "school staff once a term at Greyscar Primary rather than in each school.",
                    ),
                ),
            ),
        ),
    ),
    DemoGuideline(
        slug=RAPID_TRANSFER,
        title="Rapid transfer home for end-of-life care",
        summary=(
            "When a child is dying in hospital and the family want to take them home or to the "
            "hospice: who does what, what travels with the child, and the first visit."
        ),
        category=Category.RAPID_TRANSFER,
        care_settings=("hospital", "hospice", "community"),
        audiences=(CLINICAL, NON_CLINICAL),
        owner=FACILITATOR,
        versions=(
            DemoVersion(
                body=_RAPID_TRANSFER_BODY,
                # The members demo's news article announces this endorsement.
                endorsed_on=datetime.date(2026, 9, 2),
                days_ago=85,
                review_after_months=36,
                related=(ANTICIPATORY_MEDICINES, CARE_AFTER_DEATH),
                clinical_reviewer=JAMES_THORNTON,
                clinical_comment=(
                    "Reviewed by the clinical steering group with comments from every "
                    "community children's nursing team. Approved."
                ),
                executive=EXEC_CHAIR,
                executive_comment="Endorsed by the executive committee.",
                acknowledged_share=0.3,
                not_acknowledged_by=(NURSE, ADMIN),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 12, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 20, ADOPTED),
                    DemoAdoption(UPPER_GARTHDALE_CCN, 18, UNDER_REVIEW),
                    DemoAdoption(EASTFELL_CCN, 25, UNDER_REVIEW),
                    DemoAdoption(
                        EASTFELL_CCN,
                        70,
                        ADOPTED_WITH_CHANGES,
                        "Saltmouth is over an hour from Westmoor: our nurse meets the child at "
                        "home rather than travelling with them, and the ward hands over by "
                        "phone when the ambulance leaves.",
                    ),
                ),
            ),
        ),
    ),
    DemoGuideline(
        slug=ADVANCE_CARE_PLANNING,
        title="Advance care planning conversations",
        summary=(
            "Starting, holding and recording advance care planning conversations with children, "
            "young people and families, and making sure the plan reaches everyone who needs it."
        ),
        category=Category.ADVANCE_CARE_PLANNING,
        care_settings=("hospital", "hospice", "community"),
        audiences=(CLINICAL, NON_CLINICAL),
        owner=JAMES_THORNTON,
        versions=(
            DemoVersion(
                body=_advance_care_planning_body(second_version=False),
                days_ago=390,
                review_after_months=36,
                related=(TRANSITION,),
                clinical_reviewer=JOANNE_PICKERING,
                clinical_comment=(
                    "Approved. The section for non-clinical staff is especially welcome."
                ),
                executive=EXEC_CHAIR,
                executive_comment="Endorsed.",
                acknowledged_share=0.55,
                acknowledged_by=(NURSE, ADMIN),
                adoptions=(
                    DemoAdoption(HAREBELL_HOUSE, 15, ADOPTED),
                    DemoAdoption(WESTMOOR_CCN, 40, ADOPTED),
                    DemoAdoption(UPPER_GARTHDALE_CCN, 25, ADOPTED),
                    DemoAdoption(EASTFELL_CCN, 50, UNDER_REVIEW),
                    DemoAdoption(EASTFELL_CCN, 140, ADOPTED),
                    DemoAdoption(
                        THORNBY_BRIDGE_PRACTICE,
                        90,
                        ADOPTED_WITH_CHANGES,
                        "We also add an alert to the child's GP record and, with the family's "
                        "consent, share the plan with the out-of-hours GP service.",
                    ),
                ),
            ),
            DemoVersion(
                body=_advance_care_planning_body(second_version=True),
                days_ago=12,
                review_after_months=36,
                change_summary=(
                    "Uses the regional Child and Young Person's Advance Care Plan (CYPACP) form "
                    "now recognised across the network, adds a section on young people aged 16 "
                    "and over and the Mental Capacity Act, and asks teams to have the plan "
                    "flagged with the ambulance service."
                ),
                related=(TRANSITION, RAPID_TRANSFER, CARE_AFTER_DEATH),
                clinical_reviewer=ANDREW_COLLIER,
                clinical_comment=(
                    "Approved. Matches the regional CYPACP form and the ambulance service's "
                    "process for flagging plans."
                ),
                executive=PETER_HAIGH,
                executive_comment="Endorsed by the executive committee.",
                acknowledged_share=0.2,
                not_acknowledged_by=(NURSE, ADMIN),
                adoptions=(DemoAdoption(HAREBELL_HOUSE, 5, UNDER_REVIEW),),
            ),
        ),
    ),
)


# --- Helpers -----------------------------------------------------------------------------------


def _user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _approved_demo_members() -> Any:
    """Approved, active demo accounts (never anyone else who happens to be in the database)."""
    return User.objects.filter(
        approval_status=ApprovalStatus.APPROVED,
        is_active=True,
        email__iendswith=DEMO_DOMAIN,
    ).order_by("email")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _fraction(key: str) -> float:
    """A stable number in [0, 1) for `key`, the same on every run and every machine."""
    return zlib.crc32(key.encode()) / 2**32


def _endorsed_at(version: DemoVersion, now: datetime.datetime) -> datetime.datetime:
    today = now.astimezone(_zone()).date()
    day = today - datetime.timedelta(days=version.days_ago)
    if version.endorsed_on is not None:
        anchored = datetime.datetime.combine(version.endorsed_on, ENDORSED_AT, tzinfo=_zone())
        if now - DEMO_HISTORY <= anchored <= now - datetime.timedelta(days=1):
            day = version.endorsed_on
    return datetime.datetime.combine(day, ENDORSED_AT, tzinfo=_zone())


def _backdate(page_id: int, since: datetime.datetime, when: datetime.datetime) -> None:
    """Move everything recorded about the page since `since` (real time) back to `when`."""
    for field in ("first_published_at", "last_published_at", "latest_revision_created_at"):
        GuidelinePage.objects.filter(pk=page_id, **{f"{field}__gte": since}).update(**{field: when})
    page = GuidelinePage.objects.get(pk=page_id)
    Revision.objects.for_instance(page).filter(created_at__gte=since).update(created_at=when)
    PageLogEntry.objects.filter(page_id=page_id, timestamp__gte=since).update(timestamp=when)
    workflow_states = WorkflowState.objects.for_instance(page)
    workflow_states.filter(created_at__gte=since).update(created_at=when)
    task_states = TaskState.objects.filter(workflow_state__in=workflow_states)
    task_states.filter(started_at__gte=since).update(started_at=when)
    task_states.filter(finished_at__gte=since).update(finished_at=when)
    EndorsedVersion.objects.filter(guideline_id=page_id, endorsed_at__gte=since).update(
        endorsed_at=when
    )
    EndorsementApproval.objects.filter(
        version__guideline_id=page_id, approved_at__gte=since
    ).update(approved_at=when)


def _content(
    index: GuidelineIndexPage,
    spec: DemoGuideline,
    version: DemoVersion,
    review_due: datetime.date,
) -> dict[str, Any]:
    """The page's fields for this version; related guidelines not created yet are left out."""
    related = dict(
        GuidelinePage.objects.child_of(index)
        .filter(slug__in=version.related)
        .values_list("slug", "pk")
    )
    values: dict[str, Any] = {
        "title": spec.title,
        "summary": spec.summary,
        "body": copy.deepcopy(list(version.body)),
        "category": spec.category,
        "change_summary": version.change_summary,
        "review_due": review_due,
        "related_guidelines": [
            {"type": "guideline", "value": related[slug]}
            for slug in version.related
            if slug in related
        ],
    }
    for code, field, _label in CARE_SETTINGS:
        values[field] = code in spec.care_settings
    for group, field, _label in AUDIENCES:
        values[field] = group in spec.audiences
    return values


# --- Loading -----------------------------------------------------------------------------------


def _endorse(
    index: GuidelineIndexPage,
    page: GuidelinePage | None,
    spec: DemoGuideline,
    version: DemoVersion,
    endorsed_at: datetime.datetime,
) -> GuidelinePage:
    """Draft the version (a new page if `page` is None), take it through the workflow, backdate."""
    owner = _user(spec.owner)
    review_due = _add_months(endorsed_at.date(), version.review_after_months)
    values = _content(index, spec, version, review_due)
    since = timezone.now()
    if page is None:
        page = GuidelinePage(slug=spec.slug, live=False, guideline_owner=owner, **values)
        index.add_child(instance=page)
    else:
        for name, value in values.items():
            setattr(page, name, value)
    page.save_revision(user=owner)
    _backdate(page.pk, since, endorsed_at - DRAFTED_BEFORE)

    since = timezone.now()
    services.submit_for_endorsement(page, _user(COORDINATOR))
    _backdate(page.pk, since, endorsed_at - SUBMITTED_BEFORE)

    since = timezone.now()
    services.approve_step(page, _user(version.clinical_reviewer), comment=version.clinical_comment)
    _backdate(page.pk, since, endorsed_at - REVIEWED_BEFORE)

    since = timezone.now()
    services.approve_step(page, _user(version.executive), comment=version.executive_comment)
    _backdate(page.pk, since, endorsed_at)
    return GuidelinePage.objects.get(pk=page.pk)


def _acknowledgers(
    page: GuidelinePage, version: DemoVersion, number: int, previous: list[User] | None
) -> list[User]:
    """Who acknowledges this version: a stable sample, then the named inclusions and exclusions."""
    audience = list(_approved_demo_members().filter(staff_group__in=page.audience_groups))
    pool = audience if previous is None else previous
    count = min(len(pool), round(version.acknowledged_share * len(audience)))
    chosen = sorted(pool, key=lambda user: _fraction(f"{page.slug}:{number}:{user.email}"))
    chosen = chosen[:count]
    emails = {user.email.lower() for user in chosen}
    audience_by_email = {user.email.lower(): user for user in audience}
    chosen += [
        audience_by_email[email]
        for email in version.acknowledged_by
        if email in audience_by_email and email not in emails
    ]
    excluded = {email.lower() for email in version.not_acknowledged_by}
    return [user for user in chosen if user.email.lower() not in excluded]


def _acknowledge(
    page: GuidelinePage,
    number: int,
    users: list[User],
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    """Each user acknowledges the current version, at a time between `start` and `end`.

    Most members read a new version in its first weeks, a few much later, and mostly during
    the working day.
    """
    first, last = start + datetime.timedelta(hours=2), end - datetime.timedelta(hours=1)
    for user in users:
        acknowledgement = services.acknowledge(user, page, number)
        key = f"{page.slug}:{number}:{user.email}"
        moment = first + (last - first) * _fraction(f"{key}:day") ** 2
        in_working_day = datetime.datetime.combine(
            moment.astimezone(_zone()).date(), WORKING_DAY_STARTS, tzinfo=_zone()
        ) + WORKING_DAY * _fraction(f"{key}:time")
        if first <= in_working_day <= last:
            moment = in_working_day
        Acknowledgement.objects.filter(pk=acknowledgement.pk).update(acknowledged_at=moment)


def _lead(organisation: Organisation) -> User | None:
    return (
        organisation.leads.filter(approval_status=ApprovalStatus.APPROVED, is_active=True)
        .order_by("pk")
        .first()
    )


def _record_adoptions(
    page: GuidelinePage,
    version: DemoVersion,
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    """Leads record what the version says, oldest first; anything not yet due is left out."""
    organisations = Organisation.objects.in_bulk(
        [adoption.organisation for adoption in version.adoptions], field_name="slug"
    )
    for adoption in sorted(version.adoptions, key=lambda adoption: adoption.days_after):
        at = start + datetime.timedelta(days=adoption.days_after, hours=-5)
        organisation = organisations.get(adoption.organisation)
        lead = _lead(organisation) if organisation is not None else None
        if lead is None or at >= end:
            continue
        services.record_adoption(lead, page, organisation, adoption.status, adoption.reason, at=at)


def _load_guideline(index: GuidelineIndexPage, spec: DemoGuideline, now: datetime.datetime) -> None:
    page: GuidelinePage | None = None
    previous: list[User] | None = None
    times = [_endorsed_at(version, now) for version in spec.versions]
    for number, version in enumerate(spec.versions, start=1):
        endorsed_at = times[number - 1]
        until = times[number] if number < len(times) else now
        page = _endorse(index, page, spec, version, endorsed_at)
        previous = _acknowledgers(page, version, number, previous)
        _acknowledge(page, number, previous, endorsed_at, until)
        _record_adoptions(page, version, endorsed_at, until)


def load_guidelines() -> str:
    """The demo guidelines exist, endorsed, acknowledged and adopted; existing ones are kept."""
    index = GuidelineIndexPage.objects.first()
    if index is None:
        raise CommandError("The guideline index page is missing: run `manage.py migrate` first.")
    now = timezone.now()
    existing = set(index.get_children().values_list("slug", flat=True))
    for spec in GUIDELINES:
        if spec.slug in existing:
            continue
        try:
            _load_guideline(index, spec, now)
        except services.GuidelineError as error:
            raise CommandError(f"Could not load the guideline {spec.title!r}: {error}") from error
    pages = GuidelinePage.objects.child_of(index).filter(slug__in=[s.slug for s in GUIDELINES])
    versions = EndorsedVersion.objects.filter(guideline__in=pages)
    revised = versions.values("guideline").annotate(n=Count("pk")).filter(n__gt=1).count()
    today = timezone.localdate()
    overdue = sum(page.is_review_overdue(today) for page in pages)
    due_soon = sum(page.is_review_due_soon(today) for page in pages)
    acknowledgements = Acknowledgement.objects.filter(guideline__in=pages).count()
    adoptions = Adoption.objects.filter(guideline__in=pages)
    changes = AdoptionChange.objects.filter(adoption__in=adoptions).count()
    return (
        f"{pages.count()} guidelines ({versions.count()} endorsed versions, {revised} revised; "
        f"{overdue} overdue for review, {due_soon} due within 90 days), "
        f"{acknowledgements} acknowledgements, {adoptions.count()} adoption records "
        f"({changes} changes)"
    )


DEMO_STEPS: Sequence[Step] = (load_guidelines,)
