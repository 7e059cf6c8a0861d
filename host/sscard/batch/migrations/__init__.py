"""Alembic migrations of the personalisation journal (version table ``sscard_journal_version``)."""
