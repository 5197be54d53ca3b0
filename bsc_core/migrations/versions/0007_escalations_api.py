"""escalations to the board above, API tokens and idempotency keys

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_STR = AutoString
_TIME = UTCDateTime


def _fk(name: str, target: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(f"{target}.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("kpi_id", "kpi"),
        sa.Column("period", _STR(), nullable=False),
        _fk("scorecard_id", "scorecard"),
        _fk("parent_id", "scorecard"),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("raised_by", _STR(), nullable=False),
        sa.Column("raised_at", _TIME(), nullable=False),
        sa.Column("status", _STR(), nullable=False),
        sa.Column("open_key", _STR(), nullable=True),
        sa.Column("helper", _STR(), nullable=True),
        sa.Column("taken_by", _STR(), nullable=True),
        sa.Column("taken_at", _TIME(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", _STR(), nullable=True),
        sa.Column("resolved_at", _TIME(), nullable=True),
        sa.Column("parent_channel_id", _STR(), nullable=True),
        sa.Column("parent_ts", _STR(), nullable=True),
        sa.Column("origin_channel_id", _STR(), nullable=True),
        sa.Column("origin_ts", _STR(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_key"),
    )
    for column in ("kpi_id", "scorecard_id", "parent_id", "raised_at"):
        op.create_index(f"ix_escalation_{column}", "escalation", [column])
    op.create_table(
        "apitoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _STR(), nullable=False),
        _fk("scorecard_id", "scorecard"),
        sa.Column("token_hash", _STR(), nullable=False),
        sa.Column("created_by", _STR(), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("revoked_at", _TIME(), nullable=True),
        sa.Column("last_used_at", _TIME(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_apitoken_name", "apitoken", ["name"], unique=True)
    op.create_index("ix_apitoken_token_hash", "apitoken", ["token_hash"], unique=True)
    op.create_index("ix_apitoken_scorecard_id", "apitoken", ["scorecard_id"])
    op.create_table(
        "apicallcount",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("token_id", "apitoken"),
        sa.Column("minute", _STR(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_id", "minute"),
    )
    op.create_index("ix_apicallcount_token_id", "apicallcount", ["token_id"])
    op.create_table(
        "apiidempotentanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("token_id", "apitoken"),
        sa.Column("key", _STR(), nullable=False),
        sa.Column("request_hash", _STR(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_id", "key"),
    )
    op.create_index("ix_apiidempotentanswer_token_id", "apiidempotentanswer", ["token_id"])
    op.create_index("ix_apiidempotentanswer_created_at", "apiidempotentanswer", ["created_at"])


def downgrade() -> None:
    op.drop_table("apiidempotentanswer")
    op.drop_table("apicallcount")
    op.drop_table("apitoken")
    op.drop_table("escalation")
