"""The demo partnership behind ``manage.py seed_demo``.

An invented partnership (Northshire) with thirteen agencies across the sectors, each with a
practitioner, a manager, a senior manager and stage contacts; the partnership team; and about
300 escalations over the last two reporting years and this one, in every state.

Every change to an escalation is made through ``escalations.services`` under a clock moved by
time-machine, and the clock's own part (acknowledgements chased, reminders, breaches, escalation
on breach under policy v1) comes from the flow's real timers, fired at their moments as the
clock passes them. So history, stage records and timers are what the application writes. The
random choices come from ``random.Random(2026)``: the same data every time for the same day.
Everything is invented: people, agencies, and children, who appear as case numbers only.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Case, Count, DateTimeField, F, Value, When
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from escalations import services
from escalations.audit import create_with_reason, save_with_reason
from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    ClosureDay,
    Decision,
    Escalation,
    Extension,
    ExtensionStatus,
    FamilyInformed,
    Membership,
    Notification,
    Outcome,
    Partnership,
    Policy,
    Role,
    Sector,
    Side,
    Signposting,
    SignpostRoute,
    StageContact,
    StageHolder,
    StageRecord,
    User,
)
from escalations.services import ChildDetails
from workflows import calendar
from workflows.calendar import LONDON
from workflows.failures import failed_tasks
from workflows.states import OPEN_STATES, Status
from workflows.sweep import fire_due_timers

__all__ = ["DEFAULT_COUNT", "DEMO_PASSWORD", "PARTNERSHIP_NAME", "DemoSummary", "build_demo"]

PARTNERSHIP_NAME = "Northshire Safeguarding Children Partnership"
DEMO_PASSWORD = "resolve-demo"  # noqa: S105 - the one documented demo sign-in, not a secret
SEED = 2026
DEFAULT_COUNT = 300
REASON = "Demo data"

MINUTE = dt.timedelta(minutes=1)
ONE_DAY = dt.timedelta(days=1)
WORKDAY = (dt.time(9), dt.time(17))
OPEN_SHARE = 0.04  # raised in the last few weeks and still open
URGENT_SHARE = 0.1
THEMATIC_SHARE = 0.03
CSC_SHARE = 0.8  # most escalations are about children's social care decisions
SCHOOLS = ("primary", "academy")
PREFIX: dict[str, str] = {
    Role.PRACTITIONER: "practitioner",
    Role.MANAGER: "manager",
    Role.SENIOR_MANAGER: "senior",
}


# the partnership ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    slug: str
    name: str
    sector: str
    prefix: str  # of the agency's case numbers
    raises: int  # how often it raises escalations, relatively
    receives: int  # how often it receives those not against children's social care
    titles: tuple[str, str, str]  # practitioner, manager, senior manager
    colleagues: tuple[str, ...] = ()  # roles with a second person, to hand stages over to


AGENCIES = (
    AgencySpec(
        "csc",
        "Northshire Children's Services: Front Door and MASH",
        Sector.CHILDRENS_SOCIAL_CARE,
        "CSC",
        8,
        0,
        ("Social Worker, MASH", "Team Manager, MASH", "Head of Service, Front Door and Assessment"),
        (Role.PRACTITIONER, Role.MANAGER),
    ),
    AgencySpec(
        "police",
        "Northshire Police",
        Sector.POLICE,
        "POL",
        14,
        5,
        (
            "Detective Constable, Child Abuse Investigation Team",
            "Detective Sergeant, Child Abuse Investigation Team",
            "Detective Chief Inspector, Public Protection",
        ),
        (Role.PRACTITIONER,),
    ),
    AgencySpec(
        "icb",
        "NHS Northshire Integrated Care Board",
        Sector.HEALTH_ICB,
        "ICB",
        3,
        0,
        (
            "Safeguarding Children Practitioner",
            "Deputy Designated Nurse for Safeguarding Children",
            "Designated Nurse for Safeguarding Children",
        ),
    ),
    AgencySpec(
        "hospital",
        "Northshire Hospitals NHS Trust",
        Sector.HEALTH_HOSPITAL,
        "NHT",
        10,
        3,
        (
            "Paediatric Liaison Health Visitor",
            "Named Nurse for Safeguarding Children",
            "Head of Safeguarding",
        ),
    ),
    AgencySpec(
        "community",
        "Northshire Community Health 0-19 Service",
        Sector.HEALTH_COMMUNITY,
        "CHS",
        14,
        1,
        ("Health Visitor", "0-19 Safeguarding Team Leader", "Named Nurse, Community Health"),
    ),
    AgencySpec(
        "gp",
        "Millbrook Medical Practice",
        Sector.HEALTH_GP,
        "GP",
        5,
        1,
        ("Salaried GP", "GP Safeguarding Lead", "Senior Partner"),
    ),
    AgencySpec(
        "camhs",
        "Northshire CAMHS",
        Sector.HEALTH_MENTAL,
        "CAMHS",
        5,
        4,
        ("CAMHS Clinician", "CAMHS Duty Team Leader", "CAMHS Service Manager"),
    ),
    AgencySpec(
        "primary",
        "St Aidan's CE Primary School",
        Sector.EDUCATION_SCHOOL,
        "SAP",
        12,
        1,
        (
            "Designated Safeguarding Lead",
            "Headteacher",
            "Executive Headteacher, Northshire Diocesan Schools Trust",
        ),
    ),
    AgencySpec(
        "academy",
        "Castlegate Academy",
        Sector.EDUCATION_SCHOOL,
        "CGA",
        12,
        1,
        (
            "Designated Safeguarding Lead",
            "Principal",
            "Director of Safeguarding, Castlegate Learning Trust",
        ),
    ),
    AgencySpec(
        "probation",
        "Probation Service: Northshire Delivery Unit",
        Sector.PROBATION,
        "PRB",
        0,  # never raises one: under-use is a finding in the annual report
        1,
        ("Probation Officer", "Senior Probation Officer", "Head of the Probation Delivery Unit"),
    ),
    AgencySpec(
        "yjs",
        "Northshire Youth Justice Service",
        Sector.YOUTH_JUSTICE,
        "YJS",
        5,
        0,
        ("Youth Justice Officer", "Youth Justice Team Manager", "Head of Youth Justice"),
    ),
    AgencySpec(
        "housing",
        "Northshire District Council Housing Options",
        Sector.HOUSING,
        "HSG",
        3,
        2,
        ("Housing Options Officer", "Housing Options Team Leader", "Head of Housing"),
    ),
    AgencySpec(
        "das",
        "Harbour Domestic Abuse Service",
        Sector.DOMESTIC_ABUSE,
        "HDA",
        5,
        0,
        ("Independent Domestic Violence Adviser", "Service Manager", "Chief Executive"),
    ),
)
SPECS = {spec.slug: spec for spec in AGENCIES}

PARTNERSHIP_TEAM = (
    ("lead", Role.PARTNERSHIP_LEAD, "Partnership Business Manager"),
    ("scrutineer", Role.SCRUTINEER, "Independent Scrutineer"),
    ("analyst", Role.ANALYST, "Performance and Quality Assurance Analyst"),
)

NAMES = (
    "Amara Okafor",
    "Ben Hartley",
    "Catherine Doyle",
    "Daniel Price",
    "Eleanor Whitfield",
    "Farhan Qureshi",
    "Grace Lindqvist",
    "Harry Burrows",
    "Imogen Clarke",
    "Jamal Reid",
    "Karen Ashworth",
    "Liam Fairbrother",
    "Maya Patel",
    "Nathan Cole",
    "Olivia Brennan",
    "Priya Raman",
    "Rhys Morgan",
    "Sarah Kettle",
    "Tom Atherton",
    "Uma Desai",
    "Victoria Lowe",
    "William Okoro",
    "Yasmin Farah",
    "Zoe Mercer",
    "Aidan Moss",
    "Bethany Crane",
    "Callum Shaw",
    "Deborah Nkemelu",
    "Ellis Thornton",
    "Fiona Caldwell",
    "Gareth Penhale",
    "Hannah Ibbotson",
    "Isaac Mensah",
    "Joanna Pryce",
    "Kieran Walsh",
    "Laura Sefton",
    "Mohammed Iqbal",
    "Natalie Greaves",
    "Owen Lloyd",
    "Philippa Marsh",
    "Rachel Dunmore",
    "Samuel Adeyemi",
    "Tessa Rowntree",
    "Vikram Sandhu",
    "Wendy Halloran",
    "Helen Stride",
    "Martin Ogden",
    "Adele Fenwick",
)

NEED_LEVELS = (
    "Level 1: universal",
    "Level 2: early help",
    "Level 3: child in need",
    "Level 4: child protection and specialist",
)
AGE_BANDS = ("Unborn", "Under 1", "1 to 4", "5 to 10", "11 to 15", "16 to 17")
AGE_BANDS_BY_RAISER = {
    "primary": AGE_BANDS[3:4],
    "academy": AGE_BANDS[4:],
    "community": AGE_BANDS[:3],
    "yjs": AGE_BANDS[4:],
    "camhs": AGE_BANDS[4:],
}


# what the escalations are about ---------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One kind of disagreement, in the words of the raise form (never a name)."""

    category: str
    receivers: tuple[str, ...]
    decision: str
    reasons: str
    sought: str
    impact: str
    changed: str  # the resolution summary when the decision is changed


CATEGORY_WEIGHTS = {
    Category.THRESHOLD: 30,
    Category.ASSESSMENT: 9,
    Category.STRATEGY_S47: 8,
    Category.CP_PLAN: 4,
    Category.DRIFT: 10,
    Category.STEP_DOWN: 9,
    Category.ROLES: 4,
    Category.CROSS_BORDER: 2,
    Category.INFORMATION_SHARING: 12,
    Category.EXPLOITATION: 5,
    Category.RESOURCES: 5,
    Category.OTHER: 2,
}

CSC = ("csc",)
STORIES = (
    Story(
        Category.THRESHOLD,
        CSC,
        "Referral closed at the front door with no further action: assessed as not meeting "
        "the threshold for a child and family assessment.",
        "Third police attendance for domestic abuse in six weeks, with a baby under one in the "
        "home. Each incident was screened on its own; together they show escalating risk.",
        "A child and family assessment, and a strategy discussion if there is another incident.",
        "The baby is exposed to repeated violence at home and the mother's support has broken "
        "down.",
        "The front door reviewed the three incidents together and accepted the referral for a "
        "child and family assessment.",
    ),
    Story(
        Category.THRESHOLD,
        CSC,
        "Referral stepped down to early help instead of a social work assessment.",
        "The child told a teacher that an adult at home hits them with a belt, and the school "
        "nurse saw marks. Early help cannot assess this.",
        "A strategy discussion under section 47.",
        "The child is frightened to go home and attendance has fallen to 71 per cent.",
        "The team manager agreed the referral met the threshold; a strategy discussion was held "
        "the same day.",
    ),
    Story(
        Category.THRESHOLD,
        CSC,
        "MASH decision that the neglect concerns do not meet the threshold for a statutory "
        "assessment.",
        "Health visiting has recorded missed immunisations, weight loss and a home without "
        "heating over three months; the graded care profile is at the highest level.",
        "A child and family assessment under section 17.",
        "The toddler's weight has fallen from the 25th centile to below the 2nd.",
        "MASH accepted the graded care profile evidence and opened a child and family assessment.",
    ),
    Story(
        Category.THRESHOLD,
        CSC,
        "Contact about a young person going missing overnight screened out as information only.",
        "Four missing episodes in a month, each time found with older males in the town centre. "
        "There are signs of criminal exploitation.",
        "A strategy discussion and a referral to the exploitation hub.",
        "The young person is out of education and at risk of serious harm when missing.",
        "The front door reopened the contact and convened a strategy discussion with the "
        "exploitation team.",
    ),
    Story(
        Category.ASSESSMENT,
        CSC,
        "Child and family assessment closed with no further action.",
        "The assessment did not speak to the school or the GP and relied on one parent's "
        "account; the school has recorded eleven concerns this term.",
        "The assessment reopened with the school and health involved.",
        "The concerns the school sees every week have not been assessed.",
        "The assessment was reopened and extended to include the school, the GP and the health "
        "visitor.",
    ),
    Story(
        Category.ASSESSMENT,
        CSC,
        "Assessment concluded that the family's needs can be met by universal services.",
        "The young person cares for a parent with severe mental illness and two younger "
        "siblings; the assessment did not consider the caring role.",
        "A young carer's assessment and a child in need plan.",
        "The young person is missing school to care for the family.",
        "A young carer's assessment was agreed and a child in need meeting booked.",
    ),
    Story(
        Category.STRATEGY_S47,
        CSC,
        "Decision not to hold a strategy discussion after bruising to a non-mobile baby.",
        "The partnership's bruising protocol requires a strategy discussion for any bruise to a "
        "baby who is not yet mobile, whatever explanation is given.",
        "A strategy discussion today and a child protection medical.",
        "An unexplained injury to a baby who cannot protect themselves.",
        "A strategy discussion was held and a child protection medical arranged for the next "
        "morning.",
    ),
    Story(
        Category.STRATEGY_S47,
        CSC,
        "Section 47 enquiry ended with the concerns recorded as not substantiated.",
        "The enquiry did not take account of the police interview with the older sibling, who "
        "gave a consistent account.",
        "The enquiry reopened and an initial child protection conference considered.",
        "The children remain in the household where the harm was described.",
        "The enquiry was reopened with the police interview and an initial child protection "
        "conference requested.",
    ),
    Story(
        Category.CP_PLAN,
        CSC,
        "Core group decision to reduce statutory visits under the child protection plan to "
        "monthly.",
        "The parent has not engaged with drug treatment and only two of six planned visits took "
        "place last month.",
        "Visits kept at least fortnightly until the next review conference.",
        "Nobody sees the children often enough to know whether the plan is working.",
        "The core group restored fortnightly visits and added a joint visit with health.",
    ),
    Story(
        Category.DRIFT,
        CSC,
        "Actions agreed at the child in need meeting not done eight weeks later.",
        "The referral to CAMHS and the parenting assessment agreed at the meeting have not "
        "been made, and no review date was set.",
        "A dated action plan and a review meeting within two weeks.",
        "The child's self-harm has increased while the plan stood still.",
        "The team manager set dates for each action and booked the review meeting.",
    ),
    Story(
        Category.DRIFT,
        CSC,
        "No allocated social worker for five weeks after the child protection conference.",
        "Core group meetings have not taken place and partners do not know who to contact.",
        "A named social worker and a core group meeting within ten working days.",
        "The protection plan is not being delivered.",
        "A social worker was allocated and the first core group was held within the week.",
    ),
    Story(
        Category.STEP_DOWN,
        CSC,
        "Case stepped down from child in need to early help.",
        "The adult who was the subject of the domestic abuse concerns has returned to the home; "
        "the school is seeing the same behaviours as before the plan.",
        "The case kept open at child in need until a review with the school.",
        "The children are again living with the risk the plan addressed.",
        "The case stays open at child in need, with a review with the school in four weeks.",
    ),
    Story(
        Category.STEP_DOWN,
        CSC,
        "Case closed to children's social care after the family moved within the county.",
        "The new address is in our area and the concerns have not changed; nobody has visited "
        "since the move.",
        "The case reopened and a visit at the new address.",
        "Nobody has seen the children since the move.",
        "The case was reopened and a social worker visited the new address.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        CSC,
        "No outcome given for a referral made five weeks ago.",
        "The referrer has had no acknowledgement or outcome despite three emails, and the child "
        "keeps disclosing.",
        "The outcome of the referral and the name of the social worker.",
        "The child does not know whether anyone acted on what they said.",
        "The outcome was shared with the referrer and a named worker given.",
    ),
    Story(
        Category.EXPLOITATION,
        CSC,
        "Young person assessed as at low risk of criminal exploitation.",
        "Found with large sums of cash and two phones, missing from education, and seen at an "
        "address known for drug supply in another county.",
        "A multi-agency exploitation meeting and a National Referral Mechanism referral.",
        "The young person is being groomed into drug supply.",
        "The risk was regraded as high and a multi-agency exploitation meeting convened.",
    ),
    Story(
        Category.CROSS_BORDER,
        CSC,
        "Children's services declined case responsibility because the family moved from a "
        "neighbouring authority last month.",
        "The child has lived here for six weeks and attends a local school; the transfer-in "
        "conference has not been booked.",
        "Northshire to take case responsibility now and book the transfer-in conference.",
        "The child protection plan is not being delivered by either authority.",
        "Northshire accepted case responsibility and booked the transfer-in conference.",
    ),
    Story(
        Category.ROLES,
        CSC,
        "Children's services expects the school to lead the early help assessment.",
        "The concerns are about parental substance misuse; the school cannot lead on this and "
        "has no link with adult services.",
        "A lead professional agreed at a team around the family meeting.",
        "Nobody is leading the support the family needs.",
        "A team around the family meeting agreed a family support worker as lead professional.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        ("police",),
        "Police declined to share the domestic abuse history of a new partner living with the "
        "children.",
        "The assessment needs the history to judge the risk; a request under the information "
        "sharing agreement was refused.",
        "The history shared under the partnership's information sharing agreement.",
        "The risk to the children cannot be judged without it.",
        "Police shared the relevant history through the information sharing agreement.",
    ),
    Story(
        Category.STRATEGY_S47,
        ("police",),
        "Police decided not to run a criminal investigation alongside the section 47 enquiry.",
        "The child's account describes an offence and the strategy discussion agreed a joint "
        "investigation.",
        "A joint investigation and an achieving best evidence interview.",
        "Evidence may be lost and the child may have to repeat their account.",
        "A joint investigation was opened and an interview arranged.",
    ),
    Story(
        Category.EXPLOITATION,
        ("police",),
        "Police graded a young person's disclosure of being made to carry drugs as low priority.",
        "The young person named an adult who is directing them; the disclosure fits a known "
        "county line.",
        "The disclosure regraded and shared with the exploitation team.",
        "The young person remains under the control of the adults exploiting them.",
        "The disclosure was regraded and passed to the exploitation team.",
    ),
    Story(
        Category.DRIFT,
        ("police",),
        "The joint visit agreed at the strategy discussion three weeks ago has not happened.",
        "The social worker has tried to arrange it four times; the child is waiting to be "
        "spoken to.",
        "The visit within five working days.",
        "The child has been told someone will come and nobody has.",
        "The visit was arranged for the following Tuesday with a named officer.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        ("hospital",),
        "The emergency department did not tell the health visitor about a baby's attendance "
        "with a head injury.",
        "The partnership's protocol asks for a notification of every attendance of a child "
        "under one; this was the second attendance.",
        "The notification sent and the protocol reaffirmed with the department.",
        "A pattern of injuries could be missed.",
        "The notification was sent and the department's safeguarding lead briefed the staff.",
    ),
    Story(
        Category.DRIFT,
        ("hospital", "community"),
        "The paediatric follow-up agreed at the strategy discussion has not been arranged.",
        "The child's growth and development were to be reviewed within four weeks; it has been "
        "nine.",
        "An appointment within two weeks.",
        "Faltering growth is not being monitored.",
        "An appointment was booked and the health visitor will attend with the family.",
    ),
    Story(
        Category.RESOURCES,
        ("camhs",),
        "CAMHS declined a referral for a young person who self-harms, pointing to a long wait "
        "for the neurodevelopmental pathway.",
        "The self-harm has escalated to cutting that needed hospital treatment twice this month.",
        "An urgent risk assessment by the CAMHS crisis team.",
        "The young person is at risk of serious harm while waiting.",
        "The crisis team assessed the young person within 48 hours.",
    ),
    Story(
        Category.ROLES,
        ("camhs", "gp"),
        "The health service expects another agency to attend the child protection conference "
        "on its behalf.",
        "The clinician who knows the child best has been asked to attend and holds the "
        "information the conference needs.",
        "Attendance or a written report for the conference.",
        "The conference will decide without the health picture.",
        "The clinician will send a report and join the conference by video.",
    ),
    Story(
        Category.RESOURCES,
        ("housing",),
        "Housing declined to treat a mother and children fleeing domestic abuse as homeless and "
        "in priority need.",
        "The family cannot return home safely; the refuge has no space and they are sofa surfing.",
        "Emergency accommodation today and a homelessness assessment.",
        "The children have no safe place to sleep.",
        "Emergency accommodation was provided the same day and an assessment booked.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        SCHOOLS,
        "The school declined to share attendance and behaviour records with the assessment.",
        "The assessment is due in ten days and the school's records are central to it.",
        "The records shared under the partnership's information sharing agreement.",
        "The assessment may reach the wrong conclusion.",
        "The school shared the records and the designated safeguarding lead met the social worker.",
    ),
    Story(
        Category.OTHER,
        SCHOOLS,
        "A child on a child protection plan was excluded without the social worker being told.",
        "The plan relies on the child being in school each day; the family were not told the "
        "social worker should know.",
        "Notification of any exclusion of a child on a plan, and a meeting about this child.",
        "The child is at home all day with the adults the plan protects them from.",
        "The school agreed to notify the social worker of any exclusion and met the family.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        ("probation",),
        "Probation did not share the release date of a man convicted of offences against "
        "children who is moving into a household with children.",
        "The household has three children and the mother was not told of his convictions.",
        "The release date and risk information shared with children's services.",
        "The children may be living with a person who poses a risk to them.",
        "Probation shared the release date and joined the strategy discussion.",
    ),
)

THEMATIC = (
    Story(
        Category.INFORMATION_SHARING,
        CSC,
        "Professional referrers are not told the outcome of referrals to the front door.",
        "Twelve referrals from three schools this term had no feedback; schools are re-referring "
        "to find out what happened.",
        "Feedback to every professional referrer within three working days, as the threshold "
        "document says.",
        "Children are left without a plan while schools chase; safeguarding leads lose time.",
        "The front door will send an outcome to every professional referrer and report "
        "compliance to the partnership each quarter.",
    ),
    Story(
        Category.INFORMATION_SHARING,
        ("police",),
        "Overnight domestic abuse notifications reach schools days late.",
        "Schools should be told before the next school day; over the autumn term most arrived "
        "two or more days later.",
        "Notifications before 08:30 on the next school day.",
        "Children arrive at school after a night of violence and nobody knows.",
        "Police moved the notifications to the early shift and will report timeliness monthly.",
    ),
    Story(
        Category.RESOURCES,
        ("camhs",),
        "Waiting times for the CAMHS eating disorders pathway exceed the national standard.",
        "Urgent cases are waiting over a week and routine cases over eight weeks.",
        "A recovery plan reported to the partnership board.",
        "Young people are deteriorating physically while they wait.",
        "CAMHS agreed a recovery plan and will report waiting times to each board meeting.",
    ),
    Story(
        Category.ROLES,
        ("housing", "csc"),
        "Families placed in temporary accommodation out of the area are not notified to "
        "children's services or health.",
        "Three families on child in need plans were moved without notice this quarter; health "
        "visitors lost contact.",
        "A notification protocol between housing, children's services and health.",
        "Children lose their health visitor, school place and social worker when they move.",
        "A notification protocol was agreed and added to the partnership procedures.",
    ),
)

RESPONSES = {
    Decision.CHANGED: (
        "Reviewed with my team manager in light of the information shared: we agree and have "
        "changed the decision.",
        "Having looked again at the history, we accept the concern and have changed our decision.",
    ),
    Decision.STANDS: (
        "Reviewed with my team manager: the information does not change our view and the "
        "decision stands.",
        "We considered the points raised, but the information was already known and weighed in "
        "the original decision, so it stands.",
    ),
    Decision.PARTLY: (
        "We will not change the decision in full but will review it again in four weeks and "
        "share the plan with the referrer.",
        "Partly agreed: we will add a joint visit and an earlier review, but the level of "
        "intervention stays as decided.",
    ),
}
ESCALATE_REASONS = {
    1: (
        "The receiving agency keeps its decision and the concern remains: passed to line managers.",
        "No agreement between practitioners; my supervisor supports escalating.",
    ),
    2: (
        "Line managers could not agree: escalated to heads of service.",
        "The team manager's decision stands and the risk is unchanged: escalated to senior "
        "managers.",
    ),
    3: (
        "Senior managers could not agree: referred to the partnership for a stage 4 meeting.",
        "The disagreement about a statutory decision remains after the heads of service met.",
    ),
}
SUMMARIES = {
    Outcome.PARTLY_AGREED: "Partly agreed: the receiving agency kept its decision but agreed "
    "further actions and an earlier review.",
    Outcome.STANDS_ACCEPTED: "The receiving agency explained its decision with information the "
    "raiser did not have; the raiser accepts it.",
    Outcome.NOT_AGREED: "The stage 4 meeting did not reach agreement. The decision stays with "
    "the agency that owns it; the raising agency's dissent is recorded and the partnership will "
    "review the case in three months.",
}
AGREED_ACTIONS = (
    "Child and family assessment to start within five working days; the allocated worker to "
    "update the referrer.",
    "Multi-agency meeting within ten working days; the chair circulates the actions to all "
    "agencies.",
    "Both agencies record the outcome on their case files; the referrer receives written feedback.",
    "Team managers to review joint cases monthly until the plan ends.",
    "Chronology shared by the end of the week; decision reviewed at the next core group.",
)
LEARNING = (
    "Referrals should set out the cumulative history, not only the latest incident.",
    "Feedback to referrers within three working days is not happening consistently.",
    "Practitioners were not aware of the bruising protocol for non-mobile babies.",
    "An early conversation between managers would have settled this at stage 1.",
    "Waiting times are a system issue for the board, not a dispute between practitioners.",
)
WITHDRAW_REASONS = (
    "The family has moved out of the area; the new authority has the referral.",
    "New information from the school answers the concern; no longer disputed.",
    "The assessment started before the stage concluded, so the difference fell away.",
)
EXTENSION_REASONS = (
    "The team manager who made the decision is on leave until Monday; we need their account "
    "before responding.",
    "Waiting for the health chronology requested from the hospital trust.",
    "A strategy discussion is booked for the day after the due date; we will respond once it "
    "has met.",
)
NOTES = {
    "raiser": (
        "Spoke to the duty team manager by phone; they will look at the referral again with the "
        "MASH police and health leads this afternoon.",
        "Chronology of the last three incidents shared securely with the receiving team.",
    ),
    "receiving": (
        "Decision-maker is on leave until Monday; their deputy is aware and has the file.",
        "Have asked the school and the GP for their information before we respond.",
    ),
    "lead": (
        "Stage 4 meeting convened with the three delegated safeguarding partners; papers "
        "circulated.",
        "Copied to the partnership team: second escalation on this theme this quarter.",
    ),
    "scrutineer": (
        "Noted for the scrutiny sample: a threshold theme recurring across agencies.",
        "Asked the partnership team for the timeline of this case for the next scrutiny report.",
    ),
}
NOT_TOLD = {
    FamilyInformed.NO: "The family will be told once the strategy discussion has decided how.",
    FamilyInformed.NOT_SAFE: "Telling the family could increase the risk to the child and to "
    "the non-abusing parent.",
}
CASE_STATUS_BY_CATEGORY = {
    Category.THRESHOLD: (CaseStatus.NONE, CaseStatus.EARLY_HELP),
    Category.STEP_DOWN: (CaseStatus.CHILD_IN_NEED, CaseStatus.CHILD_PROTECTION),
    Category.CP_PLAN: (CaseStatus.CHILD_PROTECTION,),
    Category.DRIFT: (
        CaseStatus.CHILD_IN_NEED,
        CaseStatus.CHILD_PROTECTION,
        CaseStatus.LOOKED_AFTER,
    ),
    Category.CROSS_BORDER: (CaseStatus.CHILD_PROTECTION,),
}
SIGNPOSTS = {
    SignpostRoute.COMPLAINT: 5,
    SignpostRoute.CONFERENCE: 4,
    SignpostRoute.IRO: 2,
    SignpostRoute.LADO: 3,
    SignpostRoute.SINGLE_AGENCY: 4,
    SignpostRoute.IMMEDIATE_RISK: 2,
}
ENDS: dict[tuple[str, int], float] = {  # how closed escalations end, and at which stage
    ("resolved", 1): 56,
    ("resolved", 2): 17,
    ("resolved", 3): 8,
    ("resolved", 4): 6,
    ("withdrawn", 1): 9,
    ("withdrawn", 2): 4,
}


# the plan of each escalation ------------------------------------------------------------------


@dataclass
class Plan:
    """How one escalation's life will go: who raises it against whom, about what, where it
    ends and what happens on the way."""

    raised_at: dt.datetime
    raising: str
    receiving: str
    raiser: str
    story: Story
    case_number: str = ""
    urgent: bool = False
    immediate_risk: bool = False
    start_stage: int = 1
    end: str = "resolved"  # resolved, withdrawn, or open (still open now)
    final_stage: int = 1
    outcome: str = Outcome.DECISION_CHANGED
    late_ack: bool = False
    breach_stage: int | None = None
    extension_stage: int | None = None
    handover: bool = False
    notes: int = 0
    case_file: bool = False


@dataclass
class DemoWorld:
    partnership: Partnership
    agencies: dict[str, Agency] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    by_id: dict[int, User] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Ctx:
    """What the steps share: the random source, the world, the calendar and the real now."""

    rng: random.Random
    world: DemoWorld
    closures: frozenset[dt.date]
    first_day: dt.date  # the start of the reporting year two years back (policy v1)
    now: dt.datetime
    surprises: list[str] = field(default_factory=list)

    @property
    def v2_from(self) -> dt.datetime:
        """When policy v2 takes effect: a year after v1."""
        return _at(self.first_day.replace(year=self.first_day.year + 1), dt.time(0))


@dataclass(frozen=True)
class DemoSummary:
    by_status: dict[str, int]
    breached_stages: int
    accepted_extensions: int
    system_escalations: int
    late_acknowledgements: int
    timer_failures: int
    sign_ins: list[tuple[str, str, str]]
    refused: list[str]  # planned steps the services refused (none, unless the engine changed)

    def lines(self) -> list[str]:
        """The summary ``seed_demo`` prints: counts, then who can sign in."""
        out = [f"{PARTNERSHIP_NAME}: {sum(self.by_status.values())} escalations"]
        out += [
            f"  {label:<28}{self.by_status.get(value, 0):>5}" for value, label in Status.choices
        ]
        out += [
            f"  stages breached {self.breached_stages}, escalated by the system on breach "
            f"{self.system_escalations}, extensions accepted {self.accepted_extensions}, "
            f"acknowledged late {self.late_acknowledgements}, timer failures "
            f"{self.timer_failures}",
            *(f"  refused or unplanned: {line}" for line in self.refused[:10]),
            "",
            f"Sign in at /accounts/login/ with any of these; the password is {DEMO_PASSWORD!r}.",
            f"  {'username':<24}{'role':<30}agency",
        ]
        out += [f"  {user:<24}{role:<30}{where}" for user, role, where in self.sign_ins]
        return out


# building -------------------------------------------------------------------------------------


def build_demo(*, count: int = DEFAULT_COUNT, now: dt.datetime | None = None) -> DemoSummary | None:
    """Build the demo partnership and ``count`` escalations up to ``now`` (the real now by
    default). Returns None, changing nothing, when the demo partnership is already there."""
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        return None
    import time_machine  # a dev dependency: the seed runs where dev dependencies are installed

    now = (now or timezone.now()).astimezone(dt.UTC)
    first_day = _reporting_year_start(now, years_back=2)
    setup_at = _at(first_day - dt.timedelta(days=21), dt.time(10))
    with transaction.atomic(), time_machine.travel(setup_at, tick=False) as traveller:
        ctx = Ctx(
            random.Random(SEED), _build_world(first_day), _closures(first_day), first_day, now
        )
        clock = _Clock(traveller, setup_at)
        for plan in _plans(ctx, count):
            clock.add(_life(ctx, plan))
        clock.add(_partnership_events(ctx))
        clock.add(_signposting(ctx, max(3, count // 12)))
        clock.run(until=now)
        _mark_delivered(ctx.world.partnership, now)
    return _summary(ctx)


def _reporting_year_start(now: dt.datetime, *, years_back: int) -> dt.date:
    """The first day of the reporting year (April to March) ``years_back`` years before."""
    today = now.astimezone(LONDON).date()
    year = today.year if today.month >= 4 else today.year - 1
    return dt.date(year - years_back, 4, 1)


def _closures(first_day: dt.date) -> frozenset[dt.date]:
    """One partnership-wide closure: the working days between Christmas and New Year in the
    second reporting year (29 to 31 December 2025 when the first year starts in April 2024)."""
    days = (dt.date(first_day.year + 1, 12, day) for day in range(27, 32))
    return frozenset(day for day in days if calendar.is_working_day(day))


def _build_world(first_day: dt.date) -> DemoWorld:
    """The partnership, policy v1, the agencies with their people and stage contacts, and the
    partnership team (the lead may use the admin)."""
    partnership = create_with_reason(
        Partnership,
        by=None,
        reason=REASON,
        name=PARTNERSHIP_NAME,
        need_levels=list(NEED_LEVELS),
        age_bands=list(AGE_BANDS),
    )
    world = DemoWorld(partnership)
    names = iter(NAMES)
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo has one shared password
    for spec in AGENCIES:
        _add_agency(world, spec, names, password)
    for username, role, title in PARTNERSHIP_TEAM:
        _add_person(world, username, role, None, title, next(names), password)
    _give_admin(world.people["lead"])
    create_with_reason(
        Policy,
        by=None,
        reason=REASON,
        partnership=partnership,
        version=1,
        effective_from=_at(first_day, dt.time(0)),
        escalate_on_breach=True,
    )
    return world


def _add_agency(world: DemoWorld, spec: AgencySpec, names: Iterator[str], password: str) -> None:
    """An agency, its practitioner, manager and senior manager as its stage 1-3 contacts,
    and any second colleague who can take a stage over."""
    agency = create_with_reason(
        Agency,
        by=None,
        reason=REASON,
        partnership=world.partnership,
        name=spec.name,
        sector=spec.sector,
        active_from=dt.date(2019, 9, 29),
    )
    world.agencies[spec.slug] = agency
    roles = (Role.PRACTITIONER, Role.MANAGER, Role.SENIOR_MANAGER)
    for stage, (role, title) in enumerate(zip(roles, spec.titles, strict=True), start=1):
        username = f"{PREFIX[role]}.{spec.slug}"
        user = _add_person(world, username, role, agency, title, next(names), password)
        create_with_reason(
            StageContact, by=None, reason=REASON, agency=agency, stage=stage, user=user
        )
    for colleague in spec.colleagues:
        title = spec.titles[roles.index(Role(colleague))]
        username = f"{PREFIX[colleague]}2.{spec.slug}"
        _add_person(world, username, colleague, agency, title, next(names), password)


def _add_person(
    world: DemoWorld,
    username: str,
    role: str,
    agency: Agency | None,
    title: str,
    name: str,
    password: str,
) -> User:
    """A person who can sign in with the demo password, and their membership."""
    first_name, last_name = name.split(" ", 1)
    user = create_with_reason(
        User,
        by=None,
        reason=REASON,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
        password=password,
    )
    create_with_reason(
        Membership,
        by=None,
        reason=REASON,
        user=user,
        partnership=world.partnership,
        agency=agency,
        role=role,
        job_title=title,
    )
    world.people[username] = world.by_id[user.pk] = user
    where = agency.name if agency else "(partnership team)"
    world.sign_ins.append((username, str(Role(role).label), where))
    return user


def _give_admin(user: User) -> None:
    """The partnership lead runs the Django admin: staff, with every permission on this app's
    models, but not a superuser."""
    user.is_staff = True
    save_with_reason(user, by=None, reason="The partnership team uses the admin")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="escalations"))


# planning -------------------------------------------------------------------------------------


def _plans(ctx: Ctx, count: int) -> list[Plan]:
    """``count`` plans: most spread from the first day to a few days ago and closed in the
    way ``ENDS`` says; a few raised in the last weeks and left open, one at each stage."""
    n_open = min(count, max(4, round(count * OPEN_SHARE)))
    closed = [_plan(ctx, moment) for moment in _spread(ctx, count - n_open)]
    _assign_ends(ctx, closed)
    opened = [_open_plan(ctx, index) for index in range(n_open)]
    _assign_features(ctx, closed, opened)
    return closed + opened


def _spread(ctx: Ctx, n: int) -> list[dt.datetime]:
    """``n`` moments from the first day to five days ago, a little denser lately (the
    process is used more as it becomes known)."""
    start = _at(ctx.first_day, dt.time(9))
    span = (ctx.now - dt.timedelta(days=5)) - start
    return [start + span * ((index + ctx.rng.random()) / n) ** 0.9 for index in range(n)]


def _plan(ctx: Ctx, base: dt.datetime, *, standard: bool = False) -> Plan:
    """An escalation raised around ``base``: by whom, against whom, about what."""
    rng = ctx.rng
    raising = _weighted(rng, {s.slug: s.raises for s in AGENCIES if _raises_in(s, base)})
    thematic = rng.random() < THEMATIC_SHARE
    story, receiving = _story(ctx, raising, thematic=thematic)
    urgent = not standard and not thematic and rng.random() < URGENT_SHARE
    immediate = urgent and rng.random() < 0.15
    year = base.astimezone(LONDON).year
    return Plan(
        raised_at=_place(ctx, base, urgent=urgent),
        raising=raising,
        receiving=receiving,
        raiser=_raiser(ctx, raising),
        story=story,
        case_number="" if thematic else _case_number(ctx, raising, year),
        urgent=urgent,
        immediate_risk=immediate,
        start_stage=2 if urgent and not immediate and rng.random() < 0.1 else 1,
    )


def _raises_in(spec: AgencySpec, moment: dt.datetime) -> bool:
    """Schools raise nothing in August."""
    return spec.raises > 0 and not (spec.slug in SCHOOLS and moment.month == 8)


def _story(ctx: Ctx, raising: str, *, thematic: bool) -> tuple[Story, str]:
    """What it is about, and the receiving agency: mostly children's social care."""
    rng = ctx.rng
    if thematic:
        story = rng.choice([s for s in THEMATIC if s.receivers != (raising,)])
        return story, rng.choice([r for r in story.receivers if r != raising])
    if raising != "csc" and rng.random() < CSC_SHARE:
        receiving = "csc"
    else:
        receiving = _weighted(
            rng, {s.slug: s.receives for s in AGENCIES if s.slug not in ("csc", raising)}
        )
    stories = [s for s in STORIES if receiving in s.receivers]
    per_category = {s.category: sum(t.category == s.category for t in stories) for s in stories}
    weights = [CATEGORY_WEIGHTS[Category(s.category)] / per_category[s.category] for s in stories]
    return rng.choices(stories, weights)[0], receiving


def _raiser(ctx: Ctx, raising: str) -> str:
    """Mostly practitioners (and designated safeguarding leads), some managers."""
    if ctx.rng.random() < 0.12:
        return f"manager.{raising}"
    if Role.PRACTITIONER in SPECS[raising].colleagues and ctx.rng.random() < 0.5:
        return f"practitioner2.{raising}"
    return f"practitioner.{raising}"


def _case_number(ctx: Ctx, slug: str, year: int) -> str:
    """An invented case number in the agency's format (POL-2025-004512)."""
    return f"{SPECS[slug].prefix}-{year}-{ctx.rng.randrange(1000, 999999):06d}"


def _place(ctx: Ctx, base: dt.datetime, *, urgent: bool) -> dt.datetime:
    """When it is raised: a working-hours moment for standard ones, any hour when urgent."""
    latest = ctx.now - dt.timedelta(hours=1)
    moment = base if urgent else _moment(ctx, base, base + dt.timedelta(days=3))
    return min(moment.replace(second=0, microsecond=0), latest)


def _open_plan(ctx: Ctx, index: int) -> Plan:
    """Raised in the last weeks and still open at stage 1, 2, 3 or 4 (in turn): the later
    the stage, the earlier it was raised, so it had time to get there."""
    stage = index % 4 + 1
    newest, oldest = {1: (1, 6), 2: (5, 9), 3: (8, 12), 4: (12, 20)}[stage]
    lo = ctx.now - dt.timedelta(days=oldest)
    base = _moment(ctx, lo, ctx.now - dt.timedelta(days=newest))
    plan = _plan(ctx, base, standard=True)
    plan.end, plan.final_stage = "open", stage
    return plan


def _assign_ends(ctx: Ctx, plans: list[Plan]) -> None:
    """Where each closed escalation ends, in the proportions of ``ENDS`` (every end at least
    once when there are enough), and its outcome."""
    ends = _allocate(ctx.rng, len(plans), ENDS)
    for plan, (end, stage) in zip(plans, ends, strict=True):
        plan.end, plan.final_stage = end, max(stage, plan.start_stage)
        plan.outcome = _outcome(ctx, plan)


def _outcome(ctx: Ctx, plan: Plan) -> str:
    """How it settles: dissent is recorded only at stage 4."""
    if plan.end == "withdrawn":
        return Outcome.WITHDRAWN
    if plan.final_stage == 4:
        weights = {Outcome.NOT_AGREED: 4, Outcome.PARTLY_AGREED: 3, Outcome.DECISION_CHANGED: 2}
        return _weighted(ctx.rng, {**weights, Outcome.STANDS_ACCEPTED: 1})
    weights = {Outcome.DECISION_CHANGED: 45, Outcome.PARTLY_AGREED: 25}
    return _weighted(ctx.rng, {**weights, Outcome.STANDS_ACCEPTED: 30})


def _assign_features(ctx: Ctx, closed: list[Plan], opened: list[Plan]) -> None:
    """Late acknowledgements, handovers, notes and case-file confirmations here and there;
    breaches (escalated by the system under policy v1, only alerted under v2) and extensions
    by quota, so that even a small demo has some."""
    rng = ctx.rng
    for plan in closed + opened:
        plan.late_ack = rng.random() < 0.08
        plan.handover = plan.receiving in ("csc", "police") and rng.random() < 0.1
        plan.notes = rng.choice((1, 1, 2)) if rng.random() < 0.25 else 0
        plan.case_file = rng.random() < 0.3
    v1 = [p for p in closed if p.raised_at < ctx.v2_from]
    climbing = [p for p in v1 if p.final_stage > p.start_stage]
    if v1 and not climbing:  # a small demo still shows an escalation on breach
        climbing = [v1[0]]
        v1[0].end, v1[0].final_stage = "resolved", max(2, v1[0].start_stage + 1)
        v1[0].outcome = _outcome(ctx, v1[0])
    for plan in _pick(rng, climbing, 0.15):
        plan.breach_stage = rng.randint(plan.start_stage, plan.final_stage - 1)
    v2 = [p for p in closed if p.raised_at >= ctx.v2_from]
    for plan in _pick(rng, v2, 0.06):
        plan.breach_stage = rng.randint(plan.start_stage, plan.final_stage)
    calm = [p for p in closed if not p.urgent and p.breach_stage is None]
    for plan in _pick(rng, calm, 0.06):
        plan.extension_stage = rng.randint(plan.start_stage, plan.final_stage)


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    """One key of ``weights``, chosen in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def _allocate(rng: random.Random, n: int, weights: Mapping[Any, float]) -> list[Any]:
    """``n`` keys in the proportions of ``weights`` (largest remainders; each key at least
    once when ``n`` allows), shuffled."""
    total = sum(weights.values())
    exact = {key: n * weight / total for key, weight in weights.items()}
    counts = {key: int(share) for key, share in exact.items()}
    if n >= len(weights):
        counts = {key: max(1, count) for key, count in counts.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - int(exact[key]), reverse=True)
    for key in itertools.cycle(by_remainder):
        if sum(counts.values()) >= n:
            break
        counts[key] += 1
    while sum(counts.values()) > n:  # the minimums overshot: take from the largest
        counts[max(counts, key=lambda key: counts[key])] -= 1
    keys = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(keys)
    return keys


def _pick(rng: random.Random, plans: Sequence[Plan], share: float) -> list[Plan]:
    """About ``share`` of ``plans``, and at least one if there are any."""
    if not plans:
        return []
    return rng.sample(list(plans), min(len(plans), max(1, round(share * len(plans)))))


# moments --------------------------------------------------------------------------------------


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    """A London wall-clock time on ``day``, in UTC (arithmetic in UTC is safe across the
    clocks changing)."""
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def _moment(ctx: Ctx, lo: dt.datetime, hi: dt.datetime, *, urgent: bool = False) -> dt.datetime:
    """A whole minute after ``lo`` and before ``hi``, uniformly: within working hours on a
    working day for standard work, at any hour for urgent work; ``lo`` plus a minute if there
    is no room."""
    start = (lo.astimezone(dt.UTC) + MINUTE).replace(second=0, microsecond=0)
    end = hi.astimezone(dt.UTC)
    windows = [(start, end)] if urgent else _working_windows(ctx, start, end)
    spans = [max(0, int((b - a).total_seconds() // 60)) for a, b in windows]
    if sum(spans) == 0:
        return start
    offset = ctx.rng.randrange(sum(spans))
    for (window_start, _), span in zip(windows, spans, strict=True):
        if offset < span:
            return window_start + offset * MINUTE
        offset -= span
    return start


def _working_windows(
    ctx: Ctx, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The working-hours stretches of the working days between ``start`` and ``end``."""
    windows = []
    day, last = start.astimezone(LONDON).date(), end.astimezone(LONDON).date()
    while day <= last:
        if calendar.is_working_day(day, closures=ctx.closures):
            opens, closes = _at(day, WORKDAY[0]), _at(day, WORKDAY[1])
            if max(start, opens) < min(end, closes):
                windows.append((max(start, opens), min(end, closes)))
        day += ONE_DAY
    return windows


def _within(ctx: Ctx, hi: dt.datetime, share: float, *, urgent: bool) -> dt.datetime:
    """A moment in the first ``share`` of the time from now to ``hi``."""
    now = timezone.now()
    return _moment(ctx, now, now + (hi - now) * share, urgent=urgent)


def _after(ctx: Ctx, due: dt.datetime, *, urgent: bool) -> dt.datetime:
    """A moment soon after ``due``: the next working morning, or a few hours when urgent."""
    if urgent:
        return _moment(ctx, due, due + dt.timedelta(hours=3), urgent=True)
    day = calendar.next_working_day(due.astimezone(LONDON).date(), closures=ctx.closures)
    return _moment(ctx, due, _at(day, dt.time(12)))


# the clock ------------------------------------------------------------------------------------

T = TypeVar("T")
Steps = Iterator[dt.datetime]
StageSteps = Generator[dt.datetime, None, bool]


class _Clock:
    """Runs many step generators in the order of their moments. Before each step it moves
    the clock forward, firing the flow's timers at their own moments on the way, as the
    timer loop does every minute; it never goes back."""

    def __init__(self, traveller: Any, start: dt.datetime) -> None:
        """Start at ``start`` with time-machine's ``traveller``."""
        self.traveller = traveller
        self.now = start
        self.queue: list[tuple[dt.datetime, int, Steps]] = []
        self.order = itertools.count()

    def add(self, steps: Steps) -> None:
        """Run ``steps`` up to its next moment and queue it for then."""
        moment = next(steps, None)  # runs the step before, which is due now
        if moment is not None:
            moment = max(moment.astimezone(dt.UTC), self.now)
            heapq.heappush(self.queue, (moment, next(self.order), steps))

    def run(self, *, until: dt.datetime) -> None:
        """Every step up to ``until``; later steps never happen (nothing is in the future)."""
        while self.queue and self.queue[0][0] <= until:
            moment, _, steps = heapq.heappop(self.queue)
            self.advance(moment)
            self.add(steps)
        self.advance(until)

    def advance(self, moment: dt.datetime) -> None:
        """Move the clock to ``moment``, firing each due timer at its own moment on the way."""
        while (due := self._next_timer(moment)) is not None:
            self._move(due)
            if not fire_due_timers():
                raise RuntimeError(f"A timer due at {due:%Y-%m-%d %H:%M} did not fire.")
        self._move(moment)

    def _next_timer(self, moment: dt.datetime) -> dt.datetime | None:
        """The earliest moment of a timer waiting to fire by ``moment``, if any."""
        due: dt.datetime | None = (
            Task.objects.filter(
                flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=moment
            )
            .order_by("scheduled")
            .values_list("scheduled", flat=True)
            .first()
        )
        return due

    def _move(self, moment: dt.datetime) -> None:
        """Move the clock forward (never back)."""
        if moment > self.now:
            self.traveller.move_to(moment)
            self.now = moment


# one escalation's life ------------------------------------------------------------------------


def _life(ctx: Ctx, plan: Plan) -> Steps:
    """One escalation from raising to its planned end: each yield is the moment of the next
    step, and the code after it is that step, run with the clock at that moment. The services
    read the escalation afresh under its lock, so the object raised is passed along."""
    yield plan.raised_at
    escalation = _raise(ctx, plan)
    stage = plan.start_stage
    while (yield from _stage(ctx, plan, escalation, stage)):
        stage = _now_at(escalation)[1]


def _raise(ctx: Ctx, plan: Plan) -> Escalation:
    """Raise it as the planned raiser, with the clock at the planned moment."""
    rng, story = ctx.rng, plan.story
    now = timezone.now()
    return services.escalation_raise(
        raised_by=ctx.world.people[plan.raiser],
        receiving_agency=ctx.world.agencies[plan.receiving],
        category=story.category,
        child_reference=plan.case_number,
        decision_disputed=story.decision,
        reasons=story.reasons,
        outcome_sought=story.sought,
        impact_on_child=story.impact,
        urgent=plan.urgent,
        immediate_risk=plan.immediate_risk,
        immediate_action_at=now - rng.randint(5, 40) * MINUTE if plan.immediate_risk else None,
        start_stage=plan.start_stage,
        subject="thematic" if not plan.case_number else "children",
        **(_child_fields(ctx, plan) if plan.case_number else {}),
    )


def _child_fields(ctx: Ctx, plan: Plan) -> dict[str, Any]:
    """Case numbers and age bands (never names), the level of need and the case status."""
    rng = ctx.rng
    bands = AGE_BANDS_BY_RAISER.get(plan.raising, AGE_BANDS[1:])
    year = plan.raised_at.astimezone(LONDON).year
    siblings = [
        ChildDetails(_case_number(ctx, plan.raising, year), "", rng.choice(AGE_BANDS[1:]))
        for _ in range(rng.choice((0, 0, 0, 1, 2)))
    ]
    informed = _weighted(
        rng, {FamilyInformed.YES: 80, FamilyInformed.NO: 12, FamilyInformed.NOT_SAFE: 8}
    )
    statuses = CASE_STATUS_BY_CATEGORY.get(Category(plan.story.category), tuple(CaseStatus))
    known = plan.receiving == "csc" and rng.random() < 0.6
    return {
        "receiving_case_number": _case_number(ctx, "csc", year) if known else "",
        "age_band": rng.choice(bands),
        "more_children": siblings,
        "level_of_need": rng.choice(NEED_LEVELS[1:]),
        "case_status": rng.choice(statuses),
        "family_informed": informed,
        "family_not_informed_reason": NOT_TOLD.get(informed, ""),
    }


def _stage(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> StageSteps:
    """One stage: acknowledge (at the first), perhaps hand over or extend, respond, perhaps
    notes, then escalate, resolve or withdraw (or stop, if it is to stay open). Returns
    whether the escalation went on to another stage."""
    if stage == plan.start_stage:
        yield from _acknowledge(ctx, plan, escalation, stage)
        if plan.handover:
            yield from _hand_over(ctx, plan, escalation, stage)
    if plan.extension_stage == stage:
        yield from _extend(ctx, escalation, stage)
    staying = plan.end == "open" and stage == plan.final_stage
    if not staying or ctx.rng.random() < 0.5:
        yield from _respond(ctx, plan, escalation, stage)
    for _ in range(plan.notes if stage == plan.final_stage else 0):
        yield from _add_note(ctx, plan, escalation, stage)
    if staying:
        return False
    went_on = yield from _conclude(ctx, plan, escalation, stage)
    if plan.case_file:
        yield from _record_on_case_files(ctx, escalation, stage)
    return went_on


def _acknowledge(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving side acknowledges in time, or late (after the sweep has chased it)."""
    due = escalation.acknowledgement_due_at
    assert due is not None
    if plan.late_ack:
        yield _after(ctx, due, urgent=plan.urgent)
    else:
        yield _within(ctx, due - 10 * MINUTE, 0.4, urgent=plan.urgent)
    by = _holder(ctx, escalation, stage, Side.RECEIVING)
    named = by
    if stage == 1 and plan.receiving == "csc":  # the MASH names the worker who holds it
        named = ctx.world.people[ctx.rng.choice(("practitioner.csc", "practitioner2.csc"))]
    _act(
        ctx,
        services.escalation_acknowledge,
        escalation=escalation,
        by=by,
        holder=named,
        expected_stage=stage,
    )


def _hand_over(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving holder goes on leave and hands the stage to a colleague."""
    yield _within(ctx, _now_at(escalation)[2], 0.3, urgent=plan.urgent)
    holder = _holder(ctx, escalation, stage, Side.RECEIVING)
    membership = Membership.objects.get(user=holder)
    colleague = (
        Membership.objects.filter(agency=membership.agency, role=membership.role)
        .exclude(user=holder)
        .values_list("user_id", flat=True)
        .first()
    )
    if colleague is not None:
        to = ctx.world.by_id[colleague]
        _act(
            ctx,
            services.escalation_hand_over,
            escalation=escalation,
            by=holder,
            to=to,
            expected_stage=stage,
        )


def _extend(ctx: Ctx, escalation: Escalation, stage: int) -> Steps:
    """On the due day the receiving side asks for two more working days; the raising side
    (or the partnership lead) agrees before the due moment, and the timers move."""
    due = _now_at(escalation)[2]
    yield _moment(ctx, max(timezone.now(), _at(due.astimezone(LONDON).date(), dt.time(9))), due)
    extension = _act(
        ctx,
        services.escalation_propose_extension,
        escalation=escalation,
        by=_holder(ctx, escalation, stage, Side.RECEIVING),
        new_due_date=calendar.add_working_days(
            due.astimezone(LONDON).date(), 2, closures=ctx.closures
        ),
        reason=ctx.rng.choice(EXTENSION_REASONS),
        expected_stage=stage,
    )
    if extension is None:
        return
    yield _moment(ctx, timezone.now(), min(due, timezone.now() + 3 * 60 * MINUTE))
    lead = stage >= 2 and ctx.rng.random() < 0.3
    accepter = ctx.world.people["lead"] if lead else _holder(ctx, escalation, stage, Side.RAISING)
    _act(
        ctx,
        services.escalation_accept_extension,
        extension=extension,
        by=accepter,
        expected_stage=stage,
    )


def _respond(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving side records its decision now and why."""
    yield _within(ctx, _now_at(escalation)[2] - 20 * MINUTE, 0.5, urgent=plan.urgent)
    decision = _decision(ctx, plan, stage)
    _act(
        ctx,
        services.escalation_respond,
        escalation=escalation,
        by=_holder(ctx, escalation, stage, Side.RECEIVING),
        decision=decision,
        response=ctx.rng.choice(RESPONSES[Decision(decision)]),
        expected_stage=stage,
    )


def _decision(ctx: Ctx, plan: Plan, stage: int) -> str:
    """The receiving side's decision: it stands while the raiser keeps escalating."""
    if stage < plan.final_stage or plan.end != "resolved":
        return _weighted(ctx.rng, {Decision.STANDS: 8, Decision.PARTLY: 2})
    return {
        Outcome.DECISION_CHANGED: Decision.CHANGED,
        Outcome.PARTLY_AGREED: Decision.PARTLY,
    }.get(Outcome(plan.outcome), Decision.STANDS)


def _add_note(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """Someone who can see it adds a note: either side, or the partnership team later on."""
    yield _within(ctx, _now_at(escalation)[2] - 20 * MINUTE, 0.5, urgent=plan.urgent)
    fresh = Escalation.objects.get(pk=escalation.pk)  # the note is filed at its current stage
    if not fresh.is_open or fresh.stage != stage:
        return
    kinds = ["raiser", "receiving"] + ["lead"] * (stage >= 2) + ["scrutineer"] * (stage >= 3)
    kind = ctx.rng.choice(kinds)
    author = {
        "raiser": ctx.world.people[plan.raiser],
        "receiving": _holder(ctx, escalation, stage, Side.RECEIVING),
        "lead": ctx.world.people["lead"],
        "scrutineer": ctx.world.people["scrutineer"],
    }[kind]
    text = ctx.rng.choice(NOTES[kind])
    _act(ctx, services.escalation_add_note, escalation=fresh, author=author, text=text)


def _conclude(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> StageSteps:
    """Escalate, resolve or withdraw before the due moment, or after it when this stage is to
    breach (under policy v1 the system escalates it at the due moment)."""
    due = _now_at(escalation)[2]
    if plan.breach_stage == stage:
        yield _after(ctx, due, urgent=plan.urgent)
    else:
        yield _within(ctx, due - 20 * MINUTE, 0.75, urgent=plan.urgent)
    status, now_at, _ = _now_at(escalation)
    if status not in OPEN_STATES:
        return False
    if now_at != stage:
        if plan.breach_stage != stage:
            ctx.surprises.append(f"{escalation.reference} left stage {stage} unplanned")
        return True
    return _finish_stage(ctx, plan, escalation, stage)


def _finish_stage(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> bool:
    """Escalate to the next stage, or withdraw or resolve at the planned last one (at stage
    4 the partnership lead records the meeting's outcome). Returns whether it went on."""
    rng, people = ctx.rng, ctx.world.people
    if stage < plan.final_stage:
        side = Side.RECEIVING if stage >= 2 and rng.random() < 0.15 else Side.RAISING
        escalated = _act(
            ctx,
            services.escalation_escalate,
            escalation=escalation,
            by=_holder(ctx, escalation, stage, side),
            reason=rng.choice(ESCALATE_REASONS[stage]),
            expected_stage=stage,
        )
        return escalated is not None
    if plan.end == "withdrawn":
        _act(
            ctx,
            services.escalation_withdraw,
            escalation=escalation,
            by=people[plan.raiser],
            reason=rng.choice(WITHDRAW_REASONS),
            expected_stage=stage,
        )
        return False
    _act(
        ctx,
        services.escalation_resolve,
        escalation=escalation,
        by=people["lead"] if stage == 4 else _holder(ctx, escalation, stage, Side.RAISING),
        outcome=plan.outcome,
        summary=SUMMARIES.get(Outcome(plan.outcome), plan.story.changed),
        agreed_actions=rng.choice(AGREED_ACTIONS),
        learning=rng.choice(LEARNING) if rng.random() < 0.3 else "",
        expected_stage=stage,
    )
    return False


def _record_on_case_files(ctx: Ctx, escalation: Escalation, stage: int) -> Steps:
    """Soon after a stage concludes, each side (mostly) confirms it put the outcome on its
    own case file."""
    yield _moment(ctx, timezone.now(), timezone.now() + ONE_DAY)
    slugs = {agency.pk: slug for slug, agency in ctx.world.agencies.items()}
    for side, agency_id in (
        (Side.RAISING, escalation.raising_agency_id),
        (Side.RECEIVING, escalation.receiving_agency_id),
    ):
        held_by = (
            StageHolder.objects.filter(
                stage_record__escalation=escalation, stage_record__stage=stage, side=side
            )
            .order_by("-since", "-pk")
            .values_list("user_id", flat=True)
            .first()
        )
        if held_by is None or ctx.rng.random() < 0.2:
            continue
        number = _case_number(ctx, slugs[agency_id], timezone.localdate().year)
        _act(
            ctx,
            services.escalation_record_on_case_file,
            escalation=escalation,
            by=ctx.world.by_id[held_by],
            stage=stage,
            reference=f"{number} case note",
        )


def _act(ctx: Ctx, action: Callable[..., T], **arguments: Any) -> T | None:
    """Call one service; a refusal (the escalation moved on unexpectedly) is noted and the
    escalation's life goes on from where it is."""
    try:
        return action(**arguments)
    except services.Refused as refusal:
        ctx.surprises.append(refusal.message)
        return None


def _now_at(escalation: Escalation) -> tuple[str, int, dt.datetime]:
    """The escalation's status, stage and current due moment, read now."""
    status, stage, due = Escalation.objects.values_list("status", "stage", "stage_due_at").get(
        pk=escalation.pk
    )
    return status, stage, due or timezone.now()


def _holder(ctx: Ctx, escalation: Escalation, stage: int, side: str) -> User:
    """A current holder of the stage on one side (the first to hold it)."""
    held_by = (
        StageHolder.objects.filter(
            stage_record__escalation=escalation,
            stage_record__stage=stage,
            side=side,
            until=None,
        )
        .order_by("since", "pk")
        .values_list("user_id", flat=True)
        .first()
    )
    assert held_by is not None, f"nobody holds stage {stage} on the {side} side"
    return ctx.world.by_id[held_by]


# the partnership's own events -----------------------------------------------------------------


def _partnership_events(ctx: Ctx) -> Steps:
    """Policy v2 (escalation on breach off) agreed before its year starts; the Christmas
    closure announced in the autumn before it."""
    lead, partnership = ctx.world.people["lead"], ctx.world.partnership
    yield _moment(ctx, ctx.v2_from - dt.timedelta(days=21), ctx.v2_from - dt.timedelta(days=14))
    create_with_reason(
        Policy,
        by=lead,
        reason="Version 2 agreed by the partnership board: breaches alert, people decide",
        partnership=partnership,
        version=2,
        effective_from=ctx.v2_from,
    )
    first_closure = min(ctx.closures, default=ctx.v2_from.date())
    announced = _at(first_closure.replace(month=10, day=1), dt.time(9))
    yield _moment(ctx, announced, announced + dt.timedelta(days=30))
    for day in sorted(ctx.closures):  # ClosureDay has a field of its own called reason
        closure = ClosureDay(partnership=partnership, date=day, reason="Christmas closure")
        save_with_reason(closure, by=lead, reason="Closure agreed by the partnership board")


def _signposting(ctx: Ctx, n: int) -> Steps:
    """Raise forms that showed the matter belonged to another process (no case content)."""
    for moment in sorted(_spread(ctx, n)):
        yield _moment(ctx, moment, moment + dt.timedelta(days=2))
        agency = ctx.world.agencies[_weighted(ctx.rng, {s.slug: s.raises + 1 for s in AGENCIES})]
        Signposting.objects.create(
            partnership=ctx.world.partnership, agency=agency, route=_weighted(ctx.rng, SIGNPOSTS)
        )


# finishing ------------------------------------------------------------------------------------


def _mark_delivered(partnership: Partnership, now: dt.datetime) -> None:
    """Emailing the past is noise: the demo's notifications count as sent when written, and
    those older than two weeks as read. (Notifications keep no history.)"""
    Notification.objects.filter(
        recipient__membership__partnership=partnership, sent_at__isnull=True
    ).update(
        sent_at=F("created_at"),
        attempts=1,
        read_at=Case(
            When(created_at__lt=now - dt.timedelta(days=14), then=F("created_at")),
            default=Value(None, output_field=DateTimeField()),
        ),
    )


def _summary(ctx: Ctx) -> DemoSummary:
    """Counts by state and of the clock's work, and the sign-ins."""
    partnership = ctx.world.partnership
    escalations = Escalation.objects.filter(partnership=partnership)
    records = StageRecord.objects.filter(escalation__partnership=partnership)
    by_status = dict(escalations.values_list("status").annotate(n=Count("pk")).order_by())
    return DemoSummary(
        by_status={str(key): int(value) for key, value in by_status.items()},
        breached_stages=records.filter(breached_at__isnull=False).count(),
        accepted_extensions=Extension.objects.filter(
            stage_record__escalation__partnership=partnership, status=ExtensionStatus.ACCEPTED
        ).count(),
        system_escalations=Escalation.history.filter(
            partnership_id=partnership.pk,
            history_user__isnull=True,
            history_change_reason__startswith="Escalated to stage",
        ).count(),
        late_acknowledgements=escalations.filter(acknowledgement_chased_at__isnull=False).count(),
        timer_failures=failed_tasks().count(),
        sign_ins=ctx.world.sign_ins,
        refused=ctx.surprises,
    )
