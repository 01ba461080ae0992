"""The interview on paper: a table of questions for library authors, and a
checklist for clients.

Advisors send the checklist before a meeting so the client can gather the
answers (registration numbers, signatories, budgets) in advance; it is made
from the same spec the interview walks, so it never falls out of step. The
checklist is a `Document` of the one document model, so the writers that
print an MOU print it too: Markdown, Word, PDF and HTML alike, each question
with its help, its choices or a box to write in, and when it applies.
"""

from __future__ import annotations

import re
from typing import Any

from ..document import (
    Block,
    Cell,
    Clause,
    Document,
    Inline,
    Metadata,
    Paragraph,
    Section,
    Table,
    Text,
)
from .spec import Interview, Page, Question
from .types import QuestionType

_TYPE_WORDS = {
    QuestionType.text: "a short text", QuestionType.paragraph: "a sentence or two", QuestionType.date: "a date",
    QuestionType.email: "an email address", QuestionType.integer: "a whole number", QuestionType.number: "a number",
    QuestionType.money: "an amount of money", QuestionType.percent: "a percentage", QuestionType.yes_no: "yes or no",
    QuestionType.select: "one of", QuestionType.multi_select: "any of", QuestionType.ordered: "some of, in order",
    QuestionType.party: "one of the parties", QuestionType.parties: "some of the parties", QuestionType.list: "a list",
    QuestionType.group: "one or more entries",
}
# What the box under a question asks for: nothing to add for text, a paragraph has more room.
_ANSWER_WORDS = {
    QuestionType.date: "a date (YYYY-MM-DD)", QuestionType.email: "an email address", QuestionType.integer: "a whole number",
    QuestionType.number: "a number", QuestionType.money: "an amount, with its currency", QuestionType.percent: "a percentage",
    QuestionType.list: "one a line",
}
_LINES = {QuestionType.paragraph: 3, QuestionType.list: 4}
BOX, BLANK = "\u2610", "\u00a0"  # a box to tick; a line to write on


def question_rows(interview: Interview) -> list[dict[str, Any]]:
    """One row per question, in the order asked (for `questions list` and tools)."""
    rows = []
    for page in interview.pages:
        for q in (q for top in page.questions for q in top.walk()):
            rows.append({
                "page": page.id, "id": q.id, "type": q.type.value, "prompt": q.prompt, "required": q.required,
                "quick": q.quick, "when": q.when, "default": q.default, "each": q.each, "stored": q.store,
                "removed": q.removed, "layer": q.layer, "changed_by": q.changed_by,
                "options": [o.model_dump() for o in q.options] or None, "feeds": page.feeds,
                "condition": condition_words(q, interview) if q.when else None, "ask": q.ask,
            })
    return rows


# --- conditions in words ---------------------------------------------------------------


def condition_words(q: Question, interview: Interview) -> str:
    """A question's `when` as a sentence a client can follow: `agreement.term_by` becomes
    "Only if length given: as an end date"; `'mediation' in disputes.steps` becomes "Only if
    the ladder includes mediation". Names are the questions' labels and values their options'."""
    from jinja2 import nodes

    from .expressions import bare, environment

    try:
        template = environment().parse("{{ " + bare(q.when or "") + " }}")
        expression = template.body[0].nodes[0]  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an expression lint reports; here it reads as written
        return f"Only if {q.when}"
    group = q.parent_id

    def question(node: Any) -> Question | None:
        path = _dotted(node)
        if path is None:
            return None
        if path.startswith("item.") and group:
            path = f"{group}[]." + path[5:]
        try:
            return interview.question(path)
        except KeyError:
            return None

    def value_words(about: Question | None, value: Any) -> str:
        if about is not None:
            for option in about.options:
                if option.value == value:
                    return option.label
        return "yes" if value is True else "no" if value is False else str(value)

    def mapped(node: Any) -> tuple[Question | None, str, list[str]] | None:
        """`parties | map(attribute='kind') | list`: the group's question for that attribute, the
        group's word for one entry ("party") and the filters applied after the map."""
        after: list[str] = []
        while isinstance(node, nodes.Filter):
            if node.name == "map":
                attribute = next((kw.value.value for kw in node.kwargs
                                  if kw.key == "attribute" and isinstance(kw.value, nodes.Const)), None)
                base = _dotted(node.node)
                if attribute is None or base is None:
                    return None
                try:
                    about: Question | None = interview.question(f"{base}[].{attribute}")
                except KeyError:
                    about = None
                try:
                    noun = interview.question(base).item or base
                except KeyError:
                    noun = base
                return about, str(noun).lower(), after
            after.append(str(node.name))
            node = node.node
        return None

    def words(node: Any, negate: bool = False) -> str:
        if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in ("in", "notin") \
                and isinstance(node.expr, nodes.Const) and (found := mapped(node.ops[0].expr)) is not None:
            about, noun, _ = found
            inside = (node.ops[0].op == "in") != negate
            label = about.label if about is not None else "it"
            return f"{'a' if inside else 'no'} {noun}'s {label}: {value_words(about, node.expr.value)}"
        if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in ("gt", "ge") \
                and isinstance(node.expr, nodes.Filter) and node.expr.name == "length" \
                and isinstance(node.ops[0].expr, nodes.Const) and (found := mapped(node.expr.node)) is not None:
            about, noun, _ = found
            least = int(node.ops[0].expr.value) + (1 if node.ops[0].op == "gt" else 0)
            label = about.label if about is not None else "value"
            counted = f"more than {_NUMBERS.get(least - 1, str(least - 1))}" if least > 1 else "at least one"
            return f"the {noun} entries give {'not ' if negate else ''}{counted} {label}"
        if isinstance(node, nodes.Not):
            return words(node.node, not negate)
        if isinstance(node, (nodes.And, nodes.Or)):
            joint = ("or" if isinstance(node, nodes.And) else "and") if negate else ("and" if isinstance(node, nodes.And) else "or")
            def part(child: Any) -> str:  # "a and (b or c)": a mixed condition keeps its grouping
                mixed = isinstance(child, (nodes.And, nodes.Or)) and type(child) is not type(node)
                return f"({words(child, negate)})" if mixed else words(child, negate)

            return f"{part(node.left)} {joint} {part(node.right)}"
        if isinstance(node, nodes.Test) and node.name in ("number", "string", "defined", "mapping"):
            about = question(node.node)
            return f"{_label(about, node.node)} is {'not ' if negate else ''}given"
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            op, right = node.ops[0].op, node.ops[0].expr
            if op in ("eq", "ne"):
                about = question(node.expr)
                same = (op == "eq") != negate
                return f"{_label(about, node.expr)}: {'' if same else 'not '}{value_words(about, _constant(right))}"
            if op in ("in", "notin") and isinstance(node.expr, nodes.Const) and isinstance(node.expr.value, str):
                about = question(right)
                inside = (op == "in") != negate
                return f"{_label(about, right)} {'includes' if inside else 'leaves out'} {value_words(about, node.expr.value)}"
            if op in ("in", "notin") and isinstance(right, (nodes.List, nodes.Tuple)):
                about = question(node.expr)
                inside = (op == "in") != negate
                choices = [value_words(about, _constant(item)) for item in right.items]
                listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else "".join(choices)
                return f"{_label(about, node.expr)}: {'' if inside else 'not '}{listed}"
        about = question(node)
        if about is not None and about.type == QuestionType.yes_no:
            return f"{about.label}: {'no' if negate else 'yes'}"
        if about is not None and about.type == QuestionType.select and any(o.value is True for o in about.options):
            return f"{about.label}: {value_words(about, not negate)}"
        return f"{_label(about, node)} is {'not ' if negate else ''}given"

    return "Only if " + words(expression)


def _dotted(node: Any) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return f"{inner}.{node.attr}" if inner else None
    return None


_NUMBERS = {1: "one", 2: "two", 3: "three"}


def _label(about: Question | None, node: Any) -> str:
    if about is not None:
        return about.label
    path = _dotted(node) or "it"
    return path.rsplit(".", 1)[-1].replace("_", " ")


def _constant(node: Any) -> Any:
    from jinja2 import nodes

    return node.value if isinstance(node, nodes.Const) else _dotted(node)


# --- the checklist ------------------------------------------------------------------------


class _Filled:
    """Stand-in answers that let prompts read on paper: `Who signs for {{ item.short_name }}?`
    becomes `Who signs for Party 2?`."""

    def __init__(self, parties: int):
        self.parties = [{"key": f"party{n}", "name": f"Party {n}", "short_name": f"Party {n}"} for n in range(1, parties + 1)]

    def context(self, group: str | None, index: int, party: dict[str, Any] | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if group == "parties" and index < len(self.parties):
            item = dict(self.parties[index])
        elif group and index < len(self.parties):
            item = {"party": self.parties[index]["key"], "title": f"Objective {index + 1}"}
        return {"parties": self.parties, "item": item, "index": index, "items": [], "previous": {},
                "party": party or {"short_name": "each party", "name": "each party"},
                "governance": {"body": "Joint Steering Committee"}, "quick": False, "today": "", "revising": {}}


def _prompt(q: Question, filled: _Filled, group: str | None, index: int) -> str:
    from .expressions import ExpressionError, render_value

    try:
        text = str(render_value(q.prompt, filled.context(group, index), q.id) or "")
    except ExpressionError:
        text = re.sub(r"\{\{.*?\}\}", "…", q.prompt)
    return text[:1].upper() + text[1:]


def _answer_box(q: Question, lines: int | None = None) -> Table:
    what = _ANSWER_WORDS.get(q.type)
    header = (Cell((Text("Your answer" + (f": {what}" if what else ""), strong=True),)),)
    rows = lines or _LINES.get(q.type, 1)
    return Table(header=header, rows=tuple((Cell((Text(BLANK),)),) for _ in range(rows)))


def _proposed(q: Question) -> str:
    """A fixed default as the interview proposes it (worked-out ones depend on the answers)."""
    default = q.default
    if default is None or default == "" or default == [] or (isinstance(default, str) and "{" in default):
        return ""
    labels = {o.value: o.label for o in q.options}
    if isinstance(default, list):
        return ", ".join(str(labels.get(v, v)) for v in default)
    if q.type == QuestionType.yes_no:
        return "yes" if default else "no"
    return str(labels.get(default, default))


def _question_blocks(q: Question, interview: Interview, filled: _Filled) -> list[Block]:
    notes = []
    if not q.required and q.type != QuestionType.list:
        notes.append("Optional.")
    if q.when:
        notes.append(condition_words(q, interview) + ".")
    proposed = _proposed(q)
    if proposed:
        notes.append(f"Proposed: {proposed}.")
    blocks: list[Block] = []
    if notes:
        blocks.append(Paragraph((Text(" ".join(notes), emph=True),)))
    if q.help:
        blocks.append(Paragraph((Text(q.help),)))
    choices: list[tuple[str, str]] = []
    if q.type in (QuestionType.select, QuestionType.multi_select, QuestionType.ordered):
        choices = [(o.label, o.help) for o in q.options]
        if q.type == QuestionType.select and (not q.required and q.none_label):
            choices.insert(0, (q.none_label, ""))
    elif q.type in (QuestionType.party, QuestionType.parties):
        choices = [(p["name"], "") for p in filled.parties]
        if q.none_label:
            choices.insert(0, (q.none_label, ""))
    elif q.type == QuestionType.yes_no:
        blocks.append(Paragraph((Text(f"{BOX} Yes\u2003\u2003{BOX} No"),)))
    if choices:
        how = {QuestionType.select: "Tick one:", QuestionType.party: "Tick one:", QuestionType.ordered:
               "Number the ones that apply, in their order:"}.get(q.type, "Tick any that apply:")
        blocks.append(Paragraph((Text(how, emph=True),), keep_with_next=True))
        mark = "___" if q.type == QuestionType.ordered else BOX
        for label, help_text in choices:
            runs: tuple[Inline, ...] = (Text(f"{mark} "), Text(label, strong=True))
            if help_text:
                runs += (Text(f": {help_text}"),)
            blocks.append(Paragraph(runs))
    if q.type not in (QuestionType.select, QuestionType.multi_select, QuestionType.ordered, QuestionType.party,
                      QuestionType.parties, QuestionType.yes_no):
        if q.each == "party":
            what = _ANSWER_WORDS.get(q.type)
            header = (Cell((Text("Party", strong=True),)), Cell((Text("Answer" + (f": {what}" if what else ""), strong=True),)))
            blocks.append(Table(header=header, rows=tuple((Cell((Text(p["name"]),)), Cell((Text(BLANK),))) for p in filled.parties)))
        else:
            blocks.append(_answer_box(q))
    return blocks


def _entries(q: Question, filled: _Filled, objectives: int) -> int:
    """How many copies of a repeating group the checklist has room for."""
    if q.id == "parties":
        return len(filled.parties)
    if q.id == "objectives":
        return objectives
    if q.count:
        from .expressions import ExpressionError, evaluate

        try:
            return max(int(evaluate(q.count, filled.context(None, 0), q.id) or 0), int(q.min or 0), 1)
        except (ExpressionError, TypeError, ValueError):
            pass
    return max(int(q.min or 0), 1)


def checklist_document(interview: Interview, *, parties: int = 2, objectives: int = 2) -> Document:
    """The checklist as a document: a section a page, a numbered question a clause, each with
    its help, its choices to tick or a box to write in, and when it applies; a party's
    and an objective's questions repeated for as many as the checklist is made for."""
    filled = _Filled(max(parties, 2))
    sections: list[Section] = []
    for number, page in enumerate(interview.pages, 1):
        clauses: list[Clause] = []
        if page.why:
            clauses.append(Clause(id=f"{page.id}.why", title="", blocks=[Paragraph((Text(page.why, emph=True),))]))
        for q in page.questions:
            clauses.extend(_page_question(q, page, interview, filled, objectives, number, clauses))
        if any(c.title for c in clauses):
            sections.append(Section(id=page.id, title=page.title, kind="clauses", clauses=clauses, number=str(number)))
    for position, section in enumerate(sections, 1):  # pages with nothing to ask are left out: number what is left
        section.number = str(position)
        count = 0
        for clause in section.clauses:
            if clause.title:
                count += 1
                clause.number = f"{position}.{count}"
    count_words = f"{len(filled.parties)} parties and {objectives} objective{'s' if objectives != 1 else ''}"
    metadata = Metadata(title="Partnership MOU: what we will ask you", subject="A checklist of the questions agreementkit asks",
                        author="agreementkit", keywords="checklist, memorandum of understanding", created="2000-01-01",
                        answers_sha256="", clauses=())
    return Document(
        title="Partnership MOU: what we will ask you",
        subtitle=("Gather these answers before we meet: write each in the box under its question, or tick the choices. "
                  "Questions marked optional can be left open; for the others, a rough answer is a good start."),
        reference=None,
        parties_line=f"Made for {count_words}.",
        sections=sections,
        metadata=metadata,
    )


def _page_question(q: Question, page: Page, interview: Interview, filled: _Filled, objectives: int, number: int,
                   earlier: list[Clause]) -> list[Clause]:
    if q.removed or not q.checklist or q.ask == "never":
        return []
    if q.type != QuestionType.group:
        return [Clause(id=q.id, title=_prompt(q, filled, None, 0), blocks=_question_blocks(q, interview, filled))]
    copies = _entries(q, filled, objectives)
    noun = q.item or "entry"
    out: list[Clause] = []
    size = f"at least {q.min:g}" if q.min else "as many as needed"
    intro: list[Block] = [Paragraph((Text(f"{q.label[:1].upper()}{q.label[1:]}: {size}. ", strong=True), Text(q.help or "")))]
    if q.max is None or copies < q.max:
        intro.append(Paragraph((Text(f"This checklist has room for {copies}; add more the same way if you need them.", emph=True),)))
    out.append(Clause(id=f"{q.id}.intro", title="", blocks=intro))
    for index in range(copies):
        entry = f"{noun[:1].upper()}{noun[1:]} {index + 1}"
        if noun == "role" and index < len(filled.parties) or noun == "resource" and index < len(filled.parties):
            entry += f" ({filled.parties[index]['name']})"
        for child in q.children:
            if child.removed or not child.checklist or child.ask == "never":
                continue
            title = _prompt(child, filled, q.id, index)
            if entry.split(" (")[0] not in title and filled.parties[min(index, len(filled.parties) - 1)]["name"] not in title:
                # "Party 2: registration number"; an acronym keeps its capitals ("Objective 1: KPI").
                title = f"{entry}: {title[:1].lower() if title[1:2].islower() else title[:1]}{title[1:]}"
            out.append(Clause(id=f"{child.id}.{index}", title=title, blocks=_question_blocks(child, interview, filled)))
    return out
