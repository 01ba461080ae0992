"""The review screen's summary: every answer, page by page, in the words the person chose.

Built from the interview spec, so a question a library layer adds appears
here as it does in the interview, and a select shows its option's label,
never the stored code.
"""

from __future__ import annotations

import re
from typing import Any

from ..questions.spec import Interview, Page, Question
from ..questions.types import QuestionType
from .engine import InterviewRun, value_at


def _value(run: InterviewRun, q: Question, data: dict[str, Any]) -> str | None:
    value = value_at(data, q.field_path)[1]
    if value is None or value == [] or value == {}:
        return None
    if q.each == "party" and isinstance(value, dict):
        names = {p.get("key"): p.get("short_name") or p.get("name") for p in run.data.get("parties") or []}
        shown = {QuestionType.percent: "{}%"}.get(q.type, "{}")
        return ", ".join(f"{names.get(k, k)} {shown.format(v)}" for k, v in value.items())
    return run.describe(q, value)


def page_rows(run: InterviewRun, page: Page) -> list[tuple[str, str]]:
    """Label and value rows for one page."""
    rows: list[tuple[str, str]] = []
    for q in page.questions:
        if not q.store:
            continue
        if q.type == QuestionType.group:
            items = value_at(run.data, q.field_path)[1]
            for index, item in enumerate(items or []):
                parts = [f"{child.label}: {shown}" for child in q.children
                         if child.store and (shown := _value(run, child, item)) is not None]
                rows.append((f"{q.item or 'entry'} {index + 1}", "; ".join(parts)))
            if not items:
                rows.append((q.label, "none"))
        else:
            shown = _value(run, q, run.answers())
            if shown is not None:
                rows.append((q.label, shown))
    return rows


def page_of(interview: Interview, question: str | None, path: str) -> str:
    """The page where a finding or problem is fixed: the page of the question its rule names
    (`where.question`), else the page whose questions fill the answers at its path."""
    if question:
        for page in interview.pages:
            if any(q.id == question for top in page.questions for q in top.walk()):
                return page.id
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    for page in interview.pages:
        if any(q.field_path[0] == top for q in page.questions):
            return page.id
    return interview.pages[0].id


def to_complete(document: Any) -> list[str]:
    """The draft's placeholders, as `check` lists them under "to complete before signing":
    what the answers still need before signing, shown at the review beside (not among) the findings."""
    from ..assembly.placeholders import find_placeholders

    return [f"{p.text} in {p.where}: {p.context}" for p in find_placeholders(document)]
