"""Review pack speed against the MOU it reviews, measured in the same run.

    python benchmarks/bench_review.py            # the cold-chain example's three reviews
    python benchmarks/bench_review.py --repeat 5

It prints medians and ratios, warm (everything imported, as a second render in
one process is):
- the pack's model: reading the history, the findings and drawing the five
  charts (SVG and PNG each) against assembling the MOU itself;
- the pack as PDF and as DOCX against the MOU in the same format: the charts
  are inline SVG in the PDF and PNG pictures in the DOCX;
- matplotlib's import, paid once by `review render` and by no other command.
Machines here are shared and noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
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
from agreementkit.render import render_bytes  # noqa: E402
from agreementkit.reviews.findings import exit_clause  # noqa: E402
from agreementkit.reviews.history import load_history  # noqa: E402
from agreementkit.reviews.pack import build_pack  # noqa: E402

HISTORY = ROOT / "examples" / "cold-chain-pilot-reviews"


def median(function: Callable[[], object], repeat: int) -> float:
    function()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    history = load_history(HISTORY)
    answers = load_answers(history.answers_path)
    clause = exit_clause(history)
    pack = build_pack(history, clause).document
    mou = assemble(answers)
    rows = [
        ("model: pack (with charts) / MOU", median(lambda: build_pack(history, clause), args.repeat),
         median(lambda: assemble(answers), args.repeat)),
        ("PDF: pack / MOU", median(lambda: render_bytes(pack, "pdf"), args.repeat), median(lambda: render_bytes(mou, "pdf"), args.repeat)),
        ("DOCX: pack / MOU", median(lambda: render_bytes(pack, "docx"), args.repeat),
         median(lambda: render_bytes(mou, "docx"), args.repeat)),
    ]
    for name, ours, base in rows:
        print(f"{name:36} {ours * 1000:8.0f} ms / {base * 1000:6.0f} ms = {ours / base:5.1f}x")
    code = "import time; t = time.perf_counter(); import matplotlib.figure; print(time.perf_counter() - t)"
    imported = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
                for _ in range(args.repeat)]
    print(f"{'matplotlib import (review render only)':36} {statistics.median(imported) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
