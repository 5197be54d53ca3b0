"""review decisions, initiative updates, review minutes

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    moment = sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("month", text(), nullable=False),
        sa.Column("channel_id", text(), nullable=True),
        sa.Column("message_ts", text(), nullable=True),
        sa.Column("agenda", sa.Text(), nullable=True),
        sa.Column("posted_at", moment(), nullable=False),
        sa.Column("status", text(), nullable=False),
        sa.Column("closed_by", text(), nullable=True),
        sa.Column("closed_at", moment(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_posted_at", moment(), nullable=True),
        sa.ForeignKeyConstraint(["scorecard_id"], ["scorecard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scorecard_id", "month"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_scorecard_id"), ["scorecard_id"])
        batch_op.create_index(batch_op.f("ix_review_message_ts"), ["message_ts"])
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", text(), nullable=False),
        sa.Column("recorded_by", text(), nullable=False),
        sa.Column("recorded_at", moment(), nullable=False),
        sa.Column("done_by", text(), nullable=True),
        sa.Column("done_at", moment(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_reminded_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_review_id"), ["review_id"])
        batch_op.create_index(batch_op.f("ix_decision_kpi_id"), ["kpi_id"])
        batch_op.create_index(batch_op.f("ix_decision_owner"), ["owner"])
    op.create_table(
        "initiativeupdate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("status", text(), nullable=False),
        sa.Column("status_before", text(), nullable=True),
        sa.Column("percent_complete", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", text(), nullable=False),
        sa.Column("updated_at", moment(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("initiativeupdate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiativeupdate_initiative_id"), ["initiative_id"])
        batch_op.create_index(batch_op.f("ix_initiativeupdate_review_id"), ["review_id"])
        batch_op.create_index(batch_op.f("ix_initiativeupdate_updated_at"), ["updated_at"])


def downgrade() -> None:
    op.drop_table("initiativeupdate")
    op.drop_table("decision")
    op.drop_table("review")
