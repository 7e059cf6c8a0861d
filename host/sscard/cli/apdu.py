"""``sscard apdu HEX…``: raw command APDUs to the card in a reader, for testers (as GlobalPlatformPro's and
opensc-tool's raw modes): each response and what its status word means by the spec."""

from __future__ import annotations

import argparse
from typing import Any

from sscard.cli import _card
from sscard.cli._output import CliError, emit_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "apdu", help="send raw command APDUs (hex) and show the responses",
        description="Send each command APDU (hex; spaces and colons allowed inside one argument) in order to the "
                    "card and print the response data and status word with its meaning. Nothing is checked or "
                    "masked: what the card answers is shown as it is (give the card's PIN only on a test card).")
    parser.add_argument("apdus", metavar="HEX", nargs="+", help="a command APDU: CLA INS P1 P2 [Lc data] [Le]")
    parser.add_argument("--select", metavar="AID",
                        help="SELECT this application first: ssse, pboc, or an AID in hex")
    _card.add_card_options(parser, app=False)
    parser.set_defaults(handler=run)


def _parse(text: str, what: str) -> bytes:
    cleaned = "".join(text.replace(":", " ").split())
    try:
        apdu = bytes.fromhex(cleaned)
    except ValueError:
        raise CliError(f"{what} {text!r}: not hexadecimal bytes") from None
    if len(apdu) < 4:
        raise CliError(f"{what} {text!r}: {len(apdu)} bytes; a command APDU has at least CLA INS P1 P2")
    return apdu


def _select(aid_text: str) -> bytes:
    from sscard import spec_tables as t

    named = {"ssse": t.SSSE_AID, "pboc": t.PBOC_AID}
    if aid_text.lower() in named:
        aid = named[aid_text.lower()]
    else:
        try:
            aid = bytes.fromhex("".join(aid_text.split()))
        except ValueError:
            raise CliError(f"--select {aid_text!r}: give ssse, pboc or an AID in hex") from None
        if not 5 <= len(aid) <= 16:
            raise CliError(f"--select {aid_text!r}: an AID has 5 to 16 bytes, not {len(aid)}")
    return bytes((0x00, 0xA4, 0x04, 0x00, len(aid))) + aid


def meaning(sw: int) -> str:
    """The spec's meaning of a status word (``unknown status word`` where the spec names none)."""
    from sscard import spec_tables as t
    from sscard.errors import sw_enum

    member = sw_enum(sw)
    return t.SW_TEXT[member][0] if member is not None else "unknown status word"


def run(args: argparse.Namespace) -> int:
    from sscard.connection import answer_to_reset, exchange

    commands = [_parse(text, "APDU") for text in args.apdus]  # every argument checked before the card
    if args.select:
        commands.insert(0, _select(args.select))
    exchanged: list[dict[str, Any]] = []
    with _card.card(args) as connection:
        atr = answer_to_reset(connection).hex().upper()
        for command in commands:
            response = exchange(connection, command)
            sw = int.from_bytes(response[-2:], "big")
            exchanged.append({"command": command.hex().upper(), "data": response[:-2].hex().upper(),
                              "sw": f"{sw:04X}", "meaning": meaning(sw)})
    if args.json:
        emit_json({"reader": getattr(args, "reader", None), "atr": atr, "exchanges": exchanged})
        return 0
    print(f"ATR {atr}")
    for item in exchanged:
        print(f"> {item['command']}")
        data = f"{item['data']} " if item["data"] else ""
        print(f"< {data}{item['sw']}  ({item['meaning']})")
    return 0
