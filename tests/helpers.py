"""Reading rendered documents back, so tests assert on what a reader sees."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SHARED_EXAMPLE = ROOT.parent / "shared" / "answers-example.yaml"


def example_data(name: str = "cold-chain-pilot") -> dict[str, Any]:
    """An example's answers as plain data, to copy and vary in a test."""
    return yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8"))


def write_answers(tmp_path: Path, data: dict[str, Any], name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def varied(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy with dotted paths replaced: varied(d, **{"agreement.binding": True})."""
    out = copy.deepcopy(data)
    for dotted, value in changes.items():
        target = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        last = parts[-1]
        if value is _DELETE:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return out


_DELETE = object()
DELETE = _DELETE


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class DocxView:
    """A DOCX as a reader in Word sees it: paragraphs (with their style names), each with the
    number Word's list numbering puts before it, and tables of cell text. `raw` is the paragraphs'
    own text, without those numbers."""

    def __init__(self, data: bytes):
        import docx

        from agreementkit.writers.wordml import list_labels

        self.doc = docx.Document(io.BytesIO(data))
        self.raw = [(p.style.name, p.text) for p in self.doc.paragraphs]
        self.labels = list_labels(self.doc)
        # A schedule's number ("Schedule 3") runs on into its heading's ": Title".
        self.paragraphs = [(name, f"{label}{chr(9) if name == 'Sub-clause' else '' if text.startswith(':') else ' '}{text}"
                            if label else text) for (name, text), label in zip(self.raw, self.labels)]
        self.tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in self.doc.tables]

    def styled(self, style: str) -> list[str]:
        return [text for name, text in self.paragraphs if name == style]

    @property
    def text(self) -> str:
        cells = [" ".join(" ".join(row) for row in table) for table in self.tables]
        return squash(" ".join(t for _, t in self.paragraphs) + " " + " ".join(cells))


class PdfView:
    def __init__(self, data: bytes):
        import pypdf

        self.reader = pypdf.PdfReader(io.BytesIO(data))
        self.pages = [page.extract_text() or "" for page in self.reader.pages]
        self.text = squash(" ".join(self.pages))


def in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in order in haystack (empty when all are)."""
    missing = []
    position = 0
    for needle in needles:
        found = haystack.find(squash(needle), position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(squash(needle))
    return missing
