"""The conformance report as files: JSON (format 1, docs/conformance.md) and one self-contained HTML page
(inline CSS, no scripts, nothing fetched)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from sscard.conformance.runner import NO_CHECK, VERDICTS, Report

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}
table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #bbb;padding:.3em .6em;vertical-align:top;text-align:left}
th{background:#eee}
.pass{background:#d9f2d9}.fail{background:#f7d4d4}.not-run{background:#eee}.not-applicable{background:#e6ecf5}
.no-check{background:#fff3cd}
pre{margin:.3em 0;font-size:.85em;white-space:pre-wrap}
"""


def to_json_text(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def to_html(report: Report) -> str:
    data = report.to_json()
    e = html.escape
    checks = {c.id: c for c in report.checks}
    rows = []
    for clause in report.clauses:
        details = []
        for cid in clause.checks:
            c = checks[cid]
            line = f"<div><code>{e(c.id)}</code> {e(c.verdict)}{': ' + e(c.reason) if c.reason else ''}</div>"
            if c.verdict == "fail":
                trace = "\n".join(str(x) for x in c.trace)
                line += (f"<div>{e(c.what)}: expected <b>{e(c.expected)}</b>, actual <b>{e(c.actual)}</b></div>"
                         f"<pre>{e(trace)}</pre>")
            details.append(line)
        rows.append(f'<tr class="{e(clause.verdict)}" id="{e(clause.id)}"><td>{e(clause.id)}<br>'
                    f'<small>{e(clause.title)}</small></td><td class="verdict">{e(clause.verdict)}</td>'
                    f'<td>{"".join(details) or "—"}</td></tr>')
    summary = data["summary"]
    summary_cells = "".join(f'<td class="{v}">{e(v)}: <span class="count" data-verdict="{v}">{summary[v]}</span>'
                            "</td>" for v in (*VERDICTS, NO_CHECK))
    facts = [("Result", data["result"]), ("Tool", f"sscard {data['tool']['version']}"),
             ("Spec", f"{data['spec']['version']}, SHA-256 {data['spec']['sha256']}"), ("Date", data["date"]),
             ("Reader", data["reader"]), ("ATR", data["atr"]), ("Card identification code", data["card_id"] or "—"),
             ("Access profile", data["profile"]),
             ("Applications", f"social {data['applications']['social']['lifecycle']}, finance "
                              f"{data['applications']['finance']['lifecycle'] or 'absent'}"),
             ("Level", data["level"])]
    if report.stopped:
        facts.append(("Stopped", report.stopped))
    facts += [("Note", n) for n in report.notes]
    fact_rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>sscard conformance report'
            f'</title><style>{_CSS}</style></head><body>\n<h1>sscard conformance report</h1>\n'
            f'<table id="summary"><tr>{summary_cells}</tr></table>\n<table id="facts">{fact_rows}</table>\n'
            f'<table id="clauses"><tr><th>clause</th><th>verdict</th><th>checks</th></tr>{"".join(rows)}</table>\n'
            "</body></html>\n")


def write(report: Report, directory: str | Path) -> tuple[Path, Path]:
    """Write ``conformance-<card id>-<date>.json`` and ``.html`` into ``directory``; their paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    card = report.state.card_id.hex().upper() if report.state.card_id else "unknown-card"
    stem = f"conformance-{card}-{report.date.replace(':', '').replace('+0000', 'Z')}"
    json_path, html_path = folder / f"{stem}.json", folder / f"{stem}.html"
    json_path.write_text(to_json_text(report), encoding="utf-8")
    html_path.write_text(to_html(report), encoding="utf-8")
    return json_path, html_path
