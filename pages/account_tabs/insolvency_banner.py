"""The account's insolvency banner: while a case is ongoing, its status, court, case number and
administrator (collections and dunning hold the customer); and the latest credit rating with its date."""

from __future__ import annotations

import streamlit as st

from ar_core.access import Actor
from ar_core.recovery import latest_rating, list_insolvency_cases
from ui import fmt
from ui.resources import engine
from ui.text import escape


def show(actor: Actor, customer_id: str) -> None:
    eng = engine()
    cases = list_insolvency_cases(eng, actor, customer_id=customer_id, ongoing_only=True)
    if cases.height:
        case = cases.row(0, named=True)
        details = ", ".join(escape(x) for x in (case["court"], case["case_number"]) if x)
        admin = f" Administrator: {escape(case['administrator'])}." if case["administrator"] else ""
        claim = ""
        if case["claim"] is not None:
            claim = (
                f" Claim filed: {fmt.money(case['claim'], case['currency'])}; quota received "
                f"{fmt.money(case['quota_received'], case['currency'])}."
            )
        st.error(f"**{case['status_label']}** since {fmt.day(case['opened_on'])}"
                 f"{' — ' + details if details else ''}.{admin}{claim} Collections and dunning hold this "
                 "customer until the case ends.", icon=":material/gavel:")  # fmt: skip
    rating = latest_rating(eng, actor, customer_id)
    if rating is not None:
        parts = [f"score {rating['score']}" if rating["score"] is not None else "",
                 f"rating {escape(rating['rating'])}" if rating["rating"] else "",
                 f"recommended limit {fmt.money(rating['limit'], rating['currency'])}"
                 if rating["limit"] is not None else ""]  # fmt: skip
        st.caption(
            f"Credit rating ({escape(rating['agency'])}, {fmt.day(rating['rated_on'])}): "
            + ", ".join(p for p in parts if p)
        )
