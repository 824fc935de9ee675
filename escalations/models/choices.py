"""The fixed vocabularies of DESIGN.md section 3, in the words partnerships use."""

from django.db import models


class Region(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Sector(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_ICB = "health_icb", "Health: integrated care board"
    HEALTH_HOSPITAL = "health_hospital", "Health: hospital trust"
    HEALTH_COMMUNITY = "health_community", "Health: community health and 0-19 nursing"
    HEALTH_GP = "health_gp", "Health: GP"
    HEALTH_MENTAL = "health_mental", "Health: mental health and CAMHS"
    EDUCATION_SCHOOL = "education_school", "Education: school"
    EDUCATION_INDEPENDENT = "education_independent", "Education: independent school"
    EDUCATION_COLLEGE = "education_college", "Education: college"
    EDUCATION_EARLY_YEARS = "education_early_years", "Education: early years"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HOUSING = "housing", "Housing"
    CAFCASS = "cafcass", "Cafcass"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse services"
    CHILDRENS_HOMES = "childrens_homes", "Children's homes"
    VOLUNTARY = "voluntary", "Voluntary, community, faith and sport"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership business manager"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    ANALYST = "analyst", "Analyst"


AGENCY_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.SENIOR_MANAGER)
PARTNERSHIP_ROLES = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER, Role.ANALYST)
# the partnership team: the business manager and the independent scrutineer (DESIGN.md 2)
TEAM_ROLES = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER)
# where an agency names no contact for a stage, members with this role hold it
ROLE_FOR_STAGE = {
    1: Role.PRACTITIONER,
    2: Role.MANAGER,
    3: Role.SENIOR_MANAGER,
    4: Role.SENIOR_MANAGER,
}


class Subject(models.TextChoices):
    CHILDREN = "children", "One or more children"
    THEMATIC = "thematic", "A system issue with no individual child"


class Category(models.TextChoices):
    THRESHOLD = "threshold", "Threshold or level of need (front door or MASH decision)"
    ASSESSMENT = "assessment", "Outcome of an assessment"
    STRATEGY_S47 = "strategy_s47", "Strategy discussion or section 47 enquiry decision"
    CP_PLAN = "cp_plan", "Child protection conference or plan"
    DRIFT = "drift", "Drift in a plan or agreed actions not done"
    STEP_DOWN = "step_down", "Step-down or case closure"
    ROLES = "roles", "Roles and responsibilities"
    CROSS_BORDER = "cross_border", "Cross-border responsibility"
    INFORMATION_SHARING = "information_sharing", "Information sharing and feedback on referrals"
    EXPLOITATION = "exploitation", "Exploitation"
    RESOURCES = "resources", "Service provision or resources"
    OTHER = "other", "Other"


class CaseStatus(models.TextChoices):
    NONE = "none", "None"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection"
    LOOKED_AFTER = "looked_after", "Looked after"


class FamilyInformed(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SAFE = "not_safe", "Not safe to"


class Decision(models.TextChoices):
    CHANGED = "changed", "Decision changed"
    STANDS = "stands", "Decision stands"
    PARTLY = "partly", "Partly changed"


class Outcome(models.TextChoices):
    DECISION_CHANGED = "decision_changed", "Decision changed"
    STANDS_ACCEPTED = "stands_accepted", "Decision stands and the raiser accepts"
    PARTLY_AGREED = "partly_agreed", "Partly agreed"
    NOT_AGREED = "not_agreed", "Not agreed: decision stands and dissent recorded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Conclusion(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Side(models.TextChoices):
    RAISING = "raising", "Raising side"
    RECEIVING = "receiving", "Receiving side"
    PARTNERSHIP = "partnership", "Partnership"


class SignpostRoute(models.TextChoices):
    IMMEDIATE_RISK = "immediate_risk", "A child at immediate risk: act now"
    COMPLAINT = "complaint", "A parent's or carer's disagreement: complaints"
    CONFERENCE = "conference", "A child protection conference decision: the chair's dissent process"
    IRO = "iro", "A looked-after child's plan: the IRO dispute resolution process"
    LADO = "lado", "A professional's conduct: the LADO"
    SINGLE_AGENCY = "single_agency", "A disagreement inside one agency: that agency's own policy"


class ExtensionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "Lapsed"
