"""Keep the earlier versions of every built-in clause in clauses/history/, from git.

`agreementkit library diff CLAUSE_ID` shows a layer's author what changed in a
built-in clause since the version their layer overrides. An installed package
has no git history, so the texts of earlier versions ship with it:
`clauses/history/ID@VERSION.md` is the clause file as it last read at that
version. Run this after bumping a built-in clause's version (the test suite
checks that the folder matches git):

    python tools/clause_history.py            # write clauses/history/
    python tools/clause_history.py --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAUSES = ROOT / "clauses"
HISTORY = CLAUSES / "history"
_ID = re.compile(r"^id:[ \t]*['\"]?([a-z][a-z0-9_.-]*)", re.MULTILINE)
_VERSION = re.compile(r"^version:[ \t]*(\d+)", re.MULTILINE)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def _front(text: str) -> tuple[str | None, int]:
    head = text.split("\n---", 2)[0] if text.startswith("---") else ""
    found_id, found_version = _ID.search(head), _VERSION.search(head)
    return (found_id.group(1) if found_id else None, int(found_version.group(1)) if found_version else 1)


def _current() -> list[Path]:
    return sorted(p for p in CLAUSES.rglob("*.md") if not {"tests", "history"} & set(p.relative_to(CLAUSES).parts[:-1]))


def earlier_versions() -> dict[str, str]:
    """File name (ID@VERSION.md) -> the text the clause last had at that version, for every version before the current one."""
    out: dict[str, str] = {}
    for path in _current():
        clause_id, current = _front(path.read_text(encoding="utf-8"))
        if clause_id is None:
            continue
        log = _git("log", "--follow", "--name-only", "--format=commit %H", "--", str(path.relative_to(ROOT)))
        commit = None
        for line in log.splitlines():
            if line.startswith("commit "):
                commit = line.split()[1]
            elif line.strip() and commit:
                try:
                    text = _git("show", f"{commit}:{line.strip()}")
                except subprocess.CalledProcessError:
                    continue
                found_id, version = _front(text)
                name = f"{clause_id}@{version}.md"
                if found_id == clause_id and version < current and name not in out:
                    out[name] = text  # newest first: the last text at that version
                commit = None
    return out


def main(argv: list[str]) -> int:
    wanted = earlier_versions()
    existing = {p.name: p.read_text(encoding="utf-8") for p in HISTORY.glob("*.md")} if HISTORY.is_dir() else {}
    if "--check" in argv:
        stale = sorted(set(wanted) ^ set(existing) | {n for n in wanted if n in existing and wanted[n] != existing[n]})
        if stale:
            print("clauses/history/ is out of date (run python tools/clause_history.py): " + ", ".join(stale))
            return 1
        return 0
    HISTORY.mkdir(exist_ok=True)
    for name in set(existing) - set(wanted):
        (HISTORY / name).unlink()
    for name, text in wanted.items():
        (HISTORY / name).write_text(text, encoding="utf-8")
    print(f"clauses/history/: {len(wanted)} earlier versions of {len(_current())} clauses")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
