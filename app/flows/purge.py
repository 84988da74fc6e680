"""The purge: a set period after its letter was published, an inspection's working material goes (evidence, case
files, activity notes, survey comments, the area's uploads with their files, safeguarding concerns, draft letter
versions, review comments, sync conflicts, a visit's links from its judgements to evidence); the published letter
and aggregate counts stay, and so does what follows publication: the obligations (dates, statuses, decisions and
what the area sent for them), a visit's judgements of progress and their reasons (its letter's words), and the
engagement meetings, which belong to the area rather than to any one inspection.

Each domain removes its own records (its `purge`), through the ORM where tablets hold copies, so every removal
reaches the change feed and the tablets drop what they still hold. Nothing here commits: the CLI commits once per
inspection, and stored files go only after that commit."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor, record
from app.casetracking import service as casetracking
from app.evidence import service as evidence
from app.fieldwork import service as fieldwork
from app.inspections import service as inspections
from app.inspections.models import Inspection
from app.letters import editing as letters
from app.letters import workflow as letter_workflow
from app.obligations import visits
from app.portal import claims, documents
from app.portal.storage import Storage
from app.retention.models import RetentionPurge
from app.safeguarding import service as concerns
from app.survey import service as survey
from app.sync import service as sync

WHAT = {  # what goes, in the words the dry run prints
    "evidence_items": "evidence items",
    "progress_evidence_links": "links from judgements of progress to evidence",
    "case_files": "case files",
    "activity_notes": "activity notes",
    "person_level_children": "children on the person-level list",
    "tracked_cases": "tracked and sampled cases",
    "survey_comments": "survey comments",
    "uploaded_files": "uploaded files (every version)",
    "safeguarding_concerns": "safeguarding concerns",
    "draft_letter_versions": "draft letter versions",
    "letter_comments": "letter review comments",
    "factual_accuracy_comments": "the area's factual accuracy comments",
    "sync_conflicts": "sync conflicts",
}


@dataclass
class PurgePlan:
    inspection: Inspection
    published_at: datetime
    removes: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # storage keys

    def line(self) -> str:
        items = ", ".join(f"{n:,} {WHAT[k]}" for k, n in self.removes.items() if n) or "nothing left to purge"
        return (f"{self.inspection.local_area} (inspection {self.inspection.id}, published "
                f"{self.published_at:%-d %B %Y}): {items}")


def _each_domain(session: Session, storage: Storage | None, inspection_id: int, dry_run: bool) -> dict[str, int]:
    """Every domain's own purge, in the order of WHAT; a dry run only counts."""
    removes: dict[str, int] = {}
    # The visit's links first: they point at evidence items about to go.
    for purge_domain in (visits.purge, evidence.purge, fieldwork.purge, casetracking.purge, survey.purge):
        removes |= purge_domain(session=session, inspection_id=inspection_id, dry_run=dry_run)
    removes |= documents.purge(session=session, storage=storage, inspection_id=inspection_id, dry_run=dry_run)
    for purge_domain in (concerns.purge, letters.purge, sync.purge):
        removes |= purge_domain(session=session, inspection_id=inspection_id, dry_run=dry_run)
    return {key: removes[key] for key in WHAT}


def plans(*, session: Session, now: datetime, retention_days: int) -> list[PurgePlan]:
    """The inspections whose letter was published at least retention_days ago and not yet purged."""
    cutoff = now - timedelta(days=retention_days)
    found = []
    for inspection_id, published_at in letter_workflow.published_by(session=session, cutoff=cutoff):
        inspection = session.get(Inspection, inspection_id)
        if inspection is None or inspection.purged_at is not None:  # (a workflow's inspection always exists)
            continue
        found.append(PurgePlan(inspection, published_at, _each_domain(session, None, inspection_id, dry_run=True),
                               documents.stored_files(session=session, inspection_id=inspection_id)))
    return found


def _kept_counts(session: Session, inspection_id: int) -> dict[str, Any]:
    """The figures the inspection keeps after the purge (what the letter's statements were counted from)."""
    kept = fieldwork.kept_figures(session=session, inspection_id=inspection_id)
    return {"evidence": evidence.kept_figures(session=session, inspection_id=inspection_id),
            "activities": kept["activities"], "case_files": kept["case_files"],
            **survey.kept_figures(session=session, inspection_id=inspection_id),
            **claims.kept_figures(session=session, inspection_id=inspection_id)}


def purge(*, session: Session, actor: Actor, storage: Storage, plan: PurgePlan) -> RetentionPurge:
    inspection = plan.inspection
    inspections.hold_for_purge(session=session, inspection=inspection)  # changes in flight land first, and go
    kept = _kept_counts(session, inspection.id)
    _each_domain(session, storage, inspection.id, dry_run=False)
    audit.forget_words(session=session, inspection_id=inspection.id, keep_prefix="retention.")
    done = RetentionPurge(inspection_id=inspection.id, removed=plan.removes, kept_counts=kept)
    session.add(done)
    session.flush()
    inspections.mark_purged(session=session, inspection=inspection, when=done.purged_at)
    record(session=session, actor=actor, action="retention.purged", object_type="inspection",
           object_id=str(inspection.id), inspection_id=inspection.id,
           detail={"removed": plan.removes, "files": len(plan.files)})
    return done


ORPHAN_AGE = timedelta(hours=1)  # younger files may belong to an upload whose record is not committed yet


def orphaned_files(*, session: Session, storage: Storage, now: datetime | None = None) -> list[str]:
    """Stored files no upload record points at, older than an hour (a store that can list its keys and their
    ages; the local one can)."""
    listing, age = getattr(storage, "keys", None), getattr(storage, "modified", None)
    if listing is None or age is None:
        return []
    known = documents.all_stored_files(session=session)
    cutoff = (now or datetime.now(UTC)) - ORPHAN_AGE
    return [key for key in listing() if key not in known and age(key) < cutoff]
