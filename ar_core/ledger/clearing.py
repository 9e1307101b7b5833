"""What was cleared between two snapshots, by item identity.

Open-item extracts usually just stop listing a paid item, and some ERPs pad document numbers
with zeros in one export and not in the next; so an item is matched on (company code, fiscal year,
document number without leading zeros, line item) with nulls equal, and it counts as cleared when
the later snapshot no longer lists it as open.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ar_core.ledger.items import KEY, open_items, with_identity


def cleared_between(
    prev_items: pl.DataFrame,
    now_items: pl.DataFrame,
    now_as_of: date,
    *,
    prev_as_of: date | None = None,
) -> pl.DataFrame:
    """The items of ``prev_items`` that are no longer open at ``now_as_of``.

    An item is cleared when ``now_items`` lacks it or shows a ``clearing_date`` on or before
    ``now_as_of``. With ``prev_as_of`` only items open at that date are considered (an "all items"
    extract also lists items cleared earlier). Returns the previous rows (their columns) plus
    ``cleared_on``: the clearing date the later snapshot shows, null when the item just vanished.
    """
    prev = with_identity(prev_items if prev_as_of is None else open_items(prev_items, prev_as_of))
    now = with_identity(now_items)
    key = list(KEY)
    still_open = open_items(now, now_as_of).select(key).unique()
    cleared = prev.join(still_open, on=key, how="anti", nulls_equal=True)
    dates = (
        now.filter(pl.col("clearing_date").is_not_null())
        .group_by(key)
        .agg(pl.col("clearing_date").min().alias("cleared_on"))
    )
    out = cleared.join(dates, on=key, how="left", nulls_equal=True, maintain_order="left")
    return out.drop("_doc_key")
