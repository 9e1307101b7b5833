"""Report layouts: YAML files a lead can copy and change, checked against a fixed catalogue of topics.

A layout names its ``kind`` (daily, weekly, monthly: which period the KPIs cover and whether the
report can be signed off), a ``title`` and its ``sheets``; each sheet shows one topic of
:data:`TOPICS` with an optional ``title`` (the sheet tab), ``columns`` (a subset of the topic's
columns, in the order given), ``headings`` (column -> heading), ``group_by`` (for topics that
group) and ``thresholds`` (the topic's knobs, e.g. ``top_n``, ``window_days``). The three defaults
ship in ``ar_core/templates/reports``; extra layouts are read from one folder (``AR_REPORT_LAYOUTS``,
default ``<data dir>/reports``), where a file with a default's name replaces that default.

A bad file is refused whole with a message naming the file and the key (``InvalidInput`` whose
``field`` is ``"<file>: <key>"``), never half-used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ar_core.errors import InvalidInput

#: Where the default layouts live.
DEFAULTS_DIR = Path(__file__).resolve().parents[1] / "templates" / "reports"
KINDS: tuple[str, ...] = ("daily", "weekly", "monthly")
#: The KPI period of each kind (``sheets.period_for``).
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
KIND_PERIOD = {"daily": "week", "weekly": "week", "monthly": "month"}
#: Excel forbids these in a sheet name, and allows at most 31 characters (UTF-16 units).
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
MAX_SHEET_CHARS = 31
#: Sheet names the workbook writer itself uses (``workbook.ABOUT``, ``workbook.CHECKS``).
RESERVED_SHEETS = ("About", "Totals check")
#: Sheet names Excel keeps for itself (its change history).
EXCEL_RESERVED_SHEETS = ("History",)
_LAYOUT_KEYS = ("name", "kind", "title", "description", "sheets")
_SHEET_KEYS = ("topic", "title", "columns", "headings", "group_by", "thresholds")
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


@dataclass(frozen=True)
class Column:
    """One column a topic can show: name, default heading, kind (how the workbook formats it)."""

    name: str
    heading: str
    kind: str = "text"  # text | money | date | pct | int | number


@dataclass(frozen=True)
class Topic:
    """One kind of sheet: its columns, the groupings it accepts and its thresholds with defaults."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    groupings: tuple[str | None, ...] = ()
    default_group: str | None = None
    thresholds: dict[str, int | str] = field(default_factory=dict)
    #: Whether the sheet shows the whole portfolio's money (so the totals check covers it).
    checked: bool = False


def _c(spec: str) -> Column:
    """``"name:kind:Heading"`` -> :class:`Column` (kind defaults to text, heading to the name)."""
    name, kind, heading = ([*spec.split(":", 2), "", ""])[:3]
    return Column(name, heading or name.replace("_", " ").capitalize(), kind or "text")


def _cols(*specs: str) -> tuple[Column, ...]:
    return tuple(_c(s) for s in specs)


_BUCKETS = "(one column per aging bucket of the settings)"
_AGING_GROUPS = ("collector", "country", "company_code", "customer_id", "currency")
_KPI_COLS = _cols(
    "group::Group",
    "currency::Currency",
    "start:date:From",
    "end:date:To",
    "days:int:Days (D)",
    "months:int:Months (N)",
    "beginning_ar:money:Beginning AR",
    "ending_ar:money:Ending AR",
    "ending_current_ar:money:Ending current AR",
    "ending_over_90_ar:money:Ending AR over 90",
    "credit_sales:money:Credit sales",
    "dso_simple:number:DSO (simple)",
    "dso_count_back:number:DSO (count-back)",
    "best_possible_dso:number:Best possible DSO",
    "add:number:ADD",
    "cei:pct:CEI",
    "pct_current:pct:% current",
    "pct_over_90:pct:% over 90",
    "avg_days_late:number:Avg days late",
    "weighted_days_late:number:Weighted days late",
    "cleared_count:int:Items cleared",
    "promise_kept_rate:pct:Promises kept (count)",
    "promise_kept_rate_amount:pct:Promises kept (amount)",
    "dispute_cycle_days:number:Dispute cycle days",
    "open_dispute_age_days:number:Open dispute age days",
    "source::Sales source",
    "beginning_source::Beginning AR from",
    "ending_source::Ending AR from",
    "notes::Notes",
)

#: Every topic a layout may use.
TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic(
            "worklist_coverage",
            "Worklist coverage",
            "Per collector: customers on the worklist, the top N of each collector's own list and how "
            "many of them were contacted within contact_days.",
            _cols(
                "collector::Collector",
                "customers:int:Customers",
                "overdue_customers:int:Overdue customers",
                "top_n:int:Top N",
                "top_contacted:int:Top N contacted",
                "coverage:pct:Coverage",
                "overdue_amount:money:Overdue",
                "currency::Currency",
            ),
            thresholds={"top_n": 20, "contact_days": 7},
        ),
        Topic(
            "promises_due",
            "Promises due",
            "Open promises to pay whose promised date lies on or before the as-of date + days_ahead "
            "(overdue ones included).",
            _cols(
                "customer_id::Customer",
                "customer_name::Name",
                "collector::Collector",
                "promised_date:date:Promised for",
                "days_to_due:int:Days to due",
                "amount:money:Amount",
                "currency::Currency",
                "status::Status",
                "created_by::Taken by",
            ),
            thresholds={"days_ahead": 0},
        ),
        Topic(
            "disputes_due",
            "Disputes due",
            "Open dispute and inquiry cases due on or before the as-of date + days_ahead "
            "(past due included).",
            _cols(
                "case_id:int:Case",
                "type::Type",
                "customer_id::Customer",
                "customer_name::Name",
                "collector::Owner",
                "reason_label::Reason",
                "status::Status",
                "opened:date:Opened",
                "due:date:Due",
                "days_to_due:int:Days to due",
                "amount:money:Amount",
                "currency::Currency",
            ),
            thresholds={"days_ahead": 2},
        ),
        Topic(
            "new_overdue",
            "New overdue",
            "Open invoices that fell due within the last window_days days (1..window_days days overdue).",
            _cols(
                "customer_id::Customer",
                "customer_name::Name",
                "collector::Collector",
                "doc_no::Document",
                "doc_date:date:Document date",
                "due_date:date:Due",
                "days_overdue:int:Days overdue",
                "amount:money:Amount",
                "currency::Currency",
            ),
            thresholds={"window_days": 1},
        ),
        Topic(
            "aging",
            "Aging",
            f"Open items by aging bucket per group and currency, {_BUCKETS}, with a total row per "
            "currency; the totals check compares it with the snapshot.",
            _cols("group::Group", "currency::Currency", "buckets:money:Buckets", "total:money:Total"),
            groupings=_AGING_GROUPS,
            default_group="collector",
            checked=True,
        ),
        Topic(
            "kpis",
            "KPIs",
            "The CRF KPIs of the period with their inputs, per group and in total, "
            "in the reporting currency; the total's beginning and ending AR are compared with the "
            "snapshot of that day when there is one (and it holds the reporting currency only).",
            _KPI_COLS,
            groupings=(None, "collector", "company_code", "country"),
            default_group="collector",
            thresholds={"period": ""},
            checked=True,
        ),
        Topic(
            "kpi_definitions",
            "KPI definitions",
            "Every KPI of the period in total: its value, its definition and the inputs "
            "it was computed from.",
            _cols("kpi::KPI", "value:number:Value", "unit::Unit", "definition::Definition", "inputs::Inputs"),
            thresholds={"period": ""},
        ),
        Topic(
            "top_cases",
            "Top cases",
            "The top N customers of the team's worklist by priority, with the reasons of their rank.",
            _cols(
                "rank:int:Rank",
                "customer_id::Customer",
                "customer_name::Name",
                "collector::Collector",
                "open_amount:money:Open",
                "overdue_amount:money:Overdue",
                "disputed_amount:money:Disputed",
                "currency::Currency",
                "max_days_overdue:int:Max days overdue",
                "score:number:Score",
                "reasons::Reasons",
                "next_action::Next action",
            ),
            thresholds={"top_n": 25},
        ),
        Topic(
            "disputes",
            "Disputes",
            "Open dispute and inquiry cases, largest amount first (at most limit rows).",
            _cols(
                "case_id:int:Case",
                "type::Type",
                "customer_id::Customer",
                "customer_name::Name",
                "collector::Owner",
                "reason_label::Reason",
                "category::Root cause",
                "status::Status",
                "opened:date:Opened",
                "due:date:Due",
                "days_open:int:Days open",
                "level:int:Level",
                "amount:money:Amount",
                "currency::Currency",
            ),
            thresholds={"limit": 500},
        ),
        Topic(
            "credits",
            "Credits",
            "Open credits (credit notes, payments on account) per group and currency: count and total.",
            _cols("group::Group", "currency::Currency", "count:int:Credits", "total:money:Total"),
            groupings=("collector", "company_code", "doc_type", "age"),
            default_group="collector",
        ),
        Topic(
            "credit_suggestions",
            "Credit suggestions",
            "Open credits with the invoices they are suggested for and the decision status (open, accepted, "
            "split, pending, posted, rejected), largest credit first (at most limit rows).",
            _cols(
                "customer_id::Customer",
                "credit_doc::Credit",
                "credit_amount:money:Credit amount",
                "invoice_docs::Invoices",
                "amount:money:Allocated",
                "residual:money:Residual",
                "currency::Currency",
                "rule::Rule",
                "confidence:pct:Confidence",
                "status::Status",
                "decided_by::Decided by",
            ),
            thresholds={"limit": 500},
        ),
        Topic(
            "aging_trend",
            "Aging trend",
            f"Aging per snapshot of the last months months up to the as-of date, per currency, {_BUCKETS}; "
            "every snapshot's rows are compared with that snapshot's totals.",
            _cols("as_of:date:As of", "currency::Currency", "buckets:money:Buckets", "total:money:Total"),
            thresholds={"months": 3},
            checked=True,
        ),
        Topic(
            "write_offs",
            "Write-offs",
            "Write-offs approved (four eyes) in the KPI period.",
            _cols(
                "request_id:int:Request",
                "subject::Subject",
                "amount:money:Amount",
                "currency::Currency",
                "reason::Reason",
                "requested_by::Requested by",
                "decided_by::Approved by",
                "decided_on:date:Approved on",
            ),
            thresholds={"period": ""},
        ),
        Topic(
            "write_off_register",
            "Write-offs of the month",
            "The write-off register of the KPI period: approved write-offs per reason and collector "
            "(the customer's collector when it was requested), per currency, with a total per currency.",
            _cols(
                "reason::Reason",
                "collector::Collector",
                "currency::Currency",
                "requests:int:Write-offs",
                "amount:money:Amount",
            ),
            thresholds={"period": ""},
        ),
        Topic(
            "disputes_root_cause",
            "Disputes by root cause",
            "Disputes opened in the KPI period per root cause (Pareto, reporting currency).",
            _cols(
                "key::Root cause",
                "count:int:Cases",
                "amount:money:Amount",
                "currency::Currency",
                "share:pct:Share",
                "cumulative_share:pct:Cumulative share",
            ),
            groupings=("category", "reason", "resolver", "company_code", "country"),
            default_group="category",
            thresholds={"period": ""},
        ),
    )
}


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of a layout, with every default filled in."""

    topic: str
    title: str
    columns: tuple[str, ...]
    headings: dict[str, str]
    group_by: str | None
    thresholds: dict[str, int | str]


@dataclass(frozen=True)
class Layout:
    """One report layout: where it came from and what it shows."""

    name: str
    kind: str
    title: str
    description: str
    sheets: tuple[SheetSpec, ...]
    file: str
    default: bool

    @property
    def period(self) -> str:
        """The KPI period: a sheet's ``period`` threshold wins over the kind's."""
        for sheet in self.sheets:
            if sheet.thresholds.get("period"):
                return str(sheet.thresholds["period"])
        return KIND_PERIOD[self.kind]


def _fail(file: str, key: str, message: str) -> InvalidInput:
    return InvalidInput(f"{file}: {key}", f"{file}: {key}: {message}")


def _text(value: Any, file: str, key: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, key, f"give a text, got {value!r}")
    return value.strip()


def sheet_name_problem(title: str) -> str | None:
    """What Excel (and xlsxwriter, which refuses the workbook) holds against ``title`` as a sheet
    name, or ``None``: checked when the layout is read, so a report never fails half-written."""
    units = len(title.encode("utf-16-le", "surrogatepass")) // 2  # Excel counts UTF-16 units
    bad = _BAD_SHEET_CHARS.search(title)
    lowered = title.lower()
    ours = next((name for name in RESERVED_SHEETS if name.lower() == lowered), None)
    excels = next((name for name in EXCEL_RESERVED_SHEETS if name.lower() == lowered), None)
    problems = (
        (not title, "it is empty"),
        (units > MAX_SHEET_CHARS, f"{units} characters, at most {MAX_SHEET_CHARS}"),
        (bad is not None, f"{bad and bad.group()!r} is not allowed (none of []:*?/\\)"),
        (_CONTROL_CHARS.search(title) is not None, "it holds a control character (tab, line break)"),
        (title.startswith("'") or title.endswith("'"), "it starts or ends with an apostrophe"),
        (ours is not None, f"{ours!r} is a sheet the report writes itself (case is ignored)"),
        (excels is not None, f"{excels!r} is reserved by Excel (case is ignored)"),
    )
    return next((message for failed, message in problems if failed), None)


def _title(raw: dict, topic: Topic, where: str, file: str, used: set[str]) -> str:
    """The sheet's tab: a name Excel accepts, unique in the workbook ignoring case."""
    title = _text(raw.get("title", topic.title), file, f"{where}.title")
    problem = sheet_name_problem(title)
    if problem:
        raise _fail(file, f"{where}.title", f"{title!r} is no sheet name: {problem}")
    if title.lower() in used:
        raise _fail(file, f"{where}.title", f"two sheets are called {title!r} (case is ignored)")
    used.add(title.lower())
    return title


def _sheet(raw: Any, index: int, file: str, used: set[str]) -> SheetSpec:  # noqa: PLR0912 - one check per key
    where = f"sheets[{index}]"
    if not isinstance(raw, dict):
        raise _fail(file, where, "each sheet is a mapping with at least a topic")
    unknown = sorted(set(raw) - set(_SHEET_KEYS))
    if unknown:
        raise _fail(file, f"{where}.{unknown[0]}", f"unknown key: a sheet has {', '.join(_SHEET_KEYS)}")
    topic_name = raw.get("topic")
    if topic_name not in TOPICS:
        raise _fail(file, f"{where}.topic", f"unknown topic {topic_name!r}: one of {', '.join(TOPICS)}")
    topic = TOPICS[topic_name]
    title = _title(raw, topic, where, file, used)
    known = [c.name for c in topic.columns]
    columns = raw.get("columns", known)
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        raise _fail(file, f"{where}.columns", "give a list of column names")
    for name in columns:
        if name not in known:
            raise _fail(file, f"{where}.columns", f"{topic.name} has no column {name!r}: {', '.join(known)}")
    if len(set(columns)) != len(columns):
        raise _fail(file, f"{where}.columns", "a column is listed twice")
    headings = raw.get("headings") or {}
    if not isinstance(headings, dict):
        raise _fail(file, f"{where}.headings", "give a mapping column: heading")
    for name, heading in headings.items():
        if name not in known:
            raise _fail(file, f"{where}.headings.{name}", f"{topic.name} has no column {name!r}")
        _text(heading, file, f"{where}.headings.{name}")
    group = raw.get("group_by", topic.default_group)
    if "group_by" in raw and group not in topic.groupings:
        choices = ", ".join("none" if g is None else g for g in topic.groupings) or "nothing"
        raise _fail(file, f"{where}.group_by", f"{topic.name} groups by {choices}, not {group!r}")
    thresholds = dict(topic.thresholds)
    given = raw.get("thresholds") or {}
    if not isinstance(given, dict):
        raise _fail(file, f"{where}.thresholds", "give a mapping name: value")
    for name, value in given.items():
        key = f"{where}.thresholds.{name}"
        if name not in topic.thresholds:
            allowed = ", ".join(topic.thresholds) or "none"
            raise _fail(file, key, f"{topic.name} has no threshold {name!r} (it has: {allowed})")
        if name == "period":
            if value not in PERIODS:
                raise _fail(file, key, f"the period is one of {', '.join(PERIODS)}, not {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            raise _fail(file, key, f"give a whole number between 0 and 100000, got {value!r}")
        if name in ("top_n", "months", "window_days", "limit") and value == 0:
            raise _fail(file, key, "must be at least 1")
        thresholds[name] = value
    return SheetSpec(
        topic.name, title, tuple(columns), {k: v.strip() for k, v in headings.items()}, group, thresholds
    )


def parse_layout(raw: Any, file: str, *, default: bool = False) -> Layout:
    """A layout from the parsed YAML ``raw`` of ``file`` (the file's name is used in every message)."""
    if not isinstance(raw, dict):
        raise _fail(file, "(file)", "a layout is a mapping with kind, title and sheets")
    unknown = sorted(set(raw) - set(_LAYOUT_KEYS))
    if unknown:
        raise _fail(file, unknown[0], f"unknown key: a layout has {', '.join(_LAYOUT_KEYS)}")
    stem = Path(file).stem
    name = raw.get("name", stem)
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise _fail(file, "name", f"use lower-case letters, digits, - and _ (at most 60), got {name!r}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(file, "kind", f"one of {', '.join(KINDS)}, got {kind!r}")
    title = _text(raw.get("title"), file, "title")
    description = _text(raw.get("description"), file, "description", required=False)
    sheets = raw.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        raise _fail(file, "sheets", "give a list of at least one sheet")
    used: set[str] = set()
    specs = tuple(_sheet(s, i, file, used) for i, s in enumerate(sheets))
    return Layout(name, kind, title, description, specs, file, default)


def load_layout(path: Path, *, default: bool = False) -> Layout:
    """Read and check one layout file."""
    import yaml

    file = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _fail(file, "(file)", "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise _fail(file, where, f"not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    return parse_layout(raw, file, default=default)


def layout_files(folder: Path | None) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of ``folder`` (none when it does not exist), by name."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_layouts(folder: Path | None = None) -> dict[str, Layout]:
    """The defaults, then every layout of ``folder`` (a name seen twice in the folder is refused)."""
    layouts = {lay.name: lay for lay in (load_layout(p, default=True) for p in layout_files(DEFAULTS_DIR))}
    seen: dict[str, str] = {}
    for path in layout_files(folder):
        layout = load_layout(path)
        if layout.name in seen:
            raise _fail(path.name, "name", f"{layout.name!r} is also the name of {seen[layout.name]}")
        seen[layout.name] = path.name
        layouts[layout.name] = layout
    return layouts
