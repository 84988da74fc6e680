"""The personal-data guard: finds what would identify a child or family in free text (evidence notes may be
disclosed on request) and offers pseudonyms in its place. Numbers are checked the way their issuers check them
(NHS numbers: modulus 11; unique pupil numbers: the DfE check letter), so a random ten-digit figure is not
taken for an NHS number. Names: a title or a first name followed by a surname, or a first name that its context
shows to be a person's ("her son Tendai", "Zofia told us"); the first names are England's communities' commonest,
from the names-dataset package (scripts/make_name_lists.py). Measured on tests/data/personal_data_sentences.tsv.
Pseudonyms left in text are found too: the letter must say them in words."""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from app.errors import ValidationFailed

LABELS = {"nhs_number": "NHS number", "upn": "unique pupil number", "date_of_birth": "date of birth",
          "postcode": "postcode", "phone": "phone number", "email": "email address", "name": "name"}
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the DfE's 23 check letters: no I, O or S

NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
UPN = re.compile(r"\b([A-HJ-NP-RT-Z])(\d{11})([0-9A-HJ-NP-RT-Z])\b")
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"  # 9/3/2027
        rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS})\.? \d{{4}}"  # 9th March 2027
        rf"|(?:{MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})")  # March 9, 2027
DOB = re.compile(rf"\b(?:born|DOB|D\.O\.B\.?|date of birth|birthday)(?:\s*(?:on|of|is|was|:))*\s*({DATE})",
                 re.IGNORECASE)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
LONG_NUMBER = re.compile(r"\d(?:[\s-]?\d){8}")  # what every UPN, NHS and phone number holds
# What every postcode holds, its first letter outside the alternation (G as in GIR 0AA) so the search starts from
# the class.
POSTCODE_HINT = re.compile(r"[A-PR-UWYZ](?:[A-HK-Y]?\d|IR ?0AA)")
DOB_WORDS = ("born", "dob", "d.o.b", "date of birth", "birthday")  # DOB's words in lower case
# Starts only where a run of address characters starts: "\b" would let a long run be tried from every position.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# A word, letters of any alphabet (Łukasz, Wiśniewska), with its apostrophes and hyphens (O'Brien, Al-Sayed).
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
LETTER = re.compile(r"[^\W\d_]")
# Where a capitalised word may begin: any letter but an ASCII lower-case one. A pattern that is one character class
# is searched for in C without trying a match at every position, so the words in lower case cost next to nothing.
NOT_LOWER_ASCII = re.compile(r"[^\W\d_a-z]")
# The same for a text all in ASCII (nearly every note), where a letter is [A-Za-z] and a digit [0-9]: classes the
# regex engine tests from a table rather than by Unicode category. A capitalised word is found whole in one search,
# with what the loop below checks of the characters before it (not inside a word: McDonald, O'Brien) as
# lookbehinds placed after its first letter, so that the search still starts from the class.
ASCII_CAPITALISED = re.compile(r"[A-Z](?<![A-Za-z].)(?<![A-Za-z]['-].)[A-Za-z]*(?:['-][A-Za-z]+)*")
ASCII_LONG_NUMBER = re.compile(r"[0-9](?:[\s-]?[0-9]){8}")
TITLES = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Master"}
# What follows a name in a place's or a service's name rather than a person's.
ORGANISATION_WORDS = {"School", "Schools", "Academy", "College", "University", "Primary", "Nursery", "Infant",
                      "Junior", "High", "Grammar", "Trust", "Hospital", "Centre", "Center", "House", "Road", "Street",
                      "Lane", "Court", "Park", "Ward", "Unit", "Team", "Service", "Services", "Clinic", "Surgery",
                      "Church", "Hall", "Way", "Close", "Avenue", "Drive", "Hub", "Group", "Forum", "Project",
                      "Foundation", "Council", "Board", "Term", "Holidays", "Club", "Partnership", "Association",
                      "Award", "Syndrome", "Disease", "Pathway", "Library", "Campus", "Building", "Wing"}
# A saint's or a royal's name names a school, a hospital or a place: St Mary's, King Edward VI, Sir John Cass.
EPONYM_TITLES = {"St", "Saint", "King", "Queen", "Prince", "Princess", "Duke", "Duchess", "Sir", "Lady", "Lord"}
# People's names that name a charity, a hospital or a place in this work, not a family.
EPONYMS = {("Marie", "Curie"), ("Florence", "Nightingale"), ("Mary", "Seacole"), ("Grace", "Darling"),
           ("Milton", "Keynes"), ("Alder", "Hey"), ("Great", "Ormond"), ("John", "Lewis")}
# First names that are also ordinary words: not taken for a name on their own ("In May", "Young people").
COMMON_WORDS = {"May", "June", "April", "August", "Will", "Grace", "Hope", "Faith", "Joy", "Summer", "Autumn",
                "Winter", "Young", "Short", "Page", "Mark", "Bill", "Guy", "Ray", "Dawn", "Sky", "Rose", "Major",
                "Dean", "Art", "Chase", "Royal", "Star", "Sunny", "Angel", "Christian", "Victoria", "Patience",
                "Health", "Parent", "Early", "Ruby", "Holly", "Ivy", "Iris", "Amber", "Jade", "Pearl", "Crystal",
                "Honey", "Rich", "Free", "Bishop", "Baby", "Miles", "Long", "Happy", "Lucky", "Love", "Said"}
# Who a child is to someone: "her son Tendai", "mum of Amara", "my daughter Zofia".
KIN_WORDS = (r"(?:son|daughter|child|grandson|granddaughter|brother|sister|nephew|niece|twins?|stepson|stepdaughter"
             r"|(?:mum|mother|dad|father|parents?|carers?|grandmother|grandfather|nan|grandparents?|siblings?) of"
             r"|called|named)")
KIN_BEFORE = re.compile(rf"\b{KIN_WORDS} $", re.IGNORECASE)
KIN_LAST_LETTERS = set("nrdwesfNRDWESF\u017f")  # the last letters of its words, either case, and the long s
# What follows a first name that is a person's: "Tariq, aged 9", "Zofia told us", "Kwame's mum".
PERSON_AFTER = re.compile(r"(?:,? \(?aged? \d|,? aged |,? \(?Year \d| told\b| said\b| says\b"
                          r"|['’]s (?:mum|mother|dad|father|parents?|carers?|nan|grandmother|sister|brother"
                          r"|plan|EHCP|teacher|school|class|TA|key worker|social worker)\b)")


@cache
def _names(file: str) -> frozenset[str]:
    """A list made by scripts/make_name_lists.py (from the names-dataset package), read once, when first needed."""
    lines = (Path(__file__).parent / file).read_text().splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _first_names() -> frozenset[str]:
    return _names("first_names.txt")


def _capitalised(word: str) -> bool:
    """Mensah, O'Brien; not NHS, not SEND. (An ASCII word has a lower-case letter where upper() changes it.)"""
    if word.isascii():
        return word[0].isupper() and word[1:] != word[1:].upper()
    return word[0].isupper() and any(c.islower() for c in word[1:])


def _names_in(text: str) -> list[tuple[int, int]]:
    """Where people's names are: a title or a first name (from the list) followed by more capitalised words, or
    a capitalised word that its context shows to be a person's. One pass over the words; only capitalised words
    are kept, since a word between two of them shows in the text between them and ends a run just the same (and
    the guard runs on every evidence item a tablet sends, so this loop is the sync path's)."""
    firsts = _first_names()
    words = []  # capitalised words: (start, end without a possessive 's, the word without it, whether possessive)
    if text.isascii():
        for whole in ASCII_CAPITALISED.finditer(text):
            word = whole.group()
            start, end = whole.span()
            possessive = len(word) > 3 and word[-2:] == "'s"
            if possessive:
                word, end = word[:-2], end - 2
            # _capitalised for ASCII, inline: the pattern starts the word with [A-Z], so it is capitalised when
            # upper() changes it (a lower-case letter after the first).
            if word != word.upper():
                words.append((start, end, word, possessive))
        return _name_spans(text, words, firsts)
    for found in NOT_LOWER_ASCII.finditer(text):
        start = found.start()
        if start and (LETTER.match(text, start - 1) or
                      (start > 1 and text[start - 1] in "'’-" and LETTER.match(text, start - 2))):
            continue  # inside a word (McDonald, O'Brien): WORD matched it from its first letter
        m = WORD.match(text, start)
        if m is None:
            continue
        word, end = m.group(), m.end()
        if not word[0].isupper():
            continue
        possessive = len(word) > 3 and word[-2] in "'’" and word[-1] == "s"
        if possessive:
            word, end = word[:-2], end - 2
        if _capitalised(word):
            words.append((m.start(), end, word, possessive))
    return _name_spans(text, words, firsts)


def _name_spans(text: str, words: list[tuple[int, int, str, bool]], firsts: frozenset[str]) -> list[tuple[int, int]]:
    spans, i, count = [], 0, len(words)
    while i < count:
        j = i + 1  # a run of capitalised words, one space apart (a title may keep its full stop)
        while j < count:
            _, last_end, last, possessive = words[j - 1]
            gap = text[last_end:words[j][0]]
            if possessive or not (gap == " " or (gap == ". " and last in TITLES)):
                break
            j += 1
        if j == i + 1:  # a word alone (most often the first of a sentence), judged here without a call
            start, end, word, _ = words[i]
            if (word not in ORGANISATION_WORDS and word not in EPONYM_TITLES and word not in COMMON_WORDS
                    and (_kin_before(text, start) or (word in firsts and PERSON_AFTER.match(text, end)))):
                spans.append((start, end))  # her son Tendai; Zofia told us; Kwame's mum
        elif span := _name_in_run(text, words[i:j], firsts):
            spans.append(span)
        i = j
    return spans


def _kin_before(text: str, start: int) -> bool:
    """KIN_BEFORE in the 30 characters before start. Its match ends in a space after a word ending in one of these
    letters ("$" may also stand before a final line feed); the pattern itself, a long alternation tried at each of
    the 30 positions, is searched only where that holds ("Parents" after a full stop never is)."""
    end = start - 1 if start and text[start - 1] == "\n" else start
    if end < 2 or text[end - 1] != " " or text[end - 2] not in KIN_LAST_LETTERS:
        return False
    return KIN_BEFORE.search(text, max(0, start - 30), start) is not None


def _name_in_run(text: str, run: list[tuple[int, int, str, bool]], firsts: frozenset[str]) -> tuple[int, int] | None:
    """A run of two capitalised words or more (_name_spans judges a word alone)."""
    names = [w[2] for w in run]
    if any(w in ORGANISATION_WORDS or w in EPONYM_TITLES for w in names):
        return None  # St Mary's School, Grace Darling Ward, King Edward VI, Down's Syndrome Association
    if any(pair in EPONYMS for pair in pairwise(names)):
        return None  # Marie Curie nurses
    for k, word in enumerate(names[:-1]):
        if word in TITLES or word in firsts:
            return run[k][0], run[-1][1]  # Mrs Patel, (Met) Oliver James Brown
    start, end = run[0][0], run[-1][1]
    if names[0] in COMMON_WORDS:
        return None
    if _kin_before(text, start):
        return start, end  # her son Tendai, whether or not the list knows the name
    return None


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
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


def upn_valid(upn: str) -> bool:
    if len(upn) != 13 or upn[0] not in UPN_LETTERS:
        return False
    if not upn[1:12].isdigit() or not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        return False
    values = [int(c) if c.isdigit() else UPN_LETTERS.index(c) for c in upn[1:]]
    return UPN_LETTERS[sum(v * w for v, w in zip(values, range(2, 14), strict=True)) % 23] == upn[0]


# Every guarded field refuses text longer than this (notes at 20,000 characters, the rest fewer) by its own length
# check; a longer text is left to that check instead of being searched first (1 MB took 6 s before its 422).
SCAN_LIMIT = 20_000


def _may_hold_a_birth_date(text: str) -> bool:
    """Whether DOB's words are in the text in any case: the lower-cased text searched in C, where the pattern
    with IGNORECASE would be tried at every position. Its "i" also matches the Turkish dotted and dotless I."""
    lowered = text.lower()
    if not text.isascii():
        lowered = lowered.replace("i\u0307", "i").replace("\u0131", "i")
    return any(word in lowered for word in DOB_WORDS)


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

    # Each pattern is tried only where the text has what it needs (a quick search or none, against a scan of the
    # whole text at every position): an address an "@"; a UPN, an NHS or a phone number nine digits in a row, a
    # space or hyphen apart at most; a date of birth its words; a postcode a letter and a digit. Most notes have
    # none of them, and the guard runs on every evidence item a tablet sends.
    long_number = (ASCII_LONG_NUMBER if text.isascii() else LONG_NUMBER).search(text) is not None
    if "@" in text:
        for m in EMAIL.finditer(text):
            add("email", m.start(), m.end())
    if long_number:
        for m in UPN.finditer(text):
            if upn_valid(m.group(0)):
                add("upn", m.start(), m.end())
    if long_number:
        for m in NHS.finditer(text):
            if nhs_number_valid("".join(m.groups())):
                add("nhs_number", m.start(), m.end())
    if _may_hold_a_birth_date(text):
        for m in DOB.finditer(text):
            add("date_of_birth", m.start(1), m.end(1))
    if long_number:
        for m in PHONE.finditer(text):
            add("phone", m.start(), m.end())
    if POSTCODE_HINT.search(text):
        for m in POSTCODE.finditer(text):
            add("postcode", m.start(), m.end())
    for start, end in _names_in(text):
        add("name", start, end)
    return sorted(found, key=lambda f: f.start)


def kinds(text: str) -> list[str]:
    return sorted({f.kind for f in find(text)})


# A batch's texts all in ASCII, joined, with each character as its class (a digit 0, a capital A, a small letter a,
# white space or a hyphen a space, a full stop as itself, anything else _): what a finding needs is then a few fixed
# strings, which str.find looks for far faster than a regex tries a pattern that starts from a class of characters.
_CLASSES = bytes(ord("0") if chr(c).isdigit() else ord("A") if chr(c).isupper() else ord("a") if chr(c).islower()
                 else c if chr(c) == "." else ord(" ") if chr(c).isspace() or chr(c) == "-" else ord("_")
                 for c in range(256))
# What any finding needs somewhere in a text all in ASCII, as find() and _names_in test it before looking closer.
# More is matched than is found (no title, no first-name list, no "\b"), never less: a text with none of these has
# no finding. None of them can match NUL (_), which joins a batch's texts.
_MAY_FIND_WORDS = (
    "@",  # an email address
    " age", "(age", " Year", "(Year", " told", " said", " says", "'s ")  # what PERSON_AFTER shows of a first name
_MAY_FIND_CLASSES = (
    # A capital after a letter and a space (or a title's ". ", or a space and a line feed): the next word of a run,
    # or a word after one of KIN_WORDS.
    b"a A", b"A A", b"a. A", b"A. A", b"a  A", b"A  A",
    b"A0", b"AA 0")  # POSTCODE_HINT: a capital, another or none, then a digit (GIR 0AA: a capital, a space)
_MAY_FIND_NUMBER = re.compile(rb"0 ?0 ?0 ?0 ?0 ?0 ?0 ?0 ?0")  # ASCII_LONG_NUMBER: a UPN, an NHS or a phone number


def kinds_many(texts: list[str]) -> list[list[str]]:
    """kinds() of each text, for many at once (a device's sync batch: 500 notes). The texts all in ASCII (nearly
    every note) are joined by NUL and searched once for what any finding needs; only those where it is found, and
    any other text, are searched as kinds() searches them. Most notes have nothing to find, and the guard's
    patterns tried on each of 500 notes took four times the instructions of these searches over the batch."""
    plain = [i for i, text in enumerate(texts) if text.isascii() and len(text) <= SCAN_LIMIT]
    may_find = set(range(len(texts))) - set(plain)
    if plain:
        starts, position = [], 0
        for i in plain:
            starts.append(position)
            position += len(texts[i]) + 1
        joined = "\x00".join(texts[i] for i in plain)
        classes = joined.encode("ascii").translate(_CLASSES)
        lowered = joined.lower()

        def after(found: int) -> int:
            """Flags the text the batch's character `found` is in, and gives where to search next: the text after."""
            k = bisect_right(starts, found) - 1
            may_find.add(plain[k])
            return starts[k + 1] if k + 1 < len(starts) else len(joined)

        for haystack, needles in ((joined, _MAY_FIND_WORDS), (lowered, DOB_WORDS), (classes, _MAY_FIND_CLASSES)):
            for needle in needles:
                position = haystack.find(needle)  # type: ignore[arg-type]  # (str in str, bytes in bytes)
                while position >= 0:
                    position = haystack.find(needle, after(position))  # type: ignore[arg-type]
        position = 0
        while (match := _MAY_FIND_NUMBER.search(classes, position)) is not None:
            position = after(match.start())
    return [kinds(text) if i in may_find else [] for i, text in enumerate(texts)]


def pseudonymise(text: str) -> str:
    """Each name becomes Person A, Person B... (the same name, the same letter); numbers, dates of birth and
    contact details become a bracketed description."""
    letters: dict[str, str] = {}
    out, last = [], 0
    for finding in find(text):
        if finding.kind == "name":
            titled = finding.text.split()[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"}
            key = finding.text.split()[-1] if titled else finding.text
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
            errors[name] = (f"{GUARD_MESSAGE}: {listed}. "
                            "Replace them with pseudonyms, or keep the text if it identifies nobody")
    if errors:
        raise ValidationFailed(errors)
    return texts


# What pseudonymise leaves behind: right in evidence notes, but a letter must say it in words ("a child", "her
# parent"), so the letter is not ready while one is left in it.
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(map(re.escape, LABELS.values())) + r") removed\]|\bPerson [A-Z]\b")


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def kinds_in(*texts: str) -> list[str]:
    """The kinds of personal data found across several texts (a case file's notes and comments)."""
    return sorted({kind for text in texts if text for kind in kinds(text)})
