"""Details in free text that could identify a child or a family member (issue 12, item 7).

Resolve refers to children by case numbers. Before an escalation, a response, a note or a
resolution is saved, its free text is looked over for what most often slips in: a date of
birth, a postcode, a street address, an NHS number and a person's full name. What is found is
a warning, not a refusal: the writer removes it or says why it must stay.

This is a net with holes, and the privacy notice says so: it looks for the usual shapes of
these details in English text, not for every way of writing them. A name it does not know, a
date written in words, or an address without a street word goes through. It never stores or
logs what it found, only which kinds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = {
    "date_of_birth": "a date of birth",
    "postcode": "a postcode",
    "address": "a street address",
    "nhs_number": "an NHS number",
    "name": "a person's full name",
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# 12/03/2019, 12-3-19, 12.03.2019; 12 March 2019, 12th Mar 2019; March 12, 2019
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\b")
_WORDED_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_AMERICAN_DATE = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_BIRTH_WORDS = re.compile(
    r"\b(?:born|d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birthday)[\s:,-]*(?:on\s+)?$",
    re.IGNORECASE,
)

# in capitals, as postcodes are written (in lower case, "S47 1st" would be one)
_POSTCODE = re.compile(r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b")

_STREET_WORDS = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Gardens|"
    "Terrace|Grove|Row|Square|Walk|Mews|Rise|Parade|Hill|View|Green"
)
_COURTS = re.compile(r"\b(?:Family|Crown|County|Youth|Magistrates'?|High)\s+Court\b")
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){{1,3}}(?:{_STREET_WORDS})\b\.?"
)

_NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")

_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+([A-Z][A-Za-z'-]*[a-z])\b")
# common first names in England and Wales (children's and adults'), and words that follow a
# capitalised word in an agency's or a place's name rather than a surname
FIRST_NAMES = frozenset(
    """
    aaliyah abigail adam aiden alex alexander alfie alice amelia amir amy ava ayesha archie
    arthur ben benjamin bethany callum charlie charlotte chloe daniel david dylan edward
    eleanor elijah eliza ella ellie emily emma ethan evie finley freddie freya george
    georgia grace hannah harley harper harry harvey hollie holly hugo imogen isaac isabella
    isla isabelle jack jacob jade james jamie jasmine jayden jessica john joseph joshua kai
    katie kayden kyle layla leah leo lewis liam lily logan louie louis lucas lucy luke mason
    matilda matthew maya mia michael mohammed mohammad muhammad millie mollie molly nathan
    noah oliver olivia oscar owen paige phoebe poppy reuben riley robert rosie ruby ryan
    samuel sarah scarlett sebastian sienna sofia sophia sophie stanley summer teddy theo
    thomas tommy tyler victoria william zara zachary zoe karen lisa michelle nicola claire
    donna julie tracey kelly joanne stephen paul andrew mark gary darren lee wayne dean
    craig jason kevin shaun anthony christopher steven richard
    """.split()  # noqa: SIM905 - a word list reads better as words
)
_NOT_SURNAMES = frozenset(
    """
    academy primary school college nursery hospital trust council police partnership team
    service services care centre center house road street avenue lane close drive way court
    unit ward surgery practice board panel foundation the and of teams station term terms
    holiday holidays half
    """.split()  # noqa: SIM905 - a word list reads better as words
)
_CAPITALISED_PAIR = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][A-Za-z'-]*[a-z])\b")


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    field: str  # the field it was found in

    @property
    def described(self) -> str:
        return KINDS[self.kind]


def _date(day: int, month: int, year: int) -> dt.date | None:
    if year < 100:
        year += 2000 if year <= dt.date.today().year % 100 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates(text: str) -> Iterable[tuple[int, dt.date]]:
    for match in _NUMERIC_DATE.finditer(text):
        d, _, m, y = match.groups()
        if (found := _date(int(d), int(m), int(y))) is not None:
            yield match.start(), found
    for match in _WORDED_DATE.finditer(text):
        d, named, y = match.groups()
        if (found := _date(int(d), MONTHS[named.lower()], int(y))) is not None:
            yield match.start(), found
    for match in _AMERICAN_DATE.finditer(text):
        named, d, y = match.groups()
        if (found := _date(int(d), MONTHS[named.lower()], int(y))) is not None:
            yield match.start(), found


def _looks_like_birth(text: str, at: int, date: dt.date, today: dt.date) -> bool:
    """Said to be a birth ("born", "DOB", "date of birth" just before it), or a past date in
    brackets straight after a word, as a date of birth is written after a name. A case's own
    history is full of dates, so a date alone is not taken for a birth."""
    if date > today:
        return False
    if _BIRTH_WORDS.search(text[max(0, at - 20) : at]):
        return True
    before = text[:at]
    return before.endswith("(") and before[:-1].rstrip()[-1:].isalpha()


def _nhs_check_digit_holds(digits: str) -> bool:
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _names(text: str) -> bool:
    if any(m.group(1).lower() not in _NOT_SURNAMES for m in _TITLE_NAME.finditer(text)):
        return True
    for match in _CAPITALISED_PAIR.finditer(text):
        first, second = match.groups()
        if first.lower() in FIRST_NAMES and second.lower() not in _NOT_SURNAMES:
            return True
    return False


def kinds_in(text: str, *, today: dt.date | None = None) -> list[str]:
    """The kinds of identifying detail ``text`` seems to hold, in the order of ``KINDS``."""
    today = today or dt.date.today()
    found = set()
    if any(_looks_like_birth(text, at, date, today) for at, date in _dates(text)):
        found.add("date_of_birth")
    if _POSTCODE.search(text):
        found.add("postcode")
    if any(not _COURTS.search(m.group()) for m in _ADDRESS.finditer(text)):
        found.add("address")
    if any(_nhs_check_digit_holds("".join(m.groups())) for m in _NHS_NUMBER.finditer(text)):
        found.add("nhs_number")
    if _names(text):
        found.add("name")
    return [kind for kind in KINDS if kind in found]


def findings(texts: dict[str, str], *, today: dt.date | None = None) -> list[Finding]:
    """What each named piece of text seems to hold."""
    return [
        Finding(kind, field)
        for field, text in texts.items()
        if text
        for kind in kinds_in(text, today=today)
    ]


def for_the_log(found: list[Finding], reason: str) -> str:
    """What the security log keeps when they are saved anyway: the kinds, where, and why;
    never the text itself."""
    where = "; ".join(f"{finding.kind} in {finding.field}" for finding in found)
    return f"{where}. Kept because: {reason.strip()}"
