"""Answers and a clause library in, one `Document` out: a pure function.

Assembly picks the clauses whose condition holds, numbers them, renders their
Jinja2 in a sandbox, parses the Markdown into blocks and resolves every
cross-reference. Numbers are fixed before any text is rendered, so a clause
can name another clause's number and stay right when others are left out.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, pass_context

from .. import __version__
from ..answers import Answers, Party
from ..dates import add_months, long_date
from ..document import (
    Block,
    Cell,
    Clause,
    Document,
    Inline,
    ItemList,
    Metadata,
    Paragraph,
    Ref,
    Section,
    SignatureBlock,
    Table,
    Text,
)
from ..errors import ClauseLibraryError, Problem
from ..library import ClauseFile, ClauseLibrary, load_library
from ..markup import MarkupError, Md, escape, to_blocks
from ..sandbox import BudgetedSandbox, budget, budgeted_range, render_capped
from .liability import liability_caps
from .timeline import KPI_REPORT_WORKING_DAYS, build_timeline, scheduled_reviews
from .words import is_ordinary_word, plain_words, proper_names


def and_list(items: Iterable[object], conjunction: str = "and") -> Md:
    """`a, b and c`, each item escaped: the way lists read in running text.

    When an item holds the conjunction itself or a comma ("Kubernetes and cloud-native
    expertise"), commas and a bare "and" would run the items together; such a list is
    joined with semicolons ("a; b; and c") so every item stays apart."""
    parts = [escape(item) for item in items]
    if len(parts) <= 1:
        return Md("".join(parts))
    if any(re.search(rf"\b{conjunction}\b|,", str(item)) for item in parts):
        return Md(f"{'; '.join(parts[:-1])}; {conjunction} {parts[-1]}")
    return Md(f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}")


def money(value: Decimal | int | float | None, currency: str | None = None) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{currency} {text}" if currency else text


def percent(value: Decimal | int | float) -> str:
    return f"{Decimal(value):g}%"


_INSTITUTION_WORDS = {
    "centre", "center", "institute", "institution", "chartered", "royal", "international", "court", "chamber",
    "academy", "society", "association", "council", "foundation", "authority", "office", "department", "ministry",
    "president", "chair", "secretary", "london", "netherlands", "singapore", "hong", "american", "german", "swiss",
}


def institution(name: object) -> str:
    """`Centre for Effective Dispute Resolution` -> `the Centre for Effective Dispute Resolution`;
    `CEDR` and `the LCIA` stay as they are: a named body reads with its article."""
    text = str(name or "")
    words = text.split()
    if not words or words[0].lower() in ("the", "a", "an") or len(words) < 2:
        return text
    return f"the {text}" if words[0].lower() in _INSTITUTION_WORDS or " of " in text or " for " in text else text


def _long_date(value: date | None) -> str:
    return long_date(value) if value else ""


def _count(n: int, singular: str, plural: str | None = None) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    number = words[n] if 0 <= n < len(words) else str(n)
    return f"{number} {singular if n == 1 else (plural or singular + 's')}"


def _lower_first(text: str, names: frozenset[str] = frozenset(), plain: frozenset[str] = frozenset()) -> str:
    """`Paying customers` -> `paying customers` mid-sentence, but only when the first word is an
    ordinary word: an acronym (`NHS`), a word with inner capitals (`iPhone`), a possessive
    (`Helix's platform`), a name the answers use (a party, the steering body, a word written
    with a capital inside any answer) and a word no English dictionary knows (`Kubernetes`)
    keep their case, unless the answers write that word in lower case elsewhere (`plain`)."""
    match = re.match(r"([A-Za-z][\w-]*)('s|’s)?", text)
    if not match or not text[0].isupper():
        return text
    word, possessive = match.group(1), match.group(2)
    if possessive or len(word) < 2 or not word[1:].replace("-", "").islower():
        return text
    head = word.split("-")[0].lower()
    if head in names or word.lower() in names or not (head in plain or is_ordinary_word(head)):
        return text
    return text[0].lower() + text[1:]


@pass_context
def _lower_first_in_context(context: Any, text: object) -> str:
    """`| lowerfirst` in a clause: names are those of the answers being rendered."""
    names, plain = context.get("proper_names"), context.get("plain_words")
    return _lower_first(str(text), names if isinstance(names, frozenset) else frozenset(),
                        plain if isinstance(plain, frozenset) else frozenset())


class MissingAnswer(Undefined):
    """An `extra` answer its question did not give (asked only under a `when`, or left empty): false in a
    test, equal to none, replaced by `| default(…)`, and refused when a clause prints it, naming the clause,
    its line and the answer, instead of printing nothing ("by ,")."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(hint=f"it prints extra.{name}, which has no answer for this agreement (its question is asked only "
                              f"under a condition, or was left empty); print it inside {{% if extra.{name} %}} … "
                              f"{{% endif %}} or with | default('…')", name=f"extra.{name}")

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""  # pragma: no cover - the line above raises

    def __eq__(self, other: object) -> bool:
        return other is None or type(other) is type(self)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(None)


# Filters that turn a value into words: given a missing answer, they pass it on, so printing refuses it.
_WORDING_FILTERS = {"and_list", "or_list", "date", "money", "percent", "count", "upfirst", "lowerfirst", "institution",
                    "months_after", "upper", "lower", "title", "capitalize", "trim", "replace", "string", "join",
                    "truncate", "wordwrap", "center", "indent", "format", "striptags", "e", "escape", "round", "int",
                    "float", "abs", "first", "last"}


def _passing_missing(function: Any) -> Any:
    first = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def wording(*args: Any, **kwargs: Any) -> Any:
        if len(args) > first and isinstance(args[first], MissingAnswer):
            return args[first]
        return function(*args, **kwargs)

    return wording


class Unprintable(Exception):
    """A clause prints a value that has no fixed wording: a record, a list, a mapping, a function."""


def _printable(value: object) -> str:
    """What `{{ … }}` prints: text, numbers and dates as they read (escaped for Markdown), a choice
    as its value; anything else would print Python's own representation, which is no wording
    and, for some objects, differs from run to run."""
    if isinstance(value, Md):
        return value
    if isinstance(value, Enum):
        return escape(value.value)
    if value is None or isinstance(value, (str, int, float, Decimal, date, Undefined)):
        return escape(value)  # an Undefined prints as Jinja2 decides: nothing, or the strict error
    raise Unprintable(_unprintable(value))


def _unprintable(value: object) -> str:
    """What a clause printed that has no wording, and what to print instead."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = list(type(value).model_fields)
        return (f"prints a whole {type(value).__name__.lower()} record; print one of its fields "
                f"({', '.join(fields[:4])}{', …' if len(fields) > 4 else ''})")
    if isinstance(value, dict):
        return "prints a dict; print one of its values"
    if isinstance(value, (list, tuple)):
        return "prints a list; print its items with | and_list, or one of them"
    if callable(value):
        name = getattr(value, "__name__", type(value).__name__)
        return f"prints the function {name!r} itself; call it, e.g. label('key') or ref('clause.id')"
    return f"prints a {type(value).__name__} object; print text, a number or a date"


@lru_cache(maxsize=1)
def _environment() -> BudgetedSandbox:
    """One sandbox for every clause: custom libraries are code we do not trust."""
    env = BudgetedSandbox(
        undefined=StrictUndefined,
        finalize=_printable,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        and_list=and_list,
        or_list=lambda items: and_list(items, "or"),
        date=_long_date,
        money=money,
        percent=percent,
        count=_count,
        upfirst=lambda text: Md(escape(text[:1].upper() + text[1:])) if text else Md(""),
        lowerfirst=_lower_first_in_context,
        institution=institution,
        months_after=lambda value, months: add_months(value, int(months)),
    )
    for name in _WORDING_FILTERS & set(env.filters):
        env.filters[name] = _passing_missing(env.filters[name])
    env.tests["none"] = lambda value: value is None or isinstance(value, MissingAnswer)
    # `select('search', 'announce|publicity')`: answers that mention a word, case as the pattern says.
    env.tests["search"] = lambda value, pattern: re.search(pattern, str(value)) is not None
    env.globals["range"] = budgeted_range
    return env


@lru_cache(maxsize=2048)
def _template(source: str) -> Any:
    """A clause body compiled once per process: compiling costs far more than rendering,
    and a batch of drafts renders the same library many times."""
    return _environment().from_string(source)


@lru_cache(maxsize=2048)
def _expression(source: str) -> Any:
    return _environment().compile_expression(source)


@dataclass
class _Plan:
    """The clauses chosen for this agreement, numbered, before rendering."""

    sections: list[tuple[Any, list[ClauseFile]]]
    labels: dict[str, str]
    numbers: dict[str, str | None]


def _context(answers: Answers) -> dict[str, Any]:
    agreement = answers.agreement
    reviews = scheduled_reviews(answers)
    totals: dict[str, Decimal] = {}
    for resource in answers.resources:
        if resource.value is not None and resource.currency:
            totals[resource.currency] = totals.get(resource.currency, Decimal(0)) + resource.value
    dumped = answers.model_dump(mode="json")
    return {
        **{name: getattr(answers, name) for name in type(answers).model_fields},
        "extra": {name: MissingAnswer(name) if value is None else value for name, value in answers.extra.items()},
        "binding": agreement.binding,
        "shall": "shall" if agreement.binding else "will",
        "term_end": agreement.end,
        "review_dates": [review.date for review in reviews],
        "review_calendar": [{"date": review.date, "kind": review.kind} for review in reviews],
        "kpi_report_days": KPI_REPORT_WORKING_DAYS,
        "resource_totals": totals,
        "has_university": any(p.kind.value == "university" or (p.legal_form and p.legal_form.value == "university")
                              for p in answers.parties),
        "has_public_body": any(p.kind.value == "government" or (p.legal_form and p.legal_form.value == "public_body")
                               for p in answers.parties),
        "liability_caps": liability_caps(answers),
        "instrument": "Agreement" if agreement.binding else "MOU",
        # Two parties read as "the other Party", never "the others".
        **_other_party_words(len(answers.parties)),
        "party": answers.party,
        "label": lambda key: answers.party(key).label,
        # Words the answers use as names: `| lowerfirst` leaves them as written.
        "proper_names": proper_names(dumped),
        "plain_words": plain_words(dumped),
    }


def _other_party_words(count: int) -> dict[str, str]:
    two = count == 2
    return {
        "others": "the other Party" if two else "the other Parties",
        "others_poss": "the other Party's" if two else "the other Parties'",
        "each_other": "the other Party" if two else "each other Party",
        "every_other": "the other Party" if two else "every other Party",
        "any_concerned": "either Party" if two else "any Party concerned",
        "in_dispute": "the Parties" if two else "the Parties in dispute",
        "they_need": "it reasonably needs" if two else "they reasonably need",
        "they_request": "it reasonably requests" if two else "they reasonably request",
        "them": "it" if two else "them",
        # General clauses: "either Party" and "the other Party" when there are two.
        "any_party": "either Party" if two else "any Party",
        "no_party": "neither Party" if two else "no Party",
        "another": "the other Party" if two else "another Party",
        "another_poss": "the other Party's" if two else "another Party's",
        "any_other": "the other Party" if two else "any other Party",
        # "every Party" is a crowd: two Parties are "both Parties".
        "every_party": "both Parties" if two else "every Party",
        "every_party_poss": "both Parties'" if two else "every Party's",
    }


def _condition(clause: ClauseFile, context: dict[str, Any]) -> bool:
    if not clause.meta.condition:
        return True
    try:
        with budget():
            return bool(_expression(clause.meta.condition)(**context))
    except TemplateError as exc:
        raise _clause_error(clause, f"condition {clause.meta.condition!r} failed: {exc}", line=clause.line_of("condition")) from None
    except RecursionError:
        raise _clause_error(clause, "condition nested too deeply to evaluate", line=clause.line_of("condition")) from None
    except Exception as exc:  # noqa: BLE001 - a library's mistake is the library's error, never a traceback
        raise _clause_error(clause, f"condition {clause.meta.condition!r} failed: {_describe(exc)}",
                            line=clause.line_of("condition")) from None


def _plan(library: ClauseLibrary, context: dict[str, Any]) -> _Plan:
    chosen: list[tuple[Any, list[ClauseFile]]] = []
    for section in library.ordered_sections():
        clauses = [c for c in library.in_section(section.id) if _condition(c, context)]
        if clauses:
            chosen.append((section, clauses))
    labels: dict[str, str] = {}
    numbers: dict[str, str | None] = {}
    section_no = schedule_no = 0
    for section, clauses in chosen:
        if section.kind == "clauses":
            section_no += 1
            numbers[section.id] = str(section_no)
            labels[section.id] = str(section_no)
            for index, clause in enumerate(clauses, start=1):
                number = f"{section_no}.{index}"
                numbers[clause.meta.id] = labels[clause.meta.id] = number
        elif section.kind == "schedule":
            schedule_no += 1
            numbers[section.id] = str(schedule_no)
            labels[section.id] = f"Schedule {schedule_no}"
            for clause in clauses:
                numbers[clause.meta.id] = None
                labels[clause.meta.id] = f"Schedule {schedule_no}"
        else:
            numbers[section.id] = None
            for clause in clauses:
                numbers[clause.meta.id] = None
    return _Plan(chosen, labels, numbers)


def _clause_error(clause: ClauseFile, message: str, line: int | None = None) -> ClauseLibraryError:
    from ..sandbox import readable

    return ClauseLibraryError(str(clause.source), [Problem(clause.meta.id, readable(message, 600), line)])


def party_description(party: Party) -> str:
    """`a public limited company registered in England and Wales (number 08812345)`, or
    nothing when the legal form is not stated: the signature block names who is bound."""
    form = party.legal_form
    if form is None:
        return ""
    numbers = [f"number {party.registration_number}"] if party.registration_number else []
    if party.charity_number:
        numbers.append(f"charity number {party.charity_number}")
    suffix = f" ({', '.join(numbers)})" if numbers else ""
    if form.value == "individual":
        return f"of {party.address}" if party.address else ""
    article = "an" if form.label[0] in "aeio" else "a"  # "a university", "an individual"
    place = "established" if form.value in ("public_body", "university") else "registered"
    return f"{article} {form.label} {place} in {party.jurisdiction}{suffix}"


def _signature_blocks(answers: Answers) -> Callable[[], list[Block]]:
    def build() -> list[Block]:
        return [SignatureBlock(p.name, p.signatory.name, p.signatory.title, party_description(p)) for p in answers.parties]

    return build


def _render_clause(clause: ClauseFile, context: dict[str, Any], answers: Answers) -> list[Block]:
    try:
        markdown = render_capped(_template(clause.body), context)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or _template_line(exc)
        file_line = clause.body_line + line - 1 if line else None
        raise _clause_error(clause, f"template error: {exc} (`agreementkit lint` checks every clause and branch "
                                    "at once, with suggestions)", file_line) from None
    except RecursionError as exc:
        line = _template_line(exc)
        raise _clause_error(clause, "template nested too deeply to render (a macro that calls itself without end, or "
                                    "runaway nesting)", clause.body_line + line - 1 if line else None) from None
    except Exception as exc:  # noqa: BLE001 - sandbox refusals, budget, arithmetic: all the library's to fix
        line = _template_line(exc) or getattr(exc, "lineno", None)
        file_line = clause.body_line + line - 1 if line else None
        raise _clause_error(clause, f"template failed: {_describe(exc)}", file_line) from None
    variant = "binding" if answers.agreement.binding else "non_binding"
    try:
        return to_blocks(markdown, variant, {"signatures": _signature_blocks(answers)})
    except MarkupError as exc:
        raise _clause_error(clause, str(exc)) from None


_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _title(clause: ClauseFile, context: dict[str, Any]) -> str:
    """A heading may follow the answers ("Entire {{ 'agreement' if binding else 'understanding' }}")."""
    title = clause.meta.title
    if "{" not in title:
        return title
    try:
        # A title is plain text, not Markdown: an answer printed in it loses the escapes it needs in a body.
        return _MARKDOWN_ESCAPE.sub(r"\1", render_capped(_template(title), context)).strip()
    except TemplateError as exc:
        raise _clause_error(clause, f"title template error: {exc}", line=clause.line_of("title")) from None
    except Exception as exc:  # noqa: BLE001
        raise _clause_error(clause, f"title template failed: {_describe(exc)}", line=clause.line_of("title")) from None


def _section_title(title: str, context: dict[str, Any]) -> str:
    """A section title may follow the answers too ("Resources and cost shares" only when there are shares)."""
    if "{" not in title:
        return title
    try:
        return render_capped(_template(title), context).strip()
    except Exception as exc:  # noqa: BLE001 - a library's mistake is the library's error, never a traceback
        raise ClauseLibraryError("sections.yaml", [Problem(title, f"section title template failed: {_describe(exc)}")]) from None


def _describe(exc: BaseException) -> str:
    """A runtime failure in a template, in words: the sandbox's and the budget's messages are already sentences."""
    from jinja2.exceptions import SecurityError

    from ..sandbox import BudgetExceeded

    if isinstance(exc, (BudgetExceeded, SecurityError)):
        return f"{exc} (the sandbox refuses this)"
    if isinstance(exc, Unprintable):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _template_line(exc: BaseException) -> int | None:
    """The template line a runtime error came from: Jinja rewrites tracebacks
    so that the template's own frame carries it."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _resolve(blocks: list[Block], labels: dict[str, str], clause: ClauseFile, known: frozenset[str]) -> list[Block]:
    """Give every cross-reference the printed number of its target."""

    def runs(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for run in inlines:
            if isinstance(run, Ref):
                if run.target not in labels:
                    if run.target not in known:
                        hint = difflib.get_close_matches(run.target, sorted(known), n=1)
                        raise _clause_error(clause, f"refers to clause '{run.target}', which no library layer has"
                                            + (f"; did you mean '{hint[0]}'?" if hint else "; see `agreementkit clauses list`"))
                    raise _clause_error(clause, f"refers to clause '{run.target}', which this agreement does not include "
                                        f"(its condition is false for these answers); guard the reference with "
                                        f"{{% if included('{run.target}') %}}")
                out.append(Ref(run.target, labels[run.target]))
            else:
                out.append(run)
        return tuple(out)

    def cells(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
        return tuple(Cell(runs(c.inlines), c.numeric) for c in row)

    def resolved(block: Block) -> Block:
        if isinstance(block, Paragraph):
            return replace(block, inlines=runs(block.inlines))
        if isinstance(block, ItemList):
            return replace(block, items=tuple(runs(item) for item in block.items))
        if isinstance(block, Table):
            return Table(cells(block.header), tuple(cells(r) for r in block.rows), tuple(cells(r) for r in block.footer))
        return block

    return [resolved(block) for block in blocks]


def _lead_ins(blocks: list[Block]) -> list[Block]:
    """Mark a paragraph that ends in a colon to stay with the block it introduces."""
    out = list(blocks)
    for index, block in enumerate(out[:-1]):
        if isinstance(block, Paragraph) and block.inlines:
            last = block.inlines[-1]
            if isinstance(last, Text) and last.text.rstrip().endswith(":"):
                out[index] = replace(block, keep_with_next=True)
    return out


def assemble(answers: Answers, library: ClauseLibrary | None = None) -> Document:
    """The memorandum these answers call for, as a document model."""
    library = library or default_library()
    context = _context(answers)
    plan = _plan(library, context)
    binding_ids = [c.meta.id for _, clauses in plan.sections for c in clauses if c.meta.binds]
    surviving_ids = [c.meta.id for _, clauses in plan.sections for c in clauses if c.meta.survives]

    def ref(target: str) -> Md:
        return Md(f"[{escape(target)}](#{target})")

    order = {cid: index for index, cid in enumerate(plan.labels)}

    files = {c.meta.id: c for _, clauses in plan.sections for c in clauses}

    def refs(targets: list[str], titled: bool = False) -> Md:
        """`clauses 5.2, 9.5 and 11.1`, in document order whatever order they were named in;
        `titled=True` adds each clause's title, `clauses 1.3 (Interpretation); 5.2 (Shared costs) …`,
        for a reader who should not have to look every number up."""
        ordered = sorted(targets, key=lambda t: order.get(t, len(order)))
        noun = "clause" if len(ordered) == 1 else "clauses"
        if titled:
            def with_title(target: str) -> Md:
                clause = files.get(target)
                title = _title(clause, binding_context if clause.meta.binds else context) if clause else ""
                return Md(f"{ref(target)} ({escape(title)})") if title else ref(target)

            return Md(f"{noun} {and_list(with_title(t) for t in ordered)}")
        return Md(f"{noun} {and_list(ref(t) for t in ordered)}")

    context.update(ref=ref, refs=refs, binding_clauses=binding_ids, surviving_clauses=surviving_ids,
                   included=lambda cid: cid in plan.labels)
    # A clause that binds speaks in obligations even in a non-binding MOU.
    binding_context = {**context, "shall": "shall"}
    sections: list[Section] = []
    for meta, clause_files in plan.sections:
        section_title = _section_title(meta.title, context)
        clauses = []
        for clause_file in clause_files:
            clause_context = binding_context if clause_file.meta.binds else context
            blocks = _lead_ins(_resolve(_render_clause(clause_file, clause_context, answers), plan.labels, clause_file,
                                         frozenset(library.clauses)))
            # A schedule holding one table titled like itself needs no second heading.
            title = "" if clause_file.meta.title == section_title else _title(clause_file, clause_context)
            clauses.append(
                Clause(
                    id=clause_file.meta.id,
                    title=title,
                    blocks=blocks,
                    number=plan.numbers[clause_file.meta.id],
                    version=clause_file.meta.version,
                    binds=clause_file.meta.binds,
                )
            )
        sections.append(Section(meta.id, section_title, meta.kind, clauses, plan.numbers.get(meta.id)))
    return Document(
        title=answers.agreement.title,
        subtitle=_between(answers),
        reference=answers.agreement.reference,
        # The document is dated when the last party signs; the start is a term of its own (clause "Term").
        parties_line=f"Effective date {long_date(answers.agreement.effective_date)}",
        sections=sections,
        metadata=_metadata(answers, sections, library),
        toc=answers.agreement.table_of_contents,
        timeline=build_timeline(answers, plan.labels, instrument=context["instrument"], between=_between(answers)),
    )


def _between(answers: Answers) -> str:
    names = [p.name for p in answers.parties]
    return "between " + (", ".join(names[:-1]) + " and " + names[-1])


def clause_digest(clause: Clause) -> str:
    """A short fingerprint of a clause as printed: its number, title and every block."""
    import hashlib

    text = _stable_repr((clause.number, clause.title, clause.blocks))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _stable_repr(value: Any) -> str:
    """The dataclass repr the digests were first computed over, whatever fields the model gains
    later: a field at its default is left out, so documents made before it still verify."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shown = [f"{f.name}={_stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value)
                 if f.name not in _LATER_FIELDS or getattr(value, f.name) != f.default]
        return f"{type(value).__name__}({', '.join(shown)})"
    if isinstance(value, tuple):
        inner = ", ".join(_stable_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_stable_repr(v) for v in value) + "]"
    return repr(value)


_LATER_FIELDS = {"change"}  # fields added to the blocks after documents recorded digests


def _metadata(answers: Answers, sections: list[Section], library: ClauseLibrary) -> Metadata:
    names = [p.name for p in answers.parties]
    return Metadata(
        title=answers.agreement.title,
        subject=answers.agreement.purpose,
        author=", ".join(names),
        keywords="; ".join(["partnership", "memorandum of understanding", *names]),
        created=answers.agreement.effective_date.isoformat(),
        answers_sha256=answers.fingerprint(),
        clauses=tuple((c.id, c.version) for s in sections for c in s.clauses),
        generator=f"agreementkit {__version__}",
        layers=(("agreementkit built-in", __version__), *library.layer_info),
        digests=tuple((c.id, clause_digest(c)) for s in sections for c in s.clauses),
        origins=_origins(sections, library),
        working_days=_working_days(answers),
    )


def _working_days(answers: Answers) -> str:
    from ..dates import holidays_version
    from .timeline import working_calendar

    days = working_calendar(answers)
    return f"{days.name} (holidays {holidays_version()})" if days.region is not None else days.name


def _origins(sections: list[Section], library: ClauseLibrary) -> tuple[tuple[str, str], ...]:
    """Which custom layer each clause came from (built-in clauses are not listed)."""
    custom = list(zip(library.layers[len(library.layers) - len(library.layer_info):], library.layer_info))
    out: list[tuple[str, str]] = []
    for section in sections:
        for clause in section.clauses:
            source = library.clauses[clause.id].source if clause.id in library.clauses else None
            for folder, (name, _version) in reversed(custom):
                if source is not None and source.is_relative_to(folder):
                    out.append((clause.id, name))
                    break
    return tuple(out)


@lru_cache(maxsize=1)
def default_library() -> ClauseLibrary:
    """The built-in library, loaded once per process."""
    return load_library()


def library_for(layers: list[Path] | list[str] | tuple[Path, ...] | None) -> ClauseLibrary:
    """The built-in library with these layers over it: the one loaded once when there are none."""
    return load_library([Path(p) for p in layers]) if layers else default_library()

