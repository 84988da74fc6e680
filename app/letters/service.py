"""The outcome letter drafted from the evidence (paras 22-24): every statement keeps the records behind it
(citations), shown to the team and left out of the exported letter. Structure and fixed wording come from the
framework profile; the team's decisions (written statement of action, or the 2023 outcome) are recorded here."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Any

from sqlmodel import Session, col, select

from app.clock import today_in_england
from app.evidence import service as evidence
from app.evidence.models import EvidenceItem, SourceType
from app.fieldwork import service as fieldwork
from app.fieldwork.models import ActivityKind, MeetingWith, SettingType
from app.frameworks import team as team_roles
from app.frameworks.decisions import rules_of
from app.frameworks.report import ReportStructure, structure_of
from app.frameworks.service import LetterWording, Profile
from app.inspections import areas as area_records
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import states
from app.letters.models import LetterDecision, LetterPublication, LetterWorkflow
from app.letters.states import LetterStatus
from app.portal import claims as sef_claims
from app.portal import documents as area_docs
from app.survey import service as survey
from app.users.models import User
from app.web.text import plural

MAX_POINTS = 6  # strengths or areas for development per section: a letter, not a list of every note


# What each kind of cited record is called beside the text, and where it opens ({id}: the record's).
CITED = {"evidence": ("Evidence item", "/evidence/{id}/edit"),
         "activity": ("Visit, meeting or review", "/activities/{id}"),
         "file_review": ("Case file", "/files/{id}"),
         "survey": ("Online survey results", "/survey"),
         "claim": ("Self-evaluation claim", "/claims/{id}"),
         "area_document": ("Document the area sent", "/area"),
         "inspection": ("The inspection and its team", ""),
         "team": ("The inspection and its team", "")}


@dataclass(frozen=True)
class Citation:
    """A record behind a drafted statement: shown to the team as a link, never in the exported letter."""
    kind: str  # a key of CITED
    id: int | str | None
    label: str
    url: str


def cite(inspection: Inspection, kind: str, record_id: int | str | None = None) -> Citation:
    label, path = CITED[kind]
    return Citation(kind, record_id, label, f"/inspections/{inspection.id}" + path.format(id=record_id))


@dataclass
class Statement:
    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    strengths: list[Statement]
    areas: list[Statement]
    style: str = "strengths_and_areas"  # the profile's: or "paragraphs", "bullets"


# A fixed part of the letter around its editable sections, in the profile's order: ("section", (key, heading)) for
# an editable section, else a block as the exports draw it: ("p"|"h1"|"h2"|"h3", text), ("bullets", [text]),
# ("table", [[header cells], [cells], ...]).
Part = tuple[str, Any]


@dataclass
class Draft:
    title: str
    addressees: list[str]
    dated: date
    opening: list[Statement]
    main_findings: list[Statement]
    sections: list[Section]
    wsoa_intro: str | None  # present only when a written statement of action is required
    weaknesses: list[str]
    outcome_wording: str | None  # the 2023 outcome's exact wording, once chosen
    sign_off: str
    signatures: list[tuple[str, str]]  # (organisation, "name, role")
    counts: dict[str, int]
    parts: list[Part] = field(default_factory=list)  # the whole letter in order, from the profile's structure
    headings: dict[str, str] = field(default_factory=dict)  # an editable section's heading in the letter ("": none)
    closing: str = ""  # the fixed sentence before the significant weaknesses (2016), "" when none

    def statements(self) -> list[Statement]:
        return [*self.opening, *self.main_findings,
                *(s for section in self.sections for s in [*section.strengths, *section.areas])]


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def date_range(first: date, last: date) -> str:
    """As published reports give an inspection's dates: "11 to 15 December 2023", "27 November to 1 December
    2023", "29 December 2025 to 2 January 2026"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {long_date(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {long_date(last)}"
    return f"{long_date(first)} to {long_date(last)}"


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def decision_of(*, session: Session, inspection: Inspection) -> LetterDecision:
    return session.get(LetterDecision, inspection.id) or LetterDecision(inspection_id=inspection.id)


def workflow_of(*, session: Session, inspection: Inspection) -> LetterWorkflow:
    """Where the letter is, with its signatures (a letter nobody has moved yet is a draft)."""
    return session.get(LetterWorkflow, inspection.id) or LetterWorkflow(inspection_id=inspection.id)


def status_of(*, session: Session, inspection: Inspection) -> LetterStatus:
    return LetterStatus(workflow_of(session=session, inspection=inspection).status)


def publication_date(*, session: Session, inspection: Inspection) -> date | None:
    """The date the published letter bears (its first publication; a later correction keeps it), or None while
    it is unpublished. Deadlines that run from publication count from this day."""
    return session.exec(select(col(LetterPublication.dated)).where(LetterPublication.inspection_id == inspection.id,
                                                              LetterPublication.number == 1)).first()


def require_editable(*, session: Session, inspection: Inspection) -> None:
    """Refuses any change to the text, the versions or the decision once the letter is final or published."""
    states.require_editable(status_of(session=session, inspection=inspection))


def team_in_words(profile: Profile, roles: list[str]) -> str:
    """"an Ofsted Inspector and a Children's Services Inspector from the CQC", "two Ofsted Inspectors and ...": the
    team's real roles in the words of the profile's [team] roles, in their order (the one place they are kept)."""
    return _join(team_roles.named(profile, roles)) or "no other inspectors"


def previous_dates(session: Session, inspection: Inspection) -> str:
    """The days on site of the area's inspection or visit before this one ("17 May 2022 to 19 May 2022"), as a
    report's "Dates of previous inspection" gives them; "" for an area not inspected before here."""
    if inspection.area_id is None:
        return ""
    newest_first = area_records.inspections_of(session=session, area_ids=[inspection.area_id])[inspection.area_id]
    earlier = [i for i in newest_first if i.id != inspection.id and i.last_on_site_date < inspection.start_date]
    return f"{long_date(earlier[0].start_date)} to {long_date(earlier[0].last_on_site_date)}" if earlier else ""


def responsible_names(session: Session, profile: Profile, inspection: Inspection) -> dict[str, str]:
    """Each responsible body's name in the report ("Testshire Council"), by its code: the area's integrated care
    board as recorded for the area, else the profile's usual form of its name."""
    area = inspection.local_area
    recorded = area_records.get_area(session=session, area_id=inspection.area_id).integrated_care_board \
        if inspection.area_id else ""
    fill = {"area": area, "integrated_care_board": recorded or structure_of(profile).icb_default.format(area=area)}
    return {b.code: b.name.format(**fill) for b in rules_of(profile).responsible_bodies}


def _opening(session: Session, inspection: Inspection, profile: Profile, wording: LetterWording,
             structure: ReportStructure, wsoa_required: bool) -> tuple[list[Statement], dict[str, int]]:
    schedule = inspections.schedule_of(inspection)
    area = inspection.local_area
    team = inspections.team_of(session=session, inspection=inspection)
    team_words = team_in_words(profile, [m.team_role for m, _ in team])

    activities = fieldwork.list_activities(session=session, inspection=inspection)
    settings = {s.id: s for s in fieldwork.list_settings(session=session, inspection=inspection)}
    visits = [a for a in activities if a.kind == ActivityKind.setting_visit]
    meetings = [a for a in activities if a.kind == ActivityKind.meeting]
    reviews_of_data = [a for a in activities if a.kind not in (ActivityKind.setting_visit, ActivityKind.meeting)]
    by_setting_type = Counter(settings[a.setting_id].setting_type for a in visits if a.setting_id in settings)
    by_meeting = Counter(a.meeting_with for a in meetings if a.meeting_with)
    files = fieldwork.list_file_reviews(session=session, inspection=inspection)
    survey_total = survey.response_count(session=session, inspection=inspection)
    documents = evidence.document_sources(session=session, inspection=inspection)
    document_titles = {label for _, label in documents if label}

    # The bodies by code, as the profile's sentence names them ("{local_authority} and {icb} are jointly ...").
    fill = {**responsible_names(session, profile, inspection), "area": area, "team": team_words,
            "first_day": long_date(schedule.on_site_days[0]), "last_day": long_date(schedule.on_site_days[-1])}
    did = []
    if visits:
        # Settings counted once each, however many visits they had: "2 visits to 1 mainstream school".
        visited = {a.setting_id for a in visits if a.setting_id in settings}
        distinct = Counter(settings[setting_id].setting_type for setting_id in visited)
        kinds = _join([plural(n, SettingType(t).label.lower()) for t, n in sorted(distinct.items())]) \
            if distinct else "settings"
        did.append(Statement(f"Inspectors made {plural(len(visits), 'visit')} to {kinds}.",
                             [cite(inspection, "activity", a.id) for a in visits]))
    if meetings:
        kinds = _join([f"{n} with {MeetingWith(k).label.lower()}" for k, n in sorted(by_meeting.items())])
        did.append(Statement(f"They held {plural(len(meetings), 'meeting')}" + (f": {kinds}." if kinds else "."),
                             [cite(inspection, "activity", a.id) for a in meetings]))
    if files:
        did.append(Statement(f"They reviewed {plural(len(files), 'case file')} of children and young people "
                             "with SEND.", [cite(inspection, "file_review", r.id) for r in files]))
    if survey_total:
        did.append(Statement(f"They considered {plural(survey_total, 'response')} to the inspection's online "
                             "survey of parents, carers, children and young people.", [cite(inspection, "survey")]))
    # Files sent with factual accuracy comments came after the inspection: the letter does not count them.
    area_documents = [row for row in area_docs.documents_of(session=session, inspection=inspection)
                      if row.document.requested != "factual_accuracy"]
    if reviews_of_data or document_titles or area_documents:
        n = len(reviews_of_data) + len(document_titles) + len(area_documents)
        sent_sef = any(row.document.requested == "self_evaluation" for row in area_documents)
        did.append(Statement(f"They read {plural(n, 'document or data set', 'documents and data sets')}, "
                             + ("including the area's self-evaluation." if sent_sef
                                else "including the area's self-evaluation where it was provided."),
                             [cite(inspection, "activity", a.id) for a in reviews_of_data] +
                             [cite(inspection, "evidence", i) for i, label in documents if label] +
                             [cite(inspection, "area_document", row.document.id) for row in area_documents]))
    tested = [c for p in sef_claims.matrix(session=session, inspection=inspection) for c in p.rows
              if c.verdict != sef_claims.Verdict.not_yet_tested]
    if tested:
        verdicts = Counter(c.verdict for c in tested)
        parts = [f"{verdicts[v]} {words}" for v, words in (
            (sef_claims.Verdict.supported, "supported by the evidence"),
            (sef_claims.Verdict.partly_supported, "partly supported"),
            (sef_claims.Verdict.not_supported, "not supported")) if verdicts[v]]
        did.append(Statement(f"Inspectors tested {plural(len(tested), 'claim')} of the area's self-evaluation "
                             f"against what they found: {_join(parts)}.",
                             [cite(inspection, "claim", c.claim.id) for c in tested]))
    # The opening's paragraphs in the profile's order; the written statement of action's only when required.
    paragraphs: dict[str, list[Statement]] = {
        "opening": [Statement(wording.opening.format(**fill), [cite(inspection, "inspection")])],
        "team": [Statement(wording.team.format(**fill), [cite(inspection, "team", m.id) for m, _ in team])],
        "counts": did,
        "did": [Statement(wording.did, [cite(inspection, "inspection")])],
        "wsoa": [Statement(wording.wsoa, [cite(inspection, "inspection")])] if wsoa_required else [],
        "this_letter": [Statement(wording.this_letter, [cite(inspection, "inspection")])],
        "partnership": [Statement(structure.partnership.format(**fill), [cite(inspection, "inspection")])],
    }
    opening = [s for key in structure.opening_order for s in paragraphs[key] if s.text]
    return opening, {"visits": len(visits), "meetings": len(meetings), "case_files": len(files),
                     "survey_responses": survey_total,
                     "documents": len(reviews_of_data) + len(document_titles) + len(area_documents),
                     "claims_tested": len(tested),
                     **{f"visits_{t}": n for t, n in by_setting_type.items()},
                     **{f"meetings_{k}": n for k, n in by_meeting.items()}}


def _figure(aspect_code: str, judgement: str, summary: fieldwork.SampleSummary, twenty_week_aspect: str) -> str:
    """A file-sample figure that supports a point about this aspect, if the sample has one."""
    if aspect_code == twenty_week_aspect and summary.plans_with_dates:
        return (f" In the sample of case files, {summary.plans_within_20_weeks} of {summary.plans_with_dates} "
                f"education, health and care plans were issued within 20 weeks.")
    dist = next((d for d in summary.aspects if d.code == aspect_code and d.rated), None)
    if dist is None:
        return ""
    if judgement == "strength" and dist.counts.get("strong"):
        return f" In the sample, {dist.counts['strong']} of {dist.rated} case files showed this as a strength."
    if judgement == "area_for_development" and dist.counts.get("weak"):
        return f" In the sample, {dist.counts['weak']} of {dist.rated} case files showed weaknesses here."
    return ""


def _points(inspection: Inspection, items: list[EvidenceItem], aspect_code: str, judgement: str,
            summary: fieldwork.SampleSummary, twenty_week_aspect: str) -> tuple[int, int, Statement]:
    """One point per aspect: its clearest item, with every item behind it cited. Ranked by how many kinds of
    source agree (triangulation), then by how many items."""
    kinds = {i.source_type for i in items if i.source_type != SourceType.none}
    lead_item = max(items, key=lambda i: (i.source_type != SourceType.none, len(i.text)))
    text = lead_item.text.rstrip()
    if not text.endswith((".", "!", "?")):
        text += "."
    return len(kinds), len(items), Statement(text + _figure(aspect_code, judgement, summary, twenty_week_aspect),
                                             [cite(inspection, "evidence", i.id) for i in items])


def signatures_of(*, session: Session, inspection: Inspection) -> list[tuple[str, str]]:
    """A letter's signatures: the lead inspector for Ofsted and the CQC inspector, as the team stands."""
    team = inspections.team_of(session=session, inspection=inspection)
    lead = next((u.name for m, u in team if m.team_role == "lead"), "")
    cqc = next((u.name for m, u in team if m.team_role == "cqc_inspector"), "")
    return [("Ofsted", f"{lead}, HMI, Lead inspector"), ("Care Quality Commission", f"{cqc}, CQC inspector")]


def draft(*, session: Session, inspection: Inspection, today: date | None = None) -> Draft:
    profile = inspections.profile_of(inspection)
    wording = profile.letter
    if wording is None:  # every profile has its letter's wording ([letter] in its file)
        raise ValueError(f"The {profile.code} framework profile has no letter wording")
    structure = structure_of(profile)
    decision = decision_of(session=session, inspection=inspection)
    wsoa = profile.written_statement_of_action and decision.wsoa_required
    opening, counts = _opening(session, inspection, profile, wording, structure, wsoa)
    items = evidence.all_items(session=session, inspection=inspection)
    grouped: dict[tuple[str, str], list[EvidenceItem]] = defaultdict(list)
    for item in items:
        grouped[(item.aspect, item.judgement)].append(item)
    summary = fieldwork.sample_summary(session=session, inspection=inspection)
    sections, ranked_all = [], []
    for section in wording.sections:
        lists: dict[str, list[Statement]] = {"strength": [], "area_for_development": []}
        for judgement in section.judgements:
            ranked = sorted((_points(inspection, grouped[(code, judgement)], code, judgement, summary,
                                     wording.twenty_week_aspect)
                             for code in section.aspects if grouped.get((code, judgement))),
                            key=lambda p: (-p[0], -p[1]))
            lists[judgement] = [s for _, _, s in ranked[:MAX_POINTS]]
            ranked_all += [(k, n, judgement, s) for k, n, s in ranked[:1]]
        sections.append(Section(section.heading, lists["strength"], lists["area_for_development"], section.style))
    # Main findings (where the structure has them): the best-triangulated strength and area for development of
    # each section.
    main = [s for _, _, _, s in sorted(ranked_all, key=lambda p: (p[2] != "strength", -p[0], -p[1]))] \
        if structure.has("section:main_findings") else []
    outcome = rules_of(profile).outcome(decision.outcome)
    team = inspections.team_of(session=session, inspection=inspection)
    signatures = signatures_of(session=session, inspection=inspection) if structure.has("sign_off") else []
    letter = Draft(
        title=wording.title.format(area=inspection.local_area),
        addressees=[a.format(area=inspection.local_area) for a in wording.addressees],
        dated=today or today_in_england(), opening=opening, main_findings=main, sections=sections,
        wsoa_intro=wording.wsoa if wsoa else None, weaknesses=list(decision.significant_weaknesses) if wsoa else [],
        outcome_wording=outcome.wording if outcome else None, sign_off=wording.sign_off, signatures=signatures,
        counts=counts, headings=dict(structure.headings), closing=structure.wsoa_close if wsoa else "")
    letter.parts = _parts(profile, structure, inspection, letter, decision, team,
                          responsible_names(session, profile, inspection), previous_dates(session, inspection))
    return letter


def _parts(profile: Profile, structure: ReportStructure, inspection: Inspection, letter: Draft,
           decision: LetterDecision, team: list[tuple[Any, User]], bodies: dict[str, str],
           previous: str = "") -> list[Part]:
    """The whole letter in the profile's order: its fixed parts as blocks, its editable sections by key. A fixed
    line whose fields are empty (no previous inspection) is left out."""
    area = inspection.local_area
    schedule = inspections.schedule_of(inspection)
    fill = {"area": area, "dates": date_range(schedule.on_site_days[0], schedule.on_site_days[-1]),
            "first_day": long_date(schedule.on_site_days[0]), "last_day": long_date(schedule.on_site_days[-1]),
            "previous": previous}
    outcome = rules_of(profile).outcome(decision.outcome)
    out: list[Part] = []
    for part in structure.parts:
        kind, _, key = part.partition(":")
        if kind == "date":
            out.append(("p", long_date(letter.dated)))
        elif kind == "addressees":
            out += [("p", a) for a in letter.addressees]
        elif kind == "salutation" and structure.salutation:
            out.append(("p", structure.salutation))
        elif kind == "title":
            out.append(("h1", letter.title))
        elif kind == "line":
            fields = [name for _, name, _, _ in Formatter().parse(structure.lines[key]) if name]
            if all(fill.get(name) for name in fields):
                out.append(("p", structure.lines[key].format(**fill)))
        elif kind == "outcome" and outcome is not None:
            out += [("h2", structure.outcome_heading), ("p", outcome.wording), *(("p", s) for s in outcome.next_steps)]
        elif kind == "section":
            if key == "main_findings" and letter.outcome_wording and not structure.has("outcome"):
                out += [("h2", structure.outcome_heading), ("p", letter.outcome_wording)]
            if key != "wsoa" or letter.wsoa_intro:
                out.append(("section", (key, structure.headings.get(key, ""))))
        elif kind == "sections":
            out += [("section", (f"section-{n}", s.heading)) for n, s in enumerate(letter.sections, 1)]
        elif kind == "recommendations":
            rows = getattr(decision, key) if outcome is not None else []
            table = structure.recommendations[key]
            if rows:  # one table: its first column, the responsible bodies, left off unless it is by body
                cells = [[structure.responsible_body_column, table.column],
                         *([_join([bodies[b] for b in row["responsible_bodies"] if b in bodies]), row["text"]]
                           for row in rows)]
                out += [("h2", table.heading), ("table", [line[0 if table.by_body else 1:] for line in cells])]
        elif kind == "partnership_details" and bodies:
            labels = {b.code: b.label.removeprefix("The ").capitalize() for b in rules_of(profile).responsible_bodies}
            out += [("h2", structure.partnership_details_heading),
                    ("table", [[labels[code] for code in bodies], list(bodies.values())])]
        elif kind == "about":
            words = team_in_words(profile, [member.team_role for member, _ in team])
            out += [("h2", structure.about_heading), *(("p", p.format(**fill, team=words)) for p in structure.about)]
        elif kind == "team_list":
            out.append(("h2", structure.team_heading))
            for organisation in dict.fromkeys(line.organisation for line in structure.team_list):
                names = [f"{user.name}, {line.title}" for line in structure.team_list
                         if line.organisation == organisation for member, user in team
                         if member.team_role == line.role]
                if names:
                    out += [("h3", organisation), *(("p", name) for name in names)]
        elif kind == "sign_off":
            out.append(("p", letter.sign_off))
    return out


@dataclass(frozen=True)
class Published:
    """What follows from a published letter: the day it was published (England's) and the team's decision."""

    inspection_id: int
    published_on: date
    wsoa_required: bool
    outcome: str | None
    significant_weaknesses: tuple[str, ...]
    priority_actions: tuple[str, ...] = ()  # 2023: the areas for priority action's wording


def published(*, session: Session, inspection_ids: list[int]) -> dict[int, Published]:
    """The published letters among these inspections (the date each bears, as publication_date) with the team's
    decision, in two statements whatever their number."""
    if not inspection_ids:
        return {}
    dated = dict(session.exec(select(col(LetterPublication.inspection_id), col(LetterPublication.dated)).where(
        col(LetterPublication.inspection_id).in_(inspection_ids), LetterPublication.number == 1)).all())
    decisions = {d.inspection_id: d for d in session.exec(
        select(LetterDecision).where(col(LetterDecision.inspection_id).in_(list(dated)))).all()} if dated else {}
    found = {}
    for inspection_id, day in dated.items():
        decision = decisions.get(inspection_id) or LetterDecision(inspection_id=inspection_id)
        found[inspection_id] = Published(inspection_id, day, decision.wsoa_required, decision.outcome,
                                         tuple(decision.significant_weaknesses or ()),
                                         tuple(str(p.get("text", "")) for p in decision.priority_actions or ()))
    return found
