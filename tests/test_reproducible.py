"""The same inputs give the same bytes, whatever the machine: PDFs whichever font subsetter runs,
redlines and calendars once their date is given."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from helpers import EXAMPLES

# Render one example's PDF with WeasyPrint's fontTools subsetter, as on a machine without
# libharfbuzz-subset (fontTools stamps each subset font with the time of saving).
FORCED = """
import sys
import weasyprint.pdf.fonts as fonts
fonts.harfbuzz_subset = None
from agreementkit.answers import load_answers
from agreementkit.assembly import assemble
from agreementkit.render import render_bytes
sys.stdout.buffer.write(render_bytes(assemble(load_answers(sys.argv[1])), "pdf"))
"""


def test_pdf_bytes_do_not_depend_on_the_font_subsetter(tmp_path: Path) -> None:
    """Two processes at least a second apart, both subsetting with fontTools: the same bytes."""
    outputs = []
    for attempt in range(2):
        if attempt:
            time.sleep(1.2)
        result = subprocess.run([sys.executable, "-c", FORCED, str(EXAMPLES[2])], capture_output=True, timeout=240)
        assert result.returncode == 0, result.stderr.decode()
        assert result.stdout.startswith(b"%PDF")
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
