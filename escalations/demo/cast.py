"""Who is in the demo partnership: its agencies with the job titles of their people, the
partnership team, and the invented names given to them in turn."""

from __future__ import annotations

from dataclasses import dataclass

from escalations.models import Role, Sector

SCHOOLS = ("primary", "academy")


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
