"""Performance: the order-to-cash KPIs (DSO simple and count-back, best possible DSO, ADD, CEI, % current,
% over 90, days late, promise kept rate, dispute cycle time) with their inputs, per company code,
collector, country and in total; expected payment dates and cash; coaching metrics per collector.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "GROUPINGS": "kpis",
    "KPI_SCHEMA": "kpis",
    "Kpi": "kpis",
    "add": "kpis",
    "ar_at": "kpis",
    "best_possible_dso": "kpis",
    "cei": "kpis",
    "credit_sales": "kpis",
    "days_late": "kpis",
    "dso_count_back": "kpis",
    "dso_simple": "kpis",
    "kpi_frame": "kpis",
    "monthly_sales": "kpis",
    "percent_of": "kpis",
    "period_days": "kpis",
}
# Each capability of the package keeps its own block of names (separate owners, no merge clashes).
#: KPIs of a period read from the store, the monthly sales file, the ``kpis`` command's rows.
_PERIOD: dict[str, str] = {
    "ArSource": "period",
    "PERIOD_SCHEMA": "period",
    "SALES_ROLES": "period",
    "SalesImport": "period",
    "ar_source": "period",
    "check_company_code": "period",
    "import_monthly_sales": "period",
    "period_kpis": "period",
    "stored_sales": "period",
    "SALES_SCHEMA": "kpis",
    "KPI_DEFINITIONS": "kpis",
    "last_full_periods": "kpis",
    "DISPUTE_KPI_SCHEMA": "followups",
    "PROMISE_KPI_SCHEMA": "followups",
    "dispute_kpis": "followups",
    "followup_notes": "followups",
    "promise_kpis": "followups",
    "MAX_SALES_BYTES": "sales_file",
    "SALES_HEADERS": "sales_file",
    "SalesProblem": "sales_file",
    "SalesRow": "sales_file",
    "parse_sales_file": "sales_file",
}
#: Expected payment dates, expected cash per week, the backtest.
_FORECAST: dict[str, str] = {
    "BACKTEST_DAYS": "forecast",
    "EXPECTED_SCHEMA": "forecast",
    "MIN_INVOICES": "forecast",
    "WEEK_SCHEMA": "forecast",
    "Backtest": "forecast",
    "backtest": "forecast",
    "later_cash": "forecast",
    "usual_days_late": "forecast",
    "week_start": "forecast",
    "weekly_cash": "forecast",
    "weekly_totals": "forecast",
    "ExpectedCash": "cash",
    "expected_cash": "cash",
    "expected_payments": "cash",
    "payment_backtest": "cash",
}
#: Coaching metrics per collector and week, targets, 1:1 notes.
_COACHING: dict[str, str] = {
    "DEFAULT_TOP_N": "coaching",
    "METRIC_DEFINITIONS": "coaching",
    "MEDIAN_SCHEMA": "coaching",
    "METRIC_SCHEMA": "coaching",
    "period_totals": "coaching",
    "team_median": "coaching",
    "weekly_metrics": "coaching",
    "weeks_of": "coaching",
    "COACH_ROLES": "metrics",
    "CollectorMetrics": "metrics",
    "collector_metrics": "metrics",
    "ATTAINMENT_SCHEMA": "targets",
    "TARGET_METRICS": "targets",
    "TARGET_ROLES": "targets",
    "TARGET_SCHEMA": "targets",
    "TargetMetric": "targets",
    "attainment": "targets",
    "list_targets": "targets",
    "set_target": "targets",
    "set_top_n": "targets",
    "top_n_setting": "targets",
    "COACHING_ACTION_SCHEMA": "one_on_ones",
    "COACHING_NOTE_ROLES": "one_on_ones",
    "COACHING_NOTE_SCHEMA": "one_on_ones",
    "add_coaching_note": "one_on_ones",
    "coaching_notes": "one_on_ones",
    "mark_action_done": "one_on_ones",
}
_EXPORTS.update(_PERIOD)
_EXPORTS.update(_FORECAST)
_EXPORTS.update(_COACHING)
#: For other areas' services only (reporting), never pages.
_SERVICE: dict[str, str] = {
    # coaching: every collector's weekly metrics, unscoped (memoised)
    "team_metrics": "metrics",
    # period KPIs: whether a snapshot's ledger lists cleared items (memoised)
    "holds_cleared": "period",
    "first_clearing": "period",
    "reaches_back": "period",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
