"""Comparing an answer with a choice it cannot have: `extra.funding == 'grants'` where the options
are grant and own_budget is always false, so the clause, question or rule it guards never applies.

Used on clause bodies, conditions and titles, on question expressions and on
rule expressions: each comparison of an answer with a text (`==`, `!=`,
`in [...]`, `'x' in answer`) is checked against the answer's choices, the
options of its question or the values of the answers format.
"""

from __future__ import annotations

import difflib
import enum
import typing
from collections.abc import Iterator
from typing import Any

from jinja2 import nodes

from .walker import Unknown, attribute, element_of, strip

Resolve = Any  # (chain of names) -> list of allowed values, or None when the answer is free


def _chain(node: nodes.Node) -> list[str] | None:
    """`governance.decision_rule.value` -> ["governance", "decision_rule", "value"]; `x | map(attribute='value') | list`
    reads as x."""
    while isinstance(node, nodes.Filter) and node.name in ("list", "map") and node.node is not None:
        if node.name == "map" and not any(k.key == "attribute" and isinstance(k.value, nodes.Const) and k.value.value == "value"
                                          for k in node.kwargs):
            return None
        node = node.node
    names: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            names.insert(0, node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            names.insert(0, node.arg.value)
        else:
            names.insert(0, "[]")
        node = node.node
    if not isinstance(node, nodes.Name) or node.ctx != "load":
        return None
    return [node.name, *names]


def _texts(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)) and node.items and all(
            isinstance(i, nodes.Const) and isinstance(i.value, str) for i in node.items):
        return [i.value for i in node.items]  # type: ignore[attr-defined]
    return None


def comparisons(tree: nodes.Node, resolve: Resolve) -> Iterator[tuple[int, str, str]]:
    """(line, message, suggestion) for every comparison with a value the answer cannot have."""
    for compare in tree.find_all(nodes.Compare):
        left = compare.expr
        for operand in compare.ops:
            right = operand.expr
            pairs: list[tuple[nodes.Node, nodes.Node]] = []
            if operand.op in ("eq", "ne"):
                pairs = [(left, right), (right, left)]
            elif operand.op in ("in", "notin"):
                pairs = [(left, right)] if _texts(right) else [(right, left)]
            for subject, other in pairs:
                chain = _chain(subject)
                texts = _texts(other)
                if chain is None or texts is None:
                    continue
                allowed = resolve(chain)
                if not allowed:
                    continue
                for text in texts:
                    if text not in allowed:
                        hint = difflib.get_close_matches(text, [str(a) for a in allowed], n=1)
                        name = ".".join(p for p in chain if p not in ("value", "[]"))
                        yield (compare.lineno, f"compares {name} with '{text}', which is not one of its choices "
                                               f"({', '.join(map(str, allowed))})",
                               f"did you mean '{hint[0]}'?" if hint else "use one of its choices")
            left = right


def choices_of(tp: Any) -> list[str] | None:
    """The values an answer of this type can have: an enum's, a Literal's; of a list, its items'."""
    tp = strip(tp)
    if typing.get_origin(tp) in (list, tuple, set):
        tp = strip(element_of(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return [str(m.value) for m in tp]
    if typing.get_origin(tp) is typing.Literal:
        return [str(a) for a in typing.get_args(tp) if a is not None]
    return None


def resolver(interview: Any, aliases: dict[str, list[str]] | None = None) -> Resolve:
    """How names read in an expression map to choices: a question's options first (`extra.funding`,
    `agreement.term_by`), then the answers format's types. `aliases` name loop items (`item` -> objectives[])."""
    from ...answers import Answers

    options: dict[str, list[str]] = {}
    for q in interview.questions() if interview is not None else []:
        if q.options and not q.removed:
            options[q.id] = [str(o.value) for o in q.options if o.value is not None]

    def resolve(chain: list[str]) -> list[str] | None:
        if aliases and chain[0] in aliases:
            chain = [*aliases[chain[0]], *chain[1:]]
        names = [p for p in chain if p != "value"]
        dotted = ".".join(names).replace(".[]", "[]")
        if dotted in options:
            return options[dotted]
        if chain[0] not in Answers.model_fields:
            return None
        tp: Any = Answers.model_fields[chain[0]].annotation
        for part in chain[1:]:
            if part == "[]":
                tp = element_of(tp)
                continue
            base = strip(tp)
            if part == "value" and isinstance(base, type) and issubclass(base, enum.Enum):
                break
            try:
                tp = attribute(tp, part)
            except Unknown:
                return None
        return choices_of(tp)

    return resolve


__all__ = ["comparisons", "resolver", "choices_of"]
