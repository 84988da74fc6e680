"""Recording and reading audit events. Every service that writes calls `record` in the same transaction."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.db import bulk_insert
from app.models_base import table_of, utcnow


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; built once per request and handed to services."""

    user_id: int | None
    email: str | None
    ip_address: str | None = None

    @classmethod
    def system(cls, what: str = "system") -> "Actor":
        return cls(user_id=None, email=what, ip_address=None)


def record(
    *,
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = None,
    inspection_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_email=actor.email,
        ip_address=actor.ip_address,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        inspection_id=inspection_id,
        detail=detail or {},
    )
    session.add(event)
    return event


def record_many(*, session: Session, actor: Actor, action: str, object_type: str, inspection_id: int | None,
                objects: list[tuple[object, dict[str, Any]]]) -> None:
    """One event per object, written in one statement (bulk sync)."""
    if objects:
        now = utcnow()
        bulk_insert(session, table_of(AuditEvent), [
            {"at": now, "actor_id": actor.user_id, "actor_email": actor.email, "ip_address": actor.ip_address,
             "action": action, "object_type": object_type, "object_id": str(object_id), "inspection_id": inspection_id,
             "detail": detail} for object_id, detail in objects])


def list_events(
    *, session: Session, page: int = 1, per_page: int = 50, action: str | None = None, actor: str | None = None
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(col(AuditEvent.actor_email).contains(actor.lower()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


def known_actions(*, session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all())


def forget_words(*, session: Session, inspection_id: int, keep_prefix: str) -> None:
    """The purge keeps the trail of who did what and when; the words it quoted (an evidence item's opening words,
    a case reference, a file name) go with the records. Events whose action starts with keep_prefix stay whole."""
    session.exec(update(AuditEvent).where(col(AuditEvent.inspection_id) == inspection_id,
                                          col(AuditEvent.action).not_like(f"{keep_prefix}%")).values(detail={}))
