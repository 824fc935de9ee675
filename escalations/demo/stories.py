"""What the demo's escalations are about: kinds of disagreement in the words of the raise
form (never a name), each with the agencies it can be raised against, and how often each
category comes up."""

from __future__ import annotations

from dataclasses import dataclass

from escalations.models import Category

from .cast import SCHOOLS


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
