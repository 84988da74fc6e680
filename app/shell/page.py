"""What every page inside an inspection shows around its content: its header, sub-navigation, the capture button,
the lead's banner of safeguarding concerns not yet actioned, the records in conflict, and whether it was purged.
The shell reads several domains for that; only routes use it."""

from typing import Any

from sqlmodel import Session

from app.inspections import service as inspections
from app.inspections.models import Inspection, TeamMember
from app.safeguarding import service as concerns
from app.sync import service as sync
from app.users.models import User


def page_context(db: Session, user: User, inspection: Inspection, section: str,
                 team: list[tuple[TeamMember, User]] | None = None, **extra: Any) -> dict[str, Any]:
    """`team`, when the page has read it (team_of), is in the context too, and answers whether the user leads."""
    can_manage = inspections.can_manage(session=db, user=user, inspection=inspection, team=team)
    if team is not None:
        extra["team"] = team
    return {
        "inspection": inspection,
        "profile": inspections.profile_of(inspection),
        "section": section,
        "can_manage": can_manage,
        "open_concerns": concerns.open_count(session=db, inspection=inspection) if can_manage else 0,
        "conflicted": sync.conflicted_ids(session=db, inspection=inspection),
        "purged_at": inspection.purged_at,
        **extra,
    }
