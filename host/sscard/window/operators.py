"""Window operators (art. 24, SSC-WIN-26): who may act at a window, authenticated by a secret that the
registry keeps only as a scrypt hash.

Once the registry has an operator, every operation of a service window, bank counter or platform channel
must come from a :class:`~sscard.window.context.Window` made by :func:`sign_in` (terminals, which act
without staff, are exempt). A registry without operators (a single-user embedded registry, tests) accepts
any operator string, as before; adding the first operator turns the check on for good.

A sign-in stores the SHA-256 of a fresh random token as the operator's session; a Window carries the token,
and each accepted operation compares it with the stored hash, so a Window naming an operator it was not
signed in as, or an old session after a new sign-in or :func:`disable_operator`, is refused.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sscard.window.context import Side, SignIn, Window
from sscard.window.errors import AuthenticationFailed, NotFound, RuleViolation, WindowError
from sscard.window.models import Operator
from sscard.window.registry import Registry

__all__ = ["add_operator", "disable_operator", "require_operator", "sign_in"]

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
"""scrypt's cost parameters (stored with each hash, so that they can be raised for new secrets)."""
MIN_SECRET_LENGTH = 8


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 ** 26, dklen=32)


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (hex) of ``secret``, with a fresh salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise WindowError(f"operator secret: unknown hash scheme {scheme!r}")
    return hmac.compare_digest(_scrypt(secret, bytes.fromhex(salt), int(n), int(r), int(p)), bytes.fromhex(digest))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def add_operator(registry: Registry, operator: str, secret: str, *, side: Side, bank: str | None = None) -> None:
    """Enter an operator who works at windows of ``side`` (a bank counter's or bank platform's operator names
    the ``bank``). The secret is kept as a scrypt hash only."""
    if not operator.strip() or len(operator) > 40:
        raise WindowError("operator: an id of 1 to 40 characters")
    if len(secret) < MIN_SECRET_LENGTH:
        raise WindowError(f"secret: at least {MIN_SECRET_LENGTH} characters")
    if side in (Side.BANK, Side.BANK_PLATFORM) and not bank:
        raise WindowError("bank: a bank operator names the bank they work for")
    with registry.transaction() as s:
        if s.scalars(select(Operator.id).where(Operator.operator == operator)).first() is not None:
            raise WindowError(f"operator {operator!r} exists already")
        s.add(Operator(operator=operator, side=side.value, bank=bank, secret=hash_secret(secret), active=True,
                       created_at=_now(), session_hash=None, signed_in_at=None))


def disable_operator(registry: Registry, operator: str) -> None:
    """The operator may no longer sign in; their current session ends."""
    with registry.transaction() as s:
        row = s.scalars(select(Operator).where(Operator.operator == operator)).one_or_none()
        if row is None:
            raise NotFound(f"no operator {operator!r}")
        row.active = False
        row.session_hash = None


def sign_in(registry: Registry, operator: str, secret: str, *, window_id: str, **window: Any) -> Window:
    """Check the operator's secret and return the :class:`Window` they act at (side and bank from their
    record; ``window`` passes the other Window fields: clock, calendar, fees, partner banks). A new sign-in
    ends the operator's previous session. Raises :class:`AuthenticationFailed`."""
    fixed = sorted({"operator", "side", "bank", "signed_in", "registry"} & set(window))
    if fixed:
        raise WindowError(f"sign_in: {', '.join(fixed)} come from the operator's record and the sign-in, not from "
                          "the caller")
    with registry.transaction() as s:
        row = s.scalars(select(Operator).where(Operator.operator == operator)).one_or_none()
        # an unknown operator costs the same scrypt as a known one, and gets the same answer
        stored = row.secret if row is not None else hash_secret(secrets.token_hex(8))
        if not verify_secret(secret, stored) or row is None or not row.active:
            raise AuthenticationFailed(f"sign-in refused for operator {operator!r}")
        token = secrets.token_urlsafe(32)
        now = window["clock"].now() if "clock" in window else _now()
        row.session_hash = _token_hash(token)
        row.signed_in_at = now
        side, bank = Side(row.side), row.bank
    return Window(registry, operator=operator, window_id=window_id, side=side, bank=bank,
                  signed_in=SignIn(operator, token, now), **window)


def require_operator(s: Session, window: Window) -> None:
    """Art. 24 (SSC-WIN-26): refuse the operation unless the window acts for a signed-in operator (when the
    registry has operators), at the side and bank of their record."""
    if window.side is Side.TERMINAL:
        return
    if s.scalar(select(Operator.id).limit(1)) is None:
        return
    sign = window.signed_in
    row = s.scalars(select(Operator).where(Operator.operator == window.operator)).one_or_none()
    if (sign is None or sign.operator != window.operator or row is None or not row.active
            or row.session_hash is None or not hmac.compare_digest(row.session_hash, _token_hash(sign.token))):
        raise RuleViolation(24, "SSC-WIN-26", f"operator {window.operator!r} at {window.window_id} is not signed "
                            "in (or the session ended): sign in first")
    if row.side != window.side.value or row.bank != window.bank:
        raise RuleViolation(24, "SSC-WIN-26", f"operator {window.operator!r} works at a {row.side} window"
                            f"{' of ' + row.bank if row.bank else ''}, not this {window.side.value} one")


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)
