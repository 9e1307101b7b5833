"""Demo data: reproducible, realistic, and readable by the same import path as a user's upload."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ar_core.demo.build import (
    DEMO_USERS,
    demo_customer_count,
    demo_files,
    generate_demo,
    generate_fbl5n_file,
    load_demo_if_empty,
    week_formats,
)
from ar_core.demo.customers import make_customers
from ar_core.demo.writers import german_amount_text
from ar_core.schema import ITEM_IDENTITY

SMALL = 2_000
LAST = date(2026, 11, 20)
COLLECTORS = {u["username"] for u in DEMO_USERS if u["roles"] == ["collector"]}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, items=SMALL, seed=11)
    return out


@pytest.fixture(scope="module")
def extracts(demo_dir):
    """Every weekly file read by ingest, with its key date: [(as_of, path, ExtractResult)]."""
    from ar_core.ingest import read_extract

    return [(d, p, read_extract(p.read_bytes(), p.name, as_of=d)) for d, p in demo_files(demo_dir)]


def test_same_seed_gives_byte_identical_files(tmp_path, demo_dir):
    again = generate_demo(tmp_path / "again", items=SMALL, seed=11)
    assert [p.name for p in again] == ["customers.csv"] + [p.name for _, p in demo_files(demo_dir)]
    for p in again:
        assert p.read_bytes() == (demo_dir / p.name).read_bytes(), p.name


def test_another_seed_gives_another_ledger(tmp_path, demo_dir):
    other = generate_demo(tmp_path / "other", items=SMALL, seed=12, weeks=1)
    assert other[1].read_bytes() != (demo_dir / other[1].name).read_bytes()


def test_thirteen_weekly_fridays_in_three_export_formats(demo_dir):
    files = demo_files(demo_dir)
    dates = [d for d, _ in files]
    assert len(files) == 13
    assert dates[-1] == LAST and dates[0] == LAST - timedelta(weeks=12)
    assert all(d.weekday() == 4 for d in dates)
    assert [p.suffix for _, p in files].count(".xlsx") == 1
    assert [p.suffix for _, p in files].count(".csv") == 1
    assert files[-1][1].suffix == ".txt"
    assert week_formats(13)[4] == "xlsx" and week_formats(13)[8] == "csv"
    assert week_formats(2) == ["txt", "txt"]


def test_default_scale_has_1500_customers_in_five_countries_and_8_collectors():
    assert demo_customer_count(30_000) == 1_500
    assert demo_customer_count(100) == 20
    master = make_customers(1_500, np.random.default_rng([7, 1])).master
    assert master.height == 1_500
    assert master["customer_id"].n_unique() == 1_500
    assert master["name"].n_unique() == 1_500
    assert set(master["country"]) == {"DE", "NL", "BE", "AT", "FR"}
    assert set(master["collector"]) == COLLECTORS
    assert set(master["risk_class"]) == set("ABCD")
    assert set(master["language"]) == {"de", "nl", "fr", "en"}
    lang = (
        master.filter(pl.col("language") != "en").group_by("country").agg(pl.col("language").unique().sort())
    )
    assert dict(lang.iter_rows()) == {
        "DE": ["de"],
        "AT": ["de"],
        "NL": ["nl"],
        "BE": ["fr", "nl"],
        "FR": ["fr"],
    }
    codes = master.group_by("country").agg(pl.col("company_code").unique())
    assert dict(codes.iter_rows()) == {
        "DE": ["1000"],
        "AT": ["1000"],
        "NL": ["2000"],
        "BE": ["3000"],
        "FR": ["3000"],
    }
    assert master["contact_email"].str.ends_with(".example.com").all()


def test_demo_users_one_per_role_and_eight_collectors():
    by_role: dict[str, list[str]] = {}
    for u in DEMO_USERS:
        assert len(u["roles"]) == 1
        by_role.setdefault(u["roles"][0], []).append(u["username"])
        assert u["password"] == "ardesk-" + u["roles"][0] + "-demo"
        assert u["email"].endswith("@ar-desk.example.com")
    assert by_role["lead"] == ["lena.lead"]
    assert by_role["controller"] == ["carl.controller"]
    assert by_role["admin"] == ["ada.admin"]
    assert len(by_role["collector"]) == 8
    assert "c.meyer" in by_role["collector"] and "s.dejong" in by_role["collector"]
    assert any(u["senior"] for u in DEMO_USERS if u["roles"] == ["collector"])
    assert all(u["portfolio"]["company_codes"] for u in DEMO_USERS if u["roles"] == ["collector"])


def test_customer_master_reads_back(demo_dir):
    from ar_core.ingest import read_customer_master

    path = demo_dir / "customers.csv"
    master, problems = read_customer_master(path.read_bytes(), path.name)
    assert [p for p in problems if p.severity == "error"] == []
    assert master.height == demo_customer_count(SMALL)
    assert master["credit_limit"].min() >= Decimal("2500.00")
    assert set(master["collector"]) <= COLLECTORS
    raw = pl.read_csv(path, separator=";", infer_schema=False)
    assert set(raw["credit_limit_currency"]) == {"EUR"}  # every limit names its currency


def test_every_file_parses_without_errors_and_totals_match_the_file(extracts):
    for as_of, path, result in extracts:
        assert result.errors == [], (path.name, [str(p) for p in result.errors[:5]])
        assert result.rejected_rows == 0
        assert result.as_of == as_of, path.name
        assert result.items.height == result.lines_read > 0
        assert set(result.file_totals) == {"EUR"}, path.name
        assert result.totals() == result.file_totals, path.name


def test_files_hold_the_documented_item_kinds(extracts):
    items = pl.concat([r.items for _, _, r in extracts])
    assert set(items["doc_type"]) == {"RV", "DR", "DG", "DZ"}
    assert (items.filter(pl.col("doc_type").is_in(["RV", "DR"]))["amount"] > 0).all()
    assert (items.filter(pl.col("doc_type").is_in(["DG", "DZ"]))["amount"] < 0).all()
    assert set(items["dunning_level"].unique()) == {0, 1, 2, 3, 4}
    disputed = items.filter(pl.col("disputed"))
    assert disputed.height > 0
    # the SAP reason codes, and PRICE_LIST of the pricing group's story (in the default taxonomy)
    assert set(disputed["dispute_reason"]) <= {
        "PRICE",
        "PRICE_LIST",
        "QUANTITY",
        "DAMAGED",
        "NO_PO",
        "DUPLICATE",
    }
    assert disputed.height < items.height / 10  # some disputes, not a tenth of the ledger
    assert (
        items.filter(~pl.col("disputed"))["dispute_reason"].null_count()
        == items.filter(~pl.col("disputed")).height
    )
    assert set(items["currency"]) == {"EUR"}
    assert {"CHF", "GBP", "USD"} & set(items["doc_currency"])
    assert items["doc_no"].str.len_chars().eq(10).all()
    assert (items["due_date"] >= items["doc_date"]).all()


def test_the_story_disputes_carry_a_sap_dispute_case_of_two_invoices(extracts):
    """The pricing group's and the hub's disputes come with a dispute case id (FSCM), two items each."""
    items = pl.concat([r.items for _, _, r in extracts]).unique(subset=list(ITEM_IDENTITY), keep="last")
    with_case = items.filter(pl.col("dispute_case").is_not_null())
    assert with_case.height > 0 and with_case["disputed"].all()
    assert set(with_case["dispute_reason"]) == {"PRICE_LIST", "QUANTITY"}
    assert with_case["dispute_case"].str.len_chars().eq(12).all()
    per_case = with_case.group_by("dispute_case").agg(
        pl.len(), pl.col("customer_id").n_unique().alias("customers")
    )
    assert per_case["len"].max() == 2 and per_case["customers"].max() == 1
    assert items.filter(pl.col("dispute_reason") == "PRICE_LIST")["dispute_case"].null_count() == 0
    # the group disputes what it was billed since the price-list change, nothing before
    price_list = items.filter(pl.col("dispute_reason") == "PRICE_LIST")
    assert price_list["posting_date"].min() >= date(2026, 10, 5)


def test_foreign_currency_lines_are_converted_to_eur(extracts):
    items = extracts[-1][2].items.filter(pl.col("doc_currency") != "EUR")
    assert items.height > 0
    rate = (items["amount"].cast(pl.Float64) / items["amount_doc"].cast(pl.Float64)).round(2)
    assert set(rate.unique()) <= {0.92, 1.07, 1.17, 1.06}


def test_items_clear_between_weeks_and_new_ones_appear(extracts):
    def open_ids(result) -> set[tuple]:
        return set(result.items.filter(pl.col("clearing_date").is_null()).select(ITEM_IDENTITY).iter_rows())

    for (_, _, before), (_, _, after) in itertools.pairwise(extracts):
        gone = open_ids(before) - open_ids(after)
        new = open_ids(after) - open_ids(before)
        assert gone and new
        assert len(open_ids(before) & open_ids(after)) > len(gone)  # most items survive a week


def test_last_week_is_an_all_items_extract_with_the_week_s_clearings(extracts):
    (prev_date, _, prev), (as_of, _, last) = extracts[-2], extracts[-1]
    cleared = last.items.filter(pl.col("clearing_date").is_not_null())
    assert cleared.height > 0
    assert cleared["clearing_date"].max() <= as_of and cleared["clearing_date"].min() > prev_date
    assert cleared["clearing_doc"].null_count() == 0
    prev_ids = set(prev.items.select(ITEM_IDENTITY).iter_rows())
    new_this_week = cleared.filter(pl.col("posting_date") > prev_date)  # posted and paid in the week
    assert set(cleared.select(ITEM_IDENTITY).iter_rows()) <= prev_ids | set(
        new_this_week.select(ITEM_IDENTITY).iter_rows()
    )  # the others were open last week
    assert new_this_week.height < cleared.height / 10
    open_sum = last.items.filter(pl.col("clearing_date").is_null())["amount"].sum()
    assert last.open_totals(as_of) == {"EUR": open_sum}
    assert last.totals()["EUR"] == open_sum + cleared["amount"].sum()


def test_one_name_country_collector_and_company_code_per_customer(extracts, demo_dir):
    from ar_core.ingest import read_customer_master

    items = pl.concat([r.items for _, _, r in extracts])
    per_customer = items.group_by("customer_id").agg(
        pl.col(c).drop_nulls().n_unique() for c in ("customer_name", "country", "collector", "company_code")
    )
    assert per_customer.drop("customer_id").max().row(0) == (1, 1, 1, 1)
    path = demo_dir / "customers.csv"
    master, _ = read_customer_master(path.read_bytes(), path.name)
    joined = (
        items.select("customer_id", "customer_name", "collector", "country")
        .unique()
        .join(master, on="customer_id", how="left")
    )
    assert joined.filter(pl.col("name") != pl.col("customer_name")).height == 0
    assert joined.filter(pl.col("collector") != pl.col("collector_right")).height == 0
    assert joined["name"].null_count() == 0  # every customer of the ledger is in the master


def test_last_snapshot_is_about_the_requested_size(extracts):
    open_last = extracts[-1][2].items.filter(pl.col("clearing_date").is_null()).height
    assert 0.9 * SMALL <= open_last <= 1.1 * SMALL


@pytest.mark.parametrize("fmt", ["txt", "csv", "xlsx"])
def test_single_file_has_exactly_the_requested_lines(tmp_path, fmt):
    from ar_core.ingest import read_extract

    path = generate_fbl5n_file(tmp_path / f"big.{fmt}", 700, seed=5, as_of=LAST, fmt=fmt)
    result = read_extract(path.read_bytes(), path.name, as_of=LAST)
    assert result.errors == []
    assert result.items.height == 700
    assert result.totals() == result.file_totals
    assert result.items["clearing_date"].null_count() == 700


def test_german_amounts_as_sap_prints_them():
    assert german_amount_text(0) == "0,00"
    assert german_amount_text(5) == "0,05"
    assert german_amount_text(-123456) == "1.234,56-"
    assert german_amount_text(100_000_000) == "1.000.000,00"
    assert german_amount_text(-123_456_789_012) == "1.234.567.890,12-"


def test_text_file_layout(demo_dir):
    lines = (demo_dir / "FBL5N_2026-11-20.txt").read_bytes().decode("utf-8").split("\r\n")
    assert lines[0].startswith("20.11.2026") and "Dynamische Listenausgabe" in lines[0]
    assert lines[1] == "Kundeneinzelposten  Stichtag 20.11.2026"
    assert lines[2] == ""
    assert lines[3].startswith("\t\tBuchungskreis\tKonto\tName 1\tBelegnummer")
    total = lines[-2].split("\t")
    assert total[:3] == ["", "*", ""] and total[14] == "EUR"
    csv = (demo_dir / "FBL5N_2026-10-23.csv").read_bytes()
    assert csv.decode("cp1252").split("\r\n")[1].startswith("Konto;Name 1;Buchungskreis")


def test_load_demo_if_empty_goes_through_the_import_path(engine, tmp_path, monkeypatch):
    import bcrypt

    from ar_core.access.users import credentials_for_login, get_actor
    from ar_core.ingest import read_extract
    from ar_core.ledger.customers import all_customers
    from ar_core.ledger.snapshots import list_snapshots, snapshot_totals

    cheap = bcrypt.gensalt(rounds=4)  # production cost makes 11 users take seconds
    monkeypatch.setattr(
        "ar_core.access.users.hash_password", lambda pw: bcrypt.hashpw(pw.encode(), cheap).decode()
    )
    assert load_demo_if_empty(engine, tmp_path, items=300, seed=5) is True
    snaps = list_snapshots(engine).sort("as_of")
    files = demo_files(tmp_path / "demo")
    assert snaps["as_of"].to_list() == [d for d, _ in files]
    assert snaps["file_name"].to_list() == [p.name for _, p in files]
    for sid, (as_of, path) in zip(snaps["snapshot_id"], files, strict=True):
        expected = read_extract(path.read_bytes(), path.name, as_of=as_of).file_totals
        assert snapshot_totals(engine, sid)["totals"] == expected, path.name
    logins = credentials_for_login(engine)["usernames"]
    assert sorted(logins) == sorted(u["username"] for u in DEMO_USERS)
    assert bcrypt.checkpw(b"ardesk-lead-demo", logins["lena.lead"]["password"].encode())
    assert bcrypt.checkpw(b"ardesk-collector-demo", logins["c.meyer"]["password"].encode())
    assert get_actor(engine, "lena.lead").roles == frozenset({"lead"})
    assert get_actor(engine, "c.meyer").roles == frozenset({"collector"})
    customers = all_customers(engine)
    assert customers.height == demo_customer_count(300)
    assert customers["risk_class"].null_count() == 0  # the master was loaded, not only the extracts

    assert load_demo_if_empty(engine, tmp_path, items=300, seed=5) is False
    assert list_snapshots(engine).height == 13


def test_load_demo_refuses_a_broken_file_and_leaves_the_store_empty(engine, tmp_path):
    from ar_core.access.users import credentials_for_login
    from ar_core.errors import ArDeskError
    from ar_core.ledger.snapshots import list_snapshots

    generate_demo(tmp_path / "demo", items=300, seed=5)
    _, victim = demo_files(tmp_path / "demo")[1]
    victim.write_bytes(victim.read_bytes().replace(b"\tEUR\t", b"\tE?R\t", 1))
    with pytest.raises(ArDeskError, match="demo data did not read cleanly"):
        load_demo_if_empty(engine, tmp_path)
    assert list_snapshots(engine).is_empty()
    assert credentials_for_login(engine)["usernames"] == {}
