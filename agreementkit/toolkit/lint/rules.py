"""Lint's rules for health-check rule files: what would otherwise surface as a wrong or missing finding.

A rule file that cannot be merged is a finding like any other (the clauses are
still checked in the same run). Names in a rule's expressions and templates
are resolved against the answers format, the values rules are given and the
rule's own `let` names; `about` must name clauses and `where.question`
questions; every example must still fire or pass. Rules follow clauses: a
layer replacing a clause a rule is `about`, or a clause moving past the
version a rule was written against, lists the rule for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from ...checks.engine import RULE_NAMES
from ...checks.rules import Rule, RuleBook
from ...errors import Problem
from ...library import ClauseLibrary
from ...questions.expressions import bare, environment
from ...questions.spec import Interview
from .findings import LintFinding
from .questions import INTERVIEW_NAMES, unknown_names

_LEADING_FILE = re.compile(r"^(.+?\.ya?ml): ")


def rule_file_finding(problem: Problem) -> LintFinding:
    """A rule-file problem (which would stop `check` and `render`) as a lint finding."""
    match = _LEADING_FILE.match(problem.message)
    file, message = (match.group(1), problem.message[match.end():]) if match else ("rule files", problem.message)
    hint = re.search(r"; (did you mean '[^']+'\?)", message)
    suggestion = hint.group(1) if hint else "see `agreementkit rules schema` and the README, \"House review rules\""
    if hint:
        message = message.replace(hint.group(0), "")
    rule = "duplicate-id" if "in the same layer" in message else "rule-file"
    where = f"{problem.path}: " if problem.path and rule == "rule-file" else ""
    return LintFinding(rule, "error", file, problem.line, "", f"{where}{message}", suggestion)


def _field(key: str) -> str:
    """The rule field a key such as `cases[1].when` or `plain.finding` was given under."""
    head = key.split(".")[0]
    return "cases" if head.startswith("cases[") else head


def _layered(rule: Rule) -> bool:
    return rule.layer != "built-in" or bool(rule.changed_by)


def rule_findings(book: RuleBook, library: ClauseLibrary, interview: Interview, *, builtin_clauses: dict[str, int],
                  layer_clauses: set[str]) -> Iterator[LintFinding]:
    """Every problem of the rules; `builtin_clauses` maps each built-in clause to its version, `layer_clauses`
    are the built-in clause ids a layer replaces."""
    for problem in book.problems:
        yield rule_file_finding(problem)
    extra = {q.id.split(".", 1)[1].split("[")[0].split(".")[0] for q in interview.questions() if q.is_extra}
    asked = {q.id.replace("[]", "") for q in interview.questions()}
    question_ids = {q.id for q in interview.questions()}
    for rule in book.rules.values():
        if not rule.enabled:
            continue
        yield from _names(rule, extra, asked, interview)
        file, line = rule.line_of("about")
        for clause_id, version in rule.about:
            clause = library.clauses.get(clause_id)
            if clause is None:
                import difflib

                hint = difflib.get_close_matches(clause_id, list(library.clauses), n=1)
                yield LintFinding("rule-about", "error", file, line, rule.id, f"about names '{clause_id}', which is no clause",
                                  f"did you mean '{hint[0]}'?" if hint else "see `agreementkit clauses list`")
                continue
            current = builtin_clauses.get(clause_id)
            if version is not None and current is not None and current > version:
                yield LintFinding("rule-about-drift", "warning", file, line, rule.id,
                                  f"was written against {clause_id} version {version}; the built-in clause is now at "
                                  f"version {current}", f"re-read it (`agreementkit library diff {clause_id}` shows what "
                                  f"changed), check the rule's examples, then set about: {clause_id}@{current}")
            if clause_id in layer_clauses:
                yield LintFinding("rule-review", "advice", str(clause.source), clause.line_of("id"), clause_id,
                                  f"replaces {clause_id}, which the health-check rule {rule.id} is about",
                                  f"check that {rule.id} still matches this wording (`agreementkit rules list` shows it); "
                                  "override or switch it off in the layer's rules/ if not")
        for case in rule.cases:
            if case.question and "{" not in case.question and case.question not in question_ids:
                import difflib

                qfile, qline = rule.line_of("where")
                hint = difflib.get_close_matches(case.question, sorted(question_ids), n=1)
                yield LintFinding("rule-question", "error", qfile, qline, rule.id,
                                  f"where.question names '{case.question}', which is no question of the interview",
                                  f"did you mean '{hint[0]}'?" if hint else "see `agreementkit questions list`")
        if _layered(rule) and not (rule.examples.fires and rule.examples.passes):
            efile, eline = rule.line_of("examples")
            yield LintFinding("rule-untested", "advice", efile, eline, rule.id,
                              "has no " + " and no ".join(k for k in ("fires", "passes") if not getattr(rule.examples, k))
                              + " examples", "add examples: a fragment of answers on which it fires, and a near miss "
                                             "on which it does not")
        if rule.overrides:
            yield from _override(rule)


def _override(rule: Rule) -> Iterator[LintFinding]:
    from ...checks.rules import load_rules

    builtin = load_rules().rules
    target, version = rule.overrides.rsplit("@", 1) if rule.overrides else ("", "0")
    file, line = rule.line_of("overrides")
    original = builtin.get(target)
    if original is None or target != rule.id:
        yield LintFinding("override-unknown", "error", file, line, rule.id,
                          f"overrides '{target}', which is not a built-in rule" if original is None else
                          f"overrides '{target}' but its own id is '{rule.id}'", "check the id with `agreementkit rules list`")
    elif original.version > int(version):
        yield LintFinding("override-drift", "warning", file, line, rule.id,
                          f"changes {target} as it was at version {version}; the built-in rule is now at version "
                          f"{original.version}", f"re-read it with `agreementkit rules list`, then set overrides: "
                                                 f"{target}@{original.version}")


def unrecorded_overrides(book: RuleBook) -> Iterator[LintFinding]:
    """A layer that changes a built-in rule without recording which version it changed."""
    for rule in book.rules.values():
        if rule.changed_by and not rule.overrides and rule.layer == "built-in" and rule.enabled:
            file, line = rule.line_of("id")
            yield LintFinding("override-unrecorded", "advice", file, line, rule.id,
                              f"changes the built-in rule {rule.id} without saying which version",
                              f"add overrides: {rule.id}@{rule.version}")


def _expressions(rule: Rule) -> Iterator[tuple[str, str, bool, set[str], list[str]]]:
    """(field, source, is a template, local names, the answers path `item` walks) for every expression
    and template of a rule."""
    for number, case in enumerate(rule.cases):
        prefix = f"cases[{number}]." if len(rule.cases) > 1 else ""
        local = {name for name, _ in case.let}
        each = case.for_each.strip().split(".") if case.for_each and re.fullmatch(r"[a-z_][a-z0-9_.]*", case.for_each.strip()) \
            else []
        for key, source in (("for_each", case.for_each), ("when", case.when)):
            if source:
                yield prefix + key, source, False, local, each
        for name, source in case.let:
            yield f"{prefix}let.{name}", source, False, local, each
        templates = [("where.path", case.path), ("where.question", case.question), ("finding", case.finding),
                     ("why", case.why), ("suggestion", case.suggestion),
                     *((f"plain.{k}", t) for k, t in zip(("finding", "why", "suggestion"), case.plain))]
        for key, source in templates:
            if source and "{" in source:
                yield prefix + key, source, True, local, each


def _names(rule: Rule, extra: set[str], asked: set[str], interview: Interview) -> Iterator[LintFinding]:
    from .options import comparisons, resolver

    given = RULE_NAMES | INTERVIEW_NAMES
    seen: set[tuple[str, str]] = set()
    for key, source, template, local, each in _expressions(rule):
        resolve = resolver(interview, {"item": [*each, "[]"]} if each else None)
        try:
            tree = environment().parse(source if template else "{{ " + bare(source) + " }}")
        except TemplateSyntaxError:
            continue  # reported when the rule file is read
        local = local | {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | given
        file, line = rule.line_of(_field(key))
        for message, suggestion in unknown_names(tree, extra, local, asked):
            if (key, message) in seen:
                continue
            seen.add((key, message))
            yield LintFinding("rule-expression", "error", file, line, rule.id, f"{key}: {message}", suggestion)
        for _, message, suggestion in comparisons(tree, resolve):
            yield LintFinding("unknown-option", "error", file, line, rule.id, f"{key}: {message}", suggestion)


def example_findings(results: list[Any]) -> Iterator[LintFinding]:
    """An example that no longer fires, or fires on its near miss: the rule has drifted from what it is for."""
    for result in results:
        if not result.passed:
            yield LintFinding("rule-example", "error", result.file, result.line, result.rule,
                              f"{result.kind} example {result.index + 1} {result.message.split(', where', 1)[0]}"
                              if result.message.startswith(("does not", "fires on")) else
                              f"{result.kind} example {result.index + 1}: {result.message}",
                              "fix the rule, or the example if the rule is right (`agreementkit test` runs them)")


def page_rule_findings(interview: Interview) -> Iterator[LintFinding]:
    """Pages' `rules:` lists are deprecated: each rule's where.question places its findings."""
    for page in interview.pages:
        if page.rules:
            yield LintFinding("page-rules", "warning", page.layer if page.layer != "built-in" else "questions", None, page.id,
                              f"page '{page.id}' lists rules: {', '.join(page.rules)}; pages' rules: lists are no longer read",
                              "remove it: a rule's where.question places its findings (override the rule's where: to move them)")


__all__ = ["rule_findings", "rule_file_finding", "example_findings", "page_rule_findings", "unrecorded_overrides"]
