"""The sscard protocol as data: TOML tables in this package, validated into a frozen :class:`Spec`.

``apdu_spec.load()`` reads the packaged files (``load(path)`` a directory of modified copies);
``python -m apdu_spec.generate [--check]`` writes (or checks) the Java constants, the host's
Python tables and docs/spec.md; :mod:`apdu_spec.model` is the reference card that interprets it.
"""

from __future__ import annotations

from functools import lru_cache

from .loader import load as load_path
from .schema import Spec, SpecError

__all__ = ["Spec", "SpecError", "load", "load_path"]


@lru_cache(maxsize=1)
def _packaged() -> Spec:
    return load_path(None)


def load(path: str | None = None) -> Spec:
    """Load and validate the specification (packaged files, or the directory ``path``)."""
    if path is None:
        return _packaged()
    return load_path(path)
