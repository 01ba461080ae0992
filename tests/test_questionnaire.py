"""`agreementkit new`, driven through prompt_toolkit's pipe input as a person would type."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import EXAMPLES, DocxView
from terminal import DOWN, ENTER, NO, PAUSE, SPACE, YES, drive, lines, t

from agreementkit.answers import load_answers, validate_answers
from agreementkit.interview.draft import load_draft
from agreementkit.questionnaire import Draft

QUICK_KEYS = [
    t("Build and test a warehouse robot together."), ENTER,  # purpose; start date as proposed
    # Per party: the name (its kind is shown, proposed from the name), the jurisdiction, who signs
    # (name and title in one form) and the manager (name and email in one form).
    t("Acme Robotics Ltd"), ENTER, t("Ann Lee"), t("Chief Executive"), t("Raj Patel"), t("raj@acme.example"),
    t("Beta Labs GmbH"), t("Germany"), t("Bo Schmidt"), t("CTO"), t("Lena Vogt"), t("lena@beta.example"), NO,
    t("Build a prototype"), t("Prototype demonstrations"), t("3 demos"),
    t("2027-02-30"), PAUSE, t("2027-06-30"),  # a date that does not exist (asked again alone), then a real one
    DOWN + ENTER, NO,  # owner: Acme; no more objectives
    t("Robotics lead"), t("Software lead"),  # each party's role
    t("Two robotics engineers"), t("Navigation software licence"),  # each party's main contribution
    ENTER,  # decisions by consensus
    ENTER,  # review: accept
]
PARTIES_DONE = 15  # QUICK_KEYS[:PARTIES_DONE] answer the agreement and the parties
QUICK_EXPECTED = {
    "format": 1,
    "agreement": {"title": "Memorandum of Understanding", "purpose": "Build and test a warehouse robot together.",
                  "effective_date": "2026-12-01", "term_months": 24, "governing_law": "England and Wales", "language": "English",
                  "renewal": "by_agreement"},
    "parties": [
        {"key": "acme", "name": "Acme Robotics Ltd", "short_name": "Acme", "kind": "company", "legal_form": "private_company",
         "jurisdiction": "England and Wales",
         "signatory": {"name": "Ann Lee", "title": "Chief Executive"}, "manager": {"name": "Raj Patel", "email": "raj@acme.example"}},
        {"key": "beta", "name": "Beta Labs GmbH", "short_name": "Beta", "kind": "company", "legal_form": "private_company",
         "jurisdiction": "Germany",
         "signatory": {"name": "Bo Schmidt", "title": "CTO"}, "manager": {"name": "Lena Vogt", "email": "lena@beta.example"}},
    ],
    "objectives": [{"title": "Build a prototype", "kpi": "Prototype demonstrations", "target": "3 demos", "due": "2027-06-30", "owner": "acme"}],
    "responsibilities": [{"party": "acme", "role": "Robotics lead"}, {"party": "beta", "role": "Software lead"}],
    "resources": [
        {"party": "acme", "type": "personnel", "description": "Two robotics engineers"},
        {"party": "beta", "type": "intellectual_property", "description": "Navigation software licence"},
    ],
    "costs": {"model": "each_bears_own"},
    "governance": {"body": "Joint Steering Committee", "representatives_per_party": 1, "decision_rule": "consensus",
                   "deadlock": "escalate"},
    "disputes": {"steps": ["negotiation", "escalation", "mediation"], "negotiation_days": 15, "escalation_days": 15},
    "review": {"cadence": "quarterly", "first_review": "2027-03-01", "forum": "Joint Steering Committee meeting",
               "annual_strategic_review": True},
    "confidentiality": {"enabled": True, "years": 3},
    "intellectual_property": {"background": "retained", "foreground": "creator"},
    "termination": {"notice_days": 30},
    "data_protection": {"personal_data": False},
}


def test_quick_two_party_run_writes_the_expected_answers_and_documents(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive(QUICK_KEYS, draft, tmp_path, formats=["docx", "pdf"])
    assert run.result is not None
    assert load_answers(run.result.answers_path) == validate_answers(QUICK_EXPECTED)
    assert run.result.answers_path == tmp_path / "acme-beta-mou.yaml"
    assert "✗ 2027-02-30 is not a real date; check the month and the day." in run.printed
    docx = DocxView((tmp_path / "acme-beta-mou.docx").read_bytes())
    assert "Acme Robotics Ltd" in docx.text and "Beta Labs GmbH" in docx.text
    from helpers import PdfView

    pdf = PdfView((tmp_path / "acme-beta-mou.pdf").read_bytes())
    assert "Acme Robotics Ltd" in pdf.text and "Beta Labs GmbH" in pdf.text
    assert not draft.path.exists()  # a finished questionnaire leaves no draft behind
    assert f"wrote {tmp_path / 'acme-beta-mou.docx'}" in run.printed
    questions = [k for k in yaml.safe_load((tmp_path / "acme-beta-mou.yaml").read_text())]
    assert questions[0] == "format"


def test_quick_mode_asks_what_a_real_mou_needs(tmp_path: Path) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    drive(QUICK_KEYS[:-1], draft, tmp_path, interrupt=True)
    # Per party: name, kind, jurisdiction, signatory and title, manager and email, role, contribution.
    assert len(draft.log) == 28, sorted(draft.log)
    for index in (0, 1):
        for field in ("kind", "manager.email"):
            assert f"parties[{index}].{field}" in draft.log
        assert f"responsibilities[{index}].role" in draft.log and f"resources[{index}].description" in draft.log
    assert "governance.decision_rule" in draft.log


FULL_KEYS = [
    # the agreement
    ENTER, t("MOU-7"), t("Pilot cold-chain tracking for regional food distributors."), t("2027-01-15"),
    ENTER, ENTER, ENTER, ENTER, ENTER, NO, ENTER, ENTER,  # in months, 24; extend by agreement, no implementing agreements, not exclusive
    # parties: three, with managers and strengths; registered details, signatory and manager each in one form
    t("Northwind Telecom plc"), ENTER, t("04122331"), t("12 Quay Street, Manchester"),
    t("Priya Shah"), t("Chief Partnerships Officer"), t("Tom Reilly"), t("tom@northwind.example"), ENTER,
    lines("National 5G network", "Enterprise sales"),
    t("Frostline Analytics Ltd"), t("Scotland"), ENTER, ENTER,
    t("Ewan Gallagher"), t("Chief Executive Officer"), ENTER, ENTER, ENTER, ENTER,
    YES,
    t("Harbour Food Network"), ENTER, ENTER, ENTER,  # a nonprofit, proposed from "Network"; in Scotland as the last
    t("Dr Amara Osei"), t("Director"), t("Lucy Hart"), ENTER, ENTER, lines("40 member distributors"),
    NO,
    # objectives: two
    t("Pilot the service"), t("Distributors running the pilot"), t("8 distributors"), t("2027-07-31"), DOWN * 3 + ENTER, YES,
    t("Reduce spoilage"), t("Spoilage rate"), t("-20%"), t("2027-12-31"), DOWN * 2 + ENTER, NO,
    # responsibilities: one role per party, with repeated duties
    YES, ENTER, t("Connectivity lead"), lines("Provide SIMs"),
    YES, ENTER, t("Technology lead"), lines("Supply sensors", "Report spoilage monthly"),
    YES, ENTER, t("Sector convenor"), lines("Recruit distributors"),
    NO,
    # resources (the kind proposed from the description), a wrong currency, a value typed
    # with its currency sign, then shared costs that total 90%: only the shares are asked again
    YES, ENTER, t("Connectivity for 500 sensors"), DOWN * 4 + ENTER, t("60000"), ENTER, ENTER,
    YES, ENTER, t("Two engineers"), ENTER, t("£90,000"), ENTER, ENTER,
    YES, ENTER, t("A coordinator"), ENTER, t("25000"), t("pounds"), ENTER, PAUSE, t("GBP"),
    NO, DOWN + ENTER, t("50"), t("30"), t("10"),  # the shares, in one form: 90%, said at once
    PAUSE, ENTER, ENTER, t("20"),
    ENTER,  # no cap asked in an MOU; the standard 30 days to pay
    ENTER,  # not selling together
    # governance
    ENTER, t("2"), ENTER, lines("Admitting a new party"), lines("Pricing of its own services"), ENTER,
    # disputes: add arbitration to the proposed ladder, keep the order shown
    DOWN * 4 + SPACE + ENTER, ENTER, t("15"), t("the Chief Executives"), t("20"), t("CEDR"), ENTER, ENTER, ENTER, ENTER,
    # review, communication, confidentiality, IP, termination, values
    ENTER, ENTER, DOWN * 2 + ENTER, ENTER, ENTER,
    lines("Monthly operations call"), t("5"),
    ENTER, ENTER, ENTER, ENTER,  # confidentiality for 3 years; no earlier NDA; no personal data shared
    ENTER, ENTER, ENTER, ENTER, ENTER, ENTER,  # IP: retained, creator; improvements stay with the improved IP's owner;
    # joint IP licensed after notice, no accounting, decided together
    ENTER, ENTER, ENTER,  # liability capped by contributions, personal-data breaches outside the cap, over the whole term
    ENTER,  # no insurance required
    t("60"), ENTER, lines("Fewer than 4 distributors in the pilot at the second review"),
    lines("Openness with each other"),
    # review screen: accept
    ENTER,
]
FULL_EXPECTED: dict[str, Any] = {
    "format": 1,
    "agreement": {"title": "Memorandum of Understanding", "reference": "MOU-7",
                  "purpose": "Pilot cold-chain tracking for regional food distributors.", "effective_date": "2027-01-15",
                  "term_months": 24, "binding": False, "governing_law": "England and Wales", "language": "English",
                  "renewal": "by_agreement"},
    "parties": [
        {"key": "northwind", "name": "Northwind Telecom plc", "short_name": "Northwind", "kind": "company",
         "legal_form": "public_company", "jurisdiction": "England and Wales", "registration_number": "04122331", "address": "12 Quay Street, Manchester",
         "signatory": {"name": "Priya Shah", "title": "Chief Partnerships Officer"},
         "manager": {"name": "Tom Reilly", "email": "tom@northwind.example"},
         "strengths": ["National 5G network", "Enterprise sales"]},
        {"key": "frostline", "name": "Frostline Analytics Ltd", "short_name": "Frostline", "kind": "company",
         "legal_form": "private_company", "jurisdiction": "Scotland", "signatory": {"name": "Ewan Gallagher", "title": "Chief Executive Officer"}},
        {"key": "network", "name": "Harbour Food Network", "short_name": "the Network", "kind": "nonprofit",
         "jurisdiction": "Scotland", "signatory": {"name": "Dr Amara Osei", "title": "Director"},
         "manager": {"name": "Lucy Hart"}, "strengths": ["40 member distributors"]},
    ],
    "objectives": [
        {"title": "Pilot the service", "kpi": "Distributors running the pilot", "target": "8 distributors", "due": "2027-07-31", "owner": "network"},
        {"title": "Reduce spoilage", "kpi": "Spoilage rate", "target": "-20%", "due": "2027-12-31", "owner": "frostline"},
    ],
    "responsibilities": [
        {"party": "northwind", "role": "Connectivity lead", "duties": ["Provide SIMs"]},
        {"party": "frostline", "role": "Technology lead", "duties": ["Supply sensors", "Report spoilage monthly"]},
        {"party": "network", "role": "Sector convenor", "duties": ["Recruit distributors"]},
    ],
    "resources": [
        {"party": "northwind", "type": "in_kind", "description": "Connectivity for 500 sensors", "value": 60000, "currency": "GBP"},
        {"party": "frostline", "type": "personnel", "description": "Two engineers", "value": 90000, "currency": "GBP"},
        {"party": "network", "type": "personnel", "description": "A coordinator", "value": 25000, "currency": "GBP"},
    ],
    "costs": {"model": "shared", "shares": {"northwind": 50, "frostline": 30, "network": 20}},
    "governance": {"body": "Joint Steering Committee", "representatives_per_party": 2, "decision_rule": "consensus",
                   "reserved_matters": ["Admitting a new party"], "independent_matters": ["Pricing of its own services"],
                   "deadlock": "escalate"},
    "disputes": {"steps": ["negotiation", "escalation", "mediation", "arbitration"], "negotiation_days": 15,
                 "escalation_to": "the Chief Executives", "escalation_days": 20, "mediator": "CEDR",
                 "arbitration": {"rules": "LCIA Rules", "seat": "London", "arbitrators": 1}},
    "review": {"cadence": "quarterly", "first_review": "2027-04-15", "kpi_report_by": "frostline",
               "forum": "Joint Steering Committee meeting", "annual_strategic_review": True},
    "communication": {"channels": ["Monthly operations call"], "response_days": 5},
    "confidentiality": {"enabled": True, "years": 3},
    "intellectual_property": {"background": "retained", "foreground": "creator"},
    "termination": {"notice_days": 60, "exit_triggers": ["Fewer than 4 distributors in the pilot at the second review"]},
    "values": ["Openness with each other"],
    "data_protection": {"personal_data": False},
}


def test_full_three_party_run_with_repeated_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementkit.questionnaire import ui

    asked: list[str] = []
    ask = ui.Terminal.ask
    monkeypatch.setattr(ui.Terminal, "ask", lambda self, question: asked.append(question.key) or ask(self, question))
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    run = drive(FULL_KEYS, draft, tmp_path)
    assert run.result is not None, run.printed[-2000:]
    assert load_answers(run.result.answers_path) == validate_answers(FULL_EXPECTED)
    assert run.result.documents == [tmp_path / "northwind-frostline-network-mou.md"]
    markdown = run.result.documents[0].read_text(encoding="utf-8")
    for name in ("Northwind Telecom plc", "Frostline Analytics Ltd", "Harbour Food Network"):
        assert name in markdown
    # Wrong values were refused with their reasons and the corrections kept.
    assert "✗ 'pounds' is not a currency code: use a 3-letter ISO code such as GBP, EUR or USD." in run.printed
    assert "✗ Shares total 90%, not 100%." in run.printed
    # The total was checked as soon as the last share was given (before the days to pay were asked; an
    # MOU asks no cap), and only the shares were asked again, not the whole resources section.
    assert asked.count("costs.shares.northwind") == 2 and asked.count("costs.model") == 1 and "costs.cap" not in asked
    assert asked.index("costs.payment_days") > len(asked) - 1 - asked[::-1].index("costs.shares.northwind")
    assert run.printed.index("Shares total 90%") < run.printed.index("Section 6 of 15")


@pytest.mark.parametrize("stop_after", [7, 43, 76])  # between prompts: a form stopped half-way is asked afresh
def test_an_interrupted_run_resumes_to_the_same_answers(tmp_path: Path, stop_after: int) -> None:
    draft = Draft(tmp_path / "draft.yaml", quick=False)
    run = drive(FULL_KEYS[:stop_after], draft, tmp_path, interrupt=True)
    saved = load_draft(draft.path)
    # Exactly the answers given so far: the same keystrokes without the Ctrl-C
    # record the same answers, and nothing beyond them.
    probe = Draft(tmp_path / "probe" / "draft.yaml")
    with pytest.raises(EOFError):
        drive(FULL_KEYS[:stop_after], probe, tmp_path / "probe")
    assert saved.log == probe.log and saved.log
    assert run.result is None
    resumed = drive(FULL_KEYS[stop_after:], saved, tmp_path)
    assert resumed.result is not None, resumed.printed[-2000:]
    assert load_answers(resumed.result.answers_path) == validate_answers(FULL_EXPECTED)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_from_an_example_accepting_every_default_reproduces_it(tmp_path: Path, example: Path) -> None:
    answers = load_answers(example)
    draft = Draft(tmp_path / "draft.yaml", defaults=answers.model_dump(mode="json", exclude_none=True))
    run = drive([ENTER] * 600, draft, tmp_path)
    assert run.result is not None, run.printed[-2000:]
    assert load_answers(run.result.answers_path) == answers
    # Nothing asked that cannot matter: publication periods only where a university takes part,
    # replacing earlier NDAs only where some are named, a Shared Costs cap only where a decision can commit spending.
    university = any("university" in (p.kind.value, p.legal_form.value if p.legal_form else None) for p in answers.parties)
    assert ("publication.review_days" in draft.log) == ("publication.delay_days" in draft.log) == university
    named = bool(answers.confidentiality.enabled and answers.confidentiality.prior_agreements)
    assert ("confidentiality.replace_prior" in draft.log) == named
    assert ("costs.cap" in draft.log) == (answers.agreement.binding and answers.costs.model == "shared")
    # The ladder's periods and mediator are asked where a Dispute step or the Deadlock clause prints them.
    deadlock = answers.governance.deadlock.value if answers.governance.deadlock else None
    steps = [step.value for step in answers.disputes.steps]
    escalates = deadlock in ("escalate", "mediation") or (deadlock == "chair_casting_vote" and bool(answers.governance.reserved_matters))
    assert ("disputes.escalation_days" in draft.log) == ("escalation" in steps or escalates)
    mediates = "mediation" in steps or deadlock == "mediation"
    assert ("disputes.mediator" in draft.log) == ("disputes.mediation_days" in draft.log) == mediates


def test_an_existing_answers_file_is_not_replaced_without_confirmation(tmp_path: Path) -> None:
    (tmp_path / "acme-beta-mou.yaml").write_text("mine", encoding="utf-8")
    draft = Draft(tmp_path / "draft.yaml", quick=True)
    run = drive([*QUICK_KEYS, NO, t("acme-beta-v2")], draft, tmp_path)
    assert (tmp_path / "acme-beta-mou.yaml").read_text(encoding="utf-8") == "mine"
    assert run.result is not None and run.result.answers_path == tmp_path / "acme-beta-v2.yaml"


def test_new_refuses_without_a_terminal(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "agreementkit", "new"], input="", capture_output=True, text=True,
                            cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr and "agreementkit render ANSWERS" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_first_question_does_not_wait_for_the_document_libraries(tmp_path: Path) -> None:
    code = f"""
import sys
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from agreementkit.questionnaire import Draft, Terminal, run_new
from pathlib import Path
with create_pipe_input() as pipe:
    pipe.close()
    try:
        run_new(Terminal(input=pipe, output=DummyOutput()), Draft(Path({str(tmp_path)!r}) / "d.yaml", formats=["pdf"]))
    except EOFError:
        pass
print(sorted(m for m in ("weasyprint", "docx") if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
