"""Case references, the 20-week limit, absence bands and setting identifiers."""

from datetime import date, timedelta

import pytest

from app.fieldwork.rules import absence_band, case_reference_problem, identifier_problem, request_to_plan


@pytest.mark.parametrize("reference", ["P1-07", "Case 12", "Case A", "file A", "Y9 boy ASD", "C-2027-004", "EHCP 3"])
def test_pseudonymous_references_are_accepted(reference):
    assert case_reference_problem(reference) is None


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("Jamie Smith", "looks like a name"),
        ("case for Mary-Jane O'Neill", "looks like a name"),
        ("Ali McDonald", "looks like a name"),
        ("943 476 5919", "NHS number"),
        ("9434765919", "NHS number"),
        ("A123456789012", "unique pupil number"),
        ("H80120000011A", "unique pupil number"),
        ("", "Enter a case reference"),
        ("x" * 41, "40 characters"),
    ],
)
def test_references_that_look_like_a_child_are_refused(reference, why):
    assert why in case_reference_problem(reference)


def test_exactly_twenty_weeks_is_within_the_limit():
    requested = date(2026, 1, 5)
    on_time = request_to_plan(requested, requested + timedelta(weeks=20))
    assert (on_time.weeks, on_time.extra_days, on_time.over_limit, on_time.label) == (20, 0, False, "20 weeks")
    late = request_to_plan(requested, requested + timedelta(weeks=20, days=1))
    assert (late.over_limit, late.label) == (True, "20 weeks 1 day")
    assert request_to_plan(requested, None) is None


@pytest.mark.parametrize(
    ("attendance", "band"),
    [(100, "none"), (90.0, "none"), (89.9, "persistent"), (50.0, "persistent"), (49.99, "severe"), (0, "severe"),
     (None, None)],
)
def test_absence_bands_at_their_boundaries(attendance, band):
    assert absence_band(attendance) == band


@pytest.mark.parametrize(
    ("kind", "identifier", "ok"),
    [("urn", "123456", True), ("urn", "12345", False), ("ukprn", "10012345", True), ("ukprn", "20012345", False),
     ("ods", "RJ7", True), ("ods", "a81001", True), ("ods", "123", False), ("ods", "TOOLONG1", False),
     ("passport", "x", False)],
)
def test_setting_identifiers_are_checked_by_format(kind, identifier, ok):
    assert (identifier_problem(kind, identifier) is None) is ok
