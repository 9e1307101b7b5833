"""Read the body of a delimited text export with polars, every column as text.

The header row has already been found in the first lines; polars skips the physical lines above
and including it (``skip_lines`` ignores quotes, as SAP's title lines need) and parses only the
columns that are used. Blank lines come back as null rows, so row ``i`` is physical line
``header_line + 1 + i`` — the line number the user sees in an editor.
"""

from __future__ import annotations

import polars as pl

from ar_core.ingest.detect import TextLayout


def read_body(buf: bytes, layout: TextLayout, positions: set[int]) -> pl.DataFrame:
    """Columns ``c<i>`` (text) for the wanted positions and column A/B (markers), plus ``source_row``.

    ``source_row`` is the physical line number: row ``i`` is line ``header_line + 1 + i``.
    """
    width = len(layout.headers)
    wanted = sorted({p for p in positions | {0, 1} if p < width})
    schema = {f"c{i}": pl.String() for i in range(width)}
    frame = pl.read_csv(
        buf,
        has_header=False,
        separator=layout.delimiter,
        schema=schema,
        columns=wanted,
        quote_char='"' if layout.delimiter in ";," else None,
        skip_lines=layout.header_line,
        truncate_ragged_lines=True,
        missing_columns="insert",  # a short first line (a rule, a title) must not shrink the table
        raise_if_empty=False,
    )
    first = layout.header_line + 1
    rows = pl.int_range(first, first + frame.height, dtype=pl.Int64(), eager=True).alias("source_row")
    return frame.with_columns(chunked_like(rows, frame.to_series(0)))


def chunked_like(series: pl.Series, model: pl.Series) -> pl.Series:
    """``series`` cut into the chunks of ``model`` (zero-copy slices).

    polars reads a large CSV into many chunks; a column chunked differently from the others makes
    every later select realign, i.e. copy, the whole frame — for a million rows that costs more
    than parsing them.
    """
    lengths = model.chunk_lengths()
    if len(lengths) <= 1:
        return series
    pieces, offset = [], 0
    for length in lengths:
        pieces.append(series.slice(offset, length))
        offset += length
    return pl.concat(pieces, rechunk=False)
