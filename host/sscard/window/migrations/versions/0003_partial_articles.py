"""Art. 6, 9, 10, 12, 20: identity documents of non-mainland holders, the agent's ground, the collector,
PIN changes at a window, personal-data changes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column works on SQLite without rebuilding the table (new nullable columns or a server default).
    op.add_column("persons", sa.Column("id_kind", sa.String(32), nullable=False, server_default="resident"))
    op.add_column("persons", sa.Column("nationality", sa.String(3), nullable=True))
    op.add_column("persons", sa.Column("birth_date", sa.Date(), nullable=True))
    op.add_column("applications", sa.Column("agent_ground", sa.String(20), nullable=True))
    op.add_column("cards", sa.Column("collector_role", sa.String(12), nullable=True))
    op.add_column("cards", sa.Column("social_pin_changed_on", sa.Date(), nullable=True))
    op.add_column("cards", sa.Column("financial_pin_changed_on", sa.Date(), nullable=True))
    op.create_table(
        "holder_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("previous", sa.Text(), nullable=False),
        sa.Column("proof", sa.String(120), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("window_id", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_holder_changes_person_id"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_holder_changes_card_id"),
        sa.PrimaryKeyConstraint("id", name="pk_holder_changes"),
    )
    op.create_index("ix_holder_changes_person_id", "holder_changes", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_holder_changes_person_id", table_name="holder_changes")
    op.drop_table("holder_changes")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("financial_pin_changed_on")
        batch.drop_column("social_pin_changed_on")
        batch.drop_column("collector_role")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("agent_ground")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("birth_date")
        batch.drop_column("nationality")
        batch.drop_column("id_kind")
