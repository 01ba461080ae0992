"""One interview page as a form: the engine's Asks gathered into fields, and a
posted form turned back into answers.

The engine asks one question at a time; a browser shows a whole section at
once. A page is therefore *walked*: the engine runs over a copy of the draft
and a front end answers every question of the page from the posted form (or
with the engine's proposal where the person has not touched the field),
recording each `Ask` it is handed. Those Asks, with the refusals the engine
reported beside them, are the form. Conditions, defaults, validation and
repeating groups stay the engine's; this module only presents them, as the
terminal does, so both ask the same questions and store the same answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..interview.engine import (
    NOTHING,
    SKIP,
    Ask,
    Defaulted,
    InterviewRun,
    PageIncomplete,
    page_keys,
)
from ..questions.spec import Interview, Page, Question
from ..questions.types import CHOICE_TYPES, LIMITS, MANY_TYPES, QuestionType

_MORE = re.compile(r"^(?P<base>.*)\.more\[(?P<index>\d+)\]$")
_ENTRY = re.compile(r"^(?P<base>.*)\[(?P<index>\d+)\]$")
_PREFIX = re.compile(r"^(?P<group>.*)\[(?P<index>\d+)\]\.$")


def choice_token(value: Any) -> str:
    """A choice's value as a form sends it: strings as they are, anything else
    (true, false, numbers) as JSON, so it can be told apart and read back."""
    return value if isinstance(value, str) else json.dumps(value)


def shown(ask: Ask, value: Any) -> Any:
    """A stored or proposed value as the form field shows it."""
    if value is None:
        if ask.type in MANY_TYPES:
            return []
        return NOTHING if any(c.value == NOTHING for c in ask.choices) else ""
    if ask.type == QuestionType.yes_no or ask.kind == "more":
        return "yes" if value is True or str(value).lower() in ("yes", "y", "true") else "no"
    if ask.type in CHOICE_TYPES or ask.type in (QuestionType.party, QuestionType.parties):
        if isinstance(value, (list, tuple)):
            return [choice_token(v) for v in value]
        return choice_token(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Posted:
    """What a page's form sent: field values by log key, list fields by their base
    key (one entry a line), entries per group, the fields the person changed in
    this view, and a button that changes a group (add, remove, move)."""

    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    action: str | None = None
    tab: str = ""  # which browser tab sent it


def read_form(items: list[tuple[str, str]]) -> Posted:
    """A form's (name, value) pairs as `Posted`. Field names are the log keys;
    `list:`, `count:` and `touched` carry the rest, `action` a group button."""
    posted = Posted()
    multi: dict[str, list[str]] = {}
    many: set[str] = set()  # checkboxes: a hidden `many:KEY` beside them says "none" when none is ticked
    for name, value in items:
        if name.startswith("list:"):
            posted.lists[name[5:]] = [line.strip() for line in value.splitlines() if line.strip()]
        elif name.startswith("count:"):
            try:
                posted.counts[name[6:]] = max(0, int(value))
            except ValueError:
                continue
        elif name == "touched":
            posted.touched.update(t for t in value.splitlines() if t)  # multipart sends CRLF
        elif name == "action":
            posted.action = value or None
        elif name == "tab":
            posted.tab = value[:64]
        elif name.startswith("many:"):
            many.add(name[5:])
            multi.setdefault(name[5:], [])
        elif name not in ("csrf", "version", "nav"):
            multi.setdefault(name, []).append(value)
    for name, values in multi.items():
        posted.values[name] = values if len(values) != 1 or name in many else values[0]
    return posted


def apply_action(posted: Posted) -> Callable[[str], str | None]:
    """Carry out a group button on the posted form: add an entry, remove one or
    move one up or down. Returns where each answer key goes (None: removed with
    its entry), for the draft's answers and proposals to follow their entries."""
    verb, _, target = (posted.action or "").partition(":")
    match = _ENTRY.match(target)
    if verb == "add":
        posted.counts[target] = posted.counts.get(target, 0) + 1
        posted.touched.add(f"count:{target}")
    if verb not in ("remove", "up", "down") or match is None:
        return lambda key: key
    group, index = match.group("base"), int(match.group("index"))
    count = posted.counts.get(group, 0)
    other = index - 1 if verb == "up" else index + 1

    def mapping(key: str) -> str | None:
        entry = re.match(re.escape(group) + r"\[(\d+)\](?=[.\[]|$)", key)
        more = re.match(re.escape(group) + r"\.more\[(\d+)\]$", key)
        if more:  # "add another?" answers follow the number of entries, not an entry
            return key
        if entry is None:
            return key
        at = int(entry.group(1))
        if verb == "remove":
            if at == index:
                return None
            moved = at - 1 if at > index else at
        else:
            moved = other if at == index else index if at == other else at
        return f"{group}[{moved}]" + key[entry.end():]

    if verb == "remove" and index < count:
        posted.counts[group] = count - 1
    elif verb == "remove" or not (0 <= other < count and index < count):
        return lambda key: key
    posted.values = {m: v for k, v in posted.values.items() if (m := mapping(k)) is not None}
    posted.lists = {m: v for k, v in posted.lists.items() if (m := mapping(k)) is not None}
    posted.touched = {m for k in posted.touched if (m := mapping(k)) is not None} | {f"count:{group}"}
    return mapping


# --- the form's parts -------------------------------------------------------------


@dataclass
class Field:
    """One question as a form field (or a list field: one entry a line)."""

    ask: Ask
    name: str
    value: Any
    error: str | None = None
    is_list: bool = False
    # A message about several fields (cost shares that do not total 100%) is shown once, beside the
    # last of them; the others are marked and point at it.
    error_of: str | None = None
    focus: bool = False  # the first field to correct, when Next was refused

    @property
    def invalid(self) -> bool:
        return bool(self.error or self.error_of)

    @property
    def prompt(self) -> str:
        return re.sub(r" #\d+(?= |$)", "", self.ask.prompt) if self.is_list else self.ask.prompt


@dataclass
class Entry:
    """One entry of a repeating group: party 2, objective 1."""

    index: int
    prefix: str
    nodes: list[Field | Group] = field(default_factory=list)

    def title(self) -> str:
        """The entry's first text answer (a party's name, an objective's title), to tell entries apart."""
        for node in self.nodes:
            if isinstance(node, Field) and not node.is_list and node.ask.type in (QuestionType.text, QuestionType.paragraph):
                return node.value if isinstance(node.value, str) else ""
        return ""


@dataclass
class Group:
    """A repeating group: its entries and what may be done to them."""

    question: Question
    key: str
    entries: list[Entry] = field(default_factory=list)
    add_prompt: str = ""

    @property
    def noun(self) -> str:
        return self.question.item or "entry"

    @property
    def can_add(self) -> bool:
        return self.question.max is None or len(self.entries) < self.question.max

    @property
    def can_remove(self) -> bool:
        return len(self.entries) > int(self.question.min or 0)


Node = Field | Group


@dataclass
class PageForm:
    """A page as the browser shows it, and what its walk decided."""

    page: Page
    number: int
    count: int
    nodes: list[Node]
    problems: list[str]
    complete: bool  # every question answered and the page's checks passed
    reached: bool  # False: an earlier page still has unanswered questions
    defaulted: list[Defaulted]
    log: dict[str, Any]  # the working copy's answers after the walk
    stale: dict[str, Any]
    proposals: dict[str, Any]  # the answers proposed to the walk (the draft's, taken back): kept unless replaced
    derived: set[str]
    full_pages: set[str]
    answered: set[str]  # keys whose answers the person gave (posted and touched, or already in the draft)

    def fields(self) -> list[Field]:
        out: list[Field] = []

        def visit(nodes: list[Node]) -> None:
            for node in nodes:
                if isinstance(node, Field):
                    out.append(node)
                else:
                    for entry in node.entries:
                        visit(entry.nodes)

        visit(self.nodes)
        return out

    def errors(self) -> dict[str, str]:
        return {f.name: f.error for f in self.fields() if f.error}

    def focus_first_error(self) -> None:
        """Move the focus to the first field to correct (Next was refused)."""
        first = next((f for f in self.fields() if f.invalid), None)
        if first is not None:
            first.focus = True


class _Left(Exception):
    """The walk reached a question on another page."""

    def __init__(self, earlier: bool):
        super().__init__()
        self.earlier = earlier


class _Problems(Exception):
    pass


class _PageFrontend:
    """Answers the questions of one page from a posted form and records each Ask."""

    def __init__(self, interview: Interview, page: Page, given: dict[str, Any], lists: dict[str, list[str]],
                 counts: dict[str, int], show_missing: bool):
        self.order = [p.id for p in interview.pages]
        self.page, self.page_index = page, self.order.index(page.id)
        self.given, self.lists, self.counts = given, lists, counts
        self.show_missing = show_missing
        self.asks: list[tuple[Ask, Any]] = []
        self.seen: dict[str, int] = {}
        self.errors: dict[str, str] = {}
        self.raw: dict[str, Any] = {}
        self.problems: list[str] = []

    def ask(self, ask: Ask) -> Any:
        if ask.page.id != self.page.id:
            raise _Left(ask.page_number - 1 < self.page_index)
        if ask.key in self.seen:
            return SKIP  # refused once: shown with its message, left for the person to correct
        self.seen[ask.key] = len(self.asks)
        raw = self._answer(ask)
        self.asks.append((ask, raw))
        self.raw[ask.key] = raw
        return raw

    def _answer(self, ask: Ask) -> Any:
        if ask.kind == "more":
            base, index = _split(_MORE, ask.key)
            return index < self.counts[base] if base in self.counts else bool(ask.default)
        if ask.kind == "entry":
            base, index = _split(_ENTRY, ask.key)
            if base in self.lists:
                return self.lists[base][index] if index < len(self.lists[base]) else ""
            return "" if ask.default is None else ask.default
        if ask.key in self.given:
            return _from_form(ask, self.given[ask.key])
        default = ask.default
        if default is None or default == "" or default == []:
            if ask.required:
                return SKIP if not self.show_missing else ""
            return None
        return default

    def invalid(self, ask: Ask, message: str) -> None:
        self.errors[ask.key] = message

    def enter_page(self, page: Page, number: int, count: int, resumed: int | None, answered: list[tuple[str, str]]) -> None:
        pass

    def page_problems(self, page: Page, messages: list[str]) -> None:
        if page.id != self.page.id:
            raise _Left(self.order.index(page.id) < self.page_index)
        self.problems = messages
        raise _Problems

    def note(self, message: str) -> None:
        pass


def _split(pattern: re.Pattern[str], key: str) -> tuple[str, int]:
    match = pattern.match(key)
    assert match is not None, key
    return match.group("base"), int(match.group("index"))


def _from_form(ask: Ask, value: Any) -> Any:
    """A posted value as the engine reads answers: choice tokens back to their values."""
    if ask.type in CHOICE_TYPES or ask.type in (QuestionType.party, QuestionType.parties):
        tokens = {choice_token(c.value): c.value for c in ask.choices}
        if isinstance(value, list):
            return [tokens.get(v, v) for v in value]
        return tokens.get(value, value) if value != "" else (NOTHING if NOTHING in tokens else "")
    if isinstance(value, list):
        return value[-1] if value else ""
    return value


@dataclass
class WalkDraft:
    """The copy of a draft a walk runs over (the engine's `Log`); never saved by the walk."""

    log: dict[str, Any]
    stale: dict[str, Any]
    derived: set[str]
    accepted: set[str] = field(default_factory=set)  # taken as proposed with the rest of a section (Ctrl-R, in the terminal)

    def save(self) -> None:
        pass


def walk_page(interview: Interview, source: WalkDraft, page: Page, *, posted: Posted | None, commit: bool,
              run_options: dict[str, Any], protected: frozenset[str] | set[str] = frozenset()) -> PageForm:
    """Walk one page with the answers a form posted (None: as the draft holds them).

    The page's answers are taken back into `stale` first, so each question is
    handed to the front end with the draft's answer as its proposal, exactly
    as editing a page at the terminal's review does. `commit` ("Next") takes
    every field as answered; otherwise only the fields the person touched and
    the answers already in the draft are. `protected` keys keep the draft's
    answer whatever was posted (another tab changed them meanwhile)."""
    index = [p.id for p in interview.pages].index(page.id)
    mapping = apply_action(posted) if posted is not None else (lambda key: key)

    def moved(values: dict[str, Any]) -> dict[str, Any]:
        return {m: v for k, v in values.items() if (m := mapping(k)) is not None}

    mine = set(page_keys(page, source.log))
    proposals = moved({**source.stale, **{k: source.log[k] for k in mine}})
    work = WalkDraft({k: v for k, v in source.log.items() if k not in mine}, dict(proposals),
                     {m for k in source.derived if (m := mapping(k)) is not None})
    given: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    answered = {m for k in mine if (m := mapping(k)) is not None}
    if posted is not None:
        take = set(posted.values) | set(posted.lists) if commit else answered | posted.touched
        take -= protected
        given = {k: v for k, v in posted.values.items() if k in take}
        lists = {k: v for k, v in posted.lists.items() if k in take or any(m.startswith(k + "[") for m in answered)}
        counts = dict(posted.counts)
        answered |= set(given) | set(lists)
    front = _PageFrontend(interview, page, given, lists, counts, show_missing=commit)
    full_pages = set(run_options.get("full_pages") or ())
    run = InterviewRun(interview, work, front, **{**run_options, "full_pages": full_pages})
    complete, reached = False, True
    try:
        run.run()
        complete = True
    except _Left as left:
        reached = not left.earlier
        complete = reached
    except PageIncomplete:
        complete = False
    except _Problems:
        complete = False
    complete = complete and not front.errors
    placed = _place(run.problems if front.problems else [], front)
    for key, message in front.errors.items():
        raw = front.raw.get(key)
        if raw not in (None, "", SKIP) and key in given and not (isinstance(raw, str) and len(raw) > LIMITS["paragraph"]):
            work.stale[key] = raw  # proposed again as typed, as the terminal does after a refusal (never an outsized one)
    nodes = _nodes(interview, front)
    unplaced = _mark(nodes, placed, front.problems)
    defaulted = [d for d in run.defaulted if d.page == page.id]
    return PageForm(page, index + 1, len(interview.pages), nodes, unplaced, complete, reached, defaulted,
                    work.log, work.stale, proposals, work.derived, full_pages, answered)


def _place(problems: list[tuple[str, list[str]]], front: _PageFrontend) -> list[tuple[str, list[str]]]:
    """Each message about answers that do not fit together, with the names of the fields it concerns
    (a list's entries are one field: the list)."""
    placed = []
    for message, keys in problems:
        names = []
        for key in keys:
            entry = _ENTRY.match(key)
            name = entry.group("base") if entry and not _MORE.match(key) and _is_list_entry(front, key) else key
            if name not in names:
                names.append(name)
        placed.append((message, names))
    return placed


def _is_list_entry(front: _PageFrontend, key: str) -> bool:
    return any(ask.key == key and ask.kind == "entry" for ask, _ in front.asks)


def _mark(nodes: list[Node], placed: list[tuple[str, list[str]]], messages: list[str]) -> list[str]:
    """Put each message beside the last field it concerns and mark the others; the messages
    that concern no field shown here stay at the top of the page."""
    fields: dict[str, Field] = {}

    def visit(items: list[Node]) -> None:
        for node in items:
            if isinstance(node, Field):
                fields[node.name] = node
            else:
                for entry in node.entries:
                    visit(entry.nodes)

    visit(nodes)
    unplaced = [m for m in messages if m not in {message for message, _ in placed}]
    for message, names in placed:
        concerned = [fields[name] for name in names if name in fields]
        if not concerned:
            unplaced.append(message)
            continue
        last = concerned[-1]
        last.error = f"{last.error} {message}" if last.error and message not in last.error else (last.error or message)
        for field_ in concerned[:-1]:
            field_.error_of = field_.error_of or last.name
    return unplaced


def _nodes(interview: Interview, front: _PageFrontend) -> list[Node]:
    """The recorded Asks as nested fields: groups hold entries, entries hold fields."""
    root: list[Node] = []
    groups: dict[str, Group] = {}
    entries: dict[str, Entry] = {}
    lists: dict[str, Field] = {}

    def entry_nodes(prefix: str, group_question: Question | None) -> list[Node]:
        if not prefix or group_question is None:
            return root
        if prefix not in entries:
            match = _PREFIX.match(prefix)
            assert match is not None, prefix
            group = group_node(match.group("group"), group_question)
            entries[prefix] = Entry(int(match.group("index")), prefix)
            group.entries.append(entries[prefix])
        return entries[prefix].nodes

    def parent_of(q: Question) -> Question | None:
        return interview.question(q.parent_id) if q.parent_id else None

    def group_node(key: str, q: Question) -> Group:
        if key not in groups:
            groups[key] = Group(q, key)
            entry_nodes(key[: len(key) - len(q.relative)], parent_of(q)).append(groups[key])
        return groups[key]

    for ask, raw in front.asks:
        q = ask.question
        if ask.kind == "more":
            base, _ = _split(_MORE, ask.key)
            group = group_node(base, q)
            group.add_prompt = ask.prompt
            continue
        if ask.kind == "entry":
            base, _ = _split(_ENTRY, ask.key)
            if base not in lists:
                lists[base] = Field(ask, base, [], front.errors.get(ask.key), is_list=True)
                entry_nodes(base[: len(base) - len(q.relative)], parent_of(q)).append(lists[base])
            node = lists[base]
            node.error = node.error or front.errors.get(ask.key)
            if raw not in (None, "", SKIP):
                node.value.append(str(raw))
            continue
        base = ask.key.rsplit(".", 1)[0] if q.each == "party" else ask.key
        if ask.key in front.given:  # as typed, so a refused answer is shown for correcting
            value = front.given[ask.key]
            if isinstance(value, list) and ask.type not in MANY_TYPES:
                value = value[-1] if value else ""
            if isinstance(value, str) and len(value) > LIMITS["paragraph"]:
                value = value[: LIMITS["paragraph"]]  # an outsized answer is refused; its start is shown, not sent back whole
        else:
            value = shown(ask, None if raw is SKIP else raw)
        entry_nodes(base[: len(base) - len(q.relative)], parent_of(q)).append(Field(ask, ask.key, value, front.errors.get(ask.key)))
    for group in groups.values():
        group.entries.sort(key=lambda e: e.index)
    return root
