"""A redline between two drafts, computed on the document model, clause by clause.

When an advisor re-drafts after a client changes an answer, the other side
asks what changed. Comparing the printed text would show every clause after
an inserted one as changed, because its number moved; comparing the model
matches clauses by id, treats a cross-reference as the clause it points to
(not the number it prints), and so marks only real changes: words inside a
changed paragraph, whole clauses added or removed, table rows and cells.
The result is itself a `Document`, with `change` marks on its runs and
clauses, so every writer lays a redline out as it lays out any draft.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .document import (
    Block,
    Cell,
    Change,
    Clause,
    Document,
    Figure,
    Inline,
    ItemList,
    Paragraph,
    Ref,
    Section,
    Table,
    Text,
)

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Summary:
    """What a reader of the redline needs first: which clauses changed and where numbers moved."""

    changed: list[str] = field(default_factory=list)  # "5.2 Shared costs (costs.shared)"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # (clause id, old number, new number)

    def lines(self) -> list[str]:
        """The summary as sentences, for the terminal and the top of the redline."""
        out = []
        for label, items in (("Changed", self.changed), ("Added", self.added), ("Removed", self.removed)):
            if items:
                out.append(f"{label} ({len(items)}): " + "; ".join(items))
        if self.renumbered:
            moves = ", ".join(f"{old} is now {new}" for _, old, new in self.renumbered)
            count = len(self.renumbered)
            out.append(f"Renumbered only ({count} clause{'s' if count != 1 else ''}, wording unchanged): {moves}")
        return out or ["No differences: the two drafts print the same clauses in the same words."]


@dataclass
class Redline:
    document: Document
    summary: Summary


# -- inline runs ------------------------------------------------------------------------------

Token = tuple[Any, ...]


def _tokens(inlines: tuple[Inline, ...]) -> list[Token]:
    """Words, spaces and punctuation with their emphasis; a reference is one token, its target."""
    out: list[Token] = []
    for run in inlines:
        if isinstance(run, Ref):
            out.append(("ref", run.target, run.label))
        else:
            out += [("text", piece, run.strong, run.emph) for piece in _TOKEN.findall(run.text)]
    return out


def _key(token: Token) -> Token:
    return token[:2] if token[0] == "ref" else token


def _runs(tokens: list[Token], change: Change) -> list[Inline]:
    """One run per token; `_merge` joins neighbours afterwards."""
    return [Ref(t[1], t[2], change) if t[0] == "ref" else Text(t[1], t[2], t[3], change) for t in tokens]


def _marked(inlines: tuple[Inline, ...], change: Change) -> tuple[Inline, ...]:
    return tuple(replace(run, change=change) for run in inlines)


def diff_inlines(old: tuple[Inline, ...], new: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], bool]:
    """The new runs with the words that differ from the old ones marked (deleted words kept, marked
    'del'), and whether anything differs. A reference whose target is the same is the same, even
    when the number it prints moved."""
    a, b = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    out: list[Inline] = []
    differs = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += _runs(b[j1:j2], None)
            continue
        differs = True
        out += _runs(a[i1:i2], "del") + _runs(b[j1:j2], "ins")
    return tuple(_merge(out)), differs


def _merge(runs: list[Inline]) -> list[Inline]:
    merged: list[Inline] = []
    for run in runs:
        last = merged[-1] if merged else None
        if isinstance(run, Text) and isinstance(last, Text) and \
                (last.strong, last.emph, last.change) == (run.strong, run.emph, run.change):
            merged[-1] = Text(last.text + run.text, run.strong, run.emph, run.change)
        else:
            merged.append(run)
    return merged


# -- blocks -----------------------------------------------------------------------------------
#
# Blocks, list items and table rows are all lines to align: each has a key, a flat tuple of tokens
# (with separators between the items, cells or rows inside it), equal when nothing in it differs
# and comparable for similarity when something does.

def _signature(inlines: tuple[Inline, ...]) -> tuple[Any, ...]:
    return tuple(_key(t) for t in _tokens(inlines))


def _joined(parts: Any, separator: str) -> tuple[Any, ...]:
    return tuple(token for part in parts for token in (*part, (separator,)))


def _row_key(row: tuple[Cell, ...]) -> tuple[Any, ...]:
    return _joined((_signature(c.inlines) for c in row), "cell")


def _block_key(block: Block) -> tuple[Any, ...]:
    if isinstance(block, Paragraph):
        return (("p",), *_signature(block.inlines))
    if isinstance(block, ItemList):
        return (("list", block.ordered), *_joined((_signature(item) for item in block.items), "item"))
    if isinstance(block, Table):
        return (("table",), *_joined((_row_key(row) for row in (block.header, *block.rows, *block.footer)), "row"))
    if isinstance(block, Figure):  # a chart is its drawing; its caption is compared word by word
        return (("figure", block.svg), *_signature(block.caption))
    return (("sig", block),)


def _whole(block: Block, change: Change) -> Block:
    """A block added or removed as a whole."""
    if isinstance(block, Paragraph):
        return replace(block, inlines=_marked(block.inlines, change))
    if isinstance(block, ItemList):
        return replace(block, items=tuple(_marked(item, change) for item in block.items))
    if isinstance(block, Table):
        return Table(_whole_row(block.header, change), tuple(_whole_row(r, change) for r in block.rows),
                     tuple(_whole_row(r, change) for r in block.footer))
    if isinstance(block, Figure):
        return replace(block, caption=_marked(block.caption, change), change=change)
    return replace(block, change=change)


def _whole_row(row: tuple[Cell, ...], change: Change) -> tuple[Cell, ...]:
    return tuple(replace(c, inlines=_marked(c.inlines, change)) for c in row)


def _pair(old: Block, new: Block) -> list[Block] | None:
    """The changed block as one block with marks, when the two are alike enough to show so."""
    if isinstance(old, Paragraph) and isinstance(new, Paragraph):
        return [replace(new, inlines=diff_inlines(old.inlines, new.inlines)[0])]
    if isinstance(old, ItemList) and isinstance(new, ItemList) and old.ordered == new.ordered:
        items = _diffed(list(old.items), list(new.items), _signature, lambda a, b: [diff_inlines(a, b)[0]], _marked)[0]
        return [replace(new, items=tuple(items))]
    if isinstance(old, Table) and isinstance(new, Table) and len(old.header) == len(new.header):
        return [Table(_diff_rows((old.header,), (new.header,))[0], _diff_rows(old.rows, new.rows),
                      _diff_rows(old.footer, new.footer))]
    if isinstance(old, Figure) and isinstance(new, Figure) and old.svg == new.svg:
        return [replace(new, caption=diff_inlines(old.caption, new.caption)[0])]
    return None  # a chart drawn differently is shown removed and added, as Word shows a replaced picture


def _diff_rows(old: tuple[tuple[Cell, ...], ...], new: tuple[tuple[Cell, ...], ...]) -> tuple[tuple[Cell, ...], ...]:
    def pair(a: tuple[Cell, ...], b: tuple[Cell, ...]) -> list[tuple[Cell, ...]]:
        return [tuple(replace(c, inlines=diff_inlines(x.inlines, c.inlines)[0]) for x, c in zip(a, b))]

    return tuple(_diffed(list(old), list(new), _row_key, pair, _whole_row)[0])


def _similar(a: tuple[Any, ...], b: tuple[Any, ...]) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _align(keys_a: list[tuple[Any, ...]], keys_b: list[tuple[Any, ...]]) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) in order: equal runs matched exactly, and inside a changed run
    each line paired with its most similar counterpart, so deleting row 3 of a table shows one
    deleted row and one renumbered row, not every later row replaced."""
    out: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += list(zip(range(i1, i2), range(j1, j2)))
            continue
        i, j = i1, j1
        while i < i2 or j < j2:
            if i < i2 and j < j2:
                here = _similar(keys_a[i], keys_b[j])
                skip_old = _similar(keys_a[i + 1], keys_b[j]) if i + 1 < i2 else 0.0
                skip_new = _similar(keys_a[i], keys_b[j + 1]) if j + 1 < j2 else 0.0
                if here >= max(skip_old, skip_new) or here >= 0.6:
                    out.append((i, j))
                    i, j = i + 1, j + 1
                elif skip_old > skip_new:
                    out.append((i, None))
                    i += 1
                else:
                    out.append((None, j))
                    j += 1
            elif i < i2:
                out.append((i, None))
                i += 1
            else:
                out.append((None, j))
                j += 1
    return out


def _diffed(old: list[Any], new: list[Any], key: Callable[[Any], tuple[Any, ...]], pair: Callable[[Any, Any], list[Any] | None],
            whole: Callable[[Any, Change], Any]) -> tuple[list[Any], bool]:
    """Lines (blocks, list items or table rows) of the new draft with the old ones aligned to them:
    a changed line diffed by `pair` where it can be, else shown deleted and inserted whole."""
    keys_a, keys_b = [key(x) for x in old], [key(x) for x in new]
    out: list[Any] = []
    differs = False
    for i, j in _align(keys_a, keys_b):
        if i is not None and j is not None and keys_a[i] == keys_b[j]:
            out.append(new[j])
            continue
        differs = True
        if i is not None and j is not None:
            paired = pair(old[i], new[j])
            out += paired if paired is not None else [whole(old[i], "del"), whole(new[j], "ins")]
        elif i is not None:
            out.append(whole(old[i], "del"))
        elif j is not None:
            out.append(whole(new[j], "ins"))
    return out, differs


def diff_blocks(old: list[Block], new: list[Block]) -> tuple[list[Block], bool]:
    """A clause's blocks in the new draft, with what differs from the old draft's marked."""
    return _diffed(old, new, _block_key, _pair, _whole)


# -- clauses and the document -----------------------------------------------------------------

def _name(clause: Clause, section: Section) -> str:
    """How the summary names a clause: its number and title, or its schedule's heading."""
    heading = clause.heading if clause.number or section.kind != "schedule" else section.heading
    return f"{heading} ({clause.id})" if heading else clause.id


def _removed_clause(clause: Clause) -> Clause:
    return replace(clause, blocks=[_whole(b, "del") for b in clause.blocks], change="del")


def compare(old: Document, new: Document) -> Redline:
    """The new draft with what differs from the old one marked, and a summary of it."""
    summary = Summary()
    old_clauses = {c.id: (s, c) for s in [*old.sections, *old.annexes] for c in s.clauses}
    new_ids = {c.id for s in [*new.sections, *new.annexes] for c in s.clauses}
    # Where each removed clause goes: after the clause that preceded it in the old draft and survives.
    removed_after: dict[str | None, list[Clause]] = {}
    previous: str | None = None
    for section in [*old.sections, *old.annexes]:
        for clause in section.clauses:
            if clause.id in new_ids:
                previous = clause.id
            else:
                removed_after.setdefault(previous, []).append(_removed_clause(clause))
                summary.removed.append(_name(clause, section))

    sections: list[Section] = []
    leading = removed_after.pop(None, [])
    for section in [*new.sections, *new.annexes]:
        clauses: list[Clause] = [*leading]
        leading = []
        for clause in section.clauses:
            before = old_clauses.get(clause.id)
            if before is None:
                clauses.append(replace(clause, blocks=[_whole(b, "ins") for b in clause.blocks], change="ins"))
                summary.added.append(_name(clause, section))
            else:
                blocks, differs = diff_blocks(before[1].blocks, clause.blocks)
                retitled = before[1].title != clause.title
                clauses.append(replace(clause, blocks=blocks, old_title=before[1].title if retitled else None))
                if differs or retitled:
                    summary.changed.append(_name(clause, section))
                elif before[1].number != clause.number and clause.number and before[1].number:
                    summary.renumbered.append((clause.id, before[1].number, clause.number))
            clauses += removed_after.pop(clause.id, [])
        sections.append(replace(section, clauses=clauses))
    if leading and sections:  # the old draft's clauses before any that survive, when nothing survives at all
        sections[0].clauses[:0] = leading

    body = [s for s in sections if s.kind != "annex"]
    annexes = [s for s in sections if s.kind == "annex"]
    intro = Section("redline-summary", "Changes from the previous draft", "plain",
                    [Clause("redline.summary", "", [Paragraph((Text(line),)) for line in summary.lines()])])
    document = replace(new, sections=[intro, *body], annexes=annexes, title=f"{new.title} (redline)")
    return Redline(document, summary)


def compare_answers(old: Path, new: Path, *, old_library: list[Path] | None = None,
                    new_library: list[Path] | None = None) -> Redline:
    """Render two answers files (each with its library layers) and compare the drafts: the Python
    call behind `agreementkit compare`. The same answers with two library versions compare wording."""
    from .answers import load_answers
    from .assembly import assemble, library_for
    from .questions.spec import load_interview

    def draft(path: Path, layers: list[Path] | None) -> Document:
        answers = load_answers(path, interview=load_interview(layers or None))
        return assemble(answers, library_for(layers))

    return compare(draft(old, old_library), draft(new, new_library))


REDLINE_FORMATS = ("docx", "pdf", "html", "md")

__all__ = ["compare", "compare_answers", "Redline", "Summary", "diff_inlines", "diff_blocks", "REDLINE_FORMATS"]
