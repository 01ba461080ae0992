"""Reading back what a document records about its making, and checking it against answers.

Every DOCX and PDF records the answers' hash, the library layers (name and
version), and each clause's id, version and a digest of its printed text. A
signed copy found in a shared drive can then be traced to its answers, and
re-rendered to show whether it still matches and, if not, which clauses differ.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import InvalidInputError, Problem


@dataclass
class Record:
    source: str
    generator: str = ""
    answers_sha256: str = ""
    layers: list[tuple[str, str]] = field(default_factory=list)
    clauses: list[tuple[str, int, str]] = field(default_factory=list)  # id, version, digest ('' when not recorded)
    origins: dict[str, str] = field(default_factory=dict)  # clause id: the custom layer it came from
    working_days: str = ""  # how its dates counted working days: "GB-ENG (holidays 0.109)"


@dataclass
class Verification:
    matches: bool
    answers_match: bool
    differing: list[str]  # clause ids whose text differs, in document order
    added: list[str]  # in the re-rendering only
    removed: list[str]  # in the document only
    edited: list[str] = field(default_factory=list)  # clauses whose text in the file differs from a fresh rendering
    layers_note: str = ""  # the layers given differ from those the document records
    holidays_note: str = ""  # the holiday data differs from the document's: dates may have moved without an edit


def _refuse(path: Path, message: str) -> InvalidInputError:
    return InvalidInputError(str(path), [Problem("", message)])


def read_record(path: Path) -> Record:
    """The record of a DOCX (its custom XML part) or PDF (its metadata)."""
    from ..yamlfile import MAX_BYTES

    if not path.is_file():
        raise _refuse(path, "no such file")
    if path.stat().st_size > 50 * MAX_BYTES:
        raise _refuse(path, "is too large to be a document agreementkit wrote")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _from_docx(path)
    if suffix == ".pdf":
        return _from_pdf(path)
    raise _refuse(path, "give a .docx or .pdf file written by agreementkit")


TRACE_NAMESPACE = "urn:agreementkit:trace:1"
_MAX_PART = 5_000_000


def _trace_root(archive: zipfile.ZipFile) -> ElementTree.Element | None:
    """The record wherever Word or LibreOffice put it: agreementkit writes
    `customXml/agreementkit.xml`, and a re-save may rename it (`customXml/item2.xml`), so it is
    found by its namespace among the package's custom XML parts, then among its other XML parts."""
    names = archive.namelist()
    custom = [n for n in names if n.startswith("customXml/") and n.endswith(".xml") and "/_rels/" not in n
              and not n.split("/")[-1].startswith("itemProps")]
    ordered = sorted(custom, key=lambda n: n != "customXml/agreementkit.xml")
    ordered += [n for n in names if n.endswith(".xml") and n not in custom and not n.startswith("word/")]
    for name in ordered:
        if archive.getinfo(name).file_size > _MAX_PART:
            continue
        head = archive.open(name).read(4096)
        if TRACE_NAMESPACE.encode() not in head:
            continue
        root = ElementTree.fromstring(archive.read(name))
        if root.tag == f"{{{TRACE_NAMESPACE}}}trace":
            return root
    return None


def _from_docx(path: Path) -> Record:
    try:
        with zipfile.ZipFile(path) as archive:
            root = _trace_root(archive)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, KeyError) as exc:
        raise _refuse(path, f"cannot be read as a DOCX: {exc}") from None
    if root is None:
        raise _refuse(path, "has no agreementkit record: it was not written by agreementkit, or the record was removed")
    record = Record(str(path), root.get("generator", ""), root.get("answers-sha256", ""),
                    working_days=root.get("working-days", ""))
    for child in root:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "layer":
            record.layers.append((child.get("name", ""), child.get("version", "")))
        elif tag == "clause":
            record.clauses.append((child.get("id", ""), int(child.get("version", "0") or 0), child.get("digest", "")))
            if child.get("layer"):
                record.origins[child.get("id", "")] = child.get("layer", "")
    return record


def _from_pdf(path: Path) -> Record:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    meta: Any
    try:
        meta = PdfReader(str(path)).metadata or {}
    except (PdfReadError, OSError, ValueError) as exc:
        raise _refuse(path, f"cannot be read as a PDF: {exc}") from None
    answers = str(meta.get("/agreementkitanswerssha256", ""))
    if not answers:
        raise _refuse(path, "has no agreementkit record: it was not written by agreementkit, or the record was removed")
    digests = dict(item.split(":", 1) for item in str(meta.get("/agreementkitdigests", "")).split() if ":" in item)
    record = Record(str(path), str(meta.get("/Creator", "")), answers,
                    working_days=str(meta.get("/agreementkitworkingdays", "")))
    for item in str(meta.get("/agreementkitlayers", "")).split():
        name, _, version = item.rpartition("@")
        record.layers.append((name.replace("_", " "), version))
    for item in str(meta.get("/agreementkitorigins", "")).split():
        clause_id, _, layer = item.partition(":")
        record.origins[clause_id] = layer.replace("_", " ")
    for item in str(meta.get("/agreementkitclauses", "")).split():
        clause_id, _, version = item.partition("@")
        record.clauses.append((clause_id, int(version or 0), digests.get(clause_id, "")))
    return record


def verify(record: Record, answers_path: Path, layers: list[Path] | None = None) -> Verification:
    """Re-render the answers with the library and compare with what the document records."""
    from ..answers import load_answers
    from ..assembly import assemble, clause_digest, library_for
    from ..questions.spec import load_interview

    library = library_for(layers)
    recorded, given = [tuple(x) for x in record.layers[1:]], [tuple(x) for x in library.layer_info]
    layers_note = ""
    if recorded != given:
        def named(items: list[tuple[str, ...]]) -> str:
            return ", ".join(f"{name} {version}" for name, version in items) or "the built-in library alone"

        layers_note = f"the document was made with {named(recorded)}; the re-rendering used {named(given)}"
        if recorded and not given:
            raise InvalidInputError(record.source, [Problem("", f"{layers_note}: give each of its layers with --library "
                                                                "to check it")])
    answers = load_answers(answers_path, interview=load_interview(layers or None))
    document = assemble(answers, library)
    now = {c.id: (c.version, clause_digest(c)) for s in document.sections for c in s.clauses}
    then = {cid: (version, digest) for cid, version, digest in record.clauses}
    differing = [cid for cid in then if cid in now and (then[cid][0] != now[cid][0] or (then[cid][1] and then[cid][1] != now[cid][1]))]
    added = [cid for cid in now if cid not in then]
    removed = [cid for cid in then if cid not in now]
    answers_match = record.answers_sha256 == answers.fingerprint()
    edited = _edited(Path(record.source), document) if answers_match and not differing else []
    holidays_note = ""
    if record.working_days and record.working_days != document.metadata.working_days:
        holidays_note = (f"working days were counted as {record.working_days} for the document and as "
                         f"{document.metadata.working_days} now: a review date or report deadline that differs may "
                         "come from new holiday data, not an edit")
    return Verification(answers_match and not differing and not added and not removed and not edited,
                        answers_match, differing, added, removed, edited, layers_note, holidays_note)


_HEADING = re.compile(r"^(\d+\.\d+ .+|Schedule \d+: .+|Signatures)$")


def _text_lines(data: bytes, suffix: str) -> list[str]:
    """The document's text, line by line, as a reader sees it: paragraphs and table cells in order."""
    import io

    if suffix == ".docx":
        import docx
        from docx.oxml.ns import qn

        from ..writers.wordml import list_labels

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        labels = iter(list_labels(document))  # one per paragraph directly in the body, as Word numbers them
        lines = []
        for p in body.iter(qn("w:p")):
            label = next(labels, "") if p.getparent() is body else ""
            words = "".join(t.text or "" for t in p.iter(qn("w:t")))
            lines.append(f"{label}{'' if words.startswith(':') else ' '}{words}" if label else words)
        return lines
    from pypdf import PdfReader

    return [line for page in PdfReader(io.BytesIO(data)).pages for line in (page.extract_text() or "").splitlines()]


def _by_heading(lines: list[str]) -> dict[str, str]:
    parts: dict[str, str] = {}
    heading = ""
    for line in lines:
        if _HEADING.match(line.strip()):
            heading = line.strip()
            parts.setdefault(heading, "")
        else:
            parts[heading] = parts.get(heading, "") + " ".join(line.split()) + " "
    return parts


def _edited(path: Path, document: Any) -> list[str]:
    """Clauses whose printed text in the file is not what the answers and library print now: a hand edit."""
    from ..render import render_bytes

    suffix = path.suffix.lower()
    try:
        mine = _by_heading(_text_lines(path.read_bytes(), suffix))
    except Exception as exc:  # noqa: BLE001 - a file read_record accepted but cannot be read as text
        raise _refuse(path, f"cannot read its text: {exc}") from None
    fresh = _by_heading(_text_lines(render_bytes(document, suffix.lstrip(".")), suffix))
    ids = {c.heading: c.id for s in document.sections for c in s.clauses if c.number}
    changed = [h for h in dict.fromkeys([*fresh, *mine]) if fresh.get(h) != mine.get(h)]
    return [f"{h} ({ids[h]})" if h in ids else (h or "the title page") for h in changed]


__all__ = ["Record", "Verification", "read_record", "verify"]
