"""Reading YAML the way agreementkit needs it: safe, plain and located.

Users write answers files and clause front matter by hand, so every problem
must name its line. PyYAML's node tree carries the marks; we keep a map from
each value's path to its line while constructing plain Python data with the
safe loader.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidInputError, Problem

PathKey = tuple[str | int, ...]

# Hand-written answers, drafts, question and clause files are a few kilobytes. These
# limits sit far above any real file and far below what could exhaust a machine: a few
# hundred bytes of anchors and aliases can otherwise expand to billions of values.
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 200_000


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

_Loader = type[yaml.SafeLoader] | type[Any]
_FastPlainLoader: _Loader | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CPlainLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
        """_PlainLoader over libyaml's parser: the clause library and the questions (some ninety files)
        are read on every start of a command, and PyYAML's own parser took about a third of a second."""

    _CPlainLoader.yaml_implicit_resolvers = _PlainLoader.yaml_implicit_resolvers
    _FastPlainLoader = _CPlainLoader


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


def _refuse(source: str, message: str, line: int | None = None) -> InvalidInputError:
    return InvalidInputError(source, [Problem("", message, line)])


def _check_events(text: str, source: str, offset: int, loader: _Loader = _PlainLoader) -> None:
    """Refuse nesting too deep to process before anything recursive sees it.

    PyYAML's parser is iterative, so walking its events is safe whatever the
    input; its composer and our own walks are recursive."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 + offset if event.start_mark else None
                raise _refuse(source, f"nested more than {MAX_DEPTH} levels deep; a real file needs a handful", line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _refuse_duplicate_keys(node: yaml.MappingNode, source: str, offset: int) -> None:
    """YAML readers keep the last of two equal keys and drop the first without a word: in an answers
    file that silently loses answers, so a key given twice in one mapping is refused."""
    seen: dict[str, int] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1 + offset
        if key.value in seen:
            raise _refuse(source, f"the key '{key.value}' is given twice in one mapping (first at line {seen[key.value]}); "
                                  "the second would silently replace the first: merge them into one", line)
        seen[key.value] = line


def _check_expansion(root: yaml.Node, source: str, offset: int) -> None:
    """Refuse a document whose aliases would expand past MAX_VALUES values, or refer to themselves.

    Sizes are memoised per node, so the check costs the size of the file, not of its expansion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _refuse(source, "an anchor refers to itself (&name … *name inside it)", node.start_mark.line + 1 + offset)
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(node, source, offset)
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        open_nodes.discard(key)
        sizes[key] = min(total, MAX_VALUES + 1)
        return sizes[key]

    if size(root) > MAX_VALUES:
        raise _refuse(source, f"holds more than {MAX_VALUES:,} values, counting what its anchors and aliases "
                              "expand to (a 'billion laughs' document is refused this way); a real file needs far fewer")


def _compose(text: str, source: str, offset: int, loader_class: _Loader) -> tuple[yaml.Node | None, Any]:
    """The node tree and the plain data of one document, refused first if it is nested too deep
    and then if its aliases expand too far."""
    _check_events(text, source, offset, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, source, offset)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse_yaml(text: str, source: str, *, first_line: int = 1) -> LocatedData:
    """Parse YAML text into plain data; raise a located problem if it is not YAML,
    or if it is built to exhaust memory or the stack.

    `first_line` lets front matter inside a larger file report file lines.
    """
    offset = first_line - 1
    try:
        if _FastPlainLoader is None:
            node, data = _compose(text, source, offset, _PlainLoader)
        else:
            try:
                node, data = _compose(text, source, offset, _FastPlainLoader)
            except yaml.YAMLError:
                # libyaml words its errors differently: say what is wrong the way PyYAML does,
                # and accept what PyYAML accepts, as before libyaml was used.
                node, data = _compose(text, source, offset, _PlainLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        message = f"not valid YAML: {exc.problem or exc.context}"
        if "mapping values are not allowed" in message:
            message += " (a value that contains ': ' must be in quotes, e.g. title: \"Term: renewal\")"
        if _tab_at(text, mark.line if mark else None) or "'\\t'" in message:
            message += " (use spaces for indentation, not tabs)"
        raise InvalidInputError(source, [Problem("", message, line)]) from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(source, [Problem("", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise _refuse(source, "nested too deeply to read") from None
    lines = {path: line + offset for path, line in _line_map(node).items()}
    return LocatedData(data, lines)


def _tab_at(text: str, line: int | None) -> bool:
    """Whether the line YAML stopped at (or the one before it) indents with a tab."""
    if line is None:
        return False
    lines = text.splitlines()
    return any(0 <= n < len(lines) and "\t" in lines[n][: len(lines[n]) - len(lines[n].lstrip())] for n in (line - 1, line))


def read_text(path: Path, what: str) -> str:
    """Read a UTF-8 text file, turning the usual OS failures into user errors.

    Only regular files of at most MAX_BYTES are read: a FIFO or a device such as
    /dev/zero would otherwise block or never end."""
    source = str(path)
    a_what = f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(source, f"is a folder, not {a_what} file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise _refuse(source, f"is {kind}, not {a_what} file; give the path of a file")
        if info.st_size > MAX_BYTES:
            raise _refuse(source, f"is {info.st_size / 1024 / 1024:.1f} MB; {a_what} file may be at most "
                                  f"{MAX_BYTES // 1024 // 1024} MB")
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | getattr(os, "O_NONBLOCK", 0))) as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise _refuse(source, f"is larger than {MAX_BYTES // 1024 // 1024} MB, the most {a_what} file may be")
    except FileNotFoundError:
        raise InvalidInputError(source, [Problem("", f"no such {what} file")]) from None
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
