"""FX rates: entry, CSV import, and the rate in force at a date."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from ar_core.access.audit import list_audit
from ar_core.errors import ArDeskError, PermissionDenied
from ar_core.ledger.rates import RATES_SCHEMA, import_rates, list_rates, parse_rates, rates_for, set_rate
from tests.conftest import ADMIN, CONTROLLER, LEAD
from tests.workflow_setup import MEYER


def _rates(frame) -> dict[str, Decimal]:
    assert frame.schema == RATES_SCHEMA
    return dict(frame.rows())


def test_rates_for_picks_the_latest_rate_on_or_before_the_date(store):
    set_rate(store, LEAD, date(2026, 11, 6), "USD", Decimal("0.92"))
    set_rate(store, LEAD, date(2026, 11, 13), "USD", Decimal("0.93"))
    set_rate(store, ADMIN, date(2026, 11, 20), "USD", Decimal("0.94"))
    set_rate(store, LEAD, date(2026, 11, 13), "CHF", Decimal("1.0650"))
    assert _rates(rates_for(store, date(2026, 11, 5))) == {"EUR": Decimal(1)}
    assert _rates(rates_for(store, date(2026, 11, 6))) == {"EUR": Decimal(1), "USD": Decimal("0.92")}
    assert _rates(rates_for(store, date(2026, 11, 19))) == {
        "CHF": Decimal("1.065"),
        "EUR": Decimal(1),
        "USD": Decimal("0.93"),
    }
    assert _rates(rates_for(store, date(2027, 1, 1)))["USD"] == Decimal("0.94")


def test_set_rate_replaces_and_is_audited(store):
    set_rate(store, LEAD, date(2026, 11, 20), "gbp", Decimal("1.172"))
    set_rate(store, LEAD, date(2026, 11, 20), "GBP", Decimal("1.1725"))
    assert list_rates(store).select("rate_date", "currency", "rate").rows() == [
        (date(2026, 11, 20), "GBP", Decimal("1.1725"))
    ]
    entry = list_audit(store, LEAD, entity="fx_rate").row(0, named=True)
    assert (entry["entity_id"], json.loads(entry["before"]), json.loads(entry["after"])) == (
        "2026-11-20 GBP",
        {"rate": "1.172000"},
        {"rate": "1.172500"},
    )


@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("XYZ", "1", "unknown currency"),
        ("USD", "0", "positive"),
        ("USD", "-1", "positive"),
        ("EUR", "1.1", "always 1"),
        ("USD", "0.0000001", "rounds to zero"),
    ],
)
def test_bad_rates_are_refused(engine, currency, rate, message):
    with pytest.raises(ArDeskError, match=message):
        set_rate(engine, LEAD, date(2026, 11, 20), currency, Decimal(rate))


def test_only_leads_and_admins_enter_rates(engine):
    for actor in (MEYER, CONTROLLER):
        with pytest.raises(PermissionDenied):
            set_rate(engine, actor, date(2026, 11, 20), "USD", Decimal("0.9"))
        with pytest.raises(PermissionDenied):
            import_rates(engine, actor, b"2026-11-20;USD;0.9", "r.csv")


def test_import_german_and_english_files(store):
    german = "Datum;Währung;Kurs\n13.11.2026;CHF;1,0650\n13.11.2026;USD;0,9210\n\n20.11.2026;usd;0,92345678\n"
    count, problems = import_rates(store, LEAD, german.encode("cp1252"), "kurse.csv")
    assert (count, problems) == (3, [])
    english = b"date,currency,rate\n2026-11-20,GBP,1.1720\n2026-11-20,CHF,1.07\n"
    assert import_rates(store, LEAD, english, "rates.csv") == (2, [])
    assert _rates(rates_for(store, date(2026, 11, 20))) == {
        "CHF": Decimal("1.07"),
        "EUR": Decimal(1),
        "GBP": Decimal("1.172"),
        "USD": Decimal("0.923457"),
    }
    entry = list_audit(store, LEAD, entity="fx_rate").row(0, named=True)
    assert entry["action"] == "import_rates"
    assert entry["before"] is None  # nothing replaced
    import_rates(store, LEAD, b"2026-11-20;GBP;1,18\n", "fix.csv")
    entry = list_audit(store, LEAD, entity="fx_rate").row(0, named=True)
    assert json.loads(entry["before"]) == {"2026-11-20 GBP": "1.172000"}


def test_import_reports_bad_lines_and_keeps_the_good(engine):
    data = (
        b"date;currency;rate\n2026-11-20;USD;0,92\n31.02.2026;USD;1\n2026-11-20;XYZ;1\n2026-11-20;CHF;abc\n"
        b"2026-11-20;GBP\n2026-11-20;EUR;2\n2026-11-20;USD;0,93\n"
    )
    count, problems = import_rates(engine, LEAD, data, "r.csv")
    assert count == 1
    assert [(p.row, p.severity) for p in problems] == [
        (3, "error"),
        (4, "error"),
        (5, "error"),
        (6, "error"),
        (7, "error"),
        (8, "warning"),
    ]
    assert "cannot read '31.02.2026' as a date" in str(problems[0])
    assert "the later row wins" in problems[-1].message
    assert _rates(rates_for(engine, date(2026, 11, 20)))["USD"] == Decimal("0.93")


def test_nothing_readable_writes_nothing(engine):
    assert import_rates(engine, LEAD, b"", "empty.csv") == (0, [])
    rates, problems = parse_rates(b"x" * 6_000_000, "big.csv")
    assert rates == [] and "too large" in problems[0].message
    assert list_audit(engine, LEAD, entity="fx_rate").is_empty()


def test_cross_rates_for_another_reporting_currency():
    from decimal import Decimal

    import polars as pl

    from ar_core.ledger.rates import RATES_SCHEMA, cross_rates

    eur = pl.DataFrame(
        [("CHF", Decimal("1.060000")), ("EUR", Decimal("1")), ("USD", Decimal("0.920000"))],
        schema=RATES_SCHEMA, orient="row",
    )  # fmt: skip
    chf = dict(cross_rates(eur, "CHF").iter_rows())
    # EUR 1 = CHF 1/1.06 = 0.943396; USD 1 = EUR 0.92 = CHF 0.92/1.06 = 0.867925
    assert chf == {"CHF": Decimal("1.000000"), "EUR": Decimal("0.943396"), "USD": Decimal("0.867925")}
    assert dict(cross_rates(eur, "GBP").iter_rows()) == {
        "GBP": Decimal("1")
    }  # no GBP rate: only GBP converts
    assert cross_rates(eur, "EUR").equals(eur)


def test_rates_older_than_the_setting_are_reported_as_stale(engine):
    from ar_core.ledger.rates import stale_rates

    set_rate(engine, LEAD, date(2026, 9, 30), "CHF", Decimal("1.06"))
    set_rate(engine, LEAD, date(2026, 11, 1), "USD", Decimal("0.92"))
    # as of 20.11.: CHF 51 days old, USD 19 days; EUR never ages; GBP has no rate at all (missing, not stale)
    assert stale_rates(engine, date(2026, 11, 20), ["EUR", "CHF", "USD", "GBP"], "EUR", 35) == [
        {"currency": "CHF", "rate_date": date(2026, 9, 30), "age_days": 51}
    ]
    assert stale_rates(engine, date(2026, 11, 20), ["CHF"], "EUR", 60) == []
    # reporting in CHF: the CHF rate itself is needed for every conversion
    assert [r["currency"] for r in stale_rates(engine, date(2026, 11, 20), ["EUR"], "CHF", 35)] == ["CHF"]
