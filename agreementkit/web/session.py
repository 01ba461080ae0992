"""The one draft a `serve` process works on, shared by every tab that shows it.

Every change is saved to the draft file at once, in the format `agreementkit
new` writes, so the terminal can resume what the browser started and the
other way round. Each change bumps a version and records which answers it
touched: a tab that saves on top of an older version is merged in when it
changed other answers, and refused (with a message naming the answer) when
another tab changed the same one meanwhile, so no tab overwrites another
silently. A change made to the file by another program (the terminal, a
second server) is noticed on the next request and read back in.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import AnswersError, UserError
from ..interview.draft import Draft, load_draft
from ..interview.engine import Ask, InterviewRun, PageIncomplete, page_keys
from ..interview.finish import extra_validator, with_kept
from ..interview.review import page_of
from ..questions.spec import Interview, Page
from .forms import _ENTRY, _MORE, PageForm, Posted, WalkDraft, walk_page


@dataclass
class Location:
    """Where the person is: the first page with an unanswered question (None: the
    review), and what was wrong with that page's answers when they stopped fitting."""

    page: Page | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Saved:
    """What a save did: the page as it now stands, and what to tell the person."""

    form: PageForm
    version: int
    notice: str = ""
    refused: str = ""


class _Stop(Exception):
    def __init__(self, ask: Ask | None = None):
        super().__init__()
        self.ask = ask


class _Locator:
    """A front end that answers nothing: it stops at the first question the draft lacks."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}

    def ask(self, ask: Ask) -> Any:
        raise _Stop(ask)

    def invalid(self, ask: Ask, message: str) -> None:
        raise _Stop(ask)

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None, answered: list[tuple[str, str]]) -> None:
        pass

    def page_problems(self, page: Page, messages: list[str]) -> None:
        self.problems[page.id] = messages

    def note(self, message: str) -> None:
        pass


def _changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k, _MISSING) != new.get(k, _MISSING)}


_MISSING = object()


def _concerns(touched: str, key: str) -> bool:
    """Whether a change to `key` concerns the field `touched` (a list field holds
    its entries; a group's count its entries and "add another" answers)."""
    if key == "*":  # the whole draft was replaced
        return True
    if touched.startswith("count:"):
        group = touched[6:]
        return key.startswith((group + "[", group + ".more["))
    return key == touched or key.startswith((touched + "[", touched + "."))


class DraftSession:
    """The draft, its interview and the lock every request takes to read or change them."""

    def __init__(self, draft: Draft, interview: Interview, *, today: date | None = None):
        self.draft = draft
        self.interview = interview
        self.today = today
        self.lock = threading.RLock()
        self.version = 1
        self._changes: list[tuple[int, frozenset[str], str]] = []  # version, keys changed, by which tab
        self._stamp = self._file_stamp()
        self._validator = extra_validator(interview)
        self._walked: tuple[Any, tuple[InterviewRun, Location]] | None = None

    def switch_to(self, draft: Draft) -> None:
        """Work on another draft from now on (a test's fresh start); tabs open on the
        old one are refused on their next save, as after any change they did not see."""
        self.draft = draft
        self.version += 1
        self._changes.append((self.version, frozenset({"*"}), ""))
        self._stamp = self._file_stamp()

    # --- the draft file ---------------------------------------------------------

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.draft.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _save(self, changed: set[str], tab: str = "") -> None:
        if changed or not self.draft.path.exists():
            try:
                self.draft.save()
            except OSError as exc:
                raise UserError(f"cannot save the draft {self.draft.path}: {exc.strerror}") from None
            self._stamp = self._file_stamp()
        if changed:
            self.version += 1
            self._changes.append((self.version, frozenset(changed), tab))

    def keep(self) -> None:
        """Write the draft file if it is not there yet."""
        self._save(set())

    def refresh(self) -> str:
        """Read the draft file back when another program changed it since this server
        last saved it; a sentence saying so, or nothing."""
        stamp = self._file_stamp()
        if stamp == self._stamp or stamp is None:
            return ""
        try:
            fresh = load_draft(self.draft.path)
        except UserError:
            return ""  # half-written by another program: read it on the next request
        changed = _changed(self.draft.log, fresh.log) or {"*stale"}  # whatever changed, walks must see it
        fresh.path = self.draft.path
        self.draft = fresh
        self._stamp = stamp
        self.version += 1
        self._changes.append((self.version, frozenset(changed), ""))
        return "The draft file was changed by another program (the terminal, or another serve); this page shows its answers."

    def changed_since(self, version: int, tab: str = "") -> set[str]:
        """The answers changed after `version` by anyone but `tab` (a tab does not
        clash with itself, say with the change it sent while being reloaded)."""
        return {key for v, keys, by in self._changes if v > version and not (tab and by == tab) for key in keys}

    # --- walking ------------------------------------------------------------------

    def run_options(self) -> dict[str, Any]:
        return {"quick": self.draft.quick, "revising": self.draft.defaults, "full_pages": set(self.draft.full_pages),
                "today": self.today, "extra_validator": self._validator}

    def copy(self) -> WalkDraft:
        """The draft's answers for one walk, which never changes the draft itself."""
        return WalkDraft(dict(self.draft.log), dict(self.draft.stale), set(self.draft.derived), set(self.draft.accepted))

    def walk(self) -> tuple[InterviewRun, Location]:
        """Replay the draft: the run (its answers so far) and where the person is.
        One replay serves every question asked of the same state of the draft."""
        state = (self.version, self.draft.quick, tuple(self.draft.full_pages))
        if self._walked is not None and self._walked[0] == state:
            return self._walked[1]
        locator = _Locator()
        options = self.run_options()
        run = InterviewRun(self.interview, self.copy(), locator, **options)
        try:
            run.run()
            location = Location(None)
        except _Stop as stop:
            assert stop.ask is not None
            location = Location(stop.ask.page, locator.problems.get(stop.ask.page.id, []))
        except PageIncomplete as incomplete:  # pragma: no cover - the locator never skips
            location = Location(incomplete.page)
        if sorted(options["full_pages"]) != sorted(self.draft.full_pages):
            # Quick mode's defaults did not fit on a page: the engine asks it in full from now on.
            self.draft.full_pages = sorted(options["full_pages"])
            self._save(set())
        self._walked = ((state[0], self.draft.quick, tuple(self.draft.full_pages)), (run, location))
        return run, location

    def page(self, page_id: str) -> Page:
        try:
            return self.interview.page(page_id)
        except KeyError:
            raise UserError(f"there is no section '{page_id}' in this interview") from None

    def form(self, page: Page) -> PageForm:
        return walk_page(self.interview, self.copy(), page, posted=None, commit=False, run_options=self.run_options())

    def save(self, page: Page, posted: Posted, base_version: int, *, commit: bool, tab: str = "") -> Saved:
        """Take a page's posted answers into the draft, or refuse them when another
        tab changed the same answers since this one loaded the page."""
        others = self.changed_since(base_version, tab)
        clash = sorted({t for t in posted.touched for k in others if _concerns(t, k)})
        if clash:
            labels = ", ".join(dict.fromkeys(self._label(key) for key in clash))
            return Saved(self.form(page), self.version, refused=(
                f"Another tab or window changed {labels} after this page was opened, so your change was not saved. "
                "Reload the page to see the answers as they are now, then make your change again."))
        form = walk_page(self.interview, self.copy(), page, posted=posted, commit=commit,
                         run_options=self.run_options(), protected=others)
        mine = set(page_keys(page, form.log))
        keep = {k for k in mine if commit or self._answered(k, form, posted)}
        old = self.draft.log
        before = set(page_keys(page, old))
        log = {k: v for k, v in old.items() if k not in before}
        log.update({k: form.log[k] for k in keep})
        # An answer the walk took from the draft but the person has not confirmed stays proposed.
        stale = {k: v for k, v in {**form.proposals, **form.stale}.items() if k not in log}
        changed = _changed(old, log) | _changed(self.draft.stale, stale)
        if form.derived != self.draft.derived or sorted(form.full_pages) != self.draft.full_pages:
            changed.add("*proposals")
        self.draft.log = log
        self.draft.stale = stale
        self.draft.derived = form.derived
        self.draft.accepted -= {k for k in keep if k in form.answered or k not in old}  # given here, not taken as proposed
        self.draft.full_pages = sorted(form.full_pages)
        self._save(changed, tab)
        notice = ""
        theirs = {key for key in others - changed if not key.startswith("*")}
        if theirs:
            pages = sorted({page_of(self.interview, None, key) for key in theirs})
            titles = ", ".join(self.interview.page(p).title for p in pages)
            notice = f"Another tab or window changed this draft meanwhile ({titles}); its answers and yours are both kept."
        return Saved(form, self.version, notice=notice)

    @staticmethod
    def _answered(key: str, form: PageForm, posted: Posted) -> bool:
        """Whether an answer of the page's walk is one the person gave, rather than a
        proposal they have not looked at yet (which stays unanswered, as at the terminal)."""
        if key in form.answered:
            return True
        entry = _ENTRY.match(key)
        if entry and entry.group("base") in form.answered:
            return True
        more = _MORE.match(key)
        if more:
            group = more.group("base")
            return f"count:{group}" in posted.touched or any(a.startswith(group + "[") for a in form.answered)
        return False

    def _label(self, key: str) -> str:
        """A key as the person knows it: the question's short label."""
        question_id = re.sub(r"\.more\[\]$", "", re.sub(r"\[\d+\]", "[]", key.removeprefix("count:")))
        for candidate in (question_id, question_id.rsplit(".", 1)[0], question_id.removesuffix("[]")):
            try:
                return f"'{self.interview.question(candidate).label}'"
            except KeyError:
                continue
        return f"'{key}'"

    # --- switches -----------------------------------------------------------------

    def set_quick(self, quick: bool) -> None:
        self.draft.quick = quick
        self._save({"quick"})

    def ask_in_full(self, page: Page) -> None:
        """Ask a page's every question, not only quick mode's (editing it from the review)."""
        if page.id not in self.draft.full_pages:
            self.draft.full_pages = sorted({*self.draft.full_pages, page.id})
            self._save({f"full:{page.id}"})

    # --- the end ------------------------------------------------------------------

    def answers_data(self, run: InterviewRun) -> dict[str, Any]:
        """The answers as `new` would write them, with what the interview does not ask kept."""
        return with_kept(run.answers(), self.draft)

    def problems(self, data: dict[str, Any]) -> list[tuple[str, str, str]]:
        """(page id, path, message) for every reason these answers cannot be written yet."""
        from ..answers import validate_answers

        try:
            validate_answers(data, interview=self.interview)
        except AnswersError as exc:
            return [(page_of(self.interview, None, p.path), p.path, p.message) for p in exc.problems]
        return []

    def forget_file(self) -> None:
        """The answers file now holds every answer: remove the draft, as `new` does."""
        self.draft.path.unlink(missing_ok=True)
        self._stamp = None

