"""Tables on the pages: a missing value reads as a dash, as everywhere else on the pages, not "None"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _table_page() -> None:
    import polars as pl

    from ui import tables

    frame = pl.DataFrame({"reason": ["Liquidity", None], "next_action_date": [None, None]})
    tables.show(frame, hide_index=True)
    tables.show(frame, placeholder="")  # a page may still choose its own


def test_missing_values_show_as_a_dash_unless_the_page_says_otherwise():
    at = AppTest.from_function(_table_page).run()
    assert not at.exception, at.exception
    assert [d.proto.placeholder for d in at.dataframe] == ["—", ""]
