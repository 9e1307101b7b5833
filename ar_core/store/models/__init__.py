"""SQLAlchemy 2 models: the tables of the AR Desk store.

Money is kept as integer cents (``BIGINT``) because SQLite has no exact decimal type; frames
convert to and from ``Decimal(18, 2)`` at the store boundary (see ``ar_core.store.bulk``). The
schema itself is created by the Alembic migrations in ``ar_core/store/migrations``; these models
describe it for queries and must be kept in step with the migrations (a test compares them).

One module per area (``access``, ``ledger``, ``collections``, ``disputes``, ``credit``,
``performance``, ``reporting``, ``shared``); every model is imported here, so
``from ar_core.store.models import Snapshot`` works and the metadata is complete.
"""

from __future__ import annotations

from ar_core.store.models.access import ApprovalLimit, ApprovalRequest, AuditEntry, PortfolioAssignment, User
from ar_core.store.models.base import Base
from ar_core.store.models.collections import ContactEntry, Escalation, Promise, PromiseItem
from ar_core.store.models.credit import (
    AllocationDecision,
    BankPayment,
    BankStatement,
    CreditRefund,
    CustomerIban,
    Reconciliation,
)
from ar_core.store.models.disputes import (
    DisputeCase,
    DisputeCaseItem,
    DisputeEscalation,
    DisputeNote,
    DisputeReason,
)
from ar_core.store.models.dunning import *  # noqa: F403
from ar_core.store.models.late_payment import *  # noqa: F403
from ar_core.store.models.ledger import (
    Customer,
    CustomerChange,
    FxRate,
    ItemLayout,
    OpenItem,
    Snapshot,
    SnapshotMember,
    SnapshotTotal,
    VersionBlock,
)
from ar_core.store.models.payment_plans import *  # noqa: F403
from ar_core.store.models.performance import CoachingAction, CoachingNote, CollectorTarget, MonthlySales
from ar_core.store.models.reporting import ReportRun
from ar_core.store.models.shared import AppSetting, ChangeMark, SavedMapping
from ar_core.store.models.skills import *  # noqa: F403

# The areas added after the house issue: each module lists its models in its own ``__all__``.
from ar_core.store.models.sops import *  # noqa: F403
from ar_core.store.models.training import *  # noqa: F403
from ar_core.store.models.write_offs import *  # noqa: F403
from ar_core.store.types import BigId, UTCDateTime, utcnow

__all__ = [
    "AllocationDecision",
    "AppSetting",
    "ApprovalLimit",
    "ApprovalRequest",
    "AuditEntry",
    "BankPayment",
    "BankStatement",
    "Base",
    "BigId",
    "ChangeMark",
    "CoachingAction",
    "CoachingNote",
    "CollectorTarget",
    "ContactEntry",
    "CreditRefund",
    "Customer",
    "CustomerChange",
    "CustomerIban",
    "DisputeCase",
    "DisputeCaseItem",
    "DisputeEscalation",
    "DisputeNote",
    "DisputeReason",
    "Escalation",
    "FxRate",
    "ItemLayout",
    "MonthlySales",
    "OpenItem",
    "PortfolioAssignment",
    "Promise",
    "PromiseItem",
    "Reconciliation",
    "ReportRun",
    "SavedMapping",
    "Snapshot",
    "SnapshotMember",
    "SnapshotTotal",
    "UTCDateTime",
    "User",
    "VersionBlock",
    "utcnow",
]
