"""SELECT commands of every form a terminal (or a fuzzer) sends, for the property suites.

The runtime takes only one form as an application SELECT (00 A4 04 00, Lc, a full installed AID: SSC-APP-3);
everything else here — no AID, an Lc without data, a part of an AID, an AID with bytes added, P2 other than
00, CLA with secure-messaging or logical-channel bits, other P1 — must leave the selection as it is
(SSC-APP-7) or be refused by the runtime (SSC-APP-6, SSC-APP-2).
"""

from __future__ import annotations

from hypothesis import strategies as st
from twin import SPEC

APPLICATION_AIDS = tuple(app.aid for app in SPEC.applications.values())
DF_AIDS = tuple(df.aid for app in SPEC.applications.values() for df in app.dfs.values() if df.aid)
UNKNOWN_AIDS = (bytes.fromhex("A0000000031010"), bytes.fromhex("D156000005"), bytes(16))
# CLA 00 and the CLAs a runtime must not take as an application SELECT: secure messaging bits (04, 08, 0C),
# logical channels 1-3 (01-03) and 4-19 (40-4F, 60, C0), proprietary (80, 84), chaining (10), invalid (FF).
CLAS = (0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x0C, 0x10, 0x40, 0x41, 0x4F, 0x60, 0x80, 0x84, 0xC0, 0xFF)
# P2: first or only occurrence (00), next occurrence (02), FCP (04), FMD (08), no response (0C).
P2S = (0x00, 0x00, 0x00, 0x02, 0x04, 0x08, 0x0C, 0x01, 0x03)
# What is changed from the application SELECT: the data most often (no AID, part of one, more than one).
CHANGES = ((), ("cla",), ("p1",), ("p2",), ("data",), ("data",), ("data",), ("cla", "data"), ("p2", "data"))


@st.composite
def select_forms(draw: st.DrawFn) -> bytes:
    """One SELECT by DF name: the application SELECT of an AID with none, one or several of its parts changed
    (CLA, P1, P2, the data), so that each odd form comes up often."""
    changed = draw(st.sampled_from(CHANGES))
    cla = draw(st.one_of(st.sampled_from(CLAS[3:]), st.integers(0, 255))) if "cla" in changed else 0x00
    p1 = draw(st.sampled_from([0x00, 0x02, 0x03, 0x08, 0x01])) if "p1" in changed else 0x04
    p2 = draw(st.one_of(st.sampled_from(P2S[3:]), st.integers(0, 255))) if "p2" in changed else 0x00
    header = bytes([cla, 0xA4, p1, p2])
    aid = draw(st.sampled_from(APPLICATION_AIDS * 3 + DF_AIDS + UNKNOWN_AIDS))
    shape = draw(st.sampled_from(["prefix", "prefix_le", "longer", "case1", "case2", "tiny", "aid_le"])) if (
        "data" in changed) else "aid"
    le = draw(st.integers(0, 255))
    match shape:
        case "aid":
            data = aid
        case "aid_le":
            return header + bytes([len(aid)]) + aid + bytes([le])
        case "prefix" | "prefix_le":
            data = aid[: draw(st.integers(1, len(aid) - 1))]
            if shape == "prefix_le":
                return header + bytes([len(data)]) + data + bytes([le])
        case "longer":
            data = aid + draw(st.binary(min_size=1, max_size=max(1, 16 - len(aid))))
        case "case1":
            return header
        case "case2":  # Le only, or read as an Lc with no data: 00 A4 04 00 06 / 08
            return header + bytes([draw(st.sampled_from([len(aid), 0x00, 0x06, 0x08, le]))])
        case _:  # "tiny": fewer bytes than any AID
            data = draw(st.binary(min_size=1, max_size=4))
    return header + bytes([len(data)]) + data
