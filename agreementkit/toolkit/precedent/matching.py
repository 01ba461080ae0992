"""Where a precedent's sections belong in the built-in library, and which built-in clauses it rewrites.

A precedent section is matched to a built-in section by its title: a
built-in clause of the same title ("Governing law" is a clause of the legal
section), a section title holding the same words ("Confidentiality" in
"Confidentiality and information sharing"), or the usual words for the topic
("Dispute resolution" is the disagreements section). A precedent clause whose
title or wording matches a built-in clause is a candidate override: the
report says "looks like built-in confidentiality.obligations@4", and with
`--override` the imported clause replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...library import ClauseFile, ClauseLibrary, SectionMeta

_STOP = {"and", "of", "the", "a", "an", "to", "for", "in", "on", "with", "by", "its", "their", "general", "other", "this"}
_ALIASES = {
    "parties": {"parties", "party", "background", "recital", "preamble", "definition", "interpretation"},
    "purpose": {"purpose", "objective", "aim", "vision", "goal"},
    "contributions": {"contribution", "strength"},
    "roles": {"role", "responsibility", "obligation", "undertaking", "duty"},
    "resources": {"cost", "expense", "funding", "fee", "payment", "resource", "financial", "finance", "charge"},
    "commercial": {"customer", "revenue", "commercial", "sale", "commercialisation", "commercialization"},
    "governance": {"governance", "steering", "committee", "board", "decision", "meeting", "management"},
    "communication": {"communication", "contact", "manager", "liaison"},
    "review": {"review", "monitoring", "reporting", "performance", "kpi", "report"},
    "disputes": {"dispute", "resolution", "escalation", "mediation", "arbitration", "disagreement"},
    "change": {"change", "variation", "risk", "contingency", "amendment"},
    "confidentiality": {"confidentiality", "confidential", "secrecy", "non-disclosure"},
    "ip": {"intellectual", "property", "ip", "licence", "license", "know-how", "copyright", "patent"},
    "independence": {"independence", "relationship", "agency", "exclusivity", "non-exclusivity", "independent"},
    "term": {"term", "termination", "duration", "exit", "withdrawal", "commencement", "expiry"},
    "legal": {"governing", "law", "jurisdiction", "language", "legally", "binding", "status"},
    "general": {"miscellaneous", "boilerplate", "notice", "assignment", "severance", "severability", "counterpart",
                "waiver", "publicity", "announcement", "force", "majeure", "liability", "insurance", "compliance",
                "bribery", "data", "protection", "entire"},
}


def words(title: str) -> set[str]:
    """A title's significant words, singular and lower case, Jinja2 left out."""
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", title.lower())
    out = set()
    for word in re.findall(r"[a-z][a-z-]*", text):
        if word in _STOP:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        out.add(word)
    return out


def _body_words(text: str) -> set[str]:
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|[*_`#|]", " ", text)
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


@dataclass
class Candidate:
    clause: ClauseFile
    why: str  # "the same title", "similar wording (62% of words shared)"

    def describe(self) -> str:
        return f"looks like built-in {self.clause.meta.id}@{self.clause.meta.version} ({self.why})"


class Matcher:
    def __init__(self, builtin: ClauseLibrary):
        self.library = builtin
        self.sections = builtin.ordered_sections()
        self.clauses = [c for c in builtin.clauses.values() if c.meta.enabled]
        self.bodies = {c.meta.id: _body_words(c.body) for c in self.clauses}

    def section_for(self, title: str, schedule: bool) -> tuple[SectionMeta | None, str]:
        """The built-in section a precedent section (or, in a one-level precedent, a clause) belongs to, and why."""
        wanted = words(title)
        if not wanted:
            return None, ""
        kinds = ("schedule",) if schedule else ("clauses",)
        allowed = {s.id: s for s in self.sections if s.kind in kinds}
        for clause in self.clauses:
            if clause.meta.section in allowed and words(clause.meta.title) == wanted:
                return allowed[clause.meta.section], f"the built-in clause {clause.meta.id} has this title"
        best: tuple[float, SectionMeta | None] = (0.0, None)
        for section in allowed.values():
            theirs = words(section.title)
            shared = wanted & theirs
            if shared and (wanted <= theirs or theirs <= wanted):
                score = 1 + len(shared) / max(len(wanted), len(theirs))  # containment beats any alias
                if score > best[0]:
                    best = (score, section)
        if best[1] is not None:
            return best[1], f"its title shares words with \"{best[1].title}\""
        for section_id, alias in _ALIASES.items():
            if section_id not in allowed:
                continue
            score = len(wanted & alias) / len(wanted)
            if score >= 0.5 and score > best[0]:
                best = (score, allowed[section_id])
        if best[1] is not None:
            return best[1], f"its title is about {best[1].title.lower()}"
        return None, ""

    def candidate(self, title: str, body: str, section_id: str | None) -> Candidate | None:
        """A built-in clause this precedent clause looks like, by title or by wording."""
        wanted = words(title)
        same_title = [c for c in self.clauses if wanted and words(c.meta.title) == wanted
                      and self.library.sections[c.meta.section or ""].kind != "schedule"]
        if same_title:
            chosen = next((c for c in same_title if c.meta.section == section_id), same_title[0])
            return Candidate(chosen, "the same title")
        mine = _body_words(body)
        if len(mine) < 15:
            return None
        best: tuple[float, ClauseFile | None] = (0.0, None)
        for clause in self.clauses:
            theirs = self.bodies[clause.meta.id]
            if len(theirs) < 15:
                continue
            score = len(mine & theirs) / len(mine | theirs)
            if score > best[0]:
                best = (score, clause)
        if best[1] is not None and best[0] >= 0.3:
            return Candidate(best[1], f"similar wording: {best[0]:.0%} of their words shared")
        return None


__all__ = ["Candidate", "Matcher", "words"]
