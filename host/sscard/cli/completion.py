"""``sscard completion SHELL``: a shell completion script, generated from the parser itself (shtab)."""

from __future__ import annotations

import argparse
from typing import Any

COMMAND = "completion"
SHELLS = ("bash", "zsh", "tcsh")


def register(commands: Any, root: argparse.ArgumentParser) -> None:
    """``root``: the whole parser (built with every deferred command when this command runs)."""
    parser = commands.add_parser(
        COMMAND, help="print a shell completion script (bash, zsh, tcsh)",
        description="Print a completion script for SHELL, e.g. `sscard completion bash > "
        "~/.local/share/bash-completion/completions/sscard` or `sscard completion zsh > ~/.zfunc/_sscard`.")
    parser.add_argument("shell", metavar="SHELL", choices=SHELLS, help=", ".join(SHELLS))
    parser.set_defaults(handler=run, root_parser=root)


def run(args: argparse.Namespace) -> int:
    import shtab

    print(shtab.complete(args.root_parser, shell=args.shell))
    return 0
