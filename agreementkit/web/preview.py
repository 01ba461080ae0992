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

    @property
    def body(self) -> str:
        """The document's body, to swap into a preview already on screen."""
        start = self.html.find("<body>")
        end = self.html.rfind("</body>")
        return self.html[start + len("<body>"):end] if start >= 0 and end > start else self.html


class _Stop(Exception):
    pass


class _Filler:
    """Answers every question the draft lacks with its proposal or a bracketed blank."""

    def __init__(self, interview: Interview, today: date):
        self.interview, self.today = interview, today
        self.refused: set[str] = set()
        self.blanks: list[str] = []
        self.stopped_at: Page | None = None

    def ask(self, ask: Ask) -> Any:
        if ask.key in self.refused:
            return SKIP
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
        self.refused.add(ask.key)

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
        filler = _Filler(self.interview, session.today or date.today())
        run = InterviewRun(self.interview, session.copy(), filler, **session.run_options())
        note = ""
        data: dict[str, Any] | None = None
        try:
            data = with_kept(run.run(), session.draft)
        except PageIncomplete as incomplete:
            note = f"Some answers in “{incomplete.page.title}” need correcting; the draft shows the last answers that fitted."
        except _Stop:
            title = filler.stopped_at.title if filler.stopped_at else "a section"
            note = f"The answers in “{title}” do not fit together yet; the draft shows the last answers that did."
        preview = self._render(version, data, note) if data is not None else None
        if preview is None:
            good = self._good
            html = good.html if good is not None else _EMPTY
            preview = Preview(version, html, good.findings if good else {}, note or _LAGGING)
        else:
            self._good = preview
        self._last = preview
        return preview

    def _render(self, version: int, data: dict[str, Any], note: str) -> Preview | None:
        from ..answers import validate_answers
        from ..assembly import assemble
        from ..checks import check_answers, load_rules
        from ..writers.html import to_html

        try:
            answers = validate_answers(data, interview=self.interview)
            document = assemble(answers, self.library)
            html = to_html(document, self.templates)
        except AgreementkitError:
            return None
        findings: dict[str, list[Finding]] = {}
        for finding in check_answers(answers, rules=load_rules(self.interview.layers), interview=self.interview).active():
            findings.setdefault(page_of(self.interview, finding.question, finding.path), []).append(finding)
        return Preview(version, html.replace("</head>", PREVIEW_STYLESHEET + "\n</head>", 1), findings, note)


_LAGGING = "The draft shows the last answers that fit together."
_EMPTY = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" + PREVIEW_STYLESHEET + "</head><body>"
          "<p class=\"ak-empty\">The draft MOU appears here as soon as the answers fit together.</p></body></html>")
