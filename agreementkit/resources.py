"""Where the built-in clause library and house style live.

An installed wheel carries them inside the package; a source checkout keeps
them at the top of the repository, where legal teams expect to find them.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"agreementkit is installed without its {name}/ folder")


def builtin_clauses() -> Path:
    return _find("clauses")


def builtin_templates() -> Path:
    return _find("templates")
