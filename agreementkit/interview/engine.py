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
from ..questions.expressions import evaluate, render_value
from ..questions.fields import field_adapter
from ..questions.spec import Interview, Page, Question
from ..questions.types import (
    CHOICE_TYPES,
    Invalid,
    QuestionType,
    annotation,
    describe,
    parse,
)
from ..yamlfile import PathKey, format_path

NOTHING = "__none__"  # the value of a select's "nothing" choice, which a front end cannot show as None


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


# Returned by a front end that shows a whole page at once (the browser): the
# question stays unanswered for now and the walk goes on to the page's end.
SKIP: Any = _Skip()


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


class Log(Protocol):
    """Where answers are kept as they arrive: the draft."""

    log: dict[str, Any]
    stale: dict[str, Any]
    derived: set[str]  # answers that were the proposal worked out from other answers

    def save(self) -> None: ...


class _Restart(Exception):
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


class InterviewRun:
    """One person's way through an interview, kept in a draft log."""

    def __init__(self, interview: Interview, draft: Log, frontend: Frontend, *, quick: bool = False,
                 revising: dict[str, Any] | None = None, full_pages: set[str] | None = None,
                 today: date | None = None, extra_validator: Callable[[Any, set[str]], list[tuple[PathKey, str]]] | None = None):
        self.interview = interview
        self.draft = draft
        self.frontend = frontend
        self.quick = quick
        self.revising = revising or {}
        self.full_pages = full_pages if full_pages is not None else set()
        self.today = today or date.today()
        self.extra_validator = extra_validator
        self.data: dict[str, Any] = {}
        self.defaulted: list[Defaulted] = []
        self._transient: list[PathKey] = []
        self._visited: list[str] = []
        self._shown_page: str | None = None
        self._resuming = bool(draft.log)
        self._page_index = 0
        self._page_asked = 0
        self._trail: list[tuple[str, str]] = []
        self._skipped: list[str] = []

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
        self._shown_page = None
        self.draft.save()

    def answers(self) -> dict[str, Any]:
        """The answers gathered so far, without the answers that only steer the interview."""
        out = copy.deepcopy(self.data)
        for path in self._transient:
            _delete(out, path)
        return {"format": 1, **{k: v for k, v in out.items() if not _empty(v)}}

    def _pass(self) -> None:
        self.data = {}
        self.defaulted = []
        self._transient = []
        self._visited = []
        for index, page in enumerate(self.interview.pages):
            self._page_index = index
            self._page_asked = 0
            self._trail = []
            self._skipped = []
            for question in page.questions:
                self._question(question, self.data, (), _Scope(revising=self.revising, revising_present=bool(self.revising)), page)
            if self._skipped:
                raise PageIncomplete(page, list(self._skipped))
            self._validate(page)

    def _back(self) -> None:
        if not self._visited:
            self.frontend.note("This is the first question.")
            return
        key = self._visited[-1]
        self.draft.stale[key] = self.draft.log.pop(key, None)
        self.draft.save()

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
        }

    def _asked(self, question: Question, page: Page) -> bool:
        if question.removed:
            return False
        return not self.quick or question.quick or page.id in self.full_pages

    def _question(self, q: Question, target: dict[str, Any], base: PathKey, scope: _Scope, page: Page) -> None:
        ctx = self._context(scope)
        if q.when and not evaluate(q.when, ctx, f"{q.id}: when"):
            return
        path = q.field_path
        if q.type == QuestionType.group:
            self._group(q, target, base, scope, page)
        elif q.each == "party":
            for party in self.data.get("parties") or []:
                key = f"{scope.prefix}{q.relative}.{party.get('key')}"
                sub = _Scope(scope.prefix, scope.item, scope.items, scope.index, scope.revising, scope.revising_present, party)
                value = self._single(q, key, (*path, str(party.get("key"))), sub, page, (*base, *path, str(party.get("key"))))
                if not _empty(value):
                    _set(target, (*path, str(party.get("key"))), value)
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
        value = render_value(q.default, self._context(scope), f"{q.id}: default")
        derived = isinstance(q.default, str) and "{" in q.default
        return (None if _empty(value) else value), derived

    def _single(self, q: Question, key: str, path: tuple[str | int, ...], scope: _Scope, page: Page, where: PathKey) -> Any:
        if key in self.draft.log:
            try:
                value = self._check(q, self.draft.log[key], scope)
                self._visited.append(key)
                self._page_asked += 1
                if self._resuming:
                    self._trail.append((f"Q{self._page_asked} {self._text(q.prompt, scope, q)}", self.describe(q, value)))
                return value
            except Invalid:
                self.draft.stale[key] = self.draft.log.pop(key)
        default, derived = self._default(q, key, path, scope)
        if not self._asked(q, page):
            value = self._quiet_check(q, default, scope)
            if not _empty(value) and q.store:
                self.defaulted.append(Defaulted(page.id, self._label(q, scope), self.describe(q, value)))
            return value
        value = self._prompt(q, key, "value", q.type, self._text(q.prompt, scope, q), default, q.required, scope, page, where)
        if key in self._skipped:
            return None
        if derived and value == self._quiet_check(q, default, scope):
            self.draft.derived.add(key)
        else:
            self.draft.derived.discard(key)
        return value

    def _prompt(self, q: Question, key: str, kind: str, kind_type: QuestionType, prompt: str, default: Any,
                required: bool, scope: _Scope, page: Page, where: PathKey = ()) -> Any:
        if self._shown_page != page.id:
            resumed = self._page_index if self._resuming else None
            self._resuming = False
            self.frontend.enter_page(page, self._page_index + 1, len(self.interview.pages), resumed,
                                     self._trail if resumed is not None else [])
            self._shown_page = page.id
        ask = Ask(key=key, question=q, kind=kind, type=kind_type, prompt=prompt, help=self._text(q.help, scope, q),
                  default=default, choices=tuple(self._choices(q, required) if kind == "value" else ()),
                  required=required, page=page, page_number=self._page_index + 1,
                  page_count=len(self.interview.pages), number=self._page_asked + 1)
        while True:
            raw = self.frontend.ask(ask)
            if raw is SKIP:
                self._skipped.append(key)
                return None
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
                ask = replace(ask, default=raw)
        self.draft.log[key] = value
        self.draft.stale.pop(key, None)
        self.draft.save()
        self._visited.append(key)
        self._page_asked += 1
        return value

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
            message = render_value(q.validate_, {**self._context(scope), "value": value}, f"{q.id}: validate")
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
        return str(render_value(template or "", self._context(scope), f"{q.id}: prompt") or "")

    def _choices(self, q: Question, required: bool) -> list[Choice]:
        if q.type in (QuestionType.party, QuestionType.parties):
            choices = [Choice(p.get("key"), str(p.get("name") or p.get("key"))) for p in self.data.get("parties") or []]
        else:
            choices = [Choice(NOTHING if o.value is None else o.value, o.label, o.help) for o in q.options]
        if q.type in (QuestionType.select, QuestionType.party) and (not required or q.none_label):
            if not any(c.value == NOTHING for c in choices):
                choices.insert(0, Choice(NOTHING, q.none_label or "none"))
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
                    self._visited.append(key)
                    self._page_asked += 1
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
            proposed = render_value(q.default, self._context(scope), f"{q.id}: default")
            defaults = list(proposed) if isinstance(proposed, list) else []
        if not self._asked(q, page):
            if defaults:
                self.defaulted.append(Defaulted(page.id, self._label(q, scope), "; ".join(map(str, defaults))))
            return [str(d) for d in defaults]
        entries: list[str] = []
        maximum = int(q.max) if q.max is not None else None
        prompt = self._text(q.prompt, scope, q)
        # `Channel (e.g. a monthly call)` numbers as `Channel #2 (e.g. a monthly call)`.
        main, aside = re.match(r"^(.*?)(\s*\(.*\))?$", prompt, re.DOTALL).groups()  # type: ignore[union-attr]
        while maximum is None or len(entries) < maximum:
            index = len(entries)
            key = f"{base_key}[{index}]"
            if key in self.draft.log:
                value = self.draft.log[key]
                self._visited.append(key)
                self._page_asked += 1
            else:
                default = self.draft.stale.get(key, defaults[index] if index < len(defaults) else None)
                value = self._prompt(q, key, "entry", QuestionType.list, f"{main} #{index + 1}{aside or ''}", default,
                                     index < int(q.min or 0), scope, page)
            if _empty(value):
                break
            entries.append(str(value).strip())
        return entries

    # --- checking a page ----------------------------------------------------------

    def _validate(self, page: Page) -> None:
        from ..answers import describe_error, user_path

        answers = self.answers()
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
        on_page = [k for k in self._visited if k.split(".")[0].split("[")[0] in fields]
        forget: set[str] = set()
        messages = []
        for path, message in found:
            messages.append(_sentence(message))
            forget.update(self._keys_under(path, on_page))
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
