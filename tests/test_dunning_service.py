"""The dunning service: the procedure edited by a lead (audited), blocks and their end dates, a run
proposed, reviewed (removed with a reason) and released into the contact log and the levels."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from ar_core.access import list_audit
from ar_core.collections import list_contacts
from ar_core.errors import ArDeskError, InvalidInput, PermissionDenied
from ar_core.recovery import (
    add_block,
    dunning_levels,
    dunning_procedures,
    dunning_summary,
    lift_block,
    list_blocks,
    list_runs,
    preview_run,
    propose_dunning_run,
    release_run,
    remove_from_run,
    run_letters,
    run_lines,
    run_pdf,
    set_procedure,
)
from tests.conftest import ADMIN, LEAD
from tests.dunning_setup import AS_OF, key, seed_dunning
from tests.workflow_setup import MEYER, SCHNEIDER


@pytest.fixture
def team(store, make_result):
    seed_dunning(store, make_result)
    return store


def _letters(engine, actor=LEAD, as_of=AS_OF):
    return {x.customer_id: x for x in preview_run(engine, actor, as_of).letters}


def test_the_proposal_one_letter_per_customer_disputed_held_credit_netted(team):
    letters = _letters(team)
    assert sorted(letters) == ["C1", "C2"]  # C3's invoice is 3 days overdue: no level yet
    c1 = letters["C1"]
    assert [(x.doc_no, x.level, x.is_credit) for x in c1.lines] == [
        ("B", 1, False),
        ("A", 1, False),
        ("CR", 0, True),
    ]
    assert (c1.level, c1.kind, c1.language) == (1, "reminder", "de")
    assert c1.open == Decimal("1500.00") and c1.credits == Decimal("-200.00")
    assert c1.compensation == Decimal("80.00")  # EUR 40 per overdue invoice (DE)
    assert all(x.interest > 0 for x in c1.invoices)
    assert c1.total == c1.open + c1.credits + c1.interest_total + c1.compensation
    assert [x.doc_no for x in letters["C2"].lines] == ["D"]  # E is disputed in the ERP


def test_a_collector_proposes_for_their_portfolio_only(team):
    assert sorted(_letters(team, MEYER)) == ["C1"]
    assert sorted(_letters(team, SCHNEIDER)) == ["C2"]


def test_the_procedure_is_edited_by_a_lead_and_audited(team):
    with pytest.raises(PermissionDenied):
        set_procedure(team, MEYER, {"level_days": [3]})
    with pytest.raises(InvalidInput):
        set_procedure(team, LEAD, {"level_days": [20, 10]})
    set_procedure(
        team, LEAD, {"level_days": [3, 30], "min_amount": "10", "min_days_between": 7, "blocks": ["promised"]}
    )
    proc = dunning_procedures(team, LEAD)["*"]
    assert (proc.level_days, proc.min_amount, proc.blocks) == (
        (3, 30),
        Decimal("10.00"),
        frozenset({"promised"}),
    )
    letters = _letters(team)
    assert sorted(letters) == ["C1", "C2", "C3"]  # C3 at 3 days is now a reminder
    assert [x.doc_no for x in letters["C2"].lines] == ["D", "E"]  # disputes no longer block
    audit = list_audit(team, ADMIN).filter(pl.col("action") == "set_dunning_procedure")
    assert json.loads(audit["before"][0])["level_days"] == [7, 21, 35, 49]
    assert json.loads(audit["after"][0])["level_days"] == [3, 30]


def test_a_block_holds_until_its_end_date_and_ends_by_itself(team):
    block = add_block(
        team,
        MEYER,
        "C1",
        reason="agreement",
        ends_on=date(2026, 11, 25),
        today=AS_OF,
        note="customer pays after month end",
    )
    assert "C1" not in _letters(team)
    assert "C1" not in _letters(team, as_of=date(2026, 11, 25))  # the end date itself still holds
    assert "C1" in _letters(team, as_of=date(2026, 11, 26))  # lifted the day after, by itself
    history = list_blocks(team, LEAD, as_of=date(2026, 11, 26))
    assert history.select("block_id", "status", "note").rows() == [
        (block, "ended", "customer pays after month end")
    ]
    assert list_blocks(team, LEAD, as_of=AS_OF)["status"].to_list() == ["active"]


def test_an_item_block_and_lifting_early(team):
    block = add_block(
        team,
        LEAD,
        "C1",
        reason="clarification",
        ends_on=date(2026, 12, 31),
        today=AS_OF,
        item_key=key("B"),
        doc_no="B",
    )
    assert [x.doc_no for x in _letters(team)["C1"].invoices] == ["A"]
    lift_block(team, MEYER, block, note="clarified on the phone")
    assert [x.doc_no for x in _letters(team)["C1"].invoices] == ["B", "A"]
    assert list_blocks(team, LEAD, as_of=AS_OF)["status"].to_list() == ["lifted"]


def test_blocks_are_refused_outside_the_portfolio_and_with_bad_dates(team):
    with pytest.raises(PermissionDenied):
        add_block(team, MEYER, "C2", reason="agreement", ends_on=date(2026, 12, 1), today=AS_OF)
    with pytest.raises(InvalidInput) as err:
        add_block(team, LEAD, "C1", reason="agreement", ends_on=AS_OF - timedelta(days=1), today=AS_OF)
    assert err.value.field == "ends_on"
    with pytest.raises(InvalidInput) as err:
        add_block(team, LEAD, "C1", reason="weather", ends_on=AS_OF, today=AS_OF)
    assert err.value.field == "reason"


def test_a_run_proposed_reviewed_and_released(team):
    run = propose_dunning_run(team, LEAD, AS_OF)
    with pytest.raises(ArDeskError):
        propose_dunning_run(team, LEAD, AS_OF)  # one run under review at a time
    lines = run_lines(team, LEAD, run)
    line_a = lines.filter(pl.col("doc_no") == "A")["line_id"][0]
    with pytest.raises(PermissionDenied):
        remove_from_run(team, MEYER, run, line_id=line_a, reason="x")
    with pytest.raises(InvalidInput):
        remove_from_run(team, LEAD, run, line_id=line_a, reason=" ")
    remove_from_run(team, LEAD, run, line_id=line_a, reason="invoice A is being re-issued")
    remove_from_run(team, LEAD, run, customer_id="C2", reason="key account: call first")
    letters = run_letters(team, LEAD, run)
    c1 = letters.filter(pl.col("customer_id") == "C1").row(0, named=True)
    assert (c1["open"], c1["credits"], c1["compensation"]) == (
        Decimal("500.00"),
        Decimal("-200.00"),
        Decimal("40.00"),
    )
    assert c1["total"] == Decimal("340.00") + c1["interest"]
    assert letters.filter(pl.col("customer_id") == "C2")["removed_reason"].to_list() == [
        "key account: call first"
    ]

    assert release_run(team, LEAD, run, letter_date=date(2026, 11, 23)) == 1
    assert list_runs(team, LEAD).select("run_id", "status", "letters").rows() == [(run, "released", 1)]
    contact = list_contacts(team, LEAD, "C1").row(0, named=True)
    assert (contact["channel"], contact["next_action"]) == ("letter", "call")
    assert "reminder (level 1)" in contact["notes"]
    assert list_contacts(team, LEAD, "C2").is_empty()
    levels = dunning_levels(team, LEAD)
    assert levels.select("_item_key", "level", "last_letter_on").rows() == [(key("B"), 1, date(2026, 11, 23))]
    assert dunning_levels(team, SCHNEIDER).is_empty()
    pdf = run_pdf(team, LEAD, run)
    assert pdf.startswith(b"%PDF")
    actions = set(list_audit(team, ADMIN)["action"])
    assert {"propose_dunning_run", "remove_from_dunning_run", "release_dunning_run"} <= actions

    # next run: B has had its reminder; too soon on 1.12. (8 days), level 2 after 14 days
    assert "C1" not in _letters(team, as_of=date(2026, 12, 1))
    later = _letters(team, as_of=date(2026, 12, 7))["C1"]
    assert [(x.doc_no, x.level, x.previous_level) for x in later.invoices] == [("B", 2, 1), ("A", 1, 0)]
    assert later.kind == "dunning_2"


def test_the_overview(team):
    run = propose_dunning_run(team, LEAD, AS_OF)
    release_run(team, LEAD, run, letter_date=AS_OF)
    board = dunning_summary(team, LEAD, AS_OF, next_run=date(2026, 12, 4))
    assert board["recorded"].select("level", "items", "customers").rows() == [(0, 2, 2), (1, 3, 2)]
    # E (disputed) and F had no letter; by days alone C1's B (40 days) reached level 3
    assert board["by_days"].filter(pl.col("level") == 3)["items"].to_list() == [1]
    assert board["blocked"].select("reason", "items").rows() == [("disputed", 1)]
    # 14 days on: C1 and C2 at level 2, C3's F (17 days) its reminder
    assert board["due"].select("level", "letters").rows() == [(1, 1), (2, 2)]
    assert set(board["mismatches"]["customer_id"]) == {
        "C1",
        "C2",
    }  # the extract says 0; C3 is at 0 by days too
    assert board["trend"]["as_of"].unique().to_list() == [AS_OF]


def test_promised_and_insolvent_customers_are_held_back(team, monkeypatch):
    from ar_core.collections import create_promise

    monkeypatch.setenv("AR_TODAY", "2026-11-20")
    from ar_core.recovery import open_insolvency_case

    create_promise(
        team,
        MEYER,
        "C1",
        amount=Decimal("500.00"),
        currency="EUR",
        promised_date=date(2026, 11, 27),
        items=[{"company_code": "1000", "fiscal_year": 2026, "doc_no": "B", "line_item": 1}],
    )
    open_insolvency_case(team, LEAD, "C2", "receivership", date(2026, 11, 15))
    letters = _letters(team)
    assert [x.doc_no for x in letters["C1"].invoices] == ["A"]  # B is promised
    assert "C2" not in letters
    assert preview_run(team, LEAD, AS_OF).held.filter(pl.col("customer_id") == "C2")["reason"].to_list() == [
        "blocked"
    ]
    # the procedure decides: without the insolvency block C2 is dunned again
    set_procedure(team, LEAD, {"level_days": [7, 21, 35, 49], "blocks": ["disputed", "promised"]})
    assert [x.doc_no for x in _letters(team)["C2"].invoices] == ["D"]


def test_a_letter_is_addressed_to_the_customers_postal_address(team):
    from ar_core.ingest import read_customer_master
    from ar_core.ledger import upsert_customer_master
    from ar_core.recovery import preview_contexts

    master, _ = read_customer_master(
        "Kundennummer;Name;Straße;PLZ;Ort;Land\r\n"
        "C1;Kunde Eins GmbH;Hafenstraße 7;20457;Hamburg;DE\r\n".encode(),
        "master.csv",
    )
    upsert_customer_master(team, LEAD, master)
    proposal = preview_run(team, LEAD, AS_OF)
    contexts = {c["customer"]["customer_id"]: c for c in preview_contexts(team, LEAD, proposal, AS_OF)}
    c1 = contexts["C1"]["customer"]
    assert [c1[k] for k in ("street", "postcode", "city")] == ["Hafenstraße 7", "20457", "Hamburg"]


def test_the_e_mail_draft_carries_the_letter_and_the_statement_of_account(team):
    from email import message_from_bytes

    from ar_core.recovery import letter_eml_draft

    run = propose_dunning_run(team, LEAD, AS_OF)
    release_run(team, LEAD, run, letter_date=date(2026, 11, 23))
    mail = message_from_bytes(letter_eml_draft(team, LEAD, run, "C1"))
    attached = sorted(
        (part.get_filename(), part.get_content_type()) for part in mail.walk() if part.get_filename()
    )
    assert [kind for _, kind in attached] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert attached[1][0].startswith("statement-C1-")
    with pytest.raises(PermissionDenied):
        letter_eml_draft(team, SCHNEIDER, run, "C1")
