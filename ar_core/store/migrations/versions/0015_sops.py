"""SOP register: procedures, their versions, attachments, named approvers, acknowledgements.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
TABLES = ("sop_acknowledgements", "sop_attachments", "sop_versions", "sops", "sop_area_people",
          "sop_area_settings")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "sops",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("owner", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("retired_at", UTC_TS),
        sa.Column("retired_by", sa.String(40)),
    )
    op.create_index("ix_sops_area", "sops", ["area"])
    op.create_table(
        "sop_versions",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("sop_id", BIG_ID, sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("change_summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("author", sa.String(40), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.Column("source_file", sa.String(255)),
        sa.Column("submitted_at", UTC_TS),
        sa.Column("approval_request_id", sa.BigInteger()),
        sa.Column("approver", sa.String(40)),
        sa.Column("approved_at", UTC_TS),
        sa.Column("effective_on", sa.Date()),
        sa.Column("rejection_note", sa.Text()),
        sa.Column("ended_at", UTC_TS),
        sa.UniqueConstraint("sop_id", "version_no", name="uq_sop_versions_no"),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'approved', 'superseded', 'retired')",
            name="ck_sop_versions_status",
        ),
    )
    for column in ("sop_id", "status", "author", "approval_request_id"):
        op.create_index(f"ix_sop_versions_{column}", "sop_versions", [column])
    op.create_table(
        "sop_attachments",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("version_id", BIG_ID, sa.ForeignKey("sop_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(40), nullable=False),
        sa.Column("uploaded_at", UTC_TS, nullable=False),
    )
    op.create_index("ix_sop_attachments_version_id", "sop_attachments", ["version_id"])
    op.create_table(
        "sop_area_settings",
        sa.Column("area", sa.String(40), primary_key=True),
        sa.Column("review_months", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
    )
    op.create_table(
        "sop_area_people",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("set_by", sa.String(40), nullable=False),
        sa.Column("set_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("area", "username", "kind", name="uq_sop_area_people"),
        sa.CheckConstraint("kind IN ('approver', 'audience')", name="ck_sop_area_people_kind"),
    )
    op.create_index("ix_sop_area_people_area", "sop_area_people", ["area"])
    op.create_table(
        "sop_acknowledgements",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("version_id", BIG_ID, sa.ForeignKey("sop_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("acknowledged_at", UTC_TS, nullable=False),
        sa.UniqueConstraint("version_id", "username", name="uq_sop_acknowledgements"),
    )
    op.create_index("ix_sop_acknowledgements_version_id", "sop_acknowledgements", ["version_id"])
    op.create_index("ix_sop_acknowledgements_username", "sop_acknowledgements", ["username"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
