"""England's clock: inspections happen in England, so a day and an hour are England's, not UTC's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Work at 00:30 in England belongs to that day, not UTC's."""
    return datetime.now(LONDON).date()
