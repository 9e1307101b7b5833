"""The customer account page through AppTest: URL parameter, fresh state after saves, read-only
roles, document amounts, statement language, promise entry rules, cancelling, second voice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ar_core.access import scope
from ar_core.collections import escalations, promises
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ingest.result import ExtractResult
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import APP, ROOT, SYSTEM, app_store, open_tab
from tests.conftest import item, items_frame
from tests.samples import fbl5n_german_text
from ui import fmt

MUELLER, BAKKER, ZUERI = "0000100001", "0000100002", "0000100003"
PASSWORD = "long-enough-pw"
USERS = {
    "lena": ["lead"],
    "colin": ["collector"],
    "cora": ["collector"],
    "cody": ["collector"],
    "carl": ["controller"],
    "ada": ["admin"],
}


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """The two-customer FBL5N ledger of 20.11.2026 (Müller: colin, Bakker: cora)."""
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER],
                    "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V."],
                    "language": ["de", "nl"],
                    "collector": ["colin", "cora"],
                }
            ),
        )
        import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))
        yield engine


CONTACTS, PROMISES, VOICE = "Contacts", "Promises to pay", "Second voice"


def page(username: str, customer: str | None = None, tab: str | None = None) -> AppTest:
    """The account page as ``username`` sees it, with ``tab`` open (only the open tab runs)."""
    at = AppTest.from_file(str(ROOT / "pages/account.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    if customer is not None:
        at.query_params["customer"] = customer
    if tab is None:
        at.run()
    else:
        open_tab(at, tab)
    assert not at.exception, at.exception
    return at


# --- the customer in the URL ------------------------------------------------------------------


def test_customer_comes_from_the_url(ledger):
    at = page("lena", BAKKER)
    assert at.title[0].value == "Bakker Logistiek B.V."
    assert at.selectbox(key="acct_pick").value == BAKKER
    at = page("lena", MUELLER)
    assert at.title[0].value == "Müller Maschinenbau GmbH"


def test_the_select_box_defaults_to_the_customer_in_the_url(ledger):
    # The browser falls back to the widget's default when a rerun interrupts the run that set the
    # value (the login cookie's rerun does): a default of the first option reopened another account.
    at = page("lena", BAKKER)
    box = at.selectbox(key="acct_pick")
    assert box.options[box.proto.default] == f"{BAKKER} — Bakker Logistiek B.V."


def test_choosing_a_customer_updates_the_url(ledger):
    at = page("lena")
    assert at.query_params["customer"] == MUELLER  # the first customer, written into the URL
    at.selectbox(key="acct_pick").select(BAKKER).run()
    assert not at.exception, at.exception
    assert at.query_params["customer"] == BAKKER
    assert at.title[0].value == "Bakker Logistiek B.V."


def test_forbidden_customer_in_the_url_gives_a_message_and_no_data(ledger):
    at = page("colin", BAKKER)
    assert at.error[0].value.startswith(
        f"Customer '{BAKKER}' cannot be opened: customer {BAKKER} is not in colin"
    )
    assert at.title[0].value == "Müller Maschinenbau GmbH"  # his own customer instead, never Bakker's
    assert at.selectbox(key="acct_pick").options == [f"{MUELLER} — Müller Maschinenbau GmbH"]
    # the URL keeps what was asked, so a rerun (the login cookie's) still explains it
    assert at.query_params["customer"] == BAKKER
    at.run()
    assert "cannot be opened" in at.error[0].value


def test_unknown_customer_in_the_url_gives_a_message(ledger):
    at = page("lena", "4711")
    assert at.error[0].value.startswith("Customer '4711' cannot be opened: no customer '4711'")
    at.selectbox(key="acct_pick").select(BAKKER).run()  # a choice ends it
    assert not at.error
    assert at.query_params["customer"] == BAKKER


def test_back_to_worklist_link_in_the_app(ledger):
    """Through the app's navigation (page links need it): the account opened with its URL parameter."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("lena")
    at.text_input[1].input(PASSWORD)
    at.form_submit_button[0].click().run()
    at.run()
    at.query_params["customer"] = BAKKER
    at.switch_page("pages/account.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Bakker Logistiek B.V."
    links = at.get("page_link")
    assert [(link.proto.label, link.proto.page) for link in links] == [("Back to worklist", "worklist")]


# --- after a save the page shows the new state ---------------------------------------------------


def test_rank_box_banner_and_lists_are_current_after_saves(ledger, monkeypatch):
    from ar_core.config import today

    # The worklist counts a promise from the day it was recorded: judge at the real day here.
    monkeypatch.delenv("AR_TODAY")
    week = today("Europe/Berlin") + timedelta(days=7)
    at = page("lena", MUELLER, tab=PROMISES)
    assert any("next best action: **call**" in i.value for i in at.info)
    at.text_input(key="pr_amount").input("500,00")
    at.form_submit_button(key="FormSubmitter:promise-Save promise").click().run()
    assert not at.exception, at.exception
    assert "Promise saved" in at.success[0].value
    # the same run already ranks with the new promise (due in a week) and lists it
    expected = f"next best action: **promise follow-up** (next step on {fmt.day(week)})"
    assert any(expected in i.value for i in at.info), [i.value for i in at.info]
    listed = next(d.value for d in at.dataframe if "promised_date" in d.value.columns)
    assert listed["amount"].tolist() == [500.0]

    open_tab(at, VOICE)
    at.selectbox(key="esc_to").select("cora")
    at.text_input(key="esc_why").input("customer asks for the team lead")
    at.form_submit_button(key="FormSubmitter:escalate-Escalate").click().run()
    assert not at.exception, at.exception
    assert any("Escalated by lena to **cora**" in w.value for w in at.warning)
    assert any("second-voice escalation" in i.value for i in at.info)  # the rank box knows it too


def test_promise_above_the_open_debits_is_refused_on_the_page(ledger):
    at = page("colin", tab=PROMISES)
    at.text_input(key="pr_amount").input("1.234,57")  # one cent more than Müller's open debits
    at.form_submit_button(key="FormSubmitter:promise-Save promise").click().run()
    assert "exceeds the open debits in EUR (EUR 1,234.56 at 20.11.2026)" in at.error[0].value
    assert promises.list_promises(ledger, SYSTEM, MUELLER).is_empty()


def test_a_refused_contact_keeps_what_was_typed_and_a_saved_one_starts_empty(ledger):
    at = page("colin", tab=CONTACTS)
    at.selectbox(key="ct_outcome").select("promise to pay")
    at.text_area(key="ct_notes").input("Frau Schulz: pays the September invoice next week")
    at.text_input(key="ct_pr_amount").input("1.234,57")  # more than the open debits: refused
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert "exceeds the open debits" in at.error[0].value
    assert at.text_area(key="ct_notes").value == "Frau Schulz: pays the September invoice next week"
    assert at.text_input(key="ct_pr_amount").value == "1.234,57"
    at.text_input(key="ct_pr_amount").input("1.000,00")
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert not at.exception, at.exception
    assert promises.list_promises(ledger, SYSTEM, MUELLER)["amount"].to_list() == [Decimal("1000.00")]
    assert at.text_area(key="ct_notes__1").value == ""  # the next contact starts from an empty form


def test_the_saving_run_draws_no_tiles_the_rerun_shows_them_with_the_new_state(ledger, monkeypatch):
    """A save reruns the account's part: the run that saves draws the tiles and rank box no more
    (the browser would draw them twice), and a refused save still shows them above the tabs."""
    from pages.account_tabs import standing

    calls = []
    real = standing.show
    monkeypatch.setattr(standing, "show", lambda ctx: calls.append(ctx.customer_id) or real(ctx))
    at = page("colin", tab=CONTACTS)
    calls.clear()
    at.selectbox(key="ct_outcome").select("promise to pay")
    at.text_input(key="ct_pr_amount").input("1.234,57")  # more than the open debits: refused
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert "exceeds the open debits" in at.error[0].value
    assert calls == [MUELLER]  # the refusing run drew the tiles once
    tiles = ["Open (EUR)", "Overdue (EUR)", "In dispute (EUR)", "Credits (EUR)"]
    assert [m.label for m in at.metric] == tiles
    assert any("next best action: **call** (due today)" in i.value for i in at.info)
    calls.clear()
    at.text_input(key="ct_pr_amount").input("1.000,00")
    at.selectbox(key="ct_next").select("dunning letter")
    at.date_input(key="ct_next_date").set_value(date(2026, 11, 25))
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert not at.exception, at.exception
    assert "Contact and promise saved" in at.success[0].value
    assert calls == [MUELLER]  # only the rerun drew them, with the call's next step in the rank box
    expected = f"next best action: **dunning letter** (next step on {fmt.day(date(2026, 11, 25))})"
    assert any(expected in i.value for i in at.info), [i.value for i in at.info]


# --- read-only roles ----------------------------------------------------------------------------


def test_controller_sees_no_write_forms(ledger):
    escalations.escalate(ledger, SYSTEM, MUELLER, to_username="cora", reason="second voice")
    promises.create_promise(ledger, SYSTEM, MUELLER, amount=Decimal("10.00"), currency="EUR",
                            promised_date=date(2026, 11, 27))  # fmt: skip
    at = page("carl", MUELLER)
    assert at.title[0].value == "Müller Maschinenbau GmbH"
    assert "Read only" in at.caption[0].value
    assert any("Escalated by system to **cora**" in w.value for w in at.warning)  # still readable
    statement = [f"st_lang_{MUELLER}"]  # the statement's language, on the open items
    labels = [t.label for t in at.tabs]
    assert labels == [
        "Open items",
        "Item history",
        "Contacts",
        "Promises to pay",
        "Second voice",
        "Disputes",
        "Payment plans",
    ]
    for label in labels:  # only the open tab runs: each one in turn
        open_tab(at, label)
        assert not at.form_submit_button, label
        assert not at.text_input and not at.text_area and not at.date_input and not at.multiselect, label
        assert [s.key for s in at.selectbox] == ["acct_pick", *(statement if label == "Open items" else [])]
        if label == PROMISES:  # the tab ran: the promise is listed, with no form to cancel it
            assert any("promised_date" in d.value.columns for d in at.dataframe)
    at = page("colin", MUELLER, tab=CONTACTS)  # the collector: the forms are there
    assert "FormSubmitter:log_contact-Save contact" in {b.key for b in at.form_submit_button}
    open_tab(at, PROMISES)
    assert "FormSubmitter:cancel_promise-Cancel promise" in {b.key for b in at.form_submit_button}


# --- items in their own currency, statement language ---------------------------------------------


@pytest.fixture
def chf_ledger(tmp_path, monkeypatch):
    """Müller owes a EUR invoice and a CHF one booked at EUR 90.00 local."""
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        upsert_customer_master(
            engine, SYSTEM, pl.DataFrame({"customer_id": [MUELLER], "collector": ["colin"]})
        )
        rows = [
            item(customer_id=MUELLER, doc_no="1800000001", amount="1234.56", collector="colin"),
            item(customer_id=MUELLER, doc_no="1800000009", amount="90.00", amount_doc="100.00",
                 doc_currency="CHF", collector="colin"),
        ]  # fmt: skip
        frame = items_frame(rows)
        result = ExtractResult(
            file_name="chf.txt", file_hash="c" * 64, source_format="test", as_of=date(2026, 11, 20),
            items=frame, problems=[], lines_read=frame.height,
        )  # fmt: skip
        import_snapshot(engine, SYSTEM, result)
        yield engine


def test_items_show_document_currency_beside_the_local_amount(chf_ledger):
    at = page("colin", MUELLER)  # the open items: the first tab
    table = at.dataframe[0].value.set_index("doc_no")
    got = table.loc[["1800000001", "1800000009"], ["amount", "currency", "doc_amount", "doc_cur"]]
    assert [(float(a), c, float(d), dc) for a, c, d, dc in got.itertuples(index=False)] == [
        (1234.56, "EUR", 1234.56, "EUR"),
        (90.00, "EUR", 100.00, "CHF"),
    ]
    assert "amount_rep" not in table.columns  # every local amount is EUR already: no extra column
    # a promise in CHF may go up to the CHF document amount
    open_tab(at, PROMISES)
    assert "CHF" in at.selectbox(key="pr_cur").options


def test_statement_language_defaults_to_the_customers_and_can_be_chosen(ledger):
    at = page("lena", BAKKER)
    lang = at.selectbox(key=f"st_lang_{BAKKER}")
    assert lang.value == "nl"
    assert lang.options == ["Deutsch", "Nederlands (customer)", "English", "Français"]
    assert "XLSX, NL" in _statement_button(at).label
    lang.select("fr").run()
    assert not at.exception, at.exception
    assert "XLSX, FR" in _statement_button(at).label


def _statement_button(at):
    """The statement download (the tables' CSV downloads sit beside it)."""
    (button,) = [b.proto for b in at.get("download_button") if b.proto.label.startswith("Statement")]
    return button


# --- promise entry ------------------------------------------------------------------------------


def test_promise_date_defaults_to_today_plus_seven_not_the_snapshot(ledger, monkeypatch):
    monkeypatch.setenv("AR_TODAY", "2026-11-24")  # four days after the snapshot of 20.11.
    at = page("colin", tab=PROMISES)
    assert at.date_input(key="pr_date").value == date(2026, 12, 1)
    assert at.date_input(key="pr_date").min == date(2026, 11, 24)
    open_tab(at, CONTACTS)  # the contact form's promise too
    assert at.date_input(key="ct_pr_date").value == date(2026, 12, 1)
    assert at.date_input(key="ct_pr_date").min == date(2026, 11, 24)


def test_cancel_a_promise_on_the_page(ledger):
    pid = promises.create_promise(ledger, SYSTEM, MUELLER, amount=Decimal("100.00"), currency="EUR",
                                  promised_date=date(2026, 11, 27))  # fmt: skip
    at = page("colin", tab=PROMISES)
    at.text_input(key="pc_reason").input("customer paid by cheque instead: see call")
    at.form_submit_button(key="FormSubmitter:cancel_promise-Cancel promise").click().run()
    assert not at.exception, at.exception
    assert f"Promise {pid} cancelled" in at.success[0].value
    row = promises.list_promises(ledger, SYSTEM, MUELLER).row(0, named=True)
    assert (row["status"], row["cancelled_by"], row["cancel_reason"]) == (
        "cancelled", "colin", "customer paid by cheque instead: see call",
    )  # fmt: skip
    listed = next(d.value for d in at.dataframe if "promised_date" in d.value.columns)
    assert listed["status"].tolist() == ["cancelled"]
    assert "FormSubmitter:cancel_promise-Cancel promise" not in {b.key for b in at.form_submit_button}


# --- second voice -------------------------------------------------------------------------------


def test_escalation_targets_show_role_and_only_who_may_receive(ledger):
    at = page("lena", BAKKER, tab=VOICE)
    target = at.selectbox(key="esc_to")
    assert target.value is None
    # not lena herself, not Bakker's own collector cora, never the controller or the admin
    assert target.options == ["Cody (cody) — collector", "Colin (colin) — collector"]
    at = page("colin", MUELLER, tab=VOICE)
    assert at.selectbox(key="esc_to").options == [
        "Lena (lena) — lead",
        "Cody (cody) — collector",
        "Cora (cora) — collector",
    ]
    at.text_input(key="esc_why").input("no target chosen")
    at.form_submit_button(key="FormSubmitter:escalate-Escalate").click().run()
    assert "Choose whom to escalate to." in at.error[0].value
    assert escalations.escalation_frame(ledger).is_empty()


def test_reassign_an_escalation_on_the_page(ledger):
    eid = escalations.escalate(ledger, SYSTEM, MUELLER, to_username="cora", reason="second voice")
    at = page("lena", MUELLER, tab=VOICE)
    # not cora (has it), not lena herself, not Müller's own collector colin
    assert at.selectbox(key=f"esc_reassign_to_{eid}").options == ["Cody (cody) — collector"]
    at.selectbox(key=f"esc_reassign_to_{eid}").select("cody")
    at.text_input(key=f"esc_reassign_why_{eid}").input("legal questions")
    at.form_submit_button(key=f"FormSubmitter:reassign_{eid}-Re-assign escalation").click().run()
    assert not at.exception, at.exception
    assert any("Escalated by system to **cody**" in w.value for w in at.warning)
    assert "Escalation handed to cody" in at.success[0].value
    assert scope.escalated_to(ledger, "cody") == {MUELLER}
    assert scope.escalated_to(ledger, "cora") == set()


# --- only the open tab runs ---------------------------------------------------------------------


def _open_items_shown(at: AppTest) -> bool:
    """The open-items table, by its aging bucket (the contact form's item picker has none)."""
    return any("bucket" in d.value.columns for d in at.dataframe)


def test_only_the_open_tab_runs_and_it_stays_open_after_a_save(ledger):
    at = page("colin", MUELLER)
    assert at.session_state["acct_tabs"] == "Open items"  # the first tab until one is chosen
    assert _open_items_shown(at)
    assert "ct_channel" not in {s.key for s in at.selectbox}  # the contact form is not run
    assert not at.form_submit_button  # nor any other tab's form
    open_tab(at, CONTACTS)
    assert {b.key for b in at.form_submit_button} == {"FormSubmitter:log_contact-Save contact"}
    assert "ct_channel" in {s.key for s in at.selectbox}
    assert not _open_items_shown(at)
    assert "pr_amount" not in {t.key for t in at.text_input}  # the Promises tab's form neither
    at.selectbox(key="ct_outcome").select("reached")
    at.text_area(key="ct_notes").input("Frau Schulz: the invoice is approved")
    at.form_submit_button(key="FormSubmitter:log_contact-Save contact").click().run()
    assert not at.exception, at.exception
    assert "Contact saved." in [s.value for s in at.success]
    # the save reran the page: still on Contacts, the new entry listed, the form empty for the next
    assert at.session_state["acct_tabs"] == CONTACTS
    assert not _open_items_shown(at)
    log = next(d.value for d in at.dataframe if "contacted_at" in d.value.columns)
    assert log["notes"].tolist() == ["Frau Schulz: the invoice is approved"]
    assert at.text_area(key="ct_notes__1").value == ""


# --- the customer picker of a large portfolio ------------------------------------------------------


def _book_name(i: int) -> str:
    """A name without digits, so that a number typed into the search finds by number only."""
    return "Kunde " + chr(65 + i // 26) + chr(65 + i % 26)


@pytest.fixture
def book(tmp_path, monkeypatch, make_result):
    """``fill(n)``: a customer master of n customers 0000000001… (the lead reads all), one snapshot."""
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:

        def fill(n: int) -> None:
            numbers = range(1, n + 1)
            upsert_customer_master(
                engine,
                SYSTEM,
                pl.DataFrame(
                    {"customer_id": [f"{i:010d}" for i in numbers], "name": [_book_name(i) for i in numbers]}
                ),
            )
            first = item(customer_id="0000000001", customer_name=_book_name(1), collector="colin")
            import_snapshot(engine, SYSTEM, make_result([first]))

        yield fill


def _picked(at: AppTest) -> list[str]:
    """The customer numbers in the select box, in its order."""
    return [option.split(" — ")[0] for option in at.selectbox(key="acct_pick").options]


def test_above_the_limit_a_search_narrows_the_box(book):
    from pages.account_tabs import picker

    assert picker.LIMIT == 200
    book(201)
    at = page("lena", "0000000150")
    assert at.title[0].value == "Kunde FU"  # 150 = 5 * 26 + 20
    assert at.text_input(key="acct_find").label == "Find a customer"
    # the customer in view first, then the first 200 of the book without it again: 200 in all
    expected = ["0000000150"] + [f"{i:010d}" for i in range(1, 201) if i != 150]
    assert _picked(at) == expected
    assert len(set(_picked(at))) == 200
    assert any(c.value.startswith("200 of 201 customers in the box: type part") for c in at.caption)
    # "12" in the number: 12, 112 and 120–129 of 1–201 (leading zeros need not be typed)
    at.text_input(key="acct_find").input("12").run()
    assert not at.exception, at.exception
    matches = [f"{i:010d}" for i in (12, 112, *range(120, 130))]
    assert _picked(at) == ["0000000150", *matches]
    assert any(c.value == "12 of 201 customers in the box." for c in at.caption)
    at.selectbox(key="acct_pick").select("0000000121").run()
    assert not at.exception, at.exception
    assert at.query_params["customer"] == "0000000121"
    assert at.title[0].value == "Kunde ER"  # 121 = 4 * 26 + 17
    # the one now in view first, the other matches after it: no second entry for it
    assert _picked(at) == ["0000000121", *(m for m in matches if m != "0000000121")]


def test_up_to_the_limit_the_box_holds_every_customer_and_there_is_no_search(book):
    book(200)
    at = page("lena", "0000000150")
    assert "acct_find" not in {t.key for t in at.text_input}
    assert _picked(at) == [f"{i:010d}" for i in range(1, 201)]  # in the book's order
