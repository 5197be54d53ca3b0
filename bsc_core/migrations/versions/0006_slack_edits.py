"""targets and owners edited from Slack, huddle read receipts

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "importeddefinition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["scorecard_id"], ["scorecard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scorecard_id"),
    )
    with op.batch_alter_table("importeddefinition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_importeddefinition_scorecard_id"), ["scorecard_id"], unique=False
        )
    op.create_table(
        "huddleseen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("huddle_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["scorecard_id"], ["scorecard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("huddle_key", "user_id"),
    )
    with op.batch_alter_table("huddleseen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_huddleseen_scorecard_id"), ["scorecard_id"])
        batch_op.create_index(batch_op.f("ix_huddleseen_huddle_key"), ["huddle_key"])


def downgrade() -> None:
    with op.batch_alter_table("huddleseen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_huddleseen_huddle_key"))
        batch_op.drop_index(batch_op.f("ix_huddleseen_scorecard_id"))
    op.drop_table("huddleseen")
    with op.batch_alter_table("importeddefinition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_importeddefinition_scorecard_id"))
    op.drop_table("importeddefinition")
