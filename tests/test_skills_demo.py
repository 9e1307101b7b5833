"""The demo's skills: a process area with a coverage gap (payment plans), French with a single
speaker, a backup for every portfolio and Jonas Schneider's leave around the demo's day with Claudia
Meyer covering (his customers on her worklist)."""

from __future__ import annotations

from datetime import date

import pytest

from ar_core.access import collector_scope, own_portfolio
from ar_core.demo.skills import BACKUPS, load_demo_skills
from ar_core.knowledge import cover_on, list_backups, skill_levels, team_coverage
from tests.conftest import LEAD

DAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def demo(demo_team):
    return demo_team  # the build ran load_demo_training, then load_demo_skills, on DAY


def test_payment_plans_has_the_gap_and_french_a_single_speaker(demo):
    cover = team_coverage(demo, LEAD)
    gaps = {r.area: (r.people_at_level, r.gap, r.closest) for r in cover.areas if r.gap}
    assert gaps == {"payment plans": (("e.dubois",), 1, ("c.meyer",))}
    plans = next(r for r in cover.areas if r.area == "payment plans")
    assert plans.modules == {"c.meyer": ("Payment plans and instalment agreements",)}  # in her plan
    languages = {r.area: r for r in cover.languages}
    french = languages["French"]
    assert (french.people_at_level, french.gap, french.closest) == (("e.dubois",), 1, ("l.peeters",))
    assert 0 < french.share < 50
    assert [r.area for r in cover.languages if r.gap] == ["French"]


def test_every_portfolio_has_its_backup_and_schneider_is_covered_on_the_day(demo):
    table = list_backups(demo, LEAD)
    assert dict(table.select("collector", "backup").rows()) == BACKUPS
    cover = cover_on(demo, LEAD, DAY)
    assert cover.select("person", "backup", "backup_away").rows() == [("j.schneider", "c.meyer", False)]
    assert cover["customers"][0] > 0
    schneider = own_portfolio(demo, "j.schneider")
    assert schneider <= collector_scope(demo, "c.meyer", today=DAY)
    assert not schneider <= collector_scope(demo, "c.meyer", today=date(2026, 12, 12))


def test_loading_twice_changes_nothing(demo):
    before = skill_levels(demo, LEAD).height
    load_demo_skills(demo, DAY)
    assert skill_levels(demo, LEAD).height == before == 8 * 19
