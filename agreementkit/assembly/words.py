"""Which words of an answer are names, so that lower-casing an answer mid-sentence
never turns "Kubernetes" into "kubernetes" or "Helix's" into "helix's".

An answer placed mid-sentence ("measured by paying customers") reads best with its
first letter lowered, but only when that first word is an ordinary word. Two sources
tell: the answers themselves (the parties' names and any word written with a capital
inside sentence-case text, "combining Aurora's spectrum") and an English word list
(pyspellchecker's, read once and only when a capitalised word is still undecided).
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


@lru_cache(maxsize=1)
def _dictionary() -> list[bytes]:
    """The lines of the English word list pyspellchecker ships (`"word": count,`, one entry a line), sorted.

    The list is searched by bisection rather than parsed as JSON: a document needs a few dozen
    look-ups, and parsing its 160,000 entries cost more than assembling the rest of the document
    (every `render` and `check` paid it). The package is located, not imported: only its data is used."""
    try:
        spec = importlib.util.find_spec("spellchecker")
        folders = list(spec.submodule_search_locations or []) if spec else []
        data = (Path(folders[0]) / "resources" / "en.json.gz").read_bytes() if folders else b""
        lines = gzip.decompress(data).split(b"\n") if data else []
    except (ImportError, ValueError, OSError, EOFError):
        return []
    lines.sort()  # already sorted as shipped (a linear pass then); sorted here so bisection never depends on it
    return lines


def is_ordinary_word(word: str) -> bool:
    """Whether a lower-cased word is an ordinary English word (not a coined name such as kubernetes).

    Without the word list every word counts as ordinary, as lower-casing behaved before."""
    lines = _dictionary()
    if not lines:
        return True
    key = b'"' + word.lower().encode("utf-8", "replace") + b'":'
    at = bisect.bisect_left(lines, key)
    return at < len(lines) and lines[at].startswith(key)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def proper_names(data: dict[str, Any]) -> frozenset[str]:
    """Lower-cased words the answers use as names.

    The words of the parties' short names ("Helix", but not "the Network", which is a
    description), and every word written with a capital after the start of a sentence in
    text that is mostly lower case (a title such as "Joint Steering Committee" says nothing
    about its words)."""
    names: set[str] = set()
    for party in data.get("parties") or []:
        short = str(party.get("short_name") or "")
        if short and short[0].isupper():
            names.update(w.lower() for w in _WORD.findall(short) if w[0].isupper())
    for text in _strings(data):
        for sentence in re.split(r"(?<=[.!?;:])\s+|\n", text):
            words = _WORD.findall(sentence)
            if len(words) < 2 or sum(w[0].isupper() for w in words) * 2 > len(words):
                continue
            names.update(w.lower() for w in words[1:] if w[0].isupper())
    return frozenset(names)


def plain_words(data: dict[str, Any]) -> frozenset[str]:
    """Words the answers themselves write in lower case ("a city app pilot").

    The word list lags behind everyday English ("app", "smartphone" are not in it); a word
    the person typed in lower case somewhere is an ordinary word to them, so an answer that
    opens with it ("App development lead") is lowered mid-sentence like any other."""
    return frozenset(w for text in _strings(data) for w in _WORD.findall(text) if w[0].islower())
