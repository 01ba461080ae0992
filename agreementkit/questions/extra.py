"""`extra`: answers to the questions a custom library adds, typed by those questions.

Each loaded layer's `extra.<name>` questions become fields of a pydantic
model, so an answers file's `extra` is validated like any other section
(wrong type, missing required value, unknown name, each with its path and
line) and `agreementkit schema --library` describes it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ..yamlfile import PathKey
from .types import QuestionType, annotation, plain_number

if TYPE_CHECKING:
    from .spec import Interview, Question


class _Extra(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _field(q: Question) -> tuple[Any, Any]:
    from ..answers import PartyRef

    if q.type == QuestionType.group:
        item = create_model(f"Extra_{q.relative}", __base__=_Extra,
                            **{child.relative: _field(child) for child in q.children if child.store})  # type: ignore[call-overload]
        kind: Any = list[item]  # type: ignore[valid-type]
        if q.min is not None or q.max is not None:
            from typing import Annotated

            kind = Annotated[kind, Field(min_length=int(q.min) if q.min is not None else None,
                                         max_length=int(q.max) if q.max is not None else None)]
    else:
        kind = annotation(q.type, values=[o.value for o in q.options if o.value is not None] or None,
                          minimum=q.min if q.type != QuestionType.list else None,
                          maximum=q.max if q.type != QuestionType.list else None, party_ref=PartyRef)
        if q.each == "party":
            kind = dict[PartyRef, kind]  # type: ignore[valid-type]
    description, shown = _described(q)
    # A question asked only under a condition cannot be required of every answers file, and one with a
    # default is answered by it when the file leaves it out (validate_extra fills it in first).
    if q.required and q.default is None and not q.when and not q.removed:
        return kind, Field(description=description, json_schema_extra=shown or None)
    return kind | None, Field(None, description=description, json_schema_extra=shown or None)


def _described(q: Question) -> tuple[str, dict[str, Any]]:
    """The schema's words for a question: its help, when it is asked and what it defaults to (for editors,
    `default` for a constant, `x-agreementkit-default` and `x-agreementkit-when` for expressions)."""
    import json

    from pydantic_core import to_jsonable_python

    parts = [q.help or q.prompt]
    shown: dict[str, Any] = {}
    if q.when:
        parts.append(f"Asked only when: {q.when}.")
        shown["x-agreementkit-when"] = q.when
    if q.default is not None:
        if isinstance(q.default, str) and "{" in q.default:
            parts.append(f"Default, worked out from the other answers: {q.default}")
            shown["x-agreementkit-default"] = q.default
        else:
            parts.append(f"Default: {json.dumps(to_jsonable_python(q.default), ensure_ascii=False)}.")
            shown["default"] = q.default
    return " ".join(p.strip() for p in parts if p), shown


def extra_model(interview: Interview) -> type[BaseModel]:
    """The model of `extra` for this interview (built once per loaded interview)."""
    if interview.extra_model is None:
        fields = {q.relative.removeprefix("extra."): _field(q) for q in interview.extra_questions()}
        interview.extra_model = create_model(
            "Extra", __base__=_Extra, __doc__="Answers to the questions that custom library layers add.", **fields
        )  # type: ignore[call-overload]
    return interview.extra_model  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    """Amounts as plain numbers, so templates and answers files read 250000, not Decimal('250000')."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def validate_extra(interview: Interview, data: Any, party_keys: set[str] | None,
                   recorded_layers: list[str] | None = None,
                   answers: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[tuple[PathKey, str]]]:
    """The validated `extra` answers and every problem with them (path, message).

    With the rest of the `answers` (plain data), each question's `validate`
    template is applied too, as the interview applies it."""
    from ..answers import describe_error, undeclared_extra, user_path

    model = extra_model(interview)
    given = data if data is not None else {}
    defaulted: set[str] = set()
    if isinstance(given, dict):
        given, defaulted, unworkable = _with_defaults(interview, given, answers)
        if unworkable:
            return {}, unworkable
    try:
        validated = model.model_validate(given, context={"party_keys": party_keys})
    except ValidationError as exc:
        problems: list[tuple[PathKey, str]] = []
        for error in exc.errors():
            loc = user_path(error["loc"])
            if error["type"] == "extra_forbidden" and len(loc) == 1:
                import difflib

                close = difflib.get_close_matches(str(loc[0]), list(model.model_fields), n=1)
                if close:
                    problems.append((("extra", *loc), f"unknown field '{loc[0]}'; did you mean '{close[0]}'?"))
                    continue
                problems.append((("extra", *loc), undeclared_extra(str(loc[0]), recorded_layers)))
            else:
                problems.append((("extra", *loc), describe_error(error)))
        return {}, problems
    # Every declared answer is there for the clauses, None when not given: `extra.x` never fails to resolve.
    values = {name: _plain(value) for name, value in validated.model_dump().items()}
    return DefaultedExtra(values, defaulted), []


class DefaultedExtra(dict[str, Any]):
    """`extra` as the clauses see it, knowing which answers are the questions' defaults
    (the answers' fingerprint counts only the others)."""

    def __init__(self, values: dict[str, Any], defaulted: set[str]):
        super().__init__(values)
        self.defaulted = frozenset(defaulted)

    def given(self) -> dict[str, Any]:
        """The answers that differ from what the questions would give by default."""
        return {k: v for k, v in self.items() if k not in self.defaulted and v is not None}


def _with_defaults(interview: Interview, data: dict[str, Any], answers: dict[str, Any] | None
                   ) -> tuple[dict[str, Any], set[str], list[tuple[PathKey, str]]]:
    """The file's `extra` with each question it leaves out answered by the question's default, as the
    interview would propose it: a constant as it is; a `{{ }}` default worked out from the other answers
    (when they are given). A question whose `when` is false for these answers is not asked, so gets none."""
    import json

    from pydantic_core import to_jsonable_python

    from .expressions import WORDS, ExpressionError, evaluate, render_value

    filled = dict(data)
    defaulted: set[str] = set()
    problems: list[tuple[PathKey, str]] = []
    for q in interview.extra_questions():
        name = q.relative.removeprefix("extra.")
        if name in filled and q.default is not None and to_jsonable_python(filled[name]) == to_jsonable_python(q.default):
            defaulted.add(name)  # written out as the default it is: no different from leaving it out
        if name in filled or q.default is None or q.type == QuestionType.group or q.each:
            continue
        derived = isinstance(q.default, str) and "{" in q.default
        if (derived or q.when) and answers is None:
            continue
        try:
            if answers is not None:
                context = json.loads(json.dumps({**answers, "extra": filled}, default=str))
                context[WORDS] = interview.words
                if q.when and not evaluate(q.when, context, q.at("when")):
                    continue
                value = render_value(q.default, context, q.at("default"))
            else:
                value = q.default
        except ExpressionError as exc:
            problems.append((("extra", name), f"its default could not be worked out: {exc}"))
            continue
        if value is not None and value != "":
            filled[name] = value
            defaulted.add(name)
    return filled, defaulted, problems


def question_validators(interview: Interview, answers: dict[str, Any], extra: dict[str, Any] | None = None
                        ) -> list[tuple[PathKey, str]]:
    """Every question's `validate:` applied to an answers file as the interview applies it to a typed answer:
    built-in questions a layer gives one, `extra` questions, entries of groups and answers per party. A
    question whose `when` is false for these answers is not asked, so is not judged."""
    import json

    from .expressions import WORDS, ExpressionError, evaluate, render_value

    plain = json.loads(json.dumps({**answers, "extra": {**(answers.get("extra") or {}), **(extra or {})}}, default=str))
    plain[WORDS] = interview.words
    problems: list[tuple[PathKey, str]] = []

    def judge(q: Question, value: Any, path: PathKey, scope: dict[str, Any]) -> None:
        if value is None or value == "" or value == []:
            return
        try:
            if q.when and not evaluate(q.when, scope, q.at("when")):
                return
            message = render_value(q.validate_, {**scope, "value": value}, q.at("validate"))
        except ExpressionError as exc:
            problems.append((path, f"its check could not be worked out: {exc}"))
            return
        if message and str(message).strip():
            from ..sandbox import readable

            problems.append((path, readable(" ".join(str(message).split()))))

    parties = plain.get("parties") if isinstance(plain.get("parties"), list) else []
    for q in interview.questions():
        if not q.validate_ or q.removed:
            continue
        if q.parent_id is None:
            value = _at(plain, q.field_path)
            if q.each == "party" and isinstance(value, dict):
                for key, each in value.items():
                    party = next((p for p in parties if isinstance(p, dict) and p.get("key") == key), {})
                    judge(q, each, (*q.field_path, key), {**plain, "party": party})
            else:
                judge(q, value, q.field_path, plain)
            continue
        try:
            group = interview.question(q.parent_id)
        except KeyError:
            continue
        if group.parent_id is not None:
            continue  # a group inside a group: judged by the interview as it is asked
        items = _at(plain, group.field_path)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                scope = {**plain, "item": item, "items": items[:index], "index": index,
                         "previous": items[index - 1] if index else {}}
                judge(q, _at(item, q.field_path), (*group.field_path, index, *q.field_path), scope)
    return problems


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def extra_schema(interview: Interview) -> dict[str, Any]:
    return extra_model(interview).model_json_schema()


def answers_schema(interview: Interview) -> dict[str, Any]:
    """The JSON Schema of the answers format, for editors to validate and complete;
    `extra` is described by the questions of the interview's layers."""
    from ..answers import Answers

    schema = Answers.model_json_schema()
    extra = extra_schema(interview)
    definitions = schema.setdefault("$defs", {})
    for name, definition in extra.pop("$defs", {}).items():
        definitions[name] = definition
    description = schema["properties"]["extra"].get("description")
    schema["properties"]["extra"] = {**extra, "description": description}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "agreementkit answers (format 1)"
    return schema
