"""Errors services raise and routes turn into pages or JSON."""

from datetime import datetime


class ValidationFailed(Exception):
    """Bad input: field name -> message, in the order the fields appear on the form."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotFound(Exception):
    """The object does not exist or the user may not know it does (both look the same: 404)."""


class Forbidden(Exception):
    """The user may see the object but not do this to it."""


class Purged(Exception):
    """The inspection's working material was purged under the retention rules: nothing more can be added."""

    def __init__(self, purged_at: datetime) -> None:
        self.purged_at = purged_at
        super().__init__(f"This inspection's working material was deleted on {purged_at:%-d %B %Y} under the "
                         "retention rules, so nothing can be added or changed. The published letter and the "
                         "counts are kept.")
