"""The review screen's summary: every answer, section by section, in plain words."""

from __future__ import annotations

from typing import Any


def _party(data: dict[str, Any], key: Any) -> str:
    for party in data.get("parties", []):
        if party.get("key") == key:
            return str(party.get("short_name") or party.get("name"))
    return "—" if key is None else str(key)


def _list(items: Any) -> str:
    return "; ".join(map(str, items)) if items else "—"


def section_lines(name: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Label and value rows for one questionnaire section."""
    rows: list[tuple[str, str]] = []
    if name == "agreement":
        a = data.get("agreement", {})
        term = f"{a['term_months']} months" if a.get("term_months") else f"until {a.get('end_date')}"
        rows += [("title", a.get("title", "Memorandum of Understanding")), ("purpose", a.get("purpose", "")),
                 ("starts", str(a.get("effective_date", ""))), ("term", term),
                 ("binding", "yes" if a.get("binding") else "no (an MOU of intentions)"),
                 ("governing law", a.get("governing_law", "")), ("prevailing language", a.get("language") or "—")]
        if a.get("reference"):
            rows.insert(1, ("reference", a["reference"]))
    elif name == "parties":
        for p in data.get("parties", []):
            signatory = p.get("signatory", {})
            manager = p.get("manager") or {}
            rows.append((p.get("key", ""), f"{p.get('name')} (\"{p.get('short_name') or p.get('name')}\"), {p.get('kind', 'company')}, "
                         f"{p.get('jurisdiction')}; signs: {signatory.get('name')}, {signatory.get('title')}; "
                         f"manager: {manager.get('name', '—')}"))
    elif name == "objectives":
        for i, o in enumerate(data.get("objectives", []), 1):
            rows.append((str(i), f"{o.get('title')}: KPI {o.get('kpi') or '—'}, target {o.get('target') or '—'}, "
                                 f"due {o.get('due') or '—'}, led by {_party(data, o.get('owner'))}"))
    elif name == "responsibilities":
        for r in data.get("responsibilities", []):
            rows.append((_party(data, r.get("party")), f"{r.get('role')}: {_list(r.get('duties'))}"))
        rows = rows or [("roles", "none given")]
    elif name == "resources":
        for r in data.get("resources", []):
            value = f", {r.get('currency')} {r.get('value')}" if r.get("value") is not None else ""
            rows.append((_party(data, r.get("party")), f"{r.get('type')}: {r.get('description')}{value}"))
        costs = data.get("costs", {"model": "each_bears_own"})
        shares = ", ".join(f"{_party(data, k)} {v}%" for k, v in (costs.get("shares") or {}).items())
        rows.append(("costs", "shared: " + shares if costs.get("model") == "shared" else "each party bears its own"))
    elif name == "governance":
        g = data.get("governance", {})
        rule = g.get("decision_rule", "consensus")
        if rule == "lead_party":
            rule += f" ({_party(data, g.get('lead_party'))})"
        rows += [("body", f"{g.get('body', 'Joint Steering Committee')}, {g.get('representatives_per_party', 1)} per party"),
                 ("decides by", rule), ("reserved", _list(g.get("reserved_matters"))),
                 ("each decides alone", _list(g.get("independent_matters"))), ("deadlock", g.get("deadlock") or "—")]
    elif name == "disputes":
        d = data.get("disputes", {})
        limits = {"negotiation": "negotiation_days", "escalation": "escalation_days", "mediation": "mediation_days"}
        steps = [f"{s} ({d[limits[s]]} days)" if s in limits and d.get(limits[s]) else s for s in d.get("steps", [])]
        rows.append(("ladder", " → ".join(steps)))
        if d.get("arbitration"):
            arb = d["arbitration"]
            rows.append(("arbitration", f"{arb.get('rules')}, seat {arb.get('seat')}, {arb.get('arbitrators')} arbitrator(s)"))
    elif name == "review":
        r = data.get("review", {})
        rows += [("cadence", r.get("cadence", "quarterly")), ("first review", str(r.get("first_review") or "—")),
                 ("KPIs reported by", _party(data, r.get("kpi_report_by")) if r.get("kpi_report_by") else "the managers together"),
                 ("annual strategic review", "yes" if r.get("annual_strategic_review") else "no")]
    elif name == "communication":
        c = data.get("communication", {})
        rows += [("channels", _list(c.get("channels"))), ("response", f"{c['response_days']} working days" if c.get("response_days") else "—")]
    elif name == "confidentiality":
        c = data.get("confidentiality", {"enabled": True})
        rows.append(("clause", f"yes, for {c.get('years') or 5} years after the end" if c.get("enabled", True) else "no"))
    elif name == "intellectual_property":
        ip = data.get("intellectual_property", {})
        owner = f" ({_party(data, ip.get('owner'))})" if ip.get("owner") else ""
        rows += [("background", ip.get("background", "retained")), ("new IP", ip.get("foreground", "creator") + owner)]
    elif name == "termination":
        t = data.get("termination", {})
        rows += [("notice", f"{t.get('notice_days', 30)} days"), ("exit triggers", _list(t.get("exit_triggers")))]
    elif name == "values":
        rows.append(("values", _list(data.get("values"))))
    return rows
