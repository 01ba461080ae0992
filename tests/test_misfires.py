"""A layer cannot silently misfire: each way a layer used to fail with exit 0 (or a clean lint) is refused or reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, example_data, write_answers

from agreementkit.questions import load_interview


def cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", *map(str, args)], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250", **(env or {})})


def lint_json(layer: Path) -> list[dict]:
    result = cli("lint", "--library", layer, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def funding_layer(tmp_path: Path, clause: str, when: str = "extra.funding == 'grant'") -> Path:
    layer = tmp_path / "layer"
    (layer / "clauses").mkdir(parents=True)
    (layer / "questions").mkdir()
    (layer / "questions" / "q.yaml").write_text(
        "questions:\n"
        "  - {id: extra.funding, page: resources, type: select, prompt: 'How is it funded?', default: own_budget,\n"
        "     options: [{value: grant, label: a grant}, {value: own_budget, label: own budget}]}\n"
        f"  - {{id: extra.grant_by, page: resources, type: date, prompt: Grant awarded by, when: \"{when}\"}}\n",
        encoding="utf-8")
    (layer / "clauses" / "funding.md").write_text(
        f"---\nid: general.funding\ntitle: Funding\nsection: general\norder: 300\n---\n{clause}\n", encoding="utf-8")
    return layer


def answers_for(tmp_path: Path, layer: Path, extra: dict, name: str = "answers.yaml") -> Path:
    data = example_data("telecom-edge-binding")
    data["extra"] = extra
    data["libraries"] = [str(layer)]
    return write_answers(tmp_path, data, name)


# --- an answer used outside its question's condition ---------------------------------------------


def test_an_extra_answer_printed_outside_its_questions_condition_is_found_by_lint_and_refused_by_render(tmp_path: Path) -> None:
    layer = funding_layer(tmp_path, "The grant is awarded by {{ extra.grant_by | date }}.")
    found = [f for f in lint_json(layer) if f["rule"] == "extra-unguarded"]
    assert [(f["line"], f["clause"], f["severity"]) for f in found] == [(7, "general.funding", "warning")]
    assert "whose question is asked only when extra.funding == 'grant'" in found[0]["message"]
    assert found[0]["suggestion"].startswith("wrap it in {% if extra.funding == 'grant' %}")
    answers = answers_for(tmp_path, layer, {"funding": "own_budget"})
    result = cli("render", answers, "--library", layer, "-o", tmp_path / "out.md")
    assert result.returncode == 2 and not (tmp_path / "out.md").exists()
    said = " ".join(result.stderr.split())
    assert "funding.md" in said and "line 7: general.funding" in said
    assert "it prints extra.grant_by, which has no answer for this agreement" in said
    given = answers_for(tmp_path, layer, {"funding": "grant", "grant_by": "2027-05-01"}, "given.yaml")
    assert cli("render", given, "--library", layer, "-o", tmp_path / "given.md").returncode == 0
    assert "The grant is awarded by 1 May 2027." in (tmp_path / "given.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("clause", [
    "{% if extra.funding == 'grant' %}The grant is awarded by {{ extra.grant_by | date }}.{% endif %}",
    "{% if extra.grant_by %}The grant is awarded by {{ extra.grant_by | date }}.{% endif %}",
    "The grant is awarded {{ 'by ' ~ (extra.grant_by | date) if extra.grant_by else 'when the funder decides' }}.",
    "The grant is awarded by {{ extra.grant_by | default('a date to be agreed') }}.",
    "Funding: {{ extra.funding }}.{% if extra.grant_by is not none %} By {{ extra.grant_by | date }}.{% endif %}",
])
def test_a_guarded_print_is_clean_and_renders_without_the_answer(tmp_path: Path, clause: str) -> None:
    layer = funding_layer(tmp_path, clause)
    assert [f for f in lint_json(layer) if f["rule"] == "extra-unguarded"] == []
    answers = answers_for(tmp_path, layer, {"funding": "own_budget"})
    result = cli("render", answers, "--library", layer, "-o", tmp_path / "out.md")
    assert result.returncode == 0, result.stderr


def test_a_clause_condition_holding_the_when_guards_its_body(tmp_path: Path) -> None:
    layer = funding_layer(tmp_path, "The grant is awarded by {{ extra.grant_by | date }}.")
    path = layer / "clauses" / "funding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("order: 300\n", "order: 300\ncondition: extra.funding == 'grant' "
                                                                             "and extra.grant_by\n"), encoding="utf-8")
    assert [f for f in lint_json(layer) if f["rule"] == "extra-unguarded"] == []


# --- names and choices that do not exist ------------------------------------------------------


def test_new_and_serve_refuse_a_question_whose_when_names_no_answer(tmp_path: Path) -> None:
    layer = funding_layer(tmp_path, "Funded.", when="extra.fundng == 'grant'")
    finding = [f for f in lint_json(layer) if f["rule"] == "question-expression"]
    assert finding and "'extra.fundng' is asked by no question" in finding[0]["message"]
    from agreementkit.errors import ClauseLibraryError
    from agreementkit.web import open_draft, start

    with pytest.raises(ClauseLibraryError) as refused:
        start(open_draft(None, output=tmp_path / "out", libraries=[layer]), port=0)
    assert "q.yaml" in str(refused.value) and "did you mean 'extra.funding'?" in str(refused.value)
    served = cli("serve", "-o", tmp_path / "out2", "--library", layer, "--no-browser", "--port", "0")
    assert served.returncode == 2 and "'extra.fundng' is asked by no question" in served.stderr
    # `new` checks the same before its first question (it needs a terminal, so it is driven here in-process).
    from agreementkit.toolkit.lint.questions import refuse_unknown_names

    with pytest.raises(ClauseLibraryError):
        refuse_unknown_names(load_interview([layer]))


def test_a_comparison_with_a_choice_that_does_not_exist_is_a_lint_error(tmp_path: Path) -> None:
    layer = funding_layer(tmp_path, "{% if extra.funding == 'grants' %}A grant.{% endif %}"
                                    "{% if governance.decision_rule.value in ['majority', 'unanimus'] %}Votes.{% endif %}",
                          when="extra.funding == 'grnt'")
    found = [(f["line"], f["message"], f["suggestion"]) for f in lint_json(layer) if f["rule"] == "unknown-option"]
    assert (7, "compares extra.funding with 'grants', which is not one of its choices (grant, own_budget)",
            "did you mean 'grant'?") in found
    assert any("compares governance.decision_rule with 'unanimus'" in m and s == "did you mean 'unanimous'?" for _, m, s in found)
    assert any(m.startswith("when: compares extra.funding with 'grnt'") for _, m, _ in found)


# --- clause files, question files and library.yaml ---------------------------------------------------


def test_a_clause_id_given_twice_is_reported_beside_another_front_matter_problem(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    (clauses / "a.md").write_text("---\nid: general.note\ntitle: Note\nsection: general\norder: 300\n---\nA.\n", encoding="utf-8")
    (clauses / "b.md").write_text("---\nid: general.note\ntitel: Note\nsection: general\norder: 300\n---\nB.\n", encoding="utf-8")
    found = {(f["rule"], Path(f["file"]).name) for f in lint_json(clauses.parent)}
    assert {("duplicate-id", "b.md"), ("front-matter", "b.md")} <= found


@pytest.mark.parametrize("empty", ["questions/empty.yaml", "library.yaml", "rules/empty.yaml"])
def test_an_empty_question_file_rule_file_or_library_yaml_is_refused_the_same_way_everywhere(tmp_path: Path, empty: str) -> None:
    layer = tmp_path / "layer"
    (layer / empty).parent.mkdir(parents=True, exist_ok=True)
    (layer / "clauses").mkdir(exist_ok=True)
    (layer / empty).write_text("", encoding="utf-8")
    answers = ROOT / "examples" / "telecom-edge-binding.yaml"
    commands = [["check", answers], ["render", answers, "-o", tmp_path / "out.md"], ["test"]]
    # Every command that reads that kind of file: the interview's (schema, questions list) and the rules' (rules list).
    commands += [["schema"], ["questions", "list"]] if not empty.startswith("rules") else []
    commands += [["rules", "list"]] if not empty.startswith("questions") else []
    for command in commands:
        result = cli(*command, "--library", layer)
        assert result.returncode == 2, (command, result.stdout[-500:], result.stderr)
        assert "the file is empty" in result.stderr, (command, result.stderr)
    linted = cli("lint", "--library", layer)
    assert linted.returncode in (1, 2) and "the file is empty" in linted.stdout + linted.stderr


def test_a_tab_in_yaml_gets_a_spaces_hint(tmp_path: Path) -> None:
    path = tmp_path / "tabbed.yaml"
    path.write_text("format: 1\nagreement:\n\ttitle: x\n", encoding="utf-8")
    result = cli("check", path)
    assert result.returncode == 2 and "line 3" in result.stderr and "(use spaces for indentation, not tabs)" in result.stderr


def test_a_recursive_macro_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    (clauses / "loop.md").write_text("---\nid: general.loop\ntitle: Loop\nsection: general\n---\nText.\n\n"
                                     "{% macro f(n) %}\n{{ f(n) }}\n{% endmacro %}{{ f(1) }}\n", encoding="utf-8")
    result = cli("render", ROOT / "examples" / "telecom-edge-binding.yaml", "--library", clauses.parent, "-o", tmp_path / "x.md")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "loop.md" in result.stderr and "line 9: general.loop: template nested too deeply to render (a macro that calls " \
        "itself without end" in " ".join(result.stderr.split())


def test_a_recursive_macro_in_a_question_default_is_refused_with_the_question_file_and_line(tmp_path: Path) -> None:
    questions = tmp_path / "layer" / "questions"
    questions.mkdir(parents=True)
    (questions / "q.yaml").write_text("questions:\n  - id: extra.loopy\n    page: confidentiality\n    type: text\n"
                                      "    prompt: Loop?\n    required: false\n"
                                      "    default: \"{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\"\n", encoding="utf-8")
    result = cli("check", ROOT / "examples" / "telecom-edge-binding.yaml", "--library", questions.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert f"{questions / 'q.yaml'}, line 7: extra.loopy: default:" in message and "nested too deeply" in message


def test_schema_shows_a_layer_questions_condition_and_default() -> None:
    result = cli("schema", "--library", ROOT / "examples" / "layers" / "data-sharing")
    extra = json.loads(result.stdout)["properties"]["extra"]["properties"]
    assert extra["data_roles"]["default"] == "independent" and extra["data_roles"]["x-agreementkit-when"] == "extra.personal_data"
    assert "Asked only when: extra.personal_data." in extra["data_roles"]["description"]
    assert extra["sharing_agreement_by"]["x-agreementkit-default"] == "{{ agreement.effective_date | months_later(1) }}"


def test_ref_prints_the_number_and_refs_the_word_as_the_readme_says(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    (clauses / "x.md").write_text("---\nid: general.pointer\ntitle: Pointer\nsection: general\norder: 300\n---\n"
                                  "See clause {{ ref('disputes.ladder') }} and {{ refs(['disputes.ladder']) }}.\n", encoding="utf-8")
    assert cli("render", ROOT / "examples" / "telecom-edge-binding.yaml", "--library", clauses.parent, "-o", tmp_path / "x.md"
               ).returncode == 0
    text = (tmp_path / "x.md").read_text(encoding="utf-8")
    import re

    number = re.search(r"See clause \[?(\d+\.\d+)", text)
    assert number and f"and clause [{number.group(1)}]" in text or f"and clause {number.group(1)}" in text  # type: ignore[union-attr]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "the printed number of another clause (`9.4`, `Schedule 3`: write `clause {{ ref('disputes.ladder') }}`)" in readme


def test_a_layer_can_make_undefined_terms_gate_lint_strict(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "clauses").mkdir(parents=True)
    (layer / "clauses" / "s.md").write_text("---\nid: general.steer\ntitle: Steering\nsection: general\norder: 300\n---\n"
                                            "The Steering Group meets monthly.\n", encoding="utf-8")
    assert cli("lint", "--library", layer, "--strict").returncode == 0  # advice does not gate
    (layer / "library.yaml").write_text("name: house\nversion: 1\nlint:\n  term-undefined: warning\n", encoding="utf-8")
    strict = cli("lint", "--library", layer, "--strict")
    assert strict.returncode == 1 and "term-undefined" in strict.stdout
    (layer / "library.yaml").write_text("name: house\nversion: 1\nlint:\n  term-undefnd: error\n", encoding="utf-8")
    typo = [f for f in lint_json(layer) if f["rule"] == "lint-ignore-unknown"]
    assert typo and typo[0]["suggestion"] == "did you mean 'term-undefined'?"


# --- a question's validate: applies to answers files -----------------------------------------------


def test_validate_refuses_in_check_and_render_what_the_interview_refuses(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "questions").mkdir(parents=True)
    (layer / "questions" / "v.yaml").write_text(
        "questions:\n"
        "  - id: agreement.reference\n"
        "    validate: \"{{ 'a reference starts with the client number, C-' if not value.startswith('C-') }}\"\n"
        "  - id: objectives[].target\n"
        "    validate: \"{{ 'give the target as a number' if not (value | select('in', '0123456789') | list) }}\"\n",
        encoding="utf-8")
    data = example_data("telecom-edge-binding")
    data["objectives"][1]["target"] = "all of them"
    data["libraries"] = [str(layer)]
    answers = write_answers(tmp_path, data)
    for command in (["check", answers], ["render", answers, "-o", tmp_path / "out.md"]):
        result = cli(*command, "--library", layer)
        assert result.returncode == 2
        assert "agreement.reference: a reference starts with the client number, C-" in result.stderr
        assert "objectives[1].target: give the target as a number" in result.stderr
    # The interview's own check of a typed answer gives the same words.
    from agreementkit.questions.expressions import render_value

    question = load_interview([layer]).question("agreement.reference")
    assert render_value(question.validate_, {"value": "AM-1"}, "validate") == "a reference starts with the client number, C-"


def test_validate_does_not_judge_an_answer_already_refused(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "examples" / "telecom-edge-binding.yaml").read_text(encoding="utf-8"))
    data["data_protection"]["processor"] = "aurora"
    result = cli("check", write_answers(tmp_path, data))
    assert result.returncode == 2 and result.stderr.count("processor") == 1, result.stderr
