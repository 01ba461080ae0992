"""Lint's rules for one clause: every name, attribute, filter, reference and variant in its template.

The clause's Jinja2 tree is walked with the names in scope and their types,
so every branch is checked, not only those an example reaches.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from pydantic import BaseModel

from ...answers import Answers
from ...library import ClauseFile, ClauseLibrary
from .findings import LintFinding, Severity
from .walker import CONTEXT, Function, Unknown, attribute, element_of, strip

_OBLIGATION = re.compile(r"[^.:;\n]*\b(shall|must)\b[^.:;\n]*[.:;]?", re.IGNORECASE)
_BINDING_BLOCK = re.compile(r"^:::\s*binding\s*$.*?^:::\s*$", re.MULTILINE | re.DOTALL)
_VARIANT_BLOCK = re.compile(r"^:::\s*(binding|non_binding)\s*$", re.MULTILINE)
_SAME_ELEMENTS = {"selectattr", "rejectattr", "select", "reject", "sort", "list", "unique", "reverse", "first", "last"}


class _ClauseLinter:
    """Walks one template's tree with the names in scope and their types."""

    def __init__(self, clause: ClauseFile, library: ClauseLibrary, filters: set[str], tests: set[str],
                 first_line: int, out: list[LintFinding], extra: set[str], used_extra: set[str] | None = None,
                 prints: bool = True):
        self.prints = prints  # False for a condition: its value is tested, never printed
        self.extra = extra
        self.used_extra = used_extra if used_extra is not None else set()
        self.clause = clause
        self.library = library
        self.filters = filters
        self.tests = tests
        self.first_line = first_line
        self.out = out
        self.roots: dict[str, Any] = {**{name: info.annotation for name, info in Answers.model_fields.items()}, **CONTEXT}
        self.derived: dict[str, set[str]] = {}  # `{% set reserved = governance.reserved_matters … %}`: what a local stands for
        # Where a name's value sits in the answers, in question-id notation (`p` in `for p in parties` is `parties[]`),
        # so lint can tell answers a clause reads that no question asks.
        self.paths: dict[str, str] = {name: name for name in Answers.model_fields if name != "extra"}
        self.used_paths: dict[str, int] = {}
        self.texts: list[tuple[str, list[nodes.Node], int]] = []  # the clause's own words, with the tests around them

    def add(self, rule: str, severity: Severity, line: int | None, message: str, suggestion: str) -> None:
        file_line = self.first_line + line - 1 if line else None
        self.out.append(LintFinding(rule, severity, str(self.clause.source), file_line, self.clause.meta.id, message, suggestion))

    # -- the walk ------------------------------------------------------------------------

    def run(self, tree: nodes.Node) -> None:
        self.walk(tree, dict(self.roots), [])

    def walk(self, node: nodes.Node, scope: dict[str, Any], guards: list[nodes.Node]) -> None:
        if isinstance(node, nodes.For):
            self.walk(node.iter, scope, guards)
            inner = dict(scope)
            element = self.type_of(node.iter, scope)
            source = self.path_of(node.iter, scope)
            for target in _names(node.target):
                inner[target.name] = element_of(element) if isinstance(node.target, nodes.Name) else Any
                if source and isinstance(node.target, nodes.Name):
                    self.paths[target.name] = source + "[]"
                else:
                    self.paths.pop(target.name, None)
            for child in (*node.body, *node.else_):
                self.walk(child, inner, guards)
            if node.test is not None:
                self.walk(node.test, inner, guards)
            return
        if isinstance(node, nodes.If):
            self.walk(node.test, scope, guards)
            for child in node.body:
                self.walk(child, scope, [*guards, node.test])
            for elif_ in node.elif_:
                self.walk(elif_, scope, guards)
            for child in node.else_:
                self.walk(child, scope, guards)
            return
        if isinstance(node, nodes.CondExpr):
            self.walk(node.test, scope, guards)
            self.walk(node.expr1, scope, [*guards, node.test])
            if node.expr2 is not None:
                self.walk(node.expr2, scope, guards)
            return
        if isinstance(node, nodes.Assign):
            self.walk(node.node, scope, guards)
            for target in _names(node.target):
                scope[target.name] = self.type_of(node.node, scope) if isinstance(node.target, nodes.Name) else Any
                self.derived[target.name] = {_dotted(n) for n in [node.node, *node.node.find_all((nodes.Getattr, nodes.Name))]}
            return
        if isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.walk(child, scope, guards)
            for target in _names(node.target):
                scope[target.name] = str
            return
        if isinstance(node, nodes.Macro):
            inner = {**scope, node.name: Any, **{a.name: Any for a in node.args}}
            scope[node.name] = Any
            for child in node.body:
                self.walk(child, inner, guards)
            return
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            tag = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
                   nodes.Extends: "extends"}[type(node)]
            self.add("template-loading", "error", node.lineno, f"{{% {tag} %}} can never render: clauses are rendered on their "
                     "own, with no templates to load", "write the text in the clause itself, or a {% macro %} in it")
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if self.prints and not isinstance(child, nodes.TemplateData):
                    self.printed(child, scope)
                self.walk(child, scope, guards)
            return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            self.name(node, scope)
            return
        if isinstance(node, nodes.TemplateData):
            self.texts.append((node.data, guards, node.lineno))
            return
        if isinstance(node, nodes.Getattr):
            self.type_of(node, scope)
            if not isinstance(node.node, (nodes.Name, nodes.Getattr)):
                self.walk(node.node, scope, guards)
            return
        if isinstance(node, nodes.Filter):
            if node.name not in self.filters:
                self.unknown(node.lineno, "filter", node.name, self.filters)
        if isinstance(node, nodes.Test):
            if node.name not in self.tests:
                self.unknown(node.lineno, "test", node.name, self.tests)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in ("ref", "refs", "included"):
            self.reference(node, guards)
        for child in node.iter_child_nodes():
            self.walk(child, scope, guards)

    def name(self, node: nodes.Name, scope: dict[str, Any]) -> None:
        if node.name not in scope:
            hint = difflib.get_close_matches(node.name, list(scope), n=1)
            self.add("undefined-name", "error", node.lineno, f"'{node.name}' is not an answer or a name clauses can use",
                     f"did you mean '{hint[0]}'?" if hint else "check the spelling against `agreementkit schema`")

    def printed(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        """`{{ costs.shares }}` prints a dict's repr, `{{ label }}` a function's: render refuses both."""
        tp = strip(self.quiet_type(node, scope))
        origin = typing.get_origin(tp) or tp
        what = ""
        if tp is Function:
            what, instead = f"the function '{_shown(node)}' itself", f"call it: {_shown(node)}(…)"
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = list(tp.model_fields)
            what = f"a whole {tp.__name__.lower()} record"
            instead = f"print one of its fields: {', '.join(f'{_shown(node)}.{f}' for f in fields[:3])}"
        elif origin in (dict, typing.Mapping) or (isinstance(origin, type) and issubclass(origin, dict)):
            what, instead = "a dict", "print one of its values"
        elif origin in (list, tuple) or (isinstance(origin, type) and issubclass(origin, (list, tuple))):
            what, instead = "a list", f"print its items with {_shown(node)} | and_list, or one of them"
        if what:
            self.add("prints-object", "error", node.lineno, f"{{{{ {_shown(node)} }}}} prints {what}, not wording", instead)

    def quiet_type(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The type of a name or attribute chain, without reporting anything (Any where it cannot tell)."""
        if isinstance(node, nodes.Name):
            return scope.get(node.name, Any)
        if isinstance(node, nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name == "extra":
                return Any
            try:
                return attribute(self.quiet_type(node.node, scope), node.attr)
            except Unknown:
                return Any
        if isinstance(node, nodes.Getitem):
            base = strip(self.quiet_type(node.node, scope))
            if typing.get_origin(base) is dict and len(typing.get_args(base)) == 2:
                return typing.get_args(base)[1]
            return element_of(base)
        return Any

    def type_of(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The type of an expression, reporting a name or attribute that does not exist."""
        if isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name not in scope:
                self.name(node, scope)
                return Any
            return scope.get(node.name, Any)
        if isinstance(node, nodes.Getattr):
            base = self.type_of(node.node, scope)
            if isinstance(node.node, nodes.Name) and node.node.name == "extra" and scope.get("extra") is self.roots["extra"]:
                self.used_extra.add(node.attr)
                if node.attr not in self.extra:
                    hint = difflib.get_close_matches(node.attr, sorted(self.extra), n=1)
                    self.add("undeclared-extra", "error", node.lineno, f"'extra.{node.attr}' is asked by no question of the loaded layers",
                             f"did you mean 'extra.{hint[0]}'?" if hint else
                             f"declare it in a question file: - id: extra.{node.attr}")
                return Any
            try:
                found = attribute(base, node.attr)
            except Unknown as exc:
                known = exc.args[0]
                hint = difflib.get_close_matches(node.attr, known, n=1)
                where = _dotted(node.node)
                self.add("unknown-attribute", "error", node.lineno, f"'{where}' has no '{node.attr}'",
                         f"did you mean '{hint[0]}'?" if hint else (f"it has: {', '.join(known)}" if known else "check the answers format"))
                return Any
            stripped = strip(base)
            if isinstance(stripped, type) and issubclass(stripped, BaseModel) and node.attr in stripped.model_fields:
                path = self.path_of(node, scope)
                if path:
                    self.used_paths.setdefault(path, node.lineno)
            return found
        if isinstance(node, nodes.Filter) and node.node is not None:
            self.walk(node, scope, [])
            return Any
        for child in node.iter_child_nodes():
            self.walk(child, scope, [])
        return Any

    def path_of(self, node: nodes.Node, scope: dict[str, Any]) -> str | None:
        """`parties[].signatory.name` for `p.signatory.name` inside `for p in parties`; None off the answers."""
        if isinstance(node, nodes.Name):
            root = self.roots.get(node.name)
            if node.name in self.paths and (root is None or scope.get(node.name) is root):
                return self.paths[node.name]
            return None
        if isinstance(node, nodes.Getattr):
            base = self.path_of(node.node, scope)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, nodes.Filter) and node.node is not None and node.name in _SAME_ELEMENTS:
            return self.path_of(node.node, scope)
        return None

    def unknown(self, line: int, kind: str, name: str, known: set[str]) -> None:
        hint = difflib.get_close_matches(name, sorted(known), n=1)
        self.add(f"unknown-{kind}", "error", line, f"unknown {kind} '{name}'",
                 f"did you mean '{hint[0]}'?" if hint else f"the {kind}s are listed in the README")

    def reference(self, call: nodes.Call, guards: list[nodes.Node]) -> None:
        targets: list[str] = []
        for arg in call.args:
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                targets.append(arg.value)
            elif isinstance(arg, nodes.List):
                targets += [i.value for i in arg.items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
        function = call.node.name  # type: ignore[attr-defined]
        for target in targets:
            clause = self.library.clauses.get(target)
            if clause is None or not clause.meta.enabled:
                hint = difflib.get_close_matches(target, list(self.library.clauses), n=1)
                self.add("unknown-reference", "error", call.lineno, f"{function}('{target}'): no such clause",
                         f"did you mean '{hint[0]}'?" if hint else "see `agreementkit clauses list`")
            elif function != "included" and clause.meta.condition and clause.meta.condition != self.clause.meta.condition \
                    and not guarded(target, clause.meta.condition, guards, self.derived):
                self.add("conditional-reference", "warning", call.lineno,
                         f"refers to '{target}', which appears only when {clause.meta.condition}, from a clause that can "
                         "appear without it", f"guard it: {{% if included('{target}') %}}…{{% endif %}}")


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a `for` or `set` target binds: itself, or those of its tuple."""
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def guarded(target: str, condition: str, guards: list[nodes.Node], derived: dict[str, set[str]]) -> bool:
    """Whether an enclosing test names the clause (`included('x')`) or its condition's first answer."""
    first = re.findall(r"[a-z_]+(?:\.[a-z_]+)*", condition)
    for guard in guards:
        for call in [guard, *guard.find_all(nodes.Call)]:
            if not isinstance(call, nodes.Call):
                continue
            if isinstance(call.node, nodes.Name) and call.node.name == "included" and any(
                    isinstance(a, nodes.Const) and a.value == target for a in call.args):
                return True
        dotted = {_dotted(n) for n in [guard, *guard.find_all((nodes.Getattr, nodes.Name))]}
        dotted |= {source for name in list(dotted) for source in derived.get(name, ())}
        if first and first[0] in dotted:
            return True
    return False


def _shown(node: nodes.Node) -> str:
    """An expression as a clause author wrote it, for a message: `parties[0].signatory`."""
    if isinstance(node, nodes.Getattr):
        return f"{_shown(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_shown(node.node)}[{node.arg.value!r}]"
    return _dotted(node)


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"


@dataclass
class Collected:
    """What the walk of every clause gathers for the library-wide rules."""

    used_paths: dict[str, dict[str, tuple[ClauseFile, int]]] = field(default_factory=dict)  # path: clause id: (clause, line)
    texts: dict[str, list[tuple[str, list[nodes.Node], int]]] = field(default_factory=dict)  # clause id: words, tests, line
    derived: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # clause id: its `set` locals


def lint_clause(clause: ClauseFile, library: ClauseLibrary, filters: set[str], tests: set[str],
                 extra: set[str], used_extra: set[str], collected: Collected | None = None) -> Iterator[LintFinding]:
    from ...assembly import _environment

    env = _environment()
    found: list[LintFinding] = []
    sources = [(clause.body, clause.body_line)]
    if clause.meta.condition:
        sources.append(("{{ " + clause.meta.condition + " }}", clause.line_of("condition")))
    if "{" in clause.meta.title:
        sources.append((clause.meta.title, clause.line_of("title")))
    for text, first_line in sources:
        try:
            tree = env.parse(text)
        except TemplateSyntaxError as exc:
            found.append(LintFinding("syntax", "error", str(clause.source), first_line + (exc.lineno or 1) - 1,
                                     clause.meta.id, f"not valid Jinja2: {exc.message}", "fix the template syntax"))
            continue
        linter = _ClauseLinter(clause, library, filters, tests, first_line, found, extra, used_extra,
                               prints=text is clause.body or text is clause.meta.title)
        linter.run(tree)
        if collected is not None:
            for path, line in linter.used_paths.items():
                collected.used_paths.setdefault(path, {}).setdefault(clause.meta.id, (clause, first_line + line - 1))
            if text is clause.body:
                collected.texts[clause.meta.id] = [(words, tests_, first_line + line - 1) for words, tests_, line in linter.texts]
                collected.derived[clause.meta.id] = linter.derived
    # Variants declared and written.
    blocks = set(_VARIANT_BLOCK.findall(clause.body))
    declared = set(clause.meta.variants)
    for variant in sorted(declared - blocks):
        found.append(LintFinding("variant-missing", "error", str(clause.source), clause.body_line, clause.meta.id,
                                 f"declares the {variant} variant but has no '::: {variant}' block",
                                 f"add the block, or remove {variant} from variants"))
    for variant in sorted(blocks - declared):
        found.append(LintFinding("variant-undeclared", "error", str(clause.source), clause.body_line, clause.meta.id,
                                 f"has a '::: {variant}' block but does not declare the variant",
                                 f"add variants: [{', '.join(sorted(blocks))}] to the front matter"))
    # Markdown the writers refuse or drop.
    from ...markup import unsupported

    for line, message, fatal in unsupported(clause.body, {"signatures"}):
        found.append(LintFinding("unsupported-markdown", "error" if fatal else "warning", str(clause.source), clause.body_line + line - 1,
                                 clause.meta.id, message, "write it as paragraphs, a (a), (b) list or a table"))
    # Obligation words where an MOU speaks of intentions.
    if not clause.meta.binds:
        outside = _BINDING_BLOCK.sub("", clause.body)
        outside = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", outside, flags=re.DOTALL)
        for match in _OBLIGATION.finditer(outside):
            line = clause.body_line + clause.body[: clause.body.find(match.group(0).strip()[:40])].count("\n")
            found.append(LintFinding("obligation-in-mou", "advice", str(clause.source), line, clause.meta.id,
                                     f"'{match.group(1)}' in a clause that does not bind: \"{match.group(0).strip()}\"",
                                     "write {{ shall }} (\"will\" in an MOU), or mark the clause binds: true"))
    return iter(found)
