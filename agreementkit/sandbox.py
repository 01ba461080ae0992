"""A Jinja2 sandbox with a budget, for clause libraries we do not trust.

Jinja2's sandbox stops templates reaching Python internals, but not from
asking for a billion-character string or a loop of ten billion steps. The
budget is kept inside the sandbox (no signals, which work only in the main
thread and would fail in a worker or a server): repeated and concatenated
strings and lists are capped, powers are capped, every `range()` step is
counted against a per-render allowance, and the output is cut off past a
size. Exceeding any of them raises `BudgetExceeded`, which assembly reports
as a located library error.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment

MAX_SEQUENCE = 100_000  # characters or items one expression may build
MAX_STEPS = 1_000_000  # range() steps one render may take, all loops together
MAX_OUTPUT = 500_000  # characters one clause may render to
MAX_POWER_BITS = 4_096

_steps: ContextVar[list[int] | None] = ContextVar("agreementkit_template_steps", default=None)


class BudgetExceeded(Exception):
    """A template asked for more work or memory than any clause needs."""

    lineno: int | None = None  # the template line, where it can be told


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


def checked_size(value: Any) -> Any:
    """The result of `a ~ b`, refused once it passes the limit: doubling a string in a loop stops there."""
    if _size(value) is not None and len(value) > MAX_SEQUENCE:
        raise BudgetExceeded(f"joining text with ~ would build more than {MAX_SEQUENCE:,} characters")
    return value


class _BudgetedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` so that its result is measured; the sandbox does not intercept it."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")
_NUMBERS = re.compile(r"\d+")


def _ints(values: Any) -> list[int]:
    items = values.values() if isinstance(values, dict) else values if isinstance(values, (tuple, list)) else [values]
    return [abs(v) for v in items if isinstance(v, int) and not isinstance(v, bool)]


def percent_format_size(fmt: Any, values: Any) -> int:
    """The most characters `fmt % values` can pad to, counted from its widths and precisions
    (a `*` takes its number from the values) before any work is done."""
    if not isinstance(fmt, str) or "%" not in fmt:
        return 0
    total = 0
    stars = 0
    for match in _PERCENT_SPEC.finditer(fmt):
        for part in match.groups():
            if part == "*":
                stars += 1
            elif part:
                total += int(part)
    if stars:
        total += sum(sorted(_ints(values), reverse=True)[:stars])
    return total


def brace_format_size(fmt: Any, *values: Any) -> int:
    """The most characters `fmt.format(...)` can pad to: the widths and precisions of its fields
    (a nested `{}` takes its number from the values), before any work is done."""
    if not isinstance(fmt, str) or "{" not in fmt:
        return 0
    total = 0
    nested = 0
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return 0  # not a format string: formatting it fails on its own
    for _, _, spec, _ in fields:
        if spec:
            nested += spec.count("{")
            total += sum(int(n) for n in _NUMBERS.findall(re.sub(r"\{[^}]*\}", "", spec)))
    if nested:  # each nested field may take the largest number given
        total += nested * max((v for value in values for v in _ints(value)), default=0)
    return total


def readable(text: Any, limit: int = 300) -> str:
    """Text quoted in a message, cut to a length a person reads: a template's output can be huge."""
    value = str(text)
    return value if len(value) <= limit else value[:limit] + f"… ({len(value) - limit:,} more characters)"


def check_format(size: int, how: str) -> None:
    if size > MAX_SEQUENCE:
        raise BudgetExceeded(f"{how} asks for fields {size:,} characters wide, over {MAX_SEQUENCE:,}")


def _capped_filter(name: str, function: Any) -> Any:
    """A built-in filter whose size arguments (`center(10**9)`, `indent(…)`, `batch(…)`) are capped
    before it runs (a huge width would allocate the memory before any later check could help),
    and whose result is measured (a value joined to itself in a loop stops at the limit)."""

    first = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1  # after the context and the value

    @functools.wraps(function)
    def capped(*args: Any, **kwargs: Any) -> Any:
        sizes = [v for v in (*args[first:], *kwargs.values()) if isinstance(v, int) and not isinstance(v, bool)]
        if any(abs(v) > MAX_SEQUENCE for v in sizes):
            raise BudgetExceeded(f"the {name} filter was asked for a size over {MAX_SEQUENCE:,}")
        if name == "format" and len(args) >= first:  # `'%9999999d' | format(1)` pads before any later check could help
            check_format(percent_format_size(args[first - 1], tuple(args[first:]) or kwargs), "the format filter")
        result = function(*args, **kwargs)
        if _size(result) is not None and len(result) > MAX_SEQUENCE:  # joining a value to itself, again and again
            raise BudgetExceeded(f"the {name} filter would build more than {MAX_SEQUENCE:,} characters or items")
        return result

    return capped


class BudgetedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BudgetedCodeGenerator

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        """Method and function calls: `'x'.ljust(10**9)` is refused before it runs, and
        `'{}{}'.format(s, s)` once its result passes the limit."""
        if __obj is not budgeted_range:
            sizes = [v for v in (*args, *kwargs.values()) if isinstance(v, int) and not isinstance(v, bool)]
            if any(abs(v) > MAX_SEQUENCE for v in sizes):
                raise BudgetExceeded(f"a call was asked for a size over {MAX_SEQUENCE:,}")
        result = super().call(__context, __obj, *args, **kwargs)
        if _size(result) is not None and len(result) > MAX_SEQUENCE:
            raise BudgetExceeded(f"a call would build more than {MAX_SEQUENCE:,} characters or items")
        return result

    def wrap_str_format(self, value: Any) -> Any:
        """`'{:999999999}'.format(1)`: the fields' widths and precisions are counted before formatting."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = getattr(value, "__self__", None)

        @functools.wraps(wrapped)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            check_format(brace_format_size(template, *args, *kwargs.values()), "str.format")
            return wrapped(*args, **kwargs)

        return bounded

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: _capped_filter(name, f) for name, f in self.filters.items()}
        self.checked_size = checked_size

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                length = _size(sequence)
                if length is not None and isinstance(times, int) and length * max(times, 0) > MAX_SEQUENCE:
                    raise BudgetExceeded(f"repeating a value {times:,} times would build more than {MAX_SEQUENCE:,} "
                                         "characters or items")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and right * abs(left).bit_length() > MAX_POWER_BITS:
                raise BudgetExceeded(f"{left} ** {right} is too large a number for a clause")
        elif operator == "%":
            check_format(percent_format_size(left, right), "%-formatting")
        elif operator == "+":
            left_size, right_size = _size(left), _size(right)
            if left_size is not None and right_size is not None and left_size + right_size > MAX_SEQUENCE:
                raise BudgetExceeded(f"joining these values would build more than {MAX_SEQUENCE:,} characters or items")
        return super().call_binop(context, operator, left, right)


def budgeted_range(*args: int) -> Iterator[int]:
    """`range()` whose steps count against the render's allowance, nested loops included."""
    counter = _steps.get()
    for value in range(*args):
        if counter is not None:
            counter[0] += 1
            if counter[0] > MAX_STEPS:
                raise BudgetExceeded(f"its loops take more than {MAX_STEPS:,} steps")
        yield value


@contextmanager
def budget() -> Iterator[None]:
    """A fresh allowance of range() steps for one render."""
    token = _steps.set([0])
    try:
        yield
    finally:
        _steps.reset(token)


def render_capped(template: Any, context: dict[str, Any]) -> str:
    """Render, stopping as soon as the output passes MAX_OUTPUT characters."""
    parts: list[str] = []
    total = 0
    with budget():
        stream = template.generate(context)
        for chunk in stream:
            total += len(chunk)
            if total > MAX_OUTPUT:
                exc = BudgetExceeded(f"it renders to more than {MAX_OUTPUT:,} characters")
                exc.lineno = _paused_line(template, stream)
                raise exc
            parts.append(chunk)
    return "".join(parts)


def _paused_line(template: Any, stream: Any) -> int | None:
    """The template line whose output broke the cap: where the template's own generator is paused."""
    line = None
    while stream is not None:
        frame = getattr(stream, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == "<template>":
            line = template.get_corresponding_lineno(frame.f_lineno)
        stream = getattr(stream, "gi_yieldfrom", None)
    return line
