"""Editing the letter: its sections as text, saved as versions (autosaves of one section by one person coalesce),
a readable word-level diff between versions, restore, and redrafting from the evidence without ever overwriting
the team's edits silently. Section text: paragraphs separated by a blank line; "- " starts a bullet, "1. " a
numbered point, and a line ending in ":" alone is a sub-heading."""

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.errors import NotFound, ValidationFailed
from app.forms_common import text_problem
from app.inspections.models import Inspection
from app.letters.models import AccuracyComment, LetterComment, LetterVersion
from app.letters.service import Draft, Statement, require_editable
from app.models_base import utcnow

SECTION_LIMIT = 20_000
COALESCE = timedelta(minutes=2)


@dataclass(frozen=True)
class SectionInfo:
    key: str
    heading: str
    statements: list[Statement]  # the drafted statements behind it, for the citations shown beside the editor


# What the team calls a section that stands under no heading in the letter.
UNHEADED = {"opening": "Opening", "main_findings": "Main findings", "wsoa": "Written statement of action"}


def sections_of(draft: Draft) -> list[SectionInfo]:
    """The editable sections in the letter's order (as the profile's structure has them)."""
    statements = {"opening": draft.opening, "main_findings": draft.main_findings, "wsoa": []}
    statements |= {f"section-{n}": [*s.strengths, *s.areas] for n, s in enumerate(draft.sections, 1)}
    if draft.parts:
        return [SectionInfo(key, heading or UNHEADED.get(key, key), statements[key])
                for kind, (key, heading) in (p for p in draft.parts if p[0] == "section")]
    out = [SectionInfo("opening", "Opening", draft.opening),
           SectionInfo("main_findings", "Main findings", draft.main_findings)]
    out += [SectionInfo(f"section-{n}", s.heading, [*s.strengths, *s.areas]) for n, s in enumerate(draft.sections, 1)]
    if draft.wsoa_intro:
        out.append(SectionInfo("wsoa", "Written statement of action", []))
    return out


def _points(style: str, section_points: list[tuple[str, list[Statement]]]) -> str:
    """A findings section's points as the profile writes them: under "Strengths:" and "Areas for development:"
    (2016), as paragraphs, or as bullets."""
    if style == "paragraphs":
        return "\n\n".join(s.text for _, points in section_points for s in points)
    if style == "bullets":
        return "\n".join(f"- {s.text}" for _, points in section_points for s in points)
    return "\n\n".join(title + "\n" + "\n".join(f"- {s.text}" for s in points)
                        for title, points in section_points if points)


def generated_text(draft: Draft) -> dict[str, str]:
    """The draft as editable text, one entry per section."""
    keys = {info.key for info in sections_of(draft)}
    texts = {"opening": "\n\n".join(s.text for s in draft.opening)}
    if "main_findings" in keys:
        texts["main_findings"] = "\n".join(f"- {s.text}" for s in draft.main_findings)
    for n, section in enumerate(draft.sections, 1):
        texts[f"section-{n}"] = _points(section.style, [("Strengths:", section.strengths),
                                                        ("Areas for development:", section.areas)])
    if draft.wsoa_intro:
        # The significant weaknesses as bullets after the fixed sentence, at the letter's end; the determination
        # itself stands in the opening.
        texts["wsoa"] = (draft.closing + "\n\n" if draft.closing else "") + \
            "\n".join(f"- {w}" for w in draft.weaknesses)
    return texts


def versions(*, session: Session, inspection: Inspection) -> list[LetterVersion]:
    return list(session.exec(select(LetterVersion).where(LetterVersion.inspection_id == inspection.id)
                             .order_by(col(LetterVersion.number).desc())).all())


def current(*, session: Session, inspection: Inspection, lock: bool = False) -> LetterVersion | None:
    """The latest version. lock=True holds its row until the transaction ends, so two people saving at once
    (two app processes) take turns: numbers stay unique and neither save is built on a stale copy."""
    query = select(LetterVersion).where(LetterVersion.inspection_id == inspection.id) \
        .order_by(col(LetterVersion.number).desc()).limit(1)
    return session.exec(query.with_for_update() if lock else query).first()


def get_version(*, session: Session, inspection: Inspection, number: int) -> LetterVersion:
    found = session.exec(select(LetterVersion).where(LetterVersion.inspection_id == inspection.id,
                                                     LetterVersion.number == number)).first()
    if found is None:
        raise NotFound()
    return found


def in_words(note: str, headings: dict[str, str]) -> str:
    """A version's note as the team reads it: "Edited: Main findings", never the section's internal key."""
    prefix, _, key = note.partition(": ")
    return f"{prefix}: {headings[key]}" if key in headings else note


def _new_version(session: Session, actor: Actor, inspection: Inspection, sections: dict[str, str],
                 generated: dict[str, str],
                 note: str) -> LetterVersion:
    latest = current(session=session, inspection=inspection, lock=True)
    version = LetterVersion(inspection_id=inspection.id, number=(latest.number + 1) if latest else 1,
                            sections=sections, generated=generated, note=note, created_by_id=actor.user_id)
    session.add(version)
    session.flush()
    record(session=session, actor=actor, action="letter.version_saved", object_type="letter_version",
           object_id=str(version.number), inspection_id=inspection.id, detail={"note": note})
    return version


def add_version(*, session: Session, actor: Actor, inspection: Inspection, sections: dict[str, str],
                note: str) -> LetterVersion:
    """A version made by a step of the letter's way rather than by typing (an accepted factual accuracy comment,
    a correction after publication); it keeps the draft the text was based on."""
    latest = current(session=session, inspection=inspection, lock=True)
    return _new_version(session, actor, inspection, sections, dict(latest.generated) if latest else {}, note)


def start(*, session: Session, actor: Actor, inspection: Inspection, draft: Draft) -> LetterVersion:
    if inspection.visit_kind:  # a revisit's or monitoring inspection's letter is its judgements (letters/visit.py)
        raise ValidationFailed({"letter": "This visit's letter is written from its progress judgements: judge each "
                                          "item on the Progress page"})
    if latest := current(session=session, inspection=inspection):
        return latest
    texts = generated_text(draft)
    savepoint = session.begin_nested()
    try:
        version = _new_version(session, actor, inspection, dict(texts), texts, "Drafted from the evidence")
        savepoint.commit()
        return version
    except IntegrityError:  # started by someone else at the same moment: theirs is the first version
        savepoint.rollback()
        theirs = current(session=session, inspection=inspection)
        if theirs is None:  # (what clashed was theirs, so it is there)
            raise
        return theirs


def save_section(*, session: Session, actor: Actor, inspection: Inspection, key: str, text: str) -> LetterVersion:
    require_editable(session=session, inspection=inspection)
    latest = current(session=session, inspection=inspection, lock=True)
    if latest is None or key not in latest.sections:
        raise NotFound()
    if problem := text_problem(text, required=None, limit=SECTION_LIMIT, what="A section"):
        raise ValidationFailed({"text": problem})
    text = text.replace("\r\n", "\n").strip()
    if latest.sections[key] == text:
        return latest
    note = f"Edited: {key}"
    if latest.note == note and latest.created_by_id == actor.user_id and utcnow() - latest.updated_at < COALESCE:
        # Autosaves of the same section by the same person a moment apart are one version, not fifty.
        latest.sections = {**latest.sections, key: text}
        latest.updated_at = utcnow()
        session.add(latest)
        session.flush()
        return latest
    return _new_version(session, actor, inspection, {**latest.sections, key: text}, dict(latest.generated), note)


def restore(*, session: Session, actor: Actor, inspection: Inspection, number: int) -> LetterVersion:
    require_editable(session=session, inspection=inspection)
    old = get_version(session=session, inspection=inspection, number=number)
    return _new_version(session, actor, inspection, dict(old.sections), dict(old.generated),
                        f"Restored version {number}")


# --- Readable differences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    kind: str  # same | added | removed
    text: str


def diff(old: str, new: str) -> list[Piece]:
    """Line by line (a paragraph or a bullet is a line); a line that was edited rather than replaced shows word
    by word what changed in it. A rewritten line shows whole, removed then added, not as a word salad."""
    pieces: list[Piece] = []

    def add(kind: str, text: str) -> None:
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        elif text:
            pieces.append(Piece(kind, text))

    def words(a_line: str, b_line: str) -> None:
        a, b = re.findall(r"\S+\s*|\s+", a_line), re.findall(r"\S+\s*|\s+", b_line)
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                add("same", "".join(a[i1:i2]))
            if op in ("delete", "replace"):
                add("removed", "".join(a[i1:i2]))
            if op in ("insert", "replace"):
                add("added", "".join(b[j1:j2]))

    # Lines are compared without their line endings: a line that gained a newline because another was appended
    # after it is unchanged, not removed and added again.
    a_lines, b_lines = (old or "").split("\n"), (new or "").split("\n")

    def run(lines: list[str], start: int, end: int) -> str:
        return "".join(line + ("\n" if k < len(lines) - 1 else "") for k, line in enumerate(lines[start:end], start))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a_lines, b=b_lines, autojunk=False).get_opcodes():
        if op == "equal":
            add("same", run(b_lines, j1, j2))
        elif op == "delete":
            add("removed", run(a_lines, i1, i2))
        elif op == "insert":
            add("added", run(b_lines, j1, j2))
        elif i2 - i1 == j2 - j1 and all(difflib.SequenceMatcher(a=x, b=y).ratio() > 0.6
                                        for x, y in zip(a_lines[i1:i2], b_lines[j1:j2], strict=True)):
            for k, (x, y) in enumerate(zip(a_lines[i1:i2], b_lines[j1:j2], strict=True), j1):
                words(x, y)
                add("same", "\n" if k < len(b_lines) - 1 else "")
        else:
            add("removed", run(a_lines, i1, i2))
            add("added", run(b_lines, j1, j2))
    return pieces


@dataclass
class RedraftChange:
    key: str
    edited_by_team: bool  # the team changed this section since it was drafted: taken only if they choose
    pieces: list[Piece]


def redraft_changes(*, session: Session, inspection: Inspection, draft: Draft) -> list[RedraftChange]:
    latest = current(session=session, inspection=inspection)
    if latest is None:
        return []
    fresh = generated_text(draft)
    changes = []
    for key in sorted(set(fresh) | set(latest.sections)):
        new, base, ours = fresh.get(key, ""), latest.generated.get(key, ""), latest.sections.get(key, "")
        if new == base:
            continue  # the evidence says the same as when this section was drafted
        edited = ours != base
        changes.append(RedraftChange(key, edited, diff(ours, new)))
    return changes


def apply_redraft(*, session: Session, actor: Actor, inspection: Inspection, draft: Draft,
                  take: set[str]) -> LetterVersion:
    """Sections the team has not touched follow the evidence; edited ones change only where the team said so."""
    require_editable(session=session, inspection=inspection)
    latest = current(session=session, inspection=inspection, lock=True)
    if latest is None:
        raise NotFound()
    fresh = generated_text(draft)
    sections = {}
    for key in [*fresh, *(k for k in latest.sections if k not in fresh)]:
        ours, base = latest.sections.get(key), latest.generated.get(key)
        if ours is not None and ours != base and key not in take:
            sections[key] = ours  # the team's text, kept until they choose otherwise (even if the draft drops it)
        elif key in fresh:
            sections[key] = fresh[key]
    return _new_version(session, actor, inspection, sections, fresh, "Redrafted from the evidence")


# --- The text as a document ------------------------------------------------------------------------------


Block = tuple[str, str | list[str]]  # ("p" | "h", text) or ("bullets" | "numbers", [text])


def blocks(text: str) -> list[Block]:
    """Section text as document blocks: ("p", str), ("h", str), ("bullets", [str]), ("numbers", [str])."""
    out: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("- "):
                _end_paragraph(paragraph, out)
                _list_item(out, "bullets", line[2:])
            elif re.match(r"^\d+\.\s", line):
                _end_paragraph(paragraph, out)
                _list_item(out, "numbers", re.sub(r"^\d+\.\s+", "", line))
            elif line.endswith(":") and len(line) < 80 and not paragraph:
                out.append(("h", line[:-1]))
            else:
                paragraph.append(line)
        _end_paragraph(paragraph, out)
    return out


def _end_paragraph(paragraph: list[str], out: list[Block]) -> None:
    if paragraph:
        out.append(("p", " ".join(paragraph)))
        paragraph.clear()


def _list_item(out: list[Block], kind: str, item: str) -> None:
    """An item joins the list just before it, or starts one."""
    if out and out[-1][0] == kind and isinstance(items := out[-1][1], list):
        items.append(item)
    else:
        out.append((kind, [item]))


# --- Retention -------------------------------------------------------------------------------------------------


def purge(*, session: Session, inspection_id: int, dry_run: bool = False) -> dict[str, int]:
    """Draft versions, review comments and the area's factual accuracy comments (their words; the dates of the
    check stay) go; the latest version and the publications (the letter as published, byte for byte) stay."""
    latest = session.exec(select(LetterVersion.number).where(LetterVersion.inspection_id == inspection_id)
                          .order_by(col(LetterVersion.number).desc()).limit(1)).first()
    drafts = session.exec(select(LetterVersion).where(LetterVersion.inspection_id == inspection_id,
                                                      LetterVersion.number != (latest or 0))).all()
    comments = session.exec(select(LetterComment).where(LetterComment.inspection_id == inspection_id)).all()
    accuracy = session.exec(select(AccuracyComment).where(AccuracyComment.inspection_id == inspection_id)).all()
    if not dry_run:
        for row in [*drafts, *comments, *accuracy]:
            session.delete(row)
        session.flush()
    return {"draft_letter_versions": len(drafts), "letter_comments": len(comments),
            "factual_accuracy_comments": len(accuracy)}
