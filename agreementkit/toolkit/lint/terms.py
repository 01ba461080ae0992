"""Defined terms across a clause library: where each is defined and whether each use is safe.

Bold is also used for emphasis and for an answer at the start of a list
item, so a definition must be explicit: a clause's `defines:` front matter,
or failing that bold inside parentheses ("(the **Purpose**)") or bold before
"means". A lawyer reading a draft checks that every capitalised term is
defined once, before it is relied on, and is there at all in the deal at
hand; these rules make that check before any draft exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from ...library import ClauseFile, ClauseLibrary
from .clauses import Collected, guarded
from .findings import LintFinding

_DEFINITION = re.compile(r"\((?:[^()]*?)\*\*([A-Z][A-Za-z ]+)\*\*\)|\*\*([A-Z][A-Za-z ]+)\*\* means")
_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)
# A capitalised phrase after a determiner reads as a defined term ("the Steering Committee");
# at a sentence's start, in a statute's name or as a day or month it does not.
_LOOKS_DEFINED = re.compile(r"\b(?i:the|a|an|any|each|every|this|that|such|no|its|their) "
                            r"((?:[A-Z][a-z]+|[A-Z]{2,})(?: (?:[A-Z][a-z]+|[A-Z]{2,}))*)\b(?! *(?:\(|Act\b))")
# A phrase with one of these words names a law, a body, a place or an office, not a defined term:
# "the Bribery Act", "the Data Protection Regulations", "the United Kingdom", "the Chief Executive".
_PROPER_NOUN_WORDS = {
    "Act", "Acts", "Code", "Codes", "Regulation", "Regulations", "Rules", "Directive", "Convention", "Treaty",
    "Statute", "Order", "Charter", "Constitution",
    "Kingdom", "Republic", "States", "Union", "Nations", "Emirates", "Islands", "Federation", "Commonwealth",
    "University", "College", "Council", "Ministry", "Department", "Court", "Courts", "Commission", "Commissioner",
    "Authority", "Office", "Bank", "Institute", "Institution", "Agency", "Parliament", "Government", "Tribunal",
    "Chamber", "Centre", "Center", "Society", "Association", "Foundation", "Trust", "Service", "Services",
    "Chief", "Executive", "Officer", "Director", "Secretary", "President", "Minister", "Chair", "Chairman",
    "Chairperson", "Registrar", "Vice", "Chancellor", "Treasurer",
}
_NOT_TERMS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
              "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
              "Schedule", "English", "Welsh", "Scottish", "European", "UK", "EU", "GDPR", "VAT", "IP"}


def definitions(clause: ClauseFile) -> set[str]:
    """The terms a clause defines: its `defines:` list, or what its bold text marks as definitions."""
    if clause.meta.defines:
        return set(clause.meta.defines)
    return {a or b for a, b in _DEFINITION.findall(clause.body)}


def _use(term: str, terms: set[str] | frozenset[str] = frozenset()) -> re.Pattern[str]:
    """A use of the term with its capital (and plural), not the bold of its own definition.
    The plural counts only when it is not a defined term of its own ("Parties" beside "Party")."""
    plural = term[:-1] + "ies" if term.endswith("y") else term + "s"
    if plural in terms:
        stem = re.escape(term)
    else:
        stem = re.escape(term[:-1]) + "(?:y|ies)" if term.endswith("y") else re.escape(term) + "s?"
    return re.compile(rf"(?<!\*\*)\b{stem}\b(?!\*\*)")


def _known(phrase: str, terms: set[str]) -> bool:
    """Whether a phrase is a defined term, its singular or plural, or starts with one ("Party's"),
    or is a proper noun: a law, a body, a place or an office."""
    forms = {phrase, phrase + "s", phrase.removesuffix("s"), phrase.removesuffix("ies") + "y", phrase.removesuffix("y") + "ies"}
    words = phrase.split()
    return bool(forms & terms) or words[0] in _NOT_TERMS or any(word in _PROPER_NOUN_WORDS for word in words)


def term_findings(library: ClauseLibrary, enabled: list[ClauseFile], collected: Collected) -> Iterator[LintFinding]:
    """Every defined-term finding of the library, in no particular order (lint sorts them)."""
    defined_in: dict[str, list[ClauseFile]] = {}
    for clause in enabled:
        for term in sorted(definitions(clause)):
            defined_in.setdefault(term, []).append(clause)
    order = [c for section in library.ordered_sections() for c in library.in_section(section.id)]
    position = {c.meta.id: index for index, c in enumerate(order)}

    for clause in enabled:
        bold = re.findall(r"\*\*(.+?)\*\*", clause.body)
        for term in clause.meta.defines:
            if term not in bold and not any("{{" in b for b in bold):
                yield LintFinding("term-not-marked", "advice", str(clause.source), clause.body_line, clause.meta.id,
                                  f"declares that it defines '{term}', but its text never writes **{term}**",
                                  f"mark the definition in the text: (the **{term}**)")

    terms = set(defined_in)
    for term, clauses in sorted(defined_in.items()):
        pattern = _use(term, terms)
        for clause in clauses[1:]:
            yield LintFinding("term-defined-twice", "warning", str(clause.source), clause.body_line, clause.meta.id,
                              f"'{term}' is also defined in {clauses[0].meta.id}",
                              "define a term in one clause and use it elsewhere")
        if not any(pattern.search(c.body) for c in enabled):
            yield LintFinding("term-unused", "advice", str(clauses[0].source), clauses[0].body_line, clauses[0].meta.id,
                              f"'{term}' is defined but never used", "drop the definition, or use the term")
        yield from _before_definition(term, clauses, order, position, pattern)
        yield from _where_absent(term, clauses, enabled, collected, pattern)

    seen: set[str] = set()
    for clause in order:
        for words, _tests, line in collected.texts.get(clause.meta.id, []):
            for match in _LOOKS_DEFINED.finditer(words):
                phrase = match.group(1)
                if phrase in seen or _known(phrase, terms):
                    continue
                seen.add(phrase)
                yield LintFinding("term-undefined", "advice", str(clause.source), line + words[: match.start()].count("\n"),
                                  clause.meta.id, f"'{phrase}' is capitalised like a defined term, but no clause defines it",
                                  f"define it, \"(the **{phrase}**)\" or defines: [{phrase}], or write it in lower case")


def _before_definition(term: str, clauses: list[ClauseFile], order: list[ClauseFile], position: dict[str, int],
                       pattern: re.Pattern[str]) -> Iterator[LintFinding]:
    """A use in a clause printed before the defining one, unless it points forward ("as defined in")."""
    first = min(position.get(c.meta.id, len(order)) for c in clauses)
    for clause in order[:first]:
        text = _JINJA.sub(" ", clause.body)
        for match in pattern.finditer(text):
            if "defined in" in text[match.end(): match.end() + 40]:
                continue
            line = clause.body_line + clause.body[: clause.body.find(match.group(0))].count("\n")
            yield LintFinding("term-before-definition", "warning", str(clause.source), line, clause.meta.id,
                              f"'{term}' is used before {order[first].meta.id} defines it",
                              f"write \"{term} (as defined in clause {{{{ ref('{order[first].meta.id}') }}}})\", "
                              "or move the definition")
            break


def _where_absent(term: str, clauses: list[ClauseFile], enabled: list[ClauseFile], collected: Collected,
                  pattern: re.Pattern[str]) -> Iterator[LintFinding]:
    """A use in a clause that can be in the document when every clause defining the term is not:
    the reader meets a capitalised term with no meaning (a termination clause settling Shared
    Costs in a deal where each party bears its own)."""
    if any(not c.meta.condition for c in clauses):
        return  # always defined
    definers = {c.meta.id for c in clauses}
    for clause in enabled:
        if clause.meta.id in definers:
            continue
        own = _condition_node(clause.meta.condition)
        for words, tests, line in collected.texts.get(clause.meta.id, []):
            match = pattern.search(words)
            if not match:
                continue
            context = [*tests, *([own] if own is not None else [])]
            if any(c.meta.condition == clause.meta.condition
                   or guarded(c.meta.id, c.meta.condition or "", context, collected.derived.get(clause.meta.id, {}))
                   for c in clauses):
                continue
            definer = clauses[0]
            yield LintFinding("term-where-undefined", "warning", str(clause.source), line + words[: match.start()].count("\n"),
                              clause.meta.id, f"uses '{term}', defined only in {definer.meta.id}, which appears only when "
                              f"{definer.meta.condition}; this clause can appear without it",
                              f"guard the words: {{% if included('{definer.meta.id}') %}}…{{% endif %}}, or word it "
                              "without the term")
            break


def _condition_node(condition: str | None) -> nodes.Node | None:
    """A clause's own condition as an expression node, so it counts as a test around all its words."""
    if not condition:
        return None
    from ...assembly import _environment

    try:
        tree = _environment().parse("{{ " + condition + " }}")
    except TemplateSyntaxError:  # a syntax error is lint's own finding elsewhere
        return None
    output = tree.body[0]
    return output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None


__all__ = ["definitions", "term_findings"]
