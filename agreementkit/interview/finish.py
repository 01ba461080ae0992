"""The end of an interview, terminal or browser: the answers file and the documents.

Both front ends finish the same way: validate the answers with the
interview's layers, stop on health-check errors, assemble with the layers'
clause library and render through `render_bytes`, writing every file
atomically and never replacing one without being asked to. The formats on
offer are `render`'s own list, ticked as `new` and `render` choose by default,
so a format `render_bytes` learns is offered by both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..answers import Answers
from ..document import Document
from ..errors import OutputExistsError, UserError
from ..library import ClauseLibrary
from ..questions.spec import Interview
from ..render import FORMATS as DOCUMENT_FORMATS
from .draft import Draft

ANSWERS = "yaml"


def file_stem(data: dict[str, Any]) -> str:
    names = [p.get("short_name") or p.get("name", "") for p in data.get("parties", [])][:3]
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", n.lower().removeprefix("the ")).strip("-") for n in names)
    return (slug or "partnership") + "-mou"


def extra_validator(interview: Interview) -> Any:
    from ..questions.extra import validate_extra

    def check(data: Any, keys: set[str]) -> list[Any]:
        return validate_extra(interview, data, keys)[1]

    return check


def with_kept(data: dict[str, Any], draft: Draft) -> dict[str, Any]:
    """Answers the interview does not ask, carried over from the answers being revised."""
    kept = dict(data)
    if draft.defaults and draft.defaults.get("check"):
        kept["check"] = draft.defaults["check"]
    if draft.libraries:
        kept["libraries"] = list(draft.libraries)
    return kept


class HealthCheckErrors(UserError):
    """The health check found errors: nothing is written until they are fixed."""

    exit_code = 1


@dataclass
class Finished:
    """Validated answers and their document, ready to become files."""

    answers: Answers
    document: Document
    stem: str

    def file_name(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"

    def content(self, fmt: str, templates: Path | None = None) -> bytes:
        """One output in memory: the answers file, or the document in a format."""
        if fmt == ANSWERS:
            from ..answers import answers_to_yaml

            return answers_to_yaml(self.answers).encode("utf-8")
        if fmt not in DOCUMENT_FORMATS:
            raise UserError(f"unknown format '{fmt}': choose from {', '.join((ANSWERS, *DOCUMENT_FORMATS))}")
        from ..render import render_bytes

        return render_bytes(self.document, fmt, templates)


def finish(data: dict[str, Any], interview: Interview, library: ClauseLibrary) -> Finished:
    """The answers checked as `new` checks them before writing; AnswersError or
    HealthCheckErrors when they cannot be written yet."""
    from ..answers import validate_answers
    from ..assembly import assemble
    from ..checks import check_answers, load_rules

    answers = validate_answers(data, interview=interview)
    errors = check_answers(answers, rules=load_rules(interview.layers), interview=interview).errors
    if errors:
        raise HealthCheckErrors("the health check found errors: " + " ".join(f"{f.finding} {f.suggestion}" for f in errors))
    return Finished(answers, assemble(answers, library), file_stem(data))


def write_files(finished: Finished, folder: Path, formats: list[str], *, replace: bool,
                templates: Path | None = None) -> list[Path]:
    """Write the answers file and the chosen documents into `folder`: all or nothing,
    and an existing file only with `replace`."""
    from ..render import atomic_write, plan_outputs, write_outputs

    unknown = [f for f in formats if f not in DOCUMENT_FORMATS]
    if unknown:
        raise UserError(f"unknown format '{unknown[0]}': choose from {', '.join(DOCUMENT_FORMATS)}")
    answers_path = folder / finished.file_name(ANSWERS)
    outputs = plan_outputs(folder, finished.stem, formats) if formats else []
    existing = [p for p in [answers_path, *(o.path for o in outputs)] if p.exists()]
    if existing and not replace:
        names = ", ".join(p.name for p in existing)
        raise OutputExistsError(f"{names} already exist{'s' if len(existing) == 1 else ''} in {folder}; "
                                "tick “Replace existing files” to replace them")
    written = write_outputs(finished.document, outputs, force=True, templates=templates) if outputs else []
    try:
        atomic_write(answers_path, finished.content(ANSWERS))
    except OSError as exc:
        raise UserError(f"cannot write {answers_path}: {exc.strerror}") from None
    return [answers_path, *written]
