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
    assert [p.number for p in profile.proposals] == [1, 2, 3, 4]
    # Para 27 has six aspects of identification; para 30 four of meeting needs, para 31 five more ways.
    assert len(profile.proposal(1).aspects) == 6
    assert profile.proposal(1).aspects[0].text.startswith("How timely was the identification")
    assert len(profile.proposal(2).aspects) == 9
    assert profile.outcomes == ()


def test_2023_profile_has_three_outcomes_with_wording():
    profile = get_profile("send-2023")
    assert timeline_of(profile).on_site_week == 3
    assert [o.code for o in profile.outcomes] == ["positive", "inconsistent", "widespread_failings"]
    assert all(o.wording for o in profile.outcomes)


def test_aspect_codes_are_unique_within_a_profile():
    for profile in all_profiles().values():
        codes = [a.code for p in profile.proposals for a in p.aspects]
        assert len(codes) == len(set(codes)), profile.code


def test_unknown_framework_is_refused():
    with pytest.raises(UnknownFramework):
        get_profile("send-1999")


def test_each_aspect_feeds_exactly_one_section_of_the_letter():
    from app.frameworks.service import all_profiles

    for profile in all_profiles().values():
        aspects = [a.code for p in profile.proposals for a in p.aspects]
        in_letter = [code for section in profile.letter.sections for code in section.aspects]
        assert sorted(in_letter) == sorted(aspects), profile.code

