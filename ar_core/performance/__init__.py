"""Performance: the order-to-cash KPIs (DSO simple and count-back, best possible DSO, ADD, CEI, % current,
% over 90, days late) with their inputs, per company code, collector, country and in total.
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
__getattr__, __dir__ = lazy(__name__, _EXPORTS)
