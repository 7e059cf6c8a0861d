"""Output helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from typing import Any


class CliError(Exception):
    """A usage or state problem found by the CLI itself (not the library)."""


def fail(message: str, code: int) -> int:
    first_line = message.strip().splitlines()[0] if message.strip() else "failed"
    print(f"sscard: error: {first_line}", file=sys.stderr)
    return code


def emit_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))
