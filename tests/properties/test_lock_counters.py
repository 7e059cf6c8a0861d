"""Property-based check of the lock counters: the applet and the reference model agree on every
status word, every try counter and every lifecycle state over any sequence of operations: PINs, the
external authentication key, the MAC keys' failure counters and their reset by the issuer, on cards of
both access profiles (whose challenge lengths differ) and so of both algorithms: a 3.0 card is an SM4 card,
whose MACs, cryptograms and enciphered PINs are SM4 ones (SSC-KEY-5). The SM4 card kinds run 3.0 cards only.

A hypothesis state machine drives a fresh personalised card and a model of the same profile in
lock-step (tests/properties/twin.py). Budgets: the default profile fits CI; set
``HYPOTHESIS_PROFILE=thorough`` (or ``make test-thorough``) for long runs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from apdus import build, challenge_iv
from cards import CardFactory, base_kind, personalised_model
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from select_forms import select_forms
from twin import (
    OTHER_BANK_KEYS,
    OTHER_CARD_KEYS,
    SPEC,
    STATS,
    Twin,
    finance_pin_block,
    mac_command,
    social_pin_data,
)

from apdu_spec.model import CardProfile
from sscard import crypto

APPS = ("SSSE", "PBOC")
PINS = st.text(alphabet="0123456789", min_size=4, max_size=8)
KEY_CHOICE = st.sampled_from(["right", "wrong", "other_card"])
ISSUER_COMMANDS = {
    "SSSE": ["PIN_UNBLOCK", "RELOAD_PIN", "ACTIVATE", "APPLICATION_BLOCK", "APPLICATION_UNBLOCK", "CARD_BLOCK"],
    "PBOC": ["PIN_UNBLOCK", "RELOAD_PIN", "ACTIVATE", "APPLICATION_BLOCK", "APPLICATION_UNBLOCK", "CARD_BLOCK"],
}
# Which key a MAC'd command is MAC'd (and, for RELOAD PIN, enciphered) under.
MAC_KEY = {(app, name): SPEC.applications[app].commands[name].sm_key for app in APPS for name in ISSUER_COMMANDS[app]}
# RESET KEY COUNTER forms (SSC-KEY-6): (command, P1-P2) of every key the SSSE can reset.
RESETS = [(c.name, p) for c in SPEC.applications["SSSE"].commands.values() if c.action == "reset_key_counter"
          for p in c.p1p2 or ()]
# 16 is an SM4 card's challenge (GET CHALLENGE Le 10); a 3DES card refuses it, and the model with it
CHALLENGE_LENGTHS = st.sampled_from([4, 8, 8, 16])



class LockCounters(RuleBasedStateMachine):
    """Rules are what a terminal, a holder and an issuer can do; every response is compared.

    Each instance drives cards of its own ``factory`` (hypothesis makes one per example through the
    callable given to ``run_state_machine_as_test``). Nothing is set on the class, so one test's card
    kind cannot leak into the next test, nor into another running at the same time."""

    def __init__(self, factory: CardFactory) -> None:
        super().__init__()
        self.factory = factory

    @initialize(access_profile=st.sampled_from(["2.0", "3.0"]))
    def fresh_card(self, access_profile: str) -> None:
        if self.factory.sm4:
            access_profile = "3.0"
        self.profile = profile = CardProfile.example(access_profile=access_profile)
        model = personalised_model(profile, spec=SPEC)
        self.twin = Twin(model, self.factory(profile), self.factory.kind)
        STATS[f"state machine examples ({self.twin.kind})"] += 1
        self.model = model
        self.pins = {"SSSE": profile.ssse.pin, "PBOC": profile.pboc.pin if profile.pboc else ""}
        self.selected: str | None = None
        self.tries_before = self._tries()

    def teardown(self) -> None:
        # Each example has its own card: release its reader handle now (pcscd allows a reader only a
        # few open handles, and a long run makes thousands).
        if hasattr(self, "twin"):
            self.twin.card.close()

    def _alg(self, app: str) -> crypto.Algorithm:
        """The algorithm of ``app``'s keys on this card (SSC-KEY-5): the financial application is 3DES."""
        return crypto.Algorithm.SM4 if app == "SSSE" and self.profile.ssse.algorithm == "SM4" else crypto.Algorithm.TDES

    def _tries(self) -> dict[str, int]:
        return {app: self.model.pin_tries(app) for app in self.model.applications}

    def _keys(self, app: str, choice: str) -> dict[str, bytes]:
        own = self.profile.ssse.keys if app == "SSSE" else self.profile.pboc.keys  # type: ignore[union-attr]
        if choice == "right":
            return dict(own)
        if choice == "other_card":
            return OTHER_CARD_KEYS if app == "SSSE" else OTHER_BANK_KEYS
        return {role: bytes(16) for role in own}

    # ---------------------------------------------------------------------------------- rules
    @rule(app=st.sampled_from(APPS))
    def select(self, app: str) -> None:
        aid = SPEC.applications[app].aid
        if self.twin.send(bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid) == 0x9000:
            self.selected = app
        for name in self.model.applications:  # SELECT ends PIN validation
            assert not self.model.pin_verified(name)

    @rule(apdu=select_forms())
    def odd_select(self, apdu: bytes) -> None:
        """A SELECT of any form: only 00 A4 04 00 with a full AID selects (and ends the session, SSC-APP-3);
        every other one leaves the selection and the session as they were (SSC-APP-6, SSC-APP-7)."""
        verified = {name: self.model.pin_verified(name) for name in self.model.applications}
        before = self.model.selected
        self.twin.send(apdu, random_data=False)
        self.selected = self.model.selected
        if self.selected == before and apdu[:4] != b"\x00\xa4\x04\x00":
            assert {name: self.model.pin_verified(name) for name in self.model.applications} == verified

    @rule()
    def power_cycle(self) -> None:
        self.twin.power_cycle()
        self.selected = None
        for name in self.model.applications:
            assert not self.model.pin_verified(name), "PIN validation survived a power cycle"

    @precondition(lambda self: self.selected is not None)
    @rule(kind=st.sampled_from(["right", "wrong", "empty", "wrong_length"]), pin=PINS)
    def verify(self, kind: str, pin: str) -> None:
        app = self.selected
        assert app is not None
        current = self.pins[app]
        value = {"right": current, "wrong": pin if pin != current else current[::-1] + "1"}.get(kind, current)
        if app == "SSSE":
            data = b"" if kind == "empty" else social_pin_data(value)
            p2 = 0x00
        else:
            data = b"" if kind == "empty" else finance_pin_block(value)
            p2 = 0x80
        if kind == "wrong_length":
            data = data + b"\x12" * 7
        apdu = bytes([0x00, 0x20, 0x00, p2]) + (bytes([len(data)]) + data if data else b"")
        self.twin.send(apdu)

    @precondition(lambda self: self.selected == "SSSE")
    @rule(old_right=st.booleans(), new=PINS)
    def change_pin(self, old_right: bool, new: str) -> None:
        old = self.pins["SSSE"] if old_right else self.pins["SSSE"][::-1] + "9"
        data = social_pin_data(old) + b"\xff" + social_pin_data(new)
        if self.twin.send(bytes([0x80, 0x5E, 0x01, 0x00, len(data)]) + data) == 0x9000:
            self.pins["SSSE"] = new

    @precondition(lambda self: self.selected is not None)
    @rule(data=st.data(), keys=KEY_CHOICE, spoil=st.sampled_from([None, None, None, "flip", "truncate"]), new=PINS,
          challenge_length=CHALLENGE_LENGTHS)
    def issuer_command(self, data: st.DataObject, keys: str, spoil: str | None, new: str,
                       challenge_length: int) -> None:
        app = self.selected
        assert app is not None
        name = data.draw(st.sampled_from(ISSUER_COMMANDS[app]), label="command")
        key_set = self._keys(app, keys)
        payload = b""
        if name == "RELOAD_PIN":
            if app == "SSSE":
                payload = crypto.encipher_data(key_set["RELOAD"], social_pin_data(new), self._alg(app))
            else:
                payload = crypto.encipher_data(key_set["ENC"], finance_pin_block(new), self._alg(app))
        role = MAC_KEY[(app, name)]
        assert role is not None
        sw = self.twin.send_built(mac_command(app, name, key_set[role], payload, spoil=spoil,
                                              challenge_length=challenge_length, algorithm=self._alg(app)))
        if sw == 0x9000 and name == "RELOAD_PIN":
            self.pins[app] = new

    @precondition(lambda self: self.selected is not None)
    @rule(data=st.data(), count=st.integers(1, 16))
    def wrong_mac_burst(self, data: st.DataObject, count: int) -> None:
        """Wrong MACs in a row under one MAC key: up to its limit and past it (SSC-SM-6)."""
        app = self.selected
        assert app is not None
        name = data.draw(st.sampled_from(ISSUER_COMMANDS[app]), label="command")
        role = MAC_KEY[(app, name)]
        assert role is not None
        for _ in range(count):
            self.twin.send_built(mac_command(app, name, self._keys(app, "right")[role], spoil="flip",
                                             algorithm=self._alg(app)))

    @precondition(lambda self: self.selected == "SSSE")
    @rule(reset=st.sampled_from(RESETS), keys=KEY_CHOICE, challenge_length=CHALLENGE_LENGTHS)
    def reset_key_counter(self, reset: tuple[str, int], keys: str, challenge_length: int) -> None:
        """The issuer's RESET KEY COUNTER (SSC-KEY-6), with right or wrong keys."""
        name, p1p2 = reset
        role = SPEC.applications["SSSE"].commands[name].sm_key
        assert role is not None
        self.twin.send_built(mac_command("SSSE", name, self._keys("SSSE", keys)[role], p1p2=p1p2,
                                         challenge_length=challenge_length, algorithm=self._alg("SSSE")))

    @precondition(lambda self: self.selected == "SSSE")
    @rule(right=st.booleans(), challenge_length=CHALLENGE_LENGTHS)
    def external_authenticate(self, right: bool, challenge_length: int) -> None:
        """EXTERNAL AUTHENTICATE with RK: garbage spends its tries (SSC-KEY-3); a 3.0 card wants 8 bytes."""
        key = self._keys("SSSE", "right" if right else "wrong")["RK"]
        algorithm = self._alg("SSSE")

        def make(transmit: Callable[[bytes], bytes]) -> bytes:
            response = transmit(build(SPEC, "SSSE", "GET_CHALLENGE", le=challenge_length))
            challenge = response[:-2] if len(response) > 2 else bytes(min(challenge_length, algorithm.block_size))
            cryptogram = crypto.encrypt_ecb(key, challenge_iv(challenge, algorithm), algorithm)
            return build(SPEC, "SSSE", "EXTERNAL_AUTHENTICATE", cryptogram, p1=0, p2=0x02)

        self.twin.send_built(make)

    @precondition(lambda self: self.selected is not None)
    @rule(other=st.sampled_from(["VERIFY_EMPTY", "GET_CHALLENGE"]))
    def stale_challenge(self, other: str) -> None:
        """A challenge is good for the next command only: spend it on another command, then MAC."""
        app = self.selected
        assert app is not None
        challenges: dict[str, bytes] = {}

        def make(transmit: Callable[[bytes], bytes]) -> bytes:
            response = transmit(build(SPEC, app, "GET_CHALLENGE", le=4))
            challenges["c"] = response[:-2] if len(response) > 2 else bytes(4)
            return build(SPEC, app, "GET_CHALLENGE", le=4) if other == "GET_CHALLENGE" else bytes(
                [0x00, 0x20, 0x00, 0x00 if app == "SSSE" else 0x80])

        self.twin.send_built(make, random_data=other == "GET_CHALLENGE")
        # Now MAC a command with the first challenge: spent (or replaced), so no side may accept it.
        key = self._keys(app, "right")["MAINT"]
        cmd = SPEC.applications[app].commands["APPLICATION_UNBLOCK"]
        header = bytes([cmd.cla, cmd.ins, 0, 0, 4])
        algorithm = self._alg(app)
        iv = challenge_iv(challenges["c"], algorithm)
        self.twin.send(header + crypto.compute_mac(key, header, algorithm, iv)[:4])

    @precondition(lambda self: self.selected is not None)
    @rule()
    def reused_challenge(self) -> None:
        """The same MAC'd APDU twice: the second one's challenge is gone."""
        app = self.selected
        assert app is not None
        sent: dict[str, bytes] = {}
        make = mac_command(app, "PIN_UNBLOCK", self._keys(app, "right")[MAC_KEY[(app, "PIN_UNBLOCK")] or "MAINT"],
                           algorithm=self._alg(app))

        def remember(transmit: Callable[[bytes], bytes]) -> bytes:
            apdu = make(transmit)
            sent["model" if "model" not in sent else "card"] = apdu
            return apdu

        self.twin.send_built(remember)
        expected = self.model.transmit(sent["model"])
        got = self.twin.card.transmit(sent["card"])
        assert expected[-2:] == got[-2:], f"replayed MAC: model {expected.hex()} card {got.hex()}"

    # ----------------------------------------------------------------------------- invariants
    @invariant()
    def tries_within_limits(self) -> None:
        if not hasattr(self, "model"):
            return
        STATS[f"state machine steps ({self.factory.kind})"] += 1  # invariants run after every step
        for app in self.model.applications:
            limit = self.model.pin_limit(app)
            assert limit is not None and 0 <= self.model.pin_tries(app) <= limit

    @invariant()
    def key_counters_within_limits(self) -> None:
        if not hasattr(self, "model"):
            return
        for app in self.model.applications:
            for role, key in SPEC.applications[app].keys.items():
                tries = self.model.key_tries(app, role)
                if key.try_limit is not None and tries is not None:
                    assert 0 <= tries <= key.try_limit, f"{app} {role}: {tries}"

    @invariant()
    def blocked_pin_stays_blocked(self) -> None:
        if not hasattr(self, "model"):
            return
        now = self._tries()
        for app, before in self.tries_before.items():
            if before == 0 and now[app] != 0:
                # Only an issuer unblock or reload may lift a lock: both reset to the limit.
                assert now[app] == self.model.pin_limit(app)
        self.tries_before = now


@pytest.mark.clause("SSC-PIN-3", "SSC-PIN-4", "SSC-PIN-5", "SSC-PIN-8", "SSC-PIN-9", "SSC-SM-1", "SSC-SM-3",
                    "SSC-SM-6", "SSC-SM-7", "SSC-KEY-3", "SSC-KEY-6", "SSC-LC-5", "SSC-LC-6", "SSC-LC-7", "SSC-APP-7")
def test_lock_counters_agree_with_model(applet_factory: CardFactory) -> None:
    budget = settings()
    if base_kind(applet_factory.kind) == "pcsc":  # a smaller budget through the PC/SC stack
        budget = settings(budget, max_examples=max(5, budget.max_examples // 4))
    run_state_machine_as_test(lambda: LockCounters(applet_factory), settings=budget)
