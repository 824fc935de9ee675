"""What the identifying-details check catches in free text, and what it lets through (issue 12,
item 7). It is a warning, not a refusal, and a net with holes: these tests are the privacy
notice's "what is and is not guaranteed" written down."""

import datetime as dt

import pytest

from workflows.identifying import findings, kinds_in

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Born 03/04/2015, lives with mum.", "date_of_birth"),
        ("DOB: 3rd March 2016", "date_of_birth"),
        ("d.o.b. 12-6-19", "date_of_birth"),
        ("date of birth 2 Feb 2026", "date_of_birth"),  # a baby: the words say it is a birth
        ("the child (12.06.2012) was seen", "date_of_birth"),  # in brackets, as after a name
        ("born on March 12, 2014 at the hospital", "date_of_birth"),
        ("lives at NS1 4AB with her brother", "postcode"),
        ("moved to M1 1AE last week", "postcode"),
        ("the flat at 14 Acacia Avenue", "address"),
        ("police attended 3a Mill Lane", "address"),
        ("NHS number 943 476 5919", "nhs_number"),
        ("nhs no 9434765919", "nhs_number"),
        ("Jayden Smith told the teacher", "name"),
        ("mother, Sarah O'Neill, declined", "name"),
        ("spoke to Mrs Okafor at the door", "name"),
        ("his father Jamie McDonald-Reid", "name"),
    ],
)
def test_it_catches(text, kind):
    assert kind in kinds_in(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "POL-2026-000123 and CSC-2026-004417 refer to the same child.",
        "On 12/11/2026 the referral was closed at the front door.",  # this year's event
        "Closed on 3 December 2026 without a strategy discussion.",
        "Northshire Police and Children's Social Care disagree about the threshold.",
        "Grace Academy raised it; Ruby Ward at the hospital was told.",
        "A Section 47 enquiry within 15 working days, stage 2 by Friday.",
        "The baby is under 1 and the sibling is 4 years old.",
        "Team manager to convene a strategy discussion by 10am.",
        "NHS number not shared; phone 1234567890 is the duty desk.",  # fails the check digit
        "Call the MASH on 0161 496 0000.",
        # a case's own history: dates alone are not births (the reviewer's examples)
        "previous referral on 14/06/2022; plan ended on 3 March 2021; stepped down 12.10.23",
        "visit between 2.30-3.15, SDQ score 3/10/20",
        "S47 1st strategy meeting; Y10 2nd half of term",
        "attended 2 Family Court hearings",
        "a Ms Teams call over the Summer Holidays, back for the Summer Term",
    ],
)
def test_it_lets_through(text):
    assert kinds_in(text, today=TODAY) == []


@pytest.mark.parametrize(
    "text",
    [
        "moved to m1 1ae last week",  # a postcode in lower case
        "born on the fourth of July two thousand and fifteen",  # a date in words
        "lives with Zebedee Quist",  # a first name it does not know
        "the flat above the chip shop on the high street",  # no number, no street word
    ],
)
def test_what_it_misses_as_the_privacy_notice_says(text):
    assert kinds_in(text, today=TODAY) == []


def test_findings_say_where_and_which_kinds_never_the_text():
    found = findings(
        {"reasons": "Jayden Smith, born 01/02/2016", "impact_on_child": "none"}, today=TODAY
    )
    assert [(f.field, f.kind) for f in found] == [
        ("reasons", "date_of_birth"),
        ("reasons", "name"),
    ]
    assert "Jayden" not in repr(found)
