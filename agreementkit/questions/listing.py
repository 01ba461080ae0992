"""The interview on paper: a table of questions for library authors, and a
checklist for clients.

Advisors send the checklist before a meeting so the client can gather the
answers (registration numbers, signatories, budgets) in advance; it is made
from the same spec the interview walks, so it never falls out of step.
"""

from __future__ import annotations

from typing import Any

from .spec import Interview, Question
from .types import QuestionType

_TYPE_WORDS = {
    QuestionType.text: "a short text", QuestionType.paragraph: "a sentence or two", QuestionType.date: "a date",
    QuestionType.email: "an email address", QuestionType.integer: "a whole number", QuestionType.number: "a number",
    QuestionType.money: "an amount of money", QuestionType.percent: "a percentage", QuestionType.yes_no: "yes or no",
    QuestionType.select: "one of", QuestionType.multi_select: "any of", QuestionType.ordered: "some of, in order",
    QuestionType.party: "one of the parties", QuestionType.parties: "some of the parties", QuestionType.list: "a list",
    QuestionType.group: "one or more entries",
}


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
            })
    return rows


def _readable(prompt: str, noun: str) -> str:
    """A prompt template made readable on paper: `Who signs for {{ item.short_name }}?`
    becomes `Who signs for this party?`."""
    import re

    def placeholder(match: re.Match[str]) -> str:
        inside = match.group(1)
        if re.fullmatch(r"\s*index\s*\+\s*1\s*", inside):
            return "N"
        if "item" in inside:
            return f"this {noun}"
        if "party" in inside:
            return "each party"
        return "…"

    text = re.sub(r"\{\{(.*?)\}\}", placeholder, prompt)
    return text[:1].upper() + text[1:]


def _question_lines(q: Question, depth: int, noun: str = "entry") -> list[str]:
    if q.removed or not q.checklist:
        return []
    pad = "  " * depth
    what = _TYPE_WORDS[q.type]
    if q.options:
        what += ": " + ", ".join(o.label for o in q.options)
    notes = [] if q.required else ["optional"]
    if q.each == "party":
        notes.append("for each party")
    if q.when:
        notes.append("if it applies")
    lines = [f"{pad}- [ ] **{_readable(q.prompt, noun)}** ({what}{'; ' + '; '.join(notes) if notes else ''})"]
    if q.help:
        lines.append(f"{pad}  {q.help}")
    for option in q.options:
        if option.help:
            lines.append(f"{pad}  - *{option.label}*: {option.help}")
    for child in q.children:
        lines.extend(_question_lines(child, depth + 1, q.item or "entry"))
    return lines


def checklist_markdown(interview: Interview) -> str:
    """Every question with its help, page by page: a blank overview of what will be asked."""
    out = ["# Partnership MOU: what we will ask you", "",
           "Gather these before we meet. Questions marked optional can be left open; "
           "for the others, a rough answer is a good start.", ""]
    for number, page in enumerate(interview.pages, 1):
        out += [f"## {number}. {page.title}", "", f"*{page.why}*", ""]
        for q in page.questions:
            if q.type == QuestionType.group:
                size = f"at least {q.min:g}" if q.min else "as many as needed"
                out.append(f"For each {q.item or 'entry'} ({size}):")
                out.append("")
                for child in q.children:
                    out.extend(_question_lines(child, 0, q.item or "entry"))
            else:
                out.extend(_question_lines(q, 0))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
