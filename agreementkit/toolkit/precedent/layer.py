"""The imported layer's files: clauses, sections, questions, the scenario and the report.

The files are first written into a scratch copy of the layer, where the
library and the interview are loaded, lint runs, the scenario is rendered
and approved, and the round trip is read back; only then do the new files go
into the real folder. So a precedent that cannot become a working layer
leaves the layer as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ... import __version__
from ...errors import UserError
from ...library import CLAUSES_DIR, SECTIONS_FILE
from ...render import atomic_write
from .blanks import NewQuestion
from .clausetext import _JINJA_OPEN

if TYPE_CHECKING:
    from .importer import ImportedClause, _Import

REPORT = "IMPORT.md"
_MARK = "<!-- agreementkit import: {slug} -->"
_END = "<!-- end of agreementkit import: {slug} -->"


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)


def _no_jinja(text: str) -> str:
    """Words for a question's prompt or help, which are templates: braces printed as written."""
    return _JINJA_OPEN.sub("{{ '{' }}", text)


def clause_file(clause: ImportedClause) -> str:
    meta: dict[str, Any] = {"id": clause.id, "title": clause.title, "section": clause.section, "order": clause.order,
                            "version": 1, "source": clause.source}
    if clause.overrides:
        meta["overrides"] = clause.overrides
    if clause.condition:
        meta["condition"] = clause.condition
    meta["binds"] = clause.binds
    if clause.survives:
        meta["survives"] = True
    if clause.uses:
        meta["uses"] = clause.uses
    if clause.terms:
        meta["defines"] = clause.terms
    notes = []
    if clause.candidate is not None:
        verb = "replaces" if clause.overrides else "looks like"
        notes.append(f"# {verb} built-in {clause.candidate.clause.meta.id}@{clause.candidate.clause.meta.version} "
                     f"({clause.candidate.why}); see IMPORT.md")
    notes.append("# binds: decide whether this clause binds the parties in a non-binding MOU (see IMPORT.md)")
    assert clause.text is not None
    return "---\n" + "\n".join(notes) + "\n" + _front_matter(meta) + "---\n" + clause.text.body


def _front_matter(meta: dict[str, Any]) -> str:
    """Front matter as the built-in clauses write it: one key a line, lists in brackets."""
    lines = []
    for key, value in meta.items():
        if isinstance(value, list):
            shown = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
        else:
            shown = yaml.safe_dump(value, allow_unicode=True, width=10_000).strip().removesuffix("\n...").strip()
        lines.append(f"{key}: {shown}")
    return "\n".join(lines) + "\n"


def _question_entry(question: NewQuestion) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": question.id, "page": question.page, "type": question.type,
                             "prompt": question.prompt_template or _no_jinja(question.prompt),
                             "label": question.name.replace("_", " "),
                             "help": _no_jinja(question.help), "required": False, "quick": True}
    if question.default is not None:
        entry["default"] = _no_jinja(question.default) if isinstance(question.default, str) else question.default
    if question.type in ("select", "party"):
        entry["none_label"] = _no_jinja(f"leave it open: {question.occurrences[0].raw}")
    if question.type == "select":
        entry["options"] = [{"value": option, "label": option} for option in question.options]
    return entry


def questions_file(imp: _Import) -> str:
    result = imp.result
    data: dict[str, Any] = {}
    if result.page is not None and any(q.page == result.page[0] for q in result.questions):
        feeds = [d.section for d in result.sections if d.new]
        data["pages"] = [{"id": result.page[0], "title": result.page[1],
                          "why": _no_jinja(f"The blanks of the precedent {imp.source.name}."),
                          "feeds": feeds, "order": 135}]
    data["questions"] = [_question_entry(q) for q in result.questions]
    header = (f"# Questions for the blanks of {imp.source.name}, written by `agreementkit library import`.\n"
              "# Each answer goes under extra: in answers files; IMPORT.md says where each blank was.\n")
    return header + _dump(data)


def _sections_text(imp: _Import, existing: str | None) -> str | None:
    """sections.yaml with the new sections added at its end (None when there are none to add)."""
    new = [d for d in imp.result.sections if d.new]
    seen: set[str] = set()
    entries = []
    for decision in new:
        if decision.section in seen:
            continue
        seen.add(decision.section)
        # A section title may be a template (it can follow the answers): braces print as written.
        entry: dict[str, Any] = {"id": decision.section, "title": _no_jinja(decision.title), "order": decision.order}
        if decision.kind != "clauses":
            entry["kind"] = decision.kind
        entries.append("  - " + yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, default_flow_style=True,
                                                width=10_000).strip())
    if not entries:
        return None
    if existing is None:
        return ("# Sections this layer adds, placed among the built-in ones by their order (built-in: 10 ... 170,\n"
                "# schedules from 200). Written by `agreementkit library import`.\nsections:\n" + "\n".join(entries) + "\n")
    text = existing if existing.endswith("\n") else existing + "\n"
    added = text + "\n".join(entries) + "\n"
    try:
        before = yaml.safe_load(existing) or {}
        after = yaml.safe_load(added) or {}
        ok = (isinstance(before, dict) and isinstance(after, dict)
              and after.get("sections", [])[: len(before.get("sections", []) or [])] == (before.get("sections") or [])
              and len(after.get("sections") or []) == len(before.get("sections") or []) + len(entries))
    except yaml.YAMLError:
        ok = False
    if not ok:
        raise UserError(f"cannot add to the layer's {SECTIONS_FILE}, whose sections are not a block list at its end; "
                        "add these entries to it by hand and import again:\n" + "\n".join(entries))
    return added


def _library_yaml(folder: Path) -> str:
    import re

    name = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-") or "house-library"
    return (f"# The layer's name and version, recorded for the people who maintain it.\nname: {name}\nversion: 0.1.0\n"
            f"agreementkit: \">={__version__}\"\n")


def _readme(imp: _Import) -> str:
    folder = imp.folder
    return (f"# {imp.folder.name}\n\nA clause library layer for agreementkit, imported from {imp.source.name} with "
            f"`agreementkit library import`. `IMPORT.md` lists what was imported and what a person still has to decide.\n\n"
            f"    agreementkit lint --library {folder}\n    agreementkit test --library {folder}\n"
            f"    agreementkit new --library {folder} -o drafts/\n")


def _scenario_answers(imp: _Import) -> dict[str, Any]:
    data = imp.sample_answers.model_dump(mode="json", exclude_none=True)
    extra: dict[str, Any] = {}
    for question in imp.result.questions:
        value = question.sample
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, date):
            value = value.isoformat()
        extra[question.name] = value
    data["extra"] = extra
    data["libraries"] = [str(imp.folder)]
    return data


def _replace_report(existing: str | None, section: str, slug: str) -> str:
    start, end = _MARK.format(slug=slug), _END.format(slug=slug)
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    if not existing:
        return block
    if start in existing and end in existing:
        head, rest = existing.split(start, 1)
        return head + block + rest.split(end, 1)[1].lstrip("\n")
    return existing.rstrip("\n") + "\n\n" + block


def write_layer(imp: _Import) -> None:
    from ...answers import answers_to_yaml, load_answers, validate_answers
    from ...assembly import assemble
    from ...library import load_library
    from ...questions.spec import load_interview
    from ..lint import lint_library
    from ..scenarios import run_scenario
    from .report import render_report
    from .roundtrip import round_trip

    result = imp.result
    folder = imp.folder
    files: dict[str, str] = {c.path: clause_file(c) for c in result.clauses}
    if result.questions:
        files[f"questions/{imp.slug}.yaml"] = questions_file(imp)
    scenario = f"tests/{imp.slug}"
    result.scenario_name = imp.slug
    planned = [*files, f"{scenario}.yaml", f"{scenario}.md", f"{scenario}.expect.yaml"]
    clashes = [p for p in planned if (folder / p).exists()]
    report_path = folder / REPORT
    old_report = report_path.read_text(encoding="utf-8") if report_path.is_file() else None
    if old_report and _MARK.format(slug=imp.slug) in old_report and not imp.force:
        clashes.append(REPORT + f" (its report of {imp.source.name})")
    if clashes and not imp.force:
        raise UserError(f"{folder} already has {', '.join(clashes[:5])}{' ...' if len(clashes) > 5 else ''}: this precedent "
                        "was imported there before. Pass --force to replace those files (sections.yaml and the other "
                        "reports in IMPORT.md are kept), or import into another folder")
    sections_path = folder / SECTIONS_FILE
    if not sections_path.exists() and (folder / CLAUSES_DIR / SECTIONS_FILE).exists():
        sections_path = folder / CLAUSES_DIR / SECTIONS_FILE
    sections_text = _sections_text(imp, sections_path.read_text(encoding="utf-8") if sections_path.exists() else None)
    extras = {"library.yaml": _library_yaml(folder), "README.md": _readme(imp)}
    with tempfile.TemporaryDirectory(prefix="agreementkit-import-") as tmp:
        scratch = Path(tmp) / (folder.name or "layer")
        if folder.is_dir():
            shutil.copytree(folder, scratch, symlinks=True, ignore=shutil.ignore_patterns(".git", "*.pdf", "*.docx"))
        scratch.mkdir(parents=True, exist_ok=True)
        if imp.force:
            for old in (scratch / CLAUSES_DIR / imp.slug).glob("*.md"):
                old.unlink()
        for relative, text in {**files, **{k: v for k, v in extras.items() if not (folder / k).exists()}}.items():
            target = scratch / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if sections_text is not None:
            (scratch / sections_path.relative_to(folder)).write_text(sections_text, encoding="utf-8")
        # The scenario: every new question answered with its own placeholder, every mapped answer with a sample.
        interview = load_interview([scratch])
        answers = validate_answers(_scenario_answers(imp), interview=interview)
        (scratch / "tests").mkdir(exist_ok=True)
        answers_path = scratch / f"{scenario}.yaml"
        answers_path.write_text(answers_to_yaml(answers), encoding="utf-8")
        (scratch / f"{scenario}.expect.yaml").write_text(
            "# The imported clauses must all appear in this scenario's document.\n" + _dump({"present": [c.id for c in result.clauses]}),
            encoding="utf-8")
        run_scenario(answers_path, [scratch], update=True)
        result.scenario = run_scenario(answers_path, [scratch])
        library = load_library([scratch], lenient=True)
        result.lint = lint_library(library)
        # The layer's other scenarios: the imported clauses now appear in their documents too.
        from ..scenarios import find_scenarios

        for other in find_scenarios([scratch]):
            if other != answers_path:
                outcome = run_scenario(other, [scratch])
                if not outcome.passed:
                    result.other_scenarios.append((other.name, [p.replace(str(scratch), str(folder)) for p in outcome.problems]))
        document = assemble(load_answers(answers_path, interview=interview), load_library([scratch]))
        expected = {c.id: (c.title_wording, c.text.lines if c.text else []) for c in result.clauses}
        result.round_trip = round_trip(document, expected)
        outputs = {**files}
        for suffix in (".yaml", ".md", ".expect.yaml"):
            outputs[f"{scenario}{suffix}"] = (scratch / f"{scenario}{suffix}").read_text(encoding="utf-8")
        report = render_report(result, str(scratch), str(folder))
    # Now the real folder: new files, and the additions.
    if imp.force:
        for old in (folder / CLAUSES_DIR / imp.slug).glob("*.md"):
            if old.relative_to(folder).as_posix() not in outputs:
                old.unlink()
    for relative, text in outputs.items():
        atomic_write(folder / relative, text.encode("utf-8"))
        result.written.append(folder / relative)
    for relative, text in extras.items():
        if not (folder / relative).exists():
            atomic_write(folder / relative, text.encode("utf-8"))
            result.written.append(folder / relative)
    if sections_text is not None:
        existed = sections_path.exists()
        atomic_write(sections_path, sections_text.encode("utf-8"))
        (result.appended if existed else result.written).append(sections_path)
    atomic_write(report_path, _replace_report(old_report, report, imp.slug).encode("utf-8"))
    (result.appended if old_report else result.written).append(report_path)


__all__ = ["REPORT", "clause_file", "questions_file", "write_layer"]
