"""England's clock: inspections happen in England, so a day and an hour are England's, not UTC's."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Work at 00:30 in England belongs to that day, not UTC's."""
    return datetime.now(LONDON).date()


def day_in_england(moment: datetime) -> date:
    """England's date of a stored moment (stored in UTC; SQLite hands it back without its zone)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LONDON).date()
