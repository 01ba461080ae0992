"""The Markdown writer: plain text for diffs and review in version control.

Answers are escaped so that the Markdown, read by any CommonMark renderer,
shows exactly the text the other formats show.
"""

from __future__ import annotations

from ..document import (
    Cell,
    Document,
    Figure,
    Inline,
    ItemList,
    Paragraph,
    Ref,
    SignatureBlock,
    Table,
)
from ..markup import escape_readable as escape
from ..markup import guard_line_start

_CRITIC = {"ins": ("{++", "++}"), "del": ("{--", "--}")}  # CriticMarkup, for a redline's changes


def _inlines(runs: tuple[Inline, ...]) -> str:
    out = []
    for run in runs:
        text = _inline(run)
        if run.change:
            opening, closing = _CRITIC[run.change]
            text = f"{opening}{text}{closing}"
        out.append(text)
    return "".join(out)


def _inline(run: Inline) -> str:
    if isinstance(run, Ref):
        return escape(run.label)
    text = escape(run.text)
    stripped = text.strip()
    if stripped and (run.strong or run.emph):
        mark = "***" if run.strong and run.emph else "**" if run.strong else "*"
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        text = f"{lead}{mark}{stripped}{mark}{trail}"
    return text


def _row(cells: tuple[Cell, ...]) -> str:
    return "| " + " | ".join(_inlines(c.inlines) for c in cells) + " |"


def _table(table: Table) -> list[str]:
    rule = "|" + "|".join("---:" if c.numeric else "---" for c in table.header) + "|"
    return [_row(table.header), rule, *(_row(r) for r in table.rows), *(_row(r) for r in table.footer)]


def _note(document: Document) -> list[str]:
    """A redline's summary as a CriticMarkup comment before the title: it belongs to neither
    draft, and accepting or rejecting the changes removes it with them."""
    info = document.redline
    if info is None:
        return []
    said = [f"Redline: changes from the previous draft, by {info.author}, {info.date[:10]}.", *info.summary]
    return ["{>>" + escape(" ".join(said)) + "<<}", ""]


def _figure(figure: Figure) -> list[str]:
    """The chart as an image carried in the file itself (a data URI of its SVG), so the Markdown
    stays one self-contained file, with its caption below it."""
    import base64

    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    mark = _CRITIC.get(figure.change or "", ("", ""))
    caption = _inlines(figure.caption)
    return [f"{mark[0]}![{escape(figure.description)}](data:image/svg+xml;base64,{data}){mark[1]}", "",
            guard_line_start(f"*{caption}*" if caption and not figure.change else caption)]


def to_markdown(document: Document) -> str:
    front = dict(document.front())
    lines = [*_note(document), f"# {_inlines(front['title'])}", "", guard_line_start(_inlines(front["subtitle"])), "",
             _inlines(front["parties_line"])]
    if "reference" in front:
        lines += ["", _inlines(front["reference"])]
    for section in [*document.sections, *document.annexes]:
        lines += ["", f"## {_inlines(section.heading_runs())}"]
        for clause in section.clauses:
            if clause.title:
                lines += ["", f"### {_inlines(clause.heading_runs())}"]
            for block in clause.blocks:
                lines.append("")
                if isinstance(block, Paragraph):
                    lines.append(guard_line_start(_inlines(block.inlines)))
                elif isinstance(block, ItemList):
                    marker = (lambda label: f"- {escape(label)}") if block.ordered else (lambda label: "-")
                    lines += [f"{marker(label)} {_inlines(item)}" for label, item in zip(block.labels(), block.items)]
                elif isinstance(block, Table):
                    lines += _table(block)
                elif isinstance(block, Figure):
                    lines += _figure(block)
                elif isinstance(block, SignatureBlock):
                    lines += [
                        f"Signed for and on behalf of **{escape(block.party)}**"
                        + (f", {escape(block.description)}" if block.description else ""),
                        "",
                        "Signature: ______________________________  ",
                        f"Name: {escape(block.signatory)}  ",
                        f"Title: {escape(block.title)}  ",
                        "Date: ______________________________",
                    ]
    return "\n".join(lines) + "\n"


def write_markdown(document: Document) -> bytes:
    return to_markdown(document).encode("utf-8")
