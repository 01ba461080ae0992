"""The commercial and legal mechanics a lawyer expects: money, IP, data, exit and who signs.

Each test renders real answers and reads the text a reader would see."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import rendered
from helpers import ROOT, DocxView, example_data, squash, varied, write_answers

from agreementkit.answers import validate_answers
from agreementkit.assembly import assemble
from agreementkit.checks import check_answers
from agreementkit.questions import load_interview
from agreementkit.questions.expressions import legal_form_from_name
from agreementkit.render import render_bytes

BINDING = ROOT / "examples" / "telecom-edge-binding.yaml"
LEGACY = sorted((ROOT / "tests" / "data" / "legacy").glob("*.yaml"))


def markdown_of(data: dict[str, Any]) -> str:
    return render_bytes(assemble(validate_answers(data)), "md").decode("utf-8")


def clause(text: str, title: str) -> str:
    """The text of the clause headed `title` (up to the next heading)."""
    found = re.search(rf"^### [\d.]+ {re.escape(title)}\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    assert found, f"no clause headed {title!r}"
    return squash(re.sub(r"^- ", "", found.group(1), flags=re.MULTILINE))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


def binding(**changes: Any) -> dict[str, Any]:
    return varied(example_data("telecom-edge-binding"), **changes)


# --- the binding example as a whole --------------------------------------------------------


def test_the_binding_example_has_the_mechanics_of_a_real_contract() -> None:
    text = rendered(BINDING, "md").decode("utf-8")
    leaving = clause(text, "Ending the partnership early")
    assert "commits a material breach of this Agreement and, where the breach can be remedied, fails to remedy it within 30 days" in leaving
    assert "becomes insolvent" in leaving and "administrator, receiver, liquidator" in leaving
    assert "comes under the control of a person that did not control it" in leaving
    assert "to end no earlier than 1 March 2028" in leaving  # the minimum period of 12 months
    assert "remains responsible for everything its subcontractors do" in clause(text, "Assignment")
    liability = clause(text, "Liability")
    assert "for Aurora, GBP 660,000; (b) for Brightwave, GBP 530,000." in liability
    assert "the value of its own Contribution" not in text
    assert "if a clause and a schedule conflict, the clause prevails" in clause(text, "Interpretation")
    joint = clause(text, "Jointly owned intellectual property")
    assert "after giving the other owner at least 30 days' written notice" in joint
    assert "without the written consent of every owner of it" in joint  # filing and its costs need both co-owners
    assert "Where they consent, Brightwave shall prepare, file and maintain the application" in joint
    assert "may apply at its own cost and for its own benefit" in joint
    foreground = clause(text, "New intellectual property")
    assert "hereby assigns to the other Party, by way of present assignment of future rights" in foreground
    assert "its employees, contractors and anyone else who creates Foreground IP" in foreground  # no university: no students
    assert "Nothing in this clause limits a Party's duty to pay amounts due under clause 6.1." in liability

    data = clause(text, "Personal data")
    assert "Brightwave processes personal data on behalf of Aurora, as its processor" in data
    for duty in ("documented instructions", "duty of confidence", "prior written authorisation", "delete or return",
                 "audits and inspections", "without undue delay"):
        assert duty in data, duty
    assert "agree in writing before any personal data is shared" not in text
    selling = clause(text, "Selling together")
    customers = clause(text, "Licences to customers")
    assert "These payments continue after this Agreement ends for as long as any Customer Contract signed during the term runs." in selling
    assert "each Party shall go on supplying and supporting what it supplies under it" in selling
    assert "(the **Joint Offering**) are those that the Joint Programme Board approves in writing" in selling
    assert "in proportion to their list prices at the date of the Customer Contract" in selling
    assert "Brightwave shall indemnify Aurora against any claim by a third party" in customers
    assert "The indemnity in clause 13.4 is not limited by this clause." in liability
    assert "Sublicences to customers under clause 13.4 need no notice or consent." in joint
    assert "Aurora shall contract with customers" in selling and "Brightwave: 35%" in selling
    assert "within 30 days of receiving the customer's payment" in selling and "exclusive of VAT" in selling
    assert "continues after this Agreement ends" in customers
    assert "public liability and professional indemnity insurance with cover of at least GBP 5,000,000" in clause(text, "Insurance")
    assert "### 17.2 Entire agreement" in text


def test_the_mou_speaks_of_intentions_for_money_and_ip() -> None:
    data = varied(example_data(), **{"commercial": {"contracting_party": "northwind", "pricing": "each Party's 2027 price list",
                                                    "payment_days": 45}})
    text = markdown_of(data)
    selling = clause(text, "Selling together")
    assert selling.startswith("The products and services that the Parties intend to sell together under this clause (the **Joint Offering**)")
    assert "The Parties intend to offer the Joint Offering to customers together, with Northwind" in selling
    assert "at the prices set out in each Party's 2027 price list" in selling
    assert "within 45 days of Northwind receiving the customer's payment" in selling
    assert " shall " not in selling
    assert "Entire understanding" in text and "Entire agreement" not in text
    status = clause(text, "Legal status")
    number = re.search(r"### ([\d.]+) Selling together", text).group(1)  # type: ignore[union-attr]
    assert not re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", status), "selling together is an intention, not a binding clause"


# --- liability --------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "expected"), [
    ({"liability": {"cap": 250000, "currency": "GBP"}}, "shall not exceed: (a) for Aurora, GBP 250,000; (b) for Brightwave, GBP 250,000."),
    ({"liability": {"caps": {"aurora": 1000000, "brightwave": 300000}, "currency": "EUR", "period": "per_year"}},
     "in each period of 12 months from the date in clause 15.1, shall not exceed: (a) for Aurora, EUR 1,000,000; (b) for Brightwave, EUR 300,000."),
    ({"resources.3.currency": "EUR"}, "for Brightwave, GBP 380,000 plus EUR 150,000."),
])
def test_the_liability_cap_is_always_an_amount(changes: dict, expected: str) -> None:
    assert expected in clause(markdown_of(binding(**changes)), "Liability")


def test_a_party_with_nothing_to_cap_by_is_named_and_warned_about() -> None:
    data = binding(resources=[{"party": "aurora", "type": "funding", "description": "Cash", "value": 1000, "currency": "GBP"},
                              {"party": "brightwave", "type": "data", "description": "Logs"}])
    assert "for Brightwave, no amount: its liability is not limited by this clause" in clause(markdown_of(data), "Liability")
    assert [f.rule for f in check_answers(validate_answers(data)).warnings] == ["liability-cap-unset"]


@pytest.mark.parametrize(("changes", "path", "message"), [
    ({"liability": {"cap": 1000}}, "liability", "a liability cap needs a currency"),
    ({"liability": {"cap": 1000, "caps": {"aurora": 5}, "currency": "GBP"}}, "liability", "not both"),
    ({"liability": {"caps": {"auroa": 5}, "currency": "GBP"}}, "liability.caps.auroa", "did you mean 'aurora'?"),
    ({"commercial": {"contracting_party": "aurora", "revenue_shares": {"aurora": 70, "brightwave": 20}}},
     "commercial.revenue_shares", "revenue shares total 90%, not 100%"),
    ({"commercial": {"contracting_party": "aurora"}}, "commercial", "say how revenue is shared"),
    ({"data_protection": {"personal_data": True}}, "data_protection", "say in which roles"),
    ({"data_protection": {"personal_data": True, "roles": "processor", "controller": "aurora"}}, "data_protection",
     "roles processor needs controller and processor"),
    ({"data_protection": {"personal_data": True, "roles": "processor", "controller": "aurora", "processor": "aurora"}},
     "data_protection", "must be different parties"),
    ({"agreement.renewal_months": 6}, "agreement", "renewal is not automatic"),
    ({"termination.minimum_months": 30}, "termination.minimum_months", "is not shorter than the term"),
    ({"insurance": {"cover": []}}, "insurance.cover", "needs at least 1 entry"),
])
def test_money_and_data_answers_that_cannot_work_are_refused(tmp_path: Path, changes: dict, path: str, message: str) -> None:
    data = binding(**changes)
    if "termination.minimum_months" in changes:
        data["agreement"].pop("end_date")
        data["agreement"]["term_months"] = 24
    answers = write_answers(tmp_path, data)
    result = cli("render", str(answers), "-o", str(tmp_path / "out.md"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.md").exists()


# --- personal data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "words"), [
    ({"data_protection": {"personal_data": True, "roles": "independent", "data": ["Contact details"]}},
     ["Each Party is an independent controller", "(namely contact details)", "personal data breach"]),
    ({"data_protection": {"personal_data": True, "roles": "joint", "contact": "brightwave"}},
     ["The Parties are joint controllers", "Brightwave is the contact point for individuals", "essence of this arrangement"]),
    ({"data_protection": {"personal_data": False}},
     ["Neither Party shall disclose any other personal data to the other Party under this Agreement unless the Parties have first recorded in a variation",
      "The Parties may share Business Contact Data with each other from the start"]),
])
def test_personal_data_is_handled_in_the_roles_given(changes: dict, words: list[str]) -> None:
    text = clause(markdown_of(binding(**changes)), "Personal data")
    for phrase in words:
        assert phrase in text, phrase


# --- term, exit, projects -------------------------------------------------------------------------


def test_automatic_renewal_and_a_plain_end() -> None:
    renews = clause(markdown_of(binding(**{"agreement.renewal": "automatic", "agreement.renewal_months": 6})), "Term")
    assert "renews itself for successive periods of 6 months unless a Party gives notice, at least 90 days before" in renews
    assert "this Agreement ends at the end of that term" in renews
    ends = clause(markdown_of(binding(**{"agreement.renewal": "none"})), "Term")
    assert ends.endswith("unless it is ended earlier under clause 15.2.") and "extended" not in ends
    five = clause(markdown_of(varied(example_data("five-party-consortium"), **{"agreement.renewal": "automatic"})), "Term")
    assert "that Party then withdraws at the end of that term and the others continue" in five


def test_in_a_consortium_a_party_in_breach_is_removed_and_the_rest_continue() -> None:
    text = markdown_of(varied(example_data("five-party-consortium"), **{"agreement.binding": True}))
    leaving = clause(text, "Ending the partnership early")
    assert "The other Parties, acting together, may by notice to a Party end its participation" in leaving
    assert "the remaining Parties continue the partnership between themselves" in leaving


def test_implementing_agreements_are_defined_and_ranked() -> None:
    five = rendered(ROOT / "examples" / "five-party-consortium.yaml", "md").decode("utf-8")
    text = clause(five, "Implementing agreements")
    assert "(each an **Implementing Agreement**)" in text and "nothing in this MOU obliges a Party to enter into one" in text
    assert "it prevails for its project" in text
    bound = clause(markdown_of(binding(**{"agreement.implementing_agreements": True})), "Implementing agreements")
    assert "this Agreement prevails, unless the Implementing Agreement expressly names the provision" in bound
    assert "Implementing agreements" not in rendered(BINDING, "md").decode("utf-8")


# --- who signs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "form"), [
    ("Northwind Telecom plc", "public_company"), ("Acme Robotics Ltd", "private_company"), ("Beta Labs GmbH", "private_company"),
    ("Harbour Advisers LLP", "llp"), ("Leeds City Council", "public_body"), ("University of Leeds", "university"),
    ("Wellcome Trust", "charity"), ("Food Bank Charitable Trust Limited", "charitable_company"), ("Harbour Food Network", ""),
])
def test_the_legal_form_is_proposed_from_the_name(name: str, form: str) -> None:
    assert legal_form_from_name(name, load_interview().words["legal_form_from_name"]) == form


def test_the_legal_form_and_numbers_appear_where_a_reader_looks(tmp_path: Path) -> None:
    docx = DocxView(rendered(ROOT / "examples" / "five-party-consortium.yaml", "docx"))
    table = docx.tables[0]
    catapult = next(row for row in table if row[0] == "Offshore Renewables Catapult Network")
    assert catapult[2] == "Charitable company, Scotland" and catapult[3] == "charity SC012345"
    assert ("Signed for and on behalf of Delta University of Technology, a university established in the Netherlands"
            in docx.styled("Signature Party"))
    data = binding(**{"parties.1.legal_form": "unincorporated_association"})
    report = json.loads(cli("check", str(write_answers(tmp_path, data)), "--format", "json").stdout)
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("party-unincorporated", "parties[1].legal_form")]


def test_answers_files_written_before_these_fields_still_render(tmp_path: Path) -> None:
    assert LEGACY, "the pre-change examples are kept in tests/data/legacy"
    for path in LEGACY:
        result = cli("render", str(path), "-o", str(tmp_path / f"{path.stem}.md"))
        assert result.returncode in (0, 1) and (tmp_path / f"{path.stem}.md").exists(), result.stderr
        text = (tmp_path / f"{path.stem}.md").read_text(encoding="utf-8")
        assert "Legal form and jurisdiction" in text
