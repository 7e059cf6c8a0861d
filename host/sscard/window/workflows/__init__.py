"""The regulation's workflows, one function each, as a service window (or bank counter) calls them.

Every function takes the :class:`~sscard.window.context.Window` it runs at first, names the article it
implements in its docstring, refuses what the regulation refuses with a
:class:`~sscard.window.errors.RuleViolation` citing the article and clause, writes one audit entry per
accepted operation and returns a :class:`~sscard.window.context.Receipt`. Workflows that change the card take
``card_ops`` (:class:`~sscard.window.cardops.CardOperations`) and go through the journal (SSC-WIN-15).

One module per part of the regulation; everything is importable from here as well:

- :mod:`.application_and_issue` (art. 9-13): registration, application, production, pick-up and activation,
  abandonment of an uncollected card;
- :mod:`.loss_and_replacement` (art. 14-17, 22): loss reports and their cancellation, replacement, exchange,
  the CARD BLOCK of a card handed in after it left use;
- :mod:`.cancellation` (art. 18): medical account settlement, then bank account closure;
- :mod:`.temporary_cards` (art. 19): issue, return and expiry of temporary cards;
- :mod:`.pins` (art. 20-21): PIN unlock, reset and change, each at its side;
- :mod:`.holder_data` (art. 6, 9): changes of the holder's personal data, registry and card together.
"""

from sscard.window.workflows.application_and_issue import ABANDON_MONTHS as ABANDON_MONTHS
from sscard.window.workflows.application_and_issue import CARD_VALIDITY_YEARS as CARD_VALIDITY_YEARS
from sscard.window.workflows.application_and_issue import GUARDIAN_AGE as GUARDIAN_AGE
from sscard.window.workflows.application_and_issue import (
    PRODUCTION_WORKING_DAYS,
    abandon_uncollected,
    activate_financial,
    apply_for_card,
    collect_card,
    overdue_applications,
    production_deadline,
    record_production,
    register_person,
)
from sscard.window.workflows.cancellation import (
    CancellationReason,
    cancel_application,
    close_bank_account,
    settle_medical_account,
)
from sscard.window.workflows.holder_data import PersonalData, change_personal_data
from sscard.window.workflows.loss_and_replacement import (
    ExchangeReason,
    apply_for_exchange,
    apply_for_replacement,
    block_returned_card,
    cancel_loss,
    report_loss,
    restore_application,
)
from sscard.window.workflows.pins import INITIAL_PINS, change_pin, reset_pin, unblock_pin
from sscard.window.workflows.temporary_cards import (
    TEMPORARY_CARD_DAYS,
    expire_temporary_cards,
    issue_temporary_card,
    return_temporary_card,
)

__all__ = [
    "INITIAL_PINS",
    "PRODUCTION_WORKING_DAYS",
    "TEMPORARY_CARD_DAYS",
    "CancellationReason",
    "ExchangeReason",
    "PersonalData",
    "abandon_uncollected",
    "activate_financial",
    "apply_for_card",
    "apply_for_exchange",
    "apply_for_replacement",
    "block_returned_card",
    "cancel_application",
    "cancel_loss",
    "change_personal_data",
    "change_pin",
    "close_bank_account",
    "collect_card",
    "expire_temporary_cards",
    "issue_temporary_card",
    "overdue_applications",
    "production_deadline",
    "record_production",
    "register_person",
    "report_loss",
    "reset_pin",
    "restore_application",
    "return_temporary_card",
    "settle_medical_account",
    "unblock_pin",
]
