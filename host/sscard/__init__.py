"""sscard: host library for the social security card (社会保障卡).

Connections move APDUs to a card (a PC/SC reader, the jCardSim simulator or the reference model);
everything above them is independent of which card kind it talks to:

- :class:`CardProtocol`: the protocol chain (ISO 7816-4 encoding, 61XX GET RESPONSE, 6CXX re-send, secure
  messaging) with masked APDU tracing (:mod:`sscard.tracing`);
- :class:`SocialSecuritySession` and :class:`FinanceSession`: the two card applications, typed;
- :class:`IssuerKeys` / :class:`BankKeys`: the key stores an HSM or PSAM adapter implements
  (:class:`SoftwareIssuerKeys` / :class:`SoftwareBankKeys` over key files, for tests and demos);
- :func:`personalise` with :class:`PersonalisationData` (validated holder data) for card vendors.

Errors derive from :class:`SscardError`; refused commands raise :class:`ApduError` subclasses that keep
the raw status word (``.sw``) and data (``.data``).

The names below are imported on first use (PEP 562), so that ``import sscard`` (and ``sscard --help``)
stays fast and loads neither cryptography nor pyscard until something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sscard._version import __version__

if TYPE_CHECKING:
    from sscard.connection import (
        Connection,
        ModelConnection,
        PcscConnection,
        SimulatorConnection,
        reader_names,
        send_and_receive,
    )
    from sscard.errors import (
        ApduError,
        ApplicationTerminated,
        AuthenticationBlocked,
        CardAuthenticationFailed,
        CardConnectionError,
        CardDataError,
        ChallengeMissing,
        ConditionsNotSatisfied,
        FileNotFound,
        HolderDataError,
        KeyBlocked,
        KeyFileError,
        MacKeyBlocked,
        NoReaderError,
        PersonalisationError,
        PinBlocked,
        PinFormatError,
        RecordNotFound,
        SecurityConditionNotSatisfied,
        SimulatorError,
        SscardError,
        UnsupportedOperation,
        VerificationFailed,
        WrongCardState,
        WrongCryptogram,
        WrongMac,
        WrongPin,
    )
    from sscard.finance import FinanceAccount, FinanceSession
    from sscard.holder import (
        CardData,
        FinanceData,
        HolderData,
        PersonalisationData,
        SocialData,
        load_personalisation_file,
    )
    from sscard.keys import (
        BankCardIdentity,
        BankKeys,
        CardIdentity,
        IssuerKeys,
        SoftwareBankKeys,
        SoftwareIssuerKeys,
        load_key_file,
    )
    from sscard.personalisation import PersonalisationReport, personalise
    from sscard.protocol import CardProtocol
    from sscard.session import Fci, PinStatus
    from sscard.social import CardInfo, Holder, SocialSecuritySession
    from sscard.spec_tables import SW, Lifecycle
    from sscard.tracing import LoggingTracer, RecordingTracer, TraceEntry, Tracer

# Where each public name lives.
_HOME: dict[str, str] = {
    "ApduError": "sscard.errors",
    "ApplicationTerminated": "sscard.errors",
    "AuthenticationBlocked": "sscard.errors",
    "BankCardIdentity": "sscard.keys",
    "BankKeys": "sscard.keys",
    "CardAuthenticationFailed": "sscard.errors",
    "CardConnectionError": "sscard.errors",
    "CardData": "sscard.holder",
    "CardDataError": "sscard.errors",
    "CardIdentity": "sscard.keys",
    "CardInfo": "sscard.social",
    "CardProtocol": "sscard.protocol",
    "ChallengeMissing": "sscard.errors",
    "ConditionsNotSatisfied": "sscard.errors",
    "Connection": "sscard.connection",
    "Fci": "sscard.session",
    "FileNotFound": "sscard.errors",
    "FinanceAccount": "sscard.finance",
    "FinanceData": "sscard.holder",
    "FinanceSession": "sscard.finance",
    "Holder": "sscard.social",
    "HolderData": "sscard.holder",
    "HolderDataError": "sscard.errors",
    "IssuerKeys": "sscard.keys",
    "KeyBlocked": "sscard.errors",
    "KeyFileError": "sscard.errors",
    "Lifecycle": "sscard.spec_tables",
    "LoggingTracer": "sscard.tracing",
    "MacKeyBlocked": "sscard.errors",
    "ModelConnection": "sscard.connection",
    "NoReaderError": "sscard.errors",
    "PcscConnection": "sscard.connection",
    "PersonalisationData": "sscard.holder",
    "PersonalisationError": "sscard.errors",
    "PersonalisationReport": "sscard.personalisation",
    "PinBlocked": "sscard.errors",
    "PinFormatError": "sscard.errors",
    "PinStatus": "sscard.session",
    "RecordNotFound": "sscard.errors",
    "RecordingTracer": "sscard.tracing",
    "SW": "sscard.spec_tables",
    "SecurityConditionNotSatisfied": "sscard.errors",
    "SimulatorConnection": "sscard.connection",
    "SimulatorError": "sscard.errors",
    "SocialData": "sscard.holder",
    "SocialSecuritySession": "sscard.social",
    "SoftwareBankKeys": "sscard.keys",
    "SoftwareIssuerKeys": "sscard.keys",
    "SscardError": "sscard.errors",
    "TraceEntry": "sscard.tracing",
    "Tracer": "sscard.tracing",
    "UnsupportedOperation": "sscard.errors",
    "VerificationFailed": "sscard.errors",
    "WrongCardState": "sscard.errors",
    "WrongCryptogram": "sscard.errors",
    "WrongMac": "sscard.errors",
    "WrongPin": "sscard.errors",
    "load_key_file": "sscard.keys",
    "load_personalisation_file": "sscard.holder",
    "personalise": "sscard.personalisation",
    "reader_names": "sscard.connection",
    "send_and_receive": "sscard.connection",
}

__all__ = [
    "SW",
    "ApduError",
    "ApplicationTerminated",
    "AuthenticationBlocked",
    "BankCardIdentity",
    "BankKeys",
    "CardAuthenticationFailed",
    "CardConnectionError",
    "CardData",
    "CardDataError",
    "CardIdentity",
    "CardInfo",
    "CardProtocol",
    "ChallengeMissing",
    "ConditionsNotSatisfied",
    "Connection",
    "Fci",
    "FileNotFound",
    "FinanceAccount",
    "FinanceData",
    "FinanceSession",
    "Holder",
    "HolderData",
    "HolderDataError",
    "IssuerKeys",
    "KeyBlocked",
    "KeyFileError",
    "Lifecycle",
    "LoggingTracer",
    "MacKeyBlocked",
    "ModelConnection",
    "NoReaderError",
    "PcscConnection",
    "PersonalisationData",
    "PersonalisationError",
    "PersonalisationReport",
    "PinBlocked",
    "PinFormatError",
    "PinStatus",
    "RecordNotFound",
    "RecordingTracer",
    "SecurityConditionNotSatisfied",
    "SimulatorConnection",
    "SimulatorError",
    "SocialData",
    "SocialSecuritySession",
    "SoftwareBankKeys",
    "SoftwareIssuerKeys",
    "SscardError",
    "TraceEntry",
    "Tracer",
    "UnsupportedOperation",
    "VerificationFailed",
    "WrongCardState",
    "WrongCryptogram",
    "WrongMac",
    "WrongPin",
    "__version__",
    "load_key_file",
    "load_personalisation_file",
    "personalise",
    "reader_names",
    "send_and_receive",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'sscard' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once imported, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
