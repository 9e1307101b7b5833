"""Recovery: the dunning cycle and its letters, statutory interest and compensation, payment plans,
insolvency and external credit information, legal handover and write-off.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it. Each capability keeps its own block
#: (separate owners, no merge clashes).
_EXPORTS: dict[str, str] = {}
#: Statutory interest and compensation, the rate table, insolvency, external information.
_LAW: dict[str, str] = {}
#: Letters, statements and e-mails in the customer's language (Jinja2, Babel, PDF, .eml).
_LETTERS: dict[str, str] = {}
#: The dunning procedure, blocks, runs, levels and the overview.
_DUNNING: dict[str, str] = {}
#: Payment plans: schedules, proposals, approval, tracking.
_PLANS: dict[str, str] = {}
#: Legal handover and write-off: requests, approval, exports, the register.
_LEGAL: dict[str, str] = {}
_EXPORTS.update(_LAW)
_EXPORTS.update(_LETTERS)
_EXPORTS.update(_DUNNING)
_EXPORTS.update(_PLANS)
_EXPORTS.update(_LEGAL)
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
