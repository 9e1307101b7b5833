"""The worklist judges promises and call-backs at the team's day (its time-zone setting), not the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ar_core import settings
from tests.conftest import ADMIN


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_worklist_is_judged_on_the_teams_day(engine, monkeypatch, zone):
    """UTC+14 and UTC-11: at any moment at least one of them is on another day than Berlin."""
    from ui import data

    monkeypatch.delenv("AR_TODAY", raising=False)
    settings.set_time_zone(engine, ADMIN, zone)
    monkeypatch.setattr(data, "engine", lambda: engine)
    seen: list[date] = []
    monkeypatch.setattr(
        data, "_worklist", lambda _actor, _sid, _as_of, today, _who: seen.append(today) or today
    )
    expected = datetime.now(ZoneInfo(zone)).date()
    data.worklist(ADMIN, 1, date(2026, 11, 20))
    assert seen == [expected]
    assert data.team_today() == expected
