"""Finding a customer by number or name (the account page's picker for large portfolios)."""

from __future__ import annotations

import polars as pl

from ar_core.ledger import find_customers

BOOK = pl.DataFrame(
    {
        "customer_id": ["0000100001", "0000100002", "0000200010", "0000300001"],
        "name": ["Müller Maschinenbau GmbH", "Bakker Logistiek B.V.", None, "Van den Berg Bakkerij"],
    }
)


def ids(text: str, limit: int = 10) -> list[str]:
    return find_customers(BOOK, text, limit)["customer_id"].to_list()


def test_a_number_matches_with_or_without_leading_zeros():
    assert ids("100002") == ["0000100002"]
    assert ids("0000100002") == ["0000100002"]
    assert ids("0010") == ["0000100001", "0000100002", "0000200010"]  # "10" anywhere after the zeros
    assert ids(" 200010 ") == ["0000200010"]


def test_a_name_matches_anywhere_whatever_the_case():
    assert ids("bakker") == ["0000100002", "0000300001"]
    assert ids("MÜLLER") == ["0000100001"]
    assert ids("gmbh") == ["0000100001"]


def test_no_match_is_empty_and_blank_text_gives_the_first_rows():
    assert ids("Schneider") == []
    assert ids("", limit=2) == ["0000100001", "0000100002"]


def test_at_most_limit_rows_in_the_books_order():
    assert ids("0", limit=3) == ["0000100001", "0000100002", "0000200010"]
