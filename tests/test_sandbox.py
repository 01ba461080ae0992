"""A clause library cannot hang, exhaust memory or print a traceback, whatever its templates do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT

MEASURE = (
    "import resource, subprocess, sys, json\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)\n"
    "print(json.dumps({'code': p.returncode, 'err': p.stderr, 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)

# (template body, words of the message)
RUNAWAY = [
    ("{{ range(10**9) | list | length }}", "its loops take more than 1,000,000 steps"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "its loops take more than 1,000,000 steps"),
    ("{{ 'x' * 10**9 }}", "repeating a value 1,000,000,000 times"),
    ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "it renders to more than 500,000 characters"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
     "joining text with ~ would build more than 100,000 characters"),
    ("{% set ns = namespace(s=['ab']) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
     "joining these values would build more than 100,000"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = [ns.s, ns.s] | join %}{% endfor %}{{ ns.s }}",
     "the join filter would build more than 100,000"),
    ("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = '{}{}'.format(ns.s, ns.s) %}{% endfor %}{{ ns.s }}",
     "a call would build more than 100,000"),
    ("{{ 'x' | center(10**9) }}", "the center filter was asked for a size over 100,000"),
    ("{{ 'x'.ljust(10**9) }}", "a call was asked for a size over 100,000"),
    ("{{ 2 ** 100000 }}", "too large a number"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "nested too deeply to render"),
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
]


@pytest.mark.parametrize(("body", "words"), RUNAWAY, ids=[w for _, w in RUNAWAY])
def test_a_runaway_clause_is_a_located_library_error(tmp_path: Path, body: str, words: str) -> None:
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "runaway.md").write_text(f"---\nid: general.runaway\ntitle: Runaway\nsection: general\n---\nSome text.\n\n{body}\n",
                                      encoding="utf-8")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "agreementkit", "render",
                          str(ROOT / "examples" / "telecom-edge-binding.yaml"), "--library", str(layer),
                          "-o", str(tmp_path / "out.md")], capture_output=True, text=True, timeout=180,
                         env={**os.environ, "NO_COLOR": "1"})
    seconds = time.perf_counter() - start
    result = json.loads(out.stdout)
    assert result["code"] == 2, result
    assert "Traceback" not in result["err"] and "runaway.md" in result["err"] and "general.runaway" in result["err"]
    assert words in result["err"], result["err"]
    if "nested too deeply" not in words:  # Python's recursion limit leaves no template frame to point to
        assert "line 8: general.runaway" in result["err"], result["err"]
    assert seconds < 10, f"took {seconds:.1f} s"
    assert result["kb"] < 300 * 1024, f"peak memory {result['kb'] // 1024} MB"
    assert not (tmp_path / "out.md").exists()


def test_the_budget_leaves_real_clauses_alone() -> None:
    """Every example renders under the budget, and a loop of a few thousand steps is fine."""
    from agreementkit.answers import load_answers
    from agreementkit.assembly import _template
    from agreementkit.sandbox import render_capped

    assert render_capped(_template("{% for i in range(5000) %}.{% endfor %}"), {}) == "." * 5000
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        from agreementkit.assembly import assemble

        assert assemble(load_answers(example)).sections
