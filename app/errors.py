"""Errors services raise and routes turn into pages or JSON."""


class ValidationFailed(Exception):
    """Bad input: field name -> message, in the order the fields appear on the form."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotFound(Exception):
    """The object does not exist or the user may not know it does (both look the same: 404)."""


class Forbidden(Exception):
    """The user may see the object but not do this to it."""
