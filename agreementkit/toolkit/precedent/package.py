"""Opening a precedent safely: a DOCX nobody here wrote, checked before anything is expanded.

A Word file is a zip of XML parts. Before python-docx reads a byte of XML the
file is sniffed (a PDF, a .doc, an encrypted document, an ODT, a workbook
are each named as what they are), its zip directory is read for the entry
count and the declared expanded sizes, and a document with macros is turned
away. Python's zipfile never inflates an entry past its declared size (the
CRC check fails first), so the declared sizes bound the memory a hostile file
can take; python-docx parses XML without resolving entities, and lxml refuses
absurdly deep or large nodes, so a billion-laughs part is refused too.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import Any

from ...errors import UserError

# The limits, stated in the README ("Start from your own precedent"). A real precedent, images and all,
# is a few megabytes with a few dozen entries.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_XML_PART_BYTES = 50 * 1024 * 1024

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OTHER_MAIN = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "a macro-enabled Word document (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "a macro-enabled Word template (.dotm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "a Word template (.dotx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "an Excel workbook",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "a macro-enabled Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "a PowerPoint presentation",
}
_SAVE_AS = "open it in Word and save it as a Word Document (.docx)"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class PrecedentRefused(UserError):
    """A file that `library import` will not read, with the sentence saying why (exit 2)."""


def _refuse(path: Path, found: str) -> PrecedentRefused:
    return PrecedentRefused(f"{path}: {found}")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _not_a_zip(path: Path, data: bytes) -> PrecedentRefused:
    """What the file is, when it is not a zip: the sentence names what was found instead."""
    head = data[:2048]
    if not data:
        return _refuse(path, "is empty, not a Word document")
    if head.startswith(b"%PDF"):
        return _refuse(path, "is a PDF, not a DOCX; import the Word file the PDF was made from")
    if head.startswith(b"{\\rtf"):
        return _refuse(path, f"is an RTF document, not a DOCX; {_SAVE_AS}")
    if head.startswith(_OLE):
        if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
            return _refuse(path, "is an encrypted (password-protected) Word document; remove the password in Word "
                                 "(File > Info > Protect Document > Encrypt with Password, clear it) and save it again")
        if _utf16("WordDocument") in data:
            return _refuse(path, f"is a Word 97-2003 document (.doc), not a DOCX; {_SAVE_AS}")
        return _refuse(path, "is an older Office file (an OLE compound document), not a DOCX")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<?xml", b"<html", b"<!doctype", b"<w:", b"<pkg:")):
        if b"pkg:package" in head or b"w:worddocument" in head.lower():
            return _refuse(path, f"is a Word XML document (a single .xml file), not a DOCX; {_SAVE_AS}")
        return _refuse(path, "is an XML or HTML file, not a DOCX")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return _refuse(path, "is not a DOCX (it is not a zip archive, and not text either)")
    return _refuse(path, "is a plain text file, not a DOCX")


def _declared_entries(data: bytes) -> int | None:
    """The entry count the zip's end-of-central-directory record declares, read before zipfile parses
    the directory (a directory of a million entries is itself slow to read)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    return int(struct.unpack("<H", data[at + 10: at + 12])[0])


def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _refuse(path, "no such file") from None
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(path, "is a folder, not a DOCX")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "is not a regular file (a pipe or a device?); save the precedent as a file")
    if info.st_size > MAX_FILE_BYTES:
        raise _refuse(path, f"is {info.st_size / 1024 / 1024:.0f} MB; a precedent is read only up to "
                            f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {exc.strerror or exc}") from None


def _check_archive(path: Path, data: bytes) -> zipfile.ZipFile:
    """The zip, its directory checked against the limits before any entry is expanded."""
    declared = _declared_entries(data)
    if declared is not None and declared >= 0xFFFF or (declared or 0) > MAX_ENTRIES:
        raise _refuse(path, f"is a zip archive of {declared:,} or more entries, past the limit of {MAX_ENTRIES:,} "
                            "(a zip bomb, or not a Word document); it was not expanded")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as exc:
        raise _refuse(path, f"is a damaged zip archive ({exc}), not a readable DOCX") from None
    if len(entries) > MAX_ENTRIES:
        raise _refuse(path, f"is a zip archive of {len(entries):,} entries, past the limit of {MAX_ENTRIES:,} "
                            "(a zip bomb, or not a Word document); it was not expanded")
    expanded = sum(e.file_size for e in entries)
    if expanded > MAX_EXPANDED_BYTES:
        raise _refuse(path, f"would expand to {expanded / 1024 / 1024:,.0f} MB, past the limit of "
                            f"{MAX_EXPANDED_BYTES // 1024 // 1024} MB (a zip bomb?); it was not expanded")
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels")) and entry.file_size > MAX_XML_PART_BYTES:
            raise _refuse(path, f"has an XML part ({entry.filename}) of {entry.file_size / 1024 / 1024:,.0f} MB, "
                                f"past the limit of {MAX_XML_PART_BYTES // 1024 // 1024} MB; it was not expanded")
        if entry.flag_bits & 0x1:
            raise _refuse(path, "is a password-protected zip archive, not a DOCX Word can open")
    return archive


def _main_content_type(path: Path, archive: zipfile.ZipFile) -> str:
    from lxml import etree

    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            kind = archive.read("mimetype").decode("ascii", "replace").strip()
            if "opendocument.text" in kind:
                raise _refuse(path, f"is an OpenDocument text (.odt), not a DOCX; {_SAVE_AS}")
            raise _refuse(path, f"is an OpenDocument file ({kind}), not a DOCX")
        shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise _refuse(path, f"is a zip archive but not a Word document: it has no [Content_Types].xml (it holds {shown or 'nothing'})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        types = etree.fromstring(archive.read("[Content_Types].xml"), parser)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError) as exc:
        raise _refuse(path, f"has a damaged [Content_Types].xml ({exc}); it is not a readable DOCX") from None
    overrides = {o.get("PartName", ""): o.get("ContentType", "") for o in types if str(o.tag).endswith("Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types if str(d.tag).endswith("Default")}
    if any("vbaProject" in t for t in overrides.values()) or any("vbaproject" in n.lower() for n in names) \
            or defaults.get("bin") == "application/vnd.ms-office.vbaProject":
        raise _refuse(path, "holds Word macros (a VBA project); agreementkit does not read macro-enabled documents: "
                            "open it in Word and save it as a Word Document (.docx), which leaves the macros out")
    for kind in overrides.values():
        if kind in _OTHER_MAIN:
            found = _OTHER_MAIN[kind]
            raise _refuse(path, f"is {found}, not a DOCX" + (f"; {_SAVE_AS}" if "Word" in found else ""))
        if kind == _DOCX:
            return kind
    raise _refuse(path, "is a zip archive but not a Word document: no part of it is a Word document body")


def open_precedent(path: Path) -> Any:
    """The precedent as a python-docx Document, or PrecedentRefused with a sentence naming what was found."""
    path = Path(path)
    data = _read_bytes(path)
    if not data.startswith(b"PK\x03\x04") and not data.startswith(b"PK\x05\x06"):
        raise _not_a_zip(path, data)
    archive = _check_archive(path, data)
    _main_content_type(path, archive)
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure to read someone else's file is that file's problem
        raise _refuse(path, f"cannot be read as a Word document ({type(exc).__name__}: {exc})") from None
    root = document.element
    if root.tag != qn("w:document") or root.find(qn("w:body")) is None:
        if "purl.oclc.org" in str(root.tag):
            raise _refuse(path, f"is saved as Strict Open XML, which agreementkit does not read; {_SAVE_AS}")
        raise _refuse(path, "has no document body that agreementkit can read")
    return document


__all__ = ["MAX_ENTRIES", "MAX_EXPANDED_BYTES", "MAX_FILE_BYTES", "MAX_XML_PART_BYTES", "PrecedentRefused", "open_precedent"]
