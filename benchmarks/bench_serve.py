"""`agreementkit serve` where a person waits: the first page, and the draft beside the form.

    python benchmarks/bench_serve.py                 # the cold-chain example (17 pages), 20 edits
    python benchmarks/bench_serve.py --edits 50 --answers examples/five-party-consortium.yaml

Prints:
- time to first page: from starting `agreementkit serve ANSWERS --no-browser` to the
  first section page answered in full (200), through the token redirect, as a
  browser follows the printed address (target: under 1 s);
- preview update: the round trip of one autosave on the first section (the change
  saved to the draft, the page walked, the MOU assembled and written as HTML,
  the health check run), median over the edits (target: well under 1 s);
- typing stops -> draft updated: the page's wait after the last keystroke (read
  from its script) plus the median round trip above (target: at most 0.5 s);
- the bare render call in the same process and run (validate, assemble, HTML),
  and the ratio of the two: what the interview adds to the rendering itself.
Machines here are shared and noisy: read the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_FIRST_PAGE = 1.0
TARGET_UPDATE = 0.5
TARGET_TYPED = 0.5  # from the last keystroke to the draft beside the form showing it


def first_page(answers: Path, folder: Path) -> tuple[float, subprocess.Popen[str], str, urllib.request.OpenerDirector]:
    """Seconds from launch to the first page, the running server, its base URL and a browser-like opener."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "agreementkit", "serve", str(answers), "-o", str(folder), "--no-browser",
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    url = ""
    for line in process.stdout:
        found = re.search(r"http://\S+\?token=\S+", line)
        if found:
            url = found.group(0)
            break
    if not url:
        raise SystemExit(f"serve printed no address (exit {process.wait()})")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(url, timeout=30) as response:  # the token, then the redirects to the first section
        assert response.status == 200 and "/section/" in response.url, response.url
        response.read()
    return time.perf_counter() - started, process, url.split("/?")[0], opener


def preview_updates(base: str, opener: urllib.request.OpenerDirector, edits: int) -> list[float]:
    with opener.open(base + "/section/agreement", timeout=30) as response:
        page = response.read().decode()
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert csrf and version
    current = int(version.group(1))
    times = []
    for index in range(edits):
        body = urllib.parse.urlencode({"csrf": csrf.group(1), "version": str(current), "touched": "agreement.purpose",
                                       "agreement.purpose": f"Pilot cold-chain tracking, draft {index}."}).encode()
        started = time.perf_counter()
        with opener.open(urllib.request.Request(base + "/section/agreement/save", data=body,
                                                headers={"Origin": base}), timeout=30) as response:
            reply = response.read().decode()
        times.append(time.perf_counter() - started)
        assert f"draft {index}." in reply, reply[:300]
        current = int(re.search(r'"version":\s*(\d+)', reply).group(1))  # type: ignore[union-attr]
    return times


def bare_render(answers: Path, runs: int) -> list[float]:
    from agreementkit.answers import load_answers, validate_answers
    from agreementkit.assembly import assemble, default_library
    from agreementkit.writers.html import to_html

    data = load_answers(answers).model_dump(mode="json", exclude_none=True)
    library = default_library()
    to_html(assemble(validate_answers(data), library))  # warm, as the server is
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        to_html(assemble(validate_answers(data), library))
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=Path, default=ROOT / "examples" / "cold-chain-pilot.yaml")
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seconds, process, base, opener = first_page(args.answers, Path(folder))
        try:
            updates = preview_updates(base, opener, args.edits)
        finally:
            process.terminate()
            process.wait(timeout=10)
    bare = bare_render(args.answers, args.edits)
    update, render = statistics.median(updates), statistics.median(bare)
    script = (ROOT / "agreementkit" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    delay = int(re.search(r"const SAVE_DELAY = (\d+);", script).group(1)) / 1000  # type: ignore[union-attr]
    print(f"time to first page:   {seconds:6.3f} s   (target under {TARGET_FIRST_PAGE:.1f} s)  {'ok' if seconds < TARGET_FIRST_PAGE else 'SLOW'}")
    print(f"preview update:       {update:6.3f} s   median of {len(updates)} edits, worst {max(updates):.3f} s "
          f"(target under {TARGET_UPDATE:.1f} s)  {'ok' if update < TARGET_UPDATE else 'SLOW'}")
    typed = delay + update
    print(f"typing stops -> draft: {typed:5.3f} s   the page waits {delay:.3f} s, then the round trip "
          f"(target at most {TARGET_TYPED:.1f} s)  {'ok' if typed <= TARGET_TYPED else 'SLOW'}")
    print(f"bare render (HTML):   {render:6.3f} s   validate + assemble + HTML writer, warm, same run")
    print(f"ratio update/render:  {update / render:6.2f}x  (what the interview adds: the walks, the health check, the page)")


if __name__ == "__main__":
    main()
