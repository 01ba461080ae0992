"""The draft file: every answer given so far, saved as soon as it is given.

The draft is a log of answers keyed by question (`parties[1].name`). Running
the interview again over the same log replays those answers instead of
asking, so `new --resume` continues exactly where the person stopped and
ends with the same answers file as an uninterrupted run. Drafts written
before the interview became data have the same keys and resume as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidInputError, Problem, UserError
from ..render import DEFAULT_FORMATS, atomic_write
from ..yamlfile import parse_yaml, read_text

DRAFT_FORMAT = 1
HEADER = "# agreementkit questionnaire draft: continue it with `agreementkit new --resume {path}`\n"


@dataclass
class Draft:
    path: Path
    quick: bool = False
    log: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] | None = None  # a finished answers file being revised (--from)
    output: str = "."
    formats: list[str] = field(default_factory=lambda: list(DEFAULT_FORMATS))
    libraries: list[str] = field(default_factory=list)  # the custom layers the interview was made with
    stale: dict[str, Any] = field(default_factory=dict)  # answers taken back (going back, re-asking): proposed again
    full_pages: list[str] = field(default_factory=list)  # pages asked in full although the run is quick
    derived: set[str] = field(default_factory=set)  # answers that took the proposal worked out from others
    accepted: set[str] = field(default_factory=set)  # answers taken as proposed with the rest of their section

    def save(self) -> None:
        data = {
            "agreementkit_draft": DRAFT_FORMAT,
            "quick": self.quick,
            "output": self.output,
            "formats": self.formats,
            "libraries": self.libraries,
            "defaults": self.defaults,
            "log": self.log,
            "stale": self.stale,
            "full_pages": self.full_pages,
            "derived": sorted(self.derived),
            "accepted": sorted(self.accepted),
        }
        text = HEADER.format(path=self.path) + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        atomic_write(self.path, text.encode("utf-8"), private=True)  # names and email addresses: the owner's only


def load_draft(path: Path) -> Draft:
    try:
        located = parse_yaml(read_text(path, "draft"), str(path))
    except InvalidInputError as exc:
        raise UserError(str(exc)) from None
    data = located.data
    if not isinstance(data, dict) or data.get("agreementkit_draft") != DRAFT_FORMAT or not isinstance(data.get("log"), dict):
        raise InvalidInputError(str(path), [Problem("", "not an agreementkit questionnaire draft (give an answers file with --from instead)")])

    def listed(name: str) -> list[str]:
        value = data.get(name)
        return [str(v) for v in value] if isinstance(value, list) else []

    return Draft(
        path=path,
        quick=bool(data.get("quick")),
        log=dict(data["log"]),
        defaults=data.get("defaults") if isinstance(data.get("defaults"), dict) else None,
        output=str(data.get("output") or "."),
        formats=listed("formats") or list(DEFAULT_FORMATS),
        libraries=listed("libraries"),
        stale=dict(data["stale"]) if isinstance(data.get("stale"), dict) else {},
        full_pages=listed("full_pages"),
        derived=set(listed("derived")),
        accepted=set(listed("accepted")),
    )
