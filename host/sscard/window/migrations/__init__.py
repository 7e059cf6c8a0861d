"""Alembic migrations of the window registry (run by :meth:`sscard.window.Registry.upgrade`)."""
