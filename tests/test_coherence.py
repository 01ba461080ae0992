"""Commercial coherence: no two clauses of one document contradict each other,
whatever the answers, and answers that cannot all be true are refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import rendered
from helpers import example_data, varied

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes

SCOPE = ("any dispute or claim arising out of or in connection with", "including non-contractual disputes or claims")
# Terms the library defines in one clause and uses in others.
TERMS = ["Shared Costs", "Contribution", "Purpose", "Objectives", "Dispute", "Confidential Information", "Background IP",
         "Foreground IP", "Deadlock", "Joint IP", "Customer Contract", "Implementing Agreement", "Data Protection Law"]


def markdown_of(data: dict) -> str:
    return render_bytes(assemble(validate_answers(data)), "md").decode("utf-8")


def number(text: str, title: str) -> str:
    """The printed number of the clause headed `title`: sections move as optional ones come and go."""
    found = re.search(rf"^### (\d+\.\d+) {re.escape(title)}$", text, re.MULTILINE)
    assert found, f"no clause headed {title!r}"
    return found.group(1)


def test_disputes_and_governing_law_have_the_same_scope(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    ladder = text.split(f"### {number(text, 'Approach')} Approach")[1].split("###")[0]
    law = text.split("Governing law\n")[1].split("###")[0]
    for words in SCOPE:
        assert words in ladder and words in law, words


def test_withdrawal_is_one_rule_stated_once(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    assert "at any time without liability" not in text
    if "stop taking part" in text:
        assert re.search(r"stop taking part in the partnership only as clause \d+\.\d+ provides", text)


def test_every_defined_term_used_is_defined_in_that_document(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    for term in TERMS:
        uses = re.findall(rf"(?<!\*\*)\b{term}s?\b(?!\*\*)", text)
        if uses:
            assert f"**{term}**" in text, f"{term} is used but not defined"


def test_publicity_follows_the_reserved_matters() -> None:
    data = example_data()
    reserved = markdown_of(varied(data, **{"governance.reserved_matters": ["Public announcements about the partnership"]}))
    assert f"Public announcements about the partnership are a reserved matter under clause {number(reserved, 'Reserved matters')}" in reserved
    assert "not be unreasonably withheld" not in reserved.split("Publicity\n")[1].split("###")[0]
    free = markdown_of(varied(data, **{"governance.reserved_matters": ["Admitting a new party"]}))
    publicity = free.split("Publicity\n")[1].split("###")[0]
    assert "prior written approval of each other Party" in publicity and "reserved matter" not in publicity


def test_the_wind_down_settles_shared_costs_only_where_there_are_some() -> None:
    own = markdown_of(varied(example_data(), **{"costs": {"model": "each_bears_own"}}))
    assert "Shared Costs" not in own
    two = markdown_of(varied(example_data("telecom-edge-binding")))
    assert "or a Party withdraws" not in two


# --- answers that must hang together ---------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from helpers import write_answers  # noqa: E402


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


@pytest.mark.parametrize(("changes", "path", "message"), [
    ({"review.first_review": "2026-11-15"}, "review.first_review",
     "the first review (2026-11-15) comes before the agreement starts (2027-01-15)"),
    ({"review.first_review": "2030-01-01"}, "review.first_review",
     "the first review (2030-01-01) comes after the term ends (2029-01-14)"),
    ({"objectives.0.due": "2026-12-31"}, "objectives[0].due",
     "'Pilot the tracking service with member distributors' is due (2026-12-31) before the agreement starts (2027-01-15)"),
])
def test_answers_that_cannot_all_be_true_are_refused(tmp_path: Path, changes: dict, path: str, message: str) -> None:
    answers = write_answers(tmp_path, varied(example_data(), **changes))
    for command in (["render", str(answers), "-o", str(tmp_path / "out.md")], ["check", str(answers)]):
        result = cli(*command)
        assert result.returncode == 2, result.stderr
        assert f"{path}: {message}" in result.stderr
        assert "line " in result.stderr
    assert not (tmp_path / "out.md").exists()


@pytest.mark.parametrize(("rule", "changes", "path"), [
    ("objective-after-term", {"objectives.2.due": "2029-06-30"}, "objectives[2].due"),
    ("resource-ends-early", {"resources.1.until": "2027-06-30"}, "resources[1].until"),
    ("reserved-none", {"governance.decision_rule": "majority", "governance.reserved_matters": []}, "governance.reserved_matters"),
    ("shared-costs-uncapped", {"agreement.binding": True, "governance.decision_rule": "majority"}, "costs.cap"),
    ("currency-mixed", {"resources.0.currency": "EUR"}, "costs.currency"),
])
def test_answers_that_hang_together_badly_are_findings(tmp_path: Path, rule: str, changes: dict, path: str) -> None:
    answers = write_answers(tmp_path, varied(example_data(), **changes))
    report = json.loads(cli("check", str(answers), "--format", "json").stdout)
    assert any(f["rule"] == rule and f["path"] == path for f in report["findings"]), report["findings"]
    table = cli("check", str(answers))
    assert rule in table.stdout


def test_a_cap_on_shared_costs_is_written_and_silences_the_finding(tmp_path: Path) -> None:
    data = varied(example_data(), **{"costs.cap": 50000, "costs.currency": "GBP"})
    cap = "The Shared Costs shall not exceed GBP 50,000 in total without the prior written agreement of every Party."
    # In an MOU every Shared Cost already needs each payer's written approval: the cap is the binding variant's.
    assert cap not in markdown_of(data)
    assert cap in markdown_of(varied(data, **{"agreement.binding": True}))
    assert "Shared Costs are recorded and invoiced in GBP; a Shared Cost paid in another currency is converted into GBP" in markdown_of(data)
    from agreementkit.checks import check_answers

    def uncapped(answers: dict) -> bool:
        return any(f.rule == "shared-costs-uncapped" for f in check_answers(validate_answers(answers)).findings)

    # Only where a decision can commit spending (the binding variant) does a missing cap warn; the cap silences it.
    binding = varied(example_data(), **{"agreement.binding": True})
    assert uncapped(binding) and not uncapped(example_data())
    assert not uncapped(varied(binding, **{"costs.cap": 50000, "costs.currency": "GBP"}))
    result = cli("check", str(write_answers(tmp_path, varied(example_data(), **{"costs.cap": 50000}))))
    assert result.returncode == 2 and "a cap needs a currency" in result.stderr


def test_the_questionnaire_asks_again_a_first_review_before_the_start(tmp_path: Path) -> None:
    from terminal import ENTER, PAUSE, drive, t

    from agreementkit.answers import load_answers
    from agreementkit.interview import InterviewRun
    from agreementkit.interview.draft import Draft
    from agreementkit.questions import load_interview

    answers = load_answers(Path(__file__).resolve().parent.parent / "examples" / "cold-chain-pilot.yaml")
    draft = Draft(tmp_path / "draft.yaml", defaults=answers.model_dump(mode="json", exclude_none=True))

    class UpToTheReview:
        """Accepts every proposed answer until the first review is asked."""

        def ask(self, ask: object) -> object:
            if ask.key == "review.first_review":  # type: ignore[attr-defined]
                raise KeyboardInterrupt
            return ask.default  # type: ignore[attr-defined]

        def invalid(self, *args: object) -> None: ...
        def enter_page(self, *args: object) -> None: ...
        def page_problems(self, *args: object) -> None: ...
        def note(self, *args: object) -> None: ...

    with pytest.raises(KeyboardInterrupt):
        InterviewRun(load_interview(), draft, UpToTheReview(), revising=draft.defaults).run()
    draft.stale["review.first_review"] = "2026-12-01"  # as if the person had typed it before going back
    run = drive([ENTER, PAUSE, t("2027-04-01")], draft, tmp_path, interrupt=True)
    assert "✗ The first review (2026-12-01) comes before the agreement starts (2027-01-15); set it after the start." in run.printed
    assert draft.log["review.first_review"] == "2027-04-01"


def test_every_ladder_step_has_a_time_limit_and_mediation_is_a_duty(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    assert "None set" not in text
    assert re.search(r"once a step's time limit has passed, (?:any Party concerned|either Party) may begin the next step", text)
    if " Mediation\n" in text:
        mediation = text.split(" Mediation\n")[1].split("###")[0]
        assert "shall refer it to mediation" in mediation and "before any later step is taken" in mediation


def test_a_deadlock_and_an_empty_meeting_do_not_stall_the_partnership(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    deadlock = number(text, "Deadlock")
    if len(yaml.safe_load(example.read_text(encoding="utf-8"))["parties"]) > 2:
        # one Party alone never decides for everyone at an adjourned meeting
        assert "The adjourned meeting is quorate when at least two Parties are represented at it" in text
    else:
        assert "The adjourned meeting is quorate only when both Parties are represented." in text
    assert f"A matter left undecided because the adjourned meeting is not quorate is a Deadlock (as defined in clause {deadlock})" in text
    # a business deadlock ends in the status quo, never in the final forum
    assert "the proposal falls and the position before it stands" in text
    assert "no arbitrator, expert or court may decide it, since none of them can take a business decision" in text
    assert "is never put to an arbitrator, an expert or a court" not in text  # a mediator or expert may still recommend
    assert f"A Deadlock under clause {deadlock} is not a Dispute" in text
    assert f"A Deadlock under clause {deadlock} does not go up this ladder" in text
    assert "treat the matter as a Dispute" not in text


def test_the_document_is_dated_by_its_last_signature(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    assert "Dated " not in text.split("##")[0]
    assert f"is dated the date of the last signature below; it takes effect on the date set out in clause {number(text, 'Term')}" in text


def test_a_two_party_agreement_never_speaks_of_others_in_the_plural() -> None:
    for name in ("telecom-edge-binding", "university-materials-research"):
        text = rendered(Path(__file__).resolve().parent.parent / "examples" / f"{name}.yaml", "md").decode("utf-8")
        body = text.split("## Signatures")[0]
        for phrase in ("the others", "other Parties", "every other Party", "each other Party", "Parties concerned",
                       "Parties in dispute", "any of them"):
            assert phrase not in body, (name, phrase)
        assert "the other Party" in body


def test_a_binding_agreement_allows_subcontracting_and_says_targets_are_not_promises() -> None:
    text = rendered(Path(__file__).resolve().parent.parent / "examples" / "telecom-edge-binding.yaml", "md").decode("utf-8")
    assert "A Party may subcontract the performance of its role, but remains responsible for everything its subcontractors do" in text
    assert "missing one is not in itself a breach of this Agreement" in text
    # two parties: "Neither Party ... the other Party", never "No Party ... every other Party"
    assert ("Neither Party may assign or transfer any of its rights or obligations under this Agreement "
            "without the prior written consent of the other Party") in text
    assert "No Party may" not in text


def test_shared_costs_say_when_they_are_paid_and_that_taxes_are_extra() -> None:
    text = markdown_of(varied(example_data(), **{"costs.payment_days": 45}))
    shared = text.split("Shared costs\n")[1].split("###")[0]
    assert "each invoice is to be paid within 45 days of receipt" in shared
    assert "Amounts are exclusive of VAT or any equivalent tax" in shared
    assert "within 30 days of receipt" in markdown_of(example_data())


def test_the_ladder_can_always_be_completed_and_a_deadlock_never_climbs_it() -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    for name in ("five-party-consortium", "cold-chain-pilot"):
        text = rendered(root / f"{name}.yaml", "md").decode("utf-8")
        assert "without first taking the earlier steps" not in text
        assert "straight to escalation" not in text
        deadlock = text.split(f"### {number(text, 'Deadlock')} Deadlock")[1].split("###")[0]
        assert "working days" not in deadlock and "the proposal falls and the position before it stands" in deadlock
    university = rendered(root / "university-materials-research.yaml", "md").decode("utf-8")
    assert "a step that cannot apply to the Dispute" in university
    assert "The expert is to be asked to decide within 60 days of appointment." in university
    # the expert's decision binds until the court that follows it decides otherwise, and a fallback body appoints
    assert f"unless and until a court deciding the Dispute under clause {number(university, 'Courts')} decides otherwise" in university
    assert "by the President of the Chartered Institute of Arbitrators" in university
    assert ("| Expert determination of a technical or financial Dispute | An independent expert, appointed by the President of "
            "the Institute of Materials, Minerals and Mining | 60 days from appointment | Binding unless and until the next step "
            "decides otherwise |") in university
    assert "| Final |" not in university
    assert "every 6 months" in university and "every six months" not in university


def test_what_a_party_decides_alone_stays_subject_to_the_reserved_matters(example: Path) -> None:
    text = rendered(example, "md").decode("utf-8")
    if "decides the following matters alone" in text:
        tail = "the other terms of this Agreement" if "This Agreement is legally binding" in text else "the clauses of this MOU that bind"
        reserved = f"the reserved matters in clause {number(text, 'Reserved matters')}"
        if "Academic publication" in text:  # a University's publishing is still reviewed under that clause
            assert f"subject only to {reserved}, the review of publications in clause {number(text, 'Academic publication')}, and {tail}" in text
        else:
            assert f"subject only to {reserved} and {tail}" in text
    assert not re.search(r"\\\[[a-z]+\.[a-z_]+\\\]", text), "a cross-reference was escaped instead of resolved"
