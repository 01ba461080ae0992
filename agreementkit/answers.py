"""The answers format (format 1): the model, its rules, and loading it.

The field names are a public contract: users keep answers files for years.
Add optional fields freely; rename or remove only with a migration.

Fields that the health check judges rather than requires (an objective's KPI,
target, due date and owner, a party's manager, independent matters, the
deadlock mechanism, exit triggers, dispute deadlines) are optional here: their
absence is advice from `agreementkit check`, not a load error.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .dates import as_date
from .errors import AnswersError, InvalidInputError, Problem
from .targets import Measure, measure_of

if TYPE_CHECKING:
    from .questions.spec import Interview
from .yamlfile import LocatedData, PathKey, format_path, parse_yaml, read_text

FORMAT_VERSION = 1

# XML 1.0 cannot hold these, so a DOCX containing one is corrupt; refuse them
# at the door, naming the field, instead of failing deep inside a writer.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _party_ref(value: str, info: ValidationInfo) -> str:
    """Check a reference to a party against the keys the file declares.

    The keys arrive through the validation context, so every reference is
    judged where it stands and all bad ones are reported in one pass.
    """
    keys = (info.context or {}).get("party_keys")
    if keys is not None and value not in keys:
        known = ", ".join(sorted(keys)) or "none"
        hint = difflib.get_close_matches(value, list(keys), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise ValueError(f"unknown party '{value}' (the parties are: {known}){suggestion}")
    return value


PartyRef = Annotated[str, AfterValidator(_party_ref)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    # Typos such as `objectivs` must be caught, never silently ignored.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True, str_strip_whitespace=True)


class PartyKind(str, Enum):
    company = "company"
    nonprofit = "nonprofit"
    university = "university"
    government = "government"
    individual = "individual"
    other = "other"


class LegalForm(str, Enum):
    """What the law makes of a party: it decides who can sign and whether the party can contract at all."""

    private_company = "private_company"
    public_company = "public_company"
    llp = "llp"
    charity = "charity"
    charitable_company = "charitable_company"
    unincorporated_association = "unincorporated_association"
    public_body = "public_body"
    university = "university"
    individual = "individual"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self.value]


LEGAL_FORM_LABELS = {
    "private_company": "private limited company",
    "public_company": "public limited company",
    "llp": "limited liability partnership",
    "charity": "charity",
    "charitable_company": "charitable company",
    "unincorporated_association": "unincorporated association",
    "public_body": "statutory or public body",
    "university": "university",
    "individual": "individual",
}


class Person(_Model):
    name: Text
    title: Text


# What an email address must look like: one @, a name before it, a dotted domain after it, no spaces.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def email_problem(value: str) -> str | None:
    """What is wrong with an email address, in words, or None."""
    if EMAIL.match(value):
        return None
    if value.count("@") != 1:
        return f"{value!r} is not an email address: it needs one @ between a name and a domain, like ana@example.org"
    name, domain = value.split("@")
    if not name or any(c.isspace() for c in value):
        return f"{value!r} is not an email address: it needs a name before the @ and no spaces, like ana@example.org"
    return f"{value!r} is not an email address: its domain ({domain or 'nothing'}) needs a dot, like example.org"


def check_email(value: str) -> str:
    problem = email_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _email(value: str | None) -> str | None:
    return None if value is None else check_email(value)


class Manager(_Model):
    name: Text
    email: Annotated[str | None, AfterValidator(_email)] = Field(None, description="Where notices under the agreement go.")
    phone: str | None = None


class Party(_Model):
    key: Annotated[
        str,
        Field(
            pattern=r"^[a-z][a-z0-9_-]*$",
            description="Short id used everywhere else in the file: lower case letters, digits, - or _.",
        ),
    ]
    name: Text
    short_name: str | None = Field(None, description="How the text refers to the party; defaults to its name.")
    kind: PartyKind = PartyKind.company
    legal_form: LegalForm | None = Field(None, description="The party's legal form, shown in the parties table and signature block.")
    jurisdiction: Text
    registration_number: str | None = None
    charity_number: str | None = Field(None, description="Registered charity number, for a charity or charitable company.")
    address: str | None = None
    signatory: Person
    manager: Manager | None = None
    strengths: list[Text] = []

    @property
    def label(self) -> str:
        """The name the agreement uses for this party after introducing it."""
        return self.short_name or self.name


class Agreement(_Model):
    title: Text = "Memorandum of Understanding"
    reference: str | None = None
    purpose: Text
    effective_date: date
    term_months: Annotated[int, Field(gt=0, le=600)] | None = None
    end_date: date | None = None
    binding: bool = False
    governing_law: Text
    language: str | None = Field(None, description="The language that prevails between translations.")
    renewal: Literal["none", "by_agreement", "automatic"] | None = Field(
        None, description="What happens at the end of the term: it ends (none), the Parties may extend it in writing "
        "(by_agreement, the default) or it renews itself unless a Party gives notice (automatic)."
    )
    renewal_months: Annotated[int, Field(gt=0, le=120)] | None = Field(
        None, description="The length of each automatic renewal; defaults to 12 months."
    )
    implementing_agreements: bool = Field(
        False, description="Whether specific projects will be carried out under separate implementing agreements."
    )
    table_of_contents: bool = Field(
        False, description="Start the document with a table of contents: a TOC field in the DOCX, with page numbers in the PDF."
    )
    revision: Annotated[int, Field(ge=0, le=10_000)] = Field(
        0, description="The draft's revision number (0 for the first): the calendar carries it as each event's SEQUENCE, "
        "so a calendar that imported an earlier revision takes the later one's dates."
    )
    exclusive: bool = Field(
        False, description="Whether the Parties work only with each other in the field of exclusivity during the term "
        "(otherwise each stays free to work with others, including on similar activities)."
    )
    exclusivity: str | None = Field(
        None, description="With exclusive: the field in which no Party works with anyone else, e.g. 'private 5G networks "
        "for ports in the United Kingdom'; defaults to activities that compete with the Purpose."
    )

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("effective_date")
        if value is not None and start is not None and value <= start:
            raise ValueError(f"the end date ({value}) must come after the start (effective_date {start})")
        return value

    @model_validator(mode="after")
    def _term(self) -> Agreement:
        if self.term_months is None and self.end_date is None:
            raise ValueError("give the term as term_months or as end_date")
        if self.term_months is not None and self.end_date is not None:
            raise ValueError("give the term as term_months or end_date, not both")
        if self.renewal_months is not None and self.renewal != "automatic":
            raise ValueError("renewal_months is given but renewal is not automatic; set renewal: automatic or remove it")
        if self.exclusivity is not None and not self.exclusive:
            raise ValueError("exclusivity names a field but exclusive is not true; set exclusive: true or remove it")
        return self

    @property
    def end(self) -> date:
        """The last day of the term, whichever way it was given."""
        if self.end_date is not None:
            return self.end_date
        from .dates import last_day_of_term

        assert self.term_months is not None
        return last_day_of_term(self.effective_date, self.term_months)


class Objective(_Model):
    title: Text
    kpi: str | None = None
    target: str | None = None
    due: date | None = None
    owner: PartyRef | None = None
    # What a review measures against. Read from `target` where its text says it plainly
    # ("8 distributors", "-20%"); give them where it does not ("a working prototype").
    target_value: Decimal | None = Field(None, description="The target as a number, when its text cannot be read as one.")
    unit: str | None = Field(None, description="What the number counts: distributors, %, GBP.")
    direction: Literal["up", "down"] | None = Field(
        None, description="up: more is better; down: less is better (\"reduce spoilage by 20%\" is down).")
    baseline: Decimal | None = Field(None, description="The KPI's value at the start, from which a review's trajectory runs (default 0).")

    def measure(self) -> Measure | None:
        """The target as a review measures it (given fields first, then what the target's text says),
        worked out when asked and never stored, so the answers' fingerprint stays as it was."""
        return measure_of(self.target, self.target_value, self.unit, self.direction)


class Responsibility(_Model):
    party: PartyRef
    role: Text
    duties: list[Text] = []


class ResourceType(str, Enum):
    funding = "funding"
    personnel = "personnel"
    equipment = "equipment"
    facilities = "facilities"
    intellectual_property = "intellectual_property"
    data = "data"
    in_kind = "in_kind"
    other = "other"


class Resource(_Model):
    party: PartyRef
    type: ResourceType
    description: Text
    value: Annotated[Decimal, Field(ge=0)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. GBP")] | None = None
    until: date | None = Field(None, description="The last day the resource is available, when it is committed for a period.")

    @model_validator(mode="after")
    def _currency(self) -> Resource:
        if self.value is not None and self.currency is None:
            raise ValueError("a value needs a currency (for example GBP or EUR)")
        return self


class Costs(_Model):
    model: Literal["each_bears_own", "shared"] = "each_bears_own"
    shares: dict[PartyRef, Annotated[Decimal, Field(ge=0, le=100)]] | None = None
    cap: Annotated[Decimal, Field(gt=0)] | None = Field(None, description="The most the Shared Costs may total without every Party's agreement.")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code the Shared Costs are kept and invoiced in (and of the cap), e.g. GBP.")
    payment_days: Annotated[int, Field(gt=0, le=365)] | None = Field(None, description="Days a Party has to pay its share of a Shared Cost once asked (default 30).")

    @field_validator("shares")
    @classmethod
    def _total(cls, shares: dict[str, Decimal] | None, info: ValidationInfo) -> dict[str, Decimal] | None:
        # Leniently loaded (for the health check), share totals are a finding, not an error.
        lenient = not (info.context or {}).get("check_references", True)
        if shares and info.data.get("model") == "shared" and not lenient:
            total = sum(shares.values())
            if total != 100:
                raise ValueError(f"shares total {total:g}%, not 100%")
        return shares

    @model_validator(mode="after")
    def _shares(self, info: ValidationInfo) -> Costs:
        lenient = not (info.context or {}).get("check_references", True)
        if self.model == "shared":
            if not lenient and not self.shares:
                raise ValueError("shared costs need shares: the percentage each party bears")
        elif self.shares:
            raise ValueError("shares are given but the model is each_bears_own; set model: shared")
        elif self.cap is not None:
            raise ValueError("a cap is given but the model is each_bears_own; set model: shared or remove the cap")
        return self

    @model_validator(mode="after")
    def _cap_needs_currency(self) -> Costs:
        if self.cap is not None and self.currency is None:
            raise ValueError("a cap needs a currency (for example GBP or EUR)")
        return self


class DecisionRule(str, Enum):
    consensus = "consensus"
    unanimous = "unanimous"
    majority = "majority"
    weighted = "weighted"
    lead_party = "lead_party"


class Deadlock(str, Enum):
    escalate = "escalate"
    chair_casting_vote = "chair_casting_vote"
    mediation = "mediation"


class Governance(_Model):
    body: Text = "Joint Steering Committee"
    representatives_per_party: Annotated[int, Field(ge=1, le=20)] = 1
    decision_rule: DecisionRule = DecisionRule.consensus
    lead_party: PartyRef | None = None
    weights: dict[PartyRef, Annotated[Decimal, Field(gt=0)]] | None = Field(
        None, description="Votes per party under the weighted rule; defaults to the cost shares."
    )
    reserved_matters: list[Text] = []
    independent_matters: list[Text] = []
    deadlock: Deadlock | None = None

    @model_validator(mode="after")
    def _rule(self) -> Governance:
        if self.decision_rule == DecisionRule.lead_party and self.lead_party is None:
            raise ValueError("decision_rule lead_party needs lead_party: the key of the party that decides")
        return self


class DisputeStep(str, Enum):
    negotiation = "negotiation"
    escalation = "escalation"
    mediation = "mediation"
    expert = "expert"
    arbitration = "arbitration"
    courts = "courts"


# Talking comes before third parties, and a binding forum comes last.
_STEP_RANK = {"negotiation": 0, "escalation": 1, "mediation": 2, "expert": 2, "arbitration": 3, "courts": 3}


class Arbitration(_Model):
    rules: Text
    seat: Text
    arbitrators: Literal[1, 3] = 1


class Disputes(_Model):
    steps: Annotated[list[DisputeStep], Field(min_length=1)] = [
        DisputeStep.negotiation,
        DisputeStep.escalation,
        DisputeStep.mediation,
    ]
    negotiation_days: Annotated[int, Field(gt=0)] | None = None
    escalation_to: str | None = None
    escalation_days: Annotated[int, Field(gt=0)] | None = None
    mediator: str | None = None
    mediation_days: Annotated[int, Field(gt=0)] | None = None
    expert: str | None = None
    arbitration: Arbitration | None = None
    courts: str | None = Field(None, description="Which courts decide, when courts is a step; defaults to those of the governing law.")

    @model_validator(mode="after")
    def _ladder(self) -> Disputes:
        names = [step.value for step in self.steps]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"steps repeat {', '.join(repeated)}")
        ranks = [_STEP_RANK[n] for n in names]
        if ranks != sorted(ranks):
            raise ValueError(
                "steps are out of order: talking (negotiation, escalation) comes before a third party "
                "(mediation, expert), and a final forum (arbitration or courts) comes last"
            )
        if "arbitration" in names and "courts" in names:
            raise ValueError("choose one final forum: arbitration or courts, not both")
        if "arbitration" in names and self.arbitration is None:
            raise ValueError("arbitration is a step but arbitration: {rules, seat} is not given")
        return self


class Cadence(str, Enum):
    monthly = "monthly"
    quarterly = "quarterly"
    semiannual = "semiannual"
    annual = "annual"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}[self.value]


class Review(_Model):
    cadence: Cadence = Cadence.quarterly
    first_review: date | None = None
    kpi_report_by: PartyRef | None = None
    forum: str | None = None
    annual_strategic_review: bool = False


class Communication(_Model):
    channels: list[Text] = []
    response_days: Annotated[int, Field(gt=0)] | None = None


class Confidentiality(_Model):
    enabled: bool = True
    years: Annotated[int, Field(gt=0, le=99)] | None = None
    prior_agreements: list[Text] = Field(
        [], description="Earlier confidentiality or non-disclosure agreements between the Parties, by name and date; "
        "they continue alongside this one unless replace_prior is true."
    )
    replace_prior: bool = Field(
        False, description="Whether the confidentiality clause replaces earlier confidentiality agreements between the "
        "Parties about the partnership (information given under them is then Confidential Information under this one)."
    )

    @model_validator(mode="after")
    def _replace(self) -> Confidentiality:
        if self.replace_prior and not self.enabled:
            raise ValueError("replace_prior is true but the confidentiality clause is switched off: nothing would replace "
                             "the earlier agreements; set enabled: true or replace_prior: false")
        return self


class Publication(_Model):
    """Academic publication, where a university takes part."""

    review_days: Annotated[int, Field(gt=0, le=365)] = Field(
        30, description="Days the other Parties have to comment on a draft publication before it is submitted."
    )
    delay_days: Annotated[int, Field(gt=0, le=730)] = Field(
        90, description="The further days a Party may delay a publication, once, to protect a patentable result or "
        "have its Confidential Information removed."
    )


class IntellectualProperty(_Model):
    background: Literal["retained", "licensed"] = "retained"
    foreground: Literal["creator", "joint", "lead_party"] = "creator"
    owner: PartyRef | None = Field(None, description="Who owns new IP when foreground is lead_party.")
    joint_manager: PartyRef | None = Field(
        None, description="The Party that applies for and maintains protection of jointly owned IP; "
        "when not given, the co-owners decide together and share the cost equally."
    )
    joint_licensing: Literal["free", "notice", "consent"] = Field(
        "notice", description="What a co-owner may do with jointly owned IP besides using it: license it freely (free), "
        "license it after telling the others (notice), or only with their consent (consent)."
    )
    joint_accounting: bool = Field(
        False, description="Whether a co-owner that licenses jointly owned IP shares the income with the other co-owners."
    )
    customer_licence: bool = Field(
        True, description="When the Parties sell together, whether customers may be sublicensed Background IP "
        "(and keep their licence after the partnership ends)."
    )
    improvements: Literal["background_owner", "foreground"] = Field(
        "background_owner", description="Who owns an improvement to a Party's Background IP made in the partnership: "
        "the owner of that Background IP (background_owner), or whoever the new-IP rule names, as Foreground IP (foreground)."
    )

    @model_validator(mode="after")
    def _owner(self) -> IntellectualProperty:
        if self.foreground == "lead_party" and self.owner is None:
            raise ValueError("foreground lead_party needs owner: the key of the party that owns new IP")
        return self


class Termination(_Model):
    notice_days: Annotated[int, Field(gt=0)] = 30
    exit_triggers: list[Text] = []
    minimum_months: Annotated[int, Field(gt=0, le=600)] | None = Field(
        None, description="No Party may leave for convenience before this many months from the effective date."
    )
    breach_days: Annotated[int, Field(gt=0, le=365)] | None = Field(
        None, description="Days a Party in material breach has to remedy it once asked (default 30; binding agreements)."
    )


Money = Annotated[Decimal, Field(gt=0)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. GBP")]


class Liability(_Model):
    """A cap the reader can find on the face of the document; unanswered, it is each
    Party's stated contributions, printed as an amount."""

    cap: Money | None = Field(None, description="One cap on each Party's liability.")
    caps: dict[PartyRef, Money] | None = Field(None, description="A cap per Party, by party key.")
    currency: Currency | None = None
    period: Literal["overall", "per_year"] = Field(
        "overall", description="Whether the cap applies over the whole term (overall) or to each year of it (per_year)."
    )
    data_protection_cap: Money | None = Field(
        None, description="A cap of its own on each Party's liability for breach of the personal-data clause; "
        "without one, that liability is outside the general cap."
    )

    @model_validator(mode="after")
    def _amounts(self) -> Liability:
        if self.cap is not None and self.caps:
            raise ValueError("give one cap for every party (cap) or a cap per party (caps), not both")
        if (self.cap is not None or self.caps or self.data_protection_cap is not None) and self.currency is None:
            raise ValueError("a liability cap needs a currency (for example GBP or EUR)")
        return self


class Commercial(_Model):
    """Selling together: who contracts with customers and how the money flows back."""

    contracting_party: PartyRef = Field(description="The Party that contracts with and invoices customers.")
    revenue_shares: dict[PartyRef, Annotated[Decimal, Field(ge=0, le=100)]] | None = Field(
        None, description="Each Party's percentage of the net revenue received from customers."
    )
    pricing: str | None = Field(
        None, description="Where each Party's prices are set out instead of (or as well as) revenue shares, "
        "for example 'the pricing schedule approved by the Joint Steering Committee'."
    )
    payment_days: Annotated[int, Field(gt=0, le=365)] | None = Field(
        None, description="Days the contracting Party has to pay each other Party once the customer pays (default 30)."
    )
    offering: list[Text] = Field(
        [], description="The products and services the Parties sell together (the revenue shared is theirs); "
        "unlisted, those the steering body approves in writing for joint sale."
    )

    @field_validator("revenue_shares")
    @classmethod
    def _total(cls, shares: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if shares:
            total = sum(shares.values())
            if total != 100:
                raise ValueError(f"revenue shares total {total:g}%, not 100%")
        return shares

    @model_validator(mode="after")
    def _terms(self) -> Commercial:
        if not self.revenue_shares and not self.pricing:
            raise ValueError("say how revenue is shared: revenue_shares (a percentage per party) or pricing (where prices are set out)")
        return self


class DataProtection(_Model):
    personal_data: bool | None = Field(None, description="Whether personal data will be shared between the Parties.")
    roles: Literal["independent", "joint", "processor"] | None = Field(
        None, description="independent controllers, joint controllers, or one Party processing for another."
    )
    controller: PartyRef | None = Field(None, description="With roles: processor, the Party for which the data is processed.")
    processor: PartyRef | None = Field(None, description="With roles: processor, the Party that processes it.")
    contact: PartyRef | None = Field(None, description="With roles: joint, the Party that is the contact point for individuals.")
    data: list[Text] = Field([], description="The types of personal data shared, e.g. 'contact details'.")
    subjects: list[Text] = Field([], description="Whose personal data it is, e.g. 'trial participants'.")

    @model_validator(mode="after")
    def _roles(self) -> DataProtection:
        if self.personal_data and self.roles is None:
            raise ValueError("personal_data is true: say in which roles (roles: independent, joint or processor)")
        if self.roles is not None and self.personal_data is False:
            raise ValueError("roles are given but personal_data is false")
        if self.roles == "processor":
            if self.controller is None or self.processor is None:
                raise ValueError("roles processor needs controller and processor: the keys of both parties")
            if self.controller == self.processor:
                raise ValueError("the controller and the processor must be different parties")
        return self


class Insurance(_Model):
    cover: Annotated[list[Text], Field(min_length=1)] = Field(
        description="The kinds of insurance each Party keeps, e.g. 'public liability', 'professional indemnity'."
    )
    amount: Money | None = Field(None, description="The least cover for each claim.")
    currency: Currency | None = None
    years_after: Annotated[int, Field(ge=0, le=15)] | None = Field(
        None, description="Years after the end for which cover that answers only claims made while it runs "
        "(such as professional indemnity) is kept; default 6."
    )

    @model_validator(mode="after")
    def _currency(self) -> Insurance:
        if self.amount is not None and self.currency is None:
            raise ValueError("an amount of cover needs a currency (for example GBP or EUR)")
        return self


class CheckSettings(_Model):
    ignore: list[str] = Field([], description="Health-check rule ids silenced for this agreement.")


class Answers(_Model):
    """Everything the questionnaire collects about one partnership."""

    format: Literal[1] = Field(description="The answers format version.")
    agreement: Agreement
    parties: Annotated[list[Party], Field(min_length=2)]
    objectives: Annotated[list[Objective], Field(min_length=1)]
    responsibilities: list[Responsibility] = []
    resources: list[Resource] = []
    costs: Costs = Costs()
    governance: Governance = Governance()
    disputes: Disputes = Disputes()
    review: Review = Review()
    communication: Communication = Communication()
    confidentiality: Confidentiality = Confidentiality()
    intellectual_property: IntellectualProperty = IntellectualProperty()
    termination: Termination = Termination()
    liability: Liability = Liability()
    commercial: Commercial | None = Field(None, description="How the Parties sell together, when they do.")
    data_protection: DataProtection = DataProtection()
    insurance: Insurance | None = None
    publication: Publication = Field(Publication(), description="Academic publication, where a university takes part.")
    values: list[Text] = Field([], description="Shared values and ethical principles the parties commit to uphold.")
    check: CheckSettings = CheckSettings()
    libraries: list[str] = Field([], description="The custom library layers the answers were made with (recorded by `agreementkit new`).")
    extra: dict[str, Any] = Field({}, description="Answers to questions that a custom clause library adds (typed by its question files).")

    def party(self, key: str) -> Party:
        """The party with this key (keys are checked when the answers load)."""
        for party in self.parties:
            if party.key == key:
                return party
        raise KeyError(key)

    def fingerprint(self) -> str:
        """A hash of the answers, recorded in the documents to trace a copy back.

        Only answers that differ from their defaults count (and, under `extra`, only those the file
        gives), so a new optional field in a later version, or a default written out, leaves the
        fingerprint of an existing answers file as it was."""
        from pydantic_core import to_jsonable_python

        data = self.model_dump(mode="json", exclude_defaults=True, exclude={"extra"})
        extra = given_extra(self.extra)
        if extra:
            data["extra"] = to_jsonable_python(extra)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def given_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """The `extra` answers an answers file gave itself: not the questions' defaults, not the unanswered."""
    given = getattr(extra, "given", None)
    return given() if callable(given) else {k: v for k, v in extra.items() if v is not None}


# --- loading ---------------------------------------------------------------


def _all_field_names() -> set[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [Answers]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(name)
            for arg in _model_types(field.annotation):
                stack.append(arg)
    return names


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    from typing import get_args

    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in get_args(annotation):
        found.extend(_model_types(arg))
    return found


def describe_error(error: Any, field_names: set[str] | None = None) -> str:
    """A pydantic error in the user's terms; used wherever answers or clause
    front matter are validated, so the same mistake reads the same everywhere."""
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden" and loc:
        name = str(loc[-1])
        # A name valid elsewhere in the file (a `value` under resources) is not offered as its own correction.
        hint = difflib.get_close_matches(name, sorted((field_names or _all_field_names()) - {name}), n=1)
        return f"unknown field '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
    if kind == "missing":
        return "required but missing"
    value = error.get("input")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{value!r} is not a whole number"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return f"{value!r} is not a number"
    if kind in ("bool_parsing", "bool_type"):
        return f"{value!r} is not yes or no (write true or false)"
    if kind == "list_type":
        return f"expected a list, found {value!r}"
    if kind == "too_short" and isinstance(value, list):
        least = error.get("ctx", {}).get("min_length")
        return f"needs at least {least} {'entry' if least == 1 else 'entries'}"
    if kind == "too_long" and isinstance(value, list):
        return f"has more than {error.get('ctx', {}).get('max_length')} entries"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"not a real date: {error.get('input')!r}; write it as YYYY-MM-DD"
    if kind == "enum" or kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", str(expected))
        hint = difflib.get_close_matches(str(error.get("input")), choices, n=1)
        return f"{error.get('input')!r} is not one of {expected}" + (f"; did you mean '{hint[0]}'?" if hint else "")
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "key":
        return f"{error.get('input')!r} is not a usable key: use lower case letters, digits, - or _, starting with a letter"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "currency":
        return f"{error.get('input')!r} is not a currency code: use a 3-letter ISO code such as GBP, EUR or USD"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _control_characters(data: Any, path: PathKey = ()) -> list[tuple[PathKey, str]]:
    found: list[tuple[PathKey, str]] = []
    if isinstance(data, str):
        match = _XML_ILLEGAL.search(data)
        if match:
            found.append((path, f"contains control character U+{ord(match.group()):04X}, which documents cannot hold"))
    elif isinstance(data, dict):
        for key, value in data.items():
            found.extend(_control_characters(value, path + (key,)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_control_characters(value, path + (index,)))
    return found


def term_end(agreement: Any) -> date | None:
    """The last day of the term from plain answers data, or None when it cannot be told yet."""
    if not isinstance(agreement, dict):
        return None
    start = as_date(agreement.get("effective_date"))
    if agreement.get("end_date") is not None:
        return as_date(agreement.get("end_date"))
    try:
        months = int(str(agreement.get("term_months")))
    except (TypeError, ValueError):
        return None
    if start is None:
        return None
    from .dates import last_day_of_term

    return last_day_of_term(start, months)


def cross_field_problems(data: Any) -> list[tuple[PathKey, str]]:
    """Answers that cannot all be true, each at the path of the answer to change.

    Works on plain data, complete or not, so the questionnaire can ask again
    the moment a date contradicts the term, and answers files are refused the
    same way."""
    if not isinstance(data, dict) or not isinstance(data.get("agreement"), dict):
        return []
    start = as_date(data["agreement"].get("effective_date"))
    end = term_end(data["agreement"])
    if start is None:
        return []
    found: list[tuple[PathKey, str]] = []
    review = data.get("review")
    first = as_date(review.get("first_review")) if isinstance(review, dict) and review.get("first_review") else None
    if first is not None and first < start:
        found.append((("review", "first_review"),
                      f"the first review ({first}) comes before the agreement starts ({start}); set it after the start"))
    elif first is not None and end is not None and first > end:
        found.append((("review", "first_review"),
                      f"the first review ({first}) comes after the term ends ({end}); set it within the term"))
    for index, objective in enumerate(data.get("objectives") or []):
        due = as_date(objective.get("due")) if isinstance(objective, dict) and objective.get("due") else None
        if due is not None and due < start:
            found.append((("objectives", index, "due"),
                          f"'{objective.get('title')}' is due ({due}) before the agreement starts ({start})"))
    termination = data.get("termination")
    minimum = termination.get("minimum_months") if isinstance(termination, dict) else None
    months = data["agreement"].get("term_months")
    if isinstance(minimum, int) and isinstance(months, int) and minimum >= months:
        found.append((("termination", "minimum_months"),
                      f"the minimum period ({minimum} months) is not shorter than the term ({months} months); "
                      "shorten it, or leave it out if no Party may leave early"))
    return found


def _declared_party_keys(data: dict[str, Any]) -> tuple[set[str] | None, list[tuple[PathKey, str]]]:
    """The party keys the file declares, and where a key is declared twice."""
    parties = data.get("parties")
    if not isinstance(parties, list):
        return None, []
    keys: set[str] = set()
    duplicates: list[tuple[PathKey, str]] = []
    for index, party in enumerate(parties):
        if isinstance(party, dict) and isinstance(party.get("key"), str):
            key = party["key"]
            if key in keys:
                duplicates.append((("parties", index, "key"), f"party key '{key}' is used twice; keys must be unique"))
            keys.add(key)
    return keys, duplicates


def validate_answers(
    data: Any, located: LocatedData | None = None, source: str = "answers", *, check_references: bool = True,
    interview: Interview | None = None,
) -> Answers:
    """Validate plain data as answers, reporting every problem at once.

    `check_references=False` leaves unknown party keys and share totals to the
    health check, which reports them as findings instead of refusing the file.
    `extra` is typed by the questions of `interview`, which the caller hands
    in (`interview.load_interview(layers)`), so this model knows nothing of
    question files; without one, as with the built-in interview, no `extra`
    answer is declared.
    """
    def line(path: PathKey) -> int | None:
        return located.line_of(path) if located else None

    if data is None:
        raise AnswersError(source, [Problem("", "the file is empty; see `agreementkit schema` or examples/", 1)])
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise AnswersError(source, [Problem("", f"expected a mapping of sections (agreement:, parties:, ...), found a {kind}", line(()))])

    found: list[tuple[PathKey, str]] = []
    found.extend(_control_characters(data))
    keys, duplicates = _declared_party_keys(data)
    found.extend(duplicates)
    context = {"party_keys": keys if check_references else None, "check_references": check_references}
    model: Answers | None = None
    try:
        # `extra` is judged below, against the declared questions.
        model = Answers.model_validate({**data, "extra": {}}, context=context)
    except ValidationError as exc:
        names = _all_field_names()
        for error in exc.errors():
            found.append((user_path(error["loc"]), describe_error(error, names)))
    if model is not None:
        found.extend(cross_field_problems(data))
    recorded = data.get("libraries") if isinstance(data.get("libraries"), list) else None
    layers = [str(p) for p in recorded] if recorded else None
    if interview is not None:
        extra, extra_problems = interview.validate_extra(data.get("extra"), keys if check_references else None, layers, answers=data)
    else:
        extra, extra_problems = {}, _undeclared_extra(data.get("extra"), layers)
    found.extend(extra_problems)
    if interview is not None:
        # A question's `validate:` judges answers files as the interview judges a typed answer; an answer
        # already refused (or inside one refused) is not judged twice.
        refused = [path for path, _ in found]
        found.extend((path, message) for path, message in interview.validate_answers(data, dict(extra))
                     if not any(path[:len(r)] == r or r[:len(path)] == path for r in refused))
    if found:
        unique = list(dict.fromkeys(found))
        problems = [Problem(format_path(path), message, line(path)) for path, message in unique]
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise AnswersError(source, problems)
    assert model is not None
    return model.model_copy(update={"extra": extra})


def undeclared_extra(name: str, recorded_layers: list[str] | None) -> str:
    """Why an `extra` answer no loaded layer declares is refused, with the way to load it."""
    hint = "did you mean to pass --library?"
    if recorded_layers:
        hint = f"this file was made with --library {' --library '.join(recorded_layers)}; pass it again"
    return f"'{name}' is declared by no loaded layer: {hint}"


def _undeclared_extra(extra: Any, recorded_layers: list[str] | None) -> list[tuple[PathKey, str]]:
    if not extra:
        return []
    if not isinstance(extra, dict):
        return [(("extra",), f"expected a mapping of answers, found {extra!r}")]
    return [(("extra", str(name)), undeclared_extra(str(name), recorded_layers)) for name in extra]


def user_path(loc: tuple[str | int, ...]) -> PathKey:
    """pydantic's error location without the steps the user's file does not have."""
    return tuple(part for part in loc if not _is_union_tag(part))


def _is_union_tag(part: str | int) -> bool:
    # pydantic names the union member it tried (`int`, `function-after[...]`);
    # the user's path has no such step.
    return isinstance(part, str) and (
        part in ("int", "str", "date", "decimal", "bool", "none") or "[" in part or part.startswith("constrained")
    )


def load_answers(path: str | Path, *, check_references: bool = True, interview: Interview | None = None) -> Answers:
    """Read and validate an answers file (its `extra` against `interview`'s questions)."""
    path = Path(path)
    source = str(path)
    try:
        located = parse_yaml(read_text(path, "answers"), source)
    except InvalidInputError as exc:
        raise AnswersError(exc.source, exc.problems) from None
    return validate_answers(located.data, located, source, check_references=check_references, interview=interview)


def _yaml_plain(value: Any) -> Any:
    """Model values as a person writes them in YAML: 250000 rather than '250000', dates as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _yaml_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_yaml_plain(v) for v in value]
    return value


def answers_to_yaml(answers: Answers) -> str:
    """Answers as an answers file, with defaults left out so it stays short."""
    import yaml

    data = _yaml_plain(answers.model_dump(exclude_defaults=True))
    if "extra" in data:
        data["extra"] = {k: v for k, v in data["extra"].items() if v is not None} or None
        if data["extra"] is None:
            del data["extra"]
    data = {"format": FORMAT_VERSION, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
