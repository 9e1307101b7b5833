"""Knowledge: the team's own operating system — the SOP register (versions, four-eyes approval,
acknowledgements), training plans with buddies and shadowing, skills profiles, and cross-training
coverage with backups during absences.
"""

from __future__ import annotations

from ar_core.facade import lazy

#: Public name -> the module of this package that defines it. Each capability keeps its own block
#: (separate owners, no merge clashes).
_EXPORTS: dict[str, str] = {}
#: The SOP register.
_SOPS: dict[str, str] = {}
#: Training plans, buddies, shadowing, the risk-of-delay rule.
_TRAINING: dict[str, str] = {}
#: Skills profiles, coverage, backups and absences.
_SKILLS: dict[str, str] = {}
_EXPORTS.update(_SOPS)
_EXPORTS.update(_TRAINING)
_EXPORTS.update(_SKILLS)
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
