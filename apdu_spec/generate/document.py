"""The human-readable specification: ``docs/spec.md``."""

from __future__ import annotations

from ..schema import Command, Param, Spec
from .common import HEADER

DOC = "docs/spec.md"

# ---------------------------------------------------------------------------------- docs


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _p1p2(c: Command) -> str:
    if c.p1p2 is not None:
        return ", ".join(f"{v:04X}" for v in c.p1p2)

    def one(p: object) -> str:

        assert isinstance(p, Param)
        if p.kind == "values":
            return "/".join(f"{v:02X}" for v in p.values)
        if p.kind == "range":
            return f"{p.low:02X}-{p.high:02X}"
        if p.kind == "sfi_modes":
            return "SFI<<3 \\| " + "/".join(f"{m:03b}" for m in p.values)
        return "any"

    return f"P1 {one(c.p1)}; P2 {one(c.p2)}"


def _data(c: Command) -> str:
    if c.data_lengths is not None:
        sm4 = "" if c.sm4_data_lengths is None else " (SM4: " + "/".join(str(n) for n in c.sm4_data_lengths) + ")"
        return "Lc " + "/".join(str(n) for n in c.data_lengths) + sm4
    return f"Lc {c.data_min}-{c.data_max}"


def _mermaid_lifecycle(spec: Spec) -> list[str]:
    out = ["```mermaid", "stateDiagram-v2", f"    [*] --> {spec.lifecycle.initial}"]
    for t in spec.lifecycle.transitions:
        for s in t.from_states:
            label = t.command + (" (whole card)" if t.scope == "card" else "")
            out.append(f"    {s} --> {t.to}: {label}")
    out += ["    TERMINATED --> [*]", "```"]
    return out


def _mermaid_retry(spec: Spec, name: str) -> list[str]:
    m = spec.retry_machines[name]
    out = ["```mermaid", "stateDiagram-v2", "    [*] --> UNVERIFIED"]
    edges: dict[tuple[str, str], list[str]] = {}
    for t in m.transitions:
        label = t.event + (f" [{t.guard}]" if t.guard else "") + (f" / {t.sw}" if t.sw else "")
        for s in t.from_states:
            edges.setdefault((s, t.to), []).append(label)
    for (a, z), labels in edges.items():
        out.append(f"    {a} --> {z}: {'; '.join(labels)}")
    out.append("```")
    return out


def render_doc(spec: Spec) -> str:
    o: list[str] = [
        f"<!-- {HEADER} -->",
        "",
        "# sscard protocol specification",
        "",
        "The protocol between host and card, generated from the tables in `apdu_spec/`. The "
        "applet constants, the host tables and the reference model come from the same tables. "
        "Clause ids (`SSC-…`) tie each rule to the regulation article(s) it serves and to the tests "
        "that check it (§12).",
        "",
    ]
    o += [
        "## 1. Applications",
        "",
        "| application | AID | Java package | package AID | PIN | default try limit |",
        "|---|---|---|---|---|---|",
    ]
    for a in spec.applications.values():
        o.append(
            f"| {a.title} | `{a.aid.hex().upper()}` | `{a.java_package}` ({a.applet_class}) | "
            f"`{a.package_aid.hex().upper()}` | {a.pin_format} | {a.default_pin_try_limit} |"
        )
    o.append(
        f"| common library | — | `{spec.protocol.library_java_package}` | "
        f"`{spec.protocol.library_package_aid.hex().upper()}` | — | — |"
    )
    o += ["", "SSSE sub-applications:", "", "| DF | AID | FID | title |", "|---|---|---|---|"]
    for a in spec.applications.values():
        for df in a.dfs.values():
            o.append(f"| {df.name} | `{df.aid.hex().upper()}` | `{df.fid:04X}` | {df.title} |")
    o += [
        "",
        f"## 2. Check order ({spec.protocol.check_order_clause})",
        "",
        "| step | check | status word | rule |",
        "|---|---|---|---|",
    ]
    for step in spec.protocol.check_order:
        sw = f"`{spec.status_words[step.sw].pattern}` {step.sw}" if step.sw else ""
        o.append(f"| {step.step} | {step.check} | {sw} | {_cell(step.text)} |")
    o += ["", "Any command may also answer:", ""]
    o += [
        f"- `{spec.status_words[u.sw].pattern}` {u.sw}: {u.when} ({u.clause})"
        for u in spec.protocol.common_status_words
    ]
    o += ["", "## 3. Commands", ""]
    for a in spec.applications.values():
        o += [
            f"### {a.title}",
            "",
            "| command | CLA | INS | P1-P2 | data | Le | MAC key | states | access | clauses |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for c in a.commands.values():
            access = c.access if isinstance(c.access, str) else (", ".join(c.access) or "—")
            le = c.le if isinstance(c.le, str) else "/".join(f"{v:02X}" for v in c.le)
            if c.sm4_le is not None:
                le += " (SM4: " + "/".join(f"{v:02X}" for v in c.sm4_le) + ")"
            o.append(
                f"| {c.name} | `{c.cla:02X}` | `{c.ins:02X}` | {_p1p2(c)} | {_data(c)} | {le} | {c.sm_key or '—'} | "
                f"{', '.join(c.states)} | {access} | {', '.join(c.clauses)} |"
            )
        o.append("")
        for c in a.commands.values():
            o += [
                f"#### {a.name} {c.name}: {c.title}",
                "",
                f"Data: {_cell(c.data_layout)}. Response: {_cell(c.response)}.",
            ]
            if c.note:
                o += ["", f"Note: {_cell(c.note)}"]
            o += ["", "| status word | when | clause |", "|---|---|---|"]
            for u in c.status_words:
                o.append(f"| `{spec.status_words[u.sw].pattern}` {u.sw} | {_cell(u.when)} | {u.clause} |")
            o.append("")
    o += ["## 4. Files and records", ""]
    for a in spec.applications.values():
        for f in a.files.values():
            fid = f"FID `{f.fid:04X}`, " if f.fid is not None else ""
            o += [
                f"### {f.name}: {f.title} ({a.name}{', ' + f.df if f.df else ''}; {fid}SFI {f.sfi})",
                "",
                "| rec | template | tag | item | format | length | padding | note |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for r in f.records:
                for i in r.items:
                    tmpl = r.template.hex().upper() if r.template else ""
                    # A one-item record is declared as its item: its note is the item's, printed once.
                    notes = (r.note if len(r.items) == 1 else None, i.note)
                    note = " ".join(dict.fromkeys(x for x in notes if x))
                    o.append(
                        f"| {r.number} | {tmpl} | `{i.tag.hex().upper()}` | {_cell(i.name)} | {i.format} "
                        f"| {i.length} | "
                        f"`{i.padding.hex().upper()}` | {_cell(note)} |"
                    )
            o.append("")
    o += ["## 5. Access conditions", "", "| condition | kind | meaning |", "|---|---|---|"]
    o += [f"| {c.name} | {c.kind} | {c.text} |" for c in spec.access.conditions.values()]
    o += ["", "| file | profile | read | update | record overrides | clauses |", "|---|---|---|---|---|---|"]
    for fname, rule in spec.access.base.items():
        rows = [("base", rule)] + [(p.name, p.files[fname]) for p in spec.access.profiles.values() if fname in p.files]
        for pname, rl in rows:
            rec = "; ".join(f"rec {n}: {', '.join(c)}" for n, c in rl.records.items())
            o.append(
                f"| {fname} | {pname} | {', '.join(rl.read) or 'always'} | {', '.join(rl.update) or 'always'} | "
                f"{rec} | {', '.join(rl.clauses)} |"
            )
    o += [
        "",
        "Profiles: "
        + "; ".join(f"**{p.name}** (code `{p.code:02X}`): {p.text}" for p in spec.access.profiles.values()),
        "",
    ]
    o += ["## 6. Status words", "", "| SW | name | meaning | 含义 | returned | note |", "|---|---|---|---|---|---|"]
    for s in spec.status_words.values():
        meaning = s.en + (f" ({s.parameter})" if s.parameter else "")
        o.append(
            f"| `{s.pattern}` | {s.name} | {_cell(meaning)} | {s.zh} | {'yes' if s.returned else 'no'} "
            f"| {_cell(s.note or '')} |"
        )
    o += ["", "## 7. Keys and cryptography", ""]
    for a in spec.applications.values():
        o += [
            f"### {a.title}",
            "",
            "| role | id | name | usage | try limit | states | required | clauses |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for k in a.keys.values():
            o.append(
                f"| {k.role} | `{k.id:02X}` | {k.name} | {', '.join(k.usage)} | {k.try_limit or '—'} | "
                f"{', '.join(k.states) if k.states else 'any'} | {'yes' if k.required else 'no'} "
                f"| {', '.join(k.clauses)} |"
            )
        d = spec.diversifications[a.diversification]
        o += ["", f"Diversification ({d.clause}): {_cell(d.text)}", ""]
        o += [f"{i + 1}. {factor}: {_cell(text)}" for i, (factor, text) in enumerate(d.steps)]
        o.append("")
    o += ["| algorithm | key | block | on the card | profiles |", "|---|---|---|---|---|"]
    o += [
        f"| {g.name} | {g.key_length} | {g.block} | {g.card} | {', '.join(g.profiles)} |"
        for g in spec.algorithms.values()
    ]
    o += ["", "Secure messaging rules:", ""]
    o += [f"- **{k}**: {_cell(v)}" for k, v in spec.protocol.secure_messaging.items()]
    o += ["", "Install parameters (application-specific part of the install data):", ""]
    for app, fields in spec.protocol.install.items():
        o.append(
            f"- {app}: "
            + " ‖ ".join(
                f"{f.name} ({f.length})" + (f" = `{f.value.hex().upper()}`" if f.value else "") for f in fields
            )
        )
    o += ["", "## 8. State machines", "", "### Application lifecycle (one per application)", ""]
    o += _mermaid_lifecycle(spec)
    o += ["", "| state | code | meaning |", "|---|---|---|"]
    o += [f"| {s.name} | `{s.code:02X}` | {s.text} |" for s in spec.lifecycle.states.values()]
    o += ["", "| from | command | to | scope | clause |", "|---|---|---|---|---|"]
    o += [
        f"| {', '.join(t.from_states)} | {t.command} | {t.to} | {t.scope} | {t.clause} |"
        for t in spec.lifecycle.transitions
    ]
    for name, m in spec.retry_machines.items():
        o += ["", f"### {m.title}", ""]
        o += _mermaid_retry(spec, name)
        o += ["", "| from | event | guard | counter | value | to | SW | clause |", "|---|---|---|---|---|---|---|---|"]
        o += [
            f"| {', '.join(t.from_states)} | {t.event} | {t.guard or ''} | {t.counter} | {t.value} | {t.to} | "
            f"{t.sw or ''} | {t.clause} |"
            for t in m.transitions
        ]
    o += [
        "",
        "## 9. Known-answer vectors",
        "",
        "| id | title | function | expected | KCV | model check | clauses |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in spec.vectors:
        model = (
            f"{v.model.application} {v.model.state}: `{v.model.apdu.hex().upper()}` → `{v.model.sw:04X}`"
            if v.model
            else ""
        )
        o.append(
            f"| {v.id} | {_cell(v.title)} | `{v.function}` | `{v.expected.hex().upper()}` | "
            f"{v.kcv.hex().upper() if v.kcv else ''} | {model} | {', '.join(v.clauses)} |"
        )
    o += ["", "## 10. Regulation articles", "", "| art. | summary | clauses |", "|---|---|---|"]
    for n, text in spec.articles.items():
        ids = [c.id for c in spec.clauses.values() if n in c.articles]
        o.append(f"| {n} | {text} | {', '.join(ids)} |")
    o += ["", "## 11. Conventions", ""]
    o += [f"- **{k}**: {v}" for k, v in spec.conventions.items()]
    o += [
        "",
        "## 12. Clauses and traceability",
        "",
        f"{len(spec.clauses)} clauses. Each ties a rule to the regulation article(s) it serves and to the "
        "conventions it follows; \"cited by\" lists where the spec's tables apply it. The tests that check a "
        "clause name it with `@pytest.mark.clause(\"SSC-…\")` (the suite fails when a clause has no test); the "
        "conformance checks a tester runs against a card (`sscard conformance`) are listed per clause, from "
        "their catalogue, in [conformance.md](conformance.md#traceability-the-checks-of-each-clause).",
        "",
        "| clause | title | articles | conventions | rule | cited by |",
        "|---|---|---|---|---|---|",
    ]
    for cl in spec.clauses.values():
        cited = "<br>".join(f"`{x}`" for x in spec.references.get(cl.id, ())) or "—"
        o.append(
            f"| {cl.id} | {cl.title} | {', '.join(map(str, cl.articles))} | {', '.join(cl.conventions)} | "
            f"{_cell(cl.text)} | {cited} |"
        )
    return "\n".join(o) + "\n"


