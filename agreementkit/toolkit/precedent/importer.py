"""The import itself: a precedent read, decided and written as a layer, then checked as any layer is.

Everything is decided first and written into a scratch copy of the layer,
where the loaders, lint, the scenario and the round trip run; only then are
the new files put into the real folder (atomically, one by one). A file the
layer already has is never replaced without `force`; `sections.yaml` and
`IMPORT.md` are only added to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import UserError
from .blanks import Mapped, NewQuestion, SampleParties, _slug, resolve
from .clausetext import _JINJA_OPEN, ClauseText, clause_text, title
from .matching import Candidate, Matcher
from .package import PrecedentRefused, open_precedent
from .reading import Note, Para, Span, read_body
from .revisions import Change, accept_changes, tracked_changes
from .roundtrip import ClauseResult
from .structure import (
    BodyItem,
    NoHeadings,
    Outline,
    PrecedentClause,
    build_outline,
)
from .wording import Blank, Kept, Literal, Occurrence, Reference, Wording, read_wording

PAGE_ORDER = 135  # after the built-in pages (10 ... 130)
_SHALL = re.compile(r"\b(shall|must)\b", re.IGNORECASE)


@dataclass
class ImportedClause:
    precedent: PrecedentClause
    id: str = ""
    section: str = ""
    order: int = 0
    title: str = ""  # the front matter's title (Jinja2 for its blanks)
    title_wording: Wording = field(default_factory=lambda: Wording([]))
    entries: list[tuple[BodyItem, Wording | list[list[Wording]]]] = field(default_factory=list)
    text: ClauseText | None = None
    terms: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    binds: bool = False
    survives: bool = False
    condition: str | None = None
    candidate: Candidate | None = None
    overrides: str | None = None
    path: str = ""  # relative to the layer
    source: str = ""

    def wordings(self) -> list[Wording]:
        out = [self.title_wording]
        for _, wording in self.entries:
            if isinstance(wording, Wording):
                out.append(wording)
            else:
                out.extend(cell for row in wording for cell in row)
        return out


@dataclass
class SectionDecision:
    precedent: str  # the precedent's heading ("4. Confidentiality")
    section: str  # the section id used
    title: str
    new: bool
    why: str
    kind: str = "clauses"
    order: int = 0


@dataclass
class ReferenceDecision:
    raw: str
    where: str
    target: str | None
    why: str


@dataclass
class ImportResult:
    precedent: Path
    folder: Path
    title: str
    slug: str
    clauses: list[ImportedClause]
    sections: list[SectionDecision]
    questions: list[NewQuestion]
    mapped: list[Occurrence]
    references: list[ReferenceDecision]
    kept: list[tuple[Kept, str]]
    notes: list[tuple[Note, str]]
    outline: Outline
    changes: list[Change]
    page: tuple[str, str] | None  # the precedent's own question page (id, title), when it has questions
    builtin_terms: dict[str, str]  # a term the precedent defines -> the built-in clause that defines it too
    list_notes: list[str] = field(default_factory=list)
    lost_terms: list[tuple[str, list[str]]] = field(default_factory=list)  # an override's clause id, the terms its original defined
    written: list[Path] = field(default_factory=list)
    appended: list[Path] = field(default_factory=list)
    lint: Any = None  # the LintReport of the written layer
    scenario: Any = None  # its ScenarioResult
    other_scenarios: list[tuple[str, list[str]]] = field(default_factory=list)  # the layer's scenarios that now differ
    round_trip: list[ClauseResult] = field(default_factory=list)
    scenario_name: str = ""
    sample_example: str = ""

    @property
    def round_trip_same(self) -> bool:
        return all(r.same for r in self.round_trip)


def _where(clause: PrecedentClause) -> str:
    number = f"{clause.number.label} " if clause.number and clause.number.kind not in ("item", "bullet") else ""
    return f"\"{number}{clause.title_text}\"".replace("\" ", "\"")


def _human_title(text: str) -> str:
    words = " ".join(text.split())
    return words[:1].upper() + words[1:].lower() if words.isupper() else words


class _Import:
    def __init__(self, source: Path, folder: Path, *, force: bool, override: bool, accept: bool):
        self.source = source
        self.folder = folder
        self.force = force
        self.override = override
        self.accept = accept

    # -- reading ------------------------------------------------------------------------------
    def read(self) -> tuple[Outline, list[Note], list[Change]]:
        document = open_precedent(self.source)
        root = document.element
        changes = tracked_changes(root)
        if changes and not self.accept:
            shown = "; ".join(c.describe() for c in changes[:3]) + ("; ..." if len(changes) > 3 else "")
            raise PrecedentRefused(f"{self.source}: has {len(changes)} tracked change{'s' if len(changes) != 1 else ''} "
                                   f"({shown}); accept or reject them in Word first, or pass --accept-changes to accept "
                                   "them all (they are listed in IMPORT.md)")
        if changes:
            accept_changes(root)
        body = read_body(document)
        fallback = _human_title(re.sub(r"[-_]+", " ", self.source.stem))
        try:
            outline = build_outline(body, fallback)
        except NoHeadings as exc:
            raise PrecedentRefused(f"{self.source}: {exc}") from None
        return outline, body.notes, changes

    # -- the whole import ---------------------------------------------------------------------
    def run(self) -> ImportResult:
        from ...assembly import default_library
        from ...library import load_library

        if self.folder.exists() and not self.folder.is_dir():
            raise UserError(f"{self.folder} is a file; give a folder for the layer (-o)")
        outline, notes, changes = self.read()
        builtin = default_library()
        existing = load_library([self.folder], lenient=True) if self.folder.is_dir() else None
        self.slug = _slug(self.source.stem.replace("-", " "), 30).replace("_", "-")
        self.matcher = Matcher(builtin)
        clauses = [ImportedClause(c) for c in outline.clauses()]
        result = ImportResult(self.source, self.folder, _human_title(outline.title), self.slug, clauses, [], [], [], [],
                              [], [], outline, changes, None, {})
        self.result = result
        self.existing = existing
        self.sections(outline, clauses, builtin, existing)
        self.ids(clauses, builtin, existing)
        self.words(clauses, builtin)
        parties = self.sample_parties(clauses)
        taken = self.taken_extra(existing)
        occurrences = [o for c in clauses for w in c.wordings() for o in w.occurrences]
        result.questions, result.mapped = resolve(occurrences, parties, taken)
        self.references(clauses, outline)
        self.finish_clauses(clauses, builtin)
        _row_prompts(result.questions)
        result.notes = [(n, self.clause_at(n.paragraph, clauses)) for n in notes]
        result.kept = [(k, c.precedent.title_text) for c in clauses for w in c.wordings() for k in w.kept]
        from .layer import write_layer

        write_layer(self)
        return result

    def words(self, clauses: list[ImportedClause], builtin: Any) -> None:
        from ..lint.terms import definitions

        defined: dict[str, str] = {}
        for c in builtin.clauses.values():
            if c.meta.enabled:
                for term in definitions(c):
                    defined.setdefault(term, c.meta.id)
        for clause in clauses:
            pc = clause.precedent
            where = _where(pc)
            replaced = clause.overrides.split("@")[0] if clause.overrides else None
            shared = {t for t, owner in defined.items() if owner != replaced}
            clause.title_wording = read_wording(pc.title, pc.para.number)
            for item in pc.body:
                if item.kind == "table" and item.table is not None:
                    rows = [[read_wording(_cell_spans(cell), item.table.number, shared) for cell in row] for row in item.table.rows]
                    rows = [r for r in rows if any(c.segments for c in r)]
                    _table_context(rows)
                    clause.entries.append((item, rows))
                else:
                    clause.entries.append((item, read_wording(item.spans, item.para.number if item.para else 0, shared)))
            for wording in clause.wordings():
                for occurrence in wording.occurrences:
                    occurrence.where = where
                for term in wording.shared_terms:
                    self.result.builtin_terms.setdefault(term, defined[term])
            clause.terms = list(dict.fromkeys(t for w in clause.wordings()[1:] for t in w.terms))

    def clause_at(self, paragraph: int, clauses: list[ImportedClause]) -> str:
        """The clause a paragraph of the precedent belongs to, for the report."""
        found = ""
        for clause in clauses:
            numbers = [clause.precedent.para.number] + [item.para.number if item.para else item.table.number if item.table else 0
                                                        for item in clause.precedent.body]
            if numbers and min(numbers) <= paragraph <= max(numbers):
                return clause.id or clause.precedent.title_text
            if clause.precedent.para.number <= paragraph:
                found = clause.id
        return found or "(outside the imported clauses)"

    # -- where things go ------------------------------------------------------------------------
    def sections(self, outline: Outline, clauses: list[ImportedClause], builtin: Any, existing: Any) -> None:
        known = dict(builtin.sections)
        if existing is not None:
            known.update(existing.sections)
        by_precedent: dict[int, tuple[str, bool]] = {}
        decisions: list[SectionDecision] = []
        for index, section in enumerate(outline.sections):
            heading = f"{section.number.label} {section.title}".strip() if section.number else section.title
            if section.front:
                decision = SectionDecision("(before the first heading)", "parties", known["parties"].title, False,
                                           "the front matter names the parties and the date")
            else:
                match, why = self.matcher.section_for(section.title, section.schedule)
                same_title = next((s for s in known.values() if s.title.lower() == section.title.lower()
                                   and (s.kind == "schedule") == section.schedule), None)
                if match is not None:
                    decision = SectionDecision(heading, match.id, match.title, False, why)
                elif same_title is not None:
                    decision = SectionDecision(heading, same_title.id, same_title.title, False, "the layer has a section of this title")
                else:
                    base = _slug(section.title or "section", 30).replace("_", "-")
                    section_id, n = base, 2
                    taken = set(known) | {d.section for d in decisions}
                    while section_id in taken:
                        section_id, n = f"{base}-{n}", n + 1
                    decision = SectionDecision(heading, section_id, _human_title(section.title) or section_id, True,
                                               "no built-in section fits", "schedule" if section.schedule else "clauses")
            by_precedent[index] = (decision.section, decision.new)
            decisions.append(decision)
        # New sections sit between the matched ones around them, in the precedent's order.
        orders = [known[d.section].order if not d.new else None for d in decisions]
        for index, decision in enumerate(decisions):
            if not decision.new:
                decision.order = known[decision.section].order
                continue
            if decision.kind == "schedule":
                decision.order = 250 + 10 * sum(1 for d in decisions[:index] if d.new and d.kind == "schedule")
                continue
            before = next((o for o in reversed(orders[:index]) if o is not None and o < 170), 0)
            after = next((o for o in orders[index + 1:] if o is not None and o > before and o < 170), 165)
            run = [i for i in range(len(decisions)) if orders[i] is None and decisions[i].kind != "schedule"
                   and (max((j for j in range(i) if orders[j] is not None), default=-1)
                        == max((j for j in range(index) if orders[j] is not None), default=-1))]
            position = run.index(index) + 1 if index in run else 1
            step = max(1, (after - before) // (len(run) + 1))
            decision.order = before + step * position
        self.result.sections = decisions
        section_of = {id(s): decisions[i] for i, s in enumerate(outline.sections)}
        for clause in clauses:
            owner = clause.precedent.section
            assert owner is not None
            decision = section_of[id(owner)]
            clause.section = decision.section

    def ids(self, clauses: list[ImportedClause], builtin: Any, existing: Any) -> None:
        folder_clauses = self.folder / "clauses" / self.slug
        taken = set(builtin.clauses)
        # An earlier import of this precedent, about to be replaced (--force), takes no id and no place.
        replacing = {p.resolve() for p in folder_clauses.glob("*.md")} if self.force and folder_clauses.is_dir() else set()
        kept = {cid: c for cid, c in (existing.clauses.items() if existing is not None else ())
                if c.source.resolve() not in replacing}
        taken |= set(kept)
        counts: dict[str, int] = {}
        all_clauses = {**builtin.clauses, **kept}
        new_orders: dict[str, int] = {}
        for index, clause in enumerate(clauses):
            pc = clause.precedent
            body_text = " ".join(s.text for item in pc.body for s in item.spans)
            clause.candidate = self.matcher.candidate(pc.title_text, body_text, clause.section)
            decision = next(d for d in self.result.sections if d.section == clause.section)
            if self.override and clause.candidate is not None and clause.candidate.clause.meta.id not in {c.id for c in clauses}:
                original = clause.candidate.clause.meta
                clause.id, clause.section, clause.order = original.id, original.section or clause.section, original.order
                clause.overrides = f"{original.id}@{original.version}"
                clause.condition, clause.binds, clause.survives = original.condition, original.binds, original.survives
            else:
                base = f"{clause.section}.{_slug(pc.title_text or 'clause', 30)}"
                candidate_id = base
                if candidate_id in taken:
                    candidate_id = f"{clause.section}.{_slug(self.slug.replace('-', ' '), 12)}_{_slug(pc.title_text or 'clause', 24)}"
                n = 2
                while candidate_id in taken:
                    candidate_id, n = f"{base}_{n}", n + 1
                clause.id = candidate_id
                if decision.new:
                    counts[clause.section] = counts.get(clause.section, 0) + 10
                    clause.order = counts[clause.section]
                else:
                    top = new_orders.get(clause.section)
                    if top is None:
                        top = max((c.meta.order for c in all_clauses.values() if c.meta.section == clause.section), default=0)
                    clause.order = top + 10
                    new_orders[clause.section] = clause.order
                if clause.candidate is not None:
                    clause.binds, clause.survives = clause.candidate.clause.meta.binds, clause.candidate.clause.meta.survives
            taken.add(clause.id)
            clause.path = f"clauses/{self.slug}/{index + 1:02d}-{_slug(pc.title_text or 'clause', 30).replace('_', '-')}.md"
            number = pc.para.number
            heading = (f"{pc.number.label} " if pc.number and pc.number.kind not in ("item", "bullet") else "") + pc.title_text
            clause.source = f"{self.source.name}, paragraph {number}" + (f" ({heading})" if not pc.invented_title else
                                                                         " (the text before the first heading)")

    def sample_parties(self, clauses: list[ImportedClause]) -> SampleParties:
        """The scenario's parties: an example with as many parties as the precedent names."""
        from ...answers import load_answers
        from ...resources import builtin_clauses
        from .blanks import _PARTY_NAME

        named = {" ".join(o.name.lower().split()) for c in clauses for w in c.wordings() for o in w.occurrences
                 if o.name and _PARTY_NAME.match(" ".join(o.name.split()))}
        example = "five-party-consortium" if len(named) > 3 else "cold-chain-pilot"
        self.result.sample_example = example
        answers = load_answers(builtin_clauses() / "tests" / f"{example}.yaml")
        self.sample_answers = answers
        return SampleParties([p.name for p in answers.parties], [p.key for p in answers.parties],
                             [p.label for p in answers.parties], answers.agreement.effective_date,
                             answers.agreement.governing_law, answers.agreement.term_months)

    def taken_extra(self, existing: Any) -> set[str]:
        from ...questions.spec import load_interview_leniently

        if existing is None:
            return set()
        interview, _ = load_interview_leniently([self.folder])
        mine = self.folder / "questions" / f"{self.slug}.yaml"
        return {q.id.split(".", 1)[1].split("[")[0].split(".")[0] for q in interview.questions()
                if q.is_extra and not (self.force and q.sources.get("id", ("", None))[0] == str(mine))}

    def references(self, clauses: list[ImportedClause], outline: Outline) -> None:
        numbered: dict[str, str] = {}
        paragraphs: dict[str, str] = {}
        sections: set[str] = set()
        for clause in clauses:
            number = clause.precedent.number
            if number is not None and number.kind not in ("item", "bullet"):
                numbered.setdefault(number.key, clause.id)
            for label in clause.precedent.numbered_paragraphs:
                paragraphs.setdefault(label.rstrip("."), clause.id)
        for section in outline.sections:
            if section.number is not None and not section.single and not section.schedule:
                sections.add(section.number.key)
        for clause in clauses:
            for wording in clause.wordings()[1:]:  # not the title, which stays plain text
                for segment in wording.segments:
                    if not isinstance(segment, Reference):
                        continue
                    where = f"{clause.id} (paragraph {segment.paragraph})"
                    target = numbered.get(segment.key)
                    if target is not None and (segment.kind == "schedule") == segment.key.startswith(("schedule", "annex", "appendix", "exhibit")):
                        segment.target = target
                        self.result.references.append(ReferenceDecision(segment.raw, where, target, "ref() to the imported clause"))
                    elif segment.key in paragraphs:
                        self.result.references.append(ReferenceDecision(
                            segment.raw, where, None, f"names a numbered paragraph inside {paragraphs[segment.key]}, "
                                                      "which has no number of its own here: kept as text"))
                    elif segment.key in sections:
                        self.result.references.append(ReferenceDecision(
                            segment.raw, where, None, "names a whole section of the precedent: kept as text"))
                    else:
                        self.result.references.append(ReferenceDecision(
                            segment.raw, where, None, "no such clause in the precedent: kept as text"))

    def finish_clauses(self, clauses: list[ImportedClause], builtin: Any) -> None:
        from ..lint.terms import definitions

        for clause in clauses:
            if clause.overrides:
                original = builtin.clauses[clause.overrides.split("@")[0]]
                lost = sorted(definitions(original) - set(clause.terms))
                if lost:
                    self.result.lost_terms.append((clause.id, lost))
            where = _where(clause.precedent)
            clause.title = title(clause.title_wording) if not clause.precedent.invented_title else "Parties"
            clause.text = clause_text(clause.entries, where)
            self.result.list_notes.extend(clause.text.notes)
            uses: list[str] = []
            for wording in clause.wordings():
                for occurrence in wording.occurrences:
                    resolution = occurrence.resolution
                    if isinstance(resolution, Mapped):
                        path = resolution.path.split("[")[0] if resolution.path.startswith("parties") else resolution.path
                        uses.append(path)
                    elif isinstance(resolution, NewQuestion):
                        uses.append(resolution.id)
            clause.uses = list(dict.fromkeys(uses))
        for question in self.result.questions:
            first = question.occurrences[0]
            owner = next((c for c in clauses if any(first is o for w in c.wordings() for o in w.occurrences)), None)
            question.page = self.page_for(owner.section if owner else "")

    def page_for(self, section_id: str) -> str:
        from ...questions.spec import load_interview

        decision = next((d for d in self.result.sections if d.section == section_id), None)
        if decision is not None and not decision.new:
            for page in load_interview().pages:
                if section_id in page.feeds:
                    return page.id
        page_id = self.slug
        self.result.page = (page_id, self.result.title if self.result.title.lower() not in
                            ("memorandum of understanding", "agreement", "memorandum") else
                            _human_title(re.sub(r"[-_]+", " ", self.source.stem)))
        return page_id


def _row_prompts(questions: list[NewQuestion]) -> None:
    """"Value – [PARTY A NAME]" asked as "Value – Northwind Telecom plc": a row named by a party's blank is
    named in the interview by that party's name (a question's prompt is a template over the answers so far)."""
    for question in questions:
        occurrence = question.occurrences[0]
        row = occurrence.row
        if not isinstance(row, Wording) or len(row.segments) != 1 or not isinstance(row.segments[0], Blank):
            continue
        resolution = row.segments[0].occurrence.resolution
        if isinstance(resolution, Mapped) and resolution.path.startswith("parties["):
            column = _JINJA_OPEN.sub("{{ '{' }}", occurrence.hint.split(" \u2013 ", 1)[0])
            index = int(resolution.path.split("[", 1)[1].split("]", 1)[0])
            raw = row.segments[0].occurrence.raw.replace("\\", "\\\\").replace("'", "\\'")
            question.prompt_template = (f"{column} \u2013 {{{{ parties[{index}].name if parties is defined and parties "
                                        f"| length > {index} else '{raw}' }}}}")


def _table_context(rows: list[list[Wording]]) -> None:
    """A blank alone in a table cell is named by its column's heading and its row's first cell."""
    if len(rows) < 2:
        return
    header = [" ".join(_plain(c).split()) for c in rows[0]]
    for row in rows[1:]:
        first = " ".join(_plain(row[0]).split()) if row else ""
        for index, cell in enumerate(row):
            for occurrence in cell.occurrences:
                if not occurrence.before.strip(" \u00a3$\u20ac") and not occurrence.after and index:
                    column = header[index] if index < len(header) else ""
                    occurrence.hint = f"{column} \u2013 {first}".strip(" \u2013")
                    occurrence.row = row[0]


def _plain(wording: Wording) -> str:
    return "".join(s.text if isinstance(s, Literal) else s.occurrence.raw if isinstance(s, Blank) else s.raw
                   for s in wording.segments)


def _cell_spans(paragraphs: list[Para]) -> list[Span]:
    out: list[Span] = []
    for index, para in enumerate(paragraphs):
        if index and para.spans:
            out.append(Span(" "))
        out.extend(para.spans)
    return out


def import_precedent(source: Path, folder: Path, *, force: bool = False, override: bool = False,
                     accept_changes: bool = False) -> ImportResult:
    """Import a Word precedent into the layer at `folder` (created if need be); PrecedentRefused (exit 2)
    for a file it will not read, UserError for a clash with files the layer has."""
    return _Import(Path(source), Path(folder), force=force, override=override, accept=accept_changes).run()


__all__ = ["PAGE_ORDER", "ImportResult", "ImportedClause", "import_precedent"]
