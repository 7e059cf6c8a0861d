import sys

from sscard.cli import main

sys.exit(main())
