"""Legal & write-off page through AppTest: a collector asks for a write-off, a lead approves it, the
register and the posting file show it (no formula from the customer's name), a controller asks for
nothing and the requester cannot approve their own request."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access import Actor
from ar_core.access.approvals import set_approval_limit
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ledger import Scope
from ar_core.ledger.customers import upsert_customer_master
from ar_core.recovery import list_write_offs, request_write_off
from ar_core.schema import item_key
from tests.app_support import ROOT, SYSTEM, app_store
from tests.conftest import item
from tests.test_page_disputes import error_under

USERS = {"lena": ["lead"], "colin": ["collector"], "carl": ["controller"], "ada": ["admin"]}
EVIL = '=HYPERLINK("http://evil.example","x")'
MUELLER, OTHER = "0000100001", "0000100002"
ADA = Actor("ada", "Ada", frozenset({"admin"}))
COLIN = Actor("colin", "Colin", frozenset({"collector"}))
LENA = Actor("lena", "Lena", frozenset({"lead"}))


@pytest.fixture
def ledger(tmp_path, monkeypatch, make_result):
    """Müller (colin): two small rests 12.40 and 7.60 and an invoice of 900.00; lena may approve up to
    100.00 EUR of write-offs, carl any amount."""
    with app_store(tmp_path, monkeypatch, USERS, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, OTHER],
                    "name": [EVIL, "Other GmbH"],
                    "collector": ["colin", "lena"],
                }
            ),
        )
        rows = [
            item(doc_no="9001", customer_id=MUELLER, customer_name=EVIL, amount="12.40", collector="colin"),
            item(doc_no="9002", customer_id=MUELLER, customer_name=EVIL, amount="7.60", collector="colin"),
            item(doc_no="9003", customer_id=MUELLER, customer_name=EVIL, amount="900.00", collector="colin"),
            item(
                doc_no="9100", customer_id=OTHER, customer_name="Other GmbH", amount="5.00", collector="lena"
            ),
        ]
        import_snapshot(
            engine, SYSTEM, make_result(rows, as_of=date(2026, 11, 20)), scope=Scope.whole_ledger()
        )
        for kind in ("write_off", "legal_handover"):
            set_approval_limit(engine, ADA, "lena", kind, max_amount=Decimal("100.00"), currency="EUR")
            set_approval_limit(engine, ADA, "carl", kind, max_amount=None, currency=None)
        yield engine


def page(username: str, tab: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "write_offs.py"), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["wo_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def key(doc: str) -> str:
    return item_key("1000", 2026, doc, 1)


def test_a_collector_asks_for_a_write_off_and_a_lead_approves_it(ledger, downloads):
    at = page("colin", "Request")
    at.selectbox(key="wo_customer").select(MUELLER).run()
    assert not at.exception, at.exception
    options = list(at.multiselect(key="wo_items").options)
    assert options == [
        "9001 · EUR 12.40 · due 01 Oct 2026",
        "9002 · EUR 7.60 · due 01 Oct 2026",
        "9003 · EUR 900.00 · due 01 Oct 2026",
    ]
    at.multiselect(key="wo_items").select(options[0]).select(options[1])
    at.selectbox(key="wo_reason").select("small_balance")
    submit(at, "wo_request", "Ask for approval")  # no evidence: refused under its field, nothing stored
    assert error_under(at, "wo_evidence") == "say what shows the claim is lost (evidence)"
    assert list_write_offs(ledger, SYSTEM).is_empty()
    at.text_area(key="wo_evidence").input("Rests after short payments; not worth a letter")
    submit(at, "wo_request", "Ask for approval")
    assert "waits for approval" in at.success[0].value and "EUR 20.00" in at.success[0].value
    request = list_write_offs(ledger, SYSTEM).row(0, named=True)
    assert (request["status"], request["amount"], request["requested_by"]) == (
        "pending",
        Decimal("20.00"),
        "colin",
    )

    mine = page("colin", "Waiting for my approval")  # a collector decides nothing
    assert not mine.button and "Leads and controllers" in mine.info[0].value

    lead = page("lena", "Waiting for my approval")
    assert lead.dataframe[0].value["request_id"].tolist() == [request["request_id"]]
    assert lead.dataframe[1].value["doc_no"].tolist() == ["9001", "9002"]
    lead.button(key="wo_approve").click().run()
    assert not lead.exception, lead.exception
    assert f"Request {request['request_id']} approved." in lead.success[0].value
    done = list_write_offs(ledger, SYSTEM).row(0, named=True)
    assert (done["status"], done["decided_by"]) == ("approved", "lena")
    assert "Nothing waits for you" in lead.info[0].value

    register = page("carl", "Register")
    assert register.dataframe[-1].value[["reason", "collector", "amount"]].values.tolist() == [
        ["Small balance", "colin", 20.0]
    ]
    assert len(register.get("vega_lite_chart")) == 1

    exports = page("carl", "Exports")
    posted = exports.dataframe[0].value
    assert posted["doc_no"].tolist() == ["9001", "9002"] and posted["gl_account"].tolist() == ["6930", "6930"]
    book = openpyxl.load_workbook(io.BytesIO(downloads["write-off-postings.xlsx"])).active
    names = [c for row in book.iter_rows() for c in row if c.value in (EVIL, "'" + EVIL)]
    assert [(c.value, c.data_type) for c in names] == [("'" + EVIL, "s"), ("'" + EVIL, "s")]
    assert "'=HYPERLINK" in downloads["write-off-postings.csv"].decode("utf-8-sig")


def test_the_requester_cannot_approve_and_a_rejection_stays_in_the_history(ledger):
    rid = request_write_off(ledger, LENA, kind="legal_handover", customer_id=OTHER, item_keys=[key("9100")],
                            reason="uncollectable", evidence="no answer to three letters")  # fmt: skip
    own = page("lena", "Waiting for my approval")
    assert not own.button and "Nothing waits for you" in own.info[0].value
    controller = page("carl", "Waiting for my approval")
    controller.button(key="wo_reject").click().run()  # without a note: refused
    assert any("say why the request is rejected" in e.value for e in controller.error)
    controller.text_input(key="wo_note").input("the customer promised to pay")
    controller.button(key="wo_reject").click().run()
    assert f"Request {rid} rejected." in controller.success[0].value
    history = page("lena", "History")
    listed = history.dataframe[0].value
    assert listed[["request_id", "what", "status_label", "decision_note"]].values.tolist() == [
        [rid, "Legal handover", "Rejected", "the customer promised to pay"]
    ]


def test_a_controller_asks_for_nothing_and_an_admin_sets_limits(ledger):
    controller = page("carl", "History")
    assert "Request" not in [t.label for t in controller.tabs]
    assert "No write-off or legal handover" in controller.info[0].value
    admin = page("ada", "Approval limits")
    assert sorted(admin.dataframe[0].value["username"].tolist()) == ["carl", "carl", "lena", "lena"]
    admin.selectbox(key="wo_lim_user").select("lena")
    admin.text_input(key="wo_lim_amount").input("5000")
    submit(admin, "wo_limits", "Set limit")
    assert "Approval limit of lena for write-offs set." in admin.success[0].value
    rows = admin.dataframe[0].value
    assert rows[(rows["username"] == "lena") & (rows["kind"] == "Write-off")]["max_amount"].tolist() == [
        5000.0
    ]


def test_every_tab_runs_for_every_role_with_a_request_of_each_outcome(ledger):
    pending = request_write_off(ledger, COLIN, kind="write_off", customer_id=MUELLER, item_keys=[key("9001")],
                                reason="small_balance", evidence="rest")  # fmt: skip
    keys = [key("9100")]
    handover = request_write_off(ledger, LENA, kind="legal_handover", customer_id=OTHER, item_keys=keys,
                                 reason="uncollectable", evidence="no answer")  # fmt: skip
    from ar_core.recovery import approve_write_off

    approve_write_off(ledger, Actor("carl", "Carl", frozenset({"controller"})), handover)
    tabs = ["Request", "Waiting for my approval", "History", "Register", "Exports", "Approval limits"]
    for username in USERS:
        for tab in tabs:
            if (username == "carl" and tab == "Request") or (
                username == "colin" and tab == "Approval limits"
            ):
                continue  # not offered
            at = page(username, tab)
            assert not at.exception, (username, tab, at.exception)
            assert not at.error, (username, tab, [e.value for e in at.error])
    exports = page("lena", "Exports")
    assert exports.dataframe[1].value["debtor_name"].tolist() == ["Other GmbH"]
    assert pending
