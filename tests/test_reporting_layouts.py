"""Report layouts: the three defaults are valid, a lead's copy is read, a bad file names file and key."""

from __future__ import annotations

import pytest

from ar_core.errors import InvalidInput
from ar_core.reporting import DEFAULTS_DIR, TOPICS, load_layout, load_layouts


def test_the_three_defaults_are_valid_and_use_only_catalogue_topics():
    layouts = load_layouts(None)
    assert {name: lay.kind for name, lay in layouts.items()} == {
        "daily": "daily",
        "weekly": "weekly",
        "monthly": "monthly",
    }
    assert [s.topic for s in layouts["weekly"].sheets] == [
        "aging",
        "kpis",
        "top_cases",
        "disputes",
        "credits",
    ]
    assert layouts["weekly"].period == "week" and layouts["monthly"].period == "month"
    assert all(s.topic in TOPICS for lay in layouts.values() for s in lay.sheets)
    assert all(lay.default for lay in layouts.values())
    daily = layouts["daily"].sheets
    assert daily[0].thresholds == {"top_n": 20, "contact_days": 7}
    assert daily[-1].title == "Open items" and daily[-1].group_by == "currency"


def test_a_copied_layout_in_the_folder_is_read_and_a_default_name_replaces_the_default(tmp_path):
    text = (DEFAULTS_DIR / "weekly.yaml").read_text(encoding="utf-8")
    (tmp_path / "weekly-short.yaml").write_text(
        text.replace("name: weekly", "name: weekly-short").replace("top_n: 25", "top_n: 5"), encoding="utf-8"
    )
    (tmp_path / "daily.yaml").write_text(
        "kind: daily\ntitle: Our daily\nsheets:\n  - topic: new_overdue\n    columns: [doc_no, amount]\n"
        "    headings: {amount: Betrag}\n    thresholds: {window_days: 3}\n",
        encoding="utf-8",
    )
    layouts = load_layouts(tmp_path)
    assert layouts["weekly-short"].sheets[2].thresholds == {"top_n": 5}
    assert not layouts["weekly-short"].default
    daily = layouts["daily"]
    assert (daily.title, daily.default, daily.file) == ("Our daily", False, "daily.yaml")
    sheet = daily.sheets[0]
    assert (sheet.title, sheet.columns, sheet.headings, sheet.thresholds) == (
        "New overdue",
        ("doc_no", "amount"),
        {"amount": "Betrag"},
        {"window_days": 3},
    )


@pytest.mark.parametrize(
    ("body", "key", "says"),
    [
        ("kind: yearly\ntitle: T\nsheets: [{topic: aging}]\n", "kind", "one of daily, weekly, monthly"),
        ("kind: daily\nsheets: [{topic: aging}]\n", "title", "give a text"),
        ("kind: daily\ntitle: T\nsheets: []\n", "sheets", "at least one sheet"),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: horoscope}]\n",
            "sheets[0].topic",
            "unknown topic 'horoscope'",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: aging, columns: [total, colour]}]\n",
            "sheets[0].columns",
            "aging has no column 'colour'",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: top_cases, thresholds: {top_n: many}}]\n",
            "sheets[0].thresholds.top_n",
            "whole number",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: top_cases, thresholds: {window_days: 3}}]\n",
            "sheets[0].thresholds.window_days",
            "top_cases has no threshold 'window_days' (it has: top_n)",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: aging, group_by: weather}]\n",
            "sheets[0].group_by",
            "aging groups by collector",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: aging, title: 'a/b'}]\n",
            "sheets[0].title",
            "no sheet name",
        ),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: aging}, {topic: aging}]\n",
            "sheets[1].title",
            "two sheets are called 'Aging'",
        ),
        ("kind: daily\ntitle: T\ncolour: red\nsheets: [{topic: aging}]\n", "colour", "unknown key"),
        (
            "kind: daily\ntitle: T\nsheets: [{topic: kpis, thresholds: {period: decade}}]\n",
            "sheets[0].thresholds.period",
            "week, month, quarter",
        ),
        ("kind: daily\ntitle: [unclosed\nsheets: x\n", "line 3", "not valid YAML"),
    ],
)
def test_a_bad_layout_file_is_refused_naming_the_file_and_the_key(tmp_path, body, key, says):
    path = tmp_path / "ours.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_layout(path)
    assert caught.value.field == f"ours.yaml: {key}"
    assert str(caught.value).startswith(f"ours.yaml: {key}: ")
    assert says in str(caught.value)


def test_one_bad_file_in_the_folder_stops_the_listing_with_its_name(tmp_path):
    (tmp_path / "good.yaml").write_text("kind: daily\ntitle: G\nsheets: [{topic: aging}]\n", encoding="utf-8")
    (tmp_path / "bad.yml").write_text("kind: daily\ntitle: B\nsheets: [{topic: nope}]\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"^bad\.yml: sheets\[0\]\.topic"):
        load_layouts(tmp_path)


def test_two_files_of_one_name_are_refused(tmp_path):
    for file in ("a.yaml", "b.yaml"):
        (tmp_path / file).write_text(
            "name: same\nkind: daily\ntitle: X\nsheets: [{topic: aging}]\n", encoding="utf-8"
        )
    with pytest.raises(InvalidInput, match=r"b\.yaml: name: 'same' is also the name of a\.yaml"):
        load_layouts(tmp_path)


def _titled(tmp_path, *titles: str):
    import json  # JSON strings are YAML: a real tab, an emoji and quotes as written

    sheets = "".join(f"  - topic: aging\n    title: {json.dumps(t, ensure_ascii=False)}\n" for t in titles)
    path = tmp_path / "ours.yaml"
    path.write_text(f"kind: weekly\ntitle: T\nsheets:\n{sheets}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("titles", "index", "says"),
    [
        (["about"], 0, "'About' is a sheet the report writes itself"),
        (["ABOUT"], 0, "'About' is a sheet the report writes itself"),
        (["totals CHECK"], 0, "'Totals check' is a sheet the report writes itself"),
        (["History"], 0, "'History' is reserved by Excel"),
        (["history"], 0, "'History' is reserved by Excel"),
        (["'x'"], 0, "starts or ends with an apostrophe"),
        (["'x"], 0, "starts or ends with an apostrophe"),
        (["x'"], 0, "starts or ends with an apostrophe"),
        (["x" * 32], 0, "32 characters, at most 31"),
        (["\N{GRINNING FACE}" * 16], 0, "32 characters, at most 31"),  # Excel counts UTF-16 units
        (["a:b"], 0, "':'"),
        (["a?b"], 0, "'?'"),
        (["Tab\tname"], 0, "a control character"),
        (["Aging", "AGING"], 1, "two sheets are called 'AGING' (case is ignored)"),
    ],
)
def test_every_excel_sheet_name_rule_is_checked_naming_the_file_and_field(tmp_path, titles, index, says):
    with pytest.raises(InvalidInput) as caught:
        load_layout(_titled(tmp_path, *titles))
    assert caught.value.field == f"ours.yaml: sheets[{index}].title"
    assert says in str(caught.value)


def test_a_title_that_passes_the_check_is_one_the_workbook_writer_accepts(tmp_path):
    """Whatever the layout check lets through, xlsxwriter writes (no traceback at produce time)."""
    import io
    from datetime import UTC, date, datetime

    import openpyxl

    from ar_core.reporting import Cover, Inputs, build_sheets, report_xlsx, totals_check
    from tests.conftest import item, items_frame

    titles = ["x" * 31, "It's", "Über 90 Tage", "\N{GRINNING FACE}" * 15 + "x", "Abouts", "History 2"]
    layout = load_layout(_titled(tmp_path, *titles))
    items = items_frame([item(doc_no="1", amount="10.00")])
    day = date(2026, 11, 20)
    inputs = Inputs(day, day, items, "EUR", (30, 60, 90), *(lambda *_: None,) * 7)
    sheets = build_sheets(layout, inputs)
    cover = Cover(layout, day, day, 1, "EUR", "x", datetime(2026, 11, 20, tzinfo=UTC), (day, day))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(cover, sheets, totals_check(sheets, {}))))
    assert book.sheetnames == ["About", *titles, "Totals check"]
