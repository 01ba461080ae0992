"""`agreementkit serve` in a real headless Chromium, as an advisor and a client use it:
from an empty start to the documents, with repeating groups, a wrong answer
corrected beside its field, a reload that loses nothing, hostile answers shown
as text, and a draft begun in the browser and finished in the terminal."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import browser, downloaded, served, wait_for  # noqa: F401 - fixtures
from helpers import DocxView, PdfView
from selenium.common.exceptions import (
    ElementNotInteractableException,
    NoAlertPresentException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from terminal import drive
from test_questionnaire import PARTIES_DONE, QUICK_EXPECTED, QUICK_KEYS

from agreementkit.answers import load_answers, validate_answers
from agreementkit.interview.draft import load_draft

# --- driving the page -------------------------------------------------------------


def idle(b: Any) -> None:
    """Wait until every change has reached the server and the page shows its reply."""
    wait_for(lambda: b.execute_script("return document.readyState === 'complete' && (!window.agreementkitIdle || window.agreementkitIdle())"),
             15, "the page to save")


def field(b: Any, name: str) -> Any:
    return wait_for(lambda: b.find_element(By.NAME, name), 10, f"the field {name}")


def value(b: Any, name: str) -> str:
    """A field's value once the page has settled (a reply may swap the field meanwhile)."""
    idle(b)
    return str(wait_for(lambda: b.find_element(By.NAME, name).get_attribute("value") or "-", 10, f"the value of {name}"))


def fill(b: Any, name: str, value: str) -> None:
    """Type into a field as a person does (a date through its picker's value). The
    page saves in the background; fields appear as their conditions come true."""
    for _ in range(3):
        element = field(b, name)
        try:
            if element.get_attribute("type") == "date":
                b.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
                                 element, value)
            else:
                element.clear()
                element.send_keys(value)
            return
        except StaleElementReferenceException:  # swapped by a reply just before typing began
            continue
        except ElementNotInteractableException:  # a page just opened still moving to the field it focuses
            time.sleep(0.2)
            continue
    raise AssertionError(f"could not type into {name}")


def click(b: Any, selector: str) -> None:
    """Click once the page has settled, again if a reply swapped the element meanwhile."""
    idle(b)
    for _ in range(3):
        try:
            wait_for(lambda: b.find_element(By.CSS_SELECTOR, selector), 10, selector).click()
            return
        except StaleElementReferenceException:
            continue
    raise AssertionError(f"could not click {selector}")


def choose(b: Any, name: str, value: str) -> None:
    click(b, f'input[name="{name}"][value="{value}"]')
    idle(b)


def press(b: Any, selector: str) -> None:
    """Click a button and wait for the next page (or the same page again) to be shown."""
    old = b.find_element(By.TAG_NAME, "html")
    click(b, selector)
    wait_for(lambda: old.id != b.find_element(By.TAG_NAME, "html").id, 15, f"the page after {selector}")
    idle(b)  # its script is running


def next_page(b: Any) -> str:
    idle(b)
    press(b, 'button[value="next"]')
    return str(b.find_element(By.TAG_NAME, "h1").text)


def group_button(b: Any, value: str) -> None:
    click(b, f'button[name="action"][value="{value}"]')
    idle(b)


def preview_text(b: Any) -> str:
    return str(b.execute_script("const d = document.getElementById('preview').contentDocument; return d && d.body ? d.body.innerText : ''"))


def begin(b: Any, served: Any, folder: Path, mode: str) -> None:  # noqa: F811
    served.fresh(folder)
    b.get(served.base + "/")
    press(b, f'button[value="{mode}"]')


def quick_agreement_and_parties(b: Any, *, wrong_email: bool = False) -> None:
    """The first two quick sections with QUICK_KEYS' answers (the terminal's quick run)."""
    fill(b, "agreement.purpose", "Build and test a warehouse robot together.")
    assert next_page(b) == "Parties"
    people = [("Acme Robotics Ltd", None, "Ann Lee", "Chief Executive", "Raj Patel", "raj@acme.example"),
              ("Beta Labs GmbH", "Germany", "Bo Schmidt", "CTO", "Lena Vogt", "lena@beta.example")]
    for index, (name, jurisdiction, signs, title, manager, email) in enumerate(people):
        fill(b, f"parties[{index}].name", name)
        if jurisdiction:
            fill(b, f"parties[{index}].jurisdiction", jurisdiction)
        fill(b, f"parties[{index}].signatory.name", signs)
        fill(b, f"parties[{index}].signatory.title", title)
        fill(b, f"parties[{index}].manager.name", manager)
        fill(b, f"parties[{index}].manager.email", "lena-at-beta" if wrong_email and index == 1 else email)
    if wrong_email:
        assert next_page(b) == "Parties"  # refused: the page stays, the message beside the field
        message = b.find_element(By.CSS_SELECTOR, '.field[data-key="parties[1].manager.email"] .error').text
        assert "'lena-at-beta' is not an email address" in message
        assert b.find_element(By.NAME, "parties[1].manager.email").get_attribute("aria-invalid") == "true"
        fill(b, "parties[1].manager.email", "lena@beta.example")
        wait_for(lambda: not b.find_elements(By.CSS_SELECTOR, ".field .error"), 10, "the message to go")


# --- the tests ----------------------------------------------------------------------


def test_quick_two_party_interview_from_empty_start_to_docx_and_pdf(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    begin(browser, served, tmp_path, "quick")
    assert browser.find_element(By.TAG_NAME, "h1").text == "The agreement"
    assert "section 1 of 15" in browser.find_element(By.CSS_SELECTOR, ".page-head .progress").text.lower()
    quick_agreement_and_parties(browser, wrong_email=True)
    assert next_page(browser) == "Objectives and KPIs"
    fill(browser, "objectives[0].title", "Build a prototype")
    fill(browser, "objectives[0].kpi", "Prototype demonstrations")
    fill(browser, "objectives[0].target", "3 demos")
    fill(browser, "objectives[0].due", "2027-06-30")
    choose(browser, "objectives[0].owner", "acme")
    wait_for(lambda: "Build a prototype" in preview_text(browser), 10, "the objective in the draft")
    assert next_page(browser) == "Roles and responsibilities"
    fill(browser, "responsibilities[0].role", "Robotics lead")
    fill(browser, "responsibilities[1].role", "Software lead")
    assert next_page(browser) == "Resources and costs"
    fill(browser, "resources[0].description", "Two robotics engineers")
    fill(browser, "resources[1].description", "Navigation software licence")
    assert next_page(browser) == "Decision rights"
    assert next_page(browser) == "Review"
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Acme Robotics Ltd" in text and "Build a prototype" in text
    for fmt in ("yaml", "docx", "pdf"):
        browser.find_element(By.CSS_SELECTOR, f'a[href="/download/{fmt}"]').click()
    answers = downloaded(browser.downloads, ".yaml")
    assert validate_answers(yaml.safe_load(answers.read_text())) == validate_answers(QUICK_EXPECTED)  # as the terminal gives
    docx = DocxView(downloaded(browser.downloads, ".docx").read_bytes())
    pdf = PdfView(downloaded(browser.downloads, ".pdf").read_bytes())
    for text in (docx.text, pdf.text):
        assert "Acme Robotics Ltd" in text and "Beta Labs GmbH" in text
        assert "Build a prototype" in text and "Prototype demonstrations" in text


def test_full_three_party_interview_with_repeating_groups(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    begin(browser, served, tmp_path, "full")
    fill(browser, "agreement.purpose", "Pilot cold-chain tracking for regional food distributors.")
    fill(browser, "agreement.effective_date", "2027-01-15")
    assert next_page(browser) == "Parties"
    group_button(browser, "add:parties")  # a third party, then a fourth that is removed again
    group_button(browser, "add:parties")
    fill(browser, "parties[3].name", "Mistaken Party Ltd")
    group_button(browser, "remove:parties[3]")
    assert not browser.find_elements(By.NAME, "parties[3].name")
    parties = [("Northwind Telecom plc", "Priya Shah"), ("Harbour Food Network", "Dr Amara Osei"), ("Frostline Analytics Ltd", "Ewan Gallagher")]
    for index, (name, signs) in enumerate(parties):
        fill(browser, f"parties[{index}].name", name)
        fill(browser, f"parties[{index}].signatory.name", signs)
        fill(browser, f"parties[{index}].signatory.title", "Director")
    group_button(browser, "up:parties[2]")  # Frostline second, Harbour third
    assert value(browser, "parties[1].name") == "Frostline Analytics Ltd"
    assert value(browser, "parties[2].signatory.name") == "Dr Amara Osei"
    choose(browser, "parties[2].kind", "nonprofit")
    assert value(browser, "parties[0].legal_form") == "public_company"  # proposed from "plc"
    assert next_page(browser) == "Objectives and KPIs"
    group_button(browser, "add:objectives")
    for index, (title, due, owner) in enumerate([("Pilot the service", "2027-07-31", "network"), ("Reduce spoilage", "2027-12-31", "frostline")]):
        fill(browser, f"objectives[{index}].title", title)
        fill(browser, f"objectives[{index}].kpi", "Distributors running the pilot" if index == 0 else "Spoilage rate")
        fill(browser, f"objectives[{index}].target", "8 distributors" if index == 0 else "-20%")
        fill(browser, f"objectives[{index}].due", due)
        choose(browser, f"objectives[{index}].owner", owner)
    assert next_page(browser) == "Roles and responsibilities"
    for index, (role, duties) in enumerate([("Connectivity lead", "Provide SIMs"), ("Technology lead", "Supply sensors\nReport spoilage monthly"),
                                            ("Sector convenor", "Recruit distributors")]):
        fill(browser, f"responsibilities[{index}].role", role)
        fill(browser, f"list:responsibilities[{index}].duties", duties)
    assert next_page(browser) == "Resources and costs"
    for index, what in enumerate(["National 5G connectivity", "Sensor analytics platform", "Member network access"]):
        fill(browser, f"resources[{index}].description", what)
    choose(browser, "costs.model", "shared")
    for key, share in (("northwind", "40"), ("frostline", "40"), ("network", "10")):
        fill(browser, f"costs.shares.{key}", share)
    assert next_page(browser) == "Resources and costs"  # 90%: the page says so, beside the shares, and stays
    assert "Shares total 90%, not 100%." in browser.find_element(By.CSS_SELECTOR, '.field[data-key="costs.shares.network"] .error').text
    fill(browser, "costs.shares.network", "20")
    seen = [next_page(browser)]
    while seen[-1] != "Review":  # every later section as proposed
        assert browser.find_elements(By.CSS_SELECTOR, "#fields .field, #fields .group"), seen
        seen.append(next_page(browser))
        assert seen[-1] not in seen[:-1], (seen, browser.find_element(By.ID, "problems").text, [e.get_attribute("data-key") for e in browser.find_elements(By.CSS_SELECTOR, ".field.invalid")])
    for name in ("Northwind Telecom plc", "Frostline Analytics Ltd", "Harbour Food Network", "Supply sensors"):
        assert name in browser.find_element(By.TAG_NAME, "main").text
    press(browser, '.finish button[type="submit"]')
    assert browser.find_element(By.TAG_NAME, "h1").text == "The files are written"
    written = sorted(p.name for p in tmp_path.glob("*-mou.*"))
    assert [p.rsplit(".", 1)[1] for p in written] == ["docx", "pdf", "yaml"], written
    answers = load_answers(next(tmp_path.glob("*-mou.yaml")))
    assert [p.name for p in answers.parties] == ["Northwind Telecom plc", "Frostline Analytics Ltd", "Harbour Food Network"]
    assert [r.duties for r in answers.responsibilities][1] == ["Supply sensors", "Report spoilage monthly"]
    assert {k: int(v) for k, v in (answers.costs.shares or {}).items()} == {"northwind": 40, "frostline": 40, "network": 20}
    docx = DocxView(next(tmp_path.glob("*-mou.docx")).read_bytes())
    pdf = PdfView(next(tmp_path.glob("*-mou.pdf")).read_bytes())
    for text in (docx.text, pdf.text):
        assert all(name in text for name in ("Northwind Telecom plc", "Frostline Analytics Ltd", "Harbour Food Network"))
        assert "Reduce spoilage" in text
    assert not (tmp_path / "agreementkit-draft.yaml").exists()  # the answers file holds every answer now


def test_reload_in_the_middle_loses_nothing(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    begin(browser, served, tmp_path, "quick")
    fill(browser, "agreement.purpose", "Share cold-chain data.")
    next_page(browser)
    field(browser, "parties[0].name").send_keys("Acme Robotics Ltd")
    browser.refresh()  # at once: the change is sent on the way out
    assert value(browser, "parties[0].name") == "Acme Robotics Ltd"
    log = load_draft(tmp_path / "agreementkit-draft.yaml").log
    assert log["agreement.purpose"] == "Share cold-chain data." and log["parties[0].name"] == "Acme Robotics Ltd"
    browser.get(served.base + "/")  # and the address alone finds the place again
    assert browser.find_element(By.TAG_NAME, "h1").text == "Parties"


def test_a_draft_started_in_the_browser_is_finished_in_the_terminal(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    begin(browser, served, tmp_path, "quick")
    quick_agreement_and_parties(browser)
    assert next_page(browser) == "Objectives and KPIs"
    draft = load_draft(tmp_path / "agreementkit-draft.yaml")
    run = drive(QUICK_KEYS[PARTIES_DONE:], draft, tmp_path)  # the terminal's keys from the objectives on
    assert "Resuming: 2 of 15 sections done." in run.printed
    assert run.result is not None
    assert load_answers(run.result.answers_path) == validate_answers(QUICK_EXPECTED)


def test_a_draft_started_in_the_terminal_is_continued_in_the_browser(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    from agreementkit.interview.draft import Draft

    draft = Draft(tmp_path / "agreementkit-draft.yaml", quick=True)
    drive(QUICK_KEYS[:PARTIES_DONE], draft, tmp_path, interrupt=True)  # Ctrl-C after the parties
    served.fresh(tmp_path)
    served.server.session.switch_to(load_draft(draft.path))
    browser.get(served.base + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Objectives and KPIs"
    press(browser, 'button[value="back"]')
    assert value(browser, "parties[1].name") == "Beta Labs GmbH"
    assert value(browser, "parties[1].jurisdiction") == "Germany"


def test_hostile_answers_appear_literally_and_the_preview_follows_edits(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    hostile = "<script>alert(1)</script> {{ 7 * 7 }} <b>bold</b>"
    begin(browser, served, tmp_path, "quick")
    fill(browser, "agreement.purpose", "Pilot cold-chain tracking.")
    wait_for(lambda: "Pilot cold-chain tracking." in preview_text(browser), 10, "the purpose in the draft")
    fill(browser, "agreement.purpose", hostile)
    wait_for(lambda: hostile in preview_text(browser), 10, "the new purpose in the draft")
    assert "Pilot cold-chain tracking." not in preview_text(browser)
    next_page(browser)
    fill(browser, "parties[0].name", hostile)
    browser.refresh()
    assert value(browser, "parties[0].name") == hostile
    assert hostile in browser.find_element(By.CSS_SELECTOR, ".entry legend").get_attribute("textContent")
    browser.get(served.base + "/preview")
    assert hostile in browser.find_element(By.TAG_NAME, "body").text
    assert not browser.find_elements(By.CSS_SELECTOR, "b")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - no script ran


def test_a_cross_site_form_post_is_refused(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    served.fresh(tmp_path)
    page = (f"<form method='post' action='{served.base}/start'><input name='mode' value='full'></form>"
            "<script>document.forms[0].submit()</script>")
    browser.get("data:text/html," + page)
    wait_for(lambda: "403" in browser.find_element(By.TAG_NAME, "body").text, 10, "the refusal")
    assert not served.server.served.started
