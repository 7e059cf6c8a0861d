"""The example holder record and the TEST key files, shipped inside the package.

They are what the demos, the tests and ``sscard examples DIR`` use, so an installed wheel has them too
(no checkout needed). The keys are TEST keys: never for a real card.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from sscard.errors import SscardError

HOLDER = "holder.json"
ISSUER_KEYS = "issuer-keys.json"
BANK_KEYS = "bank-keys.json"
ISSUER_KEYS_SM4 = "issuer-keys-sm4.json"  # a 3rd-generation (3.0-profile, SM4) card's issuer keys
HOLDER_SM4 = "holder-sm4.json"  # the same holder on a 3rd-generation card (access profile 3.0)
NAMES = (HOLDER, ISSUER_KEYS, BANK_KEYS, ISSUER_KEYS_SM4, HOLDER_SM4)


class ExamplesExist(SscardError):
    """:func:`write_examples` found files of the same names and was not asked to overwrite them."""


def path(name: str) -> Path:
    """The packaged example file ``name`` (one of :data:`NAMES`) as a path on disk."""
    if name not in NAMES:
        raise SscardError(f"no example file {name!r} (there are {', '.join(NAMES)})")
    resource = files(__name__) / name
    # setuptools installs wheels unzipped, so the resource is a plain file; a zip import would not be.
    if not isinstance(resource, Path) or not resource.is_file():
        raise SscardError(f"example file {name} is not on disk here ({resource}): use write_examples()")
    return resource


def read_text(name: str) -> str:
    """The text of the packaged example file ``name``."""
    if name not in NAMES:
        raise SscardError(f"no example file {name!r} (there are {', '.join(NAMES)})")
    return (files(__name__) / name).read_text(encoding="utf-8")


def write_examples(directory: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the example files into ``directory`` (created if needed); returns the files written.

    Existing files are left alone unless ``overwrite``: every clash is reported before anything is written.
    """
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise SscardError(f"{target} exists and is not a directory")
    written = [target / name for name in NAMES]
    clashes = [str(p) for p in written if p.exists()]
    if clashes and not overwrite:
        raise ExamplesExist(f"not overwriting {', '.join(clashes)}")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, dest in zip(NAMES, written, strict=True):
            dest.write_text(read_text(name), encoding="utf-8")
    except OSError as exc:
        raise SscardError(f"cannot write the examples into {target}: {exc.strerror or exc}") from None
    return written
