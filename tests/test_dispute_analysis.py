"""Root-cause analysis of cases: Pareto, selections, cycle time, trend, past due, credit notes, reminder."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ar_core.disputes.analysis import (
    CASE_SCHEMA,
    GROUPINGS,
    PRIORITY,
    TREND_SCHEMA,
    credit_note_share,
    cycle_time,
    cycle_time_distribution,
    empty_cases,
    open_cases,
    opened_between,
    pareto,
    pareto_schema,
    past_due,
    reminder_text,
    trend,
)
from ar_core.errors import InvalidInput
from ar_core.schema import MONEY

AS_OF = date(2026, 11, 20)

#: What a case is unless a test says otherwise.
DEFAULTS = {
    "type": "dispute",
    "customer_id": "100",
    "customer_name": "Alpha GmbH",
    "company_code": "1000",
    "country": "DE",
    "collector": "c.meyer",
    "resolver_department": "billing",
    "reason": "PRICE",
    "category": "pricing",
    "status": "open",
    "opened": date(2026, 11, 1),
    "due": date(2026, 11, 15),
    "level": 0,
    "amount": "100",
    "currency": "EUR",
}


def _cases(*rows: dict) -> pl.DataFrame:
    """Cases numbered 1, 2, ... in the order given; amounts as decimal text."""
    records = []
    for i, row in enumerate(rows, start=1):
        record = {**dict.fromkeys(CASE_SCHEMA), **DEFAULTS, "case_id": i, **row}
        for money in ("amount", "credited"):
            if record[money] is not None:
                record[money] = Decimal(record[money])
        records.append(record)
    return pl.DataFrame(records, schema=CASE_SCHEMA)


def _frame(data: dict, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(data).with_columns(pl.col(c).cast(t) for c, t in schema.items() if c in data)


def _money(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


# --- Pareto -------------------------------------------------------------------------------


def test_pareto_shares_cumulative_line_and_the_row_that_reaches_80_percent():
    cases = _cases(
        {"reason": "C", "amount": "150"},
        {"reason": "A", "amount": "300"},
        {"reason": "A", "amount": "200"},
        {"reason": "D", "amount": "50"},
        {"reason": "B", "amount": "300"},
    )
    expected = _frame(
        {
            "reason": ["A", "B", "C", "D"],
            "count": [2, 1, 1, 1],
            "amount": _money("500", "300", "150", "50"),
            "share": [0.5, 0.3, 0.15, 0.05],
            "cumulative_share": [0.5, 0.8, 0.95, 1.0],
            # before each row: 0, .5, .8, .95 -> B lands exactly on 80 % and is the last vital one
            "within_80": [True, True, False, False],
        },
        pareto_schema("reason"),
    )
    assert_frame_equal(pareto(cases, "reason"), expected, check_exact=True)


def test_the_row_that_crosses_80_percent_is_one_of_the_vital_few():
    cases = _cases(*({"reason": r, "amount": a} for r, a in [("A", "500"), ("B", "250"), ("C", "150"),
                                                             ("D", "100")]))  # fmt: skip
    result = pareto(cases, "reason")
    assert result["cumulative_share"].to_list() == [0.5, 0.75, 0.9, 1.0]
    assert result["within_80"].to_list() == [True, True, True, False]  # C crosses 75 % -> 90 %


def test_cumulative_share_is_exact_where_adding_float_shares_drifts():
    # ten keys of 10 % each: adding the float shares gives 0.7999999999999999 after eight rows
    # (which would wrongly take the ninth row into the vital few) and 0.9999999999999999 at the end
    cases = _cases(*({"reason": f"R{i}", "amount": "10.00"} for i in range(10)))
    result = pareto(cases, "reason")
    assert result["reason"].to_list() == [f"R{i}" for i in range(10)]
    assert result["cumulative_share"].to_list() == [i / 10 for i in range(1, 11)]
    assert result["within_80"].to_list() == [True] * 8 + [False] * 2
    assert sum(result["share"].to_list()[:8]) < 0.8  # the float sum the rule must not use


def test_cents_count_in_the_shares():
    cases = _cases({"reason": "A", "amount": "33.33"}, {"reason": "B", "amount": "33.33"},
                   {"reason": "C", "amount": "33.34"})  # fmt: skip
    result = pareto(cases, "reason")
    assert result["reason"].to_list() == ["C", "A", "B"]
    assert result["share"].to_list() == [0.3334, 0.3333, 0.3333]
    assert result["cumulative_share"].to_list() == [0.3334, 0.6667, 1.0]
    assert result["amount"].to_list() == _money("33.34", "33.33", "33.33")


def test_ties_in_amount_go_by_count_then_key():
    cases = _cases(
        {"reason": "Z", "amount": "200"},
        {"reason": "X", "amount": "200"},
        {"reason": "Y", "amount": "100"},
        {"reason": "Y", "amount": "100"},
    )
    result = pareto(cases, "reason")
    assert result["reason"].to_list() == ["Y", "X", "Z"]
    assert result["count"].to_list() == [2, 1, 1]


def test_unmapped_reasons_keep_their_code_and_count_as_unmapped_by_category():
    cases = _cases(
        {"reason": "PRICE", "category": "pricing", "amount": "100"},
        {"reason": "ZX9", "category": None, "amount": "300"},
        {"reason": "Q-17", "category": None, "amount": "50"},
        {"reason": "ZX9", "category": None, "amount": "20"},
    )
    by_category = pareto(cases, "category")
    assert by_category.select("category", "count", "amount").rows() == [
        ("unmapped", 3, Decimal("370.00")),
        ("pricing", 1, Decimal("100.00")),
    ]
    by_reason = pareto(cases, "reason")
    assert by_reason["reason"].to_list() == ["ZX9", "PRICE", "Q-17"]
    assert by_reason["amount"].to_list() == _money("320", "100", "50")


def test_pareto_by_customer_shows_the_name_of_its_latest_case():
    cases = _cases(
        {"customer_id": "200", "customer_name": "Beta BV (old)", "opened": date(2026, 10, 1), "amount": "10"},
        {"customer_id": "200", "customer_name": "Beta BV", "opened": date(2026, 11, 2), "amount": "90"},
        {"customer_id": "100", "customer_name": "Alpha GmbH", "amount": "40"},
    )
    result = pareto(cases, "customer")
    assert result.columns[:2] == ["customer_id", "customer_name"]
    assert result.select("customer_id", "customer_name", "count", "amount").rows() == [
        ("200", "Beta BV", 2, Decimal("100.00")),
        ("100", "Alpha GmbH", 1, Decimal("40.00")),
    ]


@pytest.mark.parametrize(
    ("by", "column", "source"),
    [("resolver", "resolver", "resolver_department"), ("company_code", "company_code", "company_code"),
     ("country", "country", "country"), ("collector", "collector", "collector")],
)  # fmt: skip
def test_pareto_by_each_other_key_is_named_after_it(by, column, source):
    cases = _cases(
        {source: "k1", "amount": "10"}, {source: "k2", "amount": "30"}, {source: "k1", "amount": "5"}
    )
    result = pareto(cases, by)
    assert result.columns[0] == column
    assert result.select(column, "amount").rows() == [("k2", Decimal("30.00")), ("k1", Decimal("15.00"))]


def test_pareto_of_no_cases_is_empty_with_its_schema():
    for by in GROUPINGS:
        result = pareto(empty_cases(), by)
        assert result.height == 0
        assert result.schema == pl.Schema(pareto_schema(by))


def test_pareto_of_a_zero_total_has_zero_shares_and_no_vital_few():
    result = pareto(_cases({"reason": "A", "amount": "0"}, {"reason": "B", "amount": "0"}), "reason")
    assert result["share"].to_list() == [0.0, 0.0]
    assert result["cumulative_share"].to_list() == [0.0, 0.0]
    assert result["within_80"].to_list() == [False, False]


def test_an_unknown_grouping_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        pareto(_cases({}), "product")
    assert raised.value.field == "by"


# --- selections ---------------------------------------------------------------------------


def test_open_cases_at_a_date_and_cases_opened_in_a_period():
    cases = _cases(
        {"opened": date(2026, 11, 1)},  # 1 open
        {"opened": date(2026, 11, 21)},  # 2 not yet opened at the as-of date
        {"opened": date(2026, 11, 1), "resolved": AS_OF, "status": "resolved"},  # 3 done that day
        {"opened": AS_OF, "resolved": date(2026, 11, 21), "status": "closed"},  # 4 still open
        {"opened": date(2026, 10, 31)},  # 5 open, opened before the period
    )
    assert open_cases(cases, AS_OF)["case_id"].to_list() == [1, 4, 5]
    assert opened_between(cases, date(2026, 11, 1), date(2026, 11, 20))["case_id"].to_list() == [1, 3, 4]


# --- cycle time ---------------------------------------------------------------------------


def _resolved_after(days: list[int], reason: str, late: set[int] = frozenset(), **extra) -> list[dict]:
    """Cases of ``reason`` resolved ``days`` after 1 Oct; those at the positions in ``late`` after due."""
    opened = date(2026, 10, 1)
    done = {"reason": reason, "opened": opened, "status": "resolved", **extra}
    return [
        {
            **done,
            "resolved": opened + timedelta(days=d),
            "due": opened + timedelta(days=d - 1 if i in late else d),
        }
        for i, d in enumerate(days)
    ]


def test_cycle_time_median_and_p90_for_odd_and_even_counts():
    cases = _cases(
        *_resolved_after([10, 2, 8, 4, 6], "ODD", late={0, 2}),  # 10 and 8 days: after their due date
        *_resolved_after([4, 1, 3, 2], "EVEN", late={0}),
        {"reason": "ODD", "opened": date(2026, 10, 1)},  # open: no cycle time yet
    )
    result = cycle_time(cases, "reason")
    assert result["reason"].to_list() == ["ODD", "EVEN"]  # by n, descending
    assert result["n"].to_list() == [5, 4]
    assert result["median_days"].to_list() == [6.0, 2.5]
    # p90 at position 0.9 × (n − 1): 3.6 -> 8 + 0.6 × 2; 2.7 -> 3 + 0.7 × 1
    assert result["p90_days"].to_list() == pytest.approx([9.2, 3.7], abs=1e-12)
    assert result["mean_days"].to_list() == [6.0, 2.5]
    assert result["past_sla"].to_list() == [0.4, 0.25]


def test_resolved_on_its_due_date_is_within_sla():
    cases = _cases({"opened": date(2026, 10, 1), "due": date(2026, 10, 11), "resolved": date(2026, 10, 11)})
    assert cycle_time(cases)["past_sla"].to_list() == [0.0]


def test_cycle_time_counts_cases_resolved_in_the_period_both_days_included():
    opened = date(2026, 10, 1)
    cases = _cases(
        *({"reason": "A", "opened": opened, "resolved": r, "due": date(2026, 12, 31)}
          for r in (date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 20), date(2026, 10, 21))),
    )  # fmt: skip
    result = cycle_time(cases, "reason", start=date(2026, 10, 10), end=date(2026, 10, 20))
    assert result.select("n", "median_days", "mean_days").rows() == [(2, 14.0, 14.0)]  # 9 and 19 days
    assert cycle_time(cases, start=date(2026, 10, 20))["n"].to_list() == [2]
    assert cycle_time(cases, end=date(2026, 10, 9))["n"].to_list() == [1]


def test_cycle_time_by_category_and_its_distribution():
    cases = _cases(
        *_resolved_after([3, 5], "PRICE", category="pricing"),
        *_resolved_after([7], "ZX9", late={0}, category=None),
    )
    by_category = cycle_time(cases, "category")
    assert by_category.select("category", "n", "median_days", "past_sla").rows() == [
        ("pricing", 2, 4.0, 0.0),
        ("unmapped", 1, 7.0, 1.0),
    ]
    spread = cycle_time_distribution(cases, "category")
    assert spread.select("case_id", "category", "days", "past_sla").rows() == [
        (1, "pricing", 3, False),
        (2, "pricing", 5, False),
        (3, "unmapped", 7, True),
    ]


def test_cycle_time_of_no_resolved_case_is_empty():
    result = cycle_time(_cases({"opened": date(2026, 10, 1)}))
    assert result.height == 0
    assert result.columns == ["reason", "n", "median_days", "p90_days", "mean_days", "past_sla"]


# --- trend --------------------------------------------------------------------------------

DATES = [date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20)]


def test_trend_windows_open_backlog_and_its_age():
    cases = _cases(
        {"opened": date(2026, 10, 1), "resolved": date(2026, 10, 20), "amount": "10"},  # 1 in and out before
        {"opened": date(2026, 10, 30), "resolved": date(2026, 11, 10), "amount": "100"},  # 2
        {"opened": date(2026, 11, 6), "amount": "200"},  # 3 opened on the first date
        {"opened": date(2026, 11, 7), "resolved": date(2026, 11, 13), "amount": "50"},  # 4 resolved on a date
        {"opened": date(2026, 11, 15), "amount": "400"},  # 5
        {"opened": date(2026, 11, 21), "amount": "1000"},  # 6 after the last date
    )
    expected = _frame(
        {
            "as_of": DATES,
            "new": [3, 1, 1],  # 1, 2, 3 on or before 6 Nov; 4 in (6, 13]; 5 in (13, 20]
            "new_amount": _money("310", "50", "400"),
            "resolved": [1, 2, 0],  # 1 by 6 Nov; 2 (10 Nov) and 4 (13 Nov) in (6, 13]
            "resolved_amount": _money("10", "150", "0"),
            "open": [2, 1, 2],  # 6 Nov: 2, 3; 13 Nov: 3 (4 resolved that day); 20 Nov: 3, 5
            "open_amount": _money("300", "200", "600"),
            "median_age_days": [3.5, 7.0, 9.5],  # ages 7 and 0; 7; 14 and 5
            "mean_age_days": [3.5, 7.0, 9.5],
        },
        TREND_SCHEMA,
    )
    assert_frame_equal(trend(cases, DATES), expected, check_exact=True)


def test_trend_with_nothing_open_has_zeros_and_no_age():
    result = trend(_cases({"opened": date(2026, 11, 1), "resolved": date(2026, 11, 3)}), DATES[1:])
    figures = result.select("new", "resolved", "open", "median_age_days").rows()
    assert figures == [(1, 1, 0, None), (0, 0, 0, None)]
    assert trend(empty_cases(), DATES)["open_amount"].to_list() == _money("0", "0", "0")


def test_trend_matches_a_filter_per_date_on_random_cases():
    rng = np.random.default_rng(3)
    start = date(2026, 1, 1)
    rows = []
    for _ in range(300):
        opened = start + timedelta(days=int(rng.integers(0, 120)))
        took = int(rng.integers(0, 60))
        resolved = opened + timedelta(days=took) if rng.random() < 0.6 else None
        rows.append({"opened": opened, "resolved": resolved, "amount": str(rng.integers(1, 10_000))})
    cases = _cases(*rows)
    dates = [start + timedelta(days=d) for d in (10, 17, 40, 41, 90, 150)]
    result = trend(cases, dates)
    previous = None
    for row, d in zip(result.iter_rows(named=True), dates, strict=True):
        after = pl.lit(True) if previous is None else pl.col("opened") > previous
        new = cases.filter(after & (pl.col("opened") <= d))
        done_after = pl.lit(True) if previous is None else pl.col("resolved") > previous
        done = cases.filter(done_after & (pl.col("resolved") <= d))
        still = open_cases(cases, d)
        ages = [(d - o).days for o in still["opened"]]
        assert (row["new"], row["resolved"], row["open"]) == (new.height, done.height, still.height)
        assert row["open_amount"] == still["amount"].sum()
        assert row["median_age_days"] == (float(np.median(ages)) if ages else None)
        previous = d


def test_trend_dates_must_ascend():
    with pytest.raises(InvalidInput) as raised:
        trend(empty_cases(), [DATES[1], DATES[0]])
    assert raised.value.field == "dates"


# --- past due -----------------------------------------------------------------------------


def test_past_due_ordered_by_amount_times_days_late_then_case_id():
    cases = _cases(
        {"amount": "20000", "due": date(2026, 11, 19)},  # 1: 1 day late -> 20,000
        {"amount": "1000", "due": date(2026, 11, 10)},  # 2: 10 days -> 10,000
        {"amount": "5000", "due": date(2026, 11, 18)},  # 3: 2 days -> 10,000 (tie: case id)
        {"amount": "100", "due": date(2026, 11, 1)},  # 4: 19 days -> 1,900
        {"amount": "9999", "due": AS_OF},  # 5: due today, not late
        {"amount": "9999", "due": date(2026, 11, 1), "resolved": date(2026, 11, 19)},  # 6: resolved
        {"amount": "9999", "due": date(2026, 11, 1), "opened": date(2026, 11, 21)},  # 7: not yet opened
    )
    result = past_due(cases, AS_OF)
    assert result.select("case_id", "days_late", "priority").rows() == [
        (1, 1, Decimal("20000.00")),
        (2, 10, Decimal("10000.00")),
        (3, 2, Decimal("10000.00")),
        (4, 19, Decimal("1900.00")),
    ]
    assert result.schema["priority"] == PRIORITY
    assert {"collector", "resolver_department", "amount"} <= set(result.columns)


# --- credit notes -------------------------------------------------------------------------


def test_credit_note_share_of_resolved_disputes_per_category():
    done = {"resolved": date(2026, 11, 10), "status": "resolved"}
    note = {**done, "resolution": "credit note issued"}
    cases = _cases(
        {**note, "category": "pricing", "amount": "120", "credited": "120"},
        {**done, "category": "pricing", "resolution": "partial credit", "amount": "200", "credited": "80"},
        {**done, "category": "pricing", "resolution": "rejected — customer pays", "amount": "300"},
        {**note, "category": "quantity", "amount": "500", "credited": "500"},
        {**done, "category": None, "reason": "ZX9", "resolution": "duplicate", "amount": "70"},
        {**note, "type": "inquiry", "category": "pricing", "credited": "9"},  # inquiries do not count
        {"category": "pricing", "amount": "999"},  # open: not resolved yet
    )
    result = credit_note_share(cases, "category")
    assert result.select("category", "n", "credit_notes", "amount", "credited").rows() == [
        ("quantity", 1, 1, Decimal("500.00"), Decimal("500.00")),
        ("pricing", 3, 2, Decimal("620.00"), Decimal("200.00")),
        ("unmapped", 1, 0, Decimal("70.00"), Decimal("0.00")),
    ]
    assert result["share"].to_list() == [1.0, 2 / 3, 0.0]
    assert result.schema["credited"] == MONEY
    later = credit_note_share(cases, start=date(2026, 11, 11))
    assert later.height == 0


# --- reminder -----------------------------------------------------------------------------

CASE = {
    **dict.fromkeys(CASE_SCHEMA),
    **DEFAULTS,
    "case_id": 1042,
    "customer_id": "100234",
    "customer_name": "Müller\nGroßhandel GmbH",
    "resolver": "Anna Schmidt",
    "reason": "PRICE_DIFF",
    "status": "with resolver",
    "opened": date(2026, 11, 2),
    "due": date(2026, 11, 12),
    "level": 2,
    "amount": Decimal("1234.56"),
}
ITEMS = [
    {"doc_no": "1800001234", "amount": Decimal("1000")},
    {"doc_no": "1800001299", "amount": Decimal("234.56")},
]


def test_reminder_text_is_a_copy_ready_mail_to_the_resolver():
    text = reminder_text(CASE, ITEMS, AS_OF)
    assert text == (
        "Subject: Reminder: dispute #1042 for Müller Großhandel GmbH (100234), 8 days late\n"
        "\n"
        "Hello Anna Schmidt,\n"
        "\n"
        "The dispute #1042 of our customer Müller Großhandel GmbH (100234) is with you for a decision. "
        "It was due on 12 Nov 2026 and is now 8 days late.\n"
        "\n"
        "Case:        dispute #1042\n"
        "Customer:    Müller Großhandel GmbH (100234), company code 1000\n"
        "Reason:      PRICE_DIFF (pricing)\n"
        "Opened:      2 Nov 2026\n"
        "Due:         12 Nov 2026 (8 days late)\n"
        "Escalation:  level 2 (resolver's manager)\n"
        "Disputed:    1,234.56 EUR\n"
        "\n"
        "Items:\n"
        "  1800001234  1,000.00 EUR\n"
        "  1800001299    234.56 EUR\n"
        "\n"
        "Please reply with your decision: a credit note (full or partial, with its amount), or a\n"
        "rejection so that the customer pays. If you need something to decide, tell us what, and by\n"
        "when you will decide. The amount stays unpaid until the customer has our answer.\n"
        "\n"
        "Thank you,\n"
        "c.meyer\n"
        "Accounts Receivable\n"
    )


def test_reminder_before_the_due_date_an_unmapped_reason_and_a_department_without_a_person():
    case = {**CASE, "resolver": None, "category": None, "level": 0, "due": date(2026, 11, 21)}
    text = reminder_text(case, [{"doc_no": "9", "amount": Decimal("-5"), "currency": "CHF"}], AS_OF)
    subject = "Subject: Reminder: dispute #1042 for Müller Großhandel GmbH (100234), due in 1 day"
    assert text.splitlines()[0] == subject
    assert "Hello billing team," in text
    assert "It is due on 21 Nov 2026, in 1 day." in text
    assert "Reason:      PRICE_DIFF (not yet mapped to a root cause)" in text
    assert "Escalation:  none" in text
    assert "  9  -5.00 CHF" in text
    assert "due today" in reminder_text({**case, "due": AS_OF}, [], AS_OF)


def test_reminder_for_an_inquiry_asks_for_an_answer():
    text = reminder_text({**CASE, "type": "inquiry"}, [], AS_OF)
    assert "inquiry #1042" in text.splitlines()[0]
    assert "is with you for an answer." in text
    assert "Please send us what the customer asked for" in text
    assert "credit note" not in text
    assert "  (no items listed)" in text


def test_the_cases_behind_a_pareto_row_are_exactly_those_it_counts():
    from ar_core.disputes.analysis import cases_behind

    frame = pl.DataFrame(
        {"case_id": [1, 2, 3, 4], "reason": ["A", "B", "A", "C"],
         "category": ["pricing", None, "pricing", None],
         "resolver_department": ["sales", None, "sales", "billing"],
         "amount": [Decimal("10.00"), Decimal("30.00"), Decimal("20.00"), Decimal("5.00")]},
    )  # fmt: skip
    assert cases_behind(frame, "reason", "A")["case_id"].to_list() == [3, 1]  # largest first
    assert cases_behind(frame, "category", "unmapped")["case_id"].to_list() == [2, 4]
    assert cases_behind(frame, "resolver", None)["case_id"].to_list() == [2]
    assert cases_behind(frame, "resolver", "billing")["case_id"].to_list() == [4]
