"""Personalisation (card vendors): holder data, keys, PIN and access profile into a freshly installed card.

One flow for every application and every caller (:func:`personalise_application`: keys, PIN and try
limit, access profile, records of the root files then of each DF, END PERSONALISATION), through the
sessions' personalisation commands and a key store (:class:`~sscard.keys.IssuerKeys`), so the card keys
are diversified, and enciphered under the transport key, inside the key store: the host never holds a
card key in clear. The data was validated when :class:`~sscard.holder.PersonalisationData` was
built, so nothing reaches the card before every field is known good.

Nothing is written before every transport key the personalisation needs has been proven: the card alone
can judge a transport key (EXTERNAL AUTHENTICATE is the only proof: a key file's check value shows only that
the file holds the value it names, not that this card was installed with it), so :func:`personalise`
authenticates with the bank's transport key and then the issuer's before the first write, and a wrong key
stops everything with :class:`TransportKeyRefused`, one try of that key spent (at most one per key and
attempt: the card counts them, SSC-KEY-3).

Afterwards everything readable is read back and compared (:class:`PersonalisationReport` says what was
and what could not be checked before activation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sscard import spec_tables as t
from sscard.connection import Connection
from sscard.crypto import Algorithm
from sscard.errors import (
    AuthenticationBlocked,
    CardDataError,
    HolderDataError,
    PersonalisationError,
    SscardError,
    VerificationFailed,
    WrongCardState,
)
from sscard.finance import FinanceSession
from sscard.holder import CardData, FinanceData, HolderData, PersonalisationData
from sscard.keys import PERSO, BankCardIdentity, BankKeys, CardIdentity, IssuerKeys
from sscard.protocol import CardProtocol
from sscard.records import decode_records, encode_date
from sscard.session import ApplicationSession
from sscard.social import SocialSecuritySession, check_profile_algorithm
from sscard.spec_tables import Lifecycle
from sscard.tracing import Tracer

__all__ = [
    "PersonalisationReport",
    "Records",
    "TransportKeyRefused",
    "authenticate_transport_key",
    "card_identification",
    "check_keys_fit",
    "personalise",
    "personalise_application",
]


_TRANSPORT_KEYS = {"SSSE": ("the issuer's transport key", "keys.transport_key", "social security"),
                   "PBOC": ("the bank's transport key", "bank_keys.transport_key", "financial")}


class TransportKeyRefused(SscardError):
    """The card refused a transport (personalisation) key: EXTERNAL AUTHENTICATE answered 63CX (wrong key) or
    6983 (the key has no tries left). Personalisation stops before writing anything to either application.

    The card is the only judge of a transport key: a key file's check value proves only that the file holds
    the value it names, not that this card was installed with it, so the proof costs one of the key's tries
    when the key is wrong (at most one per key and personalisation attempt). ``key`` names the key file field
    (``bank_keys.transport_key``), ``application`` the card application, ``tries_left`` the tries the card says
    are left (0 when blocked); the card's refusal is the ``__cause__``.
    """

    def __init__(self, application: str, refusal: VerificationFailed | AuthenticationBlocked) -> None:
        what, field, name = _TRANSPORT_KEYS.get(application, (f"the {application} transport key", "transport_key",
                                                              application))
        self.application = application
        self.key = field
        self.tries_left = refusal.tries_left if isinstance(refusal, VerificationFailed) else 0
        if isinstance(refusal, VerificationFailed):
            problem = (f"the {name} application refused it (SW {refusal.sw:04X}: wrong key, {self.tries_left} "
                       f"{'try' if self.tries_left == 1 else 'tries'} left)")
        else:
            problem = f"the {name} application has blocked it (SW {refusal.sw:04X}: no tries left)"
        super().__init__(f"{what} ({field}) is not this card's: {problem}; nothing was written. The card alone "
                         "judges a transport key (its check value only shows the key file is consistent), and each "
                         "attempt spends at most one try of each key")


def authenticate_transport_key(session: ApplicationSession[Any]) -> None:
    """EXTERNAL AUTHENTICATE with the application's transport key (SSC-KEY-3, SSC-PERSO-2): the only proof that
    it is this card's. A wrong key spends one try and raises :class:`TransportKeyRefused`; the authentication
    lasts until the next SELECT of an application."""
    try:
        session.external_authenticate(PERSO)
    except (VerificationFailed, AuthenticationBlocked) as exc:
        raise TransportKeyRefused(session.application, exc) from exc


@dataclass(frozen=True)
class PersonalisationReport:
    """What personalisation did and what the read-back confirmed."""

    identity: CardIdentity
    social: Lifecycle
    finance: Lifecycle | None
    checked: tuple[str, ...]
    """Read back and equal (files), or proven by an authentication (keys)."""
    unchecked: tuple[str, ...]
    """Written but not verifiable before activation (and why)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.identity.identification_code().hex().upper(),
            "area_code": self.identity.area_code,
            "card_unique": self.identity.card_unique.hex().upper(),
            "applications": {"social": self.social.name,
                             "finance": self.finance.name if self.finance is not None else None},
            "checked": list(self.checked),
            "unchecked": list(self.unchecked),
        }


def check_keys_fit(data: PersonalisationData, keys: IssuerKeys, bank_keys: BankKeys | None) -> None:
    """Refuse, before any APDU, data and keys that do not go together."""
    if keys.application != "SSSE":
        raise HolderDataError("keys", f"{keys.application} keys given where the issuer's (SSSE) are needed")
    if data.card.area_code is not None and data.card.area_code != keys.city_code:
        raise HolderDataError("card.area_code", f"{data.card.area_code}, but the issuer keys serve city "
                                                f"{keys.city_code}")
    if data.finance is None and bank_keys is not None:
        raise HolderDataError("finance", "bank keys given but no financial data")
    if bank_keys is not None and bank_keys.application != "PBOC":
        raise HolderDataError("bank_keys", f"{bank_keys.application} keys given where the bank's (PBOC) are needed")
    try:  # a 2.0 card is a 3DES card, a 3.0 card an SM4 one (SSC-KEY-5, SSC-PERSO-5)
        check_profile_algorithm(data.social.access_profile, keys.algorithm)
    except ValueError as exc:
        raise HolderDataError("social.access_profile", str(exc)) from None
    if bank_keys is not None and bank_keys.algorithm is not Algorithm.TDES:
        raise HolderDataError("bank_keys", f"{bank_keys.algorithm.value} keys: the financial application is 3DES "
                                           "(SSC-KEY-5)")


def personalise(connection: Connection | CardProtocol, data: PersonalisationData, keys: IssuerKeys, *,
                bank_keys: BankKeys | None = None, tracers: Iterable[Tracer] = (),
                resume: bool = False) -> PersonalisationReport:
    """Personalise the social security application (and the financial one when ``data.finance`` and
    ``bank_keys`` are given: without the bank's keys the financial application is left in PERSONALISATION
    for the bank's vendor), close personalisation, read back and compare.

    Every transport key is proven before the first write: EXTERNAL AUTHENTICATE with the bank's (financial
    application), then the issuer's, which starts the social security application's personalisation; the
    financial application is authenticated again for its own (a SELECT ends an authentication). A wrong key
    raises :class:`TransportKeyRefused` with nothing written to either application and one try of that key
    spent: the card is the only judge of a transport key.

    The applications must be in PERSONALISATION (:class:`~sscard.errors.WrongCardState` otherwise) unless
    ``resume``: then a card cut off half-way is finished where it stopped (SSC-HOST-6) — an application
    already ISSUED is left as it is once the card is shown to be this holder's (card number in EF05, social
    security number in EF06; another holder's card is :class:`~sscard.errors.WrongCardState` with nothing
    written), the others are personalised, and everything is read back. An application still in
    PERSONALISATION is personalised from the start again (every write of the flow may be repeated). Raises
    :class:`~sscard.errors.PersonalisationError` when the read-back differs.
    """
    check_keys_fit(data, keys, bank_keys)
    protocol = connection if isinstance(connection, CardProtocol) else CardProtocol.of(connection)
    protocol.tracers.extend(tracers)
    social = SocialSecuritySession(protocol, keys=keys)
    social_done = _personalised_already(social, "social security", resume)
    identity = _read_identity(social, keys.city_code)
    bank_identity: BankCardIdentity | None = None
    finance: FinanceSession | None = None
    finance_done = False
    if data.finance is not None and bank_keys is not None:
        finance = FinanceSession(protocol, keys=bank_keys)
        finance_done = _personalised_already(finance, "financial", resume)
        if finance_done and not social_done:
            # The flow finishes the social security application first: this card was not ours to resume.
            raise WrongCardState("the financial application is ISSUED but the social security application is "
                                 "not: this card was not cut off in sscard's personalisation; nothing was written")
        bank_identity = BankCardIdentity(data.finance.pan, data.finance.pan_sequence)
    if social_done:
        _require_same_holder(social, data)

    if finance is not None and not finance_done:
        authenticate_transport_key(finance)  # the bank's key proven before anything is written
    if not social_done:
        _personalise_social(social, data, identity)  # the issuer's key proven by its first command
    if finance is not None and not finance_done:
        assert data.finance is not None and bank_identity is not None
        _personalise_finance(finance, data.finance, bank_identity)
    return _read_back(protocol, data, keys, bank_keys, identity)


def _personalised_already(session: ApplicationSession[Any], what: str, resume: bool) -> bool:
    """False for an application in PERSONALISATION; True for one ISSUED when resuming; else WrongCardState."""
    state = session.lifecycle(refresh=True)
    if state is Lifecycle.PERSONALISATION:
        return False
    if resume and state is Lifecycle.ISSUED:
        return True
    raise WrongCardState(f"the {what} application is {state.name}, not PERSONALISATION: this card has been "
                         "personalised already")


def _require_same_holder(social: SocialSecuritySession, data: PersonalisationData) -> None:
    """A card is resumed only for the holder it was started for (SSC-HOST-6): EF05's card number and EF06's
    social security number must be this holder's. The values are personal data: only the field is named."""
    social.external_authenticate("RK")  # opens EF05's card number and EF06 on profile 3.0 cards
    if social.read_card_info().card_number != data.card.card_number:
        raise WrongCardState("this card was personalised with another card number (EF05): it is not this holder's "
                             "card to resume; nothing was written")
    if social.read_holder().social_security_number != data.holder.social_security_number:
        raise WrongCardState("this card was personalised for another holder (EF06 social security number): "
                             "nothing was written")
    social.lifecycle(refresh=True)  # a fresh selection: the authentication ends before anything else is sent


def card_identification(connection: Connection | CardProtocol) -> CardIdentity:
    """The card's identity as EF05 record 1 holds it (SSC-FILE-4): the area code (000000 until personalised)
    and the 8 card-unique bytes the vendor installed, which never change: what tells two cards apart on a
    personalisation line. Readable in every lifecycle state but TERMINATED."""
    protocol = connection if isinstance(connection, CardProtocol) else CardProtocol.of(connection)
    session = SocialSecuritySession(protocol)
    session.lifecycle(refresh=True)
    try:
        return CardIdentity.from_identification_code(_identification_code(session))
    except ValueError as exc:
        raise CardDataError(f"EF05 record 1: {exc}") from None


def _identification_code(session: SocialSecuritySession) -> bytes:
    item = t.FILES["EF05"].records[0].items[0]
    code = decode_records("EF05", session.read_record(t.FILES["EF05"].sfi, 1), 1, 1)[1][item.tag]
    if not isinstance(code, bytes):
        raise CardDataError("EF05 record 1 is not a card identification code")
    return code


def _read_identity(session: SocialSecuritySession, city_code: str) -> CardIdentity:
    """The card-unique bytes from EF05 record 1 as installed (SSC-FILE-4), with the keys' city."""
    code = _identification_code(session)
    try:
        installed = CardIdentity.from_identification_code(code)
    except ValueError as exc:
        raise CardDataError(f"EF05 record 1: {exc}") from None
    return CardIdentity(city_code, installed.card_unique)


Records = Mapping[str, Mapping[bytes, "str | bytes"]]
"""What personalisation writes into an application's files: file name -> item tag -> value (digits, text
or bytes as :func:`sscard_core.codec.encode_value` takes them)."""


def personalise_application(session: ApplicationSession[Any], card: Any, *, pin: str, pin_try_limit: int,
                            records: Records, access_profile: str | None = None) -> None:
    """The personalisation flow of one application, the only one there is (SSC-PERSO-1..5): EXTERNAL
    AUTHENTICATE with the transport key (:func:`authenticate_transport_key`: nothing is written unless the
    card accepts it), every card key (PUT KEY, diversified for ``card`` by the session's key store), the PIN
    and its try limit, the access profile (social security application), the records of the root files then
    of each DF, END PERSONALISATION.

    The application must be in PERSONALISATION; nothing here validates holder data (callers do).
    """
    app = session.application
    if access_profile is not None and session.keys is not None:  # before any APDU: no try spent on wrong keys
        check_profile_algorithm(access_profile, session.keys.algorithm)
    authenticate_transport_key(session)
    for role in t.KEYS[app]:
        if role != PERSO:
            session.put_key(role, card)
    session.set_pin(pin, pin_try_limit)
    if access_profile is not None:
        if not isinstance(session, SocialSecuritySession):
            raise ValueError(f"the {app} application has no access profiles")
        session.set_access_profile(access_profile)
    files = sorted(records, key=lambda f: (t.FILES[f].df, f))
    current_df = ""
    for file in files:
        spec = t.FILES[file]
        if spec.application != app:
            raise ValueError(f"{file} is not a file of the {app} application")
        if spec.df != current_df:
            assert isinstance(session, SocialSecuritySession)  # only the social application has DFs
            session.select_df(spec.df)
            current_df = spec.df
        given = records[file]
        for record in spec.records:
            values = {i.tag: given[i.tag] for i in record.items if i.tag in given}
            if values:
                session.write_record(file, record.number, values)
    if current_df:
        assert isinstance(session, SocialSecuritySession)
        session.select_root()
    session.end_personalisation()


def _ef05_values(card: CardData, identity: CardIdentity) -> dict[bytes, str | bytes]:
    values: dict[int, str | bytes] = {
        1: identity.identification_code(), 2: card.card_type, 3: card.spec_version, 4: card.issuer_org,
        5: encode_date(card.issue_date), 6: encode_date(card.expiry_date), 7: card.card_number}
    return {r.items[0].tag: values[r.number] for r in t.FILES["EF05"].records}


def _holder_values(holder: HolderData) -> dict[bytes, str | bytes]:
    values = holder.items()
    return {r.items[0].tag: values[r.number] for r in t.FILES["EF06"].records if r.number in values}


def _personalise_social(session: SocialSecuritySession, data: PersonalisationData, identity: CardIdentity) -> None:
    records: dict[str, Mapping[bytes, str | bytes]] = {
        "EF05": _ef05_values(data.card, identity), "EF06": _holder_values(data.holder)}
    for file, values in data.sub_applications.items():
        records[file] = {bytes.fromhex(tag): value for tag, value in values.items()}
    personalise_application(session, identity, pin=data.social.initial_pin, pin_try_limit=data.social.pin_try_limit,
                            records=records, access_profile=data.social.access_profile)


def _finance_values(finance: FinanceData) -> dict[bytes, str | bytes]:
    return {b"\x5a": finance.pan, b"\x5f\x34": finance.pan_sequence,
            b"\x5f\x24": finance.expiry_date.strftime("%y%m%d"), b"\x5f\x25": finance.effective_date.strftime("%y%m%d"),
            b"\x5f\x20": finance.cardholder_name}


def _personalise_finance(session: FinanceSession, finance: FinanceData, identity: BankCardIdentity) -> None:
    personalise_application(session, identity, pin=finance.initial_pin, pin_try_limit=finance.pin_try_limit,
                            records={"FIN_SFI1": _finance_values(finance)})


# ---------------------------------------------------------------------------------- read-back


def _compare(field: str, card: object, written: object) -> None:
    if card != written:
        # The values may be personal data: name the field only.
        raise PersonalisationError(field, "the card holds another value than the one written")


def _read_back(protocol: CardProtocol, data: PersonalisationData, keys: IssuerKeys, bank_keys: BankKeys | None,
               identity: CardIdentity) -> PersonalisationReport:
    checked: list[str] = []
    unchecked: list[str] = []
    social = SocialSecuritySession(protocol, keys=keys)
    state = social.lifecycle(refresh=True)
    if state is not Lifecycle.ISSUED:
        raise PersonalisationError("social.lifecycle", f"{state.name}, expected ISSUED")
    checked.append("social lifecycle ISSUED")
    social.external_authenticate("RK")  # proves RKSSSE, and opens EF06 on profile 3.0 cards
    checked.append("key RK (external authentication)")
    info = social.read_card_info()
    card = data.card
    _compare("card.card_id", info.card_id, identity.identification_code())
    for name in ("card_type", "spec_version", "issuer_org", "issue_date", "expiry_date", "card_number"):
        _compare(f"card.{name}", getattr(info, name), getattr(card, name))
    checked.append("EF05")
    holder = social.read_holder()
    expected: HolderData = data.holder
    for name in ("social_security_number", "name", "name_extension", "sex", "ethnicity", "birthplace",
                 "birth_date"):
        _compare(f"holder.{name}", getattr(holder, name), getattr(expected, name))
    checked.append("EF06")
    social.authenticate_card()
    checked.append("key IK (internal authentication)")
    unchecked.append("keys MAINT, UNBLOCK, RELOAD: MAC'd commands change state (checked at activation)")
    unchecked.append("social PIN and try limit: VERIFY needs an ACTIVE application")
    if data.sub_applications:
        unchecked.append("sub-application records: readable only while ACTIVE (SSC-ACC-5)")
    finance_state: Lifecycle | None = None
    if data.finance is not None and bank_keys is not None:
        finance = FinanceSession(protocol, keys=bank_keys)
        finance_state = finance.lifecycle(refresh=True)
        if finance_state is not Lifecycle.ISSUED:
            raise PersonalisationError("finance.lifecycle", f"{finance_state.name}, expected ISSUED")
        checked.append("finance lifecycle ISSUED")
        account = finance.read_account()
        for name in ("pan", "pan_sequence", "effective_date", "expiry_date", "cardholder_name"):
            _compare(f"finance.{name}", getattr(account, name), getattr(data.finance, name))
        checked.append("FIN_SFI1")
        _compare("finance.pin_try_limit", finance.pin_tries_left(), data.finance.pin_try_limit)
        checked.append("finance PIN try limit (GET DATA 9F17)")
        unchecked.append("bank keys MAINT, ENC and the financial PIN: checked at activation at the bank")
    elif data.finance is not None:
        unchecked.append("financial application: not personalised (no bank keys), left in PERSONALISATION")
    return PersonalisationReport(identity, state, finance_state, tuple(checked), tuple(unchecked))
