"""The personal-data guard: finds what would identify a child or family in free text (evidence notes may be
disclosed on request) and offers pseudonyms in its place. Numbers are checked the way their issuers check them
(NHS numbers: modulus 11; unique pupil numbers: the DfE check letter), so a random ten-digit figure is not
taken for an NHS number. Measured on tests/data/personal_data_sentences.tsv."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.errors import ValidationFailed

LABELS = {"nhs_number": "NHS number", "upn": "unique pupil number", "date_of_birth": "date of birth",
          "postcode": "postcode", "phone": "phone number", "email": "email address", "name": "name"}
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE's 23 check letters: no I, O or S

NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
UPN = re.compile(r"\b([A-HJ-NP-RT-Z])(\d{11})([0-9A-HJ-NP-RT-Z])\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December|" \
         "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS})\.? \d{{4}}|(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
DOB = re.compile(rf"\b(?:born|DOB|D\.O\.B\.?|date of birth|birthday)(?:\s*(?:on|of|is|was|:))*\s*({DATE})",
                 re.IGNORECASE)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
# Starts only where a run of address characters starts: "\b" would let a long run be tried from every position.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z][a-z]+(?:[- ][A-Z][a-z]+)?")
# Two capitalised words, found at every word (a lookahead), so that one pair does not hide the next.
NAME_PAIR = re.compile(r"\b(?=([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b)")
# A name word, and what follows a first name in a place's or a service's name rather than a person's.
ORGANISATION_WORDS = {"School", "Academy", "College", "Primary", "Nursery", "Infant", "Junior", "High", "Trust",
                      "Hospital", "Centre", "Center", "House", "Road", "Street", "Lane", "Court", "Park", "Ward",
                      "Unit", "Team", "Service", "Services", "Clinic", "Surgery", "Church", "Hall", "Way", "Close",
                      "Avenue", "Drive", "Hub", "Group", "Forum", "Project", "Foundation", "Council", "Board",
                      "Term", "Holidays", "Club"}


SAINT = {"St", "St.", "Saint"}
WORD_BEFORE = re.compile(r"(\S+) $")
WORD_AFTER = re.compile(r" ([A-Z][a-z]+)")


def _word_before(text: str, start: int) -> str:
    m = WORD_BEFORE.search(text, max(0, start - 40), start)
    return m.group(1) if m else ""


def _word_after(text: str, end: int) -> str:
    m = WORD_AFTER.match(text, end)
    return m.group(1) if m else ""


@cache
def _first_names() -> frozenset[str]:
    return frozenset((Path(__file__).parent / "first_names.txt").read_text().split())


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def nhs_number_valid(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


def upn_valid(upn: str) -> bool:
    if len(upn) != 13 or upn[0] not in UPN_LETTERS:
        return False
    values = [int(c) if c.isdigit() else UPN_LETTERS.index(c) if c in UPN_LETTERS else None for c in upn[1:]]
    if None in values or not upn[1:12].isdigit():
        return False
    return UPN_LETTERS[sum(v * w for v, w in zip(values, range(2, 14))) % 23] == upn[0]


# Every guarded field refuses text longer than this (notes at 20,000 characters, the rest fewer) by its own length
# check; a longer text is left to that check instead of being searched first (1 MB took 6 s before its 422).
SCAN_LIMIT = 20_000


def find(text: str) -> list[Finding]:
    """Every likely piece of personal data, in order, none overlapping (numbers are checked first)."""
    if len(text) > SCAN_LIMIT:
        return []
    found: list[Finding] = []
    taken = bytearray(len(text))  # characters already part of a finding: linear, however many findings

    def add(kind: str, start: int, end: int) -> None:
        if not any(taken[start:end]):
            found.append(Finding(kind, start, end, text[start:end]))
            taken[start:end] = b"\x01" * (end - start)

    for m in EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in UPN.finditer(text):
        if upn_valid(m.group(0)):
            add("upn", m.start(), m.end())
    for m in NHS.finditer(text):
        if nhs_number_valid("".join(m.groups())):
            add("nhs_number", m.start(), m.end())
    for m in DOB.finditer(text):
        add("date_of_birth", m.start(1), m.end(1))
    for m in PHONE.finditer(text):
        add("phone", m.start(), m.end())
    for m in POSTCODE.finditer(text):
        add("postcode", m.start(), m.end())
    for m in TITLED.finditer(text):
        add("name", m.start(), m.end())
    names = _first_names()
    for m in NAME_PAIR.finditer(text):  # every pair of capitalised words: "Met Oliver Brown" holds "Oliver Brown"
        first, last = m.group(1), m.group(2)
        if first not in names or last in ORGANISATION_WORDS or last in names | {"The"}:
            continue
        before, after = _word_before(text, m.start(1)), _word_after(text, m.end(2))
        if before in SAINT or after in ORGANISATION_WORDS:  # St Mary Magdalene Academy, Grace Darling Ward
            continue
        start = m.start(1)
        while (before := _word_before(text, start)) in names and not taken[start - 2]:
            start -= len(before) + 1  # Oliver James Brown, not "Oliver" and a pseudonym
        add("name", start, m.end(2))
    return sorted(found, key=lambda f: f.start)


def kinds(text: str) -> list[str]:
    return sorted({f.kind for f in find(text)})


def pseudonymise(text: str) -> str:
    """Each name becomes Person A, Person B... (the same name, the same letter); numbers, dates of birth and
    contact details become a bracketed description."""
    letters: dict[str, str] = {}
    out, last = [], 0
    for finding in find(text):
        if finding.kind == "name":
            key = finding.text.split()[-1] if finding.text.split()[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"} else finding.text
            letters.setdefault(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters) % 26])
            replacement = f"Person {letters[key]}"
        else:
            replacement = f"[{LABELS[finding.kind]} removed]"
        out += [text[last:finding.start], replacement]
        last = finding.end
    out.append(text[last:])
    return "".join(out)


GUARD_MESSAGE = "This may identify a child or family"


def guard(texts: dict[str, str], choice: str | None) -> dict[str, str]:
    """Before saving free text: the texts to save, with pseudonyms if the person chose that; if something looks
    like personal data and they have not chosen, ValidationFailed saying what, per field. "keep" saves as typed
    (the record is then flagged and holds up the letter until reworded)."""
    if choice == "pseudonymise":
        return {name: pseudonymise(text) for name, text in texts.items()}
    if choice == "keep":
        return texts
    errors = {}
    for name, text in texts.items():
        if found := find(text):
            listed = "; ".join(f"{f.label} \u201c{f.text}\u201d" for f in found)
            errors[name] = f"{GUARD_MESSAGE}: {listed}. Replace them with pseudonyms, or keep the text if it identifies nobody"
    if errors:
        raise ValidationFailed(errors)
    return texts


def kinds_in(*texts: str) -> list[str]:
    """The kinds of personal data found across several texts (a case file's notes and comments)."""
    return sorted({kind for text in texts if text for kind in kinds(text)})
