"""The service-window layer: the regulation's workflows over the back-office registry.

What a social security service window (and a partner bank's counter) calls, each workflow a function
citing the article of the Shaoguan social security card regulation (2018) it implements::

    from sscard.window import Registry, Window, Side, apply_for_card, report_loss, present_card, ...

    registry = Registry("sqlite:///registry.db")          # or postgresql+psycopg://… shared by a city
    window = Window(registry, operator="op-17", window_id="SG-01", side=Side.SOCIAL)
    register_person(window, ssn, "张三", photo_on_file=True)
    receipt = apply_for_card(window, ssn, bank="ICBC")     # art. 9-11

Card commands go through :class:`CardOperations` (:class:`SessionCardOperations` over the host library's
sessions, :class:`FakeCardOperations` for tests) and a journal that keeps card and registry consistent.
Refusals are :class:`RuleViolation` (``art. N (SSC-WIN-n): …``), races :class:`ConflictError`. Once a
registry has operators (:func:`add_operator`), windows come from :func:`sign_in` (art. 24, SSC-WIN-26).
"""

# isort: off
import sscard.database  # noqa: F401 - first: one clear error when the database stack is not installed
# isort: on
from sscard.window._core import CardOutcomeUnknown, SupersededMeanwhile
from sscard.window.calendar import WorkingDayCalendar
from sscard.window.cardops import (
    CardEvidence,
    CardOp,
    CardOperations,
    FakeCard,
    FakeCardOperations,
    Function,
    PresentedCard,
    SessionCardOperations,
)
from sscard.window.clock import CHINA, Clock, FixedClock, SystemClock, add_months, add_years
from sscard.window.context import (
    ActorRole,
    Applicant,
    ApplicationView,
    AuditView,
    CardView,
    JournalView,
    Receipt,
    Side,
    SignIn,
    TerminalVerdict,
    Window,
    mask_id,
)
from sscard.window.errors import (
    AuthenticationFailed,
    CardMismatch,
    CardOperationFailed,
    ConflictError,
    NotFound,
    OutcomeNeedsHolder,
    RegistryError,
    RegistryPending,
    RuleViolation,
    WindowError,
)
from sscard.window.fees import Damage, Fee, FeeCase, FeeSchedule, card_fee, within_warranty
from sscard.window.journal import pending_operations, resolve_pending
from sscard.window.operators import add_operator, disable_operator, sign_in
from sscard.window.queries import audit_entries, card_status, fees_charged, person_applications, person_cards
from sscard.window.registry import DEFAULT_URL, Registry
from sscard.window.terminal import present_card
from sscard.window.workflows import (
    PRODUCTION_WORKING_DAYS,
    TEMPORARY_CARD_DAYS,
    CancellationReason,
    ExchangeReason,
    abandon_uncollected,
    activate_financial,
    apply_for_card,
    apply_for_exchange,
    apply_for_replacement,
    block_returned_card,
    cancel_application,
    cancel_loss,
    close_bank_account,
    collect_card,
    expire_temporary_cards,
    issue_temporary_card,
    overdue_applications,
    production_deadline,
    record_production,
    register_person,
    report_loss,
    reset_pin,
    restore_application,
    return_temporary_card,
    settle_medical_account,
    unblock_pin,
)

__all__ = [
    "CHINA",
    "DEFAULT_URL",
    "PRODUCTION_WORKING_DAYS",
    "TEMPORARY_CARD_DAYS",
    "ActorRole",
    "Applicant",
    "ApplicationView",
    "AuditView",
    "AuthenticationFailed",
    "CancellationReason",
    "CardEvidence",
    "CardMismatch",
    "CardOp",
    "CardOperationFailed",
    "CardOperations",
    "CardOutcomeUnknown",
    "CardView",
    "Clock",
    "ConflictError",
    "Damage",
    "ExchangeReason",
    "FakeCard",
    "FakeCardOperations",
    "Fee",
    "FeeCase",
    "FeeSchedule",
    "FixedClock",
    "Function",
    "JournalView",
    "NotFound",
    "OutcomeNeedsHolder",
    "PresentedCard",
    "Receipt",
    "Registry",
    "RegistryError",
    "RegistryPending",
    "RuleViolation",
    "SessionCardOperations",
    "Side",
    "SignIn",
    "SupersededMeanwhile",
    "SystemClock",
    "TerminalVerdict",
    "Window",
    "WindowError",
    "WorkingDayCalendar",
    "abandon_uncollected",
    "activate_financial",
    "add_months",
    "add_operator",
    "add_years",
    "apply_for_card",
    "apply_for_exchange",
    "apply_for_replacement",
    "audit_entries",
    "block_returned_card",
    "cancel_application",
    "cancel_loss",
    "card_fee",
    "card_status",
    "close_bank_account",
    "collect_card",
    "disable_operator",
    "expire_temporary_cards",
    "fees_charged",
    "issue_temporary_card",
    "mask_id",
    "overdue_applications",
    "pending_operations",
    "person_applications",
    "person_cards",
    "present_card",
    "production_deadline",
    "record_production",
    "register_person",
    "report_loss",
    "reset_pin",
    "resolve_pending",
    "restore_application",
    "return_temporary_card",
    "settle_medical_account",
    "sign_in",
    "unblock_pin",
    "within_warranty",
]

# Issue 14's partial articles (art. 6, 9, 10, 20): kept in one block.
from sscard.id_numbers import IdKind, IdNumberError, parse_id
from sscard.window.context import AgentGround
from sscard.window.workflows import (
    INITIAL_PINS,
    PersonalData,
    change_personal_data,
    change_pin,
)

__all__ += ["INITIAL_PINS", "AgentGround", "IdKind", "IdNumberError", "PersonalData", "change_personal_data",
            "change_pin", "parse_id"]
