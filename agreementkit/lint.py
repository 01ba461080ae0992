"""A static check of a clause library, every branch at once.

Rendering the examples only tries the branches some example reaches; a typo
inside `{% if governance.decision_rule == 'weighted' %}` waits for the first
weighted-vote deal. Lint walks each clause's Jinja2 syntax tree instead and
resolves every name and attribute against the answers model, so a mistake is
found before it reaches a client. Findings name the file, line, clause, rule
and a suggestion; nothing here renders a document.
"""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from pydantic import BaseModel

from .answers import Answers
from .library import ClauseFile, ClauseLibrary

Severity = Literal["error", "warning", "advice"]



class Function:
    """The type lint gives a function of the clause context: printed bare, it is a mistake."""


# What a clause sees besides the answers' sections (assembly's context), with the type lint can follow.
CONTEXT: dict[str, Any] = {
    "binding": bool, "shall": str, "instrument": str, "term_end": date, "review_dates": list[date],
    "review_calendar": list[dict], "resource_totals": dict, "liability_caps": dict, "has_university": bool,
    "has_public_body": bool, "others": str, "others_poss": str, "each_other": str, "every_other": str,
    "any_concerned": str, "in_dispute": str, "they_need": str, "they_request": str, "them": str,
    "party": Function, "label": Function, "ref": Function, "refs": Function, "included": Function,
    "binding_clauses": list[str], "surviving_clauses": list[str], "kpi_report_days": int,
    # Jinja2's own
    "range": Function, "namespace": Function, "dict": Function, "lipsum": Function, "cycler": Function,
    "joiner": Function, "loop": Any,
    "caller": Any, "varargs": Any, "kwargs": Any,
}
_METHODS = {
    str: set(dir(str)), list: set(dir(list)), dict: set(dir(dict)), Decimal: set(dir(Decimal)), date: set(dir(date)),
    bool: set(dir(bool)), int: set(dir(int)),
}
_OBLIGATION = re.compile(r"[^.:;\n]*\b(shall|must)\b[^.:;\n]*[.:;]?", re.IGNORECASE)
_BINDING_BLOCK = re.compile(r"^:::\s*binding\s*$.*?^:::\s*$", re.MULTILINE | re.DOTALL)
_VARIANT_BLOCK = re.compile(r"^:::\s*(binding|non_binding)\s*$", re.MULTILINE)
_SAME_ELEMENTS = {"selectattr", "rejectattr", "select", "reject", "sort", "list", "unique", "reverse", "first", "last"}


# Every rule lint has, for `lint_ignore:` in a clause's front matter.
RULES = frozenset({
    "undefined-name", "unknown-attribute", "undeclared-extra", "prints-object", "unknown-filter", "unknown-test", "syntax",
    "unknown-reference", "conditional-reference", "variant-missing", "variant-undeclared", "template-loading",
    "term-defined-twice", "term-unused", "term-before-definition", "term-where-undefined", "term-undefined",
    "term-not-marked", "answer-unasked", "unsupported-markdown", "front-matter", "clause-file", "unknown-section",
    "override-drift", "override-unknown", "override-unrecorded", "duplicate-id", "question-unused", "question-file",
    "question-expression", "obligation-in-mou", "lint-ignore-unknown",
})


@dataclass(frozen=True)
class LintFinding:
    rule: str
    severity: Severity
    file: str
    line: int | None
    clause: str
    message: str
    suggestion: str

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.rule)


@dataclass
class LintReport:
    findings: list[LintFinding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.count("error") or (strict and self.count("warning")) else 0


class _Unknown(Exception):
    """An attribute the type does not have."""


def _strip(tp: Any) -> Any:
    """The type a value of `tp` has once it is there: Optional and Annotated unwrapped."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(options) != 1:
                return Any
            tp = options[0]
        else:
            return tp


def _attribute(tp: Any, name: str) -> Any:
    """The type of `value.name` for a value of type `tp`, Any where lint cannot follow; _Unknown when it has none."""
    tp = _strip(tp)
    if tp is Any:
        return Any
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if name in tp.model_fields:
            return tp.model_fields[name].annotation
        if isinstance(getattr(tp, name, None), property):
            return typing.get_type_hints(getattr(tp, name).fget).get("return", Any)
        if callable(getattr(tp, name, None)):
            return Any
        raise _Unknown(sorted(tp.model_fields))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        if name in ("value", "name") or name in tp.__members__ or hasattr(tp, name):
            return Any
        raise _Unknown(["value", "name"])
    origin = typing.get_origin(tp) or tp
    for kind, methods in _METHODS.items():
        if origin is kind or (isinstance(origin, type) and issubclass(origin, kind)):
            if name in methods:
                return Any
            if kind is dict:
                return Any  # keys read as attributes
            raise _Unknown([])
    return Any


def _element(tp: Any) -> Any:
    tp = _strip(tp)
    if typing.get_origin(tp) in (list, tuple):
        args = typing.get_args(tp)
        return args[0] if args else Any
    return Any


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
                inner[target.name] = _element(element) if isinstance(node.target, nodes.Name) else Any
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
        tp = _strip(self.quiet_type(node, scope))
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
                return _attribute(self.quiet_type(node.node, scope), node.attr)
            except _Unknown:
                return Any
        if isinstance(node, nodes.Getitem):
            base = _strip(self.quiet_type(node.node, scope))
            if typing.get_origin(base) is dict and len(typing.get_args(base)) == 2:
                return typing.get_args(base)[1]
            return _element(base)
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
                found = _attribute(base, node.attr)
            except _Unknown as exc:
                known = exc.args[0]
                hint = difflib.get_close_matches(node.attr, known, n=1)
                where = _dotted(node.node)
                self.add("unknown-attribute", "error", node.lineno, f"'{where}' has no '{node.attr}'",
                         f"did you mean '{hint[0]}'?" if hint else (f"it has: {', '.join(known)}" if known else "check the answers format"))
                return Any
            stripped = _strip(base)
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
                    and not _guarded(target, clause.meta.condition, guards, self.derived):
                self.add("conditional-reference", "warning", call.lineno,
                         f"refers to '{target}', which appears only when {clause.meta.condition}, from a clause that can "
                         "appear without it", f"guard it: {{% if included('{target}') %}}…{{% endif %}}")


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a `for` or `set` target binds: itself, or those of its tuple."""
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def _guarded(target: str, condition: str, guards: list[nodes.Node], derived: dict[str, set[str]]) -> bool:
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


def lint_library(library: ClauseLibrary, interview: Any = None) -> LintReport:
    """Every problem in the resolved library, in file order; `extra.*` names are checked
    against `interview`'s questions (the interview of the library's layers when not given)."""
    from .assembly import _environment
    from .interview.lint import expression_findings, problem_finding
    from .interview.spec import load_interview_leniently

    from .resources import builtin_clauses
    from .terms import term_findings

    custom = [p for p in library.layers if Path(p) != builtin_clauses()]
    out: list[LintFinding] = []
    if interview is None:
        # A question file that cannot be merged is a finding; the clauses are still checked.
        interview, problems = load_interview_leniently(custom or None)
        out.extend(problem_finding(problem) for problem in problems)
    out.extend(expression_findings(interview))
    extra_questions = {q.id.split(".", 1)[1].split("[")[0].split(".")[0]: q for q in interview.questions()
                       if q.id.startswith("extra.") and not q.removed}
    extra = set(extra_questions)
    used_extra: set[str] = set()

    env = _environment()
    filters, tests = set(env.filters), set(env.tests)
    enabled = [c for c in library.clauses.values() if c.meta.enabled]
    collected = _Collected()
    for clause in enabled:
        out.extend(_lint_clause(clause, library, filters, tests, extra, used_extra, collected))
    out.extend(_unasked(collected.used_paths, interview))
    out.extend(_overrides(library))
    out.extend(term_findings(library, enabled, collected, _guarded))
    for name, question in sorted(extra_questions.items()):
        if name not in used_extra:
            file, line = question.sources.get("id", (str(Path(question.layer) / "questions"), None))
            out.append(LintFinding("question-unused", "advice", file, line, f"extra.{name}",
                                   f"the question extra.{name} is asked, but no clause uses its answer",
                                   "use it in a clause, or remove the question"))
    for path, problem, clause_id in library.problems:
        out.append(_unreadable(path, problem, clause_id))
    for clause_id, kept, shadowed in library.duplicates:
        out.append(LintFinding("duplicate-id", "error", str(shadowed), 2, clause_id,
                               f"'{clause_id}' is also the id of {kept} in the same layer, which silently replaces this file",
                               "give each clause of a layer its own id"))

    return LintReport(sorted(_silenced(out, enabled), key=LintFinding.sort_key))


def _silenced(found: list[LintFinding], clauses: list[ClauseFile]) -> list[LintFinding]:
    """The findings less those a clause silences with `lint_ignore:`, and a finding for each rule
    name there that lint does not have (a silenced typo would silence nothing)."""
    ignored = {(str(c.source), c.meta.id): set(c.meta.lint_ignore) for c in clauses if c.meta.lint_ignore}
    kept = [f for f in found if f.rule not in ignored.get((f.file, f.clause), ())]
    for clause in clauses:
        for rule in clause.meta.lint_ignore:
            if rule not in RULES:
                hint = difflib.get_close_matches(rule, sorted(RULES), n=1)
                kept.append(LintFinding("lint-ignore-unknown", "warning", str(clause.source), clause.line_of("lint_ignore"),
                                        clause.meta.id, f"lint_ignore names '{rule}', which is no lint rule",
                                        f"did you mean '{hint[0]}'?" if hint else "the rules are listed in the README"))
    return kept


def _unreadable(path: Path, problem: Any, clause_id: str) -> LintFinding:
    """A clause file a lenient load skipped: its front matter names an unknown key or section, or is not YAML."""
    message = problem.message
    if problem.path == "section" and message.startswith("unknown section"):
        return LintFinding("unknown-section", "error", str(path), problem.line, clause_id, message,
                           "use a section id the library has, or add the section to sections.yaml")
    if problem.path:  # a field of the front matter
        return LintFinding("front-matter", "error", str(path), problem.line, clause_id, f"{problem.path}: {message}",
                           "the front matter keys are listed in the README, under \"The clause library\"")
    return LintFinding("clause-file", "error", str(path), problem.line, clause_id, message,
                       "a clause file starts with YAML front matter between --- lines")


def _unasked(used_paths: dict[str, dict[str, tuple[ClauseFile, int]]], interview: Any) -> Iterator[LintFinding]:
    """Answers a clause reads that no question of the interview asks: a person using `new` or
    `serve` can never give them, so the clause's wording for them is reached only from a hand-written file."""
    asked = [q.id for q in interview.questions() if not q.removed]
    for path, readers in sorted(used_paths.items()):
        if any(path == q or path.startswith(q + ".") or q.startswith(path + ".")
               or q.startswith(path + "[]") for q in asked):
            continue
        if any(other != path and other.startswith(path + ".") for other in used_paths):
            continue  # reported at the deeper path
        for clause, line in readers.values():
            yield LintFinding("answer-unasked", "advice", str(clause.source), line, clause.meta.id,
                              f"reads the answer {path}, which no question of the interview asks",
                              f"add a question with id: {path} to a question file, or accept that only an answers file sets it")


def _overrides(library: ClauseLibrary) -> Iterator[LintFinding]:
    """A layer's replacement of a built-in clause records which version it replaced; warn when that moved on."""
    from .resources import builtin_clauses

    from .assembly import default_library

    builtin = {c.meta.id: c for c in default_library().clauses.values()}
    for clause in library.clauses.values():
        if clause.source.is_relative_to(builtin_clauses()):
            continue
        where = (str(clause.source), clause.line_of("overrides"), clause.meta.id)
        if clause.meta.overrides:
            target, version = clause.meta.overrides.rsplit("@", 1)
            original = builtin.get(target)
            if original is None:
                yield LintFinding("override-unknown", "error", *where, f"overrides '{target}', which is not a built-in clause",
                                  "check the id with `agreementkit clauses list`")
            elif target != clause.meta.id:
                yield LintFinding("override-unknown", "error", *where, f"overrides '{target}' but its own id is '{clause.meta.id}'",
                                  f"give it id: {target}, or drop the overrides key")
            elif original.meta.version > int(version):
                yield LintFinding("override-drift", "warning", *where,
                                  f"replaces {target} as it was at version {version}; the built-in clause is now at version "
                                  f"{original.meta.version}", f"re-read `agreementkit clauses show {target}` against yours, "
                                  f"then set overrides: {target}@{original.meta.version}")
        elif clause.meta.id in builtin:
            yield LintFinding("override-unrecorded", "advice", *where, f"replaces the built-in {clause.meta.id} without saying "
                              "which version", f"add overrides: {clause.meta.id}@{builtin[clause.meta.id].meta.version}")


@dataclass
class _Collected:
    """What the walk of every clause gathers for the library-wide rules."""

    used_paths: dict[str, dict[str, tuple[ClauseFile, int]]] = field(default_factory=dict)  # path: clause id: (clause, line)
    texts: dict[str, list[tuple[str, list[nodes.Node], int]]] = field(default_factory=dict)  # clause id: words, tests, line
    derived: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # clause id: its `set` locals


def _lint_clause(clause: ClauseFile, library: ClauseLibrary, filters: set[str], tests: set[str],
                 extra: set[str], used_extra: set[str], collected: _Collected | None = None) -> Iterator[LintFinding]:
    from .assembly import _environment

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
    from .markup import unsupported

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


__all__ = ["LintFinding", "LintReport", "lint_library", "CONTEXT"]
