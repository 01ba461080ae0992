"""Where a question's answer lives in the answers model.

The built-in questions fill fields the Answers model already defines, so an
answer is checked against that field's own type and constraints the moment
it is given: the interview cannot accept what an answers file would refuse.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `Model`, `Model | None`, `list[Model]` or `dict[str, Model]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=None)
def model_field(question_id: str) -> FieldInfo | None:
    """The Answers field a question id names (`parties[].signatory.name`), or None."""
    from ..answers import Answers

    model: type[BaseModel] | None = Answers
    info: FieldInfo | None = None
    for part in question_id.replace("[]", "").split("."):
        if model is None or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        model = _inner_model(info.annotation)
    return info


@lru_cache(maxsize=None)
def field_adapter(question_id: str, each: bool = False) -> TypeAdapter[Any] | None:
    """A validator for one answer, with its field's constraints (one value of a
    per-party mapping when `each`); None when the model does not know the field."""
    info = model_field(question_id)
    if info is None:
        return None
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    if each:
        annotation = _mapping_value(annotation)
        if annotation is None:
            return None
    return TypeAdapter(annotation)


def _mapping_value(annotation: Any) -> Any:
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    for arg in get_args(annotation):
        found = _mapping_value(arg)
        if found is not None:
            return found
    return None
