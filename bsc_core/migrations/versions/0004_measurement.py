"""measurement model: aggregation, calendars, weights, cascading

Revision ID: 0004
Revises: 0003

Plain ``ADD COLUMN`` / ``DROP COLUMN`` rather than batch mode: on SQLite a batch copies the
table and drops the old one, and with foreign keys on, dropping ``scorecard`` would cascade
to every perspective, objective and KPI. Both statements are native since SQLite 3.35.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _columns() -> tuple[tuple[str, sa.Column], ...]:
    """(table, column) in the order they are added; dropped in reverse. Fresh each call: a
    column object belongs to one table once added."""
    return (
        (
            "scorecard",
            sa.Column("calendar_days", sa.String(), nullable=False, server_default="mon-fri"),
        ),
        ("scorecard", sa.Column("calendar_hours", sa.String(), nullable=True)),
        ("scorecard", sa.Column("holidays", sa.Text(), nullable=True)),
        ("scorecard", sa.Column("rollup", sa.String(), nullable=False, server_default="weighted")),
        ("perspective", sa.Column("weight", sa.Float(), nullable=False, server_default="1")),
        ("objective", sa.Column("weight", sa.Float(), nullable=False, server_default="1")),
        ("kpi", sa.Column("aggregate", sa.String(), nullable=True)),
        ("kpi", sa.Column("weight", sa.Float(), nullable=False, server_default="1")),
        ("kpi", sa.Column("computed_from", sa.String(), nullable=True)),
        ("kpi", sa.Column("combine", sa.String(), nullable=True)),
    )


def upgrade() -> None:
    for table, column in _columns():
        op.add_column(table, column)


def downgrade() -> None:
    for table, column in reversed(_columns()):
        op.drop_column(table, column.name)
