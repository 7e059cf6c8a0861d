"""Spoiled cards: a card given up in the middle of its personalisation (lost, broken), never to be used.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perso_spoiled_cards",
        sa.Column("card_unique", sa.String(16), primary_key=True),
        sa.Column("batch", sa.String(200), nullable=False),
        sa.Column("record", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("spoiled_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("perso_spoiled_cards")
