"""``sscard sim start|stop|status``: the virtual card behind a PC/SC reader."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sscard.cli._output import emit_json

if TYPE_CHECKING:
    from sscard.virtual_card import VirtualCardState


def register(commands: Any) -> None:
    parser = commands.add_parser("sim", help="the virtual card (jCardSim behind a PC/SC reader)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = actions.add_parser("start", help="start pcscd if needed and the virtual card; return once the "
                               "reader shows the card")
    start.add_argument("--port", type=int, choices=(35963, 35964), default=None,
                       help="vpcd port (35963: 'Virtual PCD 00 00', 35964: '… 00 01'; default: first free)")
    start.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the card (default 20)")
    start.add_argument("--sm4", action="store_true",
                       help="a 3rd-generation card: social security keys SM4, personalised with access profile "
                       "3.0 (`sscard examples` writes holder-sm4.json and issuer-keys-sm4.json for it); "
                       "default a 2nd-generation 3DES card")
    start.add_argument("--fault", metavar="NAME", default=None,
                       help="seed one of the simulator's faults into the card: a faulty reference card for "
                       "`sscard conformance` (the names and the clauses each breaks: docs/conformance.md)")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=run_start)
    stop = actions.add_parser("stop", help="stop what `sim start` started, and nothing else")
    stop.set_defaults(handler=run_stop)
    status = actions.add_parser("status", help="whether the virtual card runs, and where")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)


def run_start(args: argparse.Namespace) -> int:
    from sscard import virtual_card

    state = virtual_card.start(port=args.port, timeout=args.timeout, algorithm="SM4" if args.sm4 else "3DES-16",
                               fault=args.fault)
    if args.json:
        emit_json(asdict(state))
    else:
        started = f"; started pcscd (pid {state.pcscd_pid})" if state.pcscd_pid else ""
        print(f"virtual card ready in {state.reader!r} ({_generation(state)}, card pid "
              f"{state.card_pid}{started})")
    return 0


def run_stop(args: argparse.Namespace) -> int:
    from sscard import virtual_card

    state = virtual_card.stop()
    also = f" and pcscd (pid {state.pcscd_pid})" if state.pcscd_pid else ""
    print(f"stopped the virtual card in {state.reader!r}{also}")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from sscard import virtual_card

    state = virtual_card.status()
    if args.json:
        emit_json({"running": state is not None, **(asdict(state) if state else {})})
    elif state is None:
        print("not running")
    else:
        print(f"running in {state.reader!r} ({_generation(state)}, card pid {state.card_pid}, "
              f"log {state.log})")
    return 0 if state is not None else 3


def _generation(state: VirtualCardState) -> str:
    card = "3rd-generation SM4 card" if state.algorithm == "SM4" else "2nd-generation 3DES card"
    return card + (f" with seeded fault {state.fault}" if state.fault else "")
