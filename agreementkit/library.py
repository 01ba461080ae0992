"""The clause library: clause files and sections, loaded and layered.

A clause file is YAML front matter and a Markdown body with Jinja2
placeholders. Its `id` is a stable contract: a custom library overrides a
built-in clause by reusing the id, adds clauses with new ids, or switches one
off with `enabled: false`. Layers apply in order, the last one winning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .answers import describe_error, user_path
from .errors import ClauseLibraryError, InvalidInputError, Problem, UserError
from .resources import builtin_clauses
from .yamlfile import LocatedData, PathKey, format_path, parse_yaml, read_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.DOTALL | re.MULTILINE)
SECTIONS_FILE = "sections.yaml"


class ClauseMeta(BaseModel):
    """The front matter of a clause file (a public contract, like the answers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$", description="Stable id; reuse it to override a clause.")
    title: str = Field("", description="Printed as the clause heading; may be empty in a plain section. "
                       "It may use Jinja2 like a body, e.g. \"Entire {{ 'agreement' if binding else 'understanding' }}\".")
    section: str | None = Field(None, description="Id of the section (from sections.yaml) the clause belongs to; "
                                "required, except in a file that only switches a clause off with enabled: false.")
    order: int = Field(0, description="Position within its section; ties break on id.")
    version: int = Field(1, ge=1, description="Bump when the wording changes; recorded in the documents.")
    condition: str | None = Field(None, description="Jinja2 expression over the answers; the clause appears only when true.")
    variants: list[Literal["binding", "non_binding"]] = Field(
        [], description="Wordings in the body as `::: binding` / `::: non_binding` blocks, picked by agreement.binding."
    )
    binds: bool = Field(False, description="Binds the parties even in a non-binding MOU (and is worded with 'shall').")
    survives: bool = Field(False, description="Outlives the agreement by its nature; named by the survival clause.")
    uses: list[str] = Field([], description="Answers the clause draws on, for the reader and the linter.")
    defines: list[str] = Field(
        [], description="The defined terms this clause defines, e.g. [Purpose, Shared Costs], for lint's checks of "
                        "their use. Without it, lint takes bold inside parentheses, \"(the **Purpose**)\", and bold "
                        "before \"means\" as definitions.")
    enabled: bool = Field(True, description="false switches off a clause of the same id from an earlier layer.")
    lint_ignore: list[str] = Field(
        [], description="Lint rules silenced for this clause, e.g. [term-undefined] where a capitalised name is meant; "
                        "`agreementkit lint` reports a rule name it does not know.")
    source: str | None = Field(
        None, description="Where the wording came from, for the people who keep the library, e.g. "
                          "\"precedent.docx, paragraph 14 (4. Confidentiality)\" (written by `library import`).")
    overrides: str | None = Field(
        None, pattern=r"^[a-z][a-z0-9_.-]*@\d+$",
        description="The built-in clause and version this one replaces, e.g. general.counterparts@2: lint warns when "
                    "the built-in clause has moved on, so its replacement is re-read after an upgrade.",
    )


class SectionMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    kind: Literal["clauses", "schedule", "plain"] = "clauses"
    order: int


@dataclass(frozen=True)
class ClauseFile:
    meta: ClauseMeta
    body: str
    source: Path
    body_line: int  # line of the file where the body starts, for error messages
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)  # line of each front-matter key, for error messages

    def line_of(self, key: str) -> int:
        """The line of a front-matter key (`condition`, `title`), or of the id when it is not given."""
        return self.key_lines.get(key) or self.key_lines.get("id") or 2


@dataclass
class ClauseLibrary:
    """Sections and clauses after layering, ready to assemble."""

    sections: dict[str, SectionMeta]
    clauses: dict[str, ClauseFile]
    layers: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # deprecations to show the library's author
    layer_info: list[tuple[str, str]] = field(default_factory=list)  # (name, version) of each custom layer, from library.yaml
    duplicates: list[tuple[str, Path, Path]] = field(default_factory=list)  # one id in two files of one layer: (id, kept, shadowed)
    problems: list[tuple[Path, Problem, str]] = field(default_factory=list)  # what a lenient load skipped (file, problem, clause id)

    def in_section(self, section_id: str) -> list[ClauseFile]:
        found = [c for c in self.clauses.values() if c.meta.section == section_id and c.meta.enabled]
        return sorted(found, key=lambda c: (c.meta.order, c.meta.id))

    def ordered_sections(self) -> list[SectionMeta]:
        return sorted(self.sections.values(), key=lambda s: (s.order, s.id))


def _validation_problems(exc: ValidationError, located: LocatedData, prefix: PathKey = ()) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = prefix + user_path(error["loc"])
        message = describe_error(error, set(ClauseMeta.model_fields) | set(SectionMeta.model_fields))
        problems.append(Problem(format_path(loc), message, located.line_of(loc)))
    return problems


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([a-z][a-z0-9_.-]*)", re.MULTILINE)


class ClauseFileError(ClauseLibraryError):
    """A clause file that cannot be used, with the id its front matter gives where it gives one
    (so lint can name the clause beside the problem)."""

    def __init__(self, source: str, problems: list[Problem], clause_id: str = ""):
        super().__init__(source, problems)
        self.clause_id = clause_id


def read_clause_file(path: Path) -> ClauseFile:
    """Parse one clause file; every problem names the file and line."""
    text = read_text(path, "clause")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ClauseLibraryError(str(path), [Problem("", "does not start with YAML front matter between --- lines", 1)])
    try:
        located = parse_yaml(match.group(1), str(path), first_line=2)
    except InvalidInputError as exc:  # not YAML: its id line, if it has one, still names the clause
        written = _ID_LINE.search(match.group(1))
        raise ClauseFileError(str(path), exc.problems, written.group(1) if written else "") from None
    if not isinstance(located.data, dict):
        raise ClauseLibraryError(str(path), [Problem("", "front matter is not a mapping of fields", 2)])
    given_id = str(located.data.get("id") or "")
    try:
        meta = ClauseMeta.model_validate(located.data)
    except ValidationError as exc:
        raise ClauseFileError(str(path), _validation_problems(exc, located), given_id) from None
    if meta.enabled and meta.section is None:
        raise ClauseFileError(str(path), [Problem("section", "required but missing: give the id of the section the clause "
                                                                "belongs to (from sections.yaml), or enabled: false to switch "
                                                                "off a clause of the same id from an earlier layer",
                                                     located.line_of(("id",)) or 2)], given_id)
    body_line = text[: match.end()].count("\n") + 1
    key_lines = {str(key): line for key in located.data if (line := located.line_of((key,))) is not None}
    return ClauseFile(meta, text[match.end():], path, body_line, key_lines)


def _read_sections(path: Path) -> list[SectionMeta]:
    located = parse_yaml(read_text(path, "sections"), str(path))
    entries = located.data.get("sections") if isinstance(located.data, dict) else None
    if not isinstance(entries, list):
        raise ClauseLibraryError(str(path), [Problem("sections", "expected a list of sections", 1)])
    out: list[SectionMeta] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        try:
            out.append(SectionMeta.model_validate(entry))
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, located, ("sections", index)))
    if problems:
        raise ClauseLibraryError(str(path), problems)
    return out


CLAUSES_DIR = "clauses"
HISTORY_DIR = "history"  # the built-in clauses' earlier versions, for `agreementkit library diff`
_NOT_CLAUSES = {"readme.md", "changelog.md", "license.md", "contributing.md"}


def _clause_paths(folder: Path, *, is_builtin: bool) -> list[Path]:
    """The clause files of a layer: those under its clauses/ folder when it has one; otherwise
    (the older layout) every *.md except a README and the like, and nothing under tests/."""
    if not is_builtin and (folder / CLAUSES_DIR).is_dir():
        return sorted((folder / CLAUSES_DIR).rglob("*.md"))
    skipped = {"tests", HISTORY_DIR} if is_builtin else {"tests"}
    return sorted(p for p in folder.rglob("*.md")
                  if p.name.lower() not in _NOT_CLAUSES and not skipped & set(p.relative_to(folder).parts[:-1]))


LIBRARY_FILE = "library.yaml"


def layer_lint_severities(folder: Path) -> tuple[dict[str, str], int | None]:
    """The lint severities a layer's library.yaml raises or lowers (`lint: {term-undefined: error}`), and the line
    of its `lint:` key."""
    path = folder / LIBRARY_FILE
    if not path.exists():
        return {}, None
    located = parse_yaml(read_text(path, "library"), str(path))
    data = located.data if isinstance(located.data, dict) else {}
    chosen = data.get("lint")
    if not isinstance(chosen, dict):
        return {}, located.line_of(("lint",))
    return {str(k): str(v) for k, v in chosen.items()}, located.line_of(("lint",))


def layer_info(folder: Path) -> tuple[str, str]:
    """A layer's name and version; its library.yaml is read the same way by every command."""
    return _layer_info(folder)


def _layer_info(folder: Path) -> tuple[str, str]:
    """A layer's name and version as its library.yaml gives them (the folder name, unversioned, without one)."""
    path = folder / LIBRARY_FILE
    if not path.exists():
        return (folder.name, "unversioned")
    data = parse_yaml(read_text(path, "library"), str(path)).data
    if data is None:
        raise ClauseLibraryError(str(path), [Problem("", "the file is empty: give the layer's name: and version: "
                                                         "(or remove the file to use the folder's name)", 1)])
    if not isinstance(data, dict):
        raise ClauseLibraryError(str(path), [Problem("", "expected a mapping with name: and version:", 1)])
    return (str(data.get("name") or folder.name), str(data.get("version") or "unversioned"))


def load_library(layers: list[Path] | None = None, *, builtin: bool = True, lenient: bool = False) -> ClauseLibrary:
    """The built-in library with each custom layer applied over it, in order.

    A clause file that cannot be read stops a render; `lenient` (for lint, which reports every
    problem at once) skips it and keeps the problem in `problems` instead."""
    dirs = ([builtin_clauses()] if builtin else []) + [Path(p) for p in (layers or [])]
    sections: dict[str, SectionMeta] = {}
    clauses: dict[str, ClauseFile] = {}
    problems: list[Problem] = []
    skipped: list[tuple[Path, Problem, str]] = []
    notices: list[str] = []
    duplicates: list[tuple[str, Path, Path]] = []
    for folder in dirs:
        if not folder.is_dir():
            raise ClauseLibraryError(str(folder), [Problem("", "no such clause library folder")])
        for sections_path in (folder / SECTIONS_FILE, folder / CLAUSES_DIR / SECTIONS_FILE):
            if sections_path.exists():
                for section in _read_sections(sections_path):
                    sections[section.id] = section
        paths = _clause_paths(folder, is_builtin=builtin and folder == dirs[0])
        if paths and not (folder / CLAUSES_DIR).is_dir() and not (builtin and folder == dirs[0]):
            notices.append(f"{folder}: clause files directly in a layer folder are deprecated; move them into "
                           f"{folder / CLAUSES_DIR}/ (a layer's README and tests/ are never read as clauses)")
        in_this_layer: dict[str, Path] = {}
        for path in paths:
            try:
                clause = read_clause_file(path)
            except InvalidInputError as exc:
                given_id = getattr(exc, "clause_id", "")
                if lenient:
                    skipped.extend((path, p, given_id) for p in exc.problems)
                else:
                    problems.extend(Problem(p.path, f"{path}: {p.message}", p.line) for p in exc.problems)
                if given_id and given_id in in_this_layer:  # a second problem must not hide the clash of ids
                    duplicates.append((given_id, in_this_layer[given_id], path))
                elif given_id:
                    in_this_layer[given_id] = path
                continue
            if clause.meta.id in in_this_layer:
                duplicates.append((clause.meta.id, path, in_this_layer[clause.meta.id]))
                notices.append(f"{path} and {in_this_layer[clause.meta.id]} both have id '{clause.meta.id}'; only {path} "
                               "is used: give each clause of a layer its own id")
            in_this_layer[clause.meta.id] = path
            clauses[clause.meta.id] = clause
    for clause in clauses.values():
        if clause.meta.enabled and clause.meta.section not in sections:
            known = ", ".join(sorted(sections))
            if lenient:
                skipped.append((clause.source, Problem("section", f"unknown section '{clause.meta.section}' (known: {known})",
                                                       clause.line_of("section")), clause.meta.id))
            else:
                problems.append(Problem("section", f"{clause.source}: unknown section '{clause.meta.section}' (known: {known})",
                                        clause.line_of("section")))
    if problems:
        raise ClauseLibraryError("clause library", problems)
    info = [_layer_info(folder) for folder in dirs[1 if builtin else 0:]]
    return ClauseLibrary(sections, clauses, dirs, notices, info, duplicates, skipped)


# --- the layers an answers file was made with -------------------------------------


def layer_names(folder: Path | str) -> set[str]:
    """The names a layer answers to: its library.yaml name and its folder name (paths differ
    between machines; names do not)."""
    path = Path(folder)
    names = {path.name} if path.name else set()
    try:
        if path.is_dir():
            names.add(_layer_info(path)[0])
    except InvalidInputError:
        pass
    return names


def unmatched_layers(recorded: list[str], given: Sequence[Path | str]) -> list[str]:
    """The recorded layers that no given layer matches, by library.yaml name or folder name."""
    offered: set[str] = set()
    for folder in given:
        offered |= layer_names(folder)
    return [entry for entry in recorded if not (layer_names(entry) & offered)]


class MissingLayersError(UserError):
    """Answers made with a layer, rendered or checked without it: the built-in wording would stand in, silently."""


def recorded_layers(source: str, recorded: list[str], given: Sequence[Path | str] | None, *,
                    without_recorded: bool = False) -> list[str]:
    """Refuse answers whose recorded layers are not given (MissingLayersError); with `without_recorded`,
    the warnings to show instead."""
    missing = unmatched_layers(list(recorded or []), list(given or []))
    if not missing:
        return []
    named = ", ".join(missing)
    options = " ".join(f"--library {entry}" for entry in missing)
    if not without_recorded:
        raise MissingLayersError(
            f"{source} was made with the library layer{'s' if len(missing) > 1 else ''} {named} (its `libraries:`), "
            f"which {'are' if len(missing) > 1 else 'is'} not given: pass {options} (a copy of the layer on this machine "
            "with the same name will do), or --without-recorded-libraries to use the built-in wording instead")
    return [f"{source} was made with the library layer{'s' if len(missing) > 1 else ''} {named}, used here without "
            f"{'them' if len(missing) > 1 else 'it'} (--without-recorded-libraries): the built-in wording and rules stand "
            "in for the layer's"]


def earlier_version(clause_id: str, version: int) -> Path | None:
    """The built-in clause file as it read at an earlier version, when this installation keeps it."""
    path = builtin_clauses() / HISTORY_DIR / f"{clause_id}@{version}.md"
    return path if path.is_file() else None
