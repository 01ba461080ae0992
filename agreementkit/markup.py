"""Clause Markdown into document blocks, and answers made safe for Markdown.

Clause bodies are CommonMark (with GFM tables), parsed by markdown-it-py.
Answers are data: before an answer reaches the Markdown it is escaped, so a
value such as `**x**`, `<script>` or `[a](b)` prints exactly as typed.

Extensions a clause author uses, all standard Markdown syntax:
- `::: binding` / `::: non_binding` fenced blocks hold wordings for each
  legal status (pandoc's fenced divs);
- a link to `#clause-id` is a cross-reference printed as that clause's number;
- a fenced code block with the info string `signatures` stands for one
  signature block per party;
- in a table, a last row whose first cell is bold is a totals row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from .document import Block, Cell, Inline, ItemList, Paragraph, Ref, Table, Text

VARIANTS = ("binding", "non_binding")
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"[\r\n\t]+")


class Md(str):
    """Text that is already Markdown and must not be escaped again."""


def escape(value: object) -> str:
    """An answer as Markdown that reads back as exactly the same text.

    CommonMark lets any ASCII punctuation be backslash-escaped, so escaping
    all of it is both simple and complete; line breaks become spaces so that a
    value cannot start a new block.
    """
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    text = _BREAKS.sub(" ", str(value))
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_START = re.compile(r"^(\s*)([-+=#>]|\d+[.)])")


def escape_readable(value: str) -> str:
    """Like `escape`, but touching only what Markdown would read as markup.

    The Markdown writer's output is meant to be read and diffed by people,
    so `Company, England` stays as it is while `*`, `[`, `<` and `|` are
    escaped; `guard_line_start` deals with markers that matter only at the
    start of a line.
    """
    return _INLINE_SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", value))


def guard_line_start(line: str) -> str:
    """Escape a leading `-`, `#`, `>` or `1.` that would turn a line into a list or heading."""
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], line, count=1)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    for name in VARIANTS:
        md.use(container_plugin, name=name)
    return md


class MarkupError(ValueError):
    """A clause body uses Markdown that the document model cannot hold."""


# Block elements with no place in an agreement's model: refused at render, reported by lint.
_UNSUPPORTED_BLOCKS = {
    "hr": "a horizontal rule (---)", "code_block": "an indented code block", "blockquote_open": "a block quote (>)",
    "html_block": "raw HTML",
}
_NESTED_LIST = "lists inside lists are not supported in clauses; use a sub-clause list (a), (b) only"
_JINJA_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", re.DOTALL)


def unsupported(body: str, fences: set[str]) -> list[tuple[int, str, bool]]:
    """Markdown in a clause body (before Jinja2 runs) that the writers would refuse or silently drop,
    as (line within the body, what and why, whether it stops the render); lint reports these before
    any document is drafted."""
    def blank(match: re.Match[str]) -> str:
        tag = match.group(0)
        return ("x" if tag.startswith("{{") else "") + "\n" * tag.count("\n")

    found: list[tuple[int, str, bool]] = []
    depth = 0
    for token in _parser().parse(_JINJA_TAG.sub(blank, body)):
        line = token.map[0] + 1 if token.map else 1
        if token.type in _UNSUPPORTED_BLOCKS:
            found.append((line, f"{_UNSUPPORTED_BLOCKS[token.type]} is not used in clauses and stops the render", True))
        elif token.type == "fence" and token.info.strip() not in fences:
            found.append((line, f"a ```{token.info.strip()}``` block is not known (known: {', '.join(sorted(fences))})", True))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth > 1:
                found.append((line, _NESTED_LIST, True))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    found.append((line, "an image is dropped: the writers print no images", False))
                elif child.type == "link_open" and not str(child.attrGet("href") or "").startswith("#"):
                    found.append((line, f"a link to {child.attrGet('href')} prints as plain text; only #clause-id links "
                                        "(cross-references) are kept", False))
    return found


FenceHandler = Callable[[], list[Block]]


def to_blocks(source: str, variant: str, fences: dict[str, FenceHandler] | None = None) -> list[Block]:
    """Parse a rendered clause body into blocks, keeping only `variant`'s wording."""
    tokens = _parser().parse(source)
    return _Converter(variant, fences or {}).blocks(tokens)


class _Converter:
    def __init__(self, variant: str, fences: dict[str, FenceHandler]):
        self.variant = variant
        self.fences = fences

    def blocks(self, tokens: Sequence[Token]) -> list[Block]:
        out: list[Block] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind.startswith("container_") and kind.endswith("_open"):
                name = kind[len("container_"): -len("_open")]
                end = _closing(tokens, i)
                if name == self.variant:
                    out.extend(self.blocks(tokens[i + 1: end]))
                i = end + 1
            elif kind == "paragraph_open" or kind == "heading_open":
                inlines = self.inlines(tokens[i + 1].children or [])
                if kind == "heading_open":
                    inlines = tuple(Text(r.text, strong=True) if isinstance(r, Text) else r for r in inlines)
                if inlines:
                    out.append(Paragraph(inlines))
                i = _closing(tokens, i) + 1
            elif kind in ("bullet_list_open", "ordered_list_open"):
                end = _closing(tokens, i)
                out.append(self.item_list(tokens[i + 1: end], ordered=kind == "ordered_list_open"))
                i = end + 1
            elif kind == "table_open":
                end = _closing(tokens, i)
                out.append(self.table(tokens[i + 1: end]))
                i = end + 1
            elif kind == "fence":
                info = token.info.strip()
                if info not in self.fences:
                    raise MarkupError(f"unknown block ```{info}``` (known: {', '.join(sorted(self.fences)) or 'none'})")
                out.extend(self.fences[info]())
                i += 1
            elif kind in _UNSUPPORTED_BLOCKS:
                raise MarkupError(f"{_UNSUPPORTED_BLOCKS[kind]} is not used in clauses")
            else:
                i += 1
        return out

    def item_list(self, tokens: Sequence[Token], ordered: bool) -> ItemList:
        items: list[tuple[Inline, ...]] = []
        current: list[Inline] | None = None
        for token in tokens:
            if token.type in ("bullet_list_open", "ordered_list_open"):
                raise MarkupError(_NESTED_LIST)
            if token.type == "list_item_open":
                current = []
            elif token.type == "list_item_close":
                items.append(tuple(current or []))
                current = None
            elif token.type == "inline" and current is not None:
                if current:
                    current.append(Text(" "))
                current.extend(self.inlines(token.children or []))
        return ItemList(tuple(items), ordered)

    def table(self, tokens: Sequence[Token]) -> Table:
        rows: list[tuple[Cell, ...]] = []
        row: list[Cell] = []
        numeric = False
        for token in tokens:
            if token.type == "tr_open":
                row = []
            elif token.type in ("th_open", "td_open"):
                numeric = "right" in str(token.attrGet("style") or "")
            elif token.type == "inline":
                row.append(Cell(self.inlines(token.children or []), numeric))
            elif token.type == "tr_close":
                rows.append(tuple(row))
        header, body = rows[0], rows[1:]
        footer: list[tuple[Cell, ...]] = []
        if body and body[-1] and body[-1][0].inlines and all(
            isinstance(r, Text) and r.strong for r in body[-1][0].inlines
        ):
            footer.append(body.pop())
        return Table(header, tuple(body), tuple(footer))

    def inlines(self, children: Sequence[Token]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        strong = emph = False
        in_ref = False
        for token in children:
            kind = token.type
            if kind == "text" or kind == "code_inline":
                if not in_ref and token.content:
                    out.append(Text(token.content, strong, emph))
            elif kind in ("softbreak", "hardbreak"):
                out.append(Text(" ", strong, emph))
            elif kind == "strong_open":
                strong = True
            elif kind == "strong_close":
                strong = False
            elif kind == "em_open":
                emph = True
            elif kind == "em_close":
                emph = False
            elif kind == "link_open":
                href = str(token.attrGet("href") or "")
                if href.startswith("#"):
                    out.append(Ref(href[1:]))
                    in_ref = True
            elif kind == "link_close":
                in_ref = False
        return tuple(_merge(out))


def _merge(runs: list[Inline]) -> list[Inline]:
    """Join neighbouring runs of the same emphasis, so writers emit fewer runs."""
    merged: list[Inline] = []
    for run in runs:
        last = merged[-1] if merged else None
        if isinstance(run, Text) and isinstance(last, Text) and (last.strong, last.emph) == (run.strong, run.emph):
            merged[-1] = Text(last.text + run.text, run.strong, run.emph)
        else:
            merged.append(run)
    if merged and isinstance(merged[-1], Text) and not merged[-1].text.strip():
        merged.pop()
    return merged


def _closing(tokens: Sequence[Token], start: int) -> int:
    """Index of the token that closes the one at `start` (same nesting level)."""
    level = 0
    for index in range(start, len(tokens)):
        level += tokens[index].nesting
        if level == 0:
            return index
    return len(tokens) - 1
