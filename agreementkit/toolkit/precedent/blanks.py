"""What each blank of a precedent becomes: a built-in answer, or a typed `extra.` question.

A blank that names something the answers already hold is mapped to it:
the parties' names (the first party named in the precedent is the first
party, and so on), the effective date, the governing law and the term in
months. Every other blank becomes a question under `extra.`: one question for
each placeholder text, however often it is repeated ("[Supplier name]" three
times is one question), one for each anonymous blank ("[●]", "______"), each
typed from its words or the words around it (a date, an amount, a number, a
percentage, one of the parties, a choice for "[12/24]", or text), its prompt
taken from the bracket or from the sentence it sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ...dates import long_date
from .wording import Occurrence

_PARTY_NAME = re.compile(
    r"^(?:insert\s+)?(?:the\s+)?(?:(?:full|legal|registered|company|corporate)\s+)?(?:name\s+of\s+(?:the\s+)?)?"
    r"(?:(?:first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+)?"
    r"(?:party|partner|company|organi[sz]ation|participant|member|institution|university|collaborator|counterparty|entity)"
    r"(?:\s+(?:[a-e1-5]|one|two|three|four|five))?(?:(?:'s)?\s+(?:full\s+|legal\s+|registered\s+)?name)?$", re.IGNORECASE)
_COMPANY = re.compile(r"\b(ltd|limited|plc|llp|llc|inc|gmbh|ag|s\.?a\.?|b\.?v\.?|corporation|corp|university|trust|foundation)\.?$", re.IGNORECASE)
_PARTY_ROLE = re.compile(r"\b(party|partner|parties)\b", re.IGNORECASE)
_EFFECTIVE = re.compile(r"^(the\s+|insert\s+(the\s+)?)?(effective|commencement|start(ing)?)\s+date$|"
                        r"\bdate\s+of\s+(this|the)\s+(agreement|memorandum|mou)\b", re.IGNORECASE)
_DATED = re.compile(r"(\bdated|\bdate[d]?\s+of|\beffective\s+(from|on|as\s+of)|\bwith\s+effect\s+from|\bmade\s+on|"
                    r"\bentered\s+into\s+on|\bis\s+dated|\b(memorandum|agreement|mou|understanding)\b.{0,40}\b(takes?\s+effect|"
                    r"commences?|starts?|comes?\s+into\s+(force|effect)|begins?)\s+(on|from))\s*(the\s+)?$", re.IGNORECASE)
_LAW_NAME = re.compile(r"^(governing\s+law|applicable\s+law|jurisdiction|country|state|law|governing\s+jurisdiction)$", re.IGNORECASE)
_LAW_BEFORE = re.compile(r"(laws?\s+of|governed\s+by|accordance\s+with\s+the\s+laws?\s+of|courts\s+of)\s*(the\s+)?$", re.IGNORECASE)
_TERM_NAME = re.compile(r"\b(term|duration|initial\s+term|period)\b", re.IGNORECASE)
_TERM_BEFORE = re.compile(r"\b(term|period|duration|continues?|continuing)\b", re.IGNORECASE)
_MONTHS_AFTER = re.compile(r"^\(?\s*months?\b", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"([\u00a3$\u20ac\u00a5]|\b(GBP|USD|EUR|CHF|AUD|CAD)|\b(sum|amount|fee|price|cost|value)\s+of)\s*$", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^(%|per\s*cent|percent)", re.IGNORECASE)
_COUNT_AFTER = re.compile(r"^(\(?\s*)(working\s+|business\s+|calendar\s+|clear\s+)?(days?|weeks?|months?|years?|hours?|members?|"
                          r"representatives?|copies|times|meetings|people|persons|staff|employees|sites)\b", re.IGNORECASE)
# "[●] workshops": a count of something (a lower-case plural right after the blank), not "[●] is" or "[●] has"
_PLURAL_AFTER = re.compile(r"^(?!(?:is|was|has|does|its|this|as|us|thus|plus|less|unless|always|perhaps|towards|besides)\b)"
                           r"[a-z]{3,}s\b")
_DATE_BEFORE = re.compile(r"(\bdated|\bon|\bby|\bbefore|\bafter|\bfrom|\buntil|\bno\s+later\s+than)\s*(the\s+)?$", re.IGNORECASE)
_KEYWORDS = (
    ("date", re.compile(r"\bdate\b|\bday\b|\bdeadline\b", re.IGNORECASE)),
    ("money", re.compile(r"\b(amount|sum|fee|fees|price|cost|costs|budget|value|contribution|payment|funding|cap)\b|[\u00a3$\u20ac]", re.IGNORECASE)),
    ("percent", re.compile(r"\b(percent|percentage|per\s+cent)\b|%", re.IGNORECASE)),
    ("integer", re.compile(r"\b(number|no\.|count|quantity|days|weeks|months|years|hours)\b", re.IGNORECASE)),
)
_STOP = {"least", "most", "more", "every", "up", "after", "before", "it", "they", "we", "then", "there", "a", "an", "of", "the", "to", "in", "on", "for", "by", "and", "or", "with", "at", "be", "is", "are", "shall", "will",
         "any", "each", "its", "their", "this", "that", "which", "who", "as", "from", "insert", "enter", "specify", "per",
         "within", "than", "not", "no", "all", "such", "under", "into", "may", "must", "other"}
_HUMAN_TYPES = {"text": "text", "date": "date", "money": "amount", "integer": "number", "percent": "percentage",
                "select": "choice", "party": "party"}


@dataclass
class Mapped:
    """A blank filled by an answer the built-in interview already asks."""

    path: str  # the answer: parties[0].name, agreement.effective_date, ...
    template: str  # what the clause prints: "{{ agreement.effective_date | date }}"
    label: str  # in words, for the report
    sample: str = ""  # how the scenario's answer prints


@dataclass
class NewQuestion:
    """A question the layer adds for blanks no built-in answer fills."""

    name: str  # under extra.
    type: str  # text, date, money, integer, percent, select, party
    prompt: str
    help: str
    options: list[str] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    sample: Any = None  # the scenario's answer
    rendered: str = ""  # how the sample prints
    page: str = ""
    default: Any = None  # offered as the answer (a highlighted proposal)
    prompt_template: str = ""  # a prompt that is a template over earlier answers, used as it is

    @property
    def id(self) -> str:
        return f"extra.{self.name}"

    @property
    def kind(self) -> str:
        return _HUMAN_TYPES.get(self.type, self.type)

    def template(self, occurrence: Occurrence) -> str:
        """The answer as the clause prints it; unanswered, the precedent's own placeholder (so answers files
        made before the import still render, with the blank showing where a person has to decide)."""
        name = f"extra.{self.name}"
        blank = "'" + occurrence.raw.replace("\\", "\\\\").replace("'", "\\'") + "'"
        if self.type == "date":
            return f"{{{{ {name} | date or {blank} }}}}"
        if self.type == "money":
            return f"{{{{ {name} | money or {blank} }}}}"
        if self.type == "percent" and not _PERCENT_AFTER.match(occurrence.after):
            return f"{{{{ {name} | percent if {name} is not none else {blank} }}}}"
        if self.type == "party":
            return f"{{{{ label({name}) if {name} else {blank} }}}}"
        if self.type in ("integer", "number", "percent"):
            return f"{{{{ {name} if {name} is not none else {blank} }}}}"
        return f"{{{{ {name} or {blank} }}}}"

    def printed(self, occurrence: Occurrence) -> str:
        """How the scenario's answer prints where this occurrence was."""
        if self.type == "percent" and not _PERCENT_AFTER.match(occurrence.after):
            return f"{Decimal(str(self.sample)):g}%"
        return self.rendered


@dataclass
class SampleParties:
    """The scenario's parties: what a mapped party name prints and which keys a party question may take."""

    names: list[str]
    keys: list[str]
    labels: list[str]
    effective_date: date
    governing_law: str
    term_months: int | None


def _slug(words: str, limit: int = 40) -> str:
    parts = [w for w in re.sub(r"[^a-z0-9]+", " ", words.lower()).split() if w]
    out = ""
    for part in parts:
        candidate = f"{out}_{part}" if out else part
        if len(candidate) > limit:
            break
        out = candidate
    if not out or not out[0].isalpha():
        out = f"blank_{out}" if out else "blank"
    return out


def _humane(name: str) -> str:
    """'PARTY NAME' -> 'Party name'; 'insert the venue' -> 'The venue'; 'PartyName' -> 'Party name'."""
    text = _split_camel(name)
    text = re.sub(r"^\s*(insert|enter|specify|add|state)\s+", "", text, flags=re.IGNORECASE).strip()
    if text.isupper():
        text = text.lower()
    return text[:1].upper() + text[1:] if text else text


def _split_camel(name: str) -> str:
    if " " in name.strip() or not re.search(r"[a-z][A-Z]|_", name):
        return name
    return " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.replace("_", " ")).split()).lower()


def _context_prompt(occurrence: Occurrence) -> str:
    before, after = occurrence.before.strip(), occurrence.after.strip()
    if not before and not after:
        return f"The blank in {occurrence.where or 'the precedent'}"
    joiner = "" if before[-1:] in "\u00a3$\u20ac\u00a5(" else " "
    return (f"{before}{joiner}\u2026 {after}".strip()).strip(" ,;:")


def _guess(occurrence: Occurrence) -> str:
    """The question type an unmapped blank asks for."""
    if occurrence.kind == "choice" or occurrence.options:
        return "select"
    if occurrence.date:
        return "date"
    name = _split_camel(occurrence.name)
    if occurrence.kind == "highlight":
        _value, kind = parse_value(occurrence.name)
        if kind != "text":
            return kind
        name = ""
    if occurrence.kind in ("named", "merge field", "content control", "form field") and name and not re.match(r"^(text|form field)\s*\d*$", name, re.IGNORECASE):
        if _PARTY_ROLE.search(name):
            return "party"
        for kind, pattern in _KEYWORDS:
            if pattern.search(name):
                return kind
        if occurrence.kind == "named":
            return "text"
    before, after = occurrence.before, occurrence.after
    if _CURRENCY_BEFORE.search(before):
        return "money"
    if _PERCENT_AFTER.match(after):
        return "percent"
    if _COUNT_AFTER.match(after) or _PLURAL_AFTER.match(after):
        return "integer"
    if re.search(r"\bdated\s*$", before, re.IGNORECASE) or (_DATE_BEFORE.search(before) and re.search(r"\bdate\b", before + " " + after, re.IGNORECASE)):
        return "date"
    return "text"


_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")


def parse_value(text: str) -> tuple[Any, str]:
    """A highlighted sample ("1 March 2027", "£10,000", "15%", "30") as a typed value, or the text itself."""
    from datetime import datetime

    cleaned = text.strip()
    plain = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(plain, fmt).date(), "date"
        except ValueError:
            pass
    money = re.match(r"^(?:[\u00a3$\u20ac]|GBP|USD|EUR)\s?([\d,]+(?:\.\d{1,2})?)$", cleaned)
    if money:
        try:
            return Decimal(money.group(1).replace(",", "")), "money"
        except InvalidOperation:
            pass
    percent = re.match(r"^(\d{1,3}(?:\.\d+)?)\s?(%|per\s?cent)$", cleaned, re.IGNORECASE)
    if percent and Decimal(percent.group(1)) <= 100:
        return Decimal(percent.group(1)), "percent"
    if re.match(r"^\d{1,9}$", cleaned):
        return int(cleaned), "integer"
    return cleaned, "text"


def _mapping(occurrence: Occurrence, parties: SampleParties, party_order: dict[str, int]) -> Mapped | None:
    if occurrence.kind == "choice" or occurrence.options:
        return None  # "[12/24] months": the alternatives are the firm's, not the built-in answer's
    name = " ".join(_split_camel(occurrence.name).split())
    key = name.lower()
    if occurrence.kind in ("named", "merge field", "content control", "form field", "highlight") and name:
        if _PARTY_NAME.match(name) or (occurrence.kind == "highlight" and _COMPANY.search(name)):
            index = party_order.setdefault(key, len(party_order))
            if index < len(parties.names):
                return Mapped(f"parties[{index}].name", f"{{{{ parties[{index}].name }}}}",
                              f"the name of party {index + 1}", parties.names[index])
            return None
        if _EFFECTIVE.search(name):
            return _effective(parties)
        if _LAW_NAME.match(name) or (_LAW_BEFORE.search(occurrence.before) and occurrence.kind != "highlight"
                                     and not re.search(r"\d", name)):
            return Mapped("agreement.governing_law", "{{ agreement.governing_law }}", "the governing law", parties.governing_law)
        if _TERM_NAME.search(name) and (_MONTHS_AFTER.match(occurrence.after) or "month" in key):
            return _term(parties)
        if key in ("date", "insert date", "the date") and _DATED.search(occurrence.before):
            return _effective(parties)
        if occurrence.kind == "highlight":
            _value, kind = parse_value(name)
            if kind == "date" and _DATED.search(occurrence.before):
                return _effective(parties)
            if kind == "integer" and _MONTHS_AFTER.match(occurrence.after) and _TERM_BEFORE.search(occurrence.before):
                return _term(parties)
        return None
    # An anonymous blank: only its sentence can say what it is.
    if _DATED.search(occurrence.before):
        return _effective(parties)
    if _LAW_BEFORE.search(occurrence.before):
        return Mapped("agreement.governing_law", "{{ agreement.governing_law }}", "the governing law", parties.governing_law)
    if _MONTHS_AFTER.match(occurrence.after) and _TERM_BEFORE.search(occurrence.before):
        return _term(parties)
    return None


def _effective(parties: SampleParties) -> Mapped:
    return Mapped("agreement.effective_date", "{{ agreement.effective_date | date }}", "the effective date",
                  long_date(parties.effective_date))


def _term(parties: SampleParties) -> Mapped:
    return Mapped("agreement.term_months", "{{ agreement.term_months }}", "the term in months",
                  str(parties.term_months) if parties.term_months is not None else "")


def _group_key(occurrence: Occurrence) -> str | None:
    """Blanks with the same text are one question; an anonymous blank is a question of its own."""
    if occurrence.kind in ("blank", "line") or not occurrence.name.strip():
        return None
    return f"{occurrence.kind}:{' '.join(occurrence.name.lower().split())}"


def resolve(occurrences: list[Occurrence], parties: SampleParties, taken: set[str]) -> tuple[list[NewQuestion], list[Occurrence]]:
    """Decide every blank: each occurrence's `resolution` is set to a Mapped or a NewQuestion. Returns the
    questions, in order of first use, and the mapped occurrences. `taken` holds names already used under extra."""
    party_order: dict[str, int] = {}
    questions: list[NewQuestion] = []
    grouped: dict[str, NewQuestion] = {}
    mapped: list[Occurrence] = []
    used = set(taken)
    samples = _Samples(parties)
    for occurrence in occurrences:
        found = _mapping(occurrence, parties, party_order)
        if found is not None:
            occurrence.resolution = found
            mapped.append(occurrence)
            continue
        key = _group_key(occurrence)
        if key is not None and key in grouped:
            grouped[key].occurrences.append(occurrence)
            occurrence.resolution = grouped[key]
            continue
        question = _question(occurrence, used, samples)
        questions.append(question)
        occurrence.resolution = question
        if key is not None:
            grouped[key] = question
    return questions, mapped


class _Samples:
    """Valid sample answers for the scenario, distinct from one another."""

    def __init__(self, parties: SampleParties):
        self.parties = parties
        self.count = 0

    def next(self, kind: str, occurrence: Occurrence) -> tuple[Any, str]:
        self.count += 1
        n = self.count
        value: Any
        if occurrence.kind == "highlight":
            value, parsed = parse_value(occurrence.name)
            if parsed == kind:
                return value, _printed(kind, value, self.parties)
        if kind == "date":
            value = date(2031, 3, 14) + timedelta(days=31 * n)
        elif kind == "money":
            value = 12_500 + 1_000 * n
        elif kind == "integer":
            value = 2 + n
        elif kind == "percent":
            value = 10 + n
        elif kind == "party":
            value = self.parties.keys[(n - 1) % len(self.parties.keys)]
        elif kind == "select":
            value = occurrence.options[0] if occurrence.options else ""
        else:
            value = occurrence.raw
        return value, _printed(kind, value, self.parties)


def _printed(kind: str, value: Any, parties: SampleParties) -> str:
    from ...assembly import money

    if kind == "date":
        return long_date(value)
    if kind == "money":
        return money(Decimal(str(value)))
    if kind == "party":
        return parties.labels[parties.keys.index(value)]
    if kind == "percent":
        return f"{Decimal(str(value)):g}"
    return str(value)


def _unique(base: str, used: set[str]) -> str:
    name, n = base, 2
    while name in used:
        suffix = f"_{n}"
        name, n = base[: 40 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _question(occurrence: Occurrence, used: set[str], samples: _Samples) -> NewQuestion:
    kind = _guess(occurrence)
    named = occurrence.kind in ("named", "choice", "merge field", "content control", "form field") and occurrence.name.strip() \
        and not re.match(r"^(text|form field|content control)\s*\d*$", occurrence.name.strip(), re.IGNORECASE)
    default: Any = None
    if named and occurrence.kind != "choice":
        prompt = _humane(occurrence.name)
        base = _slug(re.sub(r"^\s*(insert|enter|specify|add|state)\s+(the\s+)?", "", _split_camel(occurrence.name), flags=re.IGNORECASE))
    elif occurrence.kind == "highlight":
        # Highlighted words are the precedent's own proposal: asked in their sentence, and offered as the answer.
        prompt = f"{occurrence.before} \u201c{occurrence.name}\u201d {occurrence.after}".strip()
        base = _slug(" ".join(w for w in occurrence.name.lower().split() if w not in _STOP) or occurrence.name)
        value, parsed = parse_value(occurrence.name)
        default = value.isoformat() if isinstance(value, date) else (str(value) if isinstance(value, Decimal) else value)
        if parsed != kind:
            default = occurrence.name if kind == "text" else None
    elif occurrence.hint:
        prompt = occurrence.hint
        base = _slug(re.sub(r"[\[\]]", " ", occurrence.hint.split("\u2013", 1)[-1] + " " + occurrence.hint.split("\u2013", 1)[0]))
    else:
        prompt = _context_prompt(occurrence)
        words = [w for w in re.sub(r"[^A-Za-z0-9 ]+", " ", occurrence.before).lower().split() if w not in _STOP][-3:]
        unit = _COUNT_AFTER.match(occurrence.after)
        plural = _PLURAL_AFTER.match(occurrence.after)
        if unit:  # "[●] months" is named by what it counts, then its sentence: months_meet
            words = [unit.group(3).lower(), *words[-2:]]
        elif plural:
            words = [plural.group(0), *words[-2:]]
        elif not words:
            words = [w for w in re.sub(r"[^A-Za-z0-9 ]+", " ", occurrence.after).lower().split() if w not in _STOP][:3]
        base = _slug(" ".join(words) or occurrence.where or "blank")
    name = _unique(base, used)
    where = f"in {occurrence.where}: " if occurrence.where else ""
    sentence = " ".join(w for w in (occurrence.before.removeprefix("\u2026").strip(), occurrence.raw, occurrence.after) if w)
    quoted = f"\u201c\u2026{sentence}\u2026\u201d"
    help_text = f"From the precedent {where}{quoted}"
    value, rendered = samples.next(kind, occurrence)
    options = list(occurrence.options) if kind == "select" else []
    prompt = (prompt[:1].upper() + prompt[1:]) if prompt else name.replace("_", " ").capitalize()
    question = NewQuestion(name, kind, prompt, help_text, options, [occurrence], value, rendered)
    question.default = default
    return question


__all__ = ["Mapped", "NewQuestion", "SampleParties", "parse_value", "resolve"]
