"""``sscard info``: the card's issuer and holder data, and each application's lifecycle and PIN tries."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sscard.cli import _card
from sscard.cli._output import emit_json

if TYPE_CHECKING:
    from sscard.keys import SoftwareIssuerKeys
    from sscard.social import CardInfo, Holder

# (The card library is imported by the handlers: `sscard --help` loads none of it.)
_READABLE = ("PERSONALISATION", "ISSUED", "ACTIVE", "BLOCKED")


def register(commands: Any) -> None:
    parser = commands.add_parser("info", help="card and holder data, lifecycle and PIN tries of each application")
    _card.add_card_options(parser, keys=False, app=False)
    parser.set_defaults(handler=run)


def _social(connection: Any, keys: SoftwareIssuerKeys | None) -> tuple[dict[str, Any], CardInfo | None,
                                                                      Holder | None, list[str]]:
    from sscard.errors import SecurityConditionNotSatisfied
    from sscard.session import PinStatus
    from sscard.social import SocialSecuritySession
    from sscard.spec_tables import Lifecycle

    session = SocialSecuritySession(connection, keys=keys)
    state = session.lifecycle()
    info: CardInfo | None = None
    holder: Holder | None = None
    restricted: list[str] = []
    pin: PinStatus | None = None
    if state.name in _READABLE:
        info = session.read_card_info()
        try:
            holder = session.read_holder()
        except SecurityConditionNotSatisfied:
            holder = None
        if (holder is None or info.card_number is None) and keys is not None:
            session.external_authenticate("RK")  # profile 3.0: personal data behind RKSSSE (SSC-ACC-2)
            info = session.read_card_info()
            holder = session.read_holder()
        if info.card_number is None:
            restricted.append("card_number")
        if holder is None:
            restricted.append("holder")
        if state is Lifecycle.ACTIVE:
            pin = session.pin_status()
    app = {"present": True, "aid": session.aid.hex().upper(), "lifecycle": state.name, "pin": _card.pin_json(pin)}
    return app, info, holder, restricted


def _finance(connection: Any) -> dict[str, Any]:
    from sscard.errors import ConditionsNotSatisfied, FileNotFound, SelectFailed
    from sscard.finance import FinanceSession
    from sscard.session import PinStatus
    from sscard.spec_tables import Lifecycle

    session = FinanceSession(connection)
    aid = session.aid.hex().upper()
    try:
        state = session.lifecycle()
    except (FileNotFound, SelectFailed):
        return {"present": False, "aid": aid, "lifecycle": None, "pin": None}
    pin: PinStatus | None = None
    if state is Lifecycle.ACTIVE:
        pin = session.pin_status()
    elif state in (Lifecycle.ISSUED, Lifecycle.BLOCKED):
        try:
            tries = session.pin_tries_left()
            pin = PinStatus(tries_left=tries, verified=False, blocked=tries == 0)
        except ConditionsNotSatisfied:
            pin = None
    return {"present": True, "aid": aid, "lifecycle": state.name, "pin": _card.pin_json(pin)}


def run(args: argparse.Namespace) -> int:
    from sscard.connection import answer_to_reset
    from sscard.keys import SoftwareIssuerKeys

    keys = SoftwareIssuerKeys.load(args.keys) if args.keys else None
    with _card.card(args) as connection:
        social, info, holder, restricted = _social(connection, keys)
        finance = _finance(connection)
        reader, atr = connection.description, answer_to_reset(connection).hex().upper()
    result = {
        "reader": reader,
        "atr": atr,
        "card": info.to_json() if info else None,
        "holder": holder.to_json() if holder else None,
        "restricted": restricted,
        "applications": {"social": social, "finance": finance},
    }
    if args.json:
        emit_json(result)
        return 0
    print(f"reader     {reader}, ATR {atr}")
    for line in _text(info, holder, restricted, social, finance):
        print(line)
    return 0


def _app_line(app: dict[str, Any]) -> str:
    if not app["present"]:
        return "not on this card"
    from sscard.session import PinStatus

    pin = app["pin"]
    if pin is None:
        return f"{app['lifecycle']}"
    status = PinStatus(pin["tries_left"], pin["verified"], pin["blocked"], pin["limit"])
    return f"{app['lifecycle']}, {_card.pin_text(status)}"


def _text(info: CardInfo | None, holder: Holder | None, restricted: list[str], social: dict[str, Any],
          finance: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if info is not None:
        kind = {"1": " (regular)", "2": " (temporary)"}.get(info.card_type, "")
        lines.append(f"card       {info.card_id.hex().upper()} (area {info.area_code}), type {info.card_type or '-'}"
                     f"{kind}, spec {info.spec_version or '-'}")
        issued = info.issue_date.isoformat() if info.issue_date else "-"
        expires = info.expiry_date.isoformat() if info.expiry_date else "-"
        lines.append(f"issuer     {info.issuer_org or '-'}, issued {issued}, expires {expires}")
        lines.append(f"card no.   {'(restricted)' if info.card_number is None else info.card_number or '-'}")
    if holder is not None:
        sex = {"1": "male", "2": "female"}.get(holder.sex, holder.sex or "-")
        born = holder.birth_date.isoformat() if holder.birth_date else "-"
        lines.append(f"holder     {holder.full_name or '-'} ({sex}), social security number "
                     f"{holder.social_security_number or '-'}")
        lines.append(f"           born {born} in {holder.birthplace or '-'}, ethnicity {holder.ethnicity or '-'}")
    elif "holder" in restricted:
        lines.append("holder     (restricted: profile 3.0 card, give --keys to authenticate)")
    lines.append(f"social     {_app_line(social)}")
    lines.append(f"finance    {_app_line(finance)}")
    return lines
