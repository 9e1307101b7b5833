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
_PERIOD: dict[str, str] = {}
#: Expected payment dates, expected cash per week, the backtest.
_FORECAST: dict[str, str] = {}
#: Coaching metrics per collector and week, targets, 1:1 notes.
_COACHING: dict[str, str] = {}
_EXPORTS.update(_PERIOD)
_EXPORTS.update(_FORECAST)
_EXPORTS.update(_COACHING)
#: For other areas' services only (reporting), never pages.
_SERVICE: dict[str, str] = {}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
