"""`agreementkit library init`: a starter layer that lints and tests clean as created.

It shows, in files a legal team can copy from, the four things a house
library does: override a built-in clause, add a clause with the question it
needs, add a review rule of its own, and keep a scenario whose approved
rendering guards the wording.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import __version__
from ..errors import UserError
from ..render import atomic_write

_README = """# {name}

A clause library layer for agreementkit: it is applied over the built-in library.

    agreementkit render answers.yaml --library {folder} -o out/
    agreementkit new --library {folder} -o drafts/

## What is here

- `library.yaml`: the layer's name and version, and the agreementkit versions it was written for.
- `clauses/`: clause files. `counterparts.md` **overrides** the built-in clause of the same id
  (`general.counterparts`); `complaints.md` **adds** a clause.
- `questions/house.yaml`: the question the new clause needs. Its answer goes under `extra:` in
  answers files (`extra.complaints_contact`).
- `rules/house.yaml`: the house's own health-check rule, checked with the built-in ones by `check`,
  `render`, `new` and `serve`. Its examples (answers on which it fires, and a near miss) run in
  `agreementkit test` and `agreementkit lint`.
- `tests/`: scenarios. `example.yaml` is an answers file; `example.md` is its approved rendering.

## Changing it

1. Edit a clause, or add one (copy a built-in one with `agreementkit clauses show ID`).
2. `agreementkit lint --library {folder}`: every name, filter and reference is checked in every branch,
   and every rule's examples are run.
3. `agreementkit test --library {folder}`: each scenario is rendered and compared with its approved
   rendering. A change in wording shows as a diff naming the clauses it touches.
4. When the diff is what you meant, `agreementkit test --library {folder} --update` approves it.
"""

_LIBRARY = """# The layer's name and version, recorded for the people who maintain it.
name: {name}
version: 0.1.0
agreementkit: ">={version}"
"""

_OVERRIDE = """---
# Replaces the built-in clause of the same id; lint warns when the built-in one moves past this version.
id: general.counterparts
overrides: general.counterparts@{builtin_version}
title: Counterparts and electronic signature
section: general
order: 100
version: 1
binds: true
---
This {{{{ instrument }}}} may be signed in any number of counterparts, which together form one document. A Party may sign with a qualified or advanced electronic signature, and a signed copy sent by email is as effective as an original.
"""

_NEW_CLAUSE = """---
id: general.complaints
title: Complaints
section: general
order: 105
version: 1
condition: extra.complaints_contact
uses: [extra.complaints_contact]
---
A complaint about the partnership from anyone outside it is to be sent to {{{{ extra.complaints_contact }}}}, who {{{{ shall }}}} acknowledge it within 5 working days and tell the {{{{ governance.body }}}} about it at its next meeting.
"""

_QUESTIONS = """# Questions this layer adds. A layer's new answers go under extra: in answers files.
questions:
  - id: extra.complaints_contact
    page: communication
    type: text
    prompt: Who receives complaints from outside the partnership?
    label: complaints contact
    required: false
    help: A named role, such as "the partnership manager of the lead Party". Leave it empty to leave the clause out.
"""


_RULES = """# The house's own health-check rules (see the README, "House review rules"; `agreementkit rules schema`).
base: example   # the scenario in tests/ that the examples below change

rules:
  - id: complaints-contact
    severity: advice
    summary: A partnership of three or more parties names who receives complaints from outside it.
    about: [general.complaints@1]
    when: parties | length > 2 and not extra.complaints_contact
    where: {{path: extra.complaints_contact, question: extra.complaints_contact}}
    finding: No one is named to receive complaints from outside the partnership.
    why: With three or more parties, a complaint sent to one of them can go unanswered while each waits for another.
    suggestion: "Set extra.complaints_contact, for example: the partnership manager of the lead Party."
    plain:
      suggestion: "Name who receives complaints (“{{{{ question }}}}” on the {{{{ page }}}} page)."
    examples:
      fires: [{{extra.complaints_contact: null}}]
      passes: [{{}}]
"""


def init_layer(folder: Path) -> list[Path]:
    """Write the starter layer into an empty or new folder; its scenario's approved rendering is made now."""
    from ..answers import answers_to_yaml, load_answers
    from ..resources import builtin_clauses
    from .scenarios import run_scenario

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(f"{folder} already exists and is not an empty folder; choose a new folder for the layer")
    name = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-") or "house-library"
    builtin = (builtin_clauses() / "16-general" / "counterparts.md").read_text(encoding="utf-8")
    builtin_version = re.search(r"^version: (\d+)$", builtin, re.MULTILINE)
    files = {
        "README.md": _README.format(name=name, folder=folder),
        "library.yaml": _LIBRARY.format(name=name, version=__version__),
        "clauses/counterparts.md": _OVERRIDE.format(builtin_version=builtin_version.group(1) if builtin_version else "?"),
        "clauses/complaints.md": _NEW_CLAUSE.format(),
        "questions/house.yaml": _QUESTIONS,
        "rules/house.yaml": _RULES.format(),
    }
    written = []
    for relative, text in files.items():
        path = folder / relative
        atomic_write(path, text.encode("utf-8"))
        written.append(path)
    # The scenario: a built-in example with the new question answered, approved as it renders now.
    from ..questions.spec import load_interview

    answers = load_answers(builtin_clauses() / "tests" / "cold-chain-pilot.yaml")
    data = answers.model_dump(mode="json", exclude_none=True)
    data["extra"] = {"complaints_contact": "the partnership manager of Northwind"}
    data["libraries"] = [str(folder)]
    scenario = folder / "tests" / "example.yaml"
    from ..answers import validate_answers

    atomic_write(scenario, answers_to_yaml(validate_answers(data, interview=load_interview([folder]))).encode("utf-8"))
    run_scenario(scenario, [folder], update=True)
    return [*written, scenario, scenario.with_suffix(".md")]


__all__ = ["init_layer"]
