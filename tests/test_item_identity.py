"""One rule for a document's identity, wherever items of two files are compared."""

from __future__ import annotations

import polars as pl
import pytest

from ar_core.ledger import item_timeline
from ar_core.ledger.items import doc_key, doc_key_expr, overdue_debit


@pytest.mark.parametrize(
    ("raw", "key"), [("0090001234", "90001234"), ("90001234", "90001234"), (" 0042 ", "42"), ("000", "0")]
)
def test_the_document_key_drops_padding_and_keeps_an_all_zero_number(raw, key):
    assert doc_key(raw) == key
    assert pl.DataFrame({"doc_no": [raw]}).select(doc_key_expr())["_doc_key"].to_list() == [key]


def test_overdue_means_a_debit_past_its_due_date():
    from datetime import date

    frame = pl.DataFrame(
        {"due_date": [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 1)], "amount": [5, 5, -5]}
    )
    assert frame.select(overdue_debit(date(2026, 11, 20)))["due_date"].to_list() == [True, False, False]


def test_the_account_timeline_joins_a_padded_and_an_unpadded_number(make_result):
    from datetime import date

    from tests.conftest import item, items_frame

    def listed(doc_no, on):
        return items_frame([item(doc_no=doc_no)]).with_columns(pl.lit(on).alias("snapshot_as_of"))

    history = pl.concat([listed("0000000", date(2026, 11, 13)), listed("0", date(2026, 11, 20))])
    assert item_timeline(history, [date(2026, 11, 13), date(2026, 11, 20)]).height == 1
