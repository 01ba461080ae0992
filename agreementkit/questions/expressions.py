"""Jinja2 expressions in question files: defaults, conditions and prompts.

Question files come from libraries we do not control, so every expression
runs in Jinja2's sandbox, as clause templates do. Missing answers are falsy
rather than errors (`agreement.end_date` before it is asked is simply
unset), because an interview evaluates its conditions while answers are
still arriving; the library lint checks names statically instead.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError, Undefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from ..dates import add_months, as_date, term_months
from ..errors import UserError
from .helpers import FILTERS as HELPERS

_WHOLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.DOTALL)


def short_name(name: Any, tables: dict[str, list[str]] | None = None) -> str:
    """`Northwind Telecom plc` -> `Northwind`; `The University of Leeds` -> `the University`;
    `City of Northbridge Council` -> `the Council`. `tables` (from the question files' `words:`)
    gives the `institutions` a body is called by ("the Council") and the company `suffixes` to drop."""
    institutions = {w.lower() for w in (tables or {}).get("institutions", [])}
    text = str(name or "")
    words = text.split()
    if len(words) > 1 and words[-1].lower() in institutions:
        return "the " + words[-1]
    if len(words) > 1 and words[0].lower() == "the":
        return "the " + words[1]
    if len(words) > 2 and words[1].lower() == "of" and words[0].lower() in institutions:
        return "the " + words[0]
    if not words:
        return text
    first = words[0]
    for suffix in (tables or {}).get("suffixes", []):
        first = re.sub(rf"\b{re.escape(suffix)}\.?$", "", first, flags=re.IGNORECASE)
    return first.strip(" ,.") or words[0]


def party_key(short: Any, taken: Any = ()) -> str:
    """A key from a short name that no earlier party uses: `the Council` -> `council`."""
    used = {str(item.get("key")) if isinstance(item, dict) else str(item) for item in (taken or [])}
    base = re.sub(r"[^a-z0-9]+", "", str(short or "").lower().removeprefix("the ")) or "party"
    if not base[0].isalpha():
        base = "p" + base
    key, n = base, 2
    while key in used:
        key, n = f"{base}{n}", n + 1
    return key


# The word tables of these filters live in the question files (`words:` in
# clauses/questions/02-parties.yaml), so a layer can teach them its own language.
# Expressions find the merged tables in their context under this name.
WORDS = "_words"
Tables = dict[str, dict[str, list[str]]]


def _name_words(name: Any) -> list[str]:
    return [w.strip(".,()").lower() for w in str(name or "").split() if w.strip(".,()")]


def _marked(words: list[str], table: dict[str, list[str]]) -> str:
    """The first entry of a table (kind or form) one of whose words the name has."""
    for kind, markers in table.items():
        if set(words) & {m.lower() for m in markers}:
            return kind
    return ""


def _suffixed(words: list[str], table: dict[str, list[str]]) -> str:
    """The first entry of a table whose words include the name's last word."""
    if not words:
        return ""
    for kind, markers in table.items():
        if words[-1] in {m.lower().strip(".,()") for m in markers}:
            return kind
    return ""


def kind_from_name(name: Any, tables: Tables | None = None) -> str:
    """What kind of body a name suggests: `Leeds City Council` -> government, `Harbour Food
    Network` -> nonprofit, `Network Rail Ltd` -> company (a company's suffix outweighs the
    name's other words, except those in `over_suffixes`, such as "Charitable Trust Ltd")."""
    tables = tables or {}
    words = _name_words(name)
    return (_marked(words, tables.get("over_suffixes", {})) or _suffixed(words, tables.get("suffixes", {}))
            or _marked(words, tables.get("words", {})) or "company")


def legal_form_from_name(name: Any, tables: Tables | None = None) -> str:
    """The legal form a name suggests (`Northwind Telecom plc` -> public_company), or
    nothing when the name does not say: a proposal for the person answering to confirm.
    Suffixes come first: "Northwind Charitable Trust Ltd" is a charitable company."""
    tables = tables or {}
    words = _name_words(name)
    if not words:
        return ""
    suffixes = tables.get("suffixes", {})
    form = _suffixed(words, suffixes)
    if not form and words[-1] == "company" and "limited" in words:
        form = "private_company"
    markers = tables.get("words", {})
    if form == "private_company" and _marked(words, {"charity": markers.get("charity", [])}):
        return "charitable_company"
    return form or _marked(words, markers)


@pass_context
def _short_name_filter(context: Context, name: Any) -> str:
    return short_name(name, (context.get(WORDS) or {}).get("short_name", {}).get("words"))


@pass_context
def _kind_filter(context: Context, name: Any) -> str:
    return kind_from_name(name, (context.get(WORDS) or {}).get("kind_from_name"))


@pass_context
def _legal_form_filter(context: Context, name: Any) -> str:
    return legal_form_from_name(name, (context.get(WORDS) or {}).get("legal_form_from_name"))


def upfirst(text: Any) -> str:
    """`the College` at the start of a sentence: `The College`."""
    value = str(text or "")
    return value[:1].upper() + value[1:]


def months_later(value: Any, months: Any) -> str:
    """An ISO date `months` after another, or nothing when the date is not set yet."""
    start = as_date(value)
    try:
        count = int(months)
    except (TypeError, ValueError):
        return ""
    return add_months(start, count).isoformat() if start else ""


def first_review(start: Any, months: Any, objectives: Any = ()) -> str:
    """One cadence after the start, brought forward to a week before the first
    objective falls due when that comes sooner: a review after a deadline is too late."""
    begin = as_date(start)
    if begin is None:
        return ""
    try:
        review = add_months(begin, int(months))
    except (TypeError, ValueError):
        return ""
    dues = [d for d in (as_date(o.get("due")) for o in objectives or [] if isinstance(o, dict)) if d and d > begin]
    if dues and review > min(dues):
        review = max(min(dues) - timedelta(days=7), begin + timedelta(days=1))
    return review.isoformat()


def first_of_next_month(value: Any) -> str:
    start = as_date(value) or date.today()
    return (start.replace(day=1) + timedelta(days=32)).replace(day=1).isoformat()


def months_between(start: Any, end: Any) -> int:
    """Whole months of a term from its start to its last day, counted as the
    health check counts them (0 when either is not set)."""
    first, last = as_date(start), as_date(end)
    if not first or not last:
        return 0
    return term_months(first, last)


_RESOURCE_WORDS = {
    "funding": ("fund", "cash", "grant", "budget", "£", "€", "$", "money", "pay"),
    "personnel": ("engineer", "staff", "people", "team", "researcher", "coordinator", "manager", "developer",
                  "scientist", "officer", "fte", "person", "secondment", "fellow", "worker", "volunteer", "analyst",
                  "adviser", "advisor", "consultant", "student", "expert", "postdoc", "employee"),
    "equipment": ("equipment", "device", "sensor", "machine", "hardware", "tool", "vehicle", "robot"),
    "facilities": ("lab", "office", "site", "facility", "facilities", "building", "space", "premises", "warehouse"),
    "data": ("data", "dataset", "records"),
    "intellectual_property": ("software", "patent", "licence", "license", "know-how", "platform", "ip "),
}


def resource_kind(description: Any) -> str:
    """A first guess at a contribution's kind from how it is described: `Two data engineers` -> personnel."""
    text = f" {str(description or '').lower()} "
    for kind, words in _RESOURCE_WORDS.items():
        if any(word in text for word in words):
            return kind
    return "in_kind"


_CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def cadence_months(cadence: Any) -> int:
    return _CADENCE_MONTHS.get(str(cadence), 3)


@pass_context
def party_label(context: Context, key: Any) -> str:
    """How the agreement names a party, from its key: `frostline` -> `Frostline`."""
    for party in context.get("parties") or []:
        if isinstance(party, dict) and party.get("key") == key:
            return str(party.get("short_name") or party.get("name") or key)
    return str(key or "")


FILTERS = {
    "short_name": _short_name_filter,
    "party_key": party_key,
    "kind_from_name": _kind_filter,
    "legal_form_from_name": _legal_form_filter,
    "upfirst": upfirst,
    "months_later": months_later,
    "first_of_next_month": first_of_next_month,
    "first_review": first_review,
    "months_between": months_between,
    "cadence_months": cadence_months,
    "party_label": party_label,
    "resource_kind": resource_kind,
    **HELPERS,
}


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    from ..sandbox import BudgetedSandbox, budgeted_range

    env = BudgetedSandbox(undefined=ChainableUndefined, autoescape=False)
    env.filters.update(FILTERS)
    env.globals["range"] = budgeted_range
    return env


class ExpressionError(UserError):
    """An expression in a question file cannot be compiled or evaluated."""


@lru_cache(maxsize=4096)
def _compiled_expression(source: str) -> Any:
    return environment().compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=4096)
def _compiled_template(source: str) -> Any:
    return environment().from_string(source)


def _plain(value: Any) -> Any:
    """Undefined answers read as nothing."""
    return None if isinstance(value, Undefined) else value


def bare(expression: str) -> str:
    """`{{ x }}` and `x` are the same expression: people write both."""
    whole = _WHOLE_EXPRESSION.match(expression)
    return whole.group(1) if whole and "}}" not in whole.group(1) else expression


def evaluate(expression: str, context: dict[str, Any], where: str) -> Any:
    """A `when` condition: a bare Jinja2 expression over the answers so far."""
    expression = bare(expression)
    from ..sandbox import budget, readable

    try:
        with budget():
            return _plain(_compiled_expression(expression)(**context))
    except TemplateError as exc:
        raise ExpressionError(f"{where}: {readable(repr(expression))}: {readable(exc)}") from None
    except RecursionError:
        raise ExpressionError(f"{where}: {readable(repr(expression))} is nested too deeply to work out") from None
    except Exception as exc:  # noqa: BLE001 - a layer's expression failing is the layer's error, never a traceback
        raise ExpressionError(f"{where}: {readable(repr(expression))} failed: {readable(exc)}") from None


def render_value(value: Any, context: dict[str, Any], where: str) -> Any:
    """A default or prompt: a literal, a whole `{{ expression }}` (keeping its
    type: a number, a list, true/false) or a text with `{{ }}` placeholders."""
    if not isinstance(value, str) or "{" not in value:
        return value
    whole = _WHOLE_EXPRESSION.match(value)
    if whole and "}}" not in whole.group(1):
        return evaluate(whole.group(1), context, where)
    from ..sandbox import readable, render_capped

    try:
        return render_capped(_compiled_template(value), context)
    except TemplateError as exc:
        raise ExpressionError(f"{where}: {readable(repr(value))}: {readable(exc)}") from None
    except RecursionError:
        raise ExpressionError(f"{where}: {readable(repr(value))} is nested too deeply to work out (a macro calling "
                              "itself?)") from None
    except Exception as exc:  # noqa: BLE001
        raise ExpressionError(f"{where}: {readable(repr(value))} failed: {readable(exc)}") from None


def check_syntax(source: str, *, template: bool) -> str | None:
    """A syntax error in an expression or template, as a message, or None."""
    try:
        if template:
            _compiled_template(source)
        else:
            _compiled_expression(bare(source))
    except TemplateError as exc:
        return str(exc)
    except RecursionError:
        return "nested too deeply"
    return None
