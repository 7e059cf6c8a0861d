"""Issue 14's defects: the state a function had before a loss report (art. 15), the medical settlement kept
apart from the social function's state (art. 18), and the window operators with their hashed secrets (art. 24).

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
    with op.batch_alter_table("blacklist") as batch:
        # NULL on entries listed before this revision: those were cancelled to "active", as before
        batch.add_column(sa.Column("prior_status", sa.String(16), nullable=True))
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("medical_settled_on", sa.Date(), nullable=True))
    op.execute("UPDATE cards SET medical_settled_on = COALESCE(ended_on, ready_on, issue_date) "
               "WHERE social = 'settled'")
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(40), nullable=False),
        sa.Column("side", sa.String(20), nullable=False),
        sa.Column("bank", sa.String(40), nullable=True),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_hash", sa.String(64), nullable=True),
        sa.Column("signed_in_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_operators"),
        sa.UniqueConstraint("operator", name="uq_operators_operator"),
    )


def downgrade() -> None:
    op.drop_table("operators")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("medical_settled_on")
    with op.batch_alter_table("blacklist") as batch:
        batch.drop_column("prior_status")
