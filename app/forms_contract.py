"""One description of each capture form: its fields in the form's words, their choices and the rules that every
path applies (the web form, a tablet's sync op, and the tablet itself before it keeps a capture offline).

A contract is data. The server checks a capture's values with `check`; the pages embed `as_json()`, from which the
tablet's outbox (static/js/outbox-core.js `validate`) applies the same rules with the same words, so nothing the
device keeps offline is refused later for a rule it could have known. Rules that need the database (a source of
this inspection, a setting in the register, the team) stay in the services, which run after `check`.

The interpreter here and `validate` in outbox-core.js are the two readers of the vocabulary below; a rule added to
one is added to the other (tests/integration/test_form_contract.py and tests/js/ tie them).
"""

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from functools import cached_property
from typing import Any

from app.clock import today_in_england
from app.errors import ValidationFailed
from app.web import text

Condition = dict[str, tuple[str, ...]]  # every named field has one of these values ("" for empty)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One field. `kind` says what its value is: text | choice | choices (several) | date (ISO) | time (HH:MM) |
    number | ratings (aspect code -> {rating, comment})."""

    name: str  # its key in a sync op's data and in the errors
    label: str  # the form's words for it
    kind: str = "text"
    required: str | None = None  # the message when it is empty
    required_when: Condition | None = None  # required only then (else optional)
    when: Condition | None = None  # asked only then: otherwise ignored altogether
    choices: tuple[Choice, ...] | None = None  # None: any value (the service checks what needs the database)
    invalid: str | None = None  # the message for a value that is not allowed
    choices_by: tuple[str, dict[str, tuple[Choice, ...]]] | None = None  # choices that depend on another field
    other_group: str | None = None  # a value of another group ({value}: the other field's value)
    limit: int | None = None  # characters, after trimming
    too_long: str | None = None
    refuse: tuple[tuple[str, str], ...] = ()  # (pattern, message): text that must not match
    minimum: float | None = None  # numbers
    maximum: float | None = None
    earliest: str = text.EARLIEST.isoformat()  # dates: no inspection's date is outside these
    latest: str = text.LATEST.isoformat()
    out_of_range: str | None = None
    past: str | None = None  # dates: the message for a day after today
    not_before: tuple[str, str] | None = None  # dates: (another date field, the message when this is earlier)
    aspects: tuple[Choice, ...] = ()  # ratings: the aspects that may be rated
    comment_limit: int | None = None  # ratings: each comment's limit and message
    comment_too_long: str | None = None
    anchor: str = ""  # the id of its first input ({name}: another field's value), for the error summary
    default: str = ""  # the value of a field a sync op leaves out (the form's own default)

    # The allowed values as sets, made once per field rather than once per value checked (a sync batch checks 500).
    @cached_property
    def allowed(self) -> frozenset[str]:
        return frozenset(c.value for c in self.choices or ())

    @cached_property
    def allowed_by(self) -> dict[str, frozenset[str]]:
        return {key: frozenset(c.value for c in group) for key, group in (self.choices_by or ("", {}))[1].items()}

    @cached_property
    def allowed_in_any_group(self) -> frozenset[str]:
        return frozenset().union(*self.allowed_by.values())

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclass_fields(self):
            value = getattr(self, f.name)
            if (value is None or value == () or value == ""
                    or (f.name in ("earliest", "latest") and self.kind != "date")):
                continue
            if f.name == "choices":
                value = [{"value": c.value, "label": c.label} for c in value]
            elif f.name == "choices_by":
                value = {"field": value[0],
                         "choices": {k: [{"value": c.value, "label": c.label} for c in v] for k, v in value[1].items()}}
            elif f.name in ("required_when", "when"):
                value = {k: list(v) for k, v in value.items()}
            elif f.name == "aspects":
                value = [{"value": c.value, "label": c.label} for c in value]
            elif f.name == "refuse":
                value = [{"pattern": p, "message": m} for p, m in value]
            out[f.name] = value
        return out


@dataclass(frozen=True)
class Contract:
    entity: str  # the sync entity the capture travels as
    title: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    # Worked out once per contract, not once per op of a sync batch.
    @cached_property
    def kinds(self) -> dict[str, str]:
        return {f.name: f.kind for f in self.fields}

    @cached_property
    def defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in self.fields}

    @cached_property
    def steps(self) -> tuple["Step", ...]:
        return tuple(_step(f) for f in self.fields)

    @cached_property
    def _op_fields(self) -> dict[tuple[str, ...], tuple[tuple[str, str, Any], ...]]:
        return {}

    def op_fields(self, extra: tuple[str, ...] = ()) -> tuple[tuple[str, str, Any], ...]:
        """(name, kind, the value when a sync op leaves it out) of each field and of `extra` (text fields a sync op
        may hold beyond the form's), worked out once per contract."""
        found = self._op_fields.get(extra)
        if found is None:
            kinds = self.kinds | dict.fromkeys(extra, "text") if extra else self.kinds
            found = self._op_fields[extra] = tuple((name, kind, self.defaults.get(name) or None)
                                                   for name, kind in kinds.items())
        return found

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def labels(self) -> dict[str, str]:
        """Error key -> the form's words (a rated aspect's errors are keyed rating-<code>)."""
        out = {f.name: f.label for f in self.fields}
        for f in self.fields:
            out.update({f"rating-{c.value}": c.label for c in f.aspects})
        return out

    def as_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "title": self.title, "fields": [f.as_json() for f in self.fields]}


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return not str(value).strip()


def _holds(condition: Condition | None, values: Mapping[str, Any]) -> bool:
    if not condition:
        return True
    return all(str(values.get(name) or "").strip() in allowed for name, allowed in condition.items())


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")  # what outbox-core.js accepts too
_TIME = re.compile(r"^(\d+):(\d+)$")


def parse_number(value: str) -> float | None:
    raw = str(value).strip().rstrip("%").strip()
    if not _NUMBER.match(raw):
        return None
    number = float(raw)
    return number if math.isfinite(number) else None


def parse_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _problem(f: Field, value: Any, values: Mapping[str, Any], today: date | None,
             common: Callable[[Any, Mapping[str, Any]], str | None]) -> str | None:
    """A filled-in value's problem: its length, refused patterns and choices (common, made once per field by
    _common_problem), then what its kind asks (a time, a number, a date)."""
    if f.kind == "choices":
        chosen = value if isinstance(value, (list, tuple)) else [value]
        if f.choices is not None and not {str(v) for v in chosen} <= f.allowed:
            return f.invalid or f.required
        return None
    if f.kind == "ratings":
        return None  # each rated aspect is checked apart (see _ratings)
    if found := common(value, values):
        return found
    raw = str(value).strip()
    if f.kind == "time":
        found_time = _TIME.match(raw)
        if not found_time or int(found_time.group(1)) >= 24 or int(found_time.group(2)) >= 60:
            return f.invalid
    if f.kind == "number":
        number = parse_number(raw)
        if number is None or (f.minimum is not None and number < f.minimum) or \
                (f.maximum is not None and number > f.maximum):
            return f.invalid
    if f.kind == "date":
        day = parse_date(raw)
        if day is None:
            return f.invalid
        if not date.fromisoformat(f.earliest) <= day <= date.fromisoformat(f.latest):
            return f.out_of_range
        if f.past and day > (today or today_in_england()):
            return f.past
        if f.not_before:
            other, message = f.not_before
            earlier = parse_date(values.get(other))
            if earlier and date.fromisoformat(f.earliest) <= earlier <= date.fromisoformat(f.latest) and day < earlier:
                return message
    return None


def _ratings(f: Field, value: Any, errors: dict[str, str]) -> None:
    aspects = {c.value for c in f.aspects}
    allowed = {c.value for c in f.choices or ()}
    for code, given in (value or {}).items():
        if code not in aspects:
            errors[f.name] = (f.other_group or "").format(value=code)
            continue
        rating, comment = str(given.get("rating") or ""), str(given.get("comment") or "").strip()
        if not rating:
            continue
        if rating not in allowed:
            errors[f"rating-{code}"] = f.invalid or ""
        if f.comment_limit is not None and len(comment) > f.comment_limit:
            errors[f"rating-{code}"] = f.comment_too_long or ""


def check(contract: Contract, values: Mapping[str, Any], *, today: date | None = None,
          fields: tuple[str, ...] | None = None, apart: tuple[str, ...] = ()) -> dict[str, str]:
    """The errors of these values, by field, in the form's order (the first error of a field wins). `fields`: only
    these fields' checks; `apart`: all but these (see Contract.alone)."""
    errors: dict[str, str] = {}
    if fields is None and not apart:
        for step in contract.steps:
            step(values, errors, today)
        return errors
    for f, step in zip(contract.fields, contract.steps, strict=True):
        if (fields is None or f.name in fields) and f.name not in apart:
            step(values, errors, today)
    return errors


def alone(contract: Contract, name: str) -> bool:
    """Whether a field's check reads nothing of the others and no other field's check reads it, so that its error
    and theirs can be found apart (a sync batch's notes differ op by op; their other answers seldom do) and put
    together in the form's order: {**its, **theirs} when it is the first field."""
    target = contract.field(name)
    if target.when or target.required_when or target.choices_by or target.not_before:
        return False
    return not any(name in (f.when or {}) or name in (f.required_when or {})
                   or (f.choices_by is not None and f.choices_by[0] == name)
                   or (f.not_before is not None and f.not_before[0] == name) for f in contract.fields)


Step = Callable[[Mapping[str, Any], dict[str, str], date | None], None]


def _step(f: Field) -> Step:
    """One field's check, as `check` applies it, made once per contract with what does not apply to the field
    left out: a sync batch checks 500 ops against the same contract, most fields a text or a single choice."""
    name, when, required, required_when = f.name, f.when, f.required, f.required_when
    depends_on = f.choices_by[0] if f.choices_by is not None else None
    common = _common_problem(f)
    plain = f.kind in ("text", "choice")  # nothing but the common checks: called directly

    def step(values: Mapping[str, Any], errors: dict[str, str], today: date | None) -> None:
        if when and not _holds(when, values):
            return
        if depends_on is not None and depends_on in errors:
            return  # the answer it depends on is wrong already: this one cannot be judged
        value = values.get(name)
        if f.kind == "ratings":
            _ratings(f, value, errors)
            return
        if not value.strip() if type(value) is str else _empty(value):
            if required and (required_when is None or _holds(required_when, values)):
                errors[name] = required
            return
        found = common(value, values) if plain else _problem(f, value, values, today, common)
        if found:
            errors[name] = found

    return step


def _common_problem(f: Field) -> Callable[[Any, Mapping[str, Any]], str | None]:
    """What every filled-in value but a list of choices is checked for (all a text's or a single choice's checks):
    its limit, the patterns it refuses, its choices; the patterns compiled once per contract."""
    limit, too_long, invalid = f.limit, f.too_long, f.invalid or f.required
    refuse = tuple((re.compile(pattern), message) for pattern, message in f.refuse)
    allowed = f.allowed if f.choices is not None else None
    by = f.choices_by[0] if f.choices_by is not None else None

    def problem(value: Any, values: Mapping[str, Any]) -> str | None:
        raw = (value if type(value) is str else str(value)).strip()
        if limit is not None and len(raw) > limit:
            return too_long
        for pattern, message in refuse:
            if pattern.search(raw):
                return message
        if allowed is not None and raw not in allowed:
            return invalid
        if by is not None:
            group = str(values.get(by) or "").strip()
            if raw not in f.allowed_in_any_group:
                return invalid
            if raw not in f.allowed_by.get(group, ()):
                return (f.other_group or f.invalid or "").format(value=group)
        return None

    return problem


def choices_of(enum: Iterable[Any]) -> tuple[Choice, ...]:
    """An enum whose members carry a `label` (the inspectors' words) as choices."""
    return tuple(Choice(member.value, member.label) for member in enum)


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


# --- A sync op's data to a form's values ----------------------------------------------------------------------


def op_values(contract: Contract, data: Mapping[str, Any], *, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values of a sync op's data, each of its field's type, or ValidationFailed naming the fields sent as
    something else (a number for a text, a text for a list). A field left out takes its default."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, kind, default in contract.op_fields(extra):
        value = data.get(name, default)
        if type(value) is str and kind != "choices" and kind != "ratings":
            values[name] = value  # (most values: text sent as text)
        elif kind == "choices":
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                      for v in value):
                errors[name] = f"{name} must be a list"
                value = []
            values[name] = [str(v) for v in value]
        elif kind == "ratings":
            value = value or {}
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                errors[name] = f"{name} must map aspect codes to {{rating, comment}}"
                value = {}
            values[name] = value
        elif value is None:
            values[name] = ""
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            errors[name] = f"{name} must be text"
            values[name] = ""
        else:
            values[name] = str(value)
    if errors:
        raise ValidationFailed(errors)
    return values
