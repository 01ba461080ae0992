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
    from .assemble import assemble
    from .library import load_library
    from .render import render_bytes, write


def __getattr__(name: str) -> Any:
    # Lazy, so that `import agreementkit` (and the CLI's start) stays fast.
    if name == "load_answers":
        from .answers import load_answers as value
    elif name == "assemble":
        from .assemble import assemble as value
    elif name == "load_library":
        from .library import load_library as value
    elif name in ("write", "render_bytes"):
        from . import render

        value = getattr(render, name)
    else:
        raise AttributeError(f"module 'agreementkit' has no attribute {name!r}")
    return value
