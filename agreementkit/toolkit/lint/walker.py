"""Types lint follows through a template: the names a clause or question sees and their attributes.

Resolving `governance.decision_rul` against the answers model is the same
walk for clauses and for question expressions, so both rule modules use it.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel


class Function:
    """The type lint gives a function of the clause context: printed bare, it is a mistake."""


# What a clause sees besides the answers' sections (assembly's context), with the type lint can follow.
CONTEXT: dict[str, Any] = {
    "binding": bool, "shall": str, "instrument": str, "term_end": date, "review_dates": list[date],
    "review_calendar": list[dict], "resource_totals": dict, "liability_caps": dict, "has_university": bool,
    "has_public_body": bool, "others": str, "others_poss": str, "each_other": str, "every_other": str,
    "any_concerned": str, "in_dispute": str, "they_need": str, "they_request": str, "them": str,
    "any_party": str, "no_party": str, "another": str, "another_poss": str, "any_other": str,
    "proper_names": frozenset, "plain_words": frozenset,
    "party": Function, "label": Function, "ref": Function, "refs": Function, "included": Function,
    "binding_clauses": list[str], "surviving_clauses": list[str], "kpi_report_days": int,
    # Jinja2's own
    "range": Function, "namespace": Function, "dict": Function, "lipsum": Function, "cycler": Function,
    "joiner": Function, "loop": Any,
    "caller": Any, "varargs": Any, "kwargs": Any,
}
_METHODS = {
    str: set(dir(str)), list: set(dir(list)), dict: set(dir(dict)), Decimal: set(dir(Decimal)), date: set(dir(date)),
    bool: set(dir(bool)), int: set(dir(int)),
}


class Unknown(Exception):
    """An attribute the type does not have."""


def strip(tp: Any) -> Any:
    """The type a value of `tp` has once it is there: Optional and Annotated unwrapped."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(options) != 1:
                return Any
            tp = options[0]
        else:
            return tp


def attribute(tp: Any, name: str) -> Any:
    """The type of `value.name` for a value of type `tp`, Any where lint cannot follow; Unknown when it has none."""
    tp = strip(tp)
    if tp is Any:
        return Any
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if name in tp.model_fields:
            return tp.model_fields[name].annotation
        if isinstance(getattr(tp, name, None), property):
            return typing.get_type_hints(getattr(tp, name).fget).get("return", Any)
        if callable(getattr(tp, name, None)):
            return Any
        raise Unknown(sorted(tp.model_fields))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        if name in ("value", "name") or name in tp.__members__ or hasattr(tp, name):
            return Any
        raise Unknown(["value", "name"])
    origin = typing.get_origin(tp) or tp
    for kind, methods in _METHODS.items():
        if origin is kind or (isinstance(origin, type) and issubclass(origin, kind)):
            if name in methods:
                return Any
            if kind is dict:
                return Any  # keys read as attributes
            raise Unknown([])
    return Any


def element_of(tp: Any) -> Any:
    tp = strip(tp)
    if typing.get_origin(tp) in (list, tuple):
        args = typing.get_args(tp)
        return args[0] if args else Any
    return Any
