"""A personalisation station as its own process, for the ``kill -9`` test: one virtual PC/SC reader whose card
the test process owns (its control gateway named by port and token), a SQLite journal, the batch.

    python line_station.py JOURNAL_URL BATCH READER PORT TOKEN FIRST_UNIQUE

Exit 0 when the batch is complete, 3 when the line stopped with holders left. The card in the reader when it
starts is taken as the first of the stack: a station started again after a kill finds its half-done card.
"""

from __future__ import annotations

import sys

from batch_helpers import BANK_KEYS, KEYS

from jcardsim_bridge import CardControl
from sscard.batch import BatchIncomplete, Journal, VirtualCardStack, read_batch, run_line


def main(argv: list[str]) -> int:
    url, batch, reader, port, token, first = argv
    control = CardControl(int(port), token)
    stack = VirtualCardStack(reader, control, 1_000, first_unique=int(first), card_in_reader=True)
    with Journal(url) as journal:
        try:
            run_line(read_batch(batch), [stack], journal, KEYS, bank_keys=BANK_KEYS)
        except BatchIncomplete:
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
