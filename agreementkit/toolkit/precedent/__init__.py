"""`agreementkit library import`: a firm's own Word precedent made into a library layer.

Document-assembly tools start from the document a firm already has, so the
firm keeps its wording. The importer does the mechanical part of turning a
precedent into a layer and reports the rest:

- `package`: the DOCX opened safely (sniffed, zip limits checked before any
  expansion, macros and encryption refused);
- `revisions`: tracked changes, refused or accepted and listed;
- `reading`: paragraphs and tables as formatted spans, with list numbers from
  the one Word numbering reader (`writers.numbering`);
- `structure`: the outline (sections, clauses, bodies) from heading styles,
  list numbering, typed numbers and bold titles;
- `wording`: blanks, defined terms and cross-references in each paragraph;
- `blanks`: each blank mapped to a built-in answer or made a typed question;
- `matching`: sections matched to built-in ones, candidate overrides;
- `clausetext`: clause Markdown; `layer`: the files, the scenario, the report;
- `roundtrip`: the rendered scenario read back against the precedent.
"""

from .importer import ImportResult, import_precedent
from .package import (
           MAX_ENTRIES,
           MAX_EXPANDED_BYTES,
           MAX_FILE_BYTES,
           MAX_XML_PART_BYTES,
           PrecedentRefused,
)

__all__ = ["MAX_ENTRIES", "MAX_EXPANDED_BYTES", "MAX_FILE_BYTES", "MAX_XML_PART_BYTES", "ImportResult", "PrecedentRefused",
           "import_precedent"]
