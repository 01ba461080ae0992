from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import EXAMPLES  # noqa: E402


@lru_cache(maxsize=None)
def rendered(path: Path, fmt: str) -> bytes:
    """Each example is rendered once per format for the whole session."""
    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble
    from agreementkit.render import render_bytes

    return render_bytes(assemble(load_answers(path)), fmt)


@lru_cache(maxsize=None)
def assembled(path: Path):  # type: ignore[no-untyped-def]
    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble

    return load_answers(path), assemble(load_answers(path))


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Path:
    return request.param
