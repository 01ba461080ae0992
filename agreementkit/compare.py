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
    RedlineInfo,
    Ref,
    Section,
    Table,
    Text,
    Timeline,
)


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
    # Warnings to show: a draft whose recorded layers were left out (--without-recorded-libraries).
    notes: list[str] = field(default_factory=list)


# -- inline runs ------------------------------------------------------------------------------

# What changes as a whole: a date, an amount with its currency, a number or percentage, and a
# run of capitalised words (a defined term, a name); then words, spaces and punctuation.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TOKEN = re.compile(
    rf"\d{{1,2}} (?:{_MONTHS}) \d{{4}}"
    r"|(?:[A-Z]{3} )?(?:(?<!\w)[-+\u2212])?\d+(?:[.,]\d+)*%?"
    r"|[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*)+"
    r"|\s+|\w+|[^\w\s]"
)
# Unchanged words this short, one or two of them, between two changes are read as part of the change.
_SHORT_WORD = 4
_SHORT_GAP = 2

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


def _is_space(token: Token) -> bool:
    return token[0] == "text" and not token[1].strip()


def _runs(tokens: list[Token], change: Change) -> list[Inline]:
    """One run per token; `_merge` joins neighbours afterwards."""
    return [Ref(t[1], t[2], change) if t[0] == "ref" else Text(t[1], t[2], t[3], change) for t in tokens]


def _marked(inlines: tuple[Inline, ...], change: Change) -> tuple[Inline, ...]:
    return tuple(replace(run, change=change) for run in inlines)


# A stretch of the paragraph: unchanged tokens (old and new the same) or a change (old, new).
_Stretch = tuple[list[Token], list[Token], bool]


def _short_gap(tokens: list[Token]) -> bool:
    """Unchanged text between two changes that a reader takes in with them: spaces, and at most
    two short words (with the punctuation between them)."""
    words = [t for t in tokens if not _is_space(t)]
    return len(words) <= _SHORT_GAP and all(t[0] == "text" and len(t[1]) <= _SHORT_WORD for t in words)


def _grouped(a: list[Token], b: list[Token]) -> list[_Stretch]:
    """The two token lists as unchanged stretches and changes, grouped as a reader sees them:
    changes separated only by a short gap become one deleted phrase and one inserted phrase,
    and the space after a replaced phrase (or, at the end of a sentence, before it) goes into
    both sides, so the struck and the inserted words read "old new", never "oldnew"."""
    stretches: list[_Stretch] = []
    matcher = SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            stretches.append((a[i1:i2], b[j1:j2], False))
        else:
            stretches.append((a[i1:i2], b[j1:j2], True))
    # Join change, short gap, change into one change.
    joined: list[_Stretch] = []
    for stretch in stretches:
        if stretch[2] and len(joined) >= 2 and joined[-1][2] is False and joined[-2][2] and _short_gap(joined[-1][0]):
            gap_old, gap_new, _ = joined.pop()
            old, new, _ = joined.pop()
            stretch = (old + gap_old + stretch[0], new + gap_new + stretch[1], True)
        elif stretch[2] and joined and joined[-1][2]:
            old, new, _ = joined.pop()
            stretch = (old + stretch[0], new + stretch[1], True)
        joined.append(stretch)
    # The separating space inside both sides of a replacement.
    for index, (old, new, is_change) in enumerate(joined):
        if not (is_change and old and new):
            continue
        after = joined[index + 1] if index + 1 < len(joined) else None
        before = joined[index - 1] if index else None
        if after and after[0] and _is_space(after[0][0]) and (old and not _is_space(old[-1])):
            space_old, space_new = after[0][0], after[1][0]
            joined[index] = (old + [space_old], new + [space_new], True)
            joined[index + 1] = (after[0][1:], after[1][1:], False)
        elif before and before[0] and _is_space(before[0][-1]) and (old and not _is_space(old[0])):
            space_old, space_new = before[0][-1], before[1][-1]
            joined[index] = ([space_old, *old], [space_new, *new], True)
            joined[index - 1] = (before[0][:-1], before[1][:-1], False)
    return joined


def diff_inlines(old: tuple[Inline, ...], new: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], bool]:
    """The new runs with the words that differ from the old ones marked (deleted words kept, marked
    'del', before the words that replace them), and whether anything differs. A reference whose
    target is the same is the same, even when the number it prints moved."""
    out: list[Inline] = []
    differs = False
    for old_tokens, new_tokens, is_change in _grouped(_tokens(old), _tokens(new)):
        if not is_change:
            out += _runs(new_tokens, None)
            continue
        differs = True
        out += _runs(old_tokens, "del") + _runs(new_tokens, "ins")
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


# -- clauses, sections and the document -------------------------------------------------------

def _name(clause: Clause, section: Section) -> str:
    """How the summary names a clause: its number and title, or its schedule's heading."""
    heading = clause.heading if clause.number or section.kind != "schedule" else section.heading
    return f"{heading} ({clause.id})" if heading else clause.id


def _whole_clause(clause: Clause, change: Change) -> Clause:
    return replace(clause, blocks=[_whole(b, change) for b in clause.blocks], change=change)


def _pairs(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Old and new items matched by id, in reading order: an item only in the old draft comes
    where it stood, before what replaced it."""
    out: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += list(zip(range(i1, i2), range(j1, j2)))
        else:
            out += [(i, None) for i in range(i1, i2)] + [(None, j) for j in range(j1, j2)]
    return out


def _title_runs(old: str, new: str) -> tuple[Inline, ...] | None:
    """A changed title's runs; a title only one draft prints (a sub-heading that comes or goes) whole."""
    if old == new:
        return None
    if not old or not new:
        return (Text(new, change="ins"),) if new else (Text(old, change="del"),)
    return diff_inlines((Text(old),), (Text(new),))[0]


def _sections(old: Document, new: Document, summary: Summary) -> list[Section]:
    """Every section of both drafts in reading order, each with its clauses from both drafts: what
    only one draft has is marked whole (its heading, its clauses and every paragraph mark), so
    accepting every change leaves the new draft and rejecting every change the old one."""
    old_sections, new_sections = [*old.sections, *old.annexes], [*new.sections, *new.annexes]
    merged: list[Section] = []
    for i, j in _pairs([s.id for s in old_sections], [s.id for s in new_sections]):
        if j is None:
            section = old_sections[i]  # type: ignore[index]
            summary.removed += [_name(c, section) for c in section.clauses]
            merged.append(replace(section, clauses=[_whole_clause(c, "del") for c in section.clauses], change="del"))
            continue
        section = new_sections[j]
        if i is None:
            summary.added += [_name(c, section) for c in section.clauses]
            merged.append(replace(section, clauses=[_whole_clause(c, "ins") for c in section.clauses], change="ins"))
            continue
        before = old_sections[i]
        clauses: list[Clause] = []
        for a, b in _pairs([c.id for c in before.clauses], [c.id for c in section.clauses]):
            if b is None:
                summary.removed.append(_name(before.clauses[a], before))  # type: ignore[index]
                clauses.append(_whole_clause(before.clauses[a], "del"))  # type: ignore[index]
                continue
            clause = section.clauses[b]
            if a is None:
                summary.added.append(_name(clause, section))
                clauses.append(_whole_clause(clause, "ins"))
                continue
            was = before.clauses[a]
            blocks, differs = diff_blocks(was.blocks, clause.blocks)
            retitled = was.title != clause.title
            # A title only the old draft prints is kept, struck through, so Reject All gives it back.
            clauses.append(replace(clause, blocks=blocks, title=clause.title or was.title,
                                   title_runs=_title_runs(was.title, clause.title)))
            if differs or retitled:
                summary.changed.append(_name(clause, section))
            elif was.number != clause.number and clause.number and was.number:
                summary.renumbered.append((clause.id, was.number, clause.number))
        merged.append(replace(section, clauses=clauses, title_runs=_title_runs(before.title, section.title)))
    return merged


def _front(old: Document, new: Document) -> tuple[tuple[tuple[str, tuple[Inline, ...]], ...], bool]:
    """The title block's lines with their changes, and whether any changed."""
    before, after = dict(old.front()), dict(new.front())
    lines: list[tuple[str, tuple[Inline, ...]]] = []
    differs = False
    for name in ("title", "subtitle", "parties_line", "reference"):
        if name in before and name in after:
            runs, changed_here = diff_inlines(before[name], after[name])
        elif name in before or name in after:
            runs, changed_here = _marked(before.get(name) or after[name], "del" if name in before else "ins"), True
        else:
            continue
        lines.append((name, runs))
        differs = differs or changed_here
    return tuple(lines), differs


def _events_changed(old: Document, new: Document, sequence: int, stamp: str) -> Timeline:
    """What a calendar that imported the old draft's events needs to show the new draft's: the
    events that moved or changed and the new ones, at the new revision, and the old draft's
    events the new one no longer has, cancelled."""
    before = {e.uid: e for e in old.timeline.events}
    after = {e.uid: e for e in new.timeline.events}
    # Every event names the agreement and its parties: when those change, every event does.
    renamed = (old.timeline.name, old.timeline.about) != (new.timeline.name, new.timeline.about)
    events = [e for e in new.timeline.events if renamed or before.get(e.uid) != e]
    events += [replace(e, cancelled=True) for e in old.timeline.events if e.uid not in after]
    events.sort(key=lambda e: (e.date, e.kind, e.ordinal))
    return replace(new.timeline, events=tuple(events), sequence=sequence, stamp=stamp)


DEFAULT_AUTHOR = "agreementkit"


def compare(old: Document, new: Document, *, author: str = DEFAULT_AUTHOR, date: str | None = None) -> Redline:
    """The new draft with what differs from the old one marked, and a summary of it. `author` and
    `date` (ISO 8601; default: now, or SOURCE_DATE_EPOCH when set) are what each change carries."""
    from .dates import change_moment

    stamp = change_moment(date)
    summary = Summary()
    sections = _sections(old, new, summary)
    front, front_changed = _front(old, new)
    if front_changed:
        summary.changed.insert(0, "the title block")
    toc: Change = None if old.toc == new.toc else ("ins" if new.toc else "del")
    info = RedlineInfo(tuple(summary.lines()), author, stamp, front, toc)
    # The calendar of changes: SEQUENCE is the new draft's revision, or one above the old draft's when the
    # new one does not say more (RFC 5545: only a higher sequence supersedes what a calendar holds).
    before, after = old.timeline.sequence, new.timeline.sequence
    sequence = after if after > before else before + 1
    document = replace(new, sections=[s for s in sections if s.kind != "annex"],
                       annexes=[s for s in sections if s.kind == "annex"], toc=old.toc or new.toc, redline=info,
                       timeline=_events_changed(old, new, sequence, stamp))
    return Redline(document, summary)


def compare_answers(old: Path, new: Path, *, old_library: list[Path] | None = None,
                    new_library: list[Path] | None = None, author: str = DEFAULT_AUTHOR, date: str | None = None,
                    without_recorded: bool = False) -> Redline:
    """Render two answers files (each with its library layers) and compare the drafts: the Python
    call behind `agreementkit compare`. The same answers with two library versions compare wording.
    A draft whose answers record a layer that is not given is refused, as render refuses it: a
    redline against the built-in wording would show the firm's clauses as changes nobody made."""
    from .assembly import assemble
    from .layered import load_in_layers

    notes: list[str] = []

    def draft(path: Path, layers: list[Path] | None) -> Document:
        answers, house, warnings = load_in_layers(path, layers, without_recorded=without_recorded)
        notes.extend(warnings)
        return assemble(answers, house.library)

    redline = compare(draft(old, old_library), draft(new, new_library), author=author, date=date)
    return replace(redline, notes=notes)


REDLINE_FORMATS = ("docx", "pdf", "html", "md", "ics")

__all__ = ["compare", "compare_answers", "Redline", "Summary", "diff_inlines", "diff_blocks", "REDLINE_FORMATS",
           "DEFAULT_AUTHOR"]
