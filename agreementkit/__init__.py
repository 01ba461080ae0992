"""agreementkit: partnership memoranda of understanding from answers and a clause library.

The library API mirrors the CLI, so a Python user can do whatever the command
line does:

    from agreementkit import load_answers, assemble, write
    answers = load_answers("answers.yaml")
    document = assemble(answers)
    write(document, "mou.docx")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_answers", "assemble", "write", "render_bytes", "load_library"]

if TYPE_CHECKING:
    from .answers import load_answers
    from .assembly import assemble
    from .library import load_library
    from .render import render_bytes, write


_HOMES = {"load_answers": "answers", "assemble": "assembly", "load_library": "library", "write": "render", "render_bytes": "render"}


def __getattr__(name: str) -> Any:
    # Lazy, so that `import agreementkit` (and the CLI's start) stays fast.
    if name not in _HOMES:
        raise AttributeError(f"module 'agreementkit' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
