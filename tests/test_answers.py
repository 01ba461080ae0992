"""Loading answers: every problem reported at once, with its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import (
    DELETE,
    EXAMPLES,
    ROOT,
    SHARED_EXAMPLE,
    example_data,
    varied,
    write_answers,
)

from agreementkit.answers import answers_to_yaml, load_answers, validate_answers
from agreementkit.errors import AnswersError
from agreementkit.questions import load_interview
from agreementkit.questions.extra import answers_schema


def problems(path: Path) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        load_answers(path)
    return [str(p) for p in caught.value.problems]


def test_every_example_loads() -> None:
    for path in EXAMPLES:
        load_answers(path)


def test_the_shared_example_is_the_bundled_one() -> None:
    if SHARED_EXAMPLE.exists():
        assert load_answers(SHARED_EXAMPLE) == load_answers(EXAMPLES[0].parent / "cold-chain-pilot.yaml")


def test_several_problems_are_reported_together_with_paths_and_lines(tmp_path: Path) -> None:
    text = (Path(EXAMPLES[0]).parent / "cold-chain-pilot.yaml").read_text(encoding="utf-8")
    text = text.replace("due: 2027-07-31", "due: 2027-02-30")
    text = text.replace("    owner: frostline", "    owner: frostlin")
    text = text.replace("harbour: 20}", "harbour: 10}")
    text = text.replace("cadence: quarterly ", "cadence: weekly ")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    lines = text.splitlines()
    assert len(found) == 4
    date = next(p for p in found if "objectives[0].due" in p)
    assert "2027-02-30" in date and "YYYY-MM-DD" in date
    line = int(date.split(":")[0].removeprefix("line "))
    assert "2027-02-30" in lines[line - 1]
    assert any("objectives[1].owner" in p and "did you mean 'frostline'" in p for p in found)
    assert any(p.endswith("costs.shares: shares total 90%, not 100%") for p in found)
    assert any("review.cadence" in p and "'weekly'" in p for p in found)


def test_a_misspelt_section_is_caught_not_ignored(tmp_path: Path) -> None:
    data = example_data()
    data["objectivs"] = data.pop("objectives")
    found = problems(write_answers(tmp_path, data))
    assert any("objectivs: unknown field 'objectivs'; did you mean 'objectives'?" in p for p in found)
    assert any("objectives: required but missing" in p for p in found)


def test_a_misspelt_nested_field_is_caught(tmp_path: Path) -> None:
    data = varied(example_data(), **{"parties.0.signatory": {"name": "A", "titel": "B"}})
    found = problems(write_answers(tmp_path, data))
    assert any("parties[0].signatory.titel: unknown field" in p for p in found)
    assert any("parties[0].signatory.title: required but missing" in p for p in found)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"parties": []}, "parties: needs at least 2 entries"),
        ({"parties.1.key": "northwind"}, "parties[1].key: party key 'northwind' is used twice"),
        ({"parties.0.key": "North Wind"}, "parties[0].key: 'North Wind' is not a usable key"),
        ({"responsibilities.0.party": "acme"}, "responsibilities[0].party: unknown party 'acme'"),
        ({"resources.2.party": "nobody"}, "resources[2].party: unknown party 'nobody'"),
        ({"costs.shares": {"northwind": 50, "frostline": 50, "ghost": 0}}, "costs.shares.ghost"),
        ({"review.kpi_report_by": "x"}, "review.kpi_report_by: unknown party 'x'"),
        ({"governance.decision_rule": "lead_party"}, "governance: decision_rule lead_party needs lead_party"),
        ({"governance.lead_party": "ghost"}, "governance.lead_party: unknown party 'ghost'"),
        ({"agreement.term_months": DELETE}, "agreement: give the term as term_months or as end_date"),
        ({"agreement.end_date": "2028-01-01"}, "agreement: give the term as term_months or end_date, not both"),
        ({"disputes.steps": ["arbitration", "negotiation"]}, "disputes: steps are out of order"),
        ({"disputes.steps": ["negotiation", "negotiation"]}, "disputes: steps repeat negotiation"),
        ({"disputes.steps": ["negotiation", "arbitration", "courts"]}, "choose one final forum"),
        ({"disputes.steps": ["negotiation", "pistols"]}, "disputes.steps[1]: 'pistols' is not one of"),
        ({"agreement.effective_date": "next week"}, "agreement.effective_date: not a real date: 'next week'"),
        ({"agreement.binding": "perhaps"}, "agreement.binding: 'perhaps' is not yes or no (write true or false)"),
        ({"objectives.0.due": 20270731}, "objectives[0].due"),
        ({"resources.0.currency": "pounds"}, "resources[0].currency"),
        ({"format": 2}, "format: 2 is not one of 1"),
    ],
)
def test_each_rule_names_the_path(tmp_path: Path, changes: dict, expected: str) -> None:
    found = problems(write_answers(tmp_path, varied(example_data(), **changes)))
    assert any(expected in p for p in found), found


def test_end_date_must_follow_the_effective_date(tmp_path: Path) -> None:
    data = varied(example_data(), **{"agreement.term_months": DELETE, "agreement.end_date": "2026-01-01"})
    assert any("the end date (2026-01-01) must come after the start (effective_date 2027-01-15)" in p for p in problems(write_answers(tmp_path, data)))


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert problems(path) == ["line 1: (top level): the file is empty; see `agreementkit schema` or examples/"]


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert "expected a mapping of sections" in problems(path)[0]


def test_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nagreement: {title: [unclosed\n", encoding="utf-8")
    found = problems(path)
    assert found[0].startswith("line ") and "not valid YAML" in found[0]


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.yaml") == ["(top level): no such answers file"]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: 1\nagreement:\n  title: Caf\xe9\n".encode("latin-1"))
    assert "line 3: (top level): not UTF-8 text" in problems(path)[0]


def test_control_characters_are_refused_naming_the_field(tmp_path: Path) -> None:
    data = varied(example_data(), **{"parties.1.name": "Frost\x00line", "objectives.2.title": "Launch\x0b"})
    found = problems(write_answers(tmp_path, data))
    assert any("parties[1].name: contains control character U+0000" in p for p in found)
    assert any("objectives[2].title: contains control character U+000B" in p for p in found)


def test_yaml_cannot_construct_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("format: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    assert "not valid YAML" in problems(path)[0]


def test_optional_fields_judged_by_the_health_check_may_be_absent() -> None:
    data = example_data()
    for objective in data["objectives"]:
        for key in ("kpi", "target", "due", "owner"):
            objective.pop(key)
    for party in data["parties"]:
        party.pop("manager")
    data["governance"].pop("independent_matters")
    data["governance"].pop("deadlock")
    data["termination"].pop("exit_triggers")
    data["disputes"].pop("negotiation_days")
    data["disputes"].pop("escalation_days")
    answers = validate_answers(data)
    assert answers.objectives[0].kpi is None


def test_yaml_round_trip_keeps_the_answers() -> None:
    from agreementkit.yamlfile import parse_yaml

    answers = load_answers(EXAMPLES[0])
    again = validate_answers(parse_yaml(answers_to_yaml(answers), "again").data)
    assert again == answers


def test_schema_describes_the_format() -> None:
    schema = answers_schema(load_interview())
    assert set(schema["required"]) == {"format", "agreement", "parties", "objectives"}
    assert "objectives" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_the_fingerprint_counts_only_answers_that_differ_from_their_defaults(tmp_path: Path) -> None:
    """A later version adding an optional field (as agreement.table_of_contents was added) must not make
    every document rendered before it fail `inspect --verify`."""
    from pydantic import create_model

    from agreementkit.answers import Agreement, Answers

    data = example_data()
    assert "table_of_contents" not in data["agreement"]
    plain = load_answers(write_answers(tmp_path, data, "plain.yaml")).fingerprint()
    explicit = load_answers(write_answers(tmp_path, varied(data, **{"agreement.table_of_contents": False,
                                                                    "agreement.implementing_agreements": False}),
                                                   "explicit.yaml"))
    assert explicit.fingerprint() == plain
    # The model grows a defaulted field: the same file keeps its fingerprint.
    grown_agreement = create_model("Agreement", __base__=Agreement, watermark=(bool, False))
    grown = create_model("Answers", __base__=Answers, agreement=(grown_agreement, ...), audit_log=(list[str], []))
    assert grown.model_validate(data).fingerprint() == Answers.model_validate(data).fingerprint() == plain
    # An answer that differs from its default still counts.
    changed = load_answers(write_answers(tmp_path, varied(data, **{"agreement.table_of_contents": True}), "toc.yaml"))
    assert changed.fingerprint() != plain


def test_an_extra_answer_left_to_its_default_does_not_change_the_fingerprint(tmp_path: Path) -> None:
    from helpers import ROOT

    from agreementkit.questions import load_interview

    interview = load_interview([ROOT / "examples" / "layers" / "data-sharing"])
    left_out = load_answers(write_answers(tmp_path, {**example_data(), "extra": {}}, "a.yaml"), interview=interview)
    written = load_answers(write_answers(tmp_path, {**example_data(), "extra": {"personal_data": False}}, "b.yaml"),
                           interview=interview)
    assert left_out.extra["personal_data"] is False and written.extra["personal_data"] is False
    assert left_out.fingerprint() == written.fingerprint() == load_answers(EXAMPLES[0]).fingerprint()


def test_libyaml_reads_every_shipped_file_as_pyyaml_does_and_mistakes_are_worded_as_before() -> None:
    """Files are read with libyaml's parser when PyYAML has it (a third of a second less on every start),
    which must give the same data and the same lines; a mistake is still reported in PyYAML's words."""
    import yaml

    from agreementkit import yamlfile
    from agreementkit.errors import InvalidInputError

    if yamlfile._FastPlainLoader is None:
        pytest.skip("PyYAML without libyaml here")
    files = [p for folder in ("examples", "clauses") for p in (ROOT / folder).rglob("*.yaml")]
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yamlfile._compose(text, str(path), 0, yamlfile._FastPlainLoader)
        slow = yamlfile._compose(text, str(path), 0, yamlfile._PlainLoader)
        assert fast[1] == slow[1], path
        assert yamlfile._line_map(fast[0]) == yamlfile._line_map(slow[0]), path
    with pytest.raises(yaml.YAMLError, match="in this context"):  # libyaml's own words ...
        yamlfile._compose("title: Term: renewal\n", "x", 0, yamlfile._FastPlainLoader)
    with pytest.raises(InvalidInputError, match="mapping values are not allowed here .a value that contains"):  # ... and ours
        yamlfile.parse_yaml("title: Term: renewal\n", "x")
