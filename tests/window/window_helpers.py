"""Helpers of the window tests: people with valid social security numbers, fake cards, reference-model cards
personalised with the example keys, windows of each side."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import itertools
import json
from dataclasses import dataclass, field

from apdu_spec.model import CardModel, CardProfile
from sscard import ModelConnection, examples, load_key_file, personalise
from sscard.crypto import Algorithm
from sscard.holder import gb11643_check_character, parse_personalisation_data
from sscard.keys import SoftwareBankKeys, SoftwareIssuerKeys
from sscard.spec_tables import Lifecycle
from sscard.window import (
    FakeCard,
    FakeCardOperations,
    FixedClock,
    Function,
    Registry,
    SessionCardOperations,
    Side,
    Window,
    add_years,
    apply_for_card,
    collect_card,
    record_production,
    register_person,
)

HOLDER = json.loads(examples.read_text(examples.HOLDER))
SSN = HOLDER["holder"]["social_security_number"]
SOCIAL_PIN = HOLDER["social"]["initial_pin"]
FINANCE_PIN = HOLDER["finance"]["initial_pin"]
Keys = tuple[SoftwareIssuerKeys, SoftwareBankKeys]


@functools.cache
def example_keys(*, sm4: bool = False) -> Keys:
    """The example (TEST) issuer and bank keys; ``sm4``: the issuer keys of a 3rd-generation card (SSC-KEY-5)."""
    issuer = load_key_file(examples.path(examples.ISSUER_KEYS_SM4 if sm4 else examples.ISSUER_KEYS))
    bank = load_key_file(examples.path(examples.BANK_KEYS))
    assert isinstance(issuer, SoftwareIssuerKeys) and isinstance(bank, SoftwareBankKeys)
    return issuer, bank


def model_card(n: int, keys: Keys, *, temporary: bool = False,
               issued: _dt.date = _dt.date(2025, 3, 3)) -> ModelConnection:
    """A personalised (ISSUED) reference-model card with card-unique bytes ``n``, card number ``K%08d``; of the
    issuer keys' generation: SM4 keys make a 3rd-generation card, access profile 3.0 (SSC-KEY-5, SSC-PERSO-5)."""
    access_profile = "3.0" if keys[0].algorithm is Algorithm.SM4 else "2.0"
    profile = dataclasses.replace(CardProfile.example(temporary=temporary, access_profile=access_profile),
                                  card_unique=n.to_bytes(8, "big"))
    connection = ModelConnection(CardModel(profile))
    obj = json.loads(json.dumps(HOLDER))
    obj["card"]["spec_version"] = access_profile + "0"
    obj["social"]["access_profile"] = access_profile
    obj["card"].update(card_number=f"K{n:08d}", issue_date=issued.isoformat(),
                       expiry_date=(issued + _dt.timedelta(days=89) if temporary
                                    else issued.replace(year=issued.year + 10)).isoformat())
    if temporary:
        obj["card"]["card_type"] = "2"
        del obj["finance"]
    personalise(connection, parse_personalisation_data(obj), keys[0], bank_keys=None if temporary else keys[1])
    connection.reset()
    return connection


def model_ops(connection: ModelConnection, keys: Keys, side: Side) -> SessionCardOperations:
    """The card operations of a window of ``side`` (a terminal holds both sides' keys)."""
    return SessionCardOperations(
        connection,
        issuer_keys=keys[0] if side in (Side.SOCIAL, Side.TERMINAL) else None,
        bank_keys=keys[1] if side in (Side.BANK, Side.TERMINAL) else None)

MONDAY = _dt.date(2025, 3, 3)
_serial = itertools.count(1)


def make_ssn(birth: _dt.date, sequence: int) -> str:
    body = f"440203{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + gb11643_check_character(body)


def card_id_for(n: int) -> str:
    return f"440200D156000005{n:016X}"


@dataclass
class Issued:
    ssn: str
    card_number: str
    card: FakeCard
    application_id: int


@dataclass
class World:
    registry: Registry
    clock: FixedClock = field(default_factory=lambda: FixedClock(MONDAY))

    def __post_init__(self) -> None:
        self.social = self.window(Side.SOCIAL, "SG-SOCIAL-1")
        self.social2 = self.window(Side.SOCIAL, "SG-SOCIAL-2")
        self.bank = self.window(Side.BANK, "ICBC-SG-1", bank="ICBC")
        self.social_platform = self.window(Side.SOCIAL_PLATFORM, "12333-hotline")
        self.bank_platform = self.window(Side.BANK_PLATFORM, "ICBC-95588", bank="ICBC")
        self.terminal = self.window(Side.TERMINAL, "hospital-1")

    def window(self, side: Side, window_id: str, **kw: object) -> Window:
        return Window(self.registry, operator=f"op-{window_id}", window_id=window_id, side=side, clock=self.clock,
                      **kw)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ people and cards
    def person(self, age: int = 30, *, photo: bool = True, insured: bool = True) -> str:
        n = next(_serial)
        birth = add_years(self.clock.today(), -age) - _dt.timedelta(days=1 + n % 300)
        ssn = make_ssn(birth, n)
        register_person(self.social, ssn, f"测试{n}", photo_on_file=photo, insured=insured)
        return ssn

    def new_card(self, *, temporary: bool = False) -> FakeCard:
        n = next(_serial)
        return FakeCard(card_id_for(n), f"K{n:07d}0", Lifecycle.ISSUED, None if temporary else Lifecycle.ISSUED)

    def ops(self, card: FakeCard, side: Side = Side.SOCIAL) -> FakeCardOperations:
        authorities = {Side.SOCIAL: {Function.SOCIAL}, Side.BANK: {Function.FINANCIAL},
                       Side.TERMINAL: {Function.SOCIAL, Function.FINANCIAL}}.get(side, set())
        return FakeCardOperations(card, frozenset(authorities))

    def produce(self, application_id: int) -> FakeCard:
        card = self.new_card()
        record_production(self.social, application_id, card_number=card.card_number, card_id=card.card_id)
        return card

    def issued(self, age: int = 30, *, financial: bool = False) -> Issued:
        """A person with a collected card (social function active; financial too when asked)."""
        ssn = self.person(age)
        app = apply_for_card(self.social, ssn, bank="ICBC").application
        assert app is not None
        card = self.produce(app.id)
        collect_card(self.social, card.card_number, self.ops(card))
        if financial:
            from sscard.window import activate_financial

            activate_financial(self.bank, card.card_number, self.ops(card, Side.BANK))
        return Issued(ssn, card.card_number, card, app.id)


def produce_model_card(world: World, card: ModelConnection, keys: Keys, card_number: str) -> None:
    """The example holder (SSN) registered, their application taken and ``card`` (a reference-model card
    personalised for them) recorded as produced for it under ``card_number``: ready to be collected."""
    identity = model_ops(card, keys, Side.SOCIAL).read_card_identity()
    assert identity.card_id is not None
    register_person(world.social, SSN, "张三", photo_on_file=True)
    app = apply_for_card(world.social, SSN, bank="ICBC").application
    assert app is not None
    record_production(world.social, app.id, card_number=card_number, card_id=identity.card_id)
