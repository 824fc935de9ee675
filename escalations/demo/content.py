"""The demo's other words and weights: the partnership's levels of need and age bands, what
people write at each step, and how often things happen."""

from __future__ import annotations

from escalations.models import (
    CaseStatus,
    Category,
    Decision,
    FamilyInformed,
    Outcome,
    SignpostRoute,
)
from escalations.models.partnership import DEFAULT_NEED_LEVELS

OPEN_SHARE = 0.04  # raised in the last few weeks and still open
URGENT_SHARE = 0.1
THEMATIC_SHARE = 0.03
CSC_SHARE = 0.8  # most escalations are about children's social care decisions

NEED_LEVELS = DEFAULT_NEED_LEVELS
AGE_BANDS = ("Unborn", "Under 1", "1 to 4", "5 to 10", "11 to 15", "16 to 17")
AGE_BANDS_BY_RAISER = {
    "primary": AGE_BANDS[3:4],
    "academy": AGE_BANDS[4:],
    "community": AGE_BANDS[:3],
    "yjs": AGE_BANDS[4:],
    "camhs": AGE_BANDS[4:],
}

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
# the lead's words for last reporting year's report, as the board adopted them (no figures:
# those stand in the report itself, beside the year before)
FOREWORD = (
    "This is the partnership's report on professional disagreements between its agencies "
    "over the reporting year: how many there were, where and how quickly they were settled, "
    "and what they taught us.\n\n"
    "Challenge between agencies is a sign of a safeguarding system that works, not a failure "
    "of one. We thank the practitioners and managers who raised concerns for children, and "
    "those who answered them.\n\n"
    "Every figure stands beside the year before. Where the numbers are small, a change of a "
    "few escalations says little on its own, and the board reads them with the learning "
    "themes at the end of the report."
)
KEY_MESSAGES = (
    "Most disagreements were settled by the practitioners and their managers, before the "
    "partnership was involved.",
    "The board has asked agencies to name a holder for every escalation on the day it is "
    "raised, so that no stage waits for someone to pick it up.",
    "The themes below are what the board agreed to act on in the year ahead.",
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
