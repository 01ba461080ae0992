"""The same inputs give the same bytes, whatever the machine: PDFs whichever font subsetter runs and
however the house style reaches WeasyPrint, redlines and calendars once their date is given. Also how
the PDF engine is loaded (without starting processes)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
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


def test_the_house_style_parsed_once_gives_the_same_pdf_as_the_style_inline() -> None:
    """The PDF writer hands WeasyPrint the house style parsed once (user origin) instead of inside the
    page (author origin): for the built-in template the two cascade alike, to the byte."""
    import weasyprint

    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble
    from agreementkit.resources import builtin_templates
    from agreementkit.writers import pdf
    from agreementkit.writers.html import house_css, to_html

    document = assemble(load_answers(EXAMPLES[2]))
    folder = builtin_templates()
    page, sheets = pdf._html(document, folder)
    assert len(sheets) == 1, "the built-in template should take the parsed-once path"
    assert all("break-inside" not in (element.text or "") for element in page.etree_element.iter("style"))
    inline = weasyprint.HTML(string=to_html(document, folder, screen=False), base_url=str(folder) + "/")
    assert house_css(folder).strip() in to_html(document, folder, screen=False)
    with pdf._font_timestamps(document.metadata.created):
        expected = inline.write_pdf(custom_metadata=True, font_config=pdf._font_config())
    assert pdf.write_pdf(document) == expected


def test_a_template_with_styles_of_its_own_keeps_the_house_style_inline(tmp_path: Path) -> None:
    """A firm's template that adds a style sheet of its own: the house style stays in the page, so the
    firm's rules and the house rules cascade as they do in the HTML output."""
    import shutil

    from agreementkit.answers import load_answers
    from agreementkit.assembly import assemble
    from agreementkit.resources import builtin_templates
    from agreementkit.writers import pdf
    from agreementkit.writers.html import house_css

    folder = tmp_path / "templates"
    shutil.copytree(builtin_templates(), folder)
    template = folder / "document.html.j2"
    template.write_text(template.read_text().replace("</head>", "<style>h2 { color: #7a0019 }</style>\n</head>", 1))
    document = assemble(load_answers(EXAMPLES[2]))
    page, sheets = pdf._html(document, folder)
    assert sheets == []
    styles = [element.text or "" for element in page.etree_element.iter("style")]
    assert len(styles) == 2 and house_css(folder).strip() in styles[0] and "#7a0019" in styles[1]
    assert pdf.write_pdf(document, folder).startswith(b"%PDF")


# How many processes an import of WeasyPrint starts, seen by an audit hook.
COUNT_PROCESSES = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args) if event == "subprocess.Popen" else None)
if sys.argv[1] == "ours":
    from agreementkit.writers.pdf import load_weasyprint
    weasyprint = load_weasyprint()
else:
    import weasyprint
assert weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
print(len(started))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_loading_weasyprint_starts_no_process() -> None:
    """A plain `import weasyprint` runs ldconfig, gcc and ld for the library names it misses (a quarter of a
    second on every CLI start); ours finds the same libraries by their sonames and starts nothing."""
    def started(how: str) -> int:
        result = subprocess.run([sys.executable, "-c", COUNT_PROCESSES, how], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return int(result.stdout.split()[-1])

    assert started("ours") == 0
    assert started("plain") > 0  # the control: the search this avoids does start processes here
