"""The command line as a user runs it: exit codes, messages, files on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EXAMPLES, DocxView, example_data, varied, write_answers

EXAMPLE = EXAMPLES[0]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "agreementkit", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )


def test_render_one_file_by_extension(tmp_path: Path) -> None:
    out = tmp_path / "mou.docx"
    result = run("render", EXAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    assert "Northwind Telecom plc" in DocxView(out.read_bytes()).text


def test_render_several_formats_into_a_folder(tmp_path: Path) -> None:
    result = run("render", EXAMPLE, "-o", tmp_path / "out", "--format", "docx,md,html")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["cold-chain-pilot.docx", "cold-chain-pilot.html", "cold-chain-pilot.md"]


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mou.md"
    out.write_text("my edits", encoding="utf-8")
    result = run("render", EXAMPLE, "-o", out)
    assert result.returncode == 2
    assert "already exists; use --force" in result.stderr
    assert out.read_text(encoding="utf-8") == "my edits"
    result = run("render", EXAMPLE, "-o", out, "--force")
    assert result.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# Memorandum of Understanding")


def test_bad_answers_exit_2_with_the_path_and_write_nothing(tmp_path: Path) -> None:
    answers = write_answers(tmp_path, varied(example_data(), **{"objectives.1.due": "2027-13-01"}))
    result = run("render", answers, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "objectives[1].due: not a real date" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "missing.yaml"], "no such answers file"),
        (["render", "{example}", "-o", "x.txt"], "unknown extension '.txt'"),
        (["render", "{example}", "-o", "out", "--format", "docx,odt"], "unknown format odt"),
        (["render", "{example}", "-o", "a.pdf", "--format", "docx"], "names a .pdf file but --format asks for docx"),
        (["render", "{example}", "--library", "no-such-folder"], "no such clause library folder"),
        (["render"], "Missing argument"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_mistakes_exit_2_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*[a.replace("{example}", str(EXAMPLE)) for a in args], cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_render_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementkit import render as render_module
    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble

    document = assemble(load_answers(EXAMPLE))
    real = render_module.render_bytes

    def failing(doc, fmt, templates=None):  # type: ignore[no-untyped-def]
        if fmt == "pdf":
            raise RuntimeError("disk on fire")
        return real(doc, fmt, templates)

    monkeypatch.setattr(render_module, "render_bytes", failing)
    outputs = render_module.plan_outputs(tmp_path, "mou", ["docx", "pdf"])
    with pytest.raises(RuntimeError):
        render_module.write_outputs(document, outputs)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_removes_its_temporary_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementkit import render as render_module

    target = tmp_path / "mou.docx"
    target.write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        render_module.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["mou.docx"]


def test_schema_prints_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "agreementkit answers (format 1)"


def test_help_explains_each_command_with_an_example() -> None:
    for args in (["--help"], ["new", "--help"], ["render", "--help"], ["check", "--help"], ["schema", "--help"],
                 ["clauses", "list", "--help"], ["clauses", "show", "--help"], ["questions", "list", "--help"],
                 ["questions", "schema", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        # Every command's help carries an example command line, not just the usage line.
        assert "example" in result.stdout.lower(), args
        assert result.stdout.count("agreementkit ") >= 2, args
    assert "agreementkit render answers.yaml -o mou.docx" in run("render", "--help").stdout


def test_cli_start_does_not_import_writers() -> None:
    code = (
        "import sys, agreementkit.cli as c\n"
        "try:\n    c.app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'docx', 'pydantic', 'questionary') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_clauses_list_and_show() -> None:
    listed = run("clauses", "list")
    assert listed.returncode == 0
    assert "legal.status" in listed.stdout and "confidentiality.obligations" in listed.stdout
    shown = run("clauses", "show", "legal.status")
    assert shown.returncode == 0 and "::: non_binding" in shown.stdout
    missing = run("clauses", "show", "legal.stat")
    assert missing.returncode == 2 and "did you mean legal.status" in missing.stderr


def test_the_python_api_in_the_readme(tmp_path: Path) -> None:
    from agreementkit import assemble, load_answers, write

    document = assemble(load_answers(EXAMPLE))
    path = write(document, tmp_path / "draft.docx")
    assert path == tmp_path / "draft.docx"
    assert "Frostline Analytics Ltd" in DocxView(path.read_bytes()).text
    with pytest.raises(Exception, match="already exists"):
        write(document, tmp_path / "draft.docx")


def test_square_brackets_in_answers_and_library_names_print_as_written(tmp_path: Path) -> None:
    """rich reads [word] as markup; what people and libraries wrote must print as they wrote it."""
    data = varied(example_data(), **{"parties.0.name": "Northwind [bold]Telecom[/bold] plc"})
    del data["parties"][0]["manager"]
    answers = write_answers(tmp_path, data)
    checked = run("check", answers)
    assert "Northwind [bold]Telecom[/bold] plc names no partnership manager" in " ".join(checked.stdout.split()), checked.stdout
    layer = tmp_path / "[house]"
    assert run("library", "init", layer).returncode == 0
    (layer / "library.yaml").write_text("name: '[bold]house[/bold]'\nversion: '[2]'\n", encoding="utf-8")
    folder = tmp_path / "[v2]"
    assert run("render", EXAMPLE, "-o", folder / "mou.docx", "--library", layer).returncode == 0
    shown = run("inspect", folder / "mou.docx")
    assert shown.returncode == 0, shown.stderr
    assert str(folder / "mou.docx") in shown.stdout
    assert "agreementkit built-in 0.1.0, [bold]house[/bold] [2]" in shown.stdout, shown.stdout
    assert "general.counterparts v" in shown.stdout and "(from [bold]house[/bold])" in shown.stdout
    verified = run("inspect", folder / "mou.docx", "--verify", answers, "--library", layer)
    assert f"does not match {answers}:" in verified.stdout
