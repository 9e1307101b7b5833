"""The SOPs page with AppTest: a collector writes an SOP and submits it, the lead approves it, a
colleague reads it and confirms it on the page and on the home part; every view renders per role."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ar_core.knowledge import acknowledgement_status, current_sops, my_drafts
from tests.app_support import app_store, open_page
from tests.conftest import LEAD

PASSWORD = "correct horse battery"
USERS = {"c.meyer": ["collector"], "lena.lead": ["lead"], "r.bakker": ["collector"],
         "s.dejong": ["collector"], "carl.controller": ["controller"]}  # fmt: skip
BODY = "## Steps\n\n1. Run **FBL5N** for the customer.\n2. Call within one business day.\n"


@pytest.fixture
def store(tmp_path, monkeypatch):
    with app_store(tmp_path, monkeypatch, USERS, PASSWORD) as engine:
        yield engine


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("success", "info", "warning", "error", "markdown", "caption")
                    for e in getattr(at, kind))  # fmt: skip


def _view(at: AppTest, label: str) -> AppTest:
    at.segmented_control(key="sop_view").set_value(label).run()
    assert not at.exception, at.exception
    return at


def test_authoring_review_approval_and_acknowledgement(store):
    at = _view(open_page("pages/sops.py", "c.meyer"), "drafts")
    assert "You have no draft" in _text(at)
    at.text_input(key="sop_new_title").input("Handling a broken promise to pay")
    at.selectbox(key="sop_new_area").set_value("collections")
    at.text_area(key="sop_new_body").input(BODY)
    next(b for b in at.button if b.label == "Save as draft").click().run()
    assert not at.exception, at.exception
    assert "Draft saved" in _text(at)
    version_id = my_drafts(store, LEAD.__class__("c.meyer", "C", frozenset({"collector"})))["version_id"][0]
    next(b for b in at.button if b.label == "Submit for review").click().run()
    assert "Submitted" in _text(at)

    at = open_page("pages/sops.py", "lena.lead")
    assert "To approve (1)" in at.segmented_control(key="sop_view").options
    at = _view(at, "queue")
    assert "Steps" in _text(at)
    next(b for b in at.button if b.label == "Approve").click().run()
    assert not at.exception, at.exception
    assert "approved: the team is asked to read it" in _text(at)
    assert current_sops(store, LEAD)["version_id"].to_list() == [version_id]

    at = open_page("pages/sops.py", "r.bakker")
    assert BODY.strip() in [m.value for m in at.markdown]  # the Markdown itself, rendered by st.markdown
    assert "please read it and confirm" in _text(at)
    next(b for b in at.button if b.label == "I have read it").click().run()
    assert not at.exception, at.exception
    assert "your confirmation is recorded" in _text(at)
    status = acknowledgement_status(store, LEAD)
    assert dict(zip(status["username"], status["acknowledged_at"].is_not_null(), strict=True)) == {
        "r.bakker": True, "s.dejong": False}  # fmt: skip

    def home() -> None:
        from ar_core.access import Actor
        from pages.home_parts import sop_acknowledgements

        sop_acknowledgements.show(Actor("s.dejong", "S", frozenset({"collector"})))

    part = AppTest.from_function(home, default_timeout=30).run()
    assert not part.exception, part.exception
    assert "SOPs to read (1)" in [h.value for h in part.subheader]
    assert f"/sops?sop={status['sop_id'][0]}" in part.markdown[0].value
    part.button[0].click().run()
    assert not part.exception, part.exception
    assert "Confirmed: Handling a broken promise to pay, version 1." in [s.value for s in part.success]
    assert acknowledgement_status(store, LEAD, pending_only=True).is_empty()
    assert len(AppTest.from_function(home, default_timeout=30).run().subheader) == 0  # nothing left


def test_the_one_line_notice_counts_what_waits(store):
    from ar_core.knowledge import approve_version, create_sop, submit_for_review

    meyer = LEAD.__class__("c.meyer", "C", frozenset({"collector"}))
    for title in ("Dispute escalation", "Dunning run and blocks"):
        create_sop(store, meyer, title=title, area="disputes", body="Steps.")
    for version_id in my_drafts(store, meyer)["version_id"]:
        submit_for_review(store, meyer, version_id)
        approve_version(store, LEAD, version_id)

    def notice() -> None:
        from ar_core.access import Actor
        from pages.home_parts import sop_acknowledgements

        sop_acknowledgements.notice(Actor("r.bakker", "R", frozenset({"collector"})))

    at = AppTest.from_function(notice, default_timeout=30).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [
        "You have 2 new SOP versions to read and confirm: [open the SOPs](/sops)."
    ]


def test_a_refused_approval_shows_and_every_view_renders(store):
    at = _view(open_page("pages/sops.py", "lena.lead"), "drafts")
    at.text_input(key="sop_new_title").input("Dunning run and blocks")
    at.selectbox(key="sop_new_area").set_value("dunning")
    at.text_area(key="sop_new_body").input("<script>alert(1)</script>\n\nRun F150 on Tuesdays.")
    next(b for b in at.button if b.label == "Save as draft").click().run()
    next(b for b in at.button if b.label == "Submit for review").click().run()
    at = _view(open_page("pages/sops.py", "lena.lead"), "queue")
    assert "Nothing waits for your review" in _text(at)  # own version: not in the queue
    at = _view(at, "drafts")
    shown = [m for m in at.markdown if "<script>" in m.value]
    assert shown and not any(m.allow_html for m in shown)  # raw HTML is never rendered
    for view in ("read", "compare", "drafts", "due", "acks", "import"):
        assert not _view(at, view).exception
    at = open_page("pages/sops.py", "carl.controller")
    assert at.segmented_control(key="sop_view").options == ["Read", "Compare versions"]
    assert "No SOP has been approved yet." in _text(at)


def test_the_lead_sets_an_area_and_a_refused_retirement_shows_why(store):
    from ar_core.knowledge import area_settings, create_sop, submit_for_review

    meyer = LEAD.__class__("c.meyer", "C", frozenset({"collector"}))
    create_sop(store, meyer, title="Write-off request", area="legal/write-off", body="Steps.")
    submit_for_review(store, meyer, my_drafts(store, meyer)["version_id"][0])
    at = _view(open_page("pages/sops.py", "lena.lead"), "due")
    assert "No SOP review is overdue" in _text(at)
    at.selectbox(key="sop_area_pick").set_value("dunning").run()
    at.number_input(key="sop_area_m_dunning").set_value(6)
    at.multiselect(key="sop_area_a_dunning").set_value(["s.dejong"])
    next(b for b in at.button if b.label == "Save the area").click().run()
    assert not at.exception, at.exception
    row = area_settings(store, LEAD).filter(area="dunning").row(0, named=True)
    assert (row["review_months"], row["approvers"], row["audience"]) == (6, ["s.dejong"], [])
    at.text_input(key="sop_ret_reason").input("replaced")
    next(b for b in at.button if b.label == "Retire").click().run()
    assert not at.exception, at.exception
    assert any("in review" in e.value for e in at.error)
