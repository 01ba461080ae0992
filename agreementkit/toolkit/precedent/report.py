"""IMPORT.md: what the import did, and what is left for a person to decide.

The report leads with the decisions (candidate overrides, `binds`, blanks to
check, numbering, comments, fields, images, footnotes, tracked changes
accepted), then lists every clause with its source paragraph, every question
with the placeholder it came from, every mapped answer, the defined terms and
references, and the round trip paragraph by paragraph.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .blanks import Mapped, NewQuestion

if TYPE_CHECKING:
    from .importer import ImportResult


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["None.", ""]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _bullets(items: list[str], empty: str = "None.") -> list[str]:
    return [*(f"- {i}" for i in items), ""] if items else [empty, ""]


def render_report(result: ImportResult, scratch: str, folder: str) -> str:
    def shown(text: str) -> str:
        return text.replace(scratch, folder)

    clauses = result.clauses
    lines = [f"# Imported from {result.precedent.name}", ""]
    new_sections = [d for d in result.sections if d.new]
    lint = result.lint
    counts = {s: lint.count(s) for s in ("error", "warning", "advice")} if lint is not None else {}
    verdict = "clean" if lint is not None and not lint.findings else ", ".join(
        f"{n} {s}{'s' if n != 1 and s != 'advice' else ''}" for s, n in counts.items())
    paragraphs = sum(len(r.lines) for r in result.round_trip)
    same = sum(1 for r in result.round_trip for line in r.lines if line.same)
    lines += [
        (f"`agreementkit library import {result.precedent.name} -o {folder}` read \"{result.title}\" "
        f"({result.outline.paragraphs} paragraphs and tables) into:"),
        "",
        (f"- {len(clauses)} clause{'s' if len(clauses) != 1 else ''} in {len({c.section for c in clauses})} section(s), "
        f"{len(new_sections)} of them new (in `sections.yaml`);"),
        (f"- {len(result.questions)} new question{'s' if len(result.questions) != 1 else ''} "
        f"(`questions/{result.slug}.yaml`) and {len(result.mapped)} blank{'s' if len(result.mapped) != 1 else ''} "
        "mapped to built-in answers;"),
        f"- the scenario `tests/{result.scenario_name}.yaml` (built on the example {result.sample_example}): "
        + ("passes." if result.scenario is not None and result.scenario.passed else "FAILS: " +
           "; ".join(result.scenario.problems if result.scenario is not None else ["not run"])),
        f"- lint of the layer: {verdict}.",
        f"- round trip: {same} of {paragraphs} paragraphs and titles give back the precedent's words"
        + (" (all)." if same == paragraphs else "; the others are shown under Round trip."),
        "",
        "## What needs a human",
        "",
    ]
    lines += _decisions(result, shown)
    lines += ["## Clauses", ""]
    lines += _table(["clause", "title", "section", "order", "source paragraph", "binds", "file"],
                    [[f"`{c.id}`", c.title, c.section, str(c.order), c.source, "yes" if c.binds else "no", c.path] for c in clauses])
    lines += ["## Sections", ""]
    lines += _table(["in the precedent", "section", "new", "why"],
                    [[d.precedent, f"`{d.section}` ({d.title}, order {d.order})", "new" if d.new else "built-in", d.why]
                     for d in result.sections])
    lines += ["## Questions", ""]
    lines += _table(["question", "type", "page", "prompt", "placeholder", "where"],
                    [[f"`{q.id}`", q.kind, q.page, q.prompt, ", ".join(dict.fromkeys(f"`{o.raw}`" for o in q.occurrences)),
                      "; ".join(dict.fromkeys(f"{o.where} (paragraph {o.paragraph})" for o in q.occurrences))]
                     for q in result.questions])
    lines += ["## Mapped answers", ""]
    lines += _table(["placeholder", "answer", "in the scenario", "where"],
                    [[f"`{o.raw}`", f"`{o.resolution.path}` ({o.resolution.label})" if isinstance(o.resolution, Mapped) else "",
                      o.resolution.sample if isinstance(o.resolution, Mapped) else "", f"{o.where} (paragraph {o.paragraph})"]
                     for o in result.mapped])
    lines += ["## Defined terms", ""]
    lines += _table(["term", "defined in"], [[t, f"`{c.id}`"] for c in clauses for t in c.terms])
    lines += ["## Cross-references", ""]
    lines += _table(["the precedent says", "where", "becomes"],
                    [[r.raw, r.where, f"`ref('{r.target}')`" if r.target else r.why] for r in result.references])
    lines += ["## Round trip", "",
              ("The scenario rendered, each mapped sample put back as its placeholder, against the precedent's words "
              "(numbers aside: clause numbers, list labels and the numbers in cross-references are the document's own)."), ""]
    for clause in result.round_trip:
        status = "missing from the rendered document" if clause.missing else (
            "same" if clause.same else f"{sum(1 for x in clause.lines if not x.same)} differ")
        lines += [f"### `{clause.clause_id}`: {clause.title or '(untitled)'} ({status})", ""]
        lines += _table(["paragraph", "precedent", "rendered, placeholders put back", "same"],
                        [[str(x.paragraph) if x.paragraph else "title" if i == 0 and not x.paragraph else "", x.precedent, x.returned,
                          "yes" if x.same else f"no: {x.why}"] for i, x in enumerate(clause.lines)])
    return "\n".join(lines).rstrip() + "\n"


def _decisions(result: ImportResult, shown: object) -> list[str]:
    assert callable(shown)
    out: list[str] = []
    candidates = [c for c in result.clauses if c.candidate is not None]
    out += ["### Candidate overrides", ""]
    out += _bullets([f"`{c.id}` ({c.title}) {'replaces' if c.overrides else c.candidate.describe()}"
                     + (f" built-in {c.overrides} (`overrides:` recorded; condition, binds and survives copied from it)"
                        if c.overrides else ": imported as a new clause beside it; run again with --override to replace "
                        "it, or switch one of them off (`enabled: false`)")
                     for c in candidates if c.candidate is not None])
    if result.lost_terms:
        out += _bullets([f"`{clause_id}` replaces a built-in clause that defined {', '.join(terms)}; this one does not, "
                         "and other clauses use them: define them here (bold, with `defines:`) or in another clause"
                         for clause_id, terms in result.lost_terms])
    out += ["### binds", "",
            "In a non-binding MOU only clauses with `binds: true` bind the parties (and print \"shall\"). Decide for each:", ""]
    rows = []
    for c in result.clauses:
        words = " ".join(line for line in (c.text.body.splitlines() if c.text else []))
        obligation = bool(re.search(r"\b(shall|must)\b", words, re.IGNORECASE))
        why = (f"as the built-in {c.candidate.clause.meta.id}" if c.candidate is not None
               else "nothing to go by")
        note = "; its text says \"shall\" or \"must\"" if obligation and not c.binds else ""
        rows.append(f"`{c.id}`: binds: {'true' if c.binds else 'false'} ({why}){note}")
    out += _bullets(rows)
    kept = [f"{where}: `{k.text}` (paragraph {k.paragraph}) is a bracketed note or optional wording, kept as text"
            for k, where in result.kept]
    blanks = [f"`{q.id}` ({q.kind}) from {', '.join(dict.fromkeys('`' + o.raw + '`' for o in q.occurrences))}: "
              "a new question; map it to a built-in answer by hand if it names one"
              for q in result.questions if q.type == "text" and all(not o.name for o in q.occurrences)]
    unmapped_terms = [f"`{o.raw}` in {o.where}: the term in years is asked as a question, not mapped to agreement.term_months"
                      for q in result.questions for o in q.occurrences
                      if re.match(r"^\(?\s*years?\b", o.after, re.IGNORECASE) and re.search(r"\b(term|period|duration)\b", o.before, re.IGNORECASE)]
    out += ["### Blanks to check", ""]
    out += _bullets(kept + unmapped_terms + blanks)
    out += ["### Numbering", ""]
    numbering = list(result.outline.ambiguous)
    for c in result.clauses:
        if c.precedent.numbered_paragraphs:
            labels = c.precedent.numbered_paragraphs
            numbering.append(f"`{c.id}`: numbered paragraphs {labels[0]}-{labels[-1]} are kept as paragraphs without their "
                             "numbers (they have no titles to make clauses of)")
    numbering += result.list_notes
    out += _bullets(numbering)
    notes = result.notes
    for kind, title in (("comment", "Comments (not imported)"), ("field", "Fields"),
                        ("content control", "Content controls"), ("image", "Images (dropped)"),
                        ("footnote", "Footnotes (dropped)"), ("endnote", "Endnotes (dropped)"),
                        ("text box", "Text boxes (dropped)"), ("equation", "Equations (dropped)"),
                        ("table", "Tables"), ("embedded document", "Embedded documents (dropped)")):
        found = [f"paragraph {n.paragraph} ({where}): {n.text}" for n, where in notes if n.kind == kind]
        if kind == "field":
            found += [f"{o.where}: merge field `{o.name}` became a blank" for q in result.questions for o in q.occurrences
                      if o.kind == "merge field"]
        if kind == "content control":
            found += [f"{o.where}: content control `{o.name}` became a blank" for q in result.questions for o in q.occurrences
                      if o.kind == "content control"]
        if found or kind in ("comment", "field", "image", "footnote"):
            out += [f"### {title}", ""]
            out += _bullets(found)
    out += ["### Defined terms the built-in library defines too", ""]
    out += _bullets([f"\"{t}\" is also defined by built-in `{c}`: keep one definition (an override, or a new term)"
                     for t, c in result.builtin_terms.items()])
    out += ["### References kept as text", ""]
    out += _bullets([f"\"{r.raw}\" in {r.where}: {r.why}" for r in result.references if r.target is None])
    if result.changes:
        out += ["### Tracked changes accepted", ""]
        out += _bullets([c.describe() for c in result.changes])
    out += ["### Left out", ""]
    out += _bullets([f"the title \"{result.title}\": the built-in title page prints the answers' title", *result.outline.skipped])
    if result.lint is not None and result.lint.findings:
        out += ["### Lint findings", ""]
        out += _bullets([shown(f"{f.severity} `{f.rule}` {f.file}:{f.line or ''} ({f.clause}): {f.message}")
                         for f in result.lint.findings])
    if result.other_scenarios:
        out += ["### The layer's other scenarios", "",
                ("The imported clauses are part of every document made with this layer now, so these scenarios' approved "
                 "renderings differ: review the difference with `agreementkit test --library` and approve it with --update."), ""]
        out += _bullets([f"`{name}`: " + "; ".join(problems) for name, problems in result.other_scenarios])
    if result.scenario is not None and not result.scenario.passed:
        out += ["### The scenario", ""] + _bullets([shown(p) for p in result.scenario.problems])
    return out


__all__ = ["render_report"]

_ = NewQuestion
