"""Clause libraries: layering over the built-in one, the sandbox, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES, DocxView

from agreementkit.answers import load_answers
from agreementkit.assembly import assemble
from agreementkit.errors import ClauseLibraryError
from agreementkit.library import load_library
from agreementkit.render import render_bytes

ANSWERS = load_answers(EXAMPLES[0])


def clause(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_custom_layer_overrides_adds_and_switches_off(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "publicity.md", "---\nid: general.publicity\ntitle: Press\nsection: general\norder: 40\nversion: 7\n---\nNo press releases at all, {{ label('northwind') }} included.\n")
    clause(ours, "values.md", "---\nid: ours.values\ntitle: Our values\nsection: purpose\norder: 30\n---\nThe Parties share **our** values.\n")
    clause(ours, "off.md", "---\nid: general.force_majeure\nsection: general\nenabled: false\n---\n")
    document = assemble(ANSWERS, load_library([ours]))
    docx = DocxView(render_bytes(document, "docx"))
    headings = docx.styled("Heading 2")
    assert "16.4 Press" in headings
    assert "No press releases at all, Northwind included." in docx.text
    assert "2.3 Our values" in headings
    assert not any("Events beyond" in h for h in headings)
    assert ("general.publicity", 7) in document.metadata.clauses


def test_custom_templates_run_in_the_sandbox(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "evil.md", "---\nid: ours.evil\ntitle: Evil\nsection: general\n---\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(ClauseLibraryError) as caught:
        assemble(ANSWERS, load_library([ours]))
    assert "evil.md" in str(caught.value) and "template error" in str(caught.value)


def test_a_template_error_names_the_file_and_line(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "typo.md", "---\nid: ours.typo\ntitle: Typo\nsection: general\n---\nFine line.\n\n{{ agreement.titel }}\n")
    with pytest.raises(ClauseLibraryError) as caught:
        assemble(ANSWERS, load_library([ours]))
    problem = caught.value.problems[0]
    assert problem.line == 8 and "titel" in problem.message


def test_bad_front_matter_is_located(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "bad.md", "---\nid: ours.bad\ntitle: Bad\nsection: nowhere\nordre: 3\n---\nText\n")
    clause(ours, "nofm.md", "Just text\n")
    with pytest.raises(ClauseLibraryError) as caught:
        load_library([ours])
    text = str(caught.value)
    assert "bad.md: unknown field 'ordre'" in text and "line 5" in text
    assert "nofm.md: does not start with YAML front matter" in text


def test_a_reference_to_a_missing_clause_is_reported(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "r.md", "---\nid: ours.ref\ntitle: Ref\nsection: general\n---\nSee clause {{ ref('no.such') }}.\n")
    with pytest.raises(ClauseLibraryError, match="refers to clause 'no.such'"):
        assemble(ANSWERS, load_library([ours]))


def test_the_pdf_fetches_only_from_the_template_folder(tmp_path: Path) -> None:
    from agreementkit.resources import builtin_templates
    from agreementkit.writers.pdf import _fetcher

    fetch = _fetcher(builtin_templates())
    with pytest.raises(ValueError, match="refused"):
        fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetch("http://example.com/font.woff")
    response = fetch((builtin_templates() / "style.css").as_uri())
    assert response is not None


def test_a_house_style_that_asks_for_outside_files_still_renders_without_them(tmp_path: Path) -> None:
    import shutil

    from agreementkit.resources import builtin_templates

    style = tmp_path / "style"
    shutil.copytree(builtin_templates(), style)
    css = style / "style.css"
    css.write_text(css.read_text() + '\nbody { background: url("file:///etc/hostname"); }\n', encoding="utf-8")
    pdf = render_bytes(assemble(ANSWERS), "pdf", style)
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(("expression", "words"), [
    ("label", "prints the function '<lambda>' itself; call it"),
    ("costs.shares", "prints a dict; print one of its values"),
    ("parties[0].signatory", "prints a whole person record; print one of its fields (name, title)"),
    ("objectives", "prints a list; print its items with | and_list, or one of them"),
    ("cycler", "prints the function 'Cycler' itself"),
])
def test_a_clause_printing_a_python_object_is_a_located_library_error(tmp_path: Path, expression: str, words: str) -> None:
    ours = tmp_path / "ours"
    clause(ours, "obj.md", f"---\nid: ours.obj\ntitle: Object\nsection: general\n---\nFine line.\n\nIt is {{{{ {expression} }}}}.\n")
    with pytest.raises(ClauseLibraryError) as caught:
        assemble(ANSWERS, load_library([ours]))
    problem = caught.value.problems[0]
    assert str(caught.value.source).endswith("obj.md") and problem.path == "ours.obj" and problem.line == 8, caught.value
    assert words in problem.message, problem.message


def test_a_choice_prints_as_its_value_and_text_numbers_and_dates_as_they_read(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "ok.md", "---\nid: ours.ok\ntitle: Plain\nsection: general\n---\nRule {{ governance.decision_rule }}; "
                          "cadence {{ review.cadence }}; {{ costs.shares['frostline'] }} per cent from "
                          "{{ agreement.effective_date }}; {{ parties[0].signatory.name }}.\n")
    document = assemble(ANSWERS, load_library([ours]))
    text = render_bytes(document, "md").decode("utf-8")
    line = next(line for line in text.splitlines() if line.startswith("Rule "))
    assert line == (f"Rule {ANSWERS.governance.decision_rule.value}; cadence {ANSWERS.review.cadence.value}; "
                    f"{ANSWERS.costs.shares['frostline']} per cent from {ANSWERS.agreement.effective_date.isoformat()}; "
                    f"{ANSWERS.parties[0].signatory.name}."), line
    assert "DecisionRule." not in text


def test_enabled_false_alone_switches_a_clause_off(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    clause(ours, "off.md", "---\nid: general.force_majeure\nenabled: false\n---\n")
    document = assemble(ANSWERS, load_library([ours]))
    ids = {c.id for s in document.sections for c in s.clauses}
    assert "general.force_majeure" not in ids and "general.counterparts" in ids
    clause(ours, "lost.md", "---\nid: ours.lost\ntitle: Lost\n---\nText.\n")
    with pytest.raises(ClauseLibraryError) as caught:
        load_library([ours])
    problem = caught.value.problems[0]
    assert problem.path == "section" and problem.line == 2
    assert "lost.md: required but missing: give the id of the section the clause belongs to" in problem.message
    assert "or enabled: false to switch off" in problem.message
