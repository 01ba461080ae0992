"""Reading YAML the way agreementkit needs it: safe, plain and located.

Users write answers files and clause front matter by hand, so every problem
must name its line. PyYAML's node tree carries the marks; we keep a map from
each value's path to its line while constructing plain Python data with the
safe loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidInputError, Problem

PathKey = tuple[str | int, ...]


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings.

    PyYAML turns `2027-02-30` into an exception outside its own error type;
    leaving timestamps as text lets pydantic judge every date and report it
    with its path, like any other field.
    """


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_map(node: yaml.Node | None) -> dict[PathKey, int]:
    lines: dict[PathKey, int] = {}

    def walk(n: yaml.Node, path: PathKey) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                walk(value_node, path + (key,))
                # A key's own line is the best place to point at for its value.
                lines[path + (key,)] = key_node.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for index, item in enumerate(n.value):
                walk(item, path + (index,))

    if node is not None:
        walk(node, ())
    return lines


class LocatedData:
    """Plain data parsed from YAML, with the line of every value."""

    def __init__(self, data: Any, lines: dict[PathKey, int]):
        self.data = data
        self.lines = lines

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that the file has."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def parse_yaml(text: str, source: str, *, first_line: int = 1) -> LocatedData:
    """Parse YAML text into plain data; raise a located problem if it is not YAML.

    `first_line` lets front matter inside a larger file report file lines.
    """
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_PlainLoader)
        data = yaml.load(text, Loader=_PlainLoader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        message = f"not valid YAML: {exc.problem or exc.context}"
        raise InvalidInputError(source, [Problem("", message, line)]) from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(source, [Problem("", f"not valid YAML: {exc}")]) from None
    lines = {path: line + offset for path, line in _line_map(node).items()}
    return LocatedData(data, lines)


def read_text(path: Path, what: str) -> str:
    """Read a UTF-8 text file, turning the usual OS failures into user errors."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(source, [Problem("", f"no such {what} file")]) from None
    except IsADirectoryError:
        raise InvalidInputError(source, [Problem("", f"is a folder, not a {what} file")]) from None
    except OSError as exc:
        raise InvalidInputError(source, [Problem("", f"cannot read it: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem("", f"not UTF-8 text (byte {exc.start}); save it as UTF-8", line)
        raise InvalidInputError(source, [problem]) from None
    return text.removeprefix("\ufeff")


def format_path(path: PathKey) -> str:
    """`("objectives", 2, "due")` as users write it: `objectives[2].due`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
