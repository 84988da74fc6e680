"""The profiles' [after_publication] rules: every rule cites its source, each `when` is a decision the profile can
reach, and months are added as a calendar does."""

from datetime import date

from app.frameworks.after_publication import add_months, after_publication, decision_facts
from app.frameworks.service import all_profiles


def test_every_rule_has_a_source_and_a_reachable_when():
    for profile in all_profiles().values():
        rules = after_publication(profile)
        reachable = {f"outcome:{o.code}" for o in profile.outcomes}
        if profile.written_statement_of_action:
            reachable.add("wsoa_required")
        assert rules.source, profile.code
        codes = [rule.code for rule in rules.obligations]
        assert len(codes) == len(set(codes)), f"{profile.code}: one rule per obligation, listing the decisions"
        for rule in (*rules.obligations, *rules.visits):
            assert rule.source and rule.when and set(rule.when) <= reachable, (profile.code, rule.code)


def test_what_each_decision_brings():
    send_2016, send_2023 = all_profiles()["send-2016"], all_profiles()["send-2023"]
    wsoa = after_publication(send_2016).obligations_for(decision_facts(wsoa_required=True, outcome=None))
    assert [(r.code, r.working_days, r.decided) for r in wsoa] == [("written_statement_of_action", 70, True)]
    assert after_publication(send_2016).obligations_for(decision_facts(wsoa_required=False, outcome=None)) == []
    owed = {o: [r.code for r in after_publication(send_2023).obligations_for(decision_facts(wsoa_required=False,
                                                                                           outcome=o))]
            for o in ("positive", "inconsistent", "widespread_failings")}
    # The report asks for the strategic plan under the first and second outcomes (published reports, 2023-2026).
    assert owed == {"positive": ["strategic_plan_update"], "inconsistent": ["strategic_plan_update"],
                    "widespread_failings": ["priority_action_plan"]}


def test_months_are_added_as_a_calendar_does():
    assert add_months(date(2027, 8, 31), 18) == date(2029, 2, 28)
    assert add_months(date(2027, 12, 10), 36) == date(2030, 12, 10)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
