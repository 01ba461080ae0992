"""The questions, section by section, in the order a conversation takes.

Each section returns its part of the answers data (the same shape as an
answers file) and validates it with the answers model before moving on; on a
problem it says what is wrong and asks the section again with the given
answers as defaults, so only the wrong value needs retyping.

Defaults come, in order, from: the answers being revised (`--from`, or the
current answers when a section is edited at review), then values derived from
earlier answers (keys from names, the first review from the start date, the
previous currency), then sensible standard values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from .. import answers as model
from ..answers import describe_error, user_path
from ..dates import add_months
from ..yamlfile import format_path
from .asking import Asker, as_number, check_amount, check_percent, field_adapter, field_check
from .ui import Option

# Why each section matters, in one line (from PRACTICE.md).
WHY = {
    "agreement": "The agreement itself: what the partnership is for, when it starts and how long it runs.",
    "parties": "Who is agreeing: what each party is, who signs for it and who manages the partnership day to day.",
    "objectives": "Shared goals with measures: KPIs tied to the goals let everyone see whether the partnership delivers.",
    "responsibilities": "Who does what: a duty with no owner is a duty nobody does.",
    "resources": "What each party puts in, and how costs are shared: complementary contributions are the point of partnering.",
    "governance": "How decisions are made, what needs everyone's consent, and what each party decides alone.",
    "disputes": "An escalation ladder with deadlines keeps disagreements from stalling the partnership.",
    "review": "Regular reviews against the KPIs let the partners recalibrate instead of breaking up.",
    "communication": "Named channels and response times keep the partnership working between meetings.",
    "confidentiality": "What the parties share stays protected: this clause binds even in a non-binding MOU.",
    "intellectual_property": "Who owns what each party brings, and what the partnership creates.",
    "termination": "How the partnership ends, and the signs, tied to the KPIs, that it should.",
    "values": "Shared values matter most when companies partner with nonprofits, universities or public bodies.",
}
TITLES = {
    "agreement": "The agreement",
    "parties": "Parties",
    "objectives": "Objectives and KPIs",
    "responsibilities": "Roles and responsibilities",
    "resources": "Resources and costs",
    "governance": "Decision rights",
    "disputes": "Resolving disagreements",
    "review": "Review cadence",
    "communication": "Communication",
    "confidentiality": "Confidentiality",
    "intellectual_property": "Intellectual property",
    "termination": "Termination and exit",
    "values": "Shared values",
}
ORDER = list(TITLES)
# Quick mode asks only these; the rest take the defaults in `quick_defaults`.
QUICK_SECTIONS = ("agreement", "parties", "objectives")

KINDS = [
    Option("company", "company", "a business"),
    Option("nonprofit", "nonprofit", "a charity, association or social enterprise"),
    Option("university", "university", "a university or research institute"),
    Option("government", "government", "a public body or agency"),
    Option("individual", "individual", "a person acting in their own name"),
    Option("other", "other", "anything else"),
]
RULES = [
    Option("consensus", "consensus", "decided when no party objects"),
    Option("unanimous", "unanimous", "every party must vote for it"),
    Option("majority", "majority", "more than half of the representatives"),
    Option("weighted", "weighted vote", "votes weighted by cost share or agreed weights"),
    Option("lead_party", "lead party", "one party decides after consulting the others"),
]
DEADLOCKS = [
    Option("__none__", "none", "no mechanism (risky with many parties)"),
    Option("escalate", "escalate", "refer to the chief executives"),
    Option("chair_casting_vote", "chair's casting vote", "the chair decides"),
    Option("mediation", "mediation", "go straight to a mediator"),
]
STEPS = [
    Option("negotiation", "negotiation", "the partnership managers talk it through"),
    Option("escalation", "escalation", "senior people of the parties in dispute meet"),
    Option("mediation", "mediation", "a neutral mediator helps them agree"),
    Option("expert", "expert determination", "an expert decides technical or financial points"),
    Option("arbitration", "arbitration", "a private tribunal gives a final, enforceable award"),
    Option("courts", "courts", "the courts decide"),
]
CADENCES = [
    Option("monthly", "monthly", "for fast-moving or early-stage work"),
    Option("quarterly", "quarterly", "the usual rhythm"),
    Option("semiannual", "every six months", "for long research or stable partnerships"),
    Option("annual", "annual", "for light-touch partnerships"),
]
RESOURCE_TYPES = [Option(t.value, t.value.replace("_", " ")) for t in model.ResourceType]
BACKGROUND = [
    Option("retained", "retained", "each party keeps what it brings; no licence"),
    Option("licensed", "licensed for the partnership", "each keeps it but lets the others use it for the purpose"),
]
FOREGROUND = [
    Option("creator", "the creator", "new IP belongs to the party whose people made it"),
    Option("joint", "joint", "new IP belongs to all parties equally"),
    Option("lead_party", "one party", "new IP belongs to one named party, licensed to the others"),
]

STANDARD_DAYS = {"negotiation_days": 15, "escalation_days": 15}

_SUFFIXES = re.compile(
    r"\b(plc|ltd|limited|llc|llp|inc|incorporated|corp|corporation|gmbh|ag|sa|s\.a\.|sl|s\.l\.|bv|b\.v\.|nv|n\.v\.|"
    r"oy|ab|as|spa|s\.p\.a\.|srl|sarl|pty|co|company|group|holdings)\.?$",
    re.IGNORECASE,
)


_INSTITUTIONS = {
    "council", "authority", "agency", "foundation", "trust", "network", "institute", "university", "college",
    "hospital", "association", "society", "commission", "board", "ministry", "department", "catapult", "school",
}


def propose_short_name(name: str) -> str:
    """`Northwind Telecom plc` -> `Northwind`; `The University of Leeds` -> `the University`;
    `City of Northbridge Council` -> `the Council`."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _INSTITUTIONS:
        return "the " + words[-1]
    if len(words) > 1 and words[0].lower() == "the":
        return "the " + words[1]
    if len(words) > 2 and words[1].lower() == "of" and words[0].lower() in _INSTITUTIONS:
        return "the " + words[0]
    if not words:
        return name
    return _SUFFIXES.sub("", words[0]).strip(" ,.") or words[0]


def upfirst(text: str) -> str:
    """`the College` at the start of a prompt: `The College`."""
    return text[:1].upper() + text[1:]


def propose_key(short_name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "", short_name.lower().removeprefix("the ")) or "party"
    if not base[0].isalpha():
        base = "p" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}{n}", n + 1
    return key


def dig(data: Any, *path: str | int) -> Any:
    """A value deep inside plain answers data, or None."""
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


NONE = "__none__"  # questionary shows a None value as its title, so "nothing" needs a value of its own

# The keys of the answers file each section fills (resources also settles costs).
SECTION_FIELDS = {name: (name,) for name in TITLES} | {"resources": ("resources", "costs")}


def _problems(name: str, value: Any, keys: set[str]) -> list[str]:
    """What the answers model says about one section's answers, path by path.

    Each top-level field the section fills is validated against the Answers
    model's own definition of that field, so the questionnaire cannot accept
    what an answers file would refuse.
    """
    out = []
    for field, data in Sections.as_answers(name, value).items():
        try:
            field_adapter(model.Answers, field).validate_python(data, context={"party_keys": keys})
        except ValidationError as exc:
            for error in exc.errors():
                out.append(f"{format_path((field, *user_path(error['loc'])))}: {describe_error(error)}")
    return out


def next_month(today: date | None = None) -> date:
    today = today or date.today()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


class Sections:
    """The questions of every section, asked through one `Asker`."""

    def __init__(self, ask: Asker, quick: bool, defaults: dict[str, Any] | None, today: date | None = None):
        self.ask = ask
        self.quick = quick
        self.defaults = defaults or {}
        self.data: dict[str, Any] = {"format": 1}
        self.today = today or date.today()

    # --- helpers ------------------------------------------------------------

    def d(self, *path: str | int) -> Any:
        return dig(self.defaults, *path)

    def party_options(self, none: str | None = None) -> list[Option]:
        options = [Option(p["key"], p["name"]) for p in self.data.get("parties", [])]
        return ([Option(NONE, none)] if none else []) + options

    def pick(self, key: str, message: str, options: list[Option], default: Any) -> Any:
        """A select list whose "nothing" choice comes back as None."""
        chosen = self.ask.choose(key, message, options, NONE if default is None else default)
        return None if chosen == NONE else chosen

    @property
    def keys(self) -> set[str]:
        return {p["key"] for p in self.data.get("parties", [])}

    def validated(self, name: str, build: Callable[[], Any]) -> Any:
        """Ask a section until the answers model accepts it; on a problem, ask it
        again with the given answers as defaults so only the wrong value is retyped."""
        while True:
            value = build()
            problems = _problems(name, value, self.keys)
            if not problems:
                return value
            for problem in problems:
                self.ask.ui.error(problem)
            self.ask.ui.say("Please correct the answers of this section.", style="yellow")
            self.forget(name)
            self.defaults = {**self.defaults, **self.as_answers(name, value)}

    def forget(self, name: str) -> None:
        for field in SECTION_FIELDS[name]:
            self.ask.draft.forget(field)

    @staticmethod
    def as_answers(name: str, value: Any) -> dict[str, Any]:
        """A section's value as top-level entries of an answers file."""
        if value is None:
            return {}
        return dict(value) if name == "resources" else {name: value}

    def answers_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": 1}
        for name in ORDER:
            data.update(self.as_answers(name, self.data.get(name)))
        for kept in ("check", "extra"):  # not asked: carried over from the answers being revised
            if self.defaults.get(kept):
                data[kept] = self.defaults[kept]
        return data

    def answered(self, name: str) -> bool:
        """Whether the draft holds answers for this section (asked, or edited at review)."""
        prefixes = SECTION_FIELDS[name]
        return any(key.split(".")[0].split("[")[0] in prefixes for key in self.ask.draft.log)

    def run(self, name: str, *, ask: bool = False) -> Any:
        if self.quick and name not in QUICK_SECTIONS and not ask and not self.answered(name):
            value = self.quick_default(name)
        else:
            self.ask.ui.heading(TITLES[name], WHY[name])
            value = getattr(self, f"ask_{name}")()
        if value is None:
            self.data.pop(name, None)
        else:
            self.data[name] = value
        return value

    # --- sections -------------------------------------------------------------

    def ask_agreement(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            out: dict[str, Any] = {}
            if not self.quick:
                out["title"] = a.text("agreement.title", "Title of the document", self.d("agreement", "title") or "Memorandum of Understanding")
                reference = a.text("agreement.reference", "Your reference", self.d("agreement", "reference"), required=False)
                if reference:
                    out["reference"] = reference
            out["purpose"] = a.text("agreement.purpose", "What is the partnership for? (one or two sentences)", self.d("agreement", "purpose"))
            effective = self.d("agreement", "effective_date") or next_month(self.today).isoformat()
            out["effective_date"] = a.date("agreement.effective_date", "When does it start?", effective)
            by_end = bool(self.d("agreement", "end_date"))
            if self.quick and not by_end:
                out["term_months"] = self.d("agreement", "term_months") or 24
            if not self.quick:
                by_end = a.choose("agreement.term_by", "How is its length given?", [
                    Option(False, "in months"), Option(True, "as an end date")], by_end)
            if by_end:
                out["end_date"] = a.date("agreement.end_date", "On what date does it end?", self.d("agreement", "end_date"))
            elif not self.quick:
                out["term_months"] = a.integer("agreement.term_months", "How many months does it run?",
                                               self.d("agreement", "term_months") or 24, maximum=600)
            if not self.quick:
                out["binding"] = a.yes("agreement.binding", "Should it be legally binding? (No: an MOU of intentions)",
                                       bool(self.d("agreement", "binding")))
                out["governing_law"] = a.text("agreement.governing_law", "Which law governs it?",
                                              self.d("agreement", "governing_law") or "England and Wales")
                language = a.text("agreement.language", "Which language prevails over translations?",
                                  self.d("agreement", "language") or "English", required=False)
                if language:
                    out["language"] = language
            else:
                out["governing_law"] = self.d("agreement", "governing_law") or "England and Wales"
            return out

        return self.validated("agreement", build)

    def ask_party(self, index: int, taken: set[str], previous: dict[str, Any] | None) -> dict[str, Any]:
        a = self.ask
        key_path = f"parties[{index}]"
        d = self.d("parties", index) or {}
        name = a.text(f"{key_path}.name", f"Party {index + 1}: full legal name", d.get("name"), check=field_check(model.Party, "name"))
        assert name is not None
        party: dict[str, Any] = {"name": name}
        short = d.get("short_name") or propose_short_name(name)
        if not self.quick:
            short = a.text(f"{key_path}.short_name", "Called in the text", short)
        party["short_name"] = short
        key = d.get("key") or propose_key(short, taken)
        if self.quick:
            party["key"], party["kind"] = key, d.get("kind") or "company"
        else:

            def usable_key(value: str) -> str | None:
                if value in taken:
                    return f"'{value}' is already used by another party"
                if not re.fullmatch(r"[a-z][a-z0-9_-]*", value):
                    return "use lower case letters, digits, - or _, starting with a letter"
                return None

            party["key"] = a.text(f"{key_path}.key", "Short key for this party in the answers file", key, check=usable_key)
            party["kind"] = a.choose(f"{key_path}.kind", "What kind of organisation is it?", KINDS, d.get("kind") or "company")
        jurisdiction = d.get("jurisdiction") or (previous or {}).get("jurisdiction") or "England and Wales"
        party["jurisdiction"] = a.text(f"{key_path}.jurisdiction", "Where is it registered or based (jurisdiction)?", jurisdiction)
        if not self.quick:
            for field, label in (("registration_number", "Registration number"), ("address", "Address")):
                value = a.text(f"{key_path}.{field}", label, d.get(field), required=False)
                if value:
                    party[field] = value
        signatory = d.get("signatory") or {}
        party["signatory"] = {
            "name": a.text(f"{key_path}.signatory.name", f"Who signs for {party['short_name']}? (name)", signatory.get("name")),
            "title": a.text(f"{key_path}.signatory.title", "Their job title", signatory.get("title")),
        }
        if not self.quick:
            manager = d.get("manager") or {}
            manager_name = a.text(f"{key_path}.manager.name", "Day-to-day partnership manager (name)", manager.get("name"), required=False)
            if manager_name:
                party["manager"] = {"name": manager_name}
                for field, label in (("email", "Their email"), ("phone", "Their phone")):
                    value = a.text(f"{key_path}.manager.{field}", label, manager.get(field), required=False)
                    if value:
                        party["manager"][field] = value
            strengths = a.items(f"{key_path}.strengths", f"{upfirst(party['short_name'])}'s strength", d.get("strengths"))
            if strengths:
                party["strengths"] = strengths
        return party

    def ask_parties(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            parties: list[dict[str, Any]] = []
            existing = len(self.d("parties") or [])
            while True:
                taken = {p["key"] for p in parties}
                parties.append(self.ask_party(len(parties), taken, parties[-1] if parties else None))
                self.data["parties"] = parties
                if len(parties) >= 2 and not self.ask.yes(
                    f"parties.more[{len(parties)}]", "Add another party?", len(parties) < existing
                ):
                    return parties

        return self.validated("parties", build)

    def ask_objectives(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            a = self.ask
            objectives: list[dict[str, Any]] = []
            existing = self.d("objectives") or []
            while True:
                i = len(objectives)
                d = existing[i] if i < len(existing) else {}
                path = f"objectives[{i}]"
                objective: dict[str, Any] = {"title": a.text(f"{path}.title", f"Objective {i + 1}", d.get("title"))}
                for field, label in (("kpi", "How is it measured? (KPI)"), ("target", "Target")):
                    value = a.text(f"{path}.{field}", label, d.get(field), required=False)
                    if value:
                        objective[field] = value
                due = a.date(f"{path}.due", "Due by", d.get("due"), required=False)
                if due:
                    objective["due"] = due
                owner = self.pick(f"{path}.owner", "Which party leads it?", self.party_options(none="no single owner"), d.get("owner"))
                if owner:
                    objective["owner"] = owner
                objectives.append(objective)
                if not a.yes(f"objectives.more[{i + 1}]", "Add another objective?", i + 1 < len(existing)):
                    return objectives

        return self.validated("objectives", build)

    def ask_responsibilities(self) -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            a = self.ask
            existing = self.d("responsibilities")
            parties = self.data["parties"]
            if existing is None:
                existing = [{"party": p["key"]} for p in parties]
            out: list[dict[str, Any]] = []
            i = 0
            while a.yes(f"responsibilities.more[{i}]", "Add a role?" if i == 0 else "Add another role?", i < len(existing)):
                d = existing[i] if i < len(existing) else {}
                path = f"responsibilities[{i}]"
                party = a.choose(f"{path}.party", "Whose role is it?", self.party_options(), d.get("party"))
                label = next(p.get("short_name") or p["name"] for p in parties if p["key"] == party)
                role = a.text(f"{path}.role", f"{upfirst(label)}'s role (e.g. Technology lead)", d.get("role"))
                duties = a.items(f"{path}.duties", "Duty", d.get("duties"))
                out.append({"party": party, "role": role, **({"duties": duties} if duties else {})})
                i += 1
            return out

        return self.validated("responsibilities", build)

    def ask_resources(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            existing = self.d("resources") or []
            resources: list[dict[str, Any]] = []
            currency = None
            i = 0
            while a.yes(f"resources.more[{i}]", "Add a resource a party puts in?" if i == 0 else "Add another resource?", i < len(existing)):
                d = existing[i] if i < len(existing) else {}
                path = f"resources[{i}]"
                item: dict[str, Any] = {
                    "party": a.choose(f"{path}.party", "Which party provides it?", self.party_options(), d.get("party")),
                    "type": a.choose(f"{path}.type", "What kind of resource?", RESOURCE_TYPES, d.get("type") or "personnel"),
                    "description": a.text(f"{path}.description", "Describe it", d.get("description")),
                }
                value = a.text(f"{path}.value", "Its estimated value (a number)", d.get("value"), required=False, check=check_amount)
                if value is not None:
                    item["value"] = as_number(value)
                    currency = a.text(f"{path}.currency", "Currency (3-letter code)", d.get("currency") or currency or "GBP",
                                      check=lambda v: None if re.fullmatch(r"[A-Z]{3}", v) else "use a 3-letter ISO code such as GBP, EUR or USD")
                    item["currency"] = currency
                resources.append(item)
                i += 1
            costs_default = self.d("costs") or {}
            model_name = a.choose("costs.model", "How are joint costs handled?", [
                Option("each_bears_own", "each party bears its own", "the usual choice for an MOU"),
                Option("shared", "shared in agreed proportions", "for approved joint costs"),
            ], costs_default.get("model") or "each_bears_own")
            costs: dict[str, Any] = {"model": model_name}
            if model_name == "shared":
                shares = {}
                for p in self.data["parties"]:
                    value = a.text(f"costs.shares.{p['key']}", f"{upfirst(p.get('short_name') or p['name'])}'s share of joint costs (%)",
                                   dig(costs_default, "shares", p["key"]), check=check_percent)
                    shares[p["key"]] = as_number(value or "0")
                costs["shares"] = shares
            return {"resources": resources, "costs": costs}

        return self.validated("resources", build)

    def ask_governance(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            d = self.d("governance") or {}
            out: dict[str, Any] = {
                "body": a.text("governance.body", "Name of the joint steering body", d.get("body") or "Joint Steering Committee"),
                "representatives_per_party": a.integer("governance.representatives_per_party", "Representatives per party",
                                                       d.get("representatives_per_party") or 1, maximum=20),
                "decision_rule": a.choose("governance.decision_rule", "How does it decide?", RULES, d.get("decision_rule") or "consensus"),
            }
            if out["decision_rule"] == "lead_party":
                out["lead_party"] = a.choose("governance.lead_party", "Which party decides?", self.party_options(), d.get("lead_party"))
            if out["decision_rule"] == "weighted":
                shared = dig(self.data, "resources", "costs", "model") == "shared"
                own = a.yes("governance.own_weights", "Give each party a number of votes? (No: votes follow the cost shares)",
                            bool(d.get("weights")) or not shared)
                if own:
                    out["weights"] = {
                        p["key"]: a.integer(f"governance.weights.{p['key']}", f"Votes for {p.get('short_name') or p['name']}",
                                            dig(d, "weights", p["key"]) or 1)
                        for p in self.data["parties"]
                    }
            for field, noun in (("reserved_matters", "Matter needing every party's written agreement"),
                                ("independent_matters", "Matter each party decides alone")):
                items = a.items(f"governance.{field}", noun, d.get(field))
                if items:
                    out[field] = items
            deadlock = self.pick("governance.deadlock", "If the body is deadlocked", DEADLOCKS, d.get("deadlock"))
            if deadlock:
                out["deadlock"] = deadlock
            return out

        return self.validated("governance", build)

    def ask_disputes(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            d = self.d("disputes") or {}
            steps = a.many("disputes.steps", "Which steps, in this order?", STEPS,
                           d.get("steps") or ["negotiation", "escalation", "mediation"],
                           validate=lambda chosen: True if chosen else "choose at least one step")
            out: dict[str, Any] = {"steps": steps}
            questions = {
                "negotiation": [("negotiation_days", "Days allowed for negotiation", "int")],
                "escalation": [("escalation_to", "Escalated to whom?", "text"), ("escalation_days", "Days allowed at escalation", "int")],
                "mediation": [("mediator", "Mediation body", "text"), ("mediation_days", "Days allowed for mediation", "int")],
                "expert": [("expert", "Who appoints the expert?", "text")],
                "courts": [("courts", "Which courts?", "text")],
            }
            for step in steps:
                for field, label, kind in questions.get(step, []):
                    if kind == "int":
                        # A fresh ladder proposes deadlines for the talking steps; a revised one keeps its own.
                        proposed = d.get(field) if self.d("disputes") else STANDARD_DAYS.get(field)
                        value: Any = a.integer(f"disputes.{field}", label, proposed, required=False)
                    else:
                        value = a.text(f"disputes.{field}", label, d.get(field), required=False)
                    if value is not None:
                        out[field] = value
                if step == "arbitration":
                    arb = d.get("arbitration") or {}
                    out["arbitration"] = {
                        "rules": a.text("disputes.arbitration.rules", "Arbitration rules", arb.get("rules") or "LCIA Rules"),
                        "seat": a.text("disputes.arbitration.seat", "Seat of the arbitration", arb.get("seat") or "London"),
                        "arbitrators": a.choose("disputes.arbitration.arbitrators", "Number of arbitrators",
                                                [Option(1, "one"), Option(3, "three")], arb.get("arbitrators") or 1),
                    }
            return out

        return self.validated("disputes", build)

    def ask_review(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            d = self.d("review") or {}
            cadence = a.choose("review.cadence", "How often do the parties review progress?", CADENCES, d.get("cadence") or "quarterly")
            out: dict[str, Any] = {"cadence": cadence}
            out["first_review"] = a.date("review.first_review", "Date of the first review", d.get("first_review") or self.first_review(cadence))
            reporter = self.pick("review.kpi_report_by", "Which party reports the KPIs?", self.party_options(none="the managers together"),
                                d.get("kpi_report_by"))
            if reporter:
                out["kpi_report_by"] = reporter
            forum = a.text("review.forum", "Where are reviews held?", d.get("forum") or f"{dig(self.data, 'governance', 'body') or 'Joint Steering Committee'} meeting", required=False)
            if forum:
                out["forum"] = forum
            out["annual_strategic_review"] = a.yes("review.annual_strategic_review", "Hold an annual strategic review as well?",
                                                   d.get("annual_strategic_review", self.term_over_a_year()))
            return out

        return self.validated("review", build)

    def ask_communication(self) -> dict[str, Any]:
        a = self.ask
        d = self.d("communication") or {}
        out: dict[str, Any] = {}
        channels = a.items("communication.channels", "Channel (e.g. Monthly operations call)", d.get("channels"))
        if channels:
            out["channels"] = channels
        days = a.integer("communication.response_days", "Working days to answer a request", d.get("response_days"), required=False)
        if days:
            out["response_days"] = days
        return out

    def ask_confidentiality(self) -> dict[str, Any]:
        a = self.ask
        d = self.d("confidentiality") or {}
        enabled = a.yes("confidentiality.enabled", "Include a binding confidentiality clause?", d.get("enabled", True))
        out: dict[str, Any] = {"enabled": enabled}
        if enabled:
            out["years"] = a.integer("confidentiality.years", "For how many years after the end?", d.get("years") or 3, maximum=99)
        return out

    def ask_intellectual_property(self) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            a = self.ask
            d = self.d("intellectual_property") or {}
            out: dict[str, Any] = {
                "background": a.choose("intellectual_property.background", "What each party brings (background IP)", BACKGROUND, d.get("background") or "retained"),
                "foreground": a.choose("intellectual_property.foreground", "Who owns what is created together?", FOREGROUND, d.get("foreground") or "creator"),
            }
            if out["foreground"] == "lead_party":
                out["owner"] = a.choose("intellectual_property.owner", "Which party owns it?", self.party_options(), d.get("owner"))
            return out

        return self.validated("intellectual_property", build)

    def ask_termination(self) -> dict[str, Any]:
        a = self.ask
        d = self.d("termination") or {}
        out: dict[str, Any] = {"notice_days": a.integer("termination.notice_days", "Days of notice to leave", d.get("notice_days") or 30)}
        triggers = a.items("termination.exit_triggers", "Exit trigger (e.g. a KPI below target at a review)", d.get("exit_triggers"))
        if triggers:
            out["exit_triggers"] = triggers
        return out

    def ask_values(self) -> list[str] | None:
        values = self.ask.items("values", "Shared value", self.d("values"))
        return values or None

    # --- quick mode -------------------------------------------------------------

    def first_review(self, cadence: str) -> str:
        start = date.fromisoformat(dig(self.data, "agreement", "effective_date") or self.today.isoformat())
        return add_months(start, model.Cadence(cadence).months).isoformat()

    def term_over_a_year(self) -> bool:
        agreement = self.data.get("agreement", {})
        if agreement.get("term_months"):
            return int(agreement["term_months"]) > 12
        return bool(agreement.get("end_date")) and (
            date.fromisoformat(agreement["end_date"]) - date.fromisoformat(agreement["effective_date"])
        ).days > 366

    def quick_default(self, name: str) -> Any:
        """What quick mode fills in without asking; shown at the review."""
        if self.defaults.get(name) is not None and name not in ("resources",):
            return self.defaults[name]
        if name == "review":
            return {"cadence": "quarterly", "first_review": self.first_review("quarterly"),
                    "annual_strategic_review": self.term_over_a_year()}
        if name == "disputes":
            return {"steps": ["negotiation", "escalation", "mediation"], **STANDARD_DAYS}
        if name == "confidentiality":
            return {"enabled": True, "years": 3}
        if name == "termination":
            return {"notice_days": 30}
        if name == "resources":
            return {"resources": self.defaults.get("resources") or [], "costs": self.defaults.get("costs") or {"model": "each_bears_own"}}
        return None


QUICK_DEFAULTS_STATED = [
    "type of each party: company; short name and key taken from its name",
    "governing law: England and Wales; not legally binding; a term of 24 months",
    "decisions: a Joint Steering Committee deciding by consensus, one representative per party",
    "disputes: negotiation (15 days), escalation (15 days), then mediation",
    "reviews: quarterly, the first three months after the start",
    "costs: each party bears its own; confidentiality for 3 years; each party keeps its own IP; 30 days' notice to leave",
]
