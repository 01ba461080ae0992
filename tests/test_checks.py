"""The health check: each rule fires on the case it is for, and not on a near miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    DELETE,
    EXAMPLES,
    DocxView,
    PdfView,
    example_data,
    varied,
    write_answers,
)

from agreementkit.answers import validate_answers
from agreementkit.checks import check_answers, load_rules, report_schema

RULES = load_rules().rules
from agreementkit.errors import AnswersError

BASE = "telecom-edge-binding"  # a healthy two-party agreement: no findings at all


def findings(changes: dict, base: str = BASE) -> list:
    answers = validate_answers(varied(example_data(base), **changes), check_references=False)
    return check_answers(answers).findings


def only(rule_id: str, changes: dict, base: str = BASE) -> list:
    return [f for f in findings(changes, base) if f.rule == rule_id]


def test_the_base_fixture_is_healthy() -> None:
    assert findings({}) == []


# (rule, changes that trigger it, expected path, words the finding must name, near-miss changes)
CASES = [
    ("objective-measurable", {"objectives.1.kpi": None}, "objectives[1].kpi",
     "Certify the orchestration layer", {"objectives.1.kpi": "Test cases passed"}),
    ("objective-measurable", {"objectives.0.due": None, "objectives.0.target": None}, "objectives[0].target",
     "no target and no due date", {"objectives.0.target": "1"}),
    ("objective-owner", {"objectives.2.owner": None}, "objectives[2].owner",
     "Sign commercial customers", {"objectives.2.owner": "brightwave"}),
    ("party-idle", {"resources": [{"party": "aurora", "type": "funding", "description": "Cash", "value": 1, "currency": "GBP"}]},
     "parties[1]", "Brightwave Software Ltd has no contribution",
     {"resources": [{"party": "aurora", "type": "funding", "description": "Cash"}, {"party": "brightwave", "type": "data", "description": "Logs"}]}),
    ("party-idle", {"responsibilities": [{"party": "brightwave", "role": "Software lead"}]}, "parties[0]",
     "Aurora Mobile plc has no responsibility", {}),
    ("party-manager", {"parties.0.manager": None}, "parties[0].manager", "Aurora Mobile plc", {}),
    ("notice-address", {"parties.0.manager": None, "parties.0.address": None}, "parties[0].address",
     "Aurora Mobile plc has neither an address nor a partnership manager's email",
     {"parties.0.address": None, "parties.0.manager": {"name": "Ana", "email": "ana@aurora.example"}}),
    ("cost-shares-total", {"costs": {"model": "shared", "shares": {"aurora": 60, "brightwave": 30}}}, "costs.shares",
     "total 90%", {"costs": {"model": "shared", "shares": {"aurora": 60, "brightwave": 40}}}),
    ("cost-shares-total", {"costs": {"model": "shared", "shares": {"aurora": 60, "bw": 40}}}, "costs.shares.bw",
     "'bw'", {"costs": {"model": "each_bears_own"}}),
    ("unknown-party", {"objectives.0.owner": "aurara"}, "objectives[0].owner", "'aurara'", {"objectives.0.owner": "aurora"}),
    ("unknown-party", {"review.kpi_report_by": "nobody"}, "review.kpi_report_by", "'nobody'", {}),
    ("deadlock-risk", {"governance.decision_rule": "majority", "governance.deadlock": None}, "governance.deadlock",
     "4 members deciding by majority", {"governance.decision_rule": "majority", "governance.representatives_per_party": 1,
                                         "governance.deadlock": "escalate"}),
    ("control-mismatch", {"governance.decision_rule": "lead_party", "governance.lead_party": "brightwave"},
     "governance.decision_rule", "Brightwave decides alone",
     {"governance.decision_rule": "lead_party", "governance.lead_party": "aurora"}),
    ("ladder-open", {"disputes.steps": ["mediation", "courts"]}, "disputes.steps", "starts with mediation",
     {"disputes.steps": ["negotiation", "mediation", "courts"]}),
    ("ladder-open", {"disputes.escalation_days": None}, "disputes.escalation_days", "escalation step has no time limit",
     {"disputes.mediation_days": None}),
    ("ladder-cross-border", {"parties.1.jurisdiction": "Germany"}, "disputes.steps", "2 countries",
     {"parties.1.jurisdiction": "Scotland"}),
    ("review-late", {"review.first_review": "2027-08-01"}, "review.first_review", "Certify the orchestration layer",
     {"review.first_review": "2027-07-31"}),
    ("review-annual", {"review.annual_strategic_review": False}, "review.annual_strategic_review", "24 months",
     {"review.annual_strategic_review": False, "agreement.end_date": "2028-02-28"}),
    ("exit-triggers", {"termination.exit_triggers": []}, "termination.exit_triggers", "No exit triggers",
     {"termination.exit_triggers": ["Fewer than 2 signed customer contracts by June 2028"]}),
    ("exit-triggers", {"termination.exit_triggers": ["The board loses interest"]}, "termination.exit_triggers",
     "None of the exit triggers", {}),
    ("autonomy-none", {"governance.independent_matters": []}, "governance.independent_matters", "No matters", {}),
    ("cross-sector-values", {"parties.1.kind": "university"}, "values", "a university",
     {"parties.1.kind": "university", "values": ["Research integrity"]}),
    ("cross-border-language", {"parties.1.jurisdiction": "Germany", "agreement.language": None}, "agreement.language",
     "2 countries", {"parties.1.jurisdiction": "Germany"}),
    ("party-unincorporated", {"parties.1.legal_form": "unincorporated_association"}, "parties[1].legal_form",
     "Brightwave is an unincorporated association", {"parties.1.legal_form": "charity"}),
    ("legal-form-missing", {"parties.0.legal_form": None}, "parties[0].legal_form", "Aurora's legal form",
     {"parties.0.legal_form": "public_company"}),
    ("liability-cap-unset", {"resources": [{"party": "aurora", "type": "funding", "description": "Cash", "value": 10, "currency": "GBP"},
                                           {"party": "brightwave", "type": "data", "description": "Logs"}]},
     "liability.cap", "Brightwave has no liability cap",
     {"resources": [{"party": "aurora", "type": "funding", "description": "Cash"}, {"party": "brightwave", "type": "data", "description": "Logs"}],
      "liability.cap": 100000, "liability.currency": "GBP"}),
    ("processor-details", {"data_protection.subjects": []}, "data_protection.subjects", "the answers do not list whose data it is",
     {"data_protection.roles": "independent", "data_protection.subjects": []}),
]


@pytest.mark.parametrize(("rule_id", "trigger", "path", "names", "near"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_and_spares_the_near_miss(rule_id: str, trigger: dict, path: str, names: str, near: dict) -> None:
    fired = only(rule_id, trigger)
    assert [f.path for f in fired].count(path) == 1, fired
    finding = next(f for f in fired if f.path == path)
    assert names in finding.finding
    assert finding.severity == RULES[rule_id].severity
    assert finding.why and finding.suggestion
    assert only(rule_id, near) == []


def test_deadlock_risk_for_consensus_among_four_or_more() -> None:
    fired = only("deadlock-risk", {"governance.decision_rule": "consensus", "governance.deadlock": None}, base="five-party-consortium")
    assert fired and "consensus among 5 parties" in fired[0].finding
    assert only("deadlock-risk", {"governance.deadlock": None}, base="cold-chain-pilot") == []  # three parties


def test_every_rule_in_practice_md_is_registered_with_its_severity() -> None:
    expected = {
        "objective-measurable": "warning", "objective-owner": "warning", "party-idle": "warning", "party-manager": "advice",
        "notice-address": "warning", "objective-after-term": "warning", "resource-ends-early": "warning",
        "reserved-none": "advice", "shared-costs-uncapped": "warning", "currency-mixed": "warning", "cost-shares-total": "error", "unknown-party": "error", "deadlock-risk": "warning", "control-mismatch": "advice",
        "ladder-open": "warning", "ladder-cross-border": "advice", "review-late": "warning", "review-annual": "advice",
        "exit-triggers": "advice", "autonomy-none": "advice", "cross-sector-values": "advice", "cross-border-language": "advice",
        "party-unincorporated": "warning", "legal-form-missing": "advice", "liability-cap-unset": "warning",
        "processor-details": "warning", "target-unmeasurable": "advice",
    }
    assert {rid: r.severity.value for rid, r in RULES.items()} == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_has_no_errors_and_no_warnings(example: Path) -> None:
    from agreementkit.answers import load_answers

    report = check_answers(load_answers(example))
    # The cold-chain example is an MOU: each Shared Cost needs every payer's written approval, so no cap is needed.
    assert report.errors == [] and report.warnings == []


def test_silenced_rules_are_reported_as_silenced_not_hidden() -> None:
    report = check_answers(validate_answers(varied(example_data(BASE), **{"review.annual_strategic_review": False, "check": {"ignore": ["review-annual"]}})))
    assert [(f.rule, f.silenced) for f in report.findings] == [("review-annual", True)]
    assert report.counts == {"error": 0, "warning": 0, "advice": 0, "silenced": 1}
    assert "(1 silenced)" in report.verdict


def test_silencing_an_unknown_rule_is_a_mistake() -> None:
    with pytest.raises(AnswersError, match=r"check.ignore\[0\]: unknown rule 'review-anual'"):
        check_answers(validate_answers(varied(example_data(BASE), **{"check": {"ignore": ["review-anual"]}})))


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "140", "NO_COLOR": "1"}, timeout=120)


def test_check_json_validates_against_the_documented_shape(tmp_path: Path) -> None:
    import jsonschema

    answers = write_answers(tmp_path, varied(example_data(BASE), **{"objectives.0.owner": "ghost", "parties.0.manager": DELETE}))
    result = run("check", answers, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    assert {(f["rule"], f["path"]) for f in report["findings"]} == {
        ("unknown-party", "objectives[0].owner"), ("party-manager", "parties[0].manager")}
    assert report["counts"]["error"] == 1


def test_check_exit_codes(tmp_path: Path) -> None:
    healthy = run("check", EXAMPLES[0].parent / f"{BASE}.yaml")
    assert healthy.returncode == 0 and "Healthy" in healthy.stdout
    warning = write_answers(tmp_path, varied(example_data(BASE), **{"objectives.0.owner": None}), "warn.yaml")
    shown = run("check", warning)
    assert shown.returncode == 0
    assert "Warnings" in shown.stdout and "objectives[0].owner" in shown.stdout and "1 warning" in shown.stdout
    assert run("check", warning, "--strict").returncode == 1
    error = write_answers(tmp_path, varied(example_data(BASE), **{"costs": {"model": "shared", "shares": {"aurora": 10}}}), "err.yaml")
    blocked = run("check", error)
    assert blocked.returncode == 1 and "cost-shares-total" in blocked.stdout and "Blocked" in blocked.stdout
    assert run("check", tmp_path / "missing.yaml").returncode == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: [", encoding="utf-8")
    assert run("check", broken).returncode == 2


def test_render_shows_warnings_and_refuses_on_errors(tmp_path: Path) -> None:
    warning = write_answers(tmp_path, varied(example_data(BASE), **{"objectives.0.owner": None}), "warn.yaml")
    result = run("render", warning, "-o", tmp_path / "out.md")
    assert result.returncode == 0
    assert "warning: objectives[0].owner" in result.stderr
    # An unknown party is bad input for render (exit 2), a finding for check (exit 1).
    error = write_answers(tmp_path, varied(example_data(BASE), **{"objectives.0.owner": "ghost"}), "err.yaml")
    assert run("render", error, "-o", tmp_path / "err.md").returncode == 2
    assert not (tmp_path / "err.md").exists()


def test_render_advisor_adds_drafting_notes_to_docx_and_pdf(tmp_path: Path) -> None:
    answers = write_answers(tmp_path, varied(example_data(BASE), **{"objectives.0.owner": None, "parties.1.manager": None}))
    assert run("render", answers, "-o", tmp_path / "advisor", "--advisor").returncode == 0
    assert run("render", answers, "-o", tmp_path / "client").returncode == 0
    docx = DocxView((tmp_path / "advisor" / "answers.docx").read_bytes())
    assert docx.styled("Schedule Heading")[-1] == "Annex: Drafting notes"
    notes = docx.tables[-1]
    assert notes[0] == ["Severity", "Concerns", "Finding", "Suggestion"]
    assert [row[1] for row in notes[1:]] == ["objectives[0].owner", "parties[1].manager"]
    pdf = PdfView((tmp_path / "advisor" / "answers.pdf").read_bytes())
    assert "Annex: Drafting notes" in pdf.text and "Brightwave Software Ltd names no partnership manager." in pdf.text
    client_docx = DocxView((tmp_path / "client" / "answers.docx").read_bytes())
    client_pdf = PdfView((tmp_path / "client" / "answers.pdf").read_bytes())
    assert "Drafting notes" not in client_docx.text and "Drafting notes" not in client_pdf.text
