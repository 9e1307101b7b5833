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
_SOPS: dict[str, str] = {
    "PROCESS_AREAS": "sops",
    "STATUSES": "sops",
    "TRANSITIONS": "sops",
    "READ_ONLY": "sops",
    "DEFAULT_REVIEW_MONTHS": "sops",
    "DUE_WINDOW_DAYS": "sops",
    "TransitionRefused": "sops",
    "SopReadOnly": "sops",
    "transition": "sops",
    "check_decider": "sops",
    "add_months": "sops",
    "next_review_date": "sops",
    "review_state": "sops",
    "with_review_dates": "sops",
    "due_for_review": "sops",
    "search": "sops",
    "version_diff": "sops",
    "diff_counts": "sops",
    "AUTHOR_ROLES": "sop_register",
    "LEAD_ROLES": "sop_register",
    "AREA_ROLES": "sop_register",
    "SOP_SCHEMA": "sop_register",
    "VERSION_SCHEMA": "sop_register",
    "AREA_SCHEMA": "sop_register",
    "review_months": "sop_register",
    "create_sop": "sop_register",
    "new_version": "sop_register",
    "edit_draft": "sop_register",
    "submit_for_review": "sop_register",
    "approve_version": "sop_register",
    "reject_version": "sop_register",
    "retire_sop": "sop_register",
    "set_review_months": "sop_register",
    "set_area_people": "sop_register",
    "area_settings": "sop_register",
    "current_sops": "sop_register",
    "version_history": "sop_register",
    "get_version": "sop_register",
    "diff_versions": "sop_register",
    "my_drafts": "sop_register",
    "review_queue": "sop_register",
    "reviews_due": "sop_register",
    "sop_titles": "sop_register",
    "MAX_ATTACHMENT_BYTES": "sop_files",
    "ATTACHMENT_SCHEMA": "sop_files",
    "FileProblem": "sop_files",
    "attachment_type": "sop_files",
    "add_attachment": "sop_files",
    "remove_attachment": "sop_files",
    "attachments": "sop_files",
    "attachment_content": "sop_files",
    "read_sop_file": "sop_files",
    "import_sops": "sop_files",
    "DEFAULT_AUDIENCE_ROLES": "acknowledgements",
    "PENDING_SCHEMA": "acknowledgements",
    "STATUS_SCHEMA": "acknowledgements",
    "acknowledge": "acknowledgements",
    "my_pending_acknowledgements": "acknowledgements",
    "acknowledgement_status": "acknowledgements",
    "acknowledgement_summary": "acknowledgements",
}
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
