"""``python -m sscard``: the ``sscard`` command."""

import sys

from sscard.cli import main

sys.exit(main())
