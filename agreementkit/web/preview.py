"""The draft MOU beside the form, kept warm in the server process.

The preview is the document `render` would write from the answers given so
far, completed the way the interview would complete them: every question not
yet reached takes its proposal (the default), and a required answer with no
proposal shows as a bracketed blank, "[party 2 name]", as a lawyer's template
does. It goes through the same assembly and HTML writer as every other
output, so what the advisor and client read beside the form is the document.

The clause library and the writer's template are loaded once, and a rendering
is kept per draft version, so an update costs one replay of the draft, one
assembly and one HTML rendering: tens of milliseconds for a 15-page MOU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..checks import Finding
from ..errors import AgreementkitError
from ..interview.engine import NOTHING, SKIP, Ask, InterviewRun, PageIncomplete
from ..interview.finish import with_kept
from ..interview.review import page_of
from ..library import ClauseLibrary
from ..questions.spec import Interview, Page
from ..questions.types import MANY_TYPES, QuestionType
from .session import DraftSession

PREVIEW_STYLESHEET = '<link rel="stylesheet" href="/static/preview.css">'


@dataclass
class Preview:
    """One rendering of the draft: the HTML document, the health check's findings
    by interview page, and why it lags behind the answers, when it does."""

    version: int
    html: str
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    note: str = ""
    to_complete: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The document's body, to swap into a preview already on screen."""
        start = self.html.find("<body>")
        end = self.html.rfind("</body>")
        return self.html[start + len("<body>"):end] if start >= 0 and end > start else self.html


class _Stop(Exception):
    pass


class _Filler:
    """Answers every question the draft lacks with its proposal or a bracketed blank. An answer
    that is refused (typed wrong, not yet corrected) is left out the same way, and noted, so
    one wrong answer never holds the rest of the draft back."""

    def __init__(self, interview: Interview, today: date):
        self.interview, self.today = interview, today
        self.refused: dict[str, int] = {}
        self.held: dict[str, tuple[str, str]] = {}  # key: (what, why) for each answer left out
        self.blanks: list[str] = []
        self.stopped_at: Page | None = None

    def ask(self, ask: Ask) -> Any:
        if self.refused.get(ask.key, 0) > 1:
            return SKIP  # not even its blank fits: the page cannot be completed
        if ask.key in self.refused:
            return self._blank(ask) if ask.required else ("" if ask.kind == "entry" else None)
        if ask.kind == "more":
            return bool(ask.default)
        default = ask.default
        if isinstance(default, str) and default.startswith("[") and not default.endswith("]"):
            # A proposal cut from a blank ("[Party" from "[Party 1]"): the blank itself reads better.
            return next((b for b in self.blanks if b.startswith(default)), default)
        if default is not None and default != "" and default != [] and default != NOTHING:
            return default
        if not ask.required:
            return "" if ask.kind == "entry" else None
        return self._blank(ask)

    def _blank(self, ask: Ask) -> Any:
        q = ask.question
        if ask.kind == "entry" or ask.type in (QuestionType.text, QuestionType.paragraph):
            where = self._where(ask)
            blank = f"[{where}]" if where and q.label in ("name", where.split()[0].lower()) else f"[{where} {q.label}]".replace("[ ", "[")
            self.blanks.append(blank)
            return blank
        values = [c.value for c in ask.choices if c.value != NOTHING]
        if ask.type in MANY_TYPES:
            return values[: max(1, int(q.min or 1))]
        if values:
            return values[0]
        if ask.type == QuestionType.date:
            return self.today.isoformat()
        if ask.type == QuestionType.email:
            return "name@example.org"
        if ask.type == QuestionType.yes_no:
            return False
        return str(int(q.min)) if q.min else "1"

    def _where(self, ask: Ask) -> str:
        """`Party 2` for a question inside the second entry of the parties group."""
        parent = ask.question.parent_id
        found = re.findall(r"\[(\d+)\]", ask.key)
        if ask.kind == "entry":
            found = found[:-1]  # the last index numbers the list's entries, not the group's
        if not parent or not found:
            return ""
        noun = self.interview.question(parent).item or "entry"
        return f"{noun[:1].upper()}{noun[1:]} {int(found[-1]) + 1}"

    def invalid(self, ask: Ask, message: str) -> None:
        self.refused[ask.key] = self.refused.get(ask.key, 0) + 1
        if self.refused[ask.key] == 1:
            self.held[ask.key] = (_what(ask), message)

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None, answered: list[tuple[str, str]]) -> None:
        pass

    def page_problems(self, page: Page, messages: list[str]) -> None:
        self.stopped_at = page
        raise _Stop

    def note(self, message: str) -> None:
        pass


class Previewer:
    """Renders the session's draft as HTML, reusing the last rendering while the draft is unchanged."""

    def __init__(self, interview: Interview, library: ClauseLibrary, templates: Path | None = None):
        self.interview = interview
        self.library = library
        self.templates = templates
        self._last: Preview | None = None
        self._good: Preview | None = None

    def preview(self, session: DraftSession) -> Preview:
        """The preview of the session's draft as it is now (call with the session's lock held)."""
        version = session.version  # what this rendering shows, read before the draft is
        if self._last is not None and self._last.version == version:
            return self._last
        # A page's answers are not checked together here: a wrong total becomes a finding, and the
        # rest of the draft still shows, worked out from the answers that are right. An answer typed
        # wrong (kept in the draft to be corrected) is replaced by what the question would propose.
        work = session.copy()
        held: dict[str, tuple[str, str]] = {}
        note = ""
        data: dict[str, Any] | None = None
        for _ in range(4):
            filler = _Filler(self.interview, session.today or date.today())
            run = InterviewRun(self.interview, work, filler, **session.run_options(), check_pages=False)
            try:
                data = with_kept(run.run(), session.draft)
                held.update(filler.held)
                filler.held = held
                break
            except PageIncomplete as incomplete:
                held.update(filler.held)
                typed = [key for key in filler.refused if key in work.stale]
                if typed:
                    for key in typed:
                        work.stale.pop(key)
                    work = type(work)(dict(session.draft.log), dict(work.stale), set(session.draft.derived))
                    continue
                what = [held[key][0] for key in incomplete.keys if key in held] or ["an answer"]
                note = f"Held back by {what[0]} in “{incomplete.page.title}”: the draft shows the last answers that fitted."
                break
            except _Stop:
                title = filler.stopped_at.title if filler.stopped_at else "a section"
                note = f"The answers in “{title}” do not fit together yet; the draft shows the last answers that did."
                break
        preview = self._render(version, data, filler) if data is not None else None
        if preview is None:
            good = self._good
            html = good.html if good is not None else _EMPTY
            preview = Preview(version, html, good.findings if good else {}, note or _LAGGING, good.to_complete if good else [])
        else:
            self._good = preview
        self._last = preview
        return preview

    def _render(self, version: int, data: dict[str, Any], filler: _Filler) -> Preview | None:
        """Render the answers that are right: an answer the model refuses (a date before the start)
        is left out, and said, so the rest of the draft and its findings stay current."""
        from ..answers import validate_answers
        from ..assembly import assemble
        from ..checks import check_answers, load_rules
        from ..errors import AnswersError
        from ..writers.html import to_html

        left_out = [f"{what} ({why.rstrip('.')})" for what, why in filler.held.values()]
        for _ in range(6):
            try:
                answers = validate_answers(data, check_references=False, interview=self.interview)
                break
            except AnswersError as exc:
                dropped = [p for p in exc.problems if _drop(data, p.path)]
                if not dropped:
                    return None
                left_out += [f"{self._what(p.path)} ({p.message})" for p in dropped]
        else:
            return None
        try:
            document = assemble(answers, self.library)
            html = to_html(document, self.templates)
        except AgreementkitError:
            return None
        findings: dict[str, list[Finding]] = {}
        for finding in check_answers(answers, rules=load_rules(self.interview.layers), interview=self.interview).active():
            findings.setdefault(page_of(self.interview, finding.question, finding.path), []).append(finding)
        from ..interview.review import to_complete

        note = ""
        if left_out:
            note = "Left out until it is right: " + "; ".join(dict.fromkeys(left_out)) + "."
        return Preview(version, html.replace("</head>", PREVIEW_STYLESHEET + "\n</head>", 1), findings, note, to_complete(document))

    def _what(self, path: str) -> str:
        """A problem's path in the interview's words: `objectives[0].due` is "due (objective 1)"."""
        question_id = re.sub(r"\[\d+\]", "[]", path)
        found = re.findall(r"\[(\d+)\]", path)
        try:
            q = self.interview.question(question_id)
        except KeyError:
            return path
        if found and q.parent_id:
            noun = self.interview.question(q.parent_id).item or "entry"
            return f"“{q.label}” ({noun} {int(found[-1]) + 1})"
        return f"“{q.label}”"


def _what(ask: Ask) -> str:
    """An answer as the person knows it: its label, with its entry (“due” (objective 1))."""
    label, _, entry = (ask.label or ask.question.label).partition(", ")
    if ask.question.parent_id and re.search(r"\d+$", label):  # "objective 1, due": the entry comes first
        label, entry = entry, label
    return f"“{label}”" + (f" ({entry})" if entry else "")


def _drop(data: dict[str, Any], path: str) -> bool:
    """Take the answer at an answers path (`objectives[0].due`) out of the data; whether there was one."""
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    target: Any = data
    for part in parts[:-1]:
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and isinstance(part, int) and part < len(target):
            target = target[part]
        else:
            return False
    if isinstance(target, dict) and parts and parts[-1] in target:
        del target[parts[-1]]
        return True
    return False


_LAGGING = "The draft shows the last answers that fit together."
_EMPTY = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" + PREVIEW_STYLESHEET + "</head><body>"
          "<p class=\"ak-empty\">The draft MOU appears here as soon as the answers fit together.</p></body></html>")
