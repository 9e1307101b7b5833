"""Producing reports from the store and signing a monthly one off (four eyes, file unchanged, audited)."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from ar_core.access import approve, list_audit, list_requests, request_approval, waiting_for
from ar_core.access.users import create_user
from ar_core.collections import import_snapshot
from ar_core.errors import ApprovalRefused, NotFound, PermissionDenied
from ar_core.ledger import snapshot_totals
from ar_core.reporting import (
    list_runs,
    mark_prepared,
    may_prepare,
    may_review,
    produce_report,
    review,
    run_file,
)
from tests.conftest import ADMIN, COLLECTOR, CONTROLLER, LEAD, item

AS_OF = date(2026, 11, 30)
OTHER_LEAD = type(LEAD)("otto.lead", "Otto Lead", frozenset({"lead"}))


@pytest.fixture
def reports(store, make_result):
    """A lead, another lead, a controller and a collector; one snapshot (SQLite, and PostgreSQL when set)."""
    engine = store
    for actor in (LEAD, OTHER_LEAD, CONTROLLER, COLLECTOR):
        create_user(
            engine,
            ADMIN,
            username=actor.username,
            name=actor.name,
            password="a-long-test-password-1",
            roles=sorted(actor.roles),
            must_change_password=False,
        )
    rows = [
        item(doc_no="1", amount="1000.00", doc_date=date(2026, 11, 2), due_date=date(2026, 12, 2)),
        item(doc_no="2", amount="250.50", doc_date=date(2026, 9, 1), due_date=date(2026, 10, 1)),
        item(doc_no="3", amount="-80.25", doc_date=date(2026, 11, 10), due_date=date(2026, 11, 10)),
        item(doc_no="4", amount="400.00", currency="CHF", customer_id="0000100002", collector="e.dubois"),
        item(
            doc_no="5",
            amount="99.00",
            doc_date=date(2026, 10, 1),
            due_date=date(2026, 10, 31),
            clearing_date=date(2026, 11, 5),
        ),
    ]
    import_snapshot(engine, ADMIN, make_result(rows, as_of=AS_OF))
    return engine


def test_a_produced_report_adds_up_to_the_snapshot_and_is_kept_with_its_hash(reports):
    produced = produce_report(reports, LEAD, "weekly", date(2026, 12, 3))  # latest snapshot on or before
    assert produced.as_of == AS_OF and produced.ok
    assert snapshot_totals(reports, produced.snapshot_id)["open_totals"] == {
        "CHF": Decimal("400.00"),
        "EUR": Decimal("1170.25"),
    }
    assert produced.checks.select("name", "currency", "report_total", "difference").rows() == [
        ("Aging by collector", "CHF", Decimal("400.00"), Decimal("0.00")),
        ("Aging by collector", "EUR", Decimal("1170.25"), Decimal("0.00")),
    ]
    name, content = run_file(reports, LEAD, produced.run_id)
    assert name == "weekly-2026-11-30.xlsx" and content == produced.content
    assert hashlib.sha256(content).hexdigest() == produced.sha256
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == produced.sheets
    runs = list_runs(reports, CONTROLLER)
    assert runs.select("run_id", "kind", "status", "produced_by", "checks_ok").rows() == [
        (produced.run_id, "weekly", "produced", "lena.lead", True)
    ]
    audit = list_audit(reports, ADMIN).filter(pl.col("entity") == "report_run")
    assert audit["action"].to_list() == ["produce_report"]


def test_a_collector_produces_no_report_and_no_snapshot_is_a_clear_refusal(reports):
    with pytest.raises(PermissionDenied):
        produce_report(reports, COLLECTOR, "daily", AS_OF)
    with pytest.raises(NotFound, match=r"No snapshot on or before 01\.01\.2026"):
        produce_report(reports, LEAD, "daily", date(2026, 1, 1))


def test_sign_off_prepared_by_the_author_reviewed_by_another_lead_or_controller(reports):
    produced = produce_report(reports, LEAD, "monthly", AS_OF)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert may_prepare(LEAD, run) and not may_prepare(OTHER_LEAD, run)
    with pytest.raises(PermissionDenied, match=r"only its author lena\.lead"):
        mark_prepared(reports, OTHER_LEAD, produced.run_id)
    with pytest.raises(ApprovalRefused, match="not marked prepared yet"):
        review(reports, CONTROLLER, produced.run_id)
    request_id = mark_prepared(reports, LEAD, produced.run_id)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert (run["status"], run["prepared_by"]) == ("prepared", "lena.lead")
    assert not may_review(LEAD, run) and may_review(CONTROLLER, run) and not may_review(COLLECTOR, run)
    # the preparer can never review, neither here nor through the approval itself
    with pytest.raises(ApprovalRefused, match="four eyes"):
        review(reports, LEAD, produced.run_id)
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve(reports, LEAD, request_id)
    with pytest.raises(PermissionDenied, match="needs the role lead or controller"):
        review(reports, COLLECTOR, produced.run_id)
    review(reports, CONTROLLER, produced.run_id, note="tied to the ledger")  # no approval limit needed
    run = list_runs(reports, LEAD).row(0, named=True)
    assert (run["status"], run["reviewed_by"], run["sha256"]) == (
        "reviewed",
        "carl.controller",
        produced.sha256,
    )
    with pytest.raises(ApprovalRefused, match="already reviewed"):
        review(reports, OTHER_LEAD, produced.run_id)
    _name, content = run_file(reports, LEAD, produced.run_id)
    assert content == produced.content and hashlib.sha256(content).hexdigest() == produced.sha256
    request = list_requests(reports, LEAD, kind="report_signoff").row(0, named=True)
    assert (request["status"], request["requested_by"], request["decided_by"]) == (
        "approved",
        "lena.lead",
        "carl.controller",
    )
    audit = list_audit(reports, ADMIN).filter(pl.col("entity") == "report_run").sort("id")
    assert audit["action"].to_list() == ["produce_report", "prepare_report", "review_report"]


def test_only_monthly_reports_are_signed_off(reports):
    produced = produce_report(reports, LEAD, "daily", AS_OF)
    with pytest.raises(Exception, match="only monthly reports are signed off"):
        mark_prepared(reports, LEAD, produced.run_id)


def test_a_collector_cannot_approve_a_report_signoff_without_the_role(reports):
    request_id = request_approval(reports, LEAD, kind="report_signoff", subject="report x", reason="prepared")
    with pytest.raises(ApprovalRefused, match="needs the role lead or controller"):
        approve(reports, COLLECTOR, request_id)
    # no approval limit is needed: every other lead or controller has it waiting, the requester not
    assert waiting_for(reports, CONTROLLER)["request_id"].to_list() == [request_id]
    assert waiting_for(reports, OTHER_LEAD)["request_id"].to_list() == [request_id]
    assert waiting_for(reports, LEAD).is_empty() and waiting_for(reports, COLLECTOR).is_empty()


def test_the_scheduler_is_the_command_line_operator():
    from ar_core.cli.common import CLI_ACTOR
    from ar_core.reporting import SCHEDULER

    assert CLI_ACTOR.username == SCHEDULER == "cli"


def test_a_scheduler_report_is_prepared_by_a_lead_or_controller_who_then_counts_as_preparer(reports):
    from ar_core.cli.common import CLI_ACTOR

    produced = produce_report(reports, CLI_ACTOR, "monthly", AS_OF)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert run["produced_by"] == "cli"
    assert may_prepare(LEAD, run) and may_prepare(CONTROLLER, run) and may_prepare(OTHER_LEAD, run)
    assert not may_prepare(COLLECTOR, run) and not may_prepare(ADMIN, run)  # admin: no lead/controller role
    with pytest.raises(PermissionDenied, match="lead or controller"):
        mark_prepared(reports, ADMIN, produced.run_id)
    request_id = mark_prepared(reports, LEAD, produced.run_id)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert (run["status"], run["produced_by"], run["prepared_by"]) == ("prepared", "cli", "lena.lead")
    assert not may_prepare(CONTROLLER, run)
    with pytest.raises(ApprovalRefused, match=r"already marked prepared by lena\.lead"):
        mark_prepared(reports, CONTROLLER, produced.run_id)
    # four eyes against the person who prepared it
    assert not may_review(LEAD, run) and may_review(OTHER_LEAD, run)
    with pytest.raises(ApprovalRefused, match="four eyes"):
        review(reports, LEAD, produced.run_id)
    with pytest.raises(ApprovalRefused, match="four eyes"):
        approve(reports, LEAD, request_id)
    review(reports, OTHER_LEAD, produced.run_id)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert (run["status"], run["prepared_by"], run["reviewed_by"]) == ("reviewed", "lena.lead", "otto.lead")
    request = list_requests(reports, LEAD, kind="report_signoff").row(0, named=True)
    assert (request["requested_by"], request["decided_by"]) == ("lena.lead", "otto.lead")
    assert "prepared on behalf of the scheduler" in request["reason"]
    audit = list_audit(reports, ADMIN).filter(pl.col("entity") == "report_run").sort("id")
    assert audit.select("action", "actor").rows() == [
        ("produce_report", "cli"),
        ("prepare_report", "lena.lead"),
        ("review_report", "otto.lead"),
    ]
    prepared = audit.row(1, named=True)["after"]
    assert "prepared on behalf of the scheduler" in str(prepared)


def test_a_report_of_another_person_stays_theirs_to_prepare(reports):
    produced = produce_report(reports, OTHER_LEAD, "monthly", AS_OF)
    run = list_runs(reports, LEAD).row(0, named=True)
    assert not may_prepare(LEAD, run) and not may_prepare(CONTROLLER, run)
    with pytest.raises(PermissionDenied, match=r"only its author otto\.lead"):
        mark_prepared(reports, CONTROLLER, produced.run_id)


def test_a_scheduler_report_whose_kept_file_changed_is_not_prepared(reports):
    import sqlalchemy as sa

    from ar_core.cli.common import CLI_ACTOR
    from ar_core.errors import ArDeskError

    produced = produce_report(reports, CLI_ACTOR, "monthly", AS_OF)
    with reports.begin() as conn:
        conn.execute(
            sa.text("update report_runs set content = :c where id = :i"),
            {"c": produced.content + b"x", "i": produced.run_id},
        )
    with pytest.raises(ArDeskError, match="no longer matches its SHA-256"):
        mark_prepared(reports, LEAD, produced.run_id)
    assert list_runs(reports, LEAD).row(0, named=True)["prepared_by"] is None
