"""The personalisation journal: one row per holder, and the journal's digest key.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perso_journal_meta",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    op.create_table(
        "perso_holders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch", sa.String(200), nullable=False),
        sa.Column("record", sa.Integer, nullable=False),
        sa.Column("holder_key", sa.String(64), nullable=False, unique=True),
        sa.Column("card_number_key", sa.String(64), nullable=False, unique=True),
        sa.Column("pan_key", sa.String(64), nullable=True, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reader", sa.String(200), nullable=True),
        sa.Column("station", sa.String(200), nullable=True),
        sa.Column("card_unique", sa.String(16), nullable=True, unique=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("state IN ('pending', 'in_progress', 'done', 'failed')", name="perso_holder_state"),
    )
    op.create_index("perso_holders_claim", "perso_holders", ["batch", "state", "id"])


def downgrade() -> None:
    op.drop_index("perso_holders_claim", table_name="perso_holders")
    op.drop_table("perso_holders")
    op.drop_table("perso_journal_meta")
