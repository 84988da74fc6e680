"""Pure rules of the fieldwork: what a case reference may look like, statutory weeks, absence bands,
setting identifiers. No database here, so each rule is tested on its own."""

import re
from dataclasses import dataclass
from datetime import date

STATUTORY_WEEKS = 20  # an EHC plan must be issued within 20 weeks of the request for assessment
PERSISTENT_ABSENCE_BELOW = 90.0  # attendance below 90% (missing 10% or more) is persistent absence
SEVERE_ABSENCE_BELOW = 50.0  # attendance below 50% is severe absence

# Two or more capitalised words in a row: "Jamie Smith", "Mary-Jane O'Neill", "Ali McDonald".
_WORD = r"[A-Z](?:'[A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)*"
_NAME_RE = re.compile(rf"\b{_WORD}(?:\s+{_WORD})+\b")
# Ten digits, written together or as 3-3-4 (an NHS number).
_NHS_RE = re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
# A unique pupil number: a letter and twelve characters, the last a digit or (temporary UPN) a letter.
_UPN_RE = re.compile(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b")


CASE_REFERENCE_LIMIT = 40
CASE_REFERENCE_REQUIRED = "Enter a case reference, for example P1-07"
CASE_REFERENCE_TOO_LONG = f"Case reference must be {CASE_REFERENCE_LIMIT} characters or fewer"
# What a case reference must not look like, and why: also sent to the tablet (fieldwork/contract.py), whose
# JavaScript runs these same patterns.
CASE_REFERENCE_REFUSED = (
    (_NHS_RE, "The case reference looks like an NHS number. Use a pseudonym, like P1-07, not the child's details"),
    (_UPN_RE,
     "The case reference looks like a unique pupil number. Use a pseudonym, like P1-07, not the child's details"),
    (_NAME_RE, "The case reference looks like a name. Use a pseudonym, like P1-07, not the child's name"),
)


def case_reference_problem(reference: str) -> str | None:
    """Why a case reference is refused, or None. Inspectors use pseudonyms like 'P1-07' or 'Case 12'."""
    text = reference.strip()
    if not text:
        return CASE_REFERENCE_REQUIRED
    if len(text) > CASE_REFERENCE_LIMIT:
        return CASE_REFERENCE_TOO_LONG
    for pattern, message in CASE_REFERENCE_REFUSED:
        if pattern.search(text):
            return message
    return None


@dataclass(frozen=True)
class Timeliness:
    days: int

    @property
    def weeks(self) -> int:
        return self.days // 7

    @property
    def extra_days(self) -> int:
        return self.days % 7

    @property
    def over_limit(self) -> bool:
        """Over 20 weeks; exactly 20 weeks (140 days) is within the limit."""
        return self.days > STATUTORY_WEEKS * 7

    @property
    def label(self) -> str:
        weeks = f"{self.weeks} week{'s' if self.weeks != 1 else ''}"
        return weeks + (f" {self.extra_days} day{'s' if self.extra_days != 1 else ''}" if self.extra_days else "")


def request_to_plan(requested: date | None, issued: date | None) -> Timeliness | None:
    if requested is None or issued is None:
        return None
    return Timeliness((issued - requested).days)


def absence_band(attendance_percent: float | None) -> str | None:
    """'severe' below 50%, 'persistent' below 90%, 'none' otherwise; None when not recorded."""
    if attendance_percent is None:
        return None
    if attendance_percent < SEVERE_ABSENCE_BELOW:
        return "severe"
    if attendance_percent < PERSISTENT_ABSENCE_BELOW:
        return "persistent"
    return "none"


ABSENCE_LABELS = {"severe": "Severe absence (below 50%)", "persistent": "Persistent absence (below 90%)",
                  "none": "Not persistently absent (90% or more)"}

_IDENTIFIER_RULES = {
    "urn": (re.compile(r"^\d{6,7}$"), "A URN is 6 or 7 digits, like 123456"),
    "ukprn": (re.compile(r"^1\d{7}$"), "A UKPRN is 8 digits starting with 1, like 10012345"),
    "ods": (re.compile(r"^(?=.*[A-Z])[A-Z0-9]{3,6}$"), "An ODS code is 3 to 6 letters and digits, like RJ7 or A81001"),
}


def identifier_problem(kind: str, identifier: str) -> str | None:
    rule = _IDENTIFIER_RULES.get(kind)
    if rule is None:
        return "Select the kind of identifier"
    pattern, message = rule
    return None if pattern.match(identifier.strip().upper()) else message
