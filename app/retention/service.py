"""Purging an inspection's working material a set period after its letter was published: evidence, case files,
activity notes, survey comments, the area's uploads (files included), safeguarding concerns, draft letter
versions, review comments and sync conflicts. The published letter and aggregate counts stay.
Nothing here commits: the CLI commits once per inspection, and stored files go only after that commit."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import Actor, record
from app.errors import Purged
from app.evidence.models import EvidenceItem
from app.fieldwork.models import Activity, FileReview
from app.inspections.models import Inspection
from app.letters.models import LetterComment, LetterVersion, LetterWorkflow
from app.portal.models import AreaDocument, AreaDocumentVersion, SefClaim
from app.portal.storage import Storage, delete_after_commit
from app.retention.models import RetentionPurge
from app.safeguarding.models import SafeguardingConcern
from app.survey.models import SurveyResponse
from app.sync.models import SyncChange, SyncConflict

WHAT = {  # what goes, in the words the dry run prints
    "evidence_items": "evidence items",
    "case_files": "case files",
    "activity_notes": "activity notes",
    "survey_comments": "survey comments",
    "uploaded_files": "uploaded files (every version)",
    "safeguarding_concerns": "safeguarding concerns",
    "draft_letter_versions": "draft letter versions",
    "letter_comments": "letter review comments",
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
        return f"{self.inspection.local_area} (inspection {self.inspection.id}, published " \
               f"{self.published_at:%-d %B %Y}): {items}"


def purged_at(*, session: Session, inspection_id: int) -> datetime | None:
    return session.exec(select(RetentionPurge.purged_at).where(RetentionPurge.inspection_id == inspection_id)).first()


def _hold(session: Session, inspection_ids, *, exclusive: bool = False) -> None:
    """Lock the inspections' rows (PostgreSQL; SQLite runs one writer at a time anyway). The purge locks its
    inspection exclusively, a change shares the lock: a change either commits before the purge starts, and is
    purged with the rest, or waits for it and then sees it."""
    session.exec(select(Inspection.id).where(col(Inspection.id).in_(list(inspection_ids))).order_by(Inspection.id)
                 .with_for_update(read=not exclusive)).all()


def refuse_changes_if_purged(*, session: Session, inspection_id: int, exclusive: bool = False) -> None:
    """After the purge the inspection keeps its letter and counts only: a capture, upload or edit arriving later
    (a tablet that was offline for months, an old tab) would be working material no purge ever removes.
    `exclusive` for a change that then updates the inspection's own row (a shared lock could not be raised)."""
    _hold(session, [inspection_id], exclusive=exclusive)
    if (when := purged_at(session=session, inspection_id=inspection_id)) is not None:
        raise Purged(when)


def purged_among(*, session: Session, inspection_ids) -> dict[int, datetime]:
    """Which of these inspections were purged, and when (their rows held as refuse_changes_if_purged does)."""
    _hold(session, inspection_ids)
    return dict(session.exec(select(RetentionPurge.inspection_id, RetentionPurge.purged_at)
                             .where(col(RetentionPurge.inspection_id).in_(list(inspection_ids)))).all())


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _latest_letter_number(session: Session, inspection_id: int) -> int | None:
    return session.exec(select(func.max(LetterVersion.number)).where(LetterVersion.inspection_id == inspection_id)).one()


def plans(*, session: Session, now: datetime, retention_days: int) -> list[PurgePlan]:
    """The inspections whose letter was published at least retention_days ago and not yet purged."""
    cutoff = now - timedelta(days=retention_days)
    done = select(RetentionPurge.inspection_id)
    rows = session.exec(select(Inspection, LetterWorkflow.published_at)
                        .join(LetterWorkflow, col(LetterWorkflow.inspection_id) == Inspection.id)
                        .where(col(LetterWorkflow.published_at).is_not(None), LetterWorkflow.published_at <= cutoff,
                               col(Inspection.id).not_in(done)).order_by(Inspection.id)).all()
    found = []
    for inspection, published_at in rows:
        i = inspection.id
        latest = _latest_letter_number(session, i)
        files = list(session.exec(select(AreaDocumentVersion.storage_key)
                                  .join(AreaDocument, col(AreaDocument.id) == AreaDocumentVersion.document_id)
                                  .where(AreaDocument.inspection_id == i)).all())
        found.append(PurgePlan(inspection, published_at, {
            "evidence_items": _count(session, EvidenceItem, EvidenceItem.inspection_id == i),
            "case_files": _count(session, FileReview, FileReview.inspection_id == i),
            "activity_notes": _count(session, Activity, Activity.inspection_id == i, Activity.notes != ""),
            "survey_comments": _count(session, SurveyResponse, SurveyResponse.inspection_id == i,
                                      SurveyResponse.comment != ""),
            "uploaded_files": len(files),
            "safeguarding_concerns": _count(session, SafeguardingConcern, SafeguardingConcern.inspection_id == i),
            "draft_letter_versions": _count(session, LetterVersion, LetterVersion.inspection_id == i,
                                            LetterVersion.number != (latest or 0)),
            "letter_comments": _count(session, LetterComment, LetterComment.inspection_id == i),
            "sync_conflicts": _count(session, SyncConflict, SyncConflict.inspection_id == i),
        }, files))
    return found


def _kept_counts(session: Session, inspection_id: int) -> dict:
    """The figures the inspection keeps after the purge (what the letter's statements were counted from)."""
    evidence = Counter(f"proposal_{p}_{j}" for p, j in session.exec(
        select(EvidenceItem.proposal, EvidenceItem.judgement).where(EvidenceItem.inspection_id == inspection_id)).all())
    activities = Counter(k for k in session.exec(select(Activity.kind).where(Activity.inspection_id == inspection_id)).all())
    verdicts = Counter(v for v in session.exec(select(SefClaim.verdict).where(SefClaim.inspection_id == inspection_id)).all())
    return {"evidence": dict(sorted(evidence.items())), "activities": dict(sorted(activities.items())),
            "case_files": _count(session, FileReview, FileReview.inspection_id == inspection_id),
            "survey_responses": _count(session, SurveyResponse, SurveyResponse.inspection_id == inspection_id),
            "claims": dict(sorted(verdicts.items()))}


def purge(*, session: Session, actor: Actor, storage: Storage, plan: PurgePlan) -> RetentionPurge:
    i = plan.inspection.id
    _hold(session, [i], exclusive=True)  # changes in flight land first and go with the rest; later ones are refused
    kept = _kept_counts(session, i)
    latest = _latest_letter_number(session, i)
    # Tombstones in the change feed first: a tablet still holding the team's records drops them at its next pull.
    gone = [{"inspection_id": i, "entity": entity, "entity_id": entity_id, "version": version + 1, "deleted": True}
            for entity, model in (("evidence_item", EvidenceItem), ("file_review", FileReview))
            for entity_id, version in session.exec(select(model.id, model.version).where(model.inspection_id == i)).all()]
    if gone:
        session.exec(insert(SyncChange), params=gone)
    session.exec(delete(EvidenceItem).where(col(EvidenceItem.inspection_id) == i))  # claim links go with them
    session.exec(delete(FileReview).where(col(FileReview.inspection_id) == i))
    session.exec(update(Activity).where(col(Activity.inspection_id) == i).values(notes=""))
    session.exec(update(SurveyResponse).where(col(SurveyResponse.inspection_id) == i).values(comment=""))
    session.exec(delete(AreaDocument).where(col(AreaDocument.inspection_id) == i))  # and their versions
    session.exec(delete(SafeguardingConcern).where(col(SafeguardingConcern.inspection_id) == i))
    session.exec(delete(LetterVersion).where(col(LetterVersion.inspection_id) == i,
                                             col(LetterVersion.number) != (latest or 0)))
    session.exec(delete(LetterComment).where(col(LetterComment.inspection_id) == i))
    session.exec(delete(SyncConflict).where(col(SyncConflict.inspection_id) == i))
    # The audit trail keeps who did what and when; the words it quoted (an evidence item's opening words, a case
    # reference, a file name) go with the records.
    session.exec(update(AuditEvent).where(col(AuditEvent.inspection_id) == i,
                                          col(AuditEvent.action).not_like("retention.%")).values(detail={}))
    for key in plan.files:
        delete_after_commit(session, storage, key)
    done = RetentionPurge(inspection_id=i, removed=plan.removes, kept_counts=kept)
    session.add(done)
    session.flush()
    record(session=session, actor=actor, action="retention.purged", object_type="inspection", object_id=str(i),
           inspection_id=i, detail={"removed": plan.removes, "files": len(plan.files)})
    return done


ORPHAN_AGE = timedelta(hours=1)  # younger files may belong to an upload whose record is not committed yet


def orphaned_files(*, session: Session, storage: Storage, now: datetime | None = None) -> list[str]:
    """Stored files no upload record points at, older than an hour (a store that can list its keys and their
    ages; the local one can)."""
    listing, age = getattr(storage, "keys", None), getattr(storage, "modified", None)
    if listing is None or age is None:
        return []
    known = set(session.exec(select(AreaDocumentVersion.storage_key)).all())
    cutoff = (now or datetime.now(UTC)) - ORPHAN_AGE
    return [key for key in listing() if key not in known and age(key) < cutoff]
