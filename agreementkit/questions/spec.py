"""The interview as data: question files in each library layer, merged into one spec.

A layer's `questions/*.yaml` files declare interview pages and questions.
Layers apply in order like clauses do: a question with a new id is added
(in a custom layer, only under `extra.`), a question with a known id changes
the fields it gives (wording, help, default, quick flag, condition,
position), and `remove: true` takes a question out of the interview, its
default answering for it. Every front end (the terminal, the browser) walks
the merged spec; none of them holds a question of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ClauseLibraryError, InvalidInputError, Problem
from ..resources import builtin_clauses
from ..yamlfile import LocatedData, PathKey, format_path, parse_yaml, read_text
from .expressions import check_syntax
from .types import CHOICE_TYPES, QuestionType

QUESTIONS_DIR = "questions"
_ID = r"^[a-z][a-z0-9_]*(\[\])?(\.[a-z][a-z0-9_]*(\[\])?)*$"


class OptionSpec(BaseModel):
    """One choice of a select: what is stored, what is shown, and why pick it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any = Field(description="What the answers file stores (null: nothing is stored).")
    label: str = Field(min_length=1, description="What the person sees.")
    help: str = Field("", description="One line on when to choose it.")


class PageSpec(BaseModel):
    """An interview page: a conversation step, not a document section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str | None = Field(None, description="Shown as the page heading.")
    why: str | None = Field(None, description="One line on why the page matters, shown under the heading.")
    feeds: list[str] | None = Field(None, description="Ids of the document sections this page's answers shape.")
    rules: list[str] | None = Field(None, description="Deprecated and no longer read: a health-check rule's "
                                    "where.question places its findings on that question's page (lint warns).")
    order: int | None = Field(None, description="Position among pages (built-in pages use 10, 20, ... 130).")


class QuestionSpec(BaseModel):
    """One question as a file declares it; unset fields keep an earlier layer's value."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=_ID, description="The answers path it fills: agreement.purpose, parties[].kind, extra.<name>.")
    page: str | None = Field(None, description="The page it is asked on; defaults to the one page its file declares.")
    after: str | None = Field(None, description="Ask it right after this question (by id).")
    type: QuestionType | None = None
    prompt: str | None = Field(None, description="The question, with {{ }} placeholders over earlier answers.")
    label: str | None = Field(None, description="A short name for the review screen and checklists.")
    help: str | None = Field(None, description="Why it matters and how to answer, shown on demand.")
    options: list[OptionSpec] | None = Field(None, description="The choices of a select, multi_select or ordered question.")
    none_label: str | None = Field(None, description="For an optional select or party: the label of the 'nothing' choice.")
    required: bool | None = None
    default: Any = Field(None, description="A literal, or a Jinja2 expression in {{ }} over earlier answers.")
    when: str | None = Field(None, description="A Jinja2 expression: ask only when it is true.")
    quick: bool | None = Field(None, description="Asked in quick mode; otherwise its default is used.")
    store: bool | None = Field(None, description="false: the answer steers later questions but is not written to the answers file.")
    each: Literal["party"] | None = Field(None, description="party: ask once per party, filling a mapping keyed by party key.")
    unique: bool | None = Field(None, description="In a group: no two entries may give the same answer.")
    min: float | None = Field(None, description="The smallest number, or the fewest entries of a list or group.")
    max: float | None = Field(None, description="The largest number, or the most entries of a list or group.")
    add_prompt: str | None = Field(None, description="Group: asked before the first entry beyond the minimum.")
    more_prompt: str | None = Field(None, description="Group: asked before each further entry.")
    count: str | None = Field(None, description="Group: a Jinja2 expression, the number of entries proposed (and used when not asked).")
    item: str | None = Field(None, description="Group or list: what one entry is called (party, Duty).")
    validate_: str | None = Field(None, alias="validate", description=(
        "A Jinja2 template giving a message when the answer (`value`) is not acceptable, and nothing when it is: "
        "\"{{ 'It must come after the start' if value < agreement.effective_date }}\"."))
    checklist: bool | None = Field(None, description="false leaves a technical question out of the client checklist.")
    ask: Literal["always", "shown", "never"] | None = Field(None, description=(
        "How a proposal worked out from earlier answers reaches the person: always (asked; the default), shown (in the "
        "terminal not asked but shown beside the answer before it, Ctrl-P there asks it), never (not asked anywhere: "
        "its default answers for it, like the party key)."))
    together: bool | None = Field(None, description=(
        "Asked in one prompt with the question before it: a small form of labelled lines in the terminal "
        "(a signatory's name and job title)."))
    remove: bool = Field(False, description="Take the question out of the interview; its default answers for it.")


WordTable = dict[str, list[str]]


class QuestionFile(BaseModel):
    """A file under a library layer's questions/ folder."""

    model_config = ConfigDict(extra="forbid", title="agreementkit question file")

    pages: list[PageSpec] = []
    questions: list[QuestionSpec] = []
    words: dict[str, dict[str, WordTable]] = Field({}, description=(
        "Word tables of the filters that propose answers from a name: kind_from_name {words: {kind: [word, ...]}, "
        "suffixes: ...} and legal_form_from_name {suffixes: {form: [...]}, words: {form: [...]}}. A later layer's "
        "list for the same kind or form replaces the earlier one; the order of kinds and forms is the order they are tried in."))


@dataclass
class Page:
    id: str
    title: str
    why: str
    feeds: list[str]
    rules: list[str]
    order: int
    layer: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class Question:
    """A question after layering: every field settled."""

    id: str
    page: str
    type: QuestionType
    prompt: str
    label: str
    help: str
    options: list[OptionSpec]
    none_label: str | None
    required: bool
    default: Any
    when: str | None
    quick: bool
    store: bool
    each: str | None
    unique: bool
    min: float | None
    max: float | None
    add_prompt: str | None
    more_prompt: str | None
    count: str | None
    item: str | None
    validate_: str | None
    checklist: bool
    removed: bool
    layer: str
    ask: str = "always"
    together: bool = False
    changed_by: list[str] = field(default_factory=list)
    children: list[Question] = field(default_factory=list)
    # Where each field was last given: field name -> (question file, line), for lint's messages.
    sources: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def at(self, key: str) -> str:
        """Where a field of this question was written, for an error in its expression: the file and line
        lead, so a library author can go straight to it (a layer's file, or the built-in one)."""
        file, line = self.sources.get("validate_" if key == "validate" else key) or self.sources.get("id") or (None, None)
        place = f"{file}, line {line}: " if file and line else (f"{file}: " if file else "")
        return f"{place}{self.id}: {key}"

    @property
    def parent_id(self) -> str | None:
        """The group this question belongs to: `parties` for `parties[].name`."""
        return self.id.rsplit("[]", 1)[0] if "[]." in self.id else None

    @property
    def relative(self) -> str:
        """The path inside its group entry: `signatory.name` for `parties[].signatory.name`."""
        return self.id.rsplit("[].", 1)[1] if "[]." in self.id else self.id

    @property
    def field_path(self) -> tuple[str, ...]:
        return tuple(self.relative.split("."))

    @property
    def is_extra(self) -> bool:
        return self.id.startswith("extra.")

    def walk(self) -> list[Question]:
        """This question and every question inside it."""
        return [self, *(q for child in self.children for q in child.walk())]


@dataclass(eq=False)
class Interview:
    pages: list[Page]
    layers: list[str]
    extra_model: Any = None  # built on first use by interview.extra
    # The word tables of the filters that propose answers from names (kind_from_name, legal_form_from_name).
    words: dict[str, dict[str, WordTable]] = field(default_factory=dict)

    def questions(self) -> list[Question]:
        """Every question, in the order asked."""
        return [q for page in self.pages for top in page.questions for q in top.walk()]

    def question(self, question_id: str) -> Question:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def extra_questions(self) -> list[Question]:
        """The top-level questions that fill `extra` (their children come with them)."""
        return [q for page in self.pages for q in page.questions if q.is_extra and q.store]

    def validate_extra(self, data: Any, party_keys: set[str] | None, recorded_layers: list[str] | None = None,
                       answers: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[tuple[PathKey, str]]]:
        """`extra` typed by these questions. The answers model calls this on the interview it is handed,
        so the model of the answers file stays below everything that asks for answers."""
        from .extra import validate_extra

        return validate_extra(self, data, party_keys, recorded_layers, answers)

    def validate_answers(self, answers: dict[str, Any], extra: dict[str, Any] | None = None) -> list[tuple[PathKey, str]]:
        """Each question's `validate:` applied to answers file data, as the interview applies it to an answer typed."""
        from .extra import question_validators

        return question_validators(self, answers, extra)


_FIELD_DEFAULTS: dict[str, Any] = {
    "label": None, "help": "", "options": [], "none_label": None, "required": True, "default": None, "when": None,
    "quick": False, "store": True, "each": None, "unique": False, "min": None, "max": None, "add_prompt": None,
    "more_prompt": None, "count": None, "item": None, "validate_": None, "checklist": True, "ask": "always",
    "together": False,
}


def question_file_schema() -> dict[str, Any]:
    """The JSON Schema of a question file, for editors to validate and complete."""
    schema = QuestionFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _read_question_file(path: Path) -> tuple[list[tuple[int, PageSpec]], list[tuple[int, QuestionSpec]], LocatedData, list[Problem],
                                             dict[str, dict[str, WordTable]]]:
    """A question file, keeping every entry that is well formed and reporting
    every one that is not, so a library author sees all mistakes at once."""
    from ..answers import describe_error, user_path

    located = parse_yaml(read_text(path, "question"), str(path))
    if located.data is None:
        return [], [], located, [Problem("", f"{path}: the file is empty; a question file holds pages: and questions: "
                                             "(see `agreementkit questions schema`), or remove it", 1)], {}
    data = located.data
    if not isinstance(data, dict):
        raise ClauseLibraryError(str(path), [Problem("", "expected a mapping with pages: and questions:", 1)])
    names = set(QuestionSpec.model_fields) | set(PageSpec.model_fields) | set(OptionSpec.model_fields) | {"pages", "questions", "validate"}
    problems: list[Problem] = []

    def validated(model: type[BaseModel], value: Any, where: PathKey) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (*where, *user_path(error["loc"]))
                problems.append(Problem(format_path(loc), f"{path}: {describe_error(error, names)}", located.line_of(loc)))
            return None

    unknown = [k for k in data if k not in ("pages", "questions", "words")]
    for key in unknown:
        problems.append(Problem(str(key), f"{path}: unknown field '{key}' (a question file has pages:, questions: and words:)",
                                located.line_of((key,))))
    words: dict[str, dict[str, WordTable]] = {}
    if "words" in data:
        checked = validated(_WordsModel, {"words": data["words"]}, ())
        words = checked.words if checked is not None else {}
    entries: dict[str, list[Any]] = {}
    for key, model in (("pages", PageSpec), ("questions", QuestionSpec)):
        value = data.get(key) or []
        if not isinstance(value, list):
            problems.append(Problem(key, f"{path}: expected a list of {key}", located.line_of((key,))))
            value = []
        entries[key] = [validated(model, item, (key, index)) for index, item in enumerate(value)]
    # Each entry kept with its position in the file, so messages point at the right line.
    pages = [(index, p) for index, p in enumerate(entries["pages"]) if p is not None]
    questions = [(index, q) for index, q in enumerate(entries["questions"]) if q is not None]
    return pages, questions, located, problems, words


class _WordsModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: dict[str, dict[str, WordTable]]


class _Builder:
    """Applies layers one after another, collecting every problem."""

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        self.sequence: list[str] = []
        self.problems: list[Problem] = []
        self.words: dict[str, dict[str, WordTable]] = {}

    def problem(self, path: Path, located: LocatedData, where: PathKey, message: str) -> None:
        self.problems.append(Problem(format_path(where), f"{path}: {message}", located.line_of(where)))

    def add_file(self, path: Path, layer: str, builtin: bool) -> None:
        try:
            pages, questions, located, problems, words = _read_question_file(path)
        except InvalidInputError as exc:
            self.problems.extend(Problem(p.path, f"{path}: {p.message}", p.line) for p in exc.problems)
            return
        self.problems.extend(problems)
        for name, tables in words.items():
            merged = self.words.setdefault(name, {})
            for part, table in tables.items():
                # A layer's list for a kind replaces the earlier one; kinds keep the order they were first given in.
                merged.setdefault(part, {}).update(table)
        self.add_entries(pages, questions, path, located, layer, builtin)

    def add_entries(self, pages: list[tuple[int, PageSpec]], questions: list[tuple[int, QuestionSpec]], path: Path,
                    located: LocatedData, layer: str, builtin: bool) -> None:
        for index, page in pages:
            given = page.model_dump(exclude_unset=True)
            if page.id not in self.pages:
                if page.title is None or page.order is None:
                    self.problem(path, located, ("pages", index), f"new page '{page.id}' needs a title and an order")
                    continue
                self.pages[page.id] = {"why": "", "feeds": [], "rules": [], "layer": layer, **given}
            else:
                self.pages[page.id].update(given)
        file_page = pages[0][1].id if len(pages) == 1 else None
        for index, question in questions:
            self.add_question(question, path, located, ("questions", index), layer, builtin, file_page)

    def add_question(self, q: QuestionSpec, path: Path, located: LocatedData, where: PathKey, layer: str,
                     builtin: bool, file_page: str | None) -> None:
        given = q.model_dump(exclude_unset=True, exclude={"remove"})
        if "options" in given:
            given["options"] = list(q.options or [])
        for key in ("when", "count"):
            if given.get(key):
                error = check_syntax(given[key], template=False)
                if error:
                    self.problem(path, located, (*where, key), f"{key} is not a valid expression: {error}")
        for key in ("prompt", "default", "add_prompt", "more_prompt", "validate_"):
            if isinstance(given.get(key), str):
                error = check_syntax(given[key], template=True)
                if error:
                    self.problem(path, located, (*where, key), f"{key} is not a valid template: {error}")
        known = self.fields.get(q.id)
        if known is None:
            if q.remove:
                self.problem(path, located, (*where, "id"), f"no question '{q.id}' to remove in the layers before this one")
                return
            if not builtin and not q.id.startswith("extra."):
                self.problem(path, located, (*where, "id"),
                             f"a new question fills an answer under extra.<name> (not '{q.id}'); "
                             "to change a built-in question, reuse its exact id (see `agreementkit questions list`)")
                return
            if q.type is None or q.prompt is None:
                self.problem(path, located, where, f"new question '{q.id}' needs a type and a prompt")
                return
            parent = q.id.rsplit("[]", 1)[0] if "[]." in q.id else None
            if parent is not None and (parent not in self.fields or self.fields[parent]["type"] != QuestionType.group):
                self.problem(path, located, (*where, "id"), f"'{q.id}' belongs to group '{parent}', which is not declared before it as type: group")
                return
            near = self.fields.get(q.after or "", {}).get("page")
            page = given.get("page") or (self.fields[parent]["page"] if parent else near or file_page)
            if page is None:
                self.problem(path, located, where, f"question '{q.id}' needs a page: its file declares no single page")
                return
            record = {**_FIELD_DEFAULTS, **given, "page": page, "removed": False, "layer": layer, "changed_by": [],
                      "where": (path, where, located.line_of(where)), "sources": {}}
            record["sources"].update(_sources(given, path, located, where))
            if record["type"] in CHOICE_TYPES and not record["options"]:
                self.problem(path, located, where, f"a {record['type'].value} question needs options")
                return
            self.fields[q.id] = record
            self.place(q.id, q.after, path, located, where)
            return
        if q.type is not None and q.type != known["type"]:
            self.problem(path, located, (*where, "type"),
                         f"'{q.id}' is a {known['type'].value} question; a layer may change its wording, not its type")
            return
        known.update(given)
        known["sources"].update(_sources(given, path, located, where))
        known["changed_by"].append(layer)
        if q.remove:
            known["removed"] = True
        if q.after is not None:
            self.sequence.remove(q.id)
            self.place(q.id, q.after, path, located, where)

    def place(self, question_id: str, after: str | None, path: Path, located: LocatedData, where: PathKey) -> None:
        if after is None:
            self.sequence.append(question_id)
            return
        if after not in self.fields or after not in self.sequence:
            self.problem(path, located, (*where, "after"), f"after: no question '{after}'{_hint(after, self.sequence)}")
            self.sequence.append(question_id)
            return
        # After a group means after everything inside it.
        position = self.sequence.index(after)
        while position + 1 < len(self.sequence) and self.sequence[position + 1].startswith(after + "[]."):
            position += 1
        self.sequence.insert(position + 1, question_id)

    def build(self, layers: list[str], *, lenient: bool = False) -> Interview:
        """The merged interview; `lenient` (for lint, which reports every problem) leaves out the
        questions that cannot be placed instead of refusing the whole interview."""
        lost: set[str] = set()
        for question_id, record in self.fields.items():
            path, where, line = record["where"]
            if record["page"] not in self.pages:
                known = ", ".join(sorted(self.pages))
                page_line = record["sources"].get("page", (None, line))[1]
                lost.add(question_id)
                self.problems.append(Problem(format_path((*where, "page")), f"{path}: question '{question_id}' is on unknown page "
                                             f"'{record['page']}'{_page_hint(record['page'], self.pages)} (pages: {known})",
                                             page_line))
            if record["removed"] and record["default"] is None and _required(question_id, record):
                self.problems.append(Problem(format_path((*where, "remove")), f"{path}: '{question_id}' must have an answer, "
                                             "so removing it needs a default: for it", line))
        if self.problems and not lenient:
            raise ClauseLibraryError("question files", self.problems)
        made: dict[str, Question] = {}
        for question_id in self.sequence:
            if question_id in lost or any(question_id.startswith(group + "[].") for group in lost):
                continue
            record = self.fields[question_id]
            values = {k: v for k, v in record.items() if k in Question.__dataclass_fields__ and k not in ("children", "where")}
            values["label"] = values["label"] or question_id.rsplit(".", 1)[-1].replace("_", " ")
            made[question_id] = Question(**values)
        pages = {pid: Page(id=pid, title=p["title"], why=p.get("why") or "", feeds=list(p.get("feeds") or []),
                           rules=list(p.get("rules") or []), order=p["order"], layer=p["layer"])
                 for pid, p in self.pages.items()}
        for question in made.values():
            parent = question.parent_id
            if parent is not None:
                made[parent].children.append(replace(question, page=made[parent].page) if question.page != made[parent].page else question)
            else:
                pages[question.page].questions.append(question)
        ordered = sorted(pages.values(), key=lambda p: (p.order, p.id))
        return Interview([p for p in ordered if p.questions], layers, words=self.words)


def _page_hint(name: str, pages: dict[str, dict[str, Any]]) -> str:
    """`ip` for intellectual_property: close in spelling, or the initials of its id or title."""
    close = _hint(name, list(pages))
    if close:
        return close
    for page_id, page in pages.items():
        initials = {"".join(w[0] for w in page_id.split("_") if w),
                    "".join(w[0] for w in str(page.get("title") or "").lower().split() if w not in ("and", "of", "the"))}
        if name.lower() in initials:
            return f"; did you mean '{page_id}'?"
    return ""


def _sources(given: dict[str, Any], path: Path, located: LocatedData, where: PathKey) -> dict[str, tuple[str, int | None]]:
    """The file and line of each field a question entry gives."""
    return {key: (str(path), located.line_of((*where, "validate" if key == "validate_" else key)) or located.line_of(where))
            for key in given}


def _hint(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _required(question_id: str, record: dict[str, Any]) -> bool:
    """Whether the answers must hold this question's answer."""
    from .fields import model_field

    if record.get("required") is False or record.get("store") is False:
        return False
    if question_id.startswith("extra."):
        return bool(record.get("required"))
    info = model_field(question_id)
    return info is not None and info.is_required()


def layer_name(folder: Path, builtin: bool) -> str:
    return "built-in" if builtin else str(folder)


def layer_folders(layers: tuple[str, ...]) -> list[tuple[Path, bool]]:
    """The built-in library and then each layer, as (folder, built-in?), every layer checked to exist and
    its library.yaml judged: question files and rule files are read from the same folders, refused alike."""
    folders = [(builtin_clauses(), True)] + [(Path(p), False) for p in layers]
    for folder, builtin in folders:
        if not folder.is_dir():
            raise ClauseLibraryError(str(folder), [Problem("", "no such clause library folder")])
        if not builtin:
            from ..library import layer_info

            layer_info(folder)  # a layer's library.yaml is judged by every command the same way
    return folders


def _built(layers: tuple[str, ...]) -> _Builder:
    builder = _Builder()
    for folder, builtin in layer_folders(layers):
        for path in sorted((folder / QUESTIONS_DIR).glob("*.yaml")):
            builder.add_file(path, layer_name(folder, builtin), builtin)
    return builder


def generated_interview(data: dict[str, Any], name: str) -> Interview:
    """An interview a program makes as data (`pages:` and `questions:`, as a question file holds them),
    such as the questions `agreementkit review new` makes from an MOU: checked and built exactly as
    question files are, so the engine and every front end walk it as they walk the built-in interview."""
    spec = QuestionFile.model_validate(data)
    builder = _Builder()
    builder.add_entries(list(enumerate(spec.pages)), list(enumerate(spec.questions)), Path(name), LocatedData(data, {}), name, True)
    return builder.build([])


@lru_cache(maxsize=32)
def _load_interview(layers: tuple[str, ...]) -> Interview:
    return _built(layers).build(list(layers))


def load_interview_leniently(layers: list[Path] | list[str] | None = None) -> tuple[Interview, list[Problem]]:
    """The interview with what can be built of it, and every problem of its question files (for lint)."""
    builder = _built(tuple(str(p) for p in (layers or [])))
    interview = builder.build([str(p) for p in layers or []], lenient=True)
    return interview, builder.problems


def load_interview(layers: list[Path] | list[str] | None = None) -> Interview:
    """The built-in interview with each custom layer's question files applied, in order."""
    return _load_interview(tuple(str(p) for p in (layers or [])))
