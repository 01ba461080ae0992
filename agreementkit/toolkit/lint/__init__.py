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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...library import ClauseFile, ClauseLibrary
from .clauses import Collected, lint_clause
from .extra import unguarded_findings
from .findings import RULES, LintFinding, LintReport, Severity
from .questions import expression_findings, problem_finding
from .rules import example_findings, page_rule_findings, rule_findings, unrecorded_overrides
from .terms import term_findings
from .walker import CONTEXT


def lint_library(library: ClauseLibrary, interview: Any = None, rules: Any = None) -> LintReport:
    """Every problem in the resolved library, in file order; `extra.*` names are checked
    against `interview`'s questions (the interview of the library's layers when not given),
    and the health-check `rules` (those of the library's layers when not given) are checked too."""
    from ...assembly import _environment
    from ...questions.spec import load_interview_leniently
    from ...resources import builtin_clauses

    custom = [p for p in library.layers if Path(p) != builtin_clauses()]
    out: list[LintFinding] = []
    if interview is None:
        # A question file that cannot be merged is a finding; the clauses are still checked.
        interview, problems = load_interview_leniently(custom or None)
        out.extend(problem_finding(problem) for problem in problems)
    out.extend(expression_findings(interview))
    out.extend(page_rule_findings(interview))
    extra_questions = {q.id.split(".", 1)[1].split("[")[0].split(".")[0]: q for q in interview.questions()
                       if q.id.startswith("extra.") and not q.removed}
    extra = set(extra_questions)
    used_extra: set[str] = set()

    env = _environment()
    filters, tests = set(env.filters), set(env.tests)
    enabled = [c for c in library.clauses.values() if c.meta.enabled]
    collected = Collected()
    for clause in enabled:
        out.extend(lint_clause(clause, library, filters, tests, extra, used_extra, collected))
    out.extend(_choices(enabled, interview))
    out.extend(unguarded_findings(enabled, interview))
    out.extend(_unasked(collected.used_paths, interview))
    out.extend(_overrides(library))
    out.extend(_rules(library, interview, rules, custom))
    out.extend(term_findings(library, enabled, collected))
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
                               f"'{clause_id}' is also the id of {kept} in the same layer; only one of them is used",
                               "give each clause of a layer its own id"))

    return LintReport(sorted(_severities(_silenced(out, enabled), custom), key=LintFinding.sort_key))


def _severities(found: list[LintFinding], layers: list[Path]) -> list[LintFinding]:
    """Findings at the severity the layers' library.yaml sets for their rule (`lint: {term-undefined: error}`), so a
    house can make undefined terms gate `lint --strict`, or a release."""
    from dataclasses import replace

    from ...library import LIBRARY_FILE, layer_lint_severities

    chosen: dict[str, str] = {}
    out = list(found)
    for layer in layers:
        severities, line = layer_lint_severities(Path(layer))
        for rule, severity in severities.items():
            if rule not in RULES or severity not in ("error", "warning", "advice"):
                hint = difflib.get_close_matches(rule, sorted(RULES), n=1) if rule not in RULES else []
                out.append(LintFinding("lint-ignore-unknown", "warning", str(Path(layer) / LIBRARY_FILE), line, "",
                                       f"lint: sets '{rule}' to '{severity}'" + (", which is no lint rule" if rule not in RULES
                                                                                 else ", which is no severity"),
                                       f"did you mean '{hint[0]}'?" if hint else "a rule of the README's lint table: error, "
                                                                                 "warning or advice"))
            else:
                chosen[rule] = severity
    return [replace(f, severity=chosen[f.rule]) if f.rule in chosen else f for f in out]  # type: ignore[arg-type]


def _choices(clauses: list[ClauseFile], interview: Any) -> Iterator[LintFinding]:
    """Comparisons of an answer with a value it cannot have, in clause bodies, conditions and titles."""
    from jinja2.exceptions import TemplateSyntaxError

    from ...assembly import _environment
    from .options import comparisons, resolver

    resolve = resolver(interview)
    for clause in clauses:
        sources = [(clause.body, clause.body_line)]
        if clause.meta.condition:
            sources.append(("{{ " + clause.meta.condition + " }}", clause.line_of("condition")))
        if "{" in clause.meta.title:
            sources.append((clause.meta.title, clause.line_of("title")))
        for text, first_line in sources:
            try:
                tree = _environment().parse(text)
            except TemplateSyntaxError:
                continue  # reported as syntax
            for line, message, suggestion in comparisons(tree, resolve):
                yield LintFinding("unknown-option", "error", str(clause.source), first_line + line - 1, clause.meta.id,
                                  message, suggestion)


def _rules(library: ClauseLibrary, interview: Any, rules: Any, custom: list[Path]) -> list[LintFinding]:
    """The rule files' problems, their names, clauses and questions, and every example run."""
    from ...assembly import default_library
    from ...checks.examples import examined, run_examples
    from ...checks.rules import load_rules_leniently
    from ...resources import builtin_clauses

    book = rules if rules is not None else load_rules_leniently([str(p) for p in custom] or None)
    builtin = {c.meta.id: c.meta.version for c in default_library().clauses.values()}
    replaced = {c.meta.id for c in library.clauses.values()
                if c.meta.id in builtin and not c.source.is_relative_to(builtin_clauses())}
    out = list(rule_findings(book, library, interview, builtin_clauses=builtin, layer_clauses=replaced))
    out.extend(unrecorded_overrides(book))
    out.extend(example_findings(run_examples(book, interview, examined(book, replaced))))
    return out


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


def _layer_of(source: Path, library: ClauseLibrary) -> str:
    """The layer folder a clause file comes from, as the command line named it."""
    for layer in library.layers:
        if source.is_relative_to(layer):
            return str(layer)
    return str(source.parent)


def _overrides(library: ClauseLibrary) -> Iterator[LintFinding]:
    """A layer's replacement of a built-in clause records which version it replaced; warn when that moved on."""
    from ...assembly import default_library
    from ...resources import builtin_clauses

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
                                  f"{original.meta.version}", f"`agreementkit library diff {target} --library "
                                  f"{_layer_of(clause.source, library)}` shows what changed; bring yours up to date, then "
                                  f"set overrides: {target}@{original.meta.version}")
        elif clause.meta.id in builtin:
            yield LintFinding("override-unrecorded", "advice", *where, f"replaces the built-in {clause.meta.id} without saying "
                              "which version", f"add overrides: {clause.meta.id}@{builtin[clause.meta.id].meta.version}")


__all__ = ["LintFinding", "LintReport", "lint_library", "CONTEXT", "RULES", "Severity"]
