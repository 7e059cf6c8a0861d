"""The window registry: persons, applications, cards, blacklist, fees, audit log, card journal.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER audit_log_no_{what} BEFORE {what} ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""

_APPEND_ONLY_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql
"""

_APPEND_ONLY_PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()
"""



def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ssn", sa.String(18), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("insured", sa.Boolean(), nullable=False),
        sa.Column("photo_on_file", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
        sa.UniqueConstraint("ssn", name="uq_persons_ssn"),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("exchange_reason", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("open_person_id", sa.Integer(), nullable=True),
        sa.Column("replaces_card_id", sa.Integer(), nullable=True),
        sa.Column("bank", sa.String(40), nullable=False),
        sa.Column("applicant_role", sa.String(12), nullable=False),
        sa.Column("relationship", sa.String(24), nullable=True),
        sa.Column("agent_ref", sa.String(24), nullable=True),
        sa.Column("photo_source", sa.String(16), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("produced_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_applications_person_id"),
        sa.ForeignKeyConstraint(["open_person_id"], ["persons.id"], name="fk_applications_open_person_id"),
        sa.UniqueConstraint("open_person_id", name="uq_applications_open_person_id"),
    )
    op.create_index("ix_applications_person_id", "applications", ["person_id"])
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_number", sa.String(9), nullable=False),
        sa.Column("card_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("bank", sa.String(40), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("social", sa.String(16), nullable=False),
        sa.Column("financial", sa.String(16), nullable=False),
        sa.Column("live_person_id", sa.Integer(), nullable=True),
        sa.Column("live_temp_person_id", sa.Integer(), nullable=True),
        sa.Column("ready_on", sa.Date(), nullable=True),
        sa.Column("collected_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("cancellation_reason", sa.String(24), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cards"),
        sa.UniqueConstraint("card_number", name="uq_cards_card_number"),
        sa.UniqueConstraint("card_id", name="uq_cards_card_id"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_cards_person_id"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], name="fk_cards_application_id"),
        sa.UniqueConstraint("live_person_id", name="uq_cards_live_person_id"),
        sa.ForeignKeyConstraint(["live_person_id"], ["persons.id"], name="fk_cards_live_person_id"),
        sa.UniqueConstraint("live_temp_person_id", name="uq_cards_live_temp_person_id"),
        sa.ForeignKeyConstraint(["live_temp_person_id"], ["persons.id"], name="fk_cards_live_temp_person_id"),
    )
    op.create_index("ix_cards_person_id", "cards", ["person_id"])
    op.create_table(
        "blacklist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("function", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("listed_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("active_key", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_blacklist"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_blacklist_card_id"),
        sa.UniqueConstraint("active_key", name="uq_blacklist_active_key"),
    )
    op.create_index("ix_blacklist_card_id", "blacklist", ["card_id"])
    op.create_table(
        "fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("fee_case", sa.String(32), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("article", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(120), nullable=False),
        sa.Column("charged_at", sa.DateTime(), nullable=False),
        sa.Column("window_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fees"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_fees_person_id"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_fees_card_id"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], name="fk_fees_application_id"),
    )
    op.create_index("ix_fees_person_id", "fees", ["person_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(40), nullable=False),
        sa.Column("window_id", sa.String(40), nullable=False),
        sa.Column("side", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("article", sa.Integer(), nullable=True),
        sa.Column("clause", sa.String(16), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("journal_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("actor_role", sa.String(12), nullable=True),
        sa.Column("relationship", sa.String(24), nullable=True),
        sa.Column("agent_ref", sa.String(24), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_person_id", "audit_log", ["person_id"])
    op.create_index("ix_audit_log_card_id", "audit_log", ["card_id"])
    op.create_table(
        "card_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("inflight_card_id", sa.Integer(), nullable=True),
        sa.Column("operation", sa.String(24), nullable=False),
        sa.Column("function", sa.String(12), nullable=True),
        sa.Column("effect", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("operator", sa.String(40), nullable=False),
        sa.Column("window_id", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_card_journal"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_card_journal_card_id"),
        sa.ForeignKeyConstraint(["inflight_card_id"], ["cards.id"], name="fk_card_journal_inflight_card_id"),
        sa.UniqueConstraint("inflight_card_id", name="uq_card_journal_inflight_card_id"),
    )
    op.create_index("ix_card_journal_card_id", "card_journal", ["card_id"])
    op.create_index("ix_card_journal_state", "card_journal", ["state"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(_APPEND_ONLY_SQLITE.format(what="UPDATE"))
        op.execute(_APPEND_ONLY_SQLITE.format(what="DELETE"))
    elif dialect == "postgresql":
        op.execute(_APPEND_ONLY_PG_FUNCTION)
        op.execute(_APPEND_ONLY_PG_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("card_journal", "audit_log", "fees", "blacklist", "cards", "applications", "persons"):
        op.drop_table(table)
