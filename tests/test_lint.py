"""`agreementkit lint`: every mistake in a clause library, in every branch, at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

LAYER = ROOT / "tests" / "data" / "lint-layer"


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agreementkit", "lint", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})


def test_the_built_in_library_is_lint_clean() -> None:
    result = lint()
    assert result.returncode == 0, result.stdout
    assert "Library lint: clean." in result.stdout
    assert lint("--library", str(ROOT / "examples" / "layers" / "data-sharing")).returncode == 0


def test_every_problem_of_a_layer_is_found_in_one_run_with_its_file_and_line() -> None:
    result = lint("--library", str(LAYER), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    found = {(f["rule"], Path(f["file"]).name, f["line"]) for f in report["findings"]}
    assert found == {
        # a typo inside a branch only a weighted-vote deal reaches, and a reference to a clause that does not exist
        ("unknown-attribute", "weighted.md", 8), ("unknown-reference", "weighted.md", 10),
        ("variant-missing", "filters.md", 8), ("unknown-filter", "filters.md", 9), ("undeclared-extra", "filters.md", 9),
        ("unknown-test", "filters.md", 12), ("conditional-reference", "filters.md", 12),
        ("undefined-name", "mou.md", 7), ("obligation-in-mou", "mou.md", 7),
        ("obligation-in-mou", "terms.md", 7), ("term-defined-twice", "terms.md", 7), ("term-unused", "terms.md", 7),
        ("question-unused", "house.yaml", 2),  # at the question's own file and line
        ("term-before-definition", "mou.md", 7),  # the Budget is defined only in a later section  # extra.house_style is asked; the clause reads extra.house_rule
    }, found
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["unknown-attribute"]["suggestion"] == "did you mean 'weights'?"
    assert by_rule["unknown-attribute"]["clause"] == "governance.weighted_note"
    assert by_rule["unknown-reference"]["suggestion"] == "did you mean 'governance.decisions'?"
    assert by_rule["unknown-filter"]["suggestion"] == "did you mean 'date'?"
    assert by_rule["undeclared-extra"]["suggestion"] == "did you mean 'extra.house_style'?"
    assert "'Shared Costs' is also defined in costs.shared" in by_rule["term-defined-twice"]["message"]
    assert report["counts"] == {"error": 7, "warning": 3, "advice": 4}


def test_the_table_says_where_and_what_to_do() -> None:
    result = lint("--library", str(LAYER))
    assert result.returncode == 1
    assert "weighted.md:8" in result.stdout and "'governance' has no 'wieghts'" in result.stdout
    assert "Library lint: 7 errors, 3 warnings, 4 advice." in result.stdout


def test_warnings_count_only_with_strict(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "note.md").write_text("---\nid: general.note\ntitle: Note\nsection: general\norder: 300\n---\n"
                                   "See clause {{ ref('governance.reserved') }}.\n", encoding="utf-8")
    assert lint("--library", str(layer)).returncode == 0
    strict = lint("--library", str(layer), "--strict")
    assert strict.returncode == 1 and "conditional-reference" in strict.stdout


def test_an_unreadable_library_is_exit_2(tmp_path: Path) -> None:
    result = lint("--library", str(tmp_path / "missing"))
    assert result.returncode == 2 and "no such clause library folder" in result.stderr and "Traceback" not in result.stderr
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "sections.yaml").write_text("sections: [", encoding="utf-8")
    result = lint("--library", str(layer))
    assert result.returncode == 2 and "sections.yaml" in result.stderr and "Traceback" not in result.stderr


def test_a_layer_reads_clauses_from_its_clauses_folder_and_never_its_readme_or_tests(tmp_path: Path) -> None:
    layer = tmp_path / "layer"
    (layer / "clauses").mkdir(parents=True)
    (layer / "tests").mkdir()
    (layer / "README.md").write_text("# Our house library\n\nNot a clause.\n", encoding="utf-8")
    (layer / "tests" / "expected.md").write_text("# A rendering\n", encoding="utf-8")
    (layer / "clauses" / "note.md").write_text("---\nid: general.note\ntitle: Note\nsection: general\norder: 300\n---\nA note.\n",
                                                encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "agreementkit", "clauses", "list", "--library", str(layer)],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "250"})
    assert result.returncode == 0, result.stderr
    assert "general.note" in result.stdout and "deprecated" not in result.stderr
    # The older layout still works, with a deprecation warning, and still skips the README and tests/.
    old = tmp_path / "old"
    (old / "tests").mkdir(parents=True)
    (old / "README.md").write_text("# Not a clause\n", encoding="utf-8")
    (old / "tests" / "expected.md").write_text("# A rendering\n", encoding="utf-8")
    (old / "note.md").write_text((layer / "clauses" / "note.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = lint("--library", str(old))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"warning: {old}: clause files directly in a layer folder are deprecated; move them into {old / 'clauses'}/" in result.stderr


def test_an_override_says_which_built_in_version_it_replaced_and_lint_says_when_that_moved_on(tmp_path: Path) -> None:
    from agreementkit.assembly import default_library

    current = default_library().clauses["general.counterparts"].meta.version
    layer = tmp_path / "layer" / "clauses"
    layer.mkdir(parents=True)

    def override(front: str) -> subprocess.CompletedProcess[str]:
        (layer / "counterparts.md").write_text(f"---\nid: general.counterparts\n{front}title: Counterparts\nsection: general\n"
                                               "order: 100\nbinds: true\n---\nSigned in counterparts.\n", encoding="utf-8")
        return lint("--library", str(layer.parent), "--format", "json")

    assert json.loads(override(f"overrides: general.counterparts@{current}\n").stdout)["findings"] == []
    drift = json.loads(override(f"overrides: general.counterparts@{current - 1}\n").stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in drift] == [("override-drift", "warning")]
    assert f"the built-in clause is now at version {current}" in drift[0]["message"]
    assert f"set overrides: general.counterparts@{current}" in drift[0]["suggestion"]
    unknown = json.loads(override("overrides: general.countreparts@1\n").stdout)["findings"]
    assert [f["rule"] for f in unknown] == ["override-unknown"]
    silent = json.loads(override("").stdout)["findings"]
    assert [f["rule"] for f in silent] == ["override-unrecorded"] and f"general.counterparts@{current}" in silent[0]["suggestion"]
    assert "override-drift" in lint("--library", str(ROOT / "examples" / "layers" / "data-sharing")).stdout


def test_two_clauses_of_one_layer_with_one_id_are_an_error(tmp_path: Path) -> None:
    clauses = tmp_path / "layer" / "clauses"
    clauses.mkdir(parents=True)
    for name, text in (("a.md", "A."), ("b.md", "B.")):
        (clauses / name).write_text(f"---\nid: general.note\ntitle: Note\nsection: general\norder: 300\n---\n{text}\n",
                                    encoding="utf-8")
    report = json.loads(lint("--library", str(tmp_path / "layer"), "--format", "json").stdout)
    assert [(f["rule"], Path(f["file"]).name) for f in report["findings"]] == [("duplicate-id", "a.md")]
    assert "b.md in the same layer" in report["findings"][0]["message"]


def test_lint_knows_every_name_a_clause_is_given() -> None:
    """lint's list of context names is a copy of assembly's: it must not fall behind."""
    from agreementkit.answers import load_answers
    from agreementkit.assembly import _context
    from agreementkit.toolkit.lint import CONTEXT

    given = set(_context(load_answers(ROOT / "examples" / "telecom-edge-binding.yaml")))
    given |= {"ref", "refs", "included", "binding_clauses", "surviving_clauses"}  # added by assemble()
    from agreementkit.answers import Answers

    assert given - set(CONTEXT) - set(Answers.model_fields) == set()


def _layer(root: Path, clauses: dict[str, str], questions: str | None = None) -> Path:
    """A layer with the given clause files (name: front matter fields and body) and question file."""
    (root / "clauses").mkdir(parents=True)
    for name, text in clauses.items():
        (root / "clauses" / name).write_text(text, encoding="utf-8")
    if questions is not None:
        (root / "questions").mkdir()
        (root / "questions" / "q.yaml").write_text(questions, encoding="utf-8")
    return root


def test_defined_terms_are_checked_where_they_are_used(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {
        # Settles Shared Costs in every deal, though only deals with shared costs define them.
        "exit.md": "---\nid: term.settle\ntitle: Settling up\nsection: term\norder: 90\n---\n"
                   "On exit the Parties settle the Shared Costs.\n",
        # The same words, guarded, are fine.
        "guarded.md": "---\nid: term.settle_guarded\ntitle: Settling up\nsection: term\norder: 91\n---\n"
                      "{% if included('costs.shared') %}On exit the Parties settle the Shared Costs.{% endif %}\n",
        # A term declared with defines: but never marked; and one that looks defined but is defined nowhere.
        "board.md": "---\nid: general.board\ntitle: Board\nsection: general\norder: 300\ndefines: [Board]\n---\n"
                    "The Parties meet as a board. Any Steering Group decision is recorded by the Board.\n",
    })
    report = json.loads(lint("--library", str(layer), "--format", "json").stdout)
    found = {(f["rule"], f["clause"]) for f in report["findings"]}
    assert found == {("term-where-undefined", "term.settle"), ("term-not-marked", "general.board"),
                     ("term-undefined", "general.board")}, found
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert "'Shared Costs', defined only in costs.shared, which appears only when costs.model == 'shared'" in \
        by_rule["term-where-undefined"]["message"]
    assert by_rule["term-where-undefined"]["suggestion"].startswith("guard the words: {% if included('costs.shared') %}")
    assert by_rule["term-where-undefined"]["line"] == 7
    assert "'Steering Group' is capitalised like a defined term" in by_rule["term-undefined"]["message"]
    # With the definition marked, defines: makes 'Board' a term, and bold elsewhere (emphasis) defines nothing.
    (layer / "clauses" / "board.md").write_text(
        "---\nid: general.board\ntitle: Board\nsection: general\norder: 300\ndefines: [Board, Steering Group]\n---\n"
        "The Parties meet as a board (the **Board**), and its **members** choose the **Steering Group**. "
        "Any Steering Group decision is recorded by the Board.\n", encoding="utf-8")
    (layer / "clauses" / "exit.md").unlink()
    assert json.loads(lint("--library", str(layer), "--format", "json").stdout)["findings"] == []


def test_markdown_the_writers_cannot_print_is_found(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {"odd.md": "---\nid: general.odd\ntitle: Odd\nsection: general\norder: 300\n---\n"
                                                   "Intro {{ agreement.title }}.\n\n> quoted\n\n- one\n  - nested\n\n"
                                                   "See ![logo](logo.png) and [our site](https://example.com).\n\n"
                                                   "```mermaid\ngraph\n```\n"})
    report = json.loads(lint("--library", str(layer), "--format", "json").stdout)
    found = sorted((f["line"], f["severity"], f["message"].split(" ")[1]) for f in report["findings"]
                   if f["rule"] == "unsupported-markdown")
    assert found == [(9, "error", "block"), (12, "error", "inside"), (14, "warning", "image"), (14, "warning", "link"),
                     (16, "error", "```mermaid```")], found


def test_answers_no_question_asks_and_front_matter_mistakes_are_findings(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {
        "lang.md": "---\nid: general.lang\ntitle: Language\nsection: general\norder: 300\n---\n"
                   "{% for p in parties %}{{ p.manager.phone }}{% endfor %} {{ agreement.language }}\n",
        "typo.md": "---\nid: general.typo\ntitel: Typo\nsection: general\n---\nText.\n",
        "lost.md": "---\nid: general.lost\ntitle: Lost\nsection: nowhere\n---\nText.\n",
        "colon.md": "---\nid: general.colon\ntitle: Term: renewal\nsection: general\n---\nText.\n",
    }, questions="questions:\n  - id: agreement.language\n    remove: true\n  - id: parties[].manager.phone\n    remove: true\n")
    result = lint("--library", str(layer), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    found = {(f["rule"], Path(f["file"]).name, f["line"]) for f in report["findings"]}
    # built-in clauses that read the two answers are named too
    assert found == {("answer-unasked", "lang.md", 7), ("answer-unasked", "arbitration.md", 12),
                     ("answer-unasked", "language.md", 12), ("answer-unasked", "managers.md", 12),
                     ("front-matter", "typo.md", 3), ("unknown-section", "lost.md", 4), ("clause-file", "colon.md", 3)}, found
    # the line of the section: key, and the clause named from the front matter even when it cannot load
    assert {f["rule"]: f["clause"] for f in report["findings"] if f["rule"] in ("unknown-section", "front-matter", "clause-file")} \
        == {"unknown-section": "general.lost", "front-matter": "general.typo", "clause-file": "general.colon"}
    messages = {f["rule"]: f["message"] for f in report["findings"]}
    assert sorted(f["message"] for f in report["findings"] if f["rule"] == "answer-unasked" and f["clause"] == "general.lang") == [
        "reads the answer agreement.language, which no question of the interview asks",
        "reads the answer parties[].manager.phone, which no question of the interview asks"]
    assert "did you mean 'title'?" in messages["front-matter"]
    assert "must be in quotes" in messages["clause-file"]


def test_printing_a_record_a_list_a_dict_or_a_function_is_an_error(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {"obj.md": "---\nid: general.obj\ntitle: Objects\nsection: general\norder: 300\n"
                                                  "condition: commercial\n---\n"
                                                  "{{ label }} {{ costs.shares }}\n"
                                                  "{{ parties[0].signatory }} {{ objectives }}\n"
                                                  "{{ cycler }} {{ governance.decision_rule }} {{ label('x') }} "
                                                  "{{ costs.shares['x'] }} {{ parties | map(attribute='name') | list | and_list }}\n"})
    report = json.loads(lint("--library", str(layer), "--format", "json").stdout)
    found = sorted((f["line"], f["message"]) for f in report["findings"] if f["rule"] == "prints-object")
    assert found == [
        (8, "{{ costs.shares }} prints a dict, not wording"),
        (8, "{{ label }} prints the function 'label' itself, not wording"),
        (9, "{{ objectives }} prints a list, not wording"),
        (9, "{{ parties[0].signatory }} prints a whole person record, not wording"),
        (10, "{{ cycler }} prints the function 'cycler' itself, not wording"),
    ], found
    assert all(f["severity"] == "error" for f in report["findings"] if f["rule"] == "prints-object")


def test_the_table_prints_library_text_as_written_with_a_severity_column(tmp_path: Path) -> None:
    _layer(tmp_path / "layer", {"venue.md": "---\nid: general.venue\ntitle: Venue\nsection: general\norder: 300\n---\n"
                                                    "The Parties shall meet [bold]monthly[/bold] at [insert venue].\n"})
    result = subprocess.run([sys.executable, "-m", "agreementkit", "lint", "--library", "layer"], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout
    assert "[bold]monthly[/bold] at [insert venue]." in result.stdout, result.stdout
    row = next(line for line in result.stdout.splitlines() if "venue.md:7" in line)
    assert row.split()[1:4] == ["general.venue", "advice", "obligation-in-mou"], row
    header = result.stdout.splitlines()[0].split()
    assert header == ["where", "clause", "severity", "rule", "finding", "suggestion"], header


def test_the_front_matter_suggestion_names_a_readme_heading_that_exists(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {"typo.md": "---\nid: general.typo\ntitel: Typo\nsection: general\n---\nText.\n"})
    report = json.loads(lint("--library", str(layer), "--format", "json").stdout)
    suggestion = next(f["suggestion"] for f in report["findings"] if f["rule"] == "front-matter")
    heading = suggestion.split('"')[1]
    assert f"\n## {heading}\n" in (ROOT / "README.md").read_text(encoding="utf-8"), suggestion


def test_a_question_file_mistake_is_a_finding_and_the_clauses_are_still_checked(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {
        "house.md": "---\nid: general.house\ntitle: House\nsection: general\norder: 300\n---\n"
                    "{{ extra.venue }} {{ agreement.titel }}\n",
        "loads.md": "---\nid: general.loads\ntitle: Loads\nsection: general\norder: 301\n---\n"
                    "{% include 'other.md' %}\n{% import 'macros.md' as m %}\n{% from 'macros.md' import f %}\n",
        "extends.md": "---\nid: general.extends\ntitle: Extends\nsection: general\norder: 302\n---\n{% extends 'base.md' %}\n",
    }, questions=("questions:\n"
                  "  - id: extra.venue\n    type: text\n    prompt: Venue\n    page: agreement\n"
                  "    when: agreement.effective_dat\n"
                  "  - id: extra.rights\n    type: yes_no\n    prompt: Rights?\n    page: ip\n"
                  "  - id: extra.start\n    type: date\n    prompt: Start\n    page: agreement\n    required: false\n"
                  "    default: \"{{ agreement.effective_date | months_later(extra.delay) }}\"\n"
                  "    validate: \"{{ 'too early' if value < agreemnt.effective_date }}\"\n"))
    result = lint("--library", str(layer), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr  # findings, not an unreadable library
    findings = json.loads(result.stdout)["findings"]
    found = {(f["rule"], Path(f["file"]).name, f["line"], f["clause"]) for f in findings}
    assert {("question-file", "q.yaml", 10, ""),
            ("question-expression", "q.yaml", 6, "extra.venue"),
            ("question-expression", "q.yaml", 16, "extra.start"),
            ("question-expression", "q.yaml", 17, "extra.start"),
            ("unknown-attribute", "house.md", 7, "general.house"),
            ("template-loading", "loads.md", 7, "general.loads"), ("template-loading", "loads.md", 8, "general.loads"),
            ("template-loading", "loads.md", 9, "general.loads"),
            ("template-loading", "extends.md", 7, "general.extends")} <= found, found
    by_line = {(f["rule"], f["line"]): f for f in findings}
    page = by_line[("question-file", 10)]
    assert "question 'extra.rights' is on unknown page 'ip'" in page["message"]
    assert page["suggestion"] == "did you mean 'intellectual_property'?"
    assert by_line[("question-expression", 6)]["message"] == "when: 'agreement' has no 'effective_dat'"
    assert by_line[("question-expression", 6)]["suggestion"] == "did you mean 'agreement.effective_date'?"
    assert by_line[("question-expression", 16)]["message"] == "default: 'extra.delay' is asked by no question of the loaded layers"
    assert by_line[("question-expression", 17)]["suggestion"] == "did you mean 'agreement'?"
    assert "{% include %} can never render" in by_line[("template-loading", 7)]["message"]


def test_a_mistake_in_a_title_or_condition_is_reported_at_its_own_line(tmp_path: Path) -> None:
    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble
    from agreementkit.errors import ClauseLibraryError
    from agreementkit.library import load_library

    layer = _layer(tmp_path / "layer", {
        "a.md": "---\nid: general.a\nsection: general\norder: 300\ntitle: \"About {{ agreement.titel }}\"\n"
                "condition: agreement.bindng\n---\nText.\n"})
    report = json.loads(lint("--library", str(layer), "--format", "json").stdout)
    assert sorted((f["rule"], f["line"]) for f in report["findings"]) == [("unknown-attribute", 5), ("unknown-attribute", 6)]
    answers = load_answers(ROOT / "examples" / "cold-chain-pilot.yaml")
    try:
        assemble(answers, load_library([layer]))
    except ClauseLibraryError as exc:
        assert exc.problems[0].line == 6 and "condition" in exc.problems[0].message, exc
    (layer / "clauses" / "a.md").write_text("---\nid: general.a\nsection: general\norder: 300\ntitle: \"About {{ agreement.titel }}\"\n"
                                            "---\nText.\n", encoding="utf-8")
    try:
        assemble(answers, load_library([layer]))
    except ClauseLibraryError as exc:
        assert exc.problems[0].line == 5 and "title" in exc.problems[0].message, exc
    else:
        raise AssertionError("the title should not render")


def test_a_plural_defined_as_a_term_of_its_own_is_one_use_and_proper_nouns_are_not_terms(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "layer", {
        # Uses "Members" before any clause defines it: one finding, for Members, not also for Member.
        "early.md": "---\nid: purpose.early\ntitle: Early\nsection: purpose\norder: 1\n---\n"
                    "The Members agree.\n",
        "terms.md": "---\nid: general.terms\ntitle: Terms\nsection: general\norder: 300\ndefines: [Member, Members]\n---\n"
                    "Each member (a **Member**) and all of them (the **Members**).\n",
        "names.md": "---\nid: general.names\ntitle: Names\nsection: general\norder: 301\n---\n"
                    "Each Party complies with the Bribery Act, the Data Protection Regulations and the laws of the "
                    "United Kingdom; the Chief Executive of the University of Leeds signs. The Steering Group meets.\n",
    })
    findings = json.loads(lint("--library", str(layer), "--format", "json").stdout)["findings"]
    before = [f["message"] for f in findings if f["rule"] == "term-before-definition"]
    assert before == ["'Members' is used before general.terms defines it"], before
    undefined = [f["message"].split("'")[1] for f in findings if f["rule"] == "term-undefined"]
    assert undefined == ["Steering Group"], undefined


def test_lint_ignore_silences_a_rule_for_one_clause_and_an_unknown_rule_is_reported(tmp_path: Path) -> None:
    text = ("---\nid: general.names\ntitle: Names\nsection: general\norder: 301\nlint_ignore: [term-undefined, obligation-in-mou]\n"
            "---\nThe Steering Group shall meet.\n")
    layer = _layer(tmp_path / "layer", {"names.md": text,
                                        "other.md": "---\nid: general.other\ntitle: Other\nsection: general\norder: 302\n---\n"
                                                    "The Working Group meets.\n"})
    result = lint("--library", str(layer), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    found = {(f["rule"], f["clause"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("term-undefined", "general.other")}, found
    (layer / "clauses" / "names.md").write_text(text.replace("term-undefined", "term-undefind"), encoding="utf-8")
    findings = json.loads(lint("--library", str(layer), "--format", "json").stdout)["findings"]
    unknown = [f for f in findings if f["rule"] == "lint-ignore-unknown"]
    assert [(f["line"], f["clause"], f["message"], f["suggestion"]) for f in unknown] == [
        (6, "general.names", "lint_ignore names 'term-undefind', which is no lint rule", "did you mean 'term-undefined'?")]
    assert ("term-undefined", "general.names") in {(f["rule"], f["clause"]) for f in findings}


def test_every_lint_rule_is_documented() -> None:
    from agreementkit.toolkit.lint import RULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [rule for rule in sorted(RULES) if f"`{rule}`" not in readme] == []
