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
"""

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
    "load_key_file",
    "load_personalisation_file",
    "personalise",
    "reader_names",
    "send_and_receive",
]
__version__ = "0.1.0"
