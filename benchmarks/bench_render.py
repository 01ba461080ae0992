"""Render speed against baselines measured in the same run.

    python benchmarks/bench_render.py            # all examples
    python benchmarks/bench_render.py --repeat 9

For each example it prints medians and ratios:
- DOCX: our writer against a straightforward python-docx build of the same
  content (`add_paragraph(text, style=name)` per paragraph); target <= 0.5x.
- PDF: our writer against bare WeasyPrint on the same HTML; target <= 1.1x.
- CLI: cold start of `agreementkit --help` against `python -c pass`;
  target under 250 ms.
- Interview: replaying a complete draft of the five-party example (what
  `new --resume` does before its first question) against validating the
  same answers once with the model; target <= 40x (a few ms), so that resuming stays
  instant (the engine validates each page and renders every prompt).
Machines here are shared and noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agreementkit.answers import load_answers  # noqa: E402
from agreementkit.assembly import assemble  # noqa: E402
from agreementkit.document import (  # noqa: E402
    Document,
    ItemList,
    Paragraph,
    SignatureBlock,
    Table,
    plain,
)
from agreementkit.resources import builtin_templates  # noqa: E402
from agreementkit.writers.docx import write_docx  # noqa: E402
from agreementkit.writers.html import to_html  # noqa: E402
from agreementkit.writers.pdf import write_pdf  # noqa: E402

TARGET_DOCX = 0.5
TARGET_PDF = 1.1
TARGET_HELP_MS = 250
TARGET_REPLAY = 40


class _Replayer:
    """A front end that is never asked: every answer comes from the draft."""

    def ask(self, ask: object) -> object:
        raise AssertionError("a complete draft asked a question")

    def invalid(self, *args: object) -> None: ...
    def enter_page(self, *args: object) -> None: ...
    def page_problems(self, *args: object) -> None: ...
    def note(self, *args: object) -> None: ...


class _Log:
    def __init__(self, log: dict[str, object]):
        self.log, self.stale, self.derived = log, {}, set()

    def save(self) -> None: ...


def replay_ratio(repeat: int) -> tuple[float, float, int]:
    """(replay ms, validate ms, answers) for a complete draft of the five-party example."""
    from agreementkit.answers import validate_answers
    from agreementkit.interview import InterviewRun
    from agreementkit.questions import load_interview

    interview = load_interview()
    data = load_answers(ROOT / "examples" / "five-party-consortium.yaml").model_dump(mode="json", exclude_none=True)

    class _Defaults(_Replayer):
        """Accepts every proposed answer once, to build the complete draft."""

        def ask(self, ask: object) -> object:
            return ask.default  # type: ignore[attr-defined]

    log = _Log({})
    InterviewRun(interview, log, _Defaults(), revising=data).run()
    full = dict(log.log)
    replay_ms = median_seconds(lambda: InterviewRun(interview, _Log(dict(full)), _Replayer(), revising=data).run(), repeat) * 1000
    validate_ms = median_seconds(lambda: validate_answers(data), repeat) * 1000
    return replay_ms, validate_ms, len(full)


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    work()  # warm caches and imports, as a long-running process would have them
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_docx(document: Document) -> bytes:
    """The obvious python-docx build of the same content: styles looked up by name."""
    import docx

    doc = docx.Document(str(builtin_templates() / "reference.docx"))
    doc.add_paragraph(document.title, style="Title")
    doc.add_paragraph(document.subtitle, style="Subtitle")
    doc.add_paragraph(document.parties_line, style="Body Text")
    for section in document.sections:
        doc.add_paragraph(section.heading, style="Schedule Heading" if section.kind == "schedule" else "Heading 1")
        for clause in section.clauses:
            if clause.title:
                doc.add_paragraph(clause.heading, style="Heading 2")
            for block in clause.blocks:
                if isinstance(block, Paragraph):
                    doc.add_paragraph(plain(block.inlines), style="Body Text")
                elif isinstance(block, ItemList):
                    for label, item in zip(block.labels(), block.items):
                        style = "Sub-clause" if block.ordered else "List Bullet"
                        doc.add_paragraph(f"{label}\t{plain(item)}", style=style)
                elif isinstance(block, Table):
                    rows = [block.header, *block.rows, *block.footer]
                    table = doc.add_table(rows=len(rows), cols=len(block.header), style="Schedule Table")
                    for row, cells in zip(table.rows, rows):
                        for cell, content in zip(row.cells, cells):
                            cell.text = plain(content.inlines)
                elif isinstance(block, SignatureBlock):
                    doc.add_paragraph(f"Signed for and on behalf of {block.party}", style="Signature Party")
                    doc.add_paragraph("Signature", style="Signature Line")
                    doc.add_paragraph(f"Name\t{block.signatory}", style="Signature Detail")
                    doc.add_paragraph(f"Title\t{block.title}", style="Signature Detail")
                    doc.add_paragraph("Date", style="Signature Line")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def bare_weasyprint(html: str) -> Callable[[], bytes]:
    import weasyprint

    folder = str(builtin_templates()) + "/"
    return lambda: weasyprint.HTML(string=html, base_url=folder).write_pdf()


def cold_start_ms(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measurement (median reported)")
    parser.add_argument("examples", nargs="*", type=Path, default=sorted((ROOT / "examples").glob("*.yaml")))
    args = parser.parse_args()

    print(f"{'example':34} {'pages':>5} {'docx ms':>8} {'naive ms':>9} {'ratio':>6}   {'pdf ms':>7} {'bare ms':>8} {'ratio':>6}")
    verdicts = []
    for path in args.examples:
        document = assemble(load_answers(path))
        docx_ms = median_seconds(lambda d=document: write_docx(d), args.repeat) * 1000
        naive_ms = median_seconds(lambda d=document: naive_docx(d), args.repeat) * 1000
        html = to_html(document)
        pdf_ms = median_seconds(lambda d=document: write_pdf(d), args.repeat) * 1000
        bare_ms = median_seconds(bare_weasyprint(html), args.repeat) * 1000
        import pypdf

        pages = len(pypdf.PdfReader(io.BytesIO(write_pdf(document))).pages)
        docx_ratio, pdf_ratio = docx_ms / naive_ms, pdf_ms / bare_ms
        print(f"{path.stem:34} {pages:5d} {docx_ms:8.1f} {naive_ms:9.1f} {docx_ratio:5.2f}x   {pdf_ms:7.1f} {bare_ms:8.1f} {pdf_ratio:5.2f}x")
        if path.stem == "cold-chain-pilot":
            verdicts.append(("DOCX vs naive python-docx (cold-chain-pilot)", docx_ratio, TARGET_DOCX, "x"))
            verdicts.append(("PDF vs bare WeasyPrint (cold-chain-pilot)", pdf_ratio, TARGET_PDF, "x"))

    help_ms = cold_start_ms([sys.executable, "-m", "agreementkit", "--help"], args.repeat)
    bare_ms = cold_start_ms([sys.executable, "-c", "pass"], args.repeat)
    print(f"\ncold start: agreementkit --help {help_ms:.0f} ms, python -c pass {bare_ms:.0f} ms ({help_ms / bare_ms:.1f}x)")
    verdicts.append(("agreementkit --help cold start", help_ms, TARGET_HELP_MS, " ms"))

    replay_ms, validate_ms, count = replay_ratio(args.repeat)
    print(f"interview replay: {count} answers in {replay_ms:.1f} ms, validate_answers {validate_ms:.2f} ms "
          f"({replay_ms / validate_ms:.1f}x)")
    verdicts.append(("interview replay vs one validation (five-party-consortium)", replay_ms / validate_ms, TARGET_REPLAY, "x"))

    print()
    failed = 0
    for name, value, target, unit in verdicts:
        ok = value <= target
        failed += not ok
        print(f"{'meets' if ok else 'MISSES'} target: {name}: {value:.2f}{unit} (target <= {target}{unit})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
