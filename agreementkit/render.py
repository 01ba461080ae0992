"""From a document to files on disk, without ever leaving a half-written one.

Every output is rendered in memory first; only when all requested formats
have rendered are they written, each to a temporary file in the target folder
and then renamed into place. An existing file is replaced only with `force`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .document import Document
from .errors import OutputExistsError, UserError

FORMATS = ("docx", "pdf", "html", "md", "ics")
DEFAULT_FORMATS = ("docx", "pdf")


def render_bytes(document: Document, fmt: str, templates: Path | None = None) -> bytes:
    """The document in one format (`ics`: its calendar of dated events). Writers are imported only when asked for."""
    if fmt == "docx":
        from .writers.docx import write_docx

        return write_docx(document, templates)
    if fmt == "pdf":
        from .writers.pdf import write_pdf

        return write_pdf(document, templates)
    if fmt == "html":
        from .writers.html import write_html

        return write_html(document, templates)
    if fmt == "md":
        from .writers.markdown import write_markdown

        return write_markdown(document)
    if fmt == "ics":
        from .writers.ics import write_ics

        return write_ics(document)
    raise UserError(f"unknown format '{fmt}': choose from {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path


def parse_formats(text: str) -> list[str]:
    """`docx,pdf` as a list, refusing unknown names with the choices."""
    formats = [part.strip().lower().lstrip(".") for part in text.split(",") if part.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def plan_outputs(target: Path, stem: str, formats: list[str] | None = None) -> list[Output]:
    """Where each output goes.

    A target with a known extension names one file, whose extension picks the
    format; anything else is a folder that receives `stem.<format>` for each
    format asked for (DOCX and PDF by default).
    """
    suffix = target.suffix.lower().lstrip(".")
    if suffix in FORMATS and not target.is_dir():
        if formats and formats != [suffix]:
            raise UserError(f"-o {target} names a .{suffix} file but --format asks for {', '.join(formats)}; "
                            "give a folder with -o to write several formats")
        return [Output(suffix, target)]
    if target.suffix and not target.is_dir():
        raise UserError(f"-o {target}: unknown extension '{target.suffix}'; use .docx, .pdf, .html, .md or .ics, or a folder")
    return [Output(fmt, target / f"{stem}.{fmt}") for fmt in (formats or DEFAULT_FORMATS)]


def check_writable(outputs: list[Output], force: bool) -> None:
    """Refuse before any work is done if an output exists and may not be replaced."""
    existing = [o.path for o in outputs if o.path.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise OutputExistsError(f"{names} already {verb}; use --force to replace it")
    for output in outputs:
        if output.path.is_dir():
            raise UserError(f"{output.path} is a folder, not a file")


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells it (a server's threads must never
    see it set to 0), else read once by setting and restoring it."""
    global _UMASK
    if _UMASK is None:
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                line = next((row for row in status if row.startswith("Umask:")), "")
            _UMASK = int(line.split()[1], 8)
        except (OSError, IndexError, ValueError):
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
    return _UMASK


_UMASK: int | None = None


def atomic_write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write via a temporary file in the same folder and a rename, so a reader
    (or a crash) never sees a partial file. The file gets the permissions the
    user's umask gives new files, or, `private`, only the owner's (drafts hold
    names and email addresses while an interview is under way)."""
    mode = 0o600 if private else 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(
    document: Document,
    outputs: list[Output],
    *,
    force: bool = False,
    templates: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Render every output, then write them all; nothing is written if any fails."""
    check_writable(outputs, force)
    rendered: list[tuple[Path, bytes]] = []
    for output in outputs:
        if progress:
            progress(f"Rendering {output.fmt.upper()}")
        rendered.append((output.path, render_bytes(document, output.fmt, templates)))
    for path, data in rendered:
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror}") from None
    return [path for path, _ in rendered]


def write(document: Document, path: str | Path, *, force: bool = False, templates: Path | None = None) -> Path:
    """Write the document to one file whose extension picks the format."""
    target = Path(path)
    outputs = plan_outputs(target, target.stem)
    if len(outputs) != 1:
        raise UserError(f"{target}: give a file name ending in .docx, .pdf, .html, .md or .ics")
    return write_outputs(document, outputs, force=force, templates=templates)[0]


__all__ = ["FORMATS", "Output", "render_bytes", "plan_outputs", "write_outputs", "write", "parse_formats"]
