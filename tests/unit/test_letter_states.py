"""The letter's table of statuses and steps (app/letters/states.py) holds together."""

import pytest

from app.errors import ValidationFailed
from app.letters.states import (
    STATUSES,
    STEPS,
    LetterStatus,
    Step,
    offered,
    require_editable,
    rule_for,
)


def test_every_status_is_shown_and_reachable_and_published_is_the_end():
    assert set(STATUSES) == set(LetterStatus)
    reached, frontier = {LetterStatus.draft}, [LetterStatus.draft]
    while frontier:
        here = frontier.pop()
        for rule in STEPS:
            if here in rule.leaves and rule.reaches and rule.reaches not in reached:
                reached.add(rule.reaches)
                frontier.append(rule.reaches)
    assert reached == set(LetterStatus)
    assert not any(LetterStatus.published in rule.leaves for rule in STEPS)  # read-only once published
    assert [rule.step for rule in STEPS].count(Step.publish) == 1 and {rule.step for rule in STEPS} == set(Step)


def test_only_a_draft_or_a_letter_in_quality_assurance_may_change():
    assert {s for s in LetterStatus if s.editable} == {LetterStatus.draft, LetterStatus.quality_assurance}
    for status in (LetterStatus.final, LetterStatus.published):
        with pytest.raises(ValidationFailed) as refused:
            require_editable(status)
        assert "cannot be changed" in refused.value.errors["text"]
    require_editable(LetterStatus.draft)


def test_who_is_offered_what():
    assert [r.step for r in offered(LetterStatus.final, manages=False, team_role="cqc_inspector")] == [Step.sign_off]
    assert offered(LetterStatus.final, manages=False, team_role="shadow") == []
    # An administrator outside the team manages the letter but has no signature to give.
    assert [r.step for r in offered(LetterStatus.final, manages=True, team_role=None)] == [Step.publish,
                                                                                          Step.back_to_draft]
    with pytest.raises(ValidationFailed):
        rule_for("skip_to_published")
