"""The house as drawn in docs/architecture.md: no module imports, however indirectly, a module that imports it.

Every import counts, those inside functions included (the cycles this test was
written against all went through imports inside functions); only imports under
`if TYPE_CHECKING:` are exempt, since they never run. Importing `a.b.c` also runs
the packages `a.b` above it, so those count as imported too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "agreementkit"


def _modules(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: at the top, in functions and classes, not under TYPE_CHECKING."""
    out: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        visit(node)

    visit(tree)
    return out


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Which of the package's modules each module imports (packages count as their __init__)."""
    modules = _modules(root)
    top = root.name
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            for target in targets:
                if target != top and not target.startswith(top + "."):
                    continue
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                parts = target.split(".")
                for depth in range(1, len(parts) + 1):
                    step = ".".join(parts[:depth])
                    # Packages above the importer are already being imported when it runs.
                    if step in modules and not (name == step or name.startswith(step + ".")):
                        graph[name].add(step)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe(group: list[str], graph: dict[str, set[str]]) -> str:
    members = set(group)
    return "; ".join(f"{m} imports {', '.join(sorted(graph[m] & members))}" for m in group)


def test_no_module_of_the_package_is_in_an_import_cycle() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles: " + " | ".join(_describe(group, graph) for group in found)


def test_the_check_finds_a_cycle_through_an_import_inside_a_function(tmp_path: Path) -> None:
    package = tmp_path / "house"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "model.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .inner.front import Front\n")
    (package / "inner" / "__init__.py").write_text("from .front import Front\n")
    (package / "inner" / "front.py").write_text("from ..model import thing\nclass Front: ...\n")
    assert cycles(import_graph(package)) == []  # a TYPE_CHECKING import never runs
    (package / "model.py").write_text("def load():\n    from .inner import front\n    return front\n")
    assert cycles(import_graph(package)) == [["house.inner", "house.inner.front", "house.model"]]


# The layers of docs/architecture.md, bottom first, by the top-level name of each part.
LAYERS = [
    {"errors", "yamlfile", "resources", "dates", "sandbox", "targets"},
    {"document", "markup", "answers"},
    {"library", "questions"},
    {"assembly", "checks", "layered"},
    {"writers", "render", "compare", "batch"},
    {"interview", "toolkit", "reviews"},
    {"questionnaire", "web", "cli", "__main__"},
]
# Parts of one layer that build on each other, as the drawing's table says.
SAME_LAYER = {("yamlfile", "errors"), ("markup", "document"), ("checks", "assembly"), ("layered", "checks"), ("layered", "assembly"),
              ("questions", "library"), ("render", "writers"), ("batch", "render"), ("batch", "writers"),
              ("compare", "render"), ("cli", "questionnaire"), ("cli", "web"), ("__main__", "cli")}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_each_part_imports_only_the_layers_beneath_it() -> None:
    layer_of = {part: depth for depth, parts in enumerate(LAYERS) for part in parts}
    graph = import_graph()
    upward: list[str] = []
    for module, imported in sorted(graph.items()):
        part = _part(module)
        if part not in layer_of:
            assert module == "agreementkit", f"{module} is in no layer of docs/architecture.md"
            continue
        for target in sorted(imported):
            other = _part(target)
            if not other or other == part:
                continue
            if layer_of[other] > layer_of[part] or (layer_of[other] == layer_of[part] and (part, other) not in SAME_LAYER):
                upward.append(f"{module} imports {target}")
    assert not upward, "imports against the drawing: " + "; ".join(upward)
