"""Walking the interview: replay what the draft holds, ask what it does not.

The engine is a replay machine. Each pass walks the spec from the first
page, taking every answer the draft's log already holds and asking a front
end for the first one it does not; the answer goes into the log (and the
draft file) at once. Going back, re-asking a wrong answer and editing a page
at the review all come down to taking entries out of the log and walking
again, so resuming a draft, typing straight through and going back and
forth all end with the same answers.

Front ends (the terminal, the browser) only present an `Ask` and return
what the person chose; they hold no question of their own. The browser shows
a whole page at once: it walks a copy of the draft, answering each question
from the posted form and returning SKIP for one not answered yet, so it sees
every question of the page with the same conditions and defaults.

A front end that asks one question at a time (the terminal) may say it can
do more with fewer prompts, each a capability it sets to True: `whole_lists`
(a list's entries in one prompt), `together` (questions marked `together:`
asked with the one before them, and a per-party question's answers, as one
small form), `shows_derived` (a question marked `ask: shown` is not asked
but its proposal shown; going back asks it), `offers_rest` (when every
question left on the page has a proposal, the person may accept them all at
once: the Ask's `rest` lists them and the front end returns ACCEPT_REST) and
`one_at_a_time` (a per-party total, such as cost shares, is checked as soon
as the last party's answer is in, rather than at the end of the page). The draft's log keeps one key
per answer whatever the front end, so a draft moves freely between them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from ..errors import UserError
from ..questions.expressions import WORDS, evaluate, render_value, upfirst
from ..questions.fields import field_adapter
from ..questions.spec import Interview, Page, Question
from ..questions.types import (
    CHOICE_TYPES,
    LIST_ENTRIES,
    TEXT_TYPES,
    Invalid,
    QuestionType,
    annotation,
    describe,
    parse,
    too_long,
)
from ..yamlfile import PathKey, format_path

NOTHING = "__none__"  # the value of a select's "nothing" choice, which a front end cannot show as None


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


# Returned by a front end that shows a whole page at once (the browser): the
# question stays unanswered for now and the walk goes on to the page's end.
SKIP: Any = _Skip()


class _AcceptRest:
    def __repr__(self) -> str:
        return "ACCEPT_REST"


# Returned by a front end offering `rest`: this question and every later one on
# its page take their proposals.
ACCEPT_REST: Any = _AcceptRest()


class GoBack(Exception):
    """Raised by a front end: the person wants the previous question again."""


class PageIncomplete(Exception):
    """The front end left questions of a page unanswered (it returned SKIP for them).

    Raised at the end of that page, once every question on it has been asked,
    so a front end showing the whole page has seen all of it; the page's own
    checks wait until it is complete."""

    def __init__(self, page: Page, keys: list[str]):
        super().__init__(page.id)
        self.page = page
        self.keys = keys


class InterviewDefinitionError(UserError):
    """The question files cannot produce valid answers: a mistake in a library layer,
    reported to its author like any other library error."""


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    help: str = ""


@dataclass(frozen=True)
class Ask:
    """One question as a front end shows it: everything already rendered."""

    key: str  # where the answer goes in the draft's log: parties[1].name
    question: Question
    kind: str  # value, more (add another entry?) or entry (one line of a list)
    type: QuestionType
    prompt: str
    help: str
    default: Any
    choices: tuple[Choice, ...]
    required: bool
    page: Page
    page_number: int
    page_count: int
    number: int  # the question's number on its page, counting answered ones
    label: str = ""  # the question's short name, with its entry or party (objective 2, KPI)
    # kind "together": the questions asked in this one prompt (each an Ask of kind "value"); the front end
    # returns their raw answers by key. kind "list": a whole list, returned as a list of entries.
    members: tuple[Ask, ...] = ()
    # What the rest of the page would be if every proposal were accepted, (label, answer) each,
    # when the front end offers that (empty: no offer here).
    rest: tuple[tuple[str, str], ...] = ()


class Frontend(Protocol):
    def ask(self, ask: Ask) -> Any:
        """The person's answer (raw), or raise GoBack."""

    def invalid(self, ask: Ask, message: str) -> None:
        """Show why an answer was refused, beside its question."""

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None,
                   answered: list[tuple[str, str]]) -> None:
        """A page's first question is about to be asked. When a draft is resumed,
        `resumed` counts the pages already done and `answered` recalls the
        answers already given on this page (prompt, answer)."""

    def page_problems(self, page: Page, messages: list[str]) -> None:
        """The page's answers do not fit together; the wrong ones are asked again."""

    def note(self, message: str) -> None:
        """A short remark, such as having reached the first question."""

    # Optional (see the module's docstring): `whole_lists`, `together`, `shows_derived`, `offers_rest`
    # flags, and `show_derived(items)` to show the answers of `ask: shown` questions, (label, answer) each.


class Log(Protocol):
    """Where answers are kept as they arrive: the draft."""

    log: dict[str, Any]
    stale: dict[str, Any]
    derived: set[str]  # answers that were the proposal worked out from other answers
    # (optional) `accepted: set[str]`: answers taken as proposed when the rest of a page was accepted at once

    def save(self) -> None: ...


class _Restart(Exception):
    pass


class _PageDone(Exception):
    """The walk of a copy reached the page after the one it was looking at."""


class _NoProposal(Exception):
    """A question ahead has no proposal that fits."""


_NONE: Any = object()


@dataclass
class _Copy:
    """A draft's answers for a look ahead; never saved."""

    log: dict[str, Any]
    stale: dict[str, Any]
    derived: set[str]
    accepted: set[str]

    def save(self) -> None:
        pass


class _Proposer:
    """A front end that takes every proposal on one page, noting each, and stops at the next page."""

    def __init__(self, page: Page):
        self.page = page
        self.taken: list[tuple[str, str, str]] = []  # key, label, answer
        self.run: InterviewRun | None = None

    def ask(self, ask: Ask) -> Any:
        if ask.page.id != self.page.id:
            raise _PageDone
        if ask.kind == "more":
            return bool(ask.default)
        if ask.kind == "entry":
            if not _empty(ask.default):
                self.taken.append((ask.key, ask.label, str(ask.default)))
            return "" if _empty(ask.default) else ask.default
        if _empty(ask.default) or ask.default == NOTHING:
            if ask.required:
                raise _NoProposal
            none = next((c.label for c in ask.choices if c.value == NOTHING), "not given")
            self.taken.append((ask.key, ask.label, none))
            return None
        shown = describe(ask.type, ask.default)
        for choice in ask.choices:
            if choice.value == ask.default:
                shown = choice.label
        self.taken.append((ask.key, ask.label, shown))
        return ask.default

    def invalid(self, ask: Ask, message: str) -> None:
        raise _NoProposal

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None, answered: list[tuple[str, str]]) -> None:
        pass

    def page_problems(self, page: Page, messages: list[str]) -> None:
        raise _NoProposal

    def note(self, message: str) -> None:
        pass


@dataclass
class Defaulted:
    """An answer quick mode (or a removed question) filled without asking."""

    page: str
    label: str
    value: str


@dataclass
class _Scope:
    prefix: str = ""  # log key prefix: "parties[1]."
    item: dict[str, Any] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    index: int = 0
    revising: Any = None  # the matching part of the answers being revised
    revising_present: bool = False
    party: dict[str, Any] | None = None


def _each_prompt(prompt: str, q: Question) -> str:
    """A per-party question asked of every party at once: `Each party's share of joint costs (%)`."""
    return upfirst(prompt) if "each party" in prompt.lower() else f"{q.label[:1].upper()}{q.label[1:]}, for each party"


def _sentence(message: str) -> str:
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def page_keys(page: Page, keys: Iterable[str]) -> list[str]:
    """The keys among `keys` that hold answers to this page's questions."""
    bases = [q.relative for q in page.questions]
    return [k for k in keys if any(k == b or k.startswith((b + ".", b + "[")) for b in bases)]


def value_at(source: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
    """(present, value) at a path of plain answers data."""
    for part in path:
        if isinstance(source, dict) and part in source:
            source = source[part]
        elif isinstance(source, list) and isinstance(part, int) and part < len(source):
            source = source[part]
        else:
            return False, None
    return True, source


def _delete(target: Any, path: PathKey) -> None:
    for part in path[:-1]:
        present, target = value_at(target, (part,))
        if not present:
            return
    if isinstance(target, dict):
        target.pop(path[-1], None)


def _without(data: Any, path: PathKey) -> Any:
    """`data` without the mapping entry at `path`, copying only the containers on the way to it
    (the rest is shared with `data`, which is left as it was)."""
    if not path:
        return data
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and head in data:
        changed = dict(data)
        if rest:
            changed[head] = _without(data[head], rest)
        else:
            del changed[head]
        return changed
    if isinstance(data, list) and isinstance(head, int) and head < len(data) and rest:
        changed_list = list(data)
        changed_list[head] = _without(data[head], rest)
        return changed_list
    return data


class InterviewRun:
    """One person's way through an interview, kept in a draft log."""

    def __init__(self, interview: Interview, draft: Log, frontend: Frontend, *, quick: bool = False,
                 revising: dict[str, Any] | None = None, full_pages: set[str] | None = None,
                 today: date | None = None, extra_validator: Callable[[Any, set[str]], list[tuple[PathKey, str]]] | None = None,
                 check_pages: bool = True):
        self.interview = interview
        self.check_pages = check_pages  # False (the preview): a page's answers are not checked together
        self.draft = draft
        self.frontend = frontend
        self.quick = quick
        self.revising = revising or {}
        self.full_pages = full_pages if full_pages is not None else set()
        self.today = today or date.today()
        self.extra_validator = extra_validator
        self.data: dict[str, Any] = {}
        self.defaulted: list[Defaulted] = []
        self.accepted: list[Defaulted] = []  # answers taken as proposed with the rest of their page
        # The last page's answers that did not fit together: (message, the keys it concerns, in the order asked),
        # so a front end showing the whole page can put each message beside its fields.
        self.problems: list[tuple[str, list[str]]] = []
        self._transient: list[PathKey] = []
        # The answers walked so far, as the units a front end asked them in (a form of several
        # questions, a whole list, the rest of a page accepted at once): going back takes back a unit.
        self._visited: list[list[str]] = []
        self._shown_page: str | None = None
        self._resuming = bool(draft.log)
        self._page_index = 0
        self._page_asked = 0
        self._trail: list[tuple[str, str]] = []
        self._skipped: list[str] = []
        self._pending: dict[str, Any] = {}  # raw answers given in a form, for the walk to reach
        self._form: list[str] = []  # the keys of the form last asked (its first question first)
        self._reveal: set[str] = set()  # `ask: shown` questions to ask after all (the person went back to them)
        self._showing: list[tuple[str, str]] = []  # shown answers not yet handed to the front end
        self._accepting: str | None = None  # the page whose remaining proposals are being accepted
        self._can = {name: bool(getattr(frontend, name, False))
                     for name in ("whole_lists", "together", "shows_derived", "offers_rest", "one_at_a_time")}

    # --- the walk ---------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Walk until every page is answered and valid; the answers data (as an answers file holds it)."""
        while True:
            try:
                self._pass()
                return self.answers()
            except _Restart:
                continue
            except GoBack:
                self._back()

    def redo_page(self, page_id: str) -> None:
        """Ask a page again (editing at the review), its answers proposed as defaults."""
        page = self.interview.page(page_id)
        self.full_pages.add(page_id)
        for key in page_keys(page, self.draft.log):
            self.draft.stale[key] = self.draft.log.pop(key)
            self._accepted_keys.discard(key)
        self._shown_page = None
        self.draft.save()

    def back(self) -> None:
        """Take back the last answer given (Ctrl-P at the review): the walk asks it again."""
        self._back()

    def answers(self) -> dict[str, Any]:
        """The answers gathered so far, without the answers that only steer the interview: a copy of its own."""
        return copy.deepcopy(self._answers_now())

    def _answers_now(self) -> dict[str, Any]:
        """The answers as `answers()` gives them, sharing their containers with the walk: to read, never
        to change. Each page's check reads them; a deep copy there was most of a replayed draft's time."""
        out: Any = self.data
        for path in self._transient:
            out = _without(out, path)
        return {"format": 1, **{k: v for k, v in out.items() if not _empty(v)}}

    @property
    def _accepted_keys(self) -> set[str]:
        accepted = getattr(self.draft, "accepted", None)
        return accepted if isinstance(accepted, set) else set()

    def _pass(self) -> None:
        self.data = {}
        self.defaulted = []
        self.accepted = []
        self._transient = []
        self._visited = []
        self._pending = {}
        for index, page in enumerate(self.interview.pages):
            self._page_index = index
            self._page_asked = 0
            self._trail = []
            self._skipped = []
            for question in page.questions:
                self._question(question, self.data, (), _Scope(revising=self.revising, revising_present=bool(self.revising)), page)
            self._flush_shown()
            if self._accepting == page.id:
                self._accepting = None
            if self._skipped:
                raise PageIncomplete(page, list(self._skipped))
            self._validate(page)

    def _back(self) -> None:
        self._accepting = None
        self._showing = []
        if not self._visited:
            self.frontend.note("This is the first question.")
            return
        unit = self._visited[-1]
        for key in unit:
            self.draft.stale[key] = self.draft.log.pop(key, None)
            self._accepted_keys.discard(key)
        shown = [key for key in unit if self._question_of(key).ask == "shown"]
        if self._can["shows_derived"] and shown and len(shown) == len(unit):
            self._reveal.update(shown)  # back from a shown answer: ask it this time
        self.draft.save()

    def _visit(self, key: str, joins: bool, *, counts: bool = True) -> None:
        """Record a walked answer, as a unit of its own or as part of the last one; a unit
        the person was asked counts towards the page's question numbers."""
        if joins and self._visited:
            self._visited[-1].append(key)
        else:
            self._visited.append([key])
            if counts:
                self._page_asked += 1

    def _question_of(self, key: str) -> Question:
        """The question a log key answers: `parties[].name` for `parties[1].name`."""
        question_id = re.sub(r"\[\d+\]", "[]", key)
        question_id = re.sub(r"\.more\[\]$", "", question_id)
        for candidate in (question_id, question_id.removesuffix("[]"), question_id.rsplit(".", 1)[0]):
            try:
                return self.interview.question(candidate)
            except KeyError:
                continue
        raise KeyError(key)

    # --- questions --------------------------------------------------------------

    def _context(self, scope: _Scope) -> dict[str, Any]:
        return {
            **self.data,
            "item": scope.item if scope.item is not None else {},
            "items": scope.items,
            "index": scope.index,
            "previous": scope.items[-1] if scope.items else {},
            "party": scope.party or {},
            "quick": self.quick,
            "today": self.today.isoformat(),
            "revising": self.revising,
            WORDS: self.interview.words,
        }

    def _asked(self, question: Question, page: Page) -> bool:
        if question.removed or question.ask == "never":
            return False
        return not self.quick or question.quick or page.id in self.full_pages

    def _question(self, q: Question, target: dict[str, Any], base: PathKey, scope: _Scope, page: Page) -> None:
        ctx = self._context(scope)
        if q.when and not evaluate(q.when, ctx, q.at("when")):
            self._pending.pop(f"{scope.prefix}{q.relative}", None)
            return
        path = q.field_path
        if q.type == QuestionType.group:
            self._group(q, target, base, scope, page)
        elif q.each == "party":
            keys = []
            self._ask_each(q, scope, page)
            for party in self.data.get("parties") or []:
                key = f"{scope.prefix}{q.relative}.{party.get('key')}"
                keys.append(key)
                sub = _Scope(scope.prefix, scope.item, scope.items, scope.index, scope.revising, scope.revising_present, party)
                value = self._single(q, key, (*path, str(party.get("key"))), sub, page, (*base, *path, str(party.get("key"))))
                if not _empty(value):
                    _set(target, (*path, str(party.get("key"))), value)
            self._check_each(q, keys, (*base, *path), page)
        elif q.type == QuestionType.list:
            entries = self._list(q, scope, page)
            if entries:
                _set(target, path, entries)
        else:
            value = self._single(q, f"{scope.prefix}{q.relative}", path, scope, page, (*base, *path))
            if not q.store:
                _set(target, path, value)
                self._transient.append((*base, *path))
            elif not _empty(value):
                _set(target, path, value)

    def _check_each(self, q: Question, keys: list[str], where: PathKey, page: Page) -> None:
        """Once every party's answer to a per-party question is in, check them together (cost
        shares total 100%): a wrong total is said at once, and those answers are asked again."""
        if not self._can["one_at_a_time"] or not keys or not q.store or where[0] == "extra" \
                or any(k not in self.draft.log for k in keys):
            return
        from ..answers import describe_error, user_path

        adapter = field_adapter(str(where[0]))
        data = self._answers_now()
        if adapter is None or str(where[0]) not in data:
            return
        parties = {str(p.get("key")) for p in data.get("parties") or [] if isinstance(p, dict)}
        try:
            adapter.validate_python(data[str(where[0])], context={"party_keys": parties})
            return
        except ValidationError as exc:
            messages = [_sentence(describe_error(e)) for e in exc.errors() if (where[0], *user_path(e["loc"])) == tuple(where)]
        if not messages:
            return
        for key in keys:
            self.draft.stale[key] = self.draft.log.pop(key)
        self.draft.save()
        self.frontend.page_problems(page, messages)
        raise _Restart

    def _revised(self, scope: _Scope, path: tuple[str | int, ...]) -> tuple[bool, Any]:
        """The answer being revised at this path: (whether its part exists, value).

        Where the revised answers hold the entry or section but not this
        optional answer, it is revised as "nothing", not given a fresh default:
        accepting every default reproduces the answers being revised."""
        if not scope.revising_present:
            return False, None
        present, value = value_at(scope.revising, path)
        if present:
            return True, value
        if scope.item is not None:
            return True, None
        return value_at(scope.revising, path[:1])[0], None

    def _default(self, q: Question, key: str, path: tuple[str | int, ...], scope: _Scope) -> tuple[Any, bool]:
        """The answer to propose, and whether it was worked out from other answers.

        An answer that was itself the worked-out proposal (the first review from
        the start and cadence) is worked out again when asked anew, so editing
        the cadence at the review moves the first review with it."""
        if key in self.draft.stale and key not in self.draft.derived:
            return self.draft.stale[key], False
        if q.store:
            present, value = self._revised(scope, path)
            # A required answer is never "nothing": absent, it was not asked then (its condition was false).
            if present and (value is not None or not q.required):
                return value, False
        value = render_value(q.default, self._context(scope), q.at("default"))
        derived = isinstance(q.default, str) and "{" in q.default
        return (None if _empty(value) else value), derived

    def _single(self, q: Question, key: str, path: tuple[str | int, ...], scope: _Scope, page: Page, where: PathKey) -> Any:
        if key in self.draft.log:
            try:
                value = self._check(q, self.draft.log[key], scope)
                self._visit(key, self._joins(q, key, scope, page), counts=not self._is_shown(q, key))
                if key in self._accepted_keys:
                    self.accepted.append(Defaulted(page.id, self._label(q, scope), self.shown(q, value)))
                if self._resuming:
                    self._trail.append((f"Q{max(self._page_asked, 1)} {self._text(q.prompt, scope, q)}", self.shown(q, value)))
                return value
            except Invalid:
                self.draft.stale[key] = self.draft.log.pop(key)
        default, derived = self._default(q, key, path, scope)
        if not self._asked(q, page):
            value = self._quiet_check(q, default, scope)
            if not _empty(value) and q.store and q.ask != "never":
                self.defaulted.append(Defaulted(page.id, self._label(q, scope), self.describe(q, value)))
            return value
        if self._is_shown(q, key) and key not in self._pending and self._accepting != page.id:
            value = self._quiet_check(q, default, scope)
            if not _empty(value) or not q.required:
                self._take(q, key, value, derived and not _empty(value), self._joins(q, key, scope, page), counts=False)
                self._showing.append((q.label, self.shown(q, value)))
                return value
        text = self._text(q.prompt, scope, q)
        if (self._can["together"] and not q.together and key not in self._pending and self._accepting != page.id
                and key not in self._skipped):
            self._ask_together(q, key, default, scope, page)
        joins = key in self._form[1:]
        if key in self._pending:
            raw = self._pending.pop(key)
            value = self._attempt(q, raw, scope, where)
            if not isinstance(value, Invalid):
                return self._take(q, key, value, derived and value == self._quiet_check(q, default, scope), joins)
            self.frontend.invalid(self._ask_for(q, key, text, raw, scope, page, joins=joins), str(value))
            default = raw
        value = self._prompt(q, key, "value", q.type, text, default, q.required, scope, page, where, joins=joins)
        if key in self._skipped:
            return None
        if derived and value == self._quiet_check(q, default, scope):
            self.draft.derived.add(key)
        else:
            self.draft.derived.discard(key)
        return value

    def _last_accepted(self, page: Page) -> bool:
        """Whether the last walked answer was accepted with the rest of this page (a later one joins it)."""
        if not self._visited:
            return False
        last = self._visited[-1][-1]
        return last in self._accepted_keys and bool(page_keys(page, [last]))

    def _is_shown(self, q: Question, key: str) -> bool:
        """An `ask: shown` question that this front end shows rather than asks."""
        return q.ask == "shown" and self._can["shows_derived"] and key not in self._reveal

    def _joins(self, q: Question, key: str, scope: _Scope, page: Page) -> bool:
        """Whether an answer belongs to the unit walked just before it: a question asked in the
        same form, a shown answer after another, an answer accepted with the rest of the page."""
        if not self._visited:
            return False
        last = self._visited[-1][-1]
        if key in self._accepted_keys and last in self._accepted_keys and page_keys(page, [last]):
            return True
        if self._is_shown(q, key):
            return all(self._is_shown(self._question_of(k), k) for k in self._visited[-1]) and last.startswith(scope.prefix)
        if q.together and self._can["together"]:
            return last.startswith(scope.prefix) and not self._is_shown(self._question_of(last), last)
        return False

    def _take(self, q: Question, key: str, value: Any, derived: bool, joins: bool, *, counts: bool = True) -> Any:
        """Log an answer the person did not give at its own prompt (shown, given in a form)."""
        self.draft.log[key] = value
        self.draft.stale.pop(key, None)
        if derived:
            self.draft.derived.add(key)
        else:
            self.draft.derived.discard(key)
        self.draft.save()
        self._visit(key, joins, counts=counts)
        return value

    def _flush_shown(self) -> None:
        if self._showing and self._can["shows_derived"]:
            self.frontend.show_derived(list(self._showing))  # type: ignore[attr-defined]
        self._showing = []

    def _attempt(self, q: Question, raw: Any, scope: _Scope, where: PathKey) -> Any:
        """An answer checked as `_prompt` checks it, or the Invalid saying why not."""
        try:
            value = self._check(q, raw, scope)
            if where and q.store and not _empty(value):
                self._fits(where, value)
            return value
        except Invalid as exc:
            return exc

    def _ask_for(self, q: Question, key: str, text: str, default: Any, scope: _Scope, page: Page, *, joins: bool = False,
                 kind: str = "value", kind_type: QuestionType | None = None, required: bool | None = None) -> Ask:
        return Ask(key=key, question=q, kind=kind, type=kind_type or q.type, prompt=text, help=self._text(q.help, scope, q),
                   label=self._label(q, scope),
                   default=default, choices=tuple(self._choices(q, q.required if required is None else required, default)
                                                  if kind == "value" else ()),
                   required=q.required if required is None else required, page=page, page_number=self._page_index + 1,
                   page_count=len(self.interview.pages), number=self._page_asked + (0 if joins else 1))

    def _ask_together(self, head: Question, key: str, default: Any, scope: _Scope, page: Page) -> None:
        """Ask `head` and the questions marked `together` after it in one prompt; their raw
        answers wait in `_pending` for the walk to reach each of them."""
        self._form = []
        if head.type not in TEXT_TYPES:
            return
        siblings = self._siblings(head, page)
        members: list[Ask] = []
        for q in siblings[siblings.index(head) + 1:] if head in siblings else []:
            if not q.together:
                break
            if q.type not in TEXT_TYPES or q.each or not self._asked(q, page):
                break
            member_key = f"{scope.prefix}{q.relative}"
            if member_key in self.draft.log:
                break
            if q.when and not evaluate(q.when, self._context(scope), q.at("when")) \
                    and not self._depends_on(q, [head, *(m.question for m in members)]):
                continue
            member_default, _ = self._default(q, member_key, q.field_path, scope)
            member = self._ask_for(q, member_key, self._text(q.prompt, scope, q), member_default, scope, page, joins=True)
            members.append(replace(member, label=q.label))  # a line of the form: the question's short name
        if not members:
            return
        first = replace(self._ask_for(head, key, self._text(head.prompt, scope, head), default, scope, page), label=head.label)
        self._flush_shown()
        self._enter(page)
        together = replace(first, kind="together", members=(first, *members), default=None)  # each line has its own
        together = replace(together, rest=self._rest(page, together))
        raw = self.frontend.ask(together)
        if raw is ACCEPT_REST:
            self._accepting = page.id
            return
        if not isinstance(raw, dict):
            return
        self._form = [key, *(m.key for m in members)]
        self._pending.update({k: v for k, v in raw.items() if k in self._form})

    def _ask_each(self, q: Question, scope: _Scope, page: Page) -> None:
        """A per-party question in one prompt, a line per party (each party's share of the costs)."""
        self._form = []
        parties = self.data.get("parties") or []
        if (not self._can["together"] or q.type not in TEXT_TYPES or len(parties) < 2 or not self._asked(q, page)
                or self._accepting == page.id):
            return
        members: list[Ask] = []
        for party in parties:
            key = f"{scope.prefix}{q.relative}.{party.get('key')}"
            if key in self.draft.log or key in self._pending:
                return
            sub = _Scope(scope.prefix, scope.item, scope.items, scope.index, scope.revising, scope.revising_present, party)
            default, _ = self._default(q, key, (*q.field_path, str(party.get("key"))), sub)
            ask = self._ask_for(q, key, self._text(q.prompt, sub, q), default, sub, page, joins=bool(members))
            members.append(replace(ask, label=str(party.get("short_name") or party.get("name") or party.get("key"))))
        self._flush_shown()
        self._enter(page)
        prompt = self._text(q.prompt, _Scope(scope.prefix, scope.item, scope.items, scope.index, party={"short_name": "each party"}), q)
        together = replace(members[0], kind="together", members=tuple(members), prompt=_each_prompt(prompt, q), default=None)
        together = replace(together, rest=self._rest(page, together))
        raw = self.frontend.ask(together)
        if raw is ACCEPT_REST:
            self._accepting = page.id
            return
        if isinstance(raw, dict):
            self._form = [m.key for m in members]
            self._pending.update({k: v for k, v in raw.items() if k in self._form})

    @staticmethod
    def _depends_on(q: Question, earlier: list[Question]) -> bool:
        """Whether a condition reads an answer asked in the same form (a manager's email, asked once named)."""
        return any(other.relative in (q.when or "") for other in earlier)

    def _siblings(self, q: Question, page: Page) -> list[Question]:
        """The questions asked beside `q`: its group's, or its page's top-level ones."""
        if q.parent_id:
            return self.interview.question(q.parent_id).children
        return page.questions

    def _enter(self, page: Page) -> None:
        if self._shown_page != page.id:
            resumed = self._page_index if self._resuming else None
            self._resuming = False
            self.frontend.enter_page(page, self._page_index + 1, len(self.interview.pages), resumed,
                                     self._trail if resumed is not None else [])
            self._shown_page = page.id

    def _prompt(self, q: Question, key: str, kind: str, kind_type: QuestionType, prompt: str, default: Any,
                required: bool, scope: _Scope, page: Page, where: PathKey = (), *, joins: bool = False) -> Any:
        self._flush_shown()
        self._enter(page)
        if self._accepting == page.id:
            proposal = self._proposal(q, kind, kind_type, default, required, scope)
            if proposal is not _NONE:
                self.draft.log[key] = proposal
                self.draft.stale.pop(key, None)
                self._accepted_keys.add(key)
                if kind == "value" or (kind == "entry" and proposal):
                    shown = self.shown(q, proposal) if kind == "value" else str(proposal)
                    self.accepted.append(Defaulted(page.id, self._label(q, scope), shown))
                self.draft.save()
                self._visit(key, self._last_accepted(page))
                return proposal
            self._accepting = None
        ask = self._ask_for(q, key, prompt, default, scope, page, joins=joins, kind=kind, kind_type=kind_type, required=required)
        if self._can["offers_rest"]:
            ask = replace(ask, rest=self._rest(page, ask))
        while True:
            raw = self.frontend.ask(ask)
            if raw is SKIP:
                self._skipped.append(key)
                return None
            if raw is ACCEPT_REST:
                self._accepting = page.id
                return self._prompt(q, key, kind, kind_type, prompt, default, required, scope, page, where, joins=joins)
            try:
                if kind == "more":
                    value: Any = parse(QuestionType.yes_no, raw)
                elif kind == "entry":
                    value = parse(QuestionType.list, raw)
                    if value is None and required:
                        raise Invalid(f"Give at least {q.min:g} entries.")
                else:
                    value = self._check(q, raw, scope)
                    if where and q.store and not _empty(value):
                        self._fits(where, value)
                break
            except Invalid as exc:
                self.frontend.invalid(ask, str(exc))
                ask = replace(ask, default=raw, rest=())
        self.draft.log[key] = value
        self.draft.stale.pop(key, None)
        self.draft.save()
        self._visit(key, joins)
        return value

    def _proposal(self, q: Question, kind: str, kind_type: QuestionType, default: Any, required: bool, scope: _Scope) -> Any:
        """The answer a question takes when its proposal is accepted unseen, or _NONE when it has none."""
        if kind == "more":
            return bool(default)
        if kind == "entry":
            return None if _empty(default) else str(default).strip()
        value = self._quiet_check(q, default, scope)
        if _empty(value) and required:
            return _NONE
        return value

    def _rest(self, page: Page, ask: Ask) -> tuple[tuple[str, str], ...]:
        """(label, answer) for this question and every later one of the page, when each has a
        proposal that fits: what accepting the rest of the page would answer. Worked out by
        walking a copy of the draft with a front end that takes every proposal."""
        if not self._can["offers_rest"] or self._accepting == page.id:
            return ()
        if ask.kind == "value" and ask.required and (_empty(ask.default) or ask.default == NOTHING):
            return ()  # this question needs an answer: nothing to offer yet
        probe = _Proposer(page)
        work = _Copy(dict(self.draft.log), dict(self.draft.stale), set(self.draft.derived), set(self._accepted_keys))
        run = InterviewRun(self.interview, work, probe, quick=self.quick, revising=self.revising,
                           full_pages=set(self.full_pages), today=self.today, extra_validator=self.extra_validator)
        run._reveal = set(self._reveal)
        try:
            run._pass()
        except _PageDone:
            pass
        except (_NoProposal, _Restart, PageIncomplete, GoBack, UserError):
            return ()
        taken = [(k, label, value) for k, label, value in probe.taken]
        if len(taken) < 2:
            return ()
        return tuple((label, value) for _, label, value in taken)

    def _check(self, q: Question, raw: Any, scope: _Scope, *, enforce_required: bool = True) -> Any:
        if raw == NOTHING:
            raw = None
        value = parse(q.type, raw, minimum=q.min if q.type != QuestionType.list else None,
                      maximum=q.max if q.type != QuestionType.list else None)
        if value is None:
            if q.required and enforce_required:
                raise Invalid("An answer is needed here.")
            return None
        if q.type in CHOICE_TYPES:
            allowed = [o.value for o in q.options]
            chosen = value if isinstance(value, list) else [value]
            wrong = [v for v in chosen if v not in allowed]
            if wrong:
                raise Invalid(f"{wrong[0]!r} is not one of the choices: {', '.join(map(str, allowed))}.")
            if q.type != QuestionType.select and q.min and len(chosen) < q.min:
                raise Invalid(f"Choose at least {q.min:g}.")
        if q.type in (QuestionType.party, QuestionType.parties):
            keys = [p.get("key") for p in self.data.get("parties") or []]
            chosen = value if isinstance(value, list) else [value]
            if any(v not in keys for v in chosen):
                raise Invalid(f"Choose one of the parties: {', '.join(map(str, keys))}.")
        adapter = self._adapter(q)
        if adapter is not None and q.store:
            try:
                adapter.validate_python(value)
            except ValidationError as exc:
                from ..answers import describe_error

                error = exc.errors()[0]
                raise Invalid(_sentence(describe_error({**error, "loc": (q.field_path[-1], *error["loc"])}))) from None
        if q.unique and scope.items:
            others = [value_at(item, q.field_path)[1] for item in scope.items]
            if value in others:
                raise Invalid(f"{value!r} is already given for another {self._item_noun(q)}; each needs its own.")
        if q.validate_:
            message = render_value(q.validate_, {**self._context(scope), "value": value}, q.at("validate"))
            if message and str(message).strip():
                from ..sandbox import readable

                raise Invalid(_sentence(readable(" ".join(str(message).split()))))
        return value

    def _fits(self, where: PathKey, value: Any) -> None:
        """Check an answer against the answers it must agree with (an end date after
        the start), so the person hears of it at once, beside the question."""
        from ..answers import describe_error, user_path

        top = where[0]
        adapter = field_adapter(str(top)) if top != "extra" else None
        if adapter is None:
            return
        data = self.answers()
        target: Any = data
        for part in where[:-1]:
            target = target.setdefault(part, {}) if isinstance(target, dict) else target[part]
        target[where[-1]] = value
        keys = {str(p.get("key")) for p in data.get("parties") or [] if isinstance(p, dict)}
        try:
            adapter.validate_python(data[str(top)], context={"party_keys": keys})
        except ValidationError as exc:
            for error in exc.errors():
                if (top, *user_path(error["loc"])) == tuple(where):
                    raise Invalid(_sentence(describe_error(error))) from None
        from ..answers import cross_field_problems

        for path, message in cross_field_problems(data):
            if tuple(path) == tuple(where):
                raise Invalid(_sentence(message))

    def _quiet_check(self, q: Question, value: Any, scope: _Scope) -> Any:
        """A proposed value as it would be stored, or None when it would be refused."""
        try:
            return self._check(q, value, scope, enforce_required=False)
        except Invalid:
            return None

    def _adapter(self, q: Question) -> TypeAdapter[Any] | None:
        if not q.is_extra:
            return field_adapter(q.id, q.each is not None)
        if q.type in (QuestionType.group, QuestionType.list) or q.type in (QuestionType.party, QuestionType.parties):
            return None
        return _extra_adapter(q.type, tuple(o.value for o in q.options), q.min, q.max)

    def _item_noun(self, q: Question) -> str:
        parent = q.parent_id
        if parent:
            try:
                return self.interview.question(parent).item or "entry"
            except KeyError:
                pass
        return "entry"

    def _text(self, template: str | None, scope: _Scope, q: Question) -> str:
        return str(render_value(template or "", self._context(scope), q.at("prompt")) or "")

    def _choices(self, q: Question, required: bool, default: Any = None) -> list[Choice]:
        if q.type in (QuestionType.party, QuestionType.parties):
            choices = [Choice(p.get("key"), str(p.get("name") or p.get("key"))) for p in self.data.get("parties") or []]
        else:
            choices = [Choice(NOTHING if o.value is None else o.value, o.label, o.help) for o in q.options]
        if q.type in (QuestionType.select, QuestionType.party) and (not required or q.none_label):
            # An optional choice with nothing to call "nothing" offers it only when nothing is what
            # an answers file being revised says, so it never stands unexplained beside the options.
            if not any(c.value == NOTHING for c in choices) and (q.none_label or _empty(default) or default == NOTHING):
                choices.insert(0, Choice(NOTHING, q.none_label or "not stated"))
        return choices

    def _label(self, q: Question, scope: _Scope) -> str:
        if scope.party is not None:
            return f"{q.label}, {scope.party.get('short_name') or scope.party.get('name')}"
        if scope.item is not None and q.parent_id:
            return f"{self._item_noun(q)} {scope.index + 1}, {q.label}"
        return q.label

    # --- groups and lists -------------------------------------------------------

    def _group(self, q: Question, target: dict[str, Any], base: PathKey, scope: _Scope, page: Page) -> None:
        path = q.field_path
        present, revised = self._revised(scope, path)
        revised_items = revised if present and isinstance(revised, list) else None
        if revised_items is not None:
            suggested = len(revised_items)
        elif q.count:
            try:
                suggested = int(evaluate(q.count, self._context(scope), f"{q.id}: count") or 0)
            except (TypeError, ValueError):
                suggested = 0
        else:
            suggested = int(q.min or 0)
        items: list[dict[str, Any]] = []
        _set(target, path, items)
        minimum, maximum = int(q.min or 0), int(q.max) if q.max is not None else None
        index = 0
        while maximum is None or index < maximum:
            if index >= minimum:
                key = f"{scope.prefix}{q.relative}.more[{index}]"
                if key in self.draft.log:
                    more = bool(self.draft.log[key])
                    self._visit(key, key in self._accepted_keys and self._last_accepted(page))
                elif not self._asked(q, page):
                    more = index < suggested
                else:
                    prompt = q.add_prompt if index == 0 and q.add_prompt else q.more_prompt or f"Add another {q.item or 'entry'}?"
                    default = self.draft.stale.get(key, index < suggested)
                    more = bool(self._prompt(q, key, "more", QuestionType.yes_no, self._text(prompt, scope, q), default, True, scope, page))
                if not more:
                    break
            item: dict[str, Any] = {}
            items.append(item)
            revising_item = revised_items[index] if revised_items is not None and index < len(revised_items) else None
            inner = _Scope(f"{scope.prefix}{q.relative}[{index}].", item, items[:index], index,
                           revising_item, revising_item is not None)
            for child in q.children:
                self._question(child, item, (*base, *path, index), inner, page)
            index += 1
        if not items:
            _delete(target, path)

    def _list(self, q: Question, scope: _Scope, page: Page) -> list[str]:
        base_key = f"{scope.prefix}{q.relative}"
        present, revised = self._revised(scope, q.field_path)
        if present:
            defaults = list(revised or [])
        else:
            proposed = render_value(q.default, self._context(scope), q.at("default"))
            defaults = list(proposed) if isinstance(proposed, list) else []
        if not self._asked(q, page):
            if defaults:
                self.defaulted.append(Defaulted(page.id, self._label(q, scope), "; ".join(map(str, defaults))))
            return [str(d) for d in defaults]
        prompt = self._text(q.prompt, scope, q)
        if self._can["whole_lists"] and f"{base_key}[0]" not in self.draft.log and self._accepting != page.id:
            return self._whole_list(q, base_key, prompt, defaults, scope, page)
        entries: list[str] = []
        maximum = int(q.max) if q.max is not None else LIST_ENTRIES
        # `Channel (e.g. a monthly call)` numbers as `Channel #2 (e.g. a monthly call)`.
        main, aside = re.match(r"^(.*?)(\s*\(.*\))?$", prompt, re.DOTALL).groups()  # type: ignore[union-attr]
        while maximum is None or len(entries) < maximum:
            index = len(entries)
            key = f"{base_key}[{index}]"
            if key in self.draft.log:
                value = self.draft.log[key]
                joins = (index > 0 and self._can["whole_lists"]) or (key in self._accepted_keys and self._last_accepted(page))
                self._visit(key, joins)
            else:
                default = self.draft.stale.get(key, defaults[index] if index < len(defaults) else None)
                value = self._prompt(q, key, "entry", QuestionType.list, f"{main} #{index + 1}{aside or ''}", default,
                                     index < int(q.min or 0), scope, page)
            if _empty(value):
                break
            entries.append(str(value).strip())
        if self._resuming and any(f"{base_key}[{i}]" in self.draft.log for i in range(len(entries) + 1)):
            self._trail.append((f"Q{max(self._page_asked, 1)} {prompt}", "; ".join(entries) or "none"))
        return entries

    def _whole_list(self, q: Question, base_key: str, prompt: str, defaults: list[Any], scope: _Scope, page: Page) -> list[str]:
        """A list asked in one prompt; each entry is logged under its own key, as one at a time would."""
        proposed: list[str] = []
        for index in range(len(defaults) + 100):
            key = f"{base_key}[{index}]"
            if key in self.draft.stale:
                if _empty(self.draft.stale[key]):
                    break
                proposed.append(str(self.draft.stale[key]))
            elif index < len(defaults):
                proposed.append(str(defaults[index]))
            else:
                break
        minimum = int(q.min or 0)
        maximum = int(q.max) if q.max is not None else LIST_ENTRIES
        self._flush_shown()
        self._enter(page)
        ask = self._ask_for(q, base_key, prompt, proposed, scope, page, kind="list", kind_type=QuestionType.list,
                            required=minimum > 0)
        ask = replace(ask, rest=self._rest(page, ask))
        while True:
            raw = self.frontend.ask(ask)
            if raw is ACCEPT_REST:
                self._accepting = page.id
                entries = proposed
                break
            if raw is SKIP:
                self._skipped.append(f"{base_key}[0]")
                return []
            entries = [text for text in (str(e).strip() for e in (raw if isinstance(raw, list) else str(raw or "").splitlines())) if text]
            long = next((reason for e in entries if (reason := too_long(QuestionType.list, e))), None)
            if long:
                self.frontend.invalid(ask, long)
            elif len(entries) < minimum:
                self.frontend.invalid(ask, f"Give at least {minimum} entr{'y' if minimum == 1 else 'ies'}, one a line.")
            elif maximum is not None and len(entries) > maximum:
                self.frontend.invalid(ask, f"Give at most {maximum} entries.")
            else:
                break
            ask = replace(ask, default=entries, rest=())
        keys = [f"{base_key}[{i}]" for i in range(len(entries) + (0 if maximum is not None and len(entries) >= maximum else 1))]
        for index, key in enumerate(keys):
            self.draft.log[key] = entries[index] if index < len(entries) else None
            self.draft.stale.pop(key, None)
            if self._accepting == page.id:
                self._accepted_keys.add(key)
            self._visit(key, index > 0 or (key in self._accepted_keys and self._last_accepted(page)))
        for key in [k for k in self.draft.stale if k.startswith(base_key + "[")]:
            self.draft.stale.pop(key)
        if self._accepting == page.id and entries:
            self.accepted.append(Defaulted(page.id, self._label(q, scope), "; ".join(entries)))
        self.draft.save()
        return entries

    # --- checking a page ----------------------------------------------------------

    def _validate(self, page: Page) -> None:
        from ..answers import describe_error, user_path

        if not self.check_pages:
            return
        answers = self._answers_now()
        keys = {str(p.get("key")) for p in answers.get("parties") or [] if isinstance(p, dict)}
        found: list[tuple[PathKey, str]] = []
        fields = list(dict.fromkeys(q.field_path[0] for q in page.questions if q.store))
        for name in fields:
            if name not in answers:
                continue
            if name == "extra":
                if self.extra_validator is not None:
                    found.extend(self.extra_validator(answers["extra"], keys))
                continue
            adapter = field_adapter(name)
            if adapter is None:
                continue
            try:
                adapter.validate_python(answers[name], context={"party_keys": keys})
            except ValidationError as exc:
                for error in exc.errors():
                    found.append(((name, *user_path(error["loc"])), describe_error(error)))
        from ..answers import cross_field_problems

        found.extend((path, message) for path, message in cross_field_problems(answers) if path[0] in fields)
        if not found:
            return
        on_page = [k for unit in self._visited for k in unit if k.split(".")[0].split("[")[0] in fields]
        forget: set[str] = set()
        messages = []
        self.problems = []
        for path, message in found:
            messages.append(_sentence(message))
            concerned = self._keys_under(path, on_page)
            self.problems.append((_sentence(message), sorted(concerned, key=on_page.index)))
            forget.update(concerned)
        if not forget:
            if page.id in self.full_pages:
                raise InterviewDefinitionError(f"the interview cannot produce valid answers for page '{page.id}': " + "; ".join(messages))
            self.full_pages.add(page.id)  # quick mode's defaults did not fit: ask the page in full
        for key in forget:
            self.draft.stale[key] = self.draft.log.pop(key, None)
        self.draft.save()
        self.frontend.page_problems(page, messages)
        raise _Restart

    @staticmethod
    def _keys_under(path: PathKey, keys: list[str]) -> set[str]:
        """The answered questions whose answers a problem at `path` concerns, climbing to
        the nearest part that has some (a whole entry, then the whole section)."""
        while path:
            text = format_path(path)
            found = {k for k in keys if k == text or k.startswith(text + ".") or k.startswith(text + "[")}
            found = {k for k in found if ".more[" not in k[len(text):]}
            if found:
                return found
            path = path[:-1]
        return set()

    # --- reading answers back -----------------------------------------------------

    def shown(self, q: Question, value: Any) -> str:
        """A value as the person chose it, "nothing" in the question's own words."""
        return self.describe(q, value) if not _empty(value) else (q.none_label or "not given")

    def describe(self, q: Question, value: Any) -> str:
        """A value as the person chose it: option labels and party names, not stored codes."""
        if q.type in (QuestionType.select, QuestionType.multi_select, QuestionType.ordered):
            labels = {o.value: o.label for o in q.options}
            if isinstance(value, list):
                return (" → " if q.type == QuestionType.ordered else ", ").join(labels.get(v, str(v)) for v in value)
            return labels.get(value, str(value))
        if q.type in (QuestionType.party, QuestionType.parties):
            names = {p.get("key"): p.get("short_name") or p.get("name") for p in self.data.get("parties") or []}
            if isinstance(value, list):
                return ", ".join(str(names.get(v, v)) for v in value)
            return str(names.get(value, value))
        return describe(q.type, value)


_EXTRA_ADAPTERS: dict[tuple[Any, ...], TypeAdapter[Any]] = {}


def _extra_adapter(kind: QuestionType, values: tuple[Any, ...], minimum: float | None, maximum: float | None) -> TypeAdapter[Any]:
    key = (kind, values, minimum, maximum)
    if key not in _EXTRA_ADAPTERS:
        _EXTRA_ADAPTERS[key] = TypeAdapter(annotation(kind, values=list(values) or None, minimum=minimum, maximum=maximum))
    return _EXTRA_ADAPTERS[key]
