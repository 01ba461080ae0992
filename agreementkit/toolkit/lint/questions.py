"""Lint's rules for question files: what the interview would otherwise find out only while asking.

A question file that cannot be merged (a question on a page no layer declares)
is reported like any other finding, so the clauses are still checked in the
same run. The names in a question's `when`, `count`, `default` and `validate`
expressions are resolved against the answers format and the declared `extra`
questions: `agreement.effective_dat` is found with its file and line, not at
the first render that reaches it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from ...errors import Problem
from ...questions.expressions import bare, environment
from ...questions.spec import Interview, Question
from .findings import LintFinding
from .options import comparisons, resolver
from .walker import Unknown, attribute

# Names an expression sees besides the answers (README, "Adding questions"), and Jinja2's own.
INTERVIEW_NAMES = frozenset({
    "item", "items", "index", "previous", "party", "quick", "today", "revising", "value",
    "range", "dict", "namespace", "lipsum", "cycler", "joiner", "loop", "true", "false", "none", "True", "False", "None",
})
_EXPRESSIONS = (("when", False), ("count", False), ("default", True), ("validate_", True))
_LEADING_FILE = re.compile(r"^(.+?\.ya?ml): ")


def problem_finding(problem: Problem) -> LintFinding:
    """A question-file problem (which would stop `new` and `render`) as a lint finding."""
    match = _LEADING_FILE.match(problem.message)
    file, message = (match.group(1), problem.message[match.end():]) if match else ("question files", problem.message)
    hint = re.search(r"; (did you mean '[^']+'\?)", message)
    suggestion = hint.group(1) if hint else "see `agreementkit questions schema` and the README, \"Adding questions\""
    if hint:
        message = message.replace(hint.group(0), "")
    where = f"{problem.path}: " if problem.path else ""
    return LintFinding("question-file", "error", file, problem.line, "", f"{where}{message}", suggestion)


def expression_findings(interview: Interview) -> Iterator[LintFinding]:
    """Every name in a question expression that is not an answer, a declared `extra` answer or a name
    expressions are given."""
    extra = {q.relative.removeprefix("extra.") for q in interview.extra_questions()}
    extra |= {q.id.split(".", 1)[1].split("[")[0].split(".")[0] for q in interview.questions() if q.is_extra}
    # Answers the interview holds though the answers file may not (`store: false` questions steer others).
    asked = {q.id.replace("[]", "") for q in interview.questions()}
    resolve = resolver(interview)
    for question in interview.questions():
        for key, template in _EXPRESSIONS:
            source = getattr(question, key)
            if not isinstance(source, str) or (template and "{" not in source):
                continue
            try:
                tree = environment().parse(source if template else "{{ " + bare(source) + " }}")
            except TemplateSyntaxError:
                continue  # reported when the question file is read
            local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
            file, line = question.sources.get(key, (question.layer, None))
            for message, suggestion in unknown_names(tree, extra, local, asked):
                yield _finding(question, file, line, f"{key.rstrip('_')}: {message}", suggestion)
            for _, message, suggestion in comparisons(tree, resolve):
                yield LintFinding("unknown-option", "error", file, line, question.id, f"{key.rstrip('_')}: {message}", suggestion)


def refuse_unknown_names(interview: Interview) -> None:
    """Stop an interview before it starts when a question's `when` names an answer that does not exist:
    the question would silently never be asked (lint reports the same finding)."""
    from ...errors import ClauseLibraryError

    problems = [Problem(f.clause, f"{f.file}: {f.message}" + (f"; {f.suggestion}" if f.suggestion.startswith("did you mean")
                                                                   else f" ({f.suggestion})"), f.line)
                for f in expression_findings(interview) if f.message.startswith("when: ")]
    if problems:
        raise ClauseLibraryError("question files", problems)


def _finding(question: Question, file: str, line: int | None, message: str, suggestion: str) -> LintFinding:
    return LintFinding("question-expression", "error", file, line, question.id, message, suggestion)


def unknown_names(tree: nodes.Node, extra: set[str], local: set[str], asked: set[str]) -> Iterator[tuple[str, str]]:
    from ...answers import Answers

    def chain(node: nodes.Node) -> Iterator[tuple[str, str]]:
        attrs: list[str] = []
        while isinstance(node, nodes.Getattr):
            attrs.insert(0, node.attr)
            node = node.node
        if not isinstance(node, nodes.Name):
            yield from visit(node)
            return
        if node.ctx != "load" or node.name in local or node.name in INTERVIEW_NAMES:
            return
        if node.name not in Answers.model_fields:
            hint = difflib.get_close_matches(node.name, [*Answers.model_fields, *INTERVIEW_NAMES], n=1)
            yield (f"'{node.name}' is not an answer or a name expressions can use",
                   f"did you mean '{hint[0]}'?" if hint else "the names are listed in the README, under \"Adding questions\"")
            return
        if node.name == "extra":
            if attrs and attrs[0] not in extra:
                hint = difflib.get_close_matches(attrs[0], sorted(extra), n=1)
                yield (f"'extra.{attrs[0]}' is asked by no question of the loaded layers",
                       f"did you mean 'extra.{hint[0]}'?" if hint else f"declare it: - id: extra.{attrs[0]}")
            return
        tp: Any = Answers.model_fields[node.name].annotation
        path = node.name
        for attr in attrs:
            if f"{path}.{attr}" in asked:
                return  # a question's own answer, stored or not
            try:
                tp = attribute(tp, attr)
            except Unknown as exc:
                hint = difflib.get_close_matches(attr, exc.args[0], n=1)
                yield (f"'{path}' has no '{attr}'",
                       f"did you mean '{path}.{hint[0]}'?" if hint else "check the answers format: `agreementkit schema`")
                return
            path = f"{path}.{attr}"

    def visit(node: nodes.Node) -> Iterator[tuple[str, str]]:
        if isinstance(node, (nodes.Getattr, nodes.Name)):
            yield from chain(node)
            return
        for child in node.iter_child_nodes():
            yield from visit(child)

    yield from visit(tree)


__all__ = ["expression_findings", "problem_finding", "refuse_unknown_names", "unknown_names", "INTERVIEW_NAMES"]
