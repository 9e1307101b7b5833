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
_TRAINING: dict[str, str] = {
    "AT_RISK": "training",
    "DONE": "training",
    "DONE_LATE": "training",
    "LATE": "training",
    "NEEDS_ATTENTION": "training",
    "ON_TRACK": "training",
    "STATUSES": "training",
    "Assessment": "training",
    "assess": "training",
    "projected_finish": "training",
    "status_rank": "training",
    "PLAN_FIELDS": "training_file",
    "PlanProblem": "training_file",
    "PlanRow": "training_file",
    "parse_plan_file": "training_file",
    "read_mapping": "training_file",
    "MODULE_KINDS": "training_plans",
    "MODULE_SCHEMA": "training_plans",
    "NOTE_SCHEMA": "training_plans",
    "PLAN_ROLES": "training_plans",
    "PLAN_SCHEMA": "training_plans",
    "PROCESS_AREAS": "training_plans",
    "PlanImport": "training_plans",
    "add_risk_note": "training_plans",
    "attention": "training_plans",
    "import_plan_file": "training_plans",
    "remove_plan_line": "training_plans",
    "risk_notes": "training_plans",
    "save_module": "training_plans",
    "set_plan_line": "training_plans",
    "training_modules": "training_plans",
    "training_plan": "training_plans",
    "BUDDY_SCHEMA": "buddies",
    "MAX_SESSION_HOURS": "buddies",
    "SESSION_SCHEMA": "buddies",
    "SHADOWING_KIND": "buddies",
    "assign_buddy": "buddies",
    "buddy_pairs": "buddies",
    "log_shadowing": "buddies",
    "shadowing_sessions": "buddies",
}
#: Skills profiles, coverage, backups and absences.
_SKILLS: dict[str, str] = {}
_EXPORTS.update(_SOPS)
_EXPORTS.update(_TRAINING)
_EXPORTS.update(_SKILLS)
#: For other areas' services only, never pages.
_SERVICE: dict[str, str] = {}
__getattr__, __dir__ = lazy(__name__, _EXPORTS, _SERVICE)
