"""House review rules as data: rule files in each library layer, merged into one rule book.

A layer's `rules/*.yaml` files declare health-check rules, as its
`questions/*.yaml` declare the interview. Each rule has an id, a severity,
the clauses it is `about`, a `when` expression over the answers (the same
sandboxed language as the questions' `when`), `where` it points (an answers
path and the interview question that fixes it), its messages as templates
(with a `plain` form for the interview and the browser), and `examples` that
must keep firing and passing. Layers apply in order, the last one winning: a
new id adds a rule, a known id changes the fields it gives (recording the
version it `overrides`), and `enabled: false` switches a rule off.

Nothing here is particular to one rule: the built-in rules are data in
`clauses/rules/`, and the evaluator (`engine`) runs every rule the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ClauseLibraryError, InvalidInputError, Problem
from ..questions.spec import layer_folders, layer_name
from ..yamlfile import LocatedData, PathKey, format_path, parse_yaml, read_text
from .findings import Severity

RULES_DIR = "rules"
_RULE_ID = r"^[a-z][a-z0-9-]*$"
_CLAUSE_REF = r"^[a-z][a-z0-9_.-]*(@\d+)?$"


class WordsSpec(BaseModel):
    """The finding in the interview's words: no answers-file paths, questions named as the interview asks them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding: str | None = Field(None, description="Template; defaults to the rule's finding.")
    why: str | None = Field(None, description="Template; defaults to the rule's why.")
    suggestion: str | None = Field(None, description="Template; defaults to the rule's suggestion.")


class WhereSpec(BaseModel):
    """What a finding points at."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="The answers path, a template: \"objectives[{{ index }}].owner\".")
    question: str | None = Field(None, description="The interview question that fixes it (its id, e.g. objectives[].owner): "
                                                   "the interview and the browser show the finding on that question's page.")


class CaseSpec(BaseModel):
    """One of several checks of a rule that finds more than one kind of thing; unset fields are the rule's."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    for_each: str | None = Field(None, description="An expression giving a list: one finding per item, "
                                                   "which `when`, `where` and the messages see as `item` (and `index`).")
    let: dict[str, str] | None = Field(None, description="Names for expressions, worked out in order before `when`.")
    when: str | None = Field(None, description="An expression over the answers: a finding when it is true.")
    where: WhereSpec | None = None
    finding: str | None = Field(None, description="Template: what was found, naming the objective, party or step.")
    why: str | None = Field(None, description="Template: why it matters.")
    suggestion: str | None = Field(None, description="Template: what to change, naming the answers file's fields.")
    plain: WordsSpec | None = None


class ExamplesSpec(BaseModel):
    """Answers on which the rule must fire, and near misses on which it must not."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str | None = Field(None, description="The scenario the fragments change (NAME of a NAME.yaml under a loaded "
                                               "layer's tests/ or the built-in ones); default: the file's base.")
    fires: list[dict[str, Any]] = Field([], description="Answer fragments (answers path: value) on which the rule fires.")
    passes: list[dict[str, Any]] = Field([], description="Answer fragments on which it does not fire.")


class RuleSpec(BaseModel):
    """One rule as a file declares it; unset fields keep an earlier layer's value."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=_RULE_ID, description="Stable id, e.g. objective-owner; reuse a rule's id to change or switch it off.")
    version: int | None = Field(None, ge=1, description="Bump when the rule changes; a layer's override records it.")
    severity: Severity | None = Field(None, description="error stops a render; warning and advice are shown.")
    summary: str | None = Field(None, description="One line: what the rule expects of a sound partnership.")
    about: list[str] | None = Field(None, description="The clause ids it concerns (optionally id@version): lint lists the rule "
                                                      "for review when a layer replaces one, or when one moves past that version.")
    for_each: str | None = Field(None, description="An expression giving a list: one finding per item (`item`, `index`).")
    let: dict[str, str] | None = Field(None, description="Names for expressions, worked out in order before `when`.")
    when: str | None = Field(None, description="An expression over the answers: a finding when it is true.")
    where: WhereSpec | None = None
    finding: str | None = Field(None, description="Template: what was found, naming the objective, party or step.")
    why: str | None = Field(None, description="Template: why it matters for the partnership.")
    suggestion: str | None = Field(None, description="Template: what to change, naming the answers file's fields.")
    plain: WordsSpec | None = Field(None, description="The messages as the interview and the browser say them.")
    cases: list[CaseSpec] | None = Field(None, description="Several checks under one id, each finding its own kind of thing.")
    examples: ExamplesSpec | None = None
    enabled: bool | None = Field(None, description="false switches off a rule of the same id from an earlier layer.")
    overrides: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]*@\d+$",
                                  description="The rule and version this one changes, e.g. review-annual@1: lint warns when "
                                              "that rule has moved on.")


class RuleFile(BaseModel):
    """A file under a library layer's rules/ folder."""

    model_config = ConfigDict(extra="forbid", title="agreementkit rule file")

    base: str | None = Field(None, description="The scenario the examples of this file's rules change, unless a rule says.")
    rules: list[RuleSpec] = []


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file, for editors to validate and complete."""
    schema = RuleFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


@dataclass(frozen=True)
class Case:
    """One check of a rule after layering, every field settled."""

    for_each: str | None
    let: tuple[tuple[str, str], ...]
    when: str
    path: str
    question: str | None
    finding: str
    why: str
    suggestion: str
    plain: tuple[str | None, str | None, str | None]  # finding, why, suggestion in the interview's words


@dataclass
class Rule:
    """A rule after layering."""

    id: str
    version: int
    severity: Severity
    summary: str
    about: list[tuple[str, int | None]]
    cases: list[Case]
    examples: ExamplesSpec
    enabled: bool
    layer: str
    base: str | None = None
    overrides: str | None = None
    changed_by: list[str] = field(default_factory=list)
    # Where each field was last given: field name -> (rule file, line), for messages.
    sources: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def line_of(self, key: str) -> tuple[str, int | None]:
        return self.sources.get(key) or self.sources.get("id") or (self.layer, None)

    @property
    def questions(self) -> list[str]:
        return [c.question for c in self.cases if c.question]


@dataclass(eq=False)
class RuleBook:
    """Every rule of the loaded layers, in the order they were declared."""

    rules: dict[str, Rule]
    layers: list[str]
    problems: list[Problem] = field(default_factory=list)  # what a lenient load left out
    duplicates: list[tuple[str, str, int | None]] = field(default_factory=list)  # (id, file, line) given twice in one layer

    def enabled(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.enabled]

    def question_of(self, rule_id: str) -> str | None:
        """The interview question a rule's findings are fixed at (its first case's)."""
        rule = self.rules.get(rule_id)
        return rule.questions[0] if rule and rule.questions else None


_REQUIRED = ("severity", "summary")
EMPTY_FILE = "the file is empty; a rule file holds rules: (see `agreementkit rules schema`)"
_CASE_FIELDS = ("for_each", "let", "when", "where", "finding", "why", "suggestion", "plain")
_TEST_FIELDS = ("for_each", "when", "cases")


def _read_rule_file(path: Path) -> tuple[str | None, list[tuple[int, RuleSpec]], LocatedData, list[Problem]]:
    """A rule file, keeping every well-formed rule and reporting every one that is not."""
    from ..answers import describe_error, user_path

    located = parse_yaml(read_text(path, "rule"), str(path))
    data = located.data
    if data is None:
        return None, [], located, [Problem("", f"{path}: {EMPTY_FILE}", 1)]
    if not isinstance(data, dict):
        return None, [], located, [Problem("", f"{path}: expected a mapping with rules:", 1)]
    names = set(RuleSpec.model_fields) | set(WhereSpec.model_fields) | set(ExamplesSpec.model_fields) | {"base", "rules"}
    problems: list[Problem] = []
    kept: list[tuple[int, RuleSpec]] = []
    entries = data.get("rules")
    if not isinstance(entries, list):
        problems.append(Problem("rules", f"{path}: expected a list of rules", located.line_of(("rules",)) or 1))
        entries = []
    for key in data:
        if key not in ("base", "rules"):
            problems.append(Problem(str(key), f"{path}: unknown field '{key}' (a rule file has base: and rules:)", located.line_of((key,))))
    for index, entry in enumerate(entries):
        try:
            kept.append((index, RuleSpec.model_validate(entry)))
        except ValidationError as exc:
            for error in exc.errors():
                loc: PathKey = ("rules", index, *user_path(error["loc"]))
                problems.append(Problem(format_path(loc), f"{path}: {describe_error(error, names)}", located.line_of(loc)))
    base = data.get("base") if isinstance(data.get("base"), str) else None
    return base, kept, located, problems


class _Builder:
    """Applies layers one after another, collecting every problem."""

    def __init__(self, *, check_builtin: bool = False) -> None:
        self.check_builtin = check_builtin  # the built-in rules' syntax is lint's to check (and the test suite's)
        self.records: dict[str, dict[str, Any]] = {}
        self.problems: list[Problem] = []
        self.duplicates: list[tuple[str, str, int | None]] = []

    def add_file(self, path: Path, layer: str, builtin: bool, seen: dict[str, str]) -> None:
        from ..questions.expressions import check_syntax

        try:
            base, specs, located, problems = _read_rule_file(path)
        except InvalidInputError as exc:
            self.problems.extend(Problem(p.path, f"{path}: {p.message}", p.line) for p in exc.problems)
            return
        self.problems.extend(problems)
        for index, spec in specs:
            where: PathKey = ("rules", index)
            line = located.line_of(where)
            if spec.id in seen:
                self.duplicates.append((spec.id, str(path), line))
                self.problems.append(Problem(format_path((*where, "id")), f"{path}: rule '{spec.id}' is also declared in "
                                             f"{seen[spec.id]} in the same layer; give each rule one entry", line))
                continue
            seen[spec.id] = str(path)
            # Compiling every message template costs more than checking the answers: the built-in rules are
            # compiled as they run (and by lint), a layer's at once, so a mistake stops the command before it starts.
            for message in _syntax_problems(spec, check_syntax) if not builtin or self.check_builtin else []:
                self.problems.append(Problem(format_path(where), f"{path}: rule '{spec.id}': {message}", line))
            given = spec.model_dump(exclude_unset=True, by_alias=False)
            sources = {key: (str(path), located.line_of((*where, key)) or line) for key in given}
            sources["id"] = (str(path), line)
            for kind in ("fires", "passes"):
                for number, _ in enumerate(getattr(spec.examples, kind) if spec.examples else []):
                    sources[f"examples.{kind}[{number}]"] = (str(path), located.line_of((*where, "examples", kind, number)) or line)
            known = self.records.get(spec.id)
            if known is None:
                missing = [key for key in _REQUIRED if key not in given]
                if not any(key in given for key in ("when", "cases")):
                    missing.append("when")
                if missing and given.get("enabled") is not False:
                    self.problems.append(Problem(format_path(where), f"{path}: new rule '{spec.id}' needs "
                                                 f"{', '.join(missing)}", line))
                    continue
                if given.get("enabled") is False and spec.id not in self.records:
                    self.problems.append(Problem(format_path((*where, "enabled")), f"{path}: no rule '{spec.id}' to switch off "
                                                 "in the layers before this one", line))
                    continue
                self.records[spec.id] = {"layer": layer, "changed_by": [], "sources": sources, "base": base,
                                         "builtin": builtin, **given}
                continue
            if any(key in given for key in _TEST_FIELDS) and "cases" not in given:
                known.pop("cases", None)
            known.update({k: v for k, v in given.items()})
            known["sources"].update(sources)
            known["changed_by"].append(layer)
            if base and "examples" in given:
                known["base"] = base

    def build(self, layers: list[str], *, lenient: bool = False) -> RuleBook:
        rules: dict[str, Rule] = {}
        for rule_id, record in self.records.items():
            try:
                rules[rule_id] = _settled(rule_id, record)
            except ValueError as exc:
                file, line = record["sources"]["id"]
                self.problems.append(Problem(rule_id, f"{file}: rule '{rule_id}': {exc}", line))
        if self.problems and not lenient:
            raise ClauseLibraryError("rule files", self.problems)
        return RuleBook(rules, layers, list(self.problems), list(self.duplicates))


def _syntax_problems(spec: RuleSpec, check_syntax: Any) -> list[str]:
    """Expressions and templates that do not parse, named by field."""
    out: list[str] = []
    parts: list[tuple[str, Any]] = [("", spec)] + [(f"cases[{i}].", c) for i, c in enumerate(spec.cases or [])]
    for prefix, part in parts:
        for key in ("for_each", "when"):
            source = getattr(part, key)
            if source and (error := check_syntax(source, template=False)):
                out.append(f"{prefix}{key} is not a valid expression: {error}")
        for name, source in (part.let or {}).items():
            if error := check_syntax(source, template=False):
                out.append(f"{prefix}let.{name} is not a valid expression: {error}")
        templates = [("finding", part.finding), ("why", part.why), ("suggestion", part.suggestion),
                     ("where.path", part.where.path if part.where else None)]
        if part.plain is not None:
            templates += [(f"plain.{k}", getattr(part.plain, k)) for k in ("finding", "why", "suggestion")]
        for key, source in templates:
            if source and (error := check_syntax(source, template=True)):
                out.append(f"{prefix}{key} is not a valid template: {error}")
    return out


def _settled(rule_id: str, record: dict[str, Any]) -> Rule:
    """A rule with its cases worked out: each case takes what it does not give from the rule."""
    top = {key: record.get(key) for key in _CASE_FIELDS}
    cases: list[Case] = []
    for index, raw in enumerate(record.get("cases") or [{}]):
        given = {k: v for k, v in raw.items() if v is not None} if isinstance(raw, dict) else {}
        merged = {**top, **given}
        label = f"cases[{index}]: " if record.get("cases") else ""
        missing = [key for key in ("when", "where", "finding", "why", "suggestion") if not merged.get(key)]
        if missing and record.get("enabled") is not False:
            raise ValueError(f"{label}needs {', '.join(missing)}")
        where = merged.get("where") or {}
        plain = merged.get("plain") or {}
        cases.append(Case(
            for_each=merged.get("for_each"), let=tuple((merged.get("let") or {}).items()), when=merged.get("when") or "false",
            path=where.get("path", ""), question=where.get("question"), finding=merged.get("finding") or "",
            why=merged.get("why") or "", suggestion=merged.get("suggestion") or "",
            plain=(plain.get("finding"), plain.get("why"), plain.get("suggestion")),
        ))
    about: list[tuple[str, int | None]] = []
    for item in record.get("about") or []:
        clause_id, _, version = str(item).partition("@")
        about.append((clause_id, int(version) if version else None))
    examples = record.get("examples") or {}
    return Rule(
        id=rule_id, version=int(record.get("version") or 1), severity=Severity(record.get("severity") or "advice"),
        summary=str(record.get("summary") or ""), about=about, cases=cases,
        examples=ExamplesSpec.model_validate(examples) if isinstance(examples, dict) else examples,
        enabled=record.get("enabled") is not False, layer=record["layer"], base=record.get("base"),
        overrides=record.get("overrides"), changed_by=list(record["changed_by"]), sources=dict(record["sources"]),
    )


def rule_files(folder: Path) -> list[Path]:
    return sorted((folder / RULES_DIR).glob("*.yaml")) + sorted((folder / RULES_DIR).glob("*.yml"))


def _built(layers: tuple[str, ...], *, check_builtin: bool = False) -> _Builder:
    builder = _Builder(check_builtin=check_builtin)
    for folder, builtin in layer_folders(layers):
        seen: dict[str, str] = {}
        for path in rule_files(folder):
            builder.add_file(path, layer_name(folder, builtin), builtin, seen)
    return builder


@lru_cache(maxsize=32)
def _load_rules(layers: tuple[str, ...]) -> RuleBook:
    return _built(layers).build(list(layers))


def load_rules(layers: list[Path] | list[str] | tuple[Any, ...] | None = None) -> RuleBook:
    """The built-in rules with each custom layer's rule files applied, in order."""
    return _load_rules(tuple(str(p) for p in (layers or [])))


def load_rules_leniently(layers: list[Path] | list[str] | None = None) -> RuleBook:
    """The rules that can be built, and every problem of the rule files in `problems` (for lint)."""
    names = tuple(str(p) for p in (layers or []))
    return _built(names, check_builtin=True).build(list(names), lenient=True)


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_answers_path(path: str) -> PathKey:
    """`objectives[1].kpi` -> ("objectives", 1, "kpi"): the answers path as findings print it."""
    parts: list[str | int] = []
    position = 0
    for match in _PATH_PART.finditer(path):
        gap = path[position:match.start()]
        if gap not in ("", "."):
            raise ValueError(f"'{path}' is not an answers path")
        parts.append(int(match.group(2)) if match.group(2) is not None else match.group(1))
        position = match.end()
    if position != len(path) or not parts:
        raise ValueError(f"'{path}' is not an answers path")
    return tuple(parts)


__all__ = [
    "RULES_DIR",
    "Case",
    "Rule",
    "RuleBook",
    "RuleFile",
    "RuleSpec",
    "load_rules",
    "load_rules_leniently",
    "parse_answers_path",
    "rule_file_schema",
]
