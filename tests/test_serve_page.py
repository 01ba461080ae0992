"""`agreementkit serve` in a real headless Chromium: errors where the eye is, a draft that
never freezes, answers too long for their field, tables on a phone, and the address a
tablet on the same network opens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from browser import browser, chrome, served, wait_for  # noqa: F401 - fixtures
from helpers import ROOT
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_serve_browser import begin, field, fill, idle, next_page, preview_text, value

from agreementkit.answers import load_answers
from agreementkit.interview.draft import Draft, load_draft
from agreementkit.interview.engine import InterviewRun
from agreementkit.questions import load_interview

EXAMPLE = ROOT / "examples" / "cold-chain-pilot.yaml"


class _Proposals:
    """Answers every question with its proposal: the example's answers, as a revised draft proposes them."""

    def ask(self, ask: Any) -> Any:
        return ask.default

    def invalid(self, *args: Any) -> None:
        raise AssertionError(args)

    def enter_page(self, *args: Any) -> None: ...
    def page_problems(self, *args: Any) -> None: ...
    def note(self, *args: Any) -> None: ...


def answered(served: Any, folder: Path) -> Draft:  # noqa: F811
    """A draft in which every section holds the cold-chain example's answers, served from `folder`."""
    revised = load_answers(EXAMPLE).model_dump(mode="json", exclude_none=True)
    draft = Draft(folder / "agreementkit-draft.yaml", defaults=revised, output=str(folder))
    InterviewRun(load_interview(), draft, _Proposals(), revising=revised).run()
    draft.save()
    served.fresh(folder)
    served.server.session.switch_to(load_draft(draft.path))
    served.server.served.started = True
    return draft


def section(b: Any, served: Any, page: str) -> None:  # noqa: F811
    b.get(f"{served.base}/section/{page}")
    idle(b)


def set_value(b: Any, name: str, text: str) -> None:
    """Put a long text into a field at once, as a paste does, and let the page react to it."""
    b.execute_script("const f = document.getElementsByName(arguments[0])[0]; f.focus(); f.value = arguments[1];"
                     "f.dispatchEvent(new Event('input', {bubbles: true}))", name, text)


def error_beside(b: Any, key: str) -> str:
    found = b.find_elements(By.CSS_SELECTOR, f'.field[data-key="{key}"] .error')
    return found[0].text if found else ""


def test_a_message_about_several_fields_is_shown_beside_them_and_next_moves_the_focus_there(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    answered(served, tmp_path)
    section(browser, served, "resources")
    for key, share in (("northwind", "40"), ("frostline", "40"), ("harbour", "10")):
        fill(browser, f"costs.shares.{key}", share)
    assert next_page(browser) == "Resources and costs"  # refused: the page stays
    assert "Shares total 90%, not 100%." in error_beside(browser, "costs.shares.harbour")
    assert "Shares total 90%" not in browser.find_element(By.ID, "problems").text  # not 2,000 px above the shares
    for key in ("northwind", "frostline", "harbour"):
        share = browser.find_element(By.NAME, f"costs.shares.{key}")
        assert share.get_attribute("aria-invalid") == "true"
        assert browser.find_element(By.CSS_SELECTOR, f'.field[data-key="costs.shares.{key}"]').get_attribute("class").count("invalid")
    active = browser.switch_to.active_element
    assert active.get_attribute("name") == "costs.shares.northwind"  # the first of them, on screen
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", active)
    assert 0 <= top <= browser.execute_script("return window.innerHeight")
    fill(browser, "costs.shares.harbour", "20")
    assert next_page(browser) == "Customers and revenue"


def test_an_error_stays_when_tab_moves_on_until_the_answer_is_right(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    answered(served, tmp_path)
    section(browser, served, "parties")
    email = field(browser, "parties[0].manager.email")
    email.clear()
    email.send_keys("tom-at-northwind")
    idle(browser)  # saved and refused while the person is still in the box: the message waits
    email.send_keys(Keys.TAB)  # to the field's own "Why?"
    assert browser.switch_to.active_element.tag_name == "summary"
    wait_for(lambda: "is not an email address" in error_beside(browser, "parties[0].manager.email"), 5, "the message on Tab")
    time.sleep(1)
    fill(browser, "parties[0].address", "12 Quay Street, Manchester")  # another change: another reply
    idle(browser)
    assert "is not an email address" in error_beside(browser, "parties[0].manager.email")  # still there
    fill(browser, "parties[0].manager.email", "tom@northwind.example")
    wait_for(lambda: not error_beside(browser, "parties[0].manager.email"), 5, "the message to go once it is right")


def test_one_wrong_answer_does_not_freeze_the_draft_or_its_findings(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    answered(served, tmp_path)
    section(browser, served, "resources")
    fill(browser, "resources[0].currency", "pounds")
    wait_for(lambda: "not a currency code" in error_beside(browser, "resources[0].currency"), 10, "the refusal")
    fill(browser, "resources[1].description", "Three engineers at 50% for the pilot")
    wait_for(lambda: "Three engineers at 50% for the pilot" in preview_text(browser), 10, "the draft to follow the other change")
    note = browser.find_element(By.ID, "preview-note").text
    assert "“currency” (resource 1)" in note and "Left out until it is right" in note
    # The section's health check is worked out from the answers that are right, at once.
    fill(browser, "costs.shares.harbour", "10")
    wait_for(lambda: "total" in browser.find_element(By.ID, "findings").text.lower(), 10, "the finding about the total")
    assert "Three engineers" in preview_text(browser)


def test_an_answer_too_long_for_its_field_is_refused_beside_it_and_never_saved(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    begin(browser, served, tmp_path, "full")
    fill(browser, "agreement.purpose", "Pilot cold-chain tracking.")
    idle(browser)
    set_value(browser, "agreement.purpose", "x" * 1_000_000)
    message = wait_for(lambda: error_beside(browser, "agreement.purpose"), 5, "the refusal")
    assert "1,000,000 characters long; the most it may be is 20,000 characters" in message
    time.sleep(1)
    idle(browser)
    draft = load_draft(tmp_path / "agreementkit-draft.yaml")
    assert draft.log["agreement.purpose"] == "Pilot cold-chain tracking." and "x" * 30000 not in str(draft.stale)
    assert (tmp_path / "agreementkit-draft.yaml").stat().st_size < 20_000
    assert next_page(browser) == "The agreement"  # Next is refused on the page, never with a 400
    assert "the most it may be is 20,000 characters" in error_beside(browser, "agreement.purpose")
    set_value(browser, "agreement.purpose", "Pilot cold-chain tracking for food distributors.")
    wait_for(lambda: not error_beside(browser, "agreement.purpose"), 5, "the message to go")
    assert value(browser, "agreement.purpose") == "Pilot cold-chain tracking for food distributors."


def test_at_phone_width_tables_are_cards_in_the_preview_and_the_html(served: Any, tmp_path: Path) -> None:  # noqa: F811
    answered(served, tmp_path)
    html = tmp_path / "mou.html"
    made = subprocess.run([sys.executable, "-m", "agreementkit", "render", str(EXAMPLE), "-o", str(html)], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    phone = chrome(tmp_path / "phone", width=500, height=844)
    # A phone's 390 px: headless Chromium keeps a window at least 500 px wide, so the page is told the width.
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        phone.get(served.url)
        assert phone.execute_script("return window.innerWidth") == 390
        for address in (f"{served.base}/preview", html.as_uri()):
            phone.get(address)
            wait_for(lambda: phone.find_elements(By.TAG_NAME, "table"), 10, "the tables")
            width = phone.execute_script("return document.documentElement.clientWidth")
            for table in phone.find_elements(By.TAG_NAME, "table"):
                box = phone.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", table)
                assert box[0] >= 0 and box[1] <= width + 1, (address, box, width)  # nothing cut off at the edge
            cell = phone.find_element(By.CSS_SELECTOR, "table tbody td[data-label]")
            assert phone.execute_script("return getComputedStyle(arguments[0].parentElement).display", cell) == "block"
            label = phone.execute_script("return getComputedStyle(arguments[0], '::before').content", cell)
            assert label.strip('"') == cell.get_attribute("data-label") == "Party", (address, label)
        phone.save_screenshot(str(tmp_path / "phone.png"))
    finally:
        phone.quit()


def test_the_preview_waits_at_most_300_ms_after_typing(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    """The wait after the last keystroke (the save itself takes a tenth of a second here; the
    whole update is measured against its target in benchmarks/bench_serve.py)."""
    begin(browser, served, tmp_path, "quick")
    assert browser.execute_script("return window.agreementkitSaveDelay") <= 300
    field(browser, "agreement.purpose").send_keys("Share cold-chain data.")
    wait_for(lambda: "Share cold-chain data." in preview_text(browser), 5, "the draft to follow the typing")


def test_an_objectives_heading_never_runs_into_its_buttons(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    answered(served, tmp_path)
    section(browser, served, "objectives")
    assert browser.execute_script("return window.innerWidth") >= 1200
    entries = browser.find_elements(By.CSS_SELECTOR, "fieldset.entry")
    assert len(entries) == 3
    for entry in entries:
        name = entry.find_element(By.CSS_SELECTOR, ".entry-name")
        tools = entry.find_element(By.CSS_SELECTOR, ".entry-tools")
        right = browser.execute_script("return arguments[0].getBoundingClientRect().right", name)
        left = browser.execute_script("return arguments[0].getBoundingClientRect().left", tools)
        assert right <= left, (name.text, right, left)


def test_the_top_bar_names_the_interview_only_once_one_is_chosen(browser: Any, served: Any, tmp_path: Path) -> None:  # noqa: F811
    served.fresh(tmp_path)
    browser.get(served.base + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "A new partnership MOU"
    assert not browser.find_elements(By.CSS_SELECTOR, ".topbar .mode")
    assert not browser.find_elements(By.CSS_SELECTOR, ".mode-card.chosen")
    begin(browser, served, tmp_path, "quick")
    assert browser.find_element(By.CSS_SELECTOR, ".topbar .mode").text == "Quick interview"


def test_serve_on_every_interface_prints_the_network_address_and_a_qr_code(tmp_path: Path) -> None:
    from agreementkit.web.server import lan_address, qr_lines

    process = subprocess.Popen([sys.executable, "-m", "agreementkit", "serve", "--host", "0.0.0.0", "--port", "0", "--no-browser",
                                "-o", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "NO_COLOR": "1"})
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        address = lan_address()
        if address is None:  # a machine with no network: said, not a 127.0.0.1 a tablet cannot open
            assert "127.0.0.1" in lines[0]
            return
        urls = [re.search(r"http://\S+", line).group(0) for line in lines[:2]]  # type: ignore[union-attr]
        assert urls[0].startswith("http://127.0.0.1:") and urls[1].startswith(f"http://{address}:")
        assert urls[0].split(":")[2] == urls[1].split(":")[2]  # the same port and token
        expected = qr_lines(urls[1])
        code = [line.rstrip("\n")[4:] for line in [lines[2], *(process.stdout.readline() for _ in range(len(expected) - 1))]]
        assert code == expected  # the code is of the network address, token included
        assert set("".join(expected)) <= {"█", "▀", "▄", " "}
    finally:
        process.terminate()
        process.wait(timeout=10)
