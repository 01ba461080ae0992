"""`agreementkit serve` without a browser: who may talk to it, what a bad request
gets, how two tabs and the terminal share one draft, and how the form and the
preview treat answers (as text)."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from terminal import TODAY
from test_cli import run

from agreementkit.interview.draft import Draft
from agreementkit.web import Server, open_draft, start
from agreementkit.web.forms import Posted, apply_action, read_form
from agreementkit.web.security import csrf_value

TOKEN = "t0ken-" + "y" * 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(server: Server, path: str, *, data: dict[str, str] | None = None, cookie: bool = True,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of one request, as a browser with (or without) the cookie sends it."""
    sent = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    if cookie:
        sent["Cookie"] = f"agreementkit-{server.port}={TOKEN}"
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=body, headers=sent,
                                 method="POST" if data is not None else "GET")
    try:
        with _opener.open(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    running = start(open_draft(None, output=folder), port=0, today=TODAY, token=TOKEN)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", running.port), timeout=0.2).close()
            break
        except OSError:
            threading.Event().wait(0.05)
    yield running
    running.stop()
    thread.join(timeout=10)


@pytest.fixture
def fresh(server: Server, tmp_path: Path) -> Server:
    server.session.switch_to(Draft(tmp_path / "agreementkit-draft.yaml", output=str(tmp_path)))
    server.served.output = tmp_path
    return server


# --- who may talk to it ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/section/agreement", "/preview", "/review", "/static/app.js", "/download/pdf"])
def test_requests_without_the_token_get_403(server: Server, path: str) -> None:
    status, _, body = request(server, path, cookie=False)
    assert status == 403
    assert "needs the link with its token" in body
    status, _, _ = request(server, path + "?token=wrong", cookie=False)
    assert status == 403


def test_the_token_sets_a_cookie_and_leaves_the_address(server: Server) -> None:
    status, headers, _ = request(server, f"/section/agreement?token={TOKEN}", cookie=False)
    assert status == 303 and headers["location"] == "/section/agreement"
    cookie = headers["set-cookie"].lower()
    assert f"agreementkit-{server.port}={TOKEN}".lower() in cookie and "httponly" in cookie and "samesite=lax" in cookie
    status, headers, _ = request(server, "/", headers={"Authorization": f"token {TOKEN}"}, cookie=False)
    assert status == 303


def test_posts_need_the_csrf_value_and_must_not_come_from_another_site(fresh: Server) -> None:
    csrf = csrf_value(TOKEN)
    assert request(fresh, "/start", data={"mode": "full"})[0] == 403
    assert request(fresh, "/start", data={"mode": "full", "csrf": "forged"})[0] == 403
    origin = f"http://127.0.0.1:{fresh.port}"
    status, _, body = request(fresh, "/start", data={"mode": "full", "csrf": csrf}, headers={"Origin": "http://evil.example"})
    assert status == 403 and "another web site" in body
    assert request(fresh, "/start", data={"mode": "full", "csrf": csrf}, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert request(fresh, "/start", data={"mode": "full", "csrf": csrf}, headers={"Origin": "null"})[0] == 403
    assert not fresh.served.started
    status, headers, _ = request(fresh, "/start", data={"mode": "full", "csrf": csrf}, headers={"Origin": origin})
    assert status == 303 and fresh.served.started


def test_another_host_name_is_refused_against_dns_rebinding(server: Server) -> None:
    status, _, body = request(server, "/", headers={"Host": f"attacker.example:{server.port}"})
    assert status == 403 and "only at its own address" in body


def test_every_response_forbids_inline_scripts_and_framing(server: Server) -> None:
    for path in ("/start", "/preview", "/nowhere"):
        _, headers, _ = request(server, path)
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "SAMEORIGIN" and headers["referrer-policy"] == "same-origin"


def test_bad_requests_get_a_message_never_a_traceback(fresh: Server) -> None:
    csrf = csrf_value(TOKEN)
    cases = [
        (request(fresh, "/section/no-such-page"), 404, "no section &#39;no-such-page&#39;"),
        (request(fresh, "/download/exe"), 404, "No download &#39;exe&#39;"),
        (request(fresh, "/files/../../etc/passwd"), 404, ""),
        (request(fresh, "/section/agreement/save", data={"csrf": csrf, "version": "x"}), 400, "version is not a number"),
        (request(fresh, "/start", data={"csrf": csrf, "mode": "sideways"}), 400, "quick or the full"),
        (request(fresh, "/download/pdf"), 409, "not finished"),
        (request(fresh, "/review", data={"csrf": csrf}), 405, ""),
    ]
    for (status, _, body), expected, words in cases:
        assert status == expected, (status, body[:300])
        assert words in body and "Traceback" not in body


# --- one draft, several tabs and the terminal -------------------------------------------


def post(values: dict[str, str], touched: list[str], tab: str = "") -> Posted:
    return read_form([*values.items(), ("touched", "\r\n".join(touched)), ("tab", tab)])


def test_two_tabs_merge_different_answers_and_refuse_the_same_one(fresh: Server) -> None:
    session = fresh.session
    page = session.page("agreement")
    opened = session.version  # both tabs load the page now
    first = session.save(page, post({"agreement.purpose": "From tab one."}, ["agreement.purpose"], "one"),
                         opened, commit=False, tab="one")
    assert not first.refused and session.draft.log["agreement.purpose"] == "From tab one."
    merged = session.save(page, post({"agreement.purpose": "stale", "agreement.reference": "REF-2"},
                                     ["agreement.reference"], "two"), opened, commit=False, tab="two")
    assert "Another tab or window changed this draft meanwhile" in merged.notice
    assert session.draft.log["agreement.purpose"] == "From tab one."  # what tab two still showed did not win
    assert session.draft.log["agreement.reference"] == "REF-2"
    refused = session.save(page, post({"agreement.purpose": "From tab two."}, ["agreement.purpose"], "two"),
                           opened, commit=False, tab="two")
    assert "Another tab or window changed 'purpose'" in refused.refused and "Reload" in refused.refused
    assert session.draft.log["agreement.purpose"] == "From tab one."
    again = session.save(page, post({"agreement.purpose": "Reloaded."}, ["agreement.purpose"], "one"),
                         opened, commit=False, tab="one")
    assert not again.refused  # a tab never clashes with its own earlier change


def test_a_change_the_terminal_makes_to_the_draft_file_is_read_back(fresh: Server) -> None:
    session = fresh.session
    version = session.version
    Draft(session.draft.path, log={"agreement.purpose": "Typed in the terminal."}).save()  # as `new --resume` saves
    assert "changed by another program" in session.refresh()
    assert session.draft.log == {"agreement.purpose": "Typed in the terminal."} and session.version > version
    form = session.form(session.page("agreement"))
    assert [f.value for f in form.fields() if f.name == "agreement.purpose"] == ["Typed in the terminal."]


def test_a_wrong_answer_is_refused_beside_its_field_in_the_engines_words(fresh: Server) -> None:
    session = fresh.session
    page = session.page("agreement")
    saved = session.save(page, post({"agreement.effective_date": "2027-02-30", "agreement.term_months": "0"},
                                    ["agreement.effective_date", "agreement.term_months"]), session.version, commit=False)
    assert saved.form.errors() == {"agreement.effective_date": "2027-02-30 is not a real date; check the month and the day.",
                                   "agreement.term_months": "Give 1 or more."}
    assert "agreement.effective_date" not in session.draft.log
    assert session.draft.stale["agreement.effective_date"] == "2027-02-30"  # proposed again as typed, as the terminal does


def test_group_buttons_move_and_remove_entries_with_their_answers() -> None:
    posted = read_form([("parties[0].name", "A"), ("parties[1].name", "B"), ("parties[2].name", "C"),
                        ("count:parties", "3"), ("action", "remove:parties[0]"), ("touched", "parties[2].name")])
    mapping = apply_action(posted)
    assert posted.values == {"parties[0].name": "B", "parties[1].name": "C"} and posted.counts == {"parties": 2}
    assert mapping("parties[0].kind") is None and mapping("parties[2].signatory.name") == "parties[1].signatory.name"
    assert "parties[1].name" in posted.touched
    posted = read_form([("parties[0].name", "A"), ("parties[1].name", "B"), ("count:parties", "2"), ("action", "up:parties[1]")])
    apply_action(posted)
    assert posted.values == {"parties[1].name": "A", "parties[0].name": "B"}
    posted = read_form([("list:parties[0].strengths", "Sales\r\n\r\n5G network\r\n"), ("many:x", ""), ("count:parties", "2"),
                        ("action", "add:parties")])
    apply_action(posted)
    assert posted.lists == {"parties[0].strengths": ["Sales", "5G network"]} and posted.values == {"x": []}
    assert posted.counts == {"parties": 3}


# --- answers are text everywhere -----------------------------------------------------------


def test_hostile_answers_stay_text_in_the_page_and_the_preview(fresh: Server) -> None:
    hostile = "<script>alert(1)</script> {{ 7 * 7 }}"
    session = fresh.session
    session.save(session.page("agreement"), post({"agreement.purpose": hostile}, ["agreement.purpose"]),
                 session.version, commit=True)
    fresh.served.started = True
    status, _, page = request(fresh, "/section/agreement")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }}" in page and "<script>alert(1)" not in page
    _, _, preview = request(fresh, "/preview")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7 * 7 }}" in preview and "<script>alert" not in preview
    assert "49" not in preview.split("<body>")[1].split("Purpose")[1][:200]
    assert "[Party 1]" in preview and "[Party 2]" in preview  # answers not given yet are bracketed blanks


def test_the_preview_follows_a_changed_answer(fresh: Server) -> None:
    session = fresh.session
    page = session.page("agreement")
    for purpose in ("Pilot cold-chain tracking.", "Share warehouse robots."):
        session.save(page, post({"agreement.purpose": purpose}, ["agreement.purpose"]), session.version, commit=False)
        html = fresh.served.previewer.preview(session).html
        assert purpose in html
    assert "Pilot cold-chain tracking." not in html


# --- the command ----------------------------------------------------------------------------


def test_serve_refuses_a_port_in_use_a_bad_file_and_a_waiting_draft(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run("serve", "-o", tmp_path, "--port", str(port), "--no-browser")
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr and "Traceback" not in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"format": 1, "parties": "nobody"}))
    result = run("serve", bad, "-o", tmp_path, "--no-browser")
    assert result.returncode == 2 and "bad.yaml" in result.stderr and "parties" in result.stderr
    result = run("serve", tmp_path / "missing.yaml", "--no-browser")
    assert result.returncode == 2 and "missing.yaml" in result.stderr
    Draft(tmp_path / "agreementkit-draft.yaml").save()
    result = run("serve", "examples/cold-chain-pilot.yaml", "-o", tmp_path, "--no-browser",
                 cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 2 and "already holds a draft" in result.stderr
    result = run("serve", "-o", tmp_path, "--host", "192.0.2.77", "--no-browser")
    assert result.returncode == 2 and "not an address of this machine" in result.stderr


def test_the_html_output_has_screen_styles_that_leave_print_alone(tmp_path: Path) -> None:
    result = run("render", "examples/cold-chain-pilot.yaml", "-o", tmp_path / "mou.html", cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "mou.html").read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    screen = html[html.index("@media screen {"):]
    assert "max-width: 46rem" in screen and "td[data-label]::before" in screen  # a phone: a table's rows as cards
    assert '<td data-label="Party">Northwind Telecom plc</td>' in html
    assert html.index("@page {") < html.index("@media screen {")  # print rules stay as they were, outside any screen block


def test_the_screen_styles_leave_the_pdf_byte_for_byte_as_it_was(tmp_path: Path) -> None:
    import shutil

    from conftest import rendered
    from helpers import EXAMPLES

    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble
    from agreementkit.render import render_bytes
    from agreementkit.resources import builtin_templates

    shutil.copytree(builtin_templates(), tmp_path / "print-only")
    css = tmp_path / "print-only" / "style.css"
    text = css.read_text()
    css.write_text(text[: text.index("/* On screen")])
    before = render_bytes(assemble(load_answers(EXAMPLES[0])), "pdf", tmp_path / "print-only")
    assert before == rendered(EXAMPLES[0], "pdf")
