"""The built-in health-check rules, one per check in PRACTICE.md.

Each yields (path, finding, why, suggestion). Findings name the objective,
party or step in the user's own words, so they read as an advisor's notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..answers import Answers, DecisionRule
from ..dates import term_months
from .findings import rule

Out = Iterator[tuple[str, str, str, str]]

# Parts of one state share a country: a cross-border point is about countries.
_UK = {"england and wales", "england", "wales", "scotland", "northern ireland", "united kingdom", "uk"}
_STOPWORDS = {
    "the", "and", "for", "with", "than", "that", "this", "from", "into", "each", "more", "less", "fewer",
    "by", "of", "at", "to", "in", "on", "is", "are", "be", "not", "any", "all", "its", "their", "per",
}


def country_of(jurisdiction: str) -> str:
    """The country of a jurisdiction as users write it: `Scotland` -> united kingdom."""
    text = jurisdiction.strip().lower()
    text = text.rsplit(",", 1)[-1].strip() if "," in text else text
    text = text.removeprefix("the ")
    return "united kingdom" if text in _UK else text


def _name(answers: Answers, key: str | None) -> str:
    for party in answers.parties:
        if party.key == key:
            return party.label
    return str(key)


@rule("objective-measurable", "warning", "Every objective has a KPI, a target and a due date.")
def objective_measurable(answers: Answers) -> Out:
    for index, objective in enumerate(answers.objectives):
        missing = [name for name, value in (("a KPI", objective.kpi), ("a target", objective.target), ("a due date", objective.due)) if not value]
        if missing:
            field = {"a KPI": "kpi", "a target": "target", "a due date": "due"}[missing[0]]
            yield (
                f"objectives[{index}].{field}",
                f"Objective '{objective.title}' has no {' and no '.join(m.removeprefix('a ') for m in missing)}.",
                "Without a measure, a target and a date nobody can tell whether the partnership delivers on it.",
                f"Add {', '.join(missing)} to '{objective.title}'.",
            )


@rule("objective-owner", "warning", "Every objective has an owner party.")
def objective_owner(answers: Answers) -> Out:
    for index, objective in enumerate(answers.objectives):
        if not objective.owner:
            yield (
                f"objectives[{index}].owner",
                f"Objective '{objective.title}' has no owner.",
                "An objective that belongs to every party belongs to none: nobody chases it between reviews.",
                f"Name the party that leads '{objective.title}' (owner: <party key>).",
            )


@rule("party-idle", "warning", "Every party has a responsibility and contributes something.")
def party_idle(answers: Answers) -> Out:
    for index, party in enumerate(answers.parties):
        duties = [r for r in answers.responsibilities if r.party == party.key]
        contributes = any(r.party == party.key for r in answers.resources)
        gaps = []
        if not duties:
            gaps.append("no responsibility")
        if not contributes:
            gaps.append("no contribution")
        if gaps:
            yield (
                f"parties[{index}]",
                f"{party.name} has {' and '.join(gaps)}.",
                "Each partner should bring something the others lack and own part of the work; "
                "an idle party makes the mutual benefit unclear.",
                f"Give {party.label} a role with duties under responsibilities, and list what it puts in under resources.",
            )


@rule("party-manager", "advice", "Every party names a day-to-day partnership manager.")
def party_manager(answers: Answers) -> Out:
    for index, party in enumerate(answers.parties):
        if party.manager is None:
            yield (
                f"parties[{index}].manager",
                f"{party.name} names no partnership manager.",
                "Partnerships are kept alive between meetings by named people who talk to each other.",
                f"Add manager: {{name, email}} for {party.label}.",
            )


@rule("notice-address", "warning", "Every party can receive notices: it has an address or a manager's email.")
def notice_address(answers: Answers) -> Out:
    for index, party in enumerate(answers.parties):
        if not party.address and not (party.manager and party.manager.email):
            yield (
                f"parties[{index}].address",
                f"{party.name} has neither an address nor a partnership manager's email.",
                "Notices (ending the partnership, raising a dispute) must go somewhere; with neither, the other parties cannot "
                "serve one and the document has to fall back on an address to be given later.",
                f"Give {party.label}'s registered address, or its partnership manager's email.",
            )


@rule("cost-shares-total", "error", "Shared costs name known parties and total 100%.")
def cost_shares_total(answers: Answers) -> Out:
    costs = answers.costs
    if costs.model != "shared":
        return
    shares = costs.shares or {}
    if not shares:
        yield ("costs.shares", "Costs are shared but no shares are given.",
               "Without agreed proportions every shared invoice becomes a negotiation.",
               "Add shares: the percentage of shared costs each party bears, totalling 100.")
        return
    total = sum(shares.values(), Decimal(0))
    if total != 100:
        yield ("costs.shares", f"The cost shares total {total:g}%, not 100%.",
               "Shares that do not add up leave part of every shared cost unallocated, or over-allocated.",
               "Adjust the percentages so that they total exactly 100.")
    keys = {p.key for p in answers.parties}
    for key in shares:
        if key not in keys:
            yield (f"costs.shares.{key}", f"A cost share is given for '{key}', which is not a party.",
                   "A share for an unknown party cannot be charged to anyone.",
                   f"Use one of the party keys: {', '.join(sorted(keys))}.")


def _references(answers: Answers) -> Iterator[tuple[str, str | None]]:
    for i, objective in enumerate(answers.objectives):
        yield f"objectives[{i}].owner", objective.owner
    for i, responsibility in enumerate(answers.responsibilities):
        yield f"responsibilities[{i}].party", responsibility.party
    for i, resource in enumerate(answers.resources):
        yield f"resources[{i}].party", resource.party
    yield "governance.lead_party", answers.governance.lead_party
    for key in answers.governance.weights or {}:
        yield f"governance.weights.{key}", key
    yield "review.kpi_report_by", answers.review.kpi_report_by
    yield "intellectual_property.owner", answers.intellectual_property.owner
    yield "intellectual_property.joint_manager", answers.intellectual_property.joint_manager
    for key in answers.liability.caps or {}:
        yield f"liability.caps.{key}", key
    if answers.commercial is not None:
        yield "commercial.contracting_party", answers.commercial.contracting_party
        for key in answers.commercial.revenue_shares or {}:
            yield f"commercial.revenue_shares.{key}", key
    for name in ("controller", "processor", "contact"):
        yield f"data_protection.{name}", getattr(answers.data_protection, name)


@rule("unknown-party", "error", "Every party key used in the answers is one of the parties.")
def unknown_party(answers: Answers) -> Out:
    keys = {p.key for p in answers.parties}
    for path, key in _references(answers):
        if key is not None and key not in keys:
            yield (path, f"'{key}' is not one of the parties.",
                   "A duty, objective or decision given to an unknown party is given to nobody.",
                   f"Use one of the party keys: {', '.join(sorted(keys))}.")


@rule("deadlock-risk", "warning", "A decision rule that can stall has a deadlock mechanism.")
def deadlock_risk(answers: Answers) -> Out:
    governance = answers.governance
    if governance.deadlock is not None:
        return
    parties = len(answers.parties)
    members = parties * governance.representatives_per_party
    rule_name = governance.decision_rule
    if rule_name in (DecisionRule.unanimous, DecisionRule.consensus) and parties >= 4:
        yield ("governance.deadlock",
               f"The {governance.body} needs {rule_name.value} among {parties} parties and has no deadlock mechanism.",
               "With four or more parties, any one of them can stall a decision indefinitely.",
               "Set governance.deadlock to escalate, chair_casting_vote or mediation.")
    elif rule_name == DecisionRule.majority and members % 2 == 0:
        yield ("governance.deadlock",
               f"The {governance.body} has {members} members deciding by majority and no deadlock mechanism.",
               "An even-sized body can split evenly, and then nothing is decided.",
               "Set governance.deadlock, or change the number of representatives so the body is odd-sized.")


@rule("control-mismatch", "advice", "A party that decides alone also carries a fair part of the costs.")
def control_mismatch(answers: Answers) -> Out:
    governance = answers.governance
    if governance.decision_rule != DecisionRule.lead_party or governance.lead_party is None:
        return
    lead = governance.lead_party
    if answers.costs.model == "shared" and answers.costs.shares:
        own = answers.costs.shares.get(lead, Decimal(0))
        others = sum(answers.costs.shares.values(), Decimal(0)) - own
        measure = "of the shared costs"
    else:
        values = [(r.party, r.value) for r in answers.resources if r.value is not None]
        own = sum((v for p, v in values if p == lead), Decimal(0))
        others = sum((v for p, v in values if p != lead), Decimal(0))
        measure = "of the resources"
    if others > own:
        yield ("governance.decision_rule",
               f"{_name(answers, lead)} decides alone while the other parties carry most {measure}.",
               "Partners who pay for decisions they cannot influence tend to disengage.",
               "Add the costly decisions to reserved_matters, or choose a shared decision rule.")


@rule("ladder-open", "warning", "The dispute ladder starts with talking and has time limits.")
def ladder_open(answers: Answers) -> Out:
    disputes = answers.disputes
    steps = [s.value for s in disputes.steps]
    if steps[0] not in ("negotiation", "escalation"):
        yield ("disputes.steps",
               f"The dispute ladder starts with {steps[0]}, not with the parties talking to each other.",
               "Most disagreements are settled cheaply by the people involved if they are asked to talk first.",
               "Put negotiation (and escalation) before any third party in disputes.steps.")
    # The talking steps are the ones the parties control, so they carry the
    # deadlines; a mediator or tribunal sets its own timetable.
    limits = {"negotiation": "negotiation_days", "escalation": "escalation_days"}
    for step in steps:
        field = limits.get(step)
        if field and getattr(disputes, field) is None:
            yield (f"disputes.{field}",
                   f"The {step} step has no time limit.",
                   "A step without a deadline lets a dispute stall the partnership instead of moving up the ladder.",
                   f"Set disputes.{field} (for example 15 or 30 days).")


@rule("ladder-cross-border", "advice", "Cross-border partnerships end their ladder in arbitration rather than one party's courts.")
def ladder_cross_border(answers: Answers) -> Out:
    countries = {country_of(p.jurisdiction) for p in answers.parties}
    steps = [s.value for s in answers.disputes.steps]
    if len(countries) > 1 and "courts" in steps:
        forum = answers.disputes.courts or f"the courts of {answers.agreement.governing_law}"
        yield ("disputes.steps",
               f"Parties from {len(countries)} countries would settle disputes before {forum}.",
               "One party's home courts favour it in practice, and their judgments may be hard to enforce abroad; "
               "arbitral awards are enforceable in most countries.",
               "Consider arbitration, at a neutral seat, as the final step.")


@rule("review-late", "warning", "The first review comes before the first objective falls due.")
def review_late(answers: Answers) -> Out:
    dues = [(o.due, o.title) for o in answers.objectives if o.due]
    if not dues:
        return
    earliest, title = min(dues)
    first = answers.review.first_review
    if first is None:
        yield ("review.first_review", "No date is set for the first review.",
               "Without a first date the review cadence never starts.",
               f"Set review.first_review before {earliest.isoformat()}, when '{title}' falls due.")
    elif first > earliest:
        yield ("review.first_review",
               f"The first review ({first.isoformat()}) comes after '{title}' is due ({earliest.isoformat()}).",
               "A review after the deadline can only record a miss; one before it can still change course.",
               f"Move review.first_review before {earliest.isoformat()}.")


@rule("objective-after-term", "warning", "Every objective falls due within the term.")
def objective_after_term(answers: Answers) -> Out:
    end = answers.agreement.end
    for index, objective in enumerate(answers.objectives):
        if objective.due and objective.due > end:
            yield (f"objectives[{index}].due",
                   f"'{objective.title}' is due ({objective.due.isoformat()}) after the term ends ({end.isoformat()}).",
                   "An objective due after the partnership ends can never be reviewed or acted on under it.",
                   f"Bring the due date within the term, or extend the term past {objective.due.isoformat()}.")


@rule("resource-ends-early", "warning", "A resource committed for a period lasts until the objectives its party owns are due.")
def resource_ends_early(answers: Answers) -> Out:
    for index, resource in enumerate(answers.resources):
        if resource.until is None:
            continue
        late = [o for o in answers.objectives if o.owner == resource.party and o.due and o.due > resource.until]
        if late:
            latest = max(late, key=lambda o: o.due)  # type: ignore[arg-type, return-value]
            yield (f"resources[{index}].until",
                   f"{_name(answers, resource.party)}'s '{resource.description}' ends on {resource.until.isoformat()}, before "
                   f"'{latest.title}', which it owns, is due ({latest.due.isoformat() if latest.due else ''}).",
                   "A party that loses its resources before its objective is due will miss it.",
                   f"Extend the resource to {latest.due.isoformat() if latest.due else 'the due date'}, or move the objective earlier.")


@rule("reserved-none", "advice", "When a majority or one party decides, some matters still need everyone's consent.")
def reserved_none(answers: Answers) -> Out:
    rule_ = answers.governance.decision_rule
    if rule_ in (DecisionRule.majority, DecisionRule.lead_party, DecisionRule.weighted) and not answers.governance.reserved_matters:
        yield ("governance.reserved_matters",
               f"Decisions are taken by {rule_.value.replace('_', ' ')} and no matter is reserved to every party.",
               "Without reserved matters a majority (or one party) can change the purpose, admit a party or commit the others' money.",
               "List reserved_matters, for example admitting a new party, changing a contribution and spending above a limit.")


@rule("shared-costs-uncapped", "warning", "Shared costs that a decision without every party's vote can commit have a cap.")
def shared_costs_uncapped(answers: Answers) -> Out:
    # Only a binding agreement lets a decision commit spending: in an MOU every Shared Cost
    # needs the written approval of each Party that pays a share (clause costs.shared), so
    # there is nothing for a cap to limit there and the clause prints none.
    costs = answers.costs
    rule_ = answers.governance.decision_rule
    if answers.agreement.binding and costs.model == "shared" and costs.cap is None and rule_ != DecisionRule.unanimous:
        how = "silence counts as consent" if rule_ == DecisionRule.consensus else f"decisions are taken by {rule_.value.replace('_', ' ')}"
        yield ("costs.cap",
               f"Shared costs have no cap, and {how}.",
               "A party can be committed to spending it never voted for, with no upper limit.",
               "Set costs.cap and costs.currency: spending above the cap then needs every party's agreement.")


@rule("currency-mixed", "warning", "Shared costs among contributions in several currencies say which currency they are kept in.")
def currency_mixed(answers: Answers) -> Out:
    currencies = sorted({r.currency for r in answers.resources if r.currency})
    if answers.costs.model == "shared" and len(currencies) > 1 and answers.costs.currency is None:
        yield ("costs.currency",
               f"Costs are shared while contributions are valued in {', '.join(currencies)}, and no currency is stated for the Shared Costs.",
               "Shares of costs in several currencies move with exchange rates: each party's real share is uncertain.",
               f"Set costs.currency (for example {currencies[0]}), with a cap if there is one.")


@rule("review-annual", "advice", "A partnership of more than a year has an annual strategic review.")
def review_annual(answers: Answers) -> Out:
    agreement = answers.agreement
    months = agreement.term_months or term_months(agreement.effective_date, agreement.end)
    if months > 12 and not answers.review.annual_strategic_review:
        yield ("review.annual_strategic_review",
               f"The partnership runs for {months} months with no annual strategic review.",
               "Operational reviews check progress; only a strategic review asks whether the partnership still suits each party.",
               "Set review.annual_strategic_review: true.")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9%]+", text.lower()) if len(w) > 2 and w not in _STOPWORDS}


@rule("exit-triggers", "advice", "At least one exit trigger is tied to a KPI.")
def exit_triggers(answers: Answers) -> Out:
    triggers = answers.termination.exit_triggers
    measures: set[str] = set()
    for objective in answers.objectives:
        measures |= _words(" ".join(filter(None, [objective.kpi, objective.title])))
    if not triggers:
        yield ("termination.exit_triggers", "No exit triggers are set.",
               "Partners should know in advance what result would make them stop or rethink, "
               "rather than let a failing partnership drift.",
               "Add exit_triggers tied to the KPIs, for example a KPI below a threshold at a given review.")
    elif not any(_words(t) & measures for t in triggers):
        yield ("termination.exit_triggers", "None of the exit triggers refers to a KPI or objective.",
               "A trigger that is not measured by a KPI will be argued about instead of acted on.",
               "Word at least one trigger in terms of an objective's KPI and target.")


@rule("autonomy-none", "advice", "The matters each party decides alone are listed.")
def autonomy_none(answers: Answers) -> Out:
    if not answers.governance.independent_matters:
        yield ("governance.independent_matters", "No matters are listed that each party decides alone.",
               "Saying what stays with each party speeds decisions and keeps the joint body from drifting into them.",
               "List governance.independent_matters, for example each party's own pricing and hiring.")


@rule("cross-sector-values", "advice", "A cross-sector partnership states its shared values.")
def cross_sector_values(answers: Answers) -> Out:
    kinds = {p.kind.value for p in answers.parties}
    public = kinds & {"nonprofit", "university", "government"}
    if "company" in kinds and public and not answers.values:
        kind = sorted(public)[0]
        yield ("values",
               f"A company is partnering with a {kind} and no shared values are stated.",
               "Companies and public-interest bodies answer to different stakeholders; saying which values "
               "both uphold prevents later conflicts over reputation and mission.",
               "Add values: the principles the parties commit to (for example openness, data ethics, public benefit).")


@rule("cross-border-language", "advice", "Parties in different countries say which language prevails.")
def cross_border_language(answers: Answers) -> Out:
    countries = sorted({country_of(p.jurisdiction) for p in answers.parties})
    if len(countries) > 1 and not answers.agreement.language:
        yield ("agreement.language",
               f"The parties are in {len(countries)} countries and no prevailing language is set.",
               "Translations drift; when they disagree, one text must decide.",
               "Set agreement.language, for example English.")


@rule("party-unincorporated", "warning", "Every party to a binding agreement can contract in its own name.")
def party_unincorporated(answers: Answers) -> Out:
    if not answers.agreement.binding:
        return
    for index, party in enumerate(answers.parties):
        if party.legal_form is not None and party.legal_form.value == "unincorporated_association":
            yield (f"parties[{index}].legal_form",
                   f"{party.label} is an unincorporated association, a party to a binding agreement.",
                   "An unincorporated association has no legal personality: it cannot contract in its own name, "
                   "so the agreement may bind only the individuals who sign.",
                   f"Make the party the association's trustees or officers by name, or a body {party.label} incorporates.")


@rule("legal-form-missing", "advice", "Every party to a binding agreement states its legal form.")
def legal_form_missing(answers: Answers) -> Out:
    if not answers.agreement.binding:
        return
    for index, party in enumerate(answers.parties):
        if party.legal_form is None:
            yield (f"parties[{index}].legal_form",
                   f"{party.label}'s legal form is not stated.",
                   "The signature block should say exactly which legal person is bound, and its form decides who may sign.",
                   "Set legal_form (for example private_company, public_company, llp, charity or public_body).")


@rule("liability-cap-unset", "warning", "In a binding agreement every party's liability cap is an amount.")
def liability_cap_unset(answers: Answers) -> Out:
    from ..assembly.liability import liability_caps

    if not answers.agreement.binding:
        return
    caps = liability_caps(answers)
    for index, party in enumerate(answers.parties):
        if not caps[party.key]:
            yield ("liability.cap",
                   f"{party.label} has no liability cap: it states no valued contribution and no cap is given.",
                   "Without an amount the liability clause cannot cap that party, so its liability is unlimited.",
                   "Set liability.cap (one amount for every party) or liability.caps, with liability.currency.")


@rule("processor-details", "warning", "When one party processes personal data for another, the data and whose it is are listed.")
def processor_details(answers: Answers) -> Out:
    data = answers.data_protection
    if data.roles == "processor" and (not data.data or not data.subjects):
        missing = " and ".join(n for n, v in (("the types of personal data", data.data), ("whose data it is", data.subjects)) if not v)
        yield ("data_protection.data" if not data.data else "data_protection.subjects",
               f"{_name(answers, data.processor)} processes personal data for {_name(answers, data.controller)}, "
               f"but the answers do not list {missing}.",
               "Data protection law requires processor terms to set out the types of personal data and the categories of people concerned.",
               "List data_protection.data and data_protection.subjects.")
