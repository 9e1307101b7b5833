"""The SAP Dispute Management (FSCM) case id of an item: read from FBL5N (EN/DE/NL) and mappings,
stored with the item, and null in version blocks written before the column existed."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import Mapping, read_extract
from ar_core.ingest.labels import LABELS
from ar_core.ledger.snapshots import load_customer_items, load_items
from ar_core.schema import ITEM_SCHEMA
from ar_core.store import bulk
from ar_core.store.models import VersionBlock
from tests.conftest import LEAD, item, items_frame
from tests.samples import fbl5n_german_text

W1, W2, W3 = date(2026, 11, 13), date(2026, 11, 20), date(2026, 11, 27)

GERMAN = ["Buchungskreis", "Konto", "Belegnummer", "Geschäftsjahr", "Position", "Belegdatum",
          "Nettofälligkeit", "Betrag in Hauswährung", "Hauswährung", "Streitfall"]  # fmt: skip
ENGLISH = ["Company Code", "Account", "Document Number", "Fiscal Year", "Line item", "Document Date",
           "Net due date", "Amount in local currency", "Local Currency", "Disputed"]  # fmt: skip
DUTCH = ["Maatschappij", "Rekening", "Documentnummer", "Boekjaar", "Regel", "Documentdatum",
         "Netto-vervaldatum", "Bedrag in lokale valuta", "Lokale valuta", "Betwist"]  # fmt: skip
HEADERS = {"de": GERMAN, "en": ENGLISH, "nl": DUTCH}
#: (document, disputed flag, case id as written); the amounts sum to 1.350,00 (hand-computed below)
LINES = [("1800000001", "X", "000000004711"), ("1800000002", "", ""), ("1800000003", "X", "  CASE-0815  ")]
AMOUNTS = ["1.000,00", "250,00", "100,00"]  # 1000.00 + 250.00 + 100.00 = 1350.00


def fbl5n_text(language: str, case_label: str | None) -> bytes:
    """A tab-separated FBL5N download in ``language``: title lines, empty column A, a ``*`` total row."""
    headers = HEADERS[language] + ([case_label] if case_label else [])
    out = ["20.11.2026        Dynamische Listenausgabe", "Kundeneinzelposten  Stichtag 20.11.2026", ""]
    out.append("\t".join(["", *headers]))
    for (doc, flag, case), amount in zip(LINES, AMOUNTS, strict=True):
        row = ["1000", "0000100001", doc, "2026", "1", "01.10.2026", "31.10.2026", amount, "EUR", flag]
        out.append("\t".join(["", *row, *([case] if case_label else [])]))
    total = ["*", "", "", "", "", "", "", "", "1.350,00", "EUR", ""]
    out.append("\t".join([*total, *([""] if case_label else [])]))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


LANGUAGE_NAMES = {"de": "German", "en": "English", "nl": "Dutch"}
EVERY_LABEL = [(lang, label) for lang, labels in LABELS["dispute_case"].items() for label in labels]


@pytest.mark.parametrize(("language", "label"), EVERY_LABEL)
def test_every_fscm_label_reads_into_dispute_case(language, label) -> None:
    result = read_extract(fbl5n_text(language, label), "FBL5N.txt")
    assert result.problems == []
    assert f"{LANGUAGE_NAMES[language]} headers" in result.source_format
    assert result.items.schema == pl.Schema(ITEM_SCHEMA)
    # leading zeros kept (an id stays text), padding trimmed, an empty cell is null
    assert result.items["dispute_case"].to_list() == ["000000004711", None, "CASE-0815"]
    assert result.items["disputed"].to_list() == [True, False, True]
    assert str(result.totals()["EUR"]) == "1350.00"


def test_the_labels_of_the_brief_are_there_and_match_loosely() -> None:
    assert LABELS["dispute_case"] == {
        "en": ("Dispute Case", "Dispute Case ID", "Case ID"),
        "de": ("Klärungsfall", "Klärungsfall-ID", "Fall-ID"),
        "nl": ("Geschilgeval", "Dispuutgeval", "Geschil-ID"),
    }
    # case, spaces, punctuation and umlaut spelling folded away, as for every other label
    for written in ("KLAERUNGSFALL ID", "dispute case-id", "geschil id", "Fall ID"):
        result = read_extract(fbl5n_text("de", written), "FBL5N.txt")
        assert result.items["dispute_case"].to_list() == ["000000004711", None, "CASE-0815"], written


def test_a_file_without_a_case_column_gives_nulls() -> None:
    result = read_extract(fbl5n_german_text(), "FBL5N_20261120.txt")
    assert result.errors == []
    assert result.items.schema["dispute_case"] == pl.String()
    assert result.items["dispute_case"].to_list() == [None, None, None, None]
    plain = read_extract(fbl5n_text("en", None), "FBL5N.txt")
    assert plain.items["dispute_case"].null_count() == 3


def test_a_case_id_longer_than_the_store_keeps_is_a_row_problem() -> None:
    data = fbl5n_text("de", "Klärungsfall").replace(b"000000004711", b"7" * 41)
    result = read_extract(data, "FBL5N.txt")
    assert [(p.row, p.column, p.message[-40:]) for p in result.errors] == [
        (5, "Klärungsfall", "racters long; the store keeps at most 40")
    ]


def test_a_mapping_may_fill_dispute_case() -> None:
    mapping = Mapping.from_yaml(
        "columns: {customer_id: Cust, doc_no: Inv, doc_date: Date, due_date: Due, amount: Amt,"
        " dispute_case: CaseNo}\nconstants: {currency: EUR}\ndate_format: '%Y-%m-%d'\n"
    )
    text = (
        "Cust,Inv,Date,Due,Amt,CaseNo\n"
        "4711,1,2026-10-01,2026-10-31,10.00,DC-1\n"
        "4711,2,2026-10-01,2026-10-31,5.00,\n"
    )
    result = read_extract(text.encode(), "other.csv", mapping=mapping)
    assert result.errors == []
    assert result.items["dispute_case"].to_list() == ["DC-1", None]


def test_the_case_id_survives_the_store_round_trip(store) -> None:
    result = read_extract(fbl5n_text("nl", "Geschil-ID"), "FBL5N.txt")
    sid = import_snapshot(store, LEAD, result, as_of=W2).snapshot_id
    back = load_items(store, sid)
    assert back["dispute_case"].to_list() == ["000000004711", None, "CASE-0815"]
    assert_frame_equal(back, result.items.sort("customer_id", "source_row"))
    one = load_customer_items(store, sid, ["0000100001"])
    assert sorted(one["dispute_case"].drop_nulls().to_list()) == ["000000004711", "CASE-0815"]


# --- version blocks written before the column existed ---------------------------------------

OLD_COLUMNS = tuple(c for c in bulk.VERSION_COLUMNS if c != "dispute_case")


def _versions(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT coalesce(sum(n), 0) FROM version_blocks")).scalar_one()


def _make_blocks_old(engine: sa.Engine) -> int:
    """Rewrite every block as the code before ``dispute_case`` encoded it (the old column list)."""
    with engine.begin() as conn:
        blocks = conn.execute(sa.select(VersionBlock.id, VersionBlock.data)).all()
        for block_id, data in blocks:
            frame = pl.read_parquet(io.BytesIO(bytes(data)))
            assert frame["dispute_case"].null_count() == frame.height  # nothing is lost
            buf = io.BytesIO()  # as encode_block wrote it, with the column list of then
            frame.select(OLD_COLUMNS).write_parquet(
                buf, compression="zstd", compression_level=3, statistics=False
            )
            old = buf.getvalue()
            assert "dispute_case" not in pl.read_parquet_schema(io.BytesIO(old))
            conn.execute(sa.update(VersionBlock).where(VersionBlock.id == block_id).values(data=old))
    return len(blocks)


def _items(n: int, **changed: dict) -> list[dict]:
    rows = [item(doc_no=f"{1800000000 + i}", customer_id=f"C{i % 3}", amount=f"{i}.05", source_row=i + 5)
            for i in range(n)]  # fmt: skip
    for i, values in changed.items():
        rows[int(i[1:])] = {**rows[int(i[1:])], **values}
    return rows


def test_an_old_block_reads_with_a_null_case_and_unchanged_items_match_it(store, make_result) -> None:
    rows = _items(12)
    old = import_snapshot(store, LEAD, make_result(rows, as_of=W1)).snapshot_id
    assert _versions(store) == 12
    assert _make_blocks_old(store) == 1
    expected = items_frame(rows).sort("customer_id", "source_row")
    assert expected["dispute_case"].null_count() == 12
    # the old snapshot reads back as imported, the missing column as null, on every read path
    assert_frame_equal(load_items(store, old), expected)
    assert load_customer_items(store, old, ["C1"])["doc_no"].to_list() == [
        "1800000001", "1800000004", "1800000007", "1800000010"
    ]  # fmt: skip
    assert bulk.load_columns(store, old, ["dispute_case"])["dispute_case"].to_list() == [None] * 12
    with store.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM version_blocks")).scalar_one() == 1
        history = bulk.customer_rows(conn, ["C2"])
    assert history["dispute_case"].to_list() == [None] * 4
    # the same items after the change: no new version (the parent's blocks are the old ones)
    again = import_snapshot(store, LEAD, make_result(rows, as_of=W2)).snapshot_id
    assert _versions(store) == 12
    assert_frame_equal(load_items(store, again), expected)
    # an item that now carries a case id is a new version, in a new block that has the column
    cased = _items(12, i4={"disputed": True, "dispute_case": "000000004711"})
    third = import_snapshot(store, LEAD, make_result(cased, as_of=W3)).snapshot_id
    assert _versions(store) == 13
    back = load_items(store, third)
    assert back.filter(pl.col("doc_no") == "1800000004")["dispute_case"].to_list() == ["000000004711"]
    assert back["dispute_case"].null_count() == 11
    assert_frame_equal(back, items_frame(cased).sort("customer_id", "source_row"))
