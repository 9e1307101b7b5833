"""Recovery: the dunning cycle and its letters, statutory interest and compensation, payment plans,
insolvency and external credit information, legal handover and write-off.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it. Each capability keeps its own block
#: (separate owners, no merge clashes).
_EXPORTS: dict[str, str] = {}
#: Statutory interest and compensation, the rate table, insolvency, external information.
_LAW: dict[str, str] = {
    "DE_MARGINS": "interest",
    "InterestPeriod": "interest",
    "LUMP_SUM": "interest",
    "NL_MAX": "interest",
    "NL_MIN": "interest",
    "NL_SCALE": "interest",
    "annual_rate": "interest",
    "collection_costs": "interest",
    "compensation": "interest",
    "interest_periods": "interest",
    "interest_rule": "interest",
    "statutory_interest": "interest",
    "HALF_YEAR_STARTS": "rates",
    "MissingRate": "rates",
    "RATE_KINDS": "rates",
    "RateTable": "rates",
    "half_year_name": "rates",
    "RATE_ROLES": "rate_table",
    "RATE_SCHEMA": "rate_table",
    "add_rate": "rate_table",
    "list_rates": "rate_table",
    "load_rate_table": "rate_table",
}
_EXPORTS.update(_LAW)
_EXPORTS.update(_LETTERS)
_EXPORTS.update(_DUNNING)
_EXPORTS.update(_PLANS)
_EXPORTS.update(_LEGAL)
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {
    "items_in_legal": "write_offs",
}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
