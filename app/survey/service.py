"""The inspection's public questionnaires (those its profile lists): their links and open window, taking answers
safely, and the results inspectors read (counts over time, distributions, comments) and turn into evidence."""

import csv
import io
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import personal_data, ratelimit
from app.audit.service import Actor, record
from app.clock import LONDON
from app.config import get_settings
from app.errors import NotFound, ValidationFailed
from app.evidence import service as evidence
from app.evidence.contract import TEXT_LIMIT
from app.evidence.models import EvidenceItem, SourceType
from app.forms_common import text_problem
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.survey.content import AUDIENCES, Choice, Questionnaire, questionnaires
from app.survey.models import SurveyLink, SurveyResponse
from app.web import text

COMMENT_LIMIT = 2000
RATE_WINDOW = timedelta(minutes=10)
# A group of respondents picked out by a filter (who answered, where a practitioner works, the support received)
# with fewer answers than this shows its number only: with so few, its answers and comments could be read as one
# person's (three health visitors in a small area are known to each other). The results had no such rule before;
# 5 is this product's choice, the smallest cell statistics about people commonly publish.
SMALL_GROUP = 5
PRACTITIONER = "practitioner"


def today_on_site() -> date:
    """A parent answering at 00:30 in England answers on that day."""
    return inspections.today_on_site()


# --- Links and the open window ---------------------------------------------------------------------------


def audiences_of(inspection: Inspection) -> tuple[str, ...]:
    """The questionnaires this inspection runs, as its profile lists them (2023: children and young people,
    parents and carers, and practitioners)."""
    listed = inspections.profile_of(inspection).data.get("surveys", {}).get("audiences", ["parent_carer",
                                                                                          "young_person"])
    return tuple(a for a in listed if a in AUDIENCES)


def links_for(*, session: Session, inspection: Inspection) -> dict[str, SurveyLink]:
    """The inspection's links, one per questionnaire it runs, made the first time they are asked for (a race makes
    them once), in the profile's order."""
    stored = {link.audience: link for link in session.exec(
        select(SurveyLink).where(SurveyLink.inspection_id == inspection.id))}
    links = {a: stored[a] for a in audiences_of(inspection) if a in stored}
    for audience in audiences_of(inspection):
        if audience in links:
            continue
        savepoint = session.begin_nested()
        try:
            link = SurveyLink(inspection_id=inspection.id, audience=audience, token=secrets.token_urlsafe(18))
            session.add(link)
            session.flush()
            savepoint.commit()
            links[audience] = link
        except IntegrityError:
            savepoint.rollback()
            links[audience] = session.exec(select(SurveyLink).where(
                SurveyLink.inspection_id == inspection.id, SurveyLink.audience == audience)).one()
    return links


def link_by_token(*, session: Session, token: str) -> tuple[SurveyLink, Inspection]:
    link = session.exec(select(SurveyLink).where(SurveyLink.token == token)).first() if token else None
    if link is None:
        raise NotFound()
    inspection = inspections.get_inspection(session=session, inspection_id=link.inspection_id)
    if link.audience not in audiences_of(inspection):  # its framework has changed to one without this questionnaire
        raise NotFound()
    return link, inspection


@dataclass(frozen=True)
class Window:
    """The days the questionnaires take answers, from the profile's timeline (2016: notice to the last day on
    site; 2023: distributed by the area on the notification, closing before the on-site week)."""

    opens: date
    closes: date

    def is_open(self, today: date) -> bool:
        return self.opens <= today <= self.closes

    def refusal(self, today: date) -> str:
        """Why an answer sent today is not taken, with the dates (never dropped in silence)."""
        if today < self.opens:
            return (f"This questionnaire opens on {self.opens:%A %-d %B %Y}; it takes answers from then until "
                    f"{self.closes:%A %-d %B %Y}")
        return (f"This questionnaire closed on {self.closes:%A %-d %B %Y}; it took answers from "
                f"{self.opens:%A %-d %B %Y} to {self.closes:%A %-d %B %Y}")


def window_of(inspection: Inspection) -> Window:
    schedule = inspections.schedule_of(inspection)
    return Window(opens=schedule.survey_opens or schedule.notification_date,
                  closes=schedule.survey_closes or schedule.on_site_days[-1])


# --- Taking answers --------------------------------------------------------------------------------------


class AnswerForm(BaseModel):
    respondent_type: str = ""
    answers: dict[str, str] = {}
    support: list[str] = []
    comment: str = ""
    submission_id: str = ""
    website: str = ""  # the honeypot: hidden from people, filled in by form-filling robots


@dataclass
class Outcome:
    stored: bool
    reason: str = ""  # "", "honeypot", "duplicate", "rate_limited"
    response: SurveyResponse | None = None


def _errors(q: Questionnaire, form: AnswerForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.respondent_type not in {c.code for c in q.respondent_types}:
        errors["respondent_type"] = "Select who you are, or that you would rather not say"
    for question in q.questions:
        if form.answers.get(question.code) not in {o.code for o in question.options}:
            errors[question.code] = f"Select an answer to: {question.text}"
    codes = {c.code for c in q.support}
    if not set(form.support) <= codes:
        errors["support"] = "Select the kinds of support from the list"
    elif "none" in form.support and len(form.support) > 1:
        errors["support"] = "Select the kinds of support, or 'None of these', not both"
    if problem := text_problem(form.comment, required=None, limit=COMMENT_LIMIT, what="Your comment"):
        errors["comment"] = problem
    try:
        uuid.UUID(form.submission_id)
    except ValueError:
        errors["submission_id"] = "The form has expired: reload the page and answer again"
    return errors


def submit(*, session: Session, inspection: Inspection, link: SurveyLink, form: AnswerForm, address: str | None,
           today: date, now: datetime | None = None) -> Outcome:
    """Validate and store one response. A robot's (honeypot) or a repeat of the same form is quietly not stored
    (the person sees thanks either way); an address over its limit is refused politely."""
    if not (window := window_of(inspection)).is_open(today):
        raise ValidationFailed({"window": window.refusal(today)})
    if form.website.strip():
        return Outcome(False, "honeypot")
    if not ratelimit.hit(session=session, key=ratelimit.key_for("survey", address),
                         limit=get_settings().survey_rate_limit, window=RATE_WINDOW, now=now):
        return Outcome(False, "rate_limited")
    q = questionnaires()[link.audience]
    if errors := _errors(q, form):
        raise ValidationFailed(errors)
    if session.exec(select(SurveyResponse.id).where(SurveyResponse.submission_id == form.submission_id)).first():
        return Outcome(False, "duplicate")
    hour = (now or datetime.now(LONDON)).astimezone(LONDON).hour
    response = SurveyResponse(
        inspection_id=inspection.id, audience=link.audience, respondent_type=form.respondent_type,
        answers={question.code: form.answers[question.code] for question in q.questions},
        support=sorted(set(form.support)), comment=form.comment.strip(),
        personal_data=personal_data.kinds(form.comment), submitted_on=today, submitted_hour=hour,
        submission_id=form.submission_id)
    savepoint = session.begin_nested()
    try:
        session.add(response)
        session.flush()
        savepoint.commit()
    except IntegrityError:  # the same form racing in twice: stored once
        savepoint.rollback()
        return Outcome(False, "duplicate")
    return Outcome(True, response=response)


# --- Results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    audience: str = ""
    respondent_type: str = ""
    support: str = ""
    search: str = ""
    workplace: str = ""  # where a practitioner works (their questionnaire's respondent type)

    @property
    def active(self) -> bool:
        return any((self.audience, self.respondent_type, self.support, self.search, self.workplace))

    @property
    def picks_a_group(self) -> bool:
        """Narrowed to some of the respondents (not to a questionnaire, nor to comments with a word): the
        small-group rule applies."""
        return any((self.respondent_type, self.support, self.workplace))


@dataclass
class Bar:
    code: str
    label: str
    count: int
    percent: int  # of the answers to this question, rounded


@dataclass
class Distribution:
    audience: str
    code: str
    text: str
    total: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Results:
    total: int
    by_audience: dict[str, int]
    by_day: list[Bar]  # responses per day, oldest first
    distributions: list[Distribution]
    support: list[Bar]
    respondent_types: list[Bar]
    comments: list[SurveyResponse]
    # Practitioners' responses by where they work (matching the other filters); empty without that questionnaire.
    workplaces: list[Bar] = field(default_factory=list)
    # The filters pick out fewer than SMALL_GROUP responses: only the numbers are given.
    withheld: bool = False
    # Workplaces with fewer than SMALL_GROUP practitioners' answers in all: a comment does not say which.
    hidden_workplaces: frozenset[str] = frozenset()

    def who(self, row: SurveyResponse) -> str:
        return respondent_label(row, self.hidden_workplaces)


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _bars(choices: Iterable[Choice], counts: Counter[str], total: int) -> list[Bar]:
    return [Bar(c.code, c.text, counts[c.code], _percent(counts[c.code], total)) for c in choices]


def hidden_workplaces(*, session: Session, inspection: Inspection) -> frozenset[str]:
    """Where fewer than SMALL_GROUP of the inspection's practitioners work: their comments do not name it."""
    counts = Counter(session.exec(select(SurveyResponse.respondent_type).where(
        SurveyResponse.inspection_id == inspection.id, SurveyResponse.audience == PRACTITIONER)).all())
    return frozenset(code for code, n in counts.items() if n < SMALL_GROUP)


def respondent_label(row: SurveyResponse, hidden: frozenset[str]) -> str:
    """Who answered, in the questionnaire's words; a practitioner from a small group only as a practitioner."""
    if row.audience == PRACTITIONER and row.respondent_type in hidden:
        return f"Practitioner (a workplace with fewer than {SMALL_GROUP} responses)"
    return questionnaires()[row.audience].respondent_label(row.respondent_type)


def responses(*, session: Session, inspection: Inspection, filters: Filters = Filters()) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(SurveyResponse.inspection_id == inspection.id)
    if filters.audience in AUDIENCES:
        query = query.where(SurveyResponse.audience == filters.audience)
    if filters.respondent_type:
        query = query.where(SurveyResponse.respondent_type == filters.respondent_type)
    if filters.workplace:
        query = query.where(SurveyResponse.audience == PRACTITIONER,
                            SurveyResponse.respondent_type == filters.workplace)
    rows = list(session.exec(query.order_by(col(SurveyResponse.id))).all())
    if filters.support:  # JSON lists: filtered here, the same way on SQLite and PostgreSQL
        rows = [r for r in rows if filters.support in r.support]
    return rows


def results(*, session: Session, inspection: Inspection, filters: Filters = Filters()) -> Results:
    """The counts and answers matching the filters. A group the filters pick out that is smaller than SMALL_GROUP
    keeps its numbers (how many, from which questionnaire, from which workplace) and loses everything else."""
    qs = questionnaires()
    everywhere = responses(session=session, inspection=inspection, filters=replace(filters, workplace=""))
    rows = [r for r in everywhere if not filters.workplace or r.respondent_type == filters.workplace]
    practitioners = Counter(r.respondent_type for r in everywhere if r.audience == PRACTITIONER)
    workplaces = (_bars(qs[PRACTITIONER].respondent_types, practitioners, practitioners.total())
                  if PRACTITIONER in audiences_of(inspection) else [])
    by_audience = {a: sum(1 for r in rows if r.audience == a) for a in audiences_of(inspection)}
    hidden = hidden_workplaces(session=session, inspection=inspection)
    if filters.picks_a_group and 0 < len(rows) < SMALL_GROUP:
        return Results(total=len(rows), by_audience=by_audience, by_day=[], distributions=[], support=[],
                       respondent_types=[], comments=[], workplaces=workplaces, withheld=True,
                       hidden_workplaces=hidden)
    by_day = Counter(r.submitted_on for r in rows)
    distributions = []
    for audience in audiences_of(inspection):
        if filters.audience and filters.audience != audience:
            continue
        mine = [r for r in rows if r.audience == audience]
        for question in qs[audience].questions:
            counts = Counter(r.answers[question.code] for r in mine if question.code in r.answers)
            total = sum(counts[o.code] for o in question.options)
            distributions.append(Distribution(audience, question.code, question.text, total,
                                              _bars(question.options, counts, total)))
    parent = qs["parent_carer"]  # the parents' wording labels the shared codes
    support_counts = Counter(code for r in rows for code in r.support)
    type_counts = Counter(r.respondent_type for r in rows)
    search = filters.search.strip().lower()
    comments = [r for r in rows if r.comment and (not search or search in r.comment.lower())]
    return Results(
        total=len(rows), by_audience=by_audience, workplaces=workplaces, hidden_workplaces=hidden,
        by_day=[Bar(day.isoformat(), f"{day:%a %-d %b}", n, _percent(n, len(rows)))
                for day, n in sorted(by_day.items())],
        distributions=distributions,
        support=_bars(parent.support, support_counts, len(rows)),
        respondent_types=_bars(parent.respondent_types, type_counts, len(rows)),
        comments=list(reversed(comments)))


def export_csv(*, session: Session, inspection: Inspection) -> str:
    """The anonymised responses: no ids, no times finer than the day; cells a spreadsheet would run as a
    formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    # Every question of the questionnaires this inspection runs, each once (the same code means the same question).
    codes = list(dict.fromkeys(q.code for a in audiences_of(inspection) for q in questionnaires()[a].questions))
    writer.writerow(["questionnaire", "date", "respondent", *codes, "support", "comment"])
    for r in responses(session=session, inspection=inspection):
        writer.writerow([_cell(v) for v in (r.audience, r.submitted_on.isoformat(), r.respondent_type,
                                            *(r.answers.get(c, "") for c in codes), ";".join(r.support), r.comment)])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Turning results into evidence -----------------------------------------------------------------------


class SurveyEvidenceForm(BaseModel):
    kind: str = ""  # comment | figure
    response_id: str = ""
    audience: str = ""
    question: str = ""
    option: str = ""
    judgement: str = ""


def evidence_text(*, session: Session, inspection: Inspection, form: SurveyEvidenceForm) -> tuple[str, str]:
    """The evidence statement and source label for a comment or a figure, from what is stored now."""
    qs = questionnaires()
    if form.kind == "comment":
        row = session.get(SurveyResponse, rid) if (rid := text.as_id(form.response_id)) else None
        if row is None or row.inspection_id != inspection.id or not row.comment:
            raise NotFound()
        who = respondent_label(row, hidden_workplaces(session=session, inspection=inspection)).lower()
        return (f"Survey comment ({who}): \u201c{row.comment}\u201d",
                f"Online survey: {qs[row.audience].short_title.lower()}")
    if form.kind == "figure" and form.audience in qs:
        q = qs[form.audience]
        question = next((x for x in q.questions if x.code == form.question), None)
        if question is None or form.option not in {o.code for o in question.options}:
            raise NotFound()
        dist = next(d for d in results(session=session, inspection=inspection, filters=Filters(audience=form.audience)
                                       ).distributions if d.code == question.code)
        bar = next(b for b in dist.bars if b.code == form.option)
        return ((f"{q.short_title}, online survey: {bar.count} of {dist.total} ({bar.percent}%) answered "
                 f"\u201c{bar.label}\u201d to \u201c{question.text}\u201d"),
                f"Online survey: {q.short_title.lower()}")
    raise ValidationFailed({"kind": "Choose a comment or a figure from the results to add as evidence"})


def add_as_evidence(*, session: Session, actor: Actor, inspection: Inspection,
                    form: SurveyEvidenceForm) -> EvidenceItem:
    """An evidence item citing the survey, under the aspect the profile gives survey evidence
    (survey_evidence_aspect: 2016's online questionnaires, 2023's right help at the right time)."""
    text, label = evidence_text(session=session, inspection=inspection, form=form)
    item = evidence.capture(session=session, actor=actor, inspection=inspection, form=evidence.EvidenceForm(
        text=text[:TEXT_LIMIT], heading="", aspect=inspections.profile_of(inspection).data["survey_evidence_aspect"],
        judgement=form.judgement,
        strands=["education", "health", "social_care"], source_type=SourceType.survey.value, source_label=label))
    record(session=session, actor=actor, action="survey.evidence_added", object_type="evidence_item",
           object_id=item.id, inspection_id=inspection.id, detail={"kind": form.kind})
    return item


def flagged_comments(*, session: Session, inspection: Inspection) -> int:
    """Survey comments that still seem to name a child or hold contact details."""
    return sum(1 for kinds_found in session.exec(select(SurveyResponse.personal_data).where(
        SurveyResponse.inspection_id == inspection.id)).all() if kinds_found)


def remove_personal_data(*, session: Session, actor: Actor, inspection: Inspection, response_id: int) -> SurveyResponse:
    """The team replaces what looks like personal data in a comment with pseudonyms (kept anonymous)."""
    response = session.get(SurveyResponse, response_id)
    if response is None or response.inspection_id != inspection.id:
        raise NotFound()
    response.comment = personal_data.pseudonymise(response.comment)
    response.personal_data = personal_data.kinds(response.comment)
    session.add(response)
    record(session=session, actor=actor, action="survey.comment_pseudonymised", object_type="survey_response",
           object_id=response.id, inspection_id=inspection.id)
    return response


# --- Retention -------------------------------------------------------------------------------------------------


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """The comments go; the answers stay, for the counts."""
    commented = session.exec(select(SurveyResponse).where(SurveyResponse.inspection_id == inspection_id,
                                                          SurveyResponse.comment != "")).all()
    if not dry_run:
        for response in commented:
            response.comment, response.personal_data = "", []
            session.add(response)
        session.flush()
    return {"survey_comments": len(commented)}


def kept_figures(*, session: Session, inspection_id: int) -> dict[str, int]:
    return {"survey_responses": len(session.exec(select(SurveyResponse.id)
                                                 .where(SurveyResponse.inspection_id == inspection_id)).all())}


def response_count(*, session: Session, inspection: Inspection) -> int:
    return kept_figures(session=session, inspection_id=inspection.id)["survey_responses"]
