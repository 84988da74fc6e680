"""Framework profiles are data: both load, and the 2016 profile carries the reference framework's content."""

import pytest

from app.frameworks.service import UnknownFramework, all_profiles, get_profile
from app.frameworks.timeline import timeline_of


def test_both_profiles_load():
    assert set(all_profiles()) == {"send-2016", "send-2023"}


def test_2016_profile_matches_the_framework():
    profile = get_profile("send-2016")
    assert timeline_of(profile).notice_working_days == 2  # para 19
    assert profile.overall_grade is False
    assert [p.number for p in profile.headings] == [1, 2, 3, 4]
    # Para 27 has six aspects of identification; para 30 four of meeting needs, para 31 five more ways.
    assert len(profile.heading(1).aspects) == 6
    assert profile.heading(1).aspects[0].text.startswith("How timely was the identification")
    assert len(profile.heading(2).aspects) == 9
    assert profile.outcomes == ()


def test_2023_profile_has_three_outcomes_with_wording():
    profile = get_profile("send-2023")
    assert timeline_of(profile).on_site_week == 3
    assert [o.code for o in profile.outcomes] == ["positive", "inconsistent", "widespread_failings"]
    assert all(o.wording for o in profile.outcomes)


def test_aspect_codes_are_unique_within_a_profile():
    for profile in all_profiles().values():
        codes = [a.code for p in profile.headings for a in p.aspects]
        assert len(codes) == len(set(codes)), profile.code


def test_unknown_framework_is_refused():
    with pytest.raises(UnknownFramework):
        get_profile("send-1999")


def test_each_aspects_strengths_and_areas_feed_exactly_one_section_of_the_letter():
    for profile in all_profiles().values():
        aspects = [a.code for p in profile.headings for a in p.aspects]
        for judgement in ("strength", "area_for_development"):
            in_letter = [code for section in profile.letter.sections if judgement in section.judgements
                         for code in section.aspects]
            assert sorted(in_letter) == sorted(aspects), (profile.code, judgement)


def test_2023_profile_carries_the_handbooks_evaluation_criteria():
    profile = get_profile("send-2023")
    assert [p.label for p in profile.headings] == ["Evaluation criterion 1", "Evaluation criterion 2",
                                                    "Evaluation criterion 3"]
    assert profile.heading(1).aspects[0].text == ("Children and young people's needs are identified accurately and "
                                                   "assessed in a timely and effective way.")
    assert [len(p.aspects) for p in profile.headings] == [5, 6, 5]
    assert "alternative provision" in profile.heading(3).title
    assert not profile.file_review_aspects()  # cases are tracked, not rated file by file
    assert all(p.get("source") for p in profile.data["evidence_headings"])
    assert get_profile("send-2016").heading(4).label == "Proposal 4"


def test_the_decision_rules_and_the_report_structure_are_profile_data():
    from app.frameworks.decisions import rules_of
    from app.frameworks.report import structure_of

    rules = rules_of(get_profile("send-2023"))
    assert [o.code for o in rules.outcomes if o.priority_actions] == ["widespread_failings"]
    assert [b.code for b in rules.responsible_bodies] == ["local_authority", "icb"]
    assert all(o.next_steps for o in rules.outcomes)
    assert not rules_of(get_profile("send-2016")).outcomes
    assert structure_of(get_profile("send-2023")).has("recommendations:priority_actions")
    assert structure_of(get_profile("send-2016")).opening_order == ("opening", "team", "counts", "did", "wsoa",
                                                                    "this_letter")


def test_inspection_dates_read_as_published_reports_give_them():
    from datetime import date

    from app.letters.service import date_range

    assert date_range(date(2023, 12, 11), date(2023, 12, 15)) == "11 to 15 December 2023"
    assert date_range(date(2023, 11, 27), date(2023, 12, 1)) == "27 November to 1 December 2023"
    assert date_range(date(2025, 12, 29), date(2026, 1, 2)) == "29 December 2025 to 2 January 2026"
