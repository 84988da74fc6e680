"""The letter's or report's structure as a profile gives it (`[letter]` in app/frameworks/profiles/*.toml): the
parts in their order, which paragraphs open it, how the team is named, the headings of the fixed parts and of the
recommendation tables. The code that lays a letter out follows this; it never knows which framework it serves."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from app.frameworks.service import Profile, get_profile

# The parts a structure may list, in the order the profile wants them:
#   date, addressees, salutation, title, sign_off  - the letter's frame
#   line:<key>              - a fixed line from [letter], filled from the inspection ("Inspection dates: ...")
#   outcome                 - the decided outcome's heading, wording and next steps
#   section:<key>           - an editable section (opening, main_findings, wsoa)
#   sections                - the findings sections ([[letter.sections]])
#   recommendations:<list>  - a decided list as a table, by responsible body unless by_body = false
#   partnership_details     - the responsible bodies by name
#   about                   - fixed paragraphs about the inspection ({team}: the team in the [team] roles' words)
#   team_list               - the inspection team by organisation
# The team sentence's words are the profile's [team] roles' (app/frameworks/team.py), not the letter's.
PART_KINDS = {"date", "addressees", "salutation", "title", "sign_off", "outcome", "sections", "partnership_details",
              "about", "team_list"}
PART_PREFIXES = {"line", "section", "recommendations"}


@dataclass(frozen=True)
class TeamLine:
    role: str
    organisation: str
    title: str  # "Ofsted HMI, lead inspector"


@dataclass(frozen=True)
class Recommendations:
    heading: str
    column: str
    by_body: bool = True  # a "Responsible body" column before the text; False: the text alone, naming who acts
    hint: str = ""  # the decision form's hint over the list, when the profile has one to give


@dataclass(frozen=True)
class ReportStructure:
    parts: tuple[str, ...]
    lines: dict[str, str]  # line:<key> -> its template
    salutation: str
    opening_order: tuple[str, ...]  # the opening's paragraphs: opening, team, counts, did, wsoa, this_letter, ...
    partnership: str  # the sentence naming the bodies jointly responsible
    headings: dict[str, str]  # an editable section's heading in the letter ("" for none)
    wsoa_close: str  # the sentence before the significant weaknesses, at the letter's end
    team_list: tuple[TeamLine, ...]
    outcome_heading: str
    recommendations: dict[str, Recommendations]
    responsible_body_column: str
    partnership_details_heading: str
    team_heading: str
    about_heading: str
    about: tuple[str, ...]  # its paragraphs' templates
    icb_default: str  # the board's name until the area's record gives it

    def has(self, part: str) -> bool:
        return part in self.parts


# Before a profile says otherwise: the 2016-style letter the product has always drawn.
DEFAULT_PARTS = ("date", "addressees", "salutation", "title", "section:opening", "section:main_findings", "sections",
                 "section:wsoa", "sign_off")


def _check(parts: tuple[str, ...], code: str) -> tuple[str, ...]:
    for part in parts:
        kind, _, _ = part.partition(":")
        if part not in PART_KINDS and kind not in PART_PREFIXES:
            raise ValueError(f"The {code} profile's [letter] lists an unknown part: {part}")
    return parts


@cache
def _structure(code: str) -> ReportStructure:
    data: dict[str, Any] = get_profile(code).data.get("letter", {})
    parts = _check(tuple(data.get("parts", DEFAULT_PARTS)), code)
    return ReportStructure(
        parts=parts,
        lines={p.partition(":")[2]: data[p.partition(":")[2]] for p in parts if p.startswith("line:")},
        salutation=data.get("salutation", ""),
        opening_order=tuple(data.get("opening_order", ("opening", "team", "counts", "did", "wsoa", "this_letter"))),
        partnership=data.get("partnership", ""),
        headings={"opening": "", "main_findings": "Main findings", "wsoa": "", **data.get("headings", {})},
        wsoa_close=data.get("wsoa_close", ""),
        team_list=tuple(TeamLine(**line) for line in data.get("team_list", ())),
        outcome_heading=data.get("outcome_heading", "Inspection outcome"),
        recommendations={key: Recommendations(**value) for key, value in data.get("recommendations", {}).items()},
        responsible_body_column=data.get("responsible_body_column", ""),
        partnership_details_heading=data.get("partnership_details_heading", ""),
        team_heading=data.get("team_heading", ""),
        about_heading=data.get("about_heading", ""),
        about=tuple(data.get("about", ())),
        icb_default=data.get("integrated_care_board_default", ""),
    )


def structure_of(profile: Profile) -> ReportStructure:
    return _structure(profile.code)
