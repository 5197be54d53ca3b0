"""scorecard model

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:53:36.077695
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_at"), ["at"], unique=False)

    op.create_table(
        "scorecard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("chair", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("alerts_enabled", sa.Boolean(), nullable=False),
        sa.Column("root_causes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["scorecard.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scorecard_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scorecard_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scorecard_slug"), ["slug"], unique=True)

    op.create_table(
        "perspective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["scorecard_id"], ["scorecard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scorecard_id", "name"),
    )
    with op.batch_alter_table("perspective", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_perspective_scorecard_id"), ["scorecard_id"], unique=False
        )

    op.create_table(
        "objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("perspective_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["perspective_id"], ["perspective.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scorecard_id"], ["scorecard.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scorecard_id", "code"),
    )
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objective_perspective_id"), ["perspective_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_objective_scorecard_id"), ["scorecard_id"], unique=False
        )

    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["objective_id"], ["objective.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_objective_id"), ["objective_id"], unique=False
        )

    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("code_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tolerance_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("tolerance_amount", sa.Float(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("default_target", sa.Float(), nullable=True),
        sa.Column("hours", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["objective_id"], ["objective.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_code_key"), ["code_key"], unique=True)
        batch_op.create_index(batch_op.f("ix_kpi_objective_id"), ["objective_id"], unique=False)

    op.create_table(
        "objectivelink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("driven_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["driven_id"], ["objective.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["driver_id"], ["objective.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("driver_id", "driven_id"),
    )
    with op.batch_alter_table("objectivelink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objectivelink_driven_id"), ["driven_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objectivelink_driver_id"), ["driver_id"], unique=False)

    op.create_table(
        "actual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("entered_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kpi_id", "period"),
    )
    with op.batch_alter_table("actual", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actual_kpi_id"), ["kpi_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actual_period"), ["period"], unique=False)

    op.create_table(
        "countermeasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("root_cause", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("countermeasure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_countermeasure_kpi_id"), ["kpi_id"], unique=False)

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kpi_id", "period"),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_kpi_id"), ["kpi_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_kpi_id"))

    op.drop_table("target")
    with op.batch_alter_table("countermeasure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_countermeasure_kpi_id"))

    op.drop_table("countermeasure")
    with op.batch_alter_table("actual", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actual_period"))
        batch_op.drop_index(batch_op.f("ix_actual_kpi_id"))

    op.drop_table("actual")
    with op.batch_alter_table("objectivelink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objectivelink_driver_id"))
        batch_op.drop_index(batch_op.f("ix_objectivelink_driven_id"))

    op.drop_table("objectivelink")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_objective_id"))
        batch_op.drop_index(batch_op.f("ix_kpi_code_key"))

    op.drop_table("kpi")
    with op.batch_alter_table("initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_objective_id"))

    op.drop_table("initiative")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objective_scorecard_id"))
        batch_op.drop_index(batch_op.f("ix_objective_perspective_id"))

    op.drop_table("objective")
    with op.batch_alter_table("perspective", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_perspective_scorecard_id"))

    op.drop_table("perspective")
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_slug"))
        batch_op.drop_index(batch_op.f("ix_scorecard_parent_id"))
        batch_op.drop_index(batch_op.f("ix_scorecard_channel_id"))

    op.drop_table("scorecard")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_at"))

    op.drop_table("auditevent")
