"""Batch rendering against the ways a user could do the same work, in one run.

    python benchmarks/bench_batch.py              # 40 answers files, PDF
    python benchmarks/bench_batch.py --files 12 --memory 60

Prints documents per second for:
- 40 separate `agreementkit render FILE` calls (what a shell loop does);
- one process looping over the library call (`batch.render_one`): the single-process rate;
- `agreementkit render DIR --jobs 1` and `--jobs 2` (warm worker processes);
- LibreOffice converting the same documents' DOCX to PDF in one batch, when installed.
Targets: --jobs 2 at least 1.7x the single-process rate on a 2-core machine, and
at least half LibreOffice's batch rate on the same documents (the ratio is printed).
Then memory: the resident size of one process rendering 200 PDFs, sampled as it
goes; it must stay flat (target: the last sample within 15% of the one after 20).
`--memory 0` skips it (fewer than 20 documents give no sample to compare).
Machines here are shared and noisy: read the ratios, not the seconds. Each way's CPU time
per document is printed too (a busy machine changes it far less than wall time), with the
ratio of ours to LibreOffice's that the --jobs 2 target allows on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SPEEDUP = 1.7
TARGET_LIBREOFFICE = 0.5  # --jobs 2 against LibreOffice's DOCX -> PDF batch of the same documents
TARGET_MEMORY_GROWTH = 0.15
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CLI = [sys.executable, "-m", "agreementkit"]

MEMORY = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from agreementkit.batch import Job, render_one

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
examples = sorted(Path({examples!r}).glob("*.yaml"))
out = Path({out!r})
samples = []
for i in range({count}):
    result = render_one(Job(examples[i % len(examples)], out, ("pdf",), force=True))
    assert result.status == "rendered", result
    if (i + 1) % 20 == 0:
        samples.append(round(rss_mb(), 1))
print(samples)
"""


def inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = folder / f"client-{i:02d}.yaml"
        shutil.copy(EXAMPLES[i % len(EXAMPLES)], path)
        files.append(path)
    return files


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cpu: dict[str, float] | None = None, name: str = "") -> float:
    """Wall seconds of a command; its CPU seconds (all its processes) go into `cpu[name]` when given."""
    before = children_cpu()
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    if cpu is not None:
        cpu[name] = children_cpu() - before
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--memory", type=int, default=200, help="documents rendered for the memory figure")
    parser.add_argument("--skip-separate", action="store_true", help="skip the slow separate-calls baseline")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    files = inputs(work / "in", args.files)
    n = len(files)
    rates: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds of each way, which a busy machine changes far less than wall time

    if not args.skip_separate:
        start = time.perf_counter()
        for path in files:
            subprocess.run([*CLI, "render", str(path), "-o", str(work / "separate"), "--format", "pdf", "--force"],
                           check=True, capture_output=True)
        rates["separate CLI calls"] = n / (time.perf_counter() - start)

    from agreementkit.batch import Job, render_one

    start, started = time.perf_counter(), time.process_time()
    for path in files:
        result = render_one(Job(path, work / "loop", ("pdf",), force=True))
        assert result.status == "rendered", result
    rates["one process looping"] = n / (time.perf_counter() - start)
    cpu["one process looping"] = time.process_time() - started

    for jobs in (1, 2):
        seconds = timed([*CLI, "render", str(work / "in"), "-o", str(work / f"jobs{jobs}"), "--format", "pdf", "--force",
                         "--jobs", str(jobs)], cpu, f"render DIR --jobs {jobs}")
        rates[f"render DIR --jobs {jobs}"] = n / seconds

    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run([*CLI, "render", str(work / "in"), "-o", str(work / "docx"), "--format", "docx", "--force"],
                       check=True, capture_output=True)
        docx = sorted(str(p) for p in (work / "docx").glob("*.docx"))
        rates["LibreOffice DOCX->PDF batch"] = n / timed([soffice, "--headless", "--convert-to", "pdf", "--outdir",
                                                          str(work / "lo"), *docx], cpu, "LibreOffice DOCX->PDF batch")

    single = rates["one process looping"]
    print(f"{n} answers files to PDF on {os.cpu_count()} cores")
    for name, rate in rates.items():
        spent = f"   {cpu[name] / n * 1000:5.0f} ms CPU/document" if name in cpu else ""
        print(f"  {name:32s} {rate:6.2f} documents/s   {rate / single:5.2f}x the single-process rate{spent}")
    speedup = rates["render DIR --jobs 2"] / single
    print(f"  --jobs 2 speed-up: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x) "
          f"{'MET' if speedup >= TARGET_SPEEDUP else 'MISSED'}")
    libreoffice = rates.get("LibreOffice DOCX->PDF batch")
    if libreoffice:
        for name in ("one process looping", "render DIR --jobs 2"):
            ratio = rates[name] / libreoffice
            target = f" (target >= {TARGET_LIBREOFFICE:.2f}) {'MET' if ratio >= TARGET_LIBREOFFICE else 'MISSED'}" \
                if name.endswith("--jobs 2") else ""
            print(f"  {name} against LibreOffice's batch: {ratio:.2f}x its rate{target}")
        # Wall-clock rates on a shared machine measure the neighbours too; CPU time per document
        # much less. On an idle machine LibreOffice's batch (one core) converts 1/theirs documents a
        # second and --jobs 2 renders speed-up/ours, so the target (at least TARGET_LIBREOFFICE of
        # its rate) holds while ours/theirs <= speed-up / TARGET_LIBREOFFICE.
        ours, theirs = cpu["one process looping"] / n, cpu["LibreOffice DOCX->PDF batch"] / n
        allowed = min(speedup, 2.0) / TARGET_LIBREOFFICE
        print(f"  CPU per document: ours {ours * 1000:.0f} ms, LibreOffice's {theirs * 1000:.0f} ms, {ours / theirs:.2f}x "
              f"(on an idle machine the --jobs 2 target holds up to {allowed:.2f}x at this run's speed-up, "
              f"{2 / TARGET_LIBREOFFICE:.1f}x at a perfect one)")
    else:
        print("  LibreOffice (soffice) is not installed: no ratio to its batch")

    if args.memory >= 20:
        code = MEMORY.format(root=str(ROOT), examples=str(ROOT / "examples"), out=str(work / "memory"), count=args.memory)
        samples = eval(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        growth = samples[-1] / samples[0] - 1
        print(f"memory over {args.memory} PDFs (MB resident, every 20): {samples}")
        print(f"  growth after the first 20: {growth:+.1%} (target <= {TARGET_MEMORY_GROWTH:.0%}) "
              f"{'MET' if growth <= TARGET_MEMORY_GROWTH else 'MISSED'}")
    else:
        print("memory: skipped (--memory below 20 renders no sample)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
