"""Formula-injection guard for every export (OWASP ASVS 5.0, 1.2.10)."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ar_core.spreadsheet import neutralise, neutralise_expr


def test_triggers_get_an_apostrophe_others_pass():
    values = ['=HYPERLINK("http://x")', "+1", "-2", "@a", "\tx", "\rx", "\x00x", "Müller GmbH", "a=b", None]
    out = pl.DataFrame({"a": values}).select(neutralise_expr("a"))["a"].to_list()
    assert out == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@a",
        "'\tx",
        "'\rx",
        "'\x00x",
        "Müller GmbH",
        "a=b",
        None,
    ]


@given(st.lists(st.text(max_size=8), max_size=20))
def test_frame_expression_agrees_with_the_cell_function(texts):
    out = pl.DataFrame({"a": texts}, schema={"a": pl.String}).select(neutralise_expr("a"))["a"].to_list()
    assert out == [neutralise(t) for t in texts]
