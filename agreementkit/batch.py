"""Many agreements in one call: an advisor's clients, or a legal team's scenarios.

Each answers file is an independent job: one bad file is reported and never
stops the others. Jobs run in worker processes that import WeasyPrint and
load the library once and then stay warm, which is where a cold render spends
most of its time. Results come back as each job finishes, for a progress bar;
`render_one` is the same work for one file, usable on its own.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from .errors import AgreementkitError, UserError

Status = Literal["rendered", "blocked", "refused", "failed"]
ANSWERS_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Job:
    """One answers file and where its documents go."""

    answers: Path
    folder: Path
    formats: tuple[str, ...]
    force: bool = False
    advisor: bool = False
    library: tuple[Path, ...] = ()
    templates: Path | None = None
    without_recorded: bool = False  # answers made with layers not given: render with the built-in wording, warned
    stamp: str = ""  # the calendar's DTSTAMP (ISO 8601, UTC); "" for SOURCE_DATE_EPOCH or the effective date


@dataclass(frozen=True)
class Result:
    """What became of one job, in words a person reads in the summary."""

    answers: Path
    status: Status
    written: tuple[Path, ...] = ()
    message: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return {"rendered": 0, "blocked": 1, "refused": 2, "failed": 70}[self.status]


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Answers files named directly, and the `*.yaml`/`*.yml` files of any folder given, sorted;
    each once. A folder with none is refused: it is almost certainly the wrong folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())
            if not inside:
                raise UserError(f"{path} is a folder with no answers files (*.yaml or *.yml) in it")
            found.extend(inside)
        else:
            found.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    by_resolved = {p.resolve(): p for p in found}
    return [by_resolved[p] for p in unique]


def plan_jobs(inputs: list[Path], folder: Path, formats: tuple[str, ...], **options: object) -> list[Job]:
    """One job per answers file, refusing two files that would write the same documents."""
    stems: dict[str, Path] = {}
    for path in inputs:
        other = stems.setdefault(path.stem, path)
        if other != path:
            raise UserError(f"{other} and {path} would both write {folder / path.stem}.*; rename one of them")
    return [Job(path, folder, formats, **options) for path in inputs]  # type: ignore[arg-type]


def render_one(job: Job) -> Result:
    """Load, check, assemble and write one agreement; every user error becomes a refused result."""
    from .assembly import assemble
    from .layered import load_in_layers
    from .render import check_writable, plan_outputs, write_outputs

    layers = list(job.library) or None
    try:
        outputs = plan_outputs(job.folder, job.answers.stem, list(job.formats))
        check_writable(outputs, job.force)
        answers, house, notes = load_in_layers(job.answers, layers, without_recorded=job.without_recorded)
        report = house.check(answers, str(job.answers))
        warnings = (*notes, *(f"{f.path}: {f.finding} [{f.rule}]" for f in report.warnings))
        if report.errors:
            errors = "; ".join(f"{f.path}: {f.finding} [{f.rule}]" for f in report.errors)
            return Result(job.answers, "blocked", message=f"health check errors: {errors}", warnings=warnings)
        document = assemble(answers, house.library)
        if job.stamp:
            from dataclasses import replace

            document = replace(document, timeline=replace(document.timeline, stamp=job.stamp))
        if job.advisor:
            from .checks.notes import with_drafting_notes

            document = with_drafting_notes(document, report)
        written = write_outputs(document, outputs, force=job.force, templates=job.templates)
        return Result(job.answers, "rendered", tuple(written), warnings=warnings)
    except AgreementkitError as exc:
        return Result(job.answers, "refused", message=str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not stop the others
        return Result(job.answers, "failed", message=f"internal error: {type(exc).__name__}: {exc} (a bug in agreementkit; "
                                                     "render this file alone with --debug to see the traceback)")


def _warm(formats: tuple[str, ...]) -> None:
    """Pay the imports once per worker, not once per document; then set what they made aside."""
    from .assembly import default_library
    from .questions.spec import load_interview

    default_library()
    load_interview(None)
    if "pdf" in formats:
        from .writers.pdf import load_weasyprint

        load_weasyprint()
    if "docx" in formats:
        import docx  # noqa: F401
    _set_aside_heap()


def _set_aside_heap() -> None:
    """Hide every object alive now (the imported libraries, the clause library) from the cyclic
    garbage collector, which then has far less to walk on each full collection. Garbage made
    later is still collected. Only for a process that renders and nothing else: a worker, or a
    batch in this process (which `_heap_set_aside` undoes afterwards)."""
    gc.collect()
    gc.freeze()


@contextmanager
def _heap_set_aside(formats: tuple[str, ...]) -> Iterator[None]:
    """`_warm` for a batch rendered in this process, undone when the batch ends: the caller's
    objects go back under the collector (into its oldest generation) as they were."""
    _warm(formats)
    try:
        yield
    finally:
        gc.unfreeze()


def _render_settled(job: Job) -> Result:
    """`render_one` as a batch runs it: no full collection while the document is being made, one when it is done.

    A PDF builds a few hundred thousand objects that all live until the page is written (WeasyPrint's
    boxes and styles), so each full collection in the middle walks them all and frees nothing: with
    the heap set aside too, a batch spent about a sixth of its CPU in the collector (measured with
    `gc.callbacks`; `benchmarks/bench_batch.py`). The young generations still run, so memory stays flat."""
    global _FIRST_SET_ASIDE
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], 1 << 30)
    try:
        return render_one(job)
    finally:
        gc.set_threshold(*threshold)
        gc.collect()
        if not _FIRST_SET_ASIDE and gc.get_freeze_count():
            # What the first document left alive for the others (fonts, compiled templates, the parsed
            # house style) is set aside as well: the full collection after each later one halves again.
            gc.freeze()
            _FIRST_SET_ASIDE = True


_FIRST_SET_ASIDE = False


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def render_many(jobs: list[Job], workers: int | None = None,
                on_start: Callable[[int], None] | None = None) -> Iterator[Result]:
    """Results in the order the jobs finish. One worker renders in this process;
    more run in a pool of warm processes (never more than there are jobs)."""
    count = min(workers or default_jobs(), len(jobs)) or 1
    if on_start:
        on_start(count)
    formats = tuple(sorted({f for job in jobs for f in job.formats}))
    if count == 1:
        with _heap_set_aside(formats):
            for job in jobs:
                yield _render_settled(job)
        return
    # spawn: workers start clean, whatever threads this process runs (a progress bar's, for one).
    with ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn"), initializer=_warm,
                             initargs=(formats,)) as pool:
        pending: dict[Future[Result], Job] = {pool.submit(_render_settled, job): job for job in jobs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker must not lose the other results
                    yield Result(job.answers, "failed", message=f"internal error: {type(exc).__name__}: {exc}")


def overall_exit_code(results: Iterable[Result]) -> int:
    """The batch's exit code: the worst of its files, as if each had been rendered alone
    (an internal error over bad input over blocking findings)."""
    codes = {r.exit_code for r in results}
    for code in (70, 2, 1):
        if code in codes:
            return code
    return 0


__all__ = ["Job", "Result", "default_jobs", "expand_inputs", "overall_exit_code", "plan_jobs", "render_many", "render_one"]
