"""An `extra` answer printed where its question may not have been asked.

A question with a `when` is asked only when its condition holds, and an
optional one without a default may be left empty: either way the clause that
prints its answer would print nothing ("by ," "before ."). The print must sit
inside a condition that holds the answer: the clause's own `condition`, an
enclosing `{% if %}` or a `… if … else …` whose test contains the question's
`when` expression or tests the answer itself, or a `| default(…)`.
Render refuses such a print when the answer is missing; lint finds it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import nodes

from ...library import ClauseFile
from .findings import LintFinding


def _mentions(test: nodes.Node, targets: list[nodes.Node]) -> bool:
    """Whether a condition contains one of the targets (the question's `when`, or the answer itself)."""
    if any(test == target for target in targets):
        return True
    return any(_mentions(child, targets) for child in test.iter_child_nodes())


def _printed(expr: nodes.Node, name: str, guards: list[nodes.Node], targets: list[nodes.Node]) -> Iterator[nodes.Node]:
    """The uses of extra.<name> in a printed expression that no guard holds."""
    if any(_mentions(g, targets) for g in guards):
        return
    if isinstance(expr, nodes.Getattr) and isinstance(expr.node, nodes.Name) and expr.node.name == "extra" and expr.attr == name:
        yield expr
        return
    if isinstance(expr, nodes.Filter) and expr.name in ("default", "d"):
        return
    if isinstance(expr, nodes.CondExpr):
        yield from _printed(expr.expr1, name, [*guards, expr.test], targets)
        if expr.expr2 is not None:
            yield from _printed(expr.expr2, name, guards, targets)
        return
    if isinstance(expr, nodes.And):
        yield from _printed(expr.left, name, guards, targets)
        yield from _printed(expr.right, name, [*guards, expr.left], targets)
        return
    if isinstance(expr, (nodes.Test, nodes.Compare, nodes.Not, nodes.Or)):
        return  # a test of the answer prints true or false, never the missing answer
    for child in expr.iter_child_nodes():
        yield from _printed(child, name, guards, targets)


def _walk(node: nodes.Node, name: str, guards: list[nodes.Node], targets: list[nodes.Node]) -> Iterator[nodes.Node]:
    if isinstance(node, nodes.If):
        yield from _walk_all(node.body, name, [*guards, node.test], targets)
        for branch in node.elif_:
            yield from _walk(branch, name, guards, targets)
        yield from _walk_all(node.else_, name, guards, targets)
        return
    if isinstance(node, nodes.Output):
        for expr in node.nodes:
            if not isinstance(expr, nodes.TemplateData):
                yield from _printed(expr, name, guards, targets)
        return
    for child in node.iter_child_nodes():
        yield from _walk(child, name, guards, targets)


def _walk_all(body: list[nodes.Node], name: str, guards: list[nodes.Node], targets: list[nodes.Node]) -> Iterator[nodes.Node]:
    for node in body:
        yield from _walk(node, name, guards, targets)


def may_be_missing(interview: Any) -> dict[str, Any]:
    """The `extra` questions whose answer can be missing: asked only under a `when`, or optional with no default."""
    out = {}
    for q in interview.extra_questions():
        if q.removed or q.parent_id is not None:
            continue
        if q.when or (not q.required and q.default is None):
            out[q.relative.removeprefix("extra.")] = q
    return out


def unguarded_findings(clauses: list[ClauseFile], interview: Any) -> Iterator[LintFinding]:
    from jinja2.exceptions import TemplateSyntaxError

    from ...assembly import _environment

    env = _environment()
    questions = may_be_missing(interview)
    if not questions:
        return
    for clause in clauses:
        if "extra." not in clause.body:
            continue
        try:
            tree = env.parse(clause.body)
            condition = env.parse("{{ " + clause.meta.condition + " }}").body[0].nodes[0] if clause.meta.condition else None  # type: ignore[attr-defined]
        except (TemplateSyntaxError, AttributeError, IndexError):
            continue  # reported as syntax
        for name, question in questions.items():
            answer = nodes.Getattr(nodes.Name("extra", "load"), name, "load")
            targets: list[nodes.Node] = [answer]
            if question.when:
                try:
                    targets.append(env.parse("{{ " + question.when + " }}").body[0].nodes[0])  # type: ignore[attr-defined]
                except (TemplateSyntaxError, AttributeError, IndexError):
                    pass
            guards = [condition] if condition is not None else []
            for use in _walk_all(tree.body, name, guards, targets):
                why = f"is asked only when {question.when}" if question.when else "may be left unanswered and has no default"
                yield LintFinding("extra-unguarded", "warning", str(clause.source), clause.body_line + use.lineno - 1,
                                  clause.meta.id, f"prints extra.{name}, whose question {why}, outside a condition that "
                                  "holds it (with the answer missing, render refuses the clause)",
                                  f"wrap it in {{% if {question.when or 'extra.' + name} %}} … {{% endif %}}, or print "
                                  f"extra.{name} | default('…')")
                break  # one finding per answer and clause


__all__ = ["unguarded_findings", "may_be_missing"]
