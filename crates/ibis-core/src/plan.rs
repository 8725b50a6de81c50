//! The person-centred support plan (atbalsta plāns): the person's own goals and needs, the
//! services planned with the providers the person chose and who pays for them, the tasks of
//! the planning region, the municipality and the family, signatures, and the plan's states.
//!
//! Indices in field paths (`lines[2].provider_id`) count from 0, as in the JSON arrays.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::catalogue::Unit;
use crate::field::FieldError;
use crate::money::{line_amount, Money, Quantity, UnitPrice};
use crate::period::Period;
use crate::policy::{CapSpan, Policy};
use crate::registry::{coded, date_field, optional_text, required_text};

crate::coded_enum!(
    /// The state of a plan version.
    PlanState, "state", {
        /// Being prepared; may be edited and signed.
        Draft = "draft",
        /// Signed by the person or their representative, not yet in force.
        Agreed = "agreed",
        /// In force: services are delivered and paid against it.
        Active = "active",
        /// Under review (reassessment); services continue.
        InReview = "in-review",
        /// Ended (or a draft withdrawn).
        Closed = "closed",
    }
);

impl PlanState {
    /// Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            PlanState::Draft => "melnraksts",
            PlanState::Agreed => "saskaņots",
            PlanState::Active => "spēkā",
            PlanState::InReview => "tiek pārskatīts",
            PlanState::Closed => "slēgts",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Agreed => "agreed",
            PlanState::Active => "active",
            PlanState::InReview => "in review",
            PlanState::Closed => "closed",
        }
    }

    /// The states a plan may move to from this one.
    pub fn next_states(self) -> &'static [PlanState] {
        match self {
            PlanState::Draft => &[PlanState::Agreed, PlanState::Closed],
            PlanState::Agreed => &[PlanState::Active, PlanState::Draft],
            PlanState::Active => &[PlanState::InReview, PlanState::Closed],
            PlanState::InReview => &[PlanState::Active, PlanState::Closed],
            PlanState::Closed => &[],
        }
    }
}

/// Whether a plan may move from `from` to `to`: draft→agreed, agreed→active, active→in-review,
/// in-review→active, in-review→closed, active→closed, draft→closed (a withdrawn draft) and
/// agreed→draft (reopened before it is in force). Anything else is refused, naming both states.
pub fn transition(from: PlanState, to: PlanState) -> Result<(), String> {
    if from.next_states().contains(&to) {
        return Ok(());
    }
    let allowed = from.next_states();
    Err(format!(
        "a plan cannot go from {from} to {to}; from {from} it may go to {}",
        if allowed.is_empty() {
            "no other state (a closed plan stays closed)".to_owned()
        } else {
            allowed
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(", ")
        }
    ))
}

crate::coded_enum!(
    /// Whether the person gets a planned service (seed 000: received / known but not received /
    /// needed but not available).
    LineStatus, "status", {
        /// The person receives it.
        Received = "received",
        /// It exists but the person does not receive it; the barrier is recorded.
        AvailableNotReceived = "available-not-received",
        /// The person needs it but it is not available (a service gap).
        NeededNotAvailable = "needed-not-available",
    }
);

impl LineStatus {
    /// Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            LineStatus::Received => "saņem",
            LineStatus::AvailableNotReceived => "pieejams, bet nesaņem",
            LineStatus::NeededNotAvailable => "nepieciešams, bet nav pieejams",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            LineStatus::Received => "received",
            LineStatus::AvailableNotReceived => "available but not received",
            LineStatus::NeededNotAvailable => "needed but not available",
        }
    }
}

crate::coded_enum!(
    /// Who pays for a plan line.
    FundingSource, "funding", {
        /// The person's individual budget.
        IndividualBudget = "individual-budget",
        /// The municipality, outside the budget.
        Municipality = "municipality",
        /// The state.
        State = "state",
        /// The family.
        Family = "family",
        /// Another source.
        Other = "other",
    }
);

crate::coded_enum!(
    /// Whether a goal is long- or short-term.
    GoalTerm, "term", {
        /// A long-term goal.
        Long = "long",
        /// A short-term goal.
        Short = "short",
    }
);

crate::coded_enum!(
    /// Who a task of the plan is addressed to (seed 000: the planning region, the municipality,
    /// the legal representatives or foster family).
    TaskOwner, "owner", {
        /// The planning region.
        PlanningRegion = "planning-region",
        /// The municipality.
        Municipality = "municipality",
        /// The family (legal representatives, foster family).
        Family = "family",
    }
);

crate::coded_enum!(
    /// In what capacity someone signs a plan.
    SignerRole, "role", {
        /// The person themself.
        Person = "person",
        /// Their legal representative.
        Representative = "representative",
    }
);

/// A goal as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    /// `long` or `short`.
    pub term: String,
    /// The goal in the person's own words (at most 2000 characters).
    pub text: String,
}

/// A plan line as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanLineInput {
    /// Service type code.
    pub service: String,
    /// Units a month, as a decimal string (`7.5`).
    pub quantity_per_month: String,
    /// The provider the person chose; none for a service needed but not available, or where
    /// the tariff price applies.
    #[serde(default)]
    pub provider_id: Option<i64>,
    /// `individual-budget`, `municipality`, `state`, `family` or `other`.
    pub funding: String,
    /// `received`, `available-not-received` or `needed-not-available`.
    pub status: String,
    /// What stands in the way (required for `available-not-received`).
    #[serde(default)]
    pub barrier: Option<String>,
}

/// A task as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// `planning-region`, `municipality` or `family`.
    pub owner: String,
    /// What is to be done.
    pub text: String,
    /// By when, YYYY-MM-DD (on or after the plan's start).
    pub due_on: String,
}

/// A support plan as submitted, not yet checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// First day, YYYY-MM-DD.
    pub period_from: String,
    /// First day after the plan, YYYY-MM-DD (the period is half-open).
    pub period_to: String,
    /// The person's goals, at least one.
    #[serde(default)]
    pub goals: Vec<GoalInput>,
    /// The person's needs, described.
    #[serde(default)]
    pub needs: String,
    /// The planned services.
    #[serde(default)]
    pub lines: Vec<PlanLineInput>,
    /// Tasks for the planning region, the municipality and the family.
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
}

/// A goal of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// Long- or short-term.
    pub term: GoalTerm,
    /// In the person's own words.
    pub text: String,
}

/// A planned service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    /// Service type code.
    pub service: String,
    /// Its name (from the catalogue, as given in the context).
    pub service_name: String,
    /// Its unit.
    pub unit: Unit,
    /// Units a month.
    pub quantity_per_month: Quantity,
    /// The provider the person chose.
    pub provider_id: Option<i64>,
    /// Who pays.
    pub funding: FundingSource,
    /// Whether it is received.
    pub status: LineStatus,
    /// What stands in the way.
    pub barrier: Option<String>,
}

impl PlanLine {
    /// Whether the line is paid from the individual budget: funded by it and received or
    /// available (a service needed but not available costs nothing).
    pub fn counts_against_budget(&self) -> bool {
        self.funding == FundingSource::IndividualBudget
            && self.status != LineStatus::NeededNotAvailable
    }
}

/// A task of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Whose task it is.
    pub owner: TaskOwner,
    /// What is to be done.
    pub text: String,
    /// By when.
    pub due_on: Date,
}

/// A support plan, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The plan's period, half-open, within the budget period.
    pub period: Period,
    /// The person's goals.
    pub goals: Vec<Goal>,
    /// The person's needs.
    pub needs: String,
    /// The planned services.
    pub lines: Vec<PlanLine>,
    /// The tasks.
    pub tasks: Vec<Task>,
}

/// What is known about a provider the person may choose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderFacts {
    /// Whether it serves the person's municipality.
    pub serves_person_municipality: bool,
    /// The services it offers, with the price in force on the plan's start.
    pub offers: BTreeMap<String, UnitPrice>,
}

/// What a plan is checked against: the decided budget, the policy's caps, the catalogue, the
/// providers and the tariff.
#[derive(Debug, Clone)]
pub struct PlanContext<'a> {
    /// The budget decision's period.
    pub budget_period: Period,
    /// The decided amount a month.
    pub monthly_budget: Money,
    /// The level the budget was decided at (for the policy's caps).
    pub level: String,
    /// The policy the budget was computed with.
    pub policy: &'a Policy,
    /// The catalogue: service code -> (unit, name).
    pub services: BTreeMap<String, (Unit, String)>,
    /// The providers the person may choose, by id.
    pub providers: BTreeMap<i64, ProviderFacts>,
    /// Tariff prices on the plan's start, used for a line without a provider.
    pub tariff_prices: BTreeMap<String, UnitPrice>,
}

impl PlanContext<'_> {
    /// The unit price of a line: the chosen provider's offer, or the tariff price when no
    /// provider is chosen; `None` if there is none.
    pub fn price_of(&self, line: &PlanLine) -> Option<UnitPrice> {
        match line.provider_id {
            Some(id) => self
                .providers
                .get(&id)
                .and_then(|p| p.offers.get(&line.service))
                .copied(),
            None => self.tariff_prices.get(&line.service).copied(),
        }
    }
}

/// What the plan costs the budget a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanCost {
    /// Each line paid from the budget, by index, with its monthly amount (price × quantity,
    /// rounded once).
    pub lines: Vec<(usize, Money)>,
    /// The sum of the lines.
    pub total: Money,
    /// The monthly budget.
    pub budget: Money,
    /// How much the total exceeds the budget, if it does.
    pub overage: Option<Money>,
    /// Lines paid from the budget for which no price is known (not counted in `total`).
    pub unpriced: Vec<usize>,
}

fn lines_cost(lines: &[PlanLine], ctx: &PlanContext<'_>) -> PlanCost {
    let mut costed = Vec::new();
    let mut unpriced = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.counts_against_budget() {
            continue;
        }
        match ctx.price_of(l) {
            Some(price) => costed.push((i, line_amount(price, l.quantity_per_month))),
            None => unpriced.push(i),
        }
    }
    let total: Money = costed.iter().map(|(_, m)| *m).sum();
    PlanCost {
        lines: costed,
        total,
        budget: ctx.monthly_budget,
        overage: (total > ctx.monthly_budget).then(|| total - ctx.monthly_budget),
        unpriced,
    }
}

/// The monthly cost of a plan to the budget: the lines funded by the individual budget and
/// received or available, each at the chosen provider's price (or the tariff price without a
/// provider).
pub fn cost(plan: &Plan, ctx: &PlanContext<'_>) -> PlanCost {
    lines_cost(&plan.lines, ctx)
}

fn last_day(p: &Period) -> String {
    match p.to.and_then(|t| t.previous_day()) {
        Some(l) => format!("{} to {l}", p.from),
        None => format!("{} on", p.from),
    }
}

fn span_word(per: CapSpan) -> &'static str {
    match per {
        CapSpan::Month => "month",
        CapSpan::Year => "year",
    }
}

impl PlanInput {
    /// Checks the plan against its context, reporting every problem with its field: the period
    /// within the budget period, at least one goal, each line's service, quantity, provider,
    /// funding, status and barrier, task dates, the policy's caps at the budget's level, and
    /// the cost against the monthly budget (with each line's cost and the overage).
    pub fn check(&self, ctx: &PlanContext<'_>) -> Result<Plan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let from = date_field("period_from", &self.period_from, &mut errors);
        let to = date_field("period_to", &self.period_to, &mut errors);
        let period = match (from, to) {
            (Some(f), Some(t)) => match Period::new(f, t) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(FieldError::new(
                        "period_to",
                        format!("{t} must be after period_from {f}"),
                    ));
                    None
                }
            },
            _ => None,
        };
        if let Some(p) = period {
            let bp = ctx.budget_period;
            if !bp.contains(p.from) {
                errors.push(FieldError::new(
                    "period_from",
                    format!(
                        "{} is outside the budget period ({}); the plan must lie within it",
                        p.from,
                        last_day(&bp)
                    ),
                ));
            }
            if let (Some(bt), Some(pt)) = (bp.to, p.to) {
                if pt > bt {
                    errors.push(FieldError::new(
                        "period_to",
                        format!(
                            "{pt} is after the end of the budget period ({}); the plan must lie within it",
                            last_day(&bp)
                        ),
                    ));
                }
            }
        }

        let needs = required_text("needs", &self.needs, 4000, &mut errors);

        if self.goals.is_empty() {
            errors.push(FieldError::new(
                "goals",
                "at least one goal is required, in the person's own words",
            ));
        }
        let mut goals = Vec::new();
        for (i, g) in self.goals.iter().enumerate() {
            let term = coded::<GoalTerm>(&format!("goals[{i}].term"), &g.term, &mut errors);
            let text = required_text(&format!("goals[{i}].text"), &g.text, 2000, &mut errors);
            if let Some(term) = term {
                goals.push(Goal { term, text });
            }
        }

        let mut lines = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let f = |name: &str| format!("lines[{i}].{name}");
            let service = l.service.trim();
            let known = ctx.services.get(service);
            if known.is_none() {
                errors.push(FieldError::new(
                    f("service"),
                    if service.is_empty() {
                        "is required".to_owned()
                    } else {
                        format!("\"{service}\" is not a service of the catalogue")
                    },
                ));
            }
            let quantity = match l.quantity_per_month.parse::<Quantity>() {
                Ok(q) if q == Quantity::ZERO => {
                    errors.push(FieldError::new(
                        f("quantity_per_month"),
                        "must be more than 0",
                    ));
                    None
                }
                Ok(q) => Some(q),
                Err(e) => {
                    errors.push(FieldError::new(f("quantity_per_month"), e.to_string()));
                    None
                }
            };
            let funding = coded::<FundingSource>(&f("funding"), &l.funding, &mut errors);
            let status = coded::<LineStatus>(&f("status"), &l.status, &mut errors);
            let barrier = optional_text(&f("barrier"), l.barrier.as_deref(), 2000, &mut errors);
            if status == Some(LineStatus::AvailableNotReceived) && barrier.is_none() {
                errors.push(FieldError::new(
                    f("barrier"),
                    "is required when the service is available but not received: say what stands in the way",
                ));
            }
            match (l.provider_id, status) {
                (Some(id), Some(LineStatus::NeededNotAvailable)) => {
                    errors.push(FieldError::new(
                        f("provider_id"),
                        format!("a service that is needed but not available has no provider; remove provider {id}"),
                    ));
                }
                (Some(id), _) => match ctx.providers.get(&id) {
                    None => errors.push(FieldError::new(
                        f("provider_id"),
                        format!("provider {id} is not known"),
                    )),
                    Some(p) => {
                        if !p.serves_person_municipality {
                            errors.push(FieldError::new(
                                f("provider_id"),
                                format!("provider {id} does not serve the person's municipality"),
                            ));
                        }
                        if known.is_some() && !p.offers.contains_key(service) {
                            errors.push(FieldError::new(
                                f("provider_id"),
                                format!(
                                    "provider {id} does not offer \"{service}\" on the plan's start"
                                ),
                            ));
                        }
                    }
                },
                (None, _) => {}
            }
            if let (Some((unit, name)), Some(quantity), Some(funding), Some(status)) =
                (known, quantity, funding, status)
            {
                lines.push(PlanLine {
                    service: service.to_owned(),
                    service_name: name.clone(),
                    unit: *unit,
                    quantity_per_month: quantity,
                    provider_id: l.provider_id,
                    funding,
                    status,
                    barrier,
                });
            }
        }

        let mut tasks = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            let owner = coded::<TaskOwner>(&format!("tasks[{i}].owner"), &t.owner, &mut errors);
            let text = required_text(&format!("tasks[{i}].text"), &t.text, 2000, &mut errors);
            let due_on = date_field(&format!("tasks[{i}].due_on"), &t.due_on, &mut errors);
            if let (Some(d), Some(p)) = (due_on, period) {
                if d < p.from {
                    errors.push(FieldError::new(
                        format!("tasks[{i}].due_on"),
                        format!("{d} is before the plan starts on {}", p.from),
                    ));
                }
            }
            if let (Some(owner), Some(due_on)) = (owner, due_on) {
                tasks.push(Task {
                    owner,
                    text,
                    due_on,
                });
            }
        }

        if lines.len() == self.lines.len() {
            check_caps(&lines, ctx, &mut errors);
            let c = lines_cost(&lines, ctx);
            for i in &c.unpriced {
                let l = &lines[*i];
                let field = format!("lines[{i}].provider_id");
                if errors.iter().any(|e| e.field == field) {
                    // Already refused for this provider (e.g. it does not offer the service).
                    continue;
                }
                errors.push(FieldError::new(
                    field,
                    match l.provider_id {
                        Some(id) => format!("provider {id} has no price for \"{}\"", l.service),
                        None => format!(
                            "\"{}\" has no tariff price; choose a provider who offers it",
                            l.service
                        ),
                    },
                ));
            }
            if let Some(over) = c.overage {
                for (i, amount) in &c.lines {
                    errors.push(FieldError::new(
                        format!("lines[{i}].quantity_per_month"),
                        format!("this line costs {amount} EUR a month"),
                    ));
                }
                errors.push(FieldError::new(
                    "lines",
                    format!(
                        "the lines cost {} EUR a month, {over} EUR more than the budget of {} EUR",
                        c.total, c.budget
                    ),
                ));
            }
        }

        match period {
            Some(period) if errors.is_empty() => Ok(Plan {
                period,
                goals,
                needs,
                lines,
                tasks,
            }),
            _ => Err(errors),
        }
    }
}

/// The policy's caps at the budget's level, applied to the planned monthly quantities of the
/// lines paid from the budget.
fn check_caps(lines: &[PlanLine], ctx: &PlanContext<'_>, errors: &mut Vec<FieldError>) {
    for cap in &ctx.policy.caps {
        let idx: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.counts_against_budget() && cap.applies(&l.service, &ctx.level))
            .map(|(i, _)| i)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let planned: Quantity = idx.iter().map(|i| lines[*i].quantity_per_month).sum();
        let allowance = cap.monthly_allowance();
        if planned <= allowance {
            continue;
        }
        let per_month = match cap.per {
            CapSpan::Month => String::new(),
            CapSpan::Year => format!(", {allowance} a month"),
        };
        let together = if idx.len() > 1 {
            format!(
                " (lines {} together)",
                idx.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        for i in &idx {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity_per_month"),
                format!(
                    "{planned} a month of {} is planned{together}, over the cap at level {} of {} a {}{per_month} ({})",
                    cap.services.join(" + "),
                    ctx.level,
                    cap.max,
                    span_word(cap.per),
                    cap.source
                ),
            ));
        }
    }
}

/// A signature on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Who signed.
    pub signer_name: String,
    /// The person or their representative.
    pub role: SignerRole,
    /// When.
    pub signed_on: Date,
}

/// A signature as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// Who signs.
    pub signer_name: String,
    /// `person` or `representative`.
    pub role: String,
    /// When, YYYY-MM-DD (not in the future).
    pub signed_on: String,
}

impl SignatureInput {
    /// Checks every field; a plan cannot be signed in the future.
    pub fn check(&self, today: Date) -> Result<Signature, Vec<FieldError>> {
        let mut errors = Vec::new();
        let signer_name = required_text("signer_name", &self.signer_name, 200, &mut errors);
        let role = coded::<SignerRole>("role", &self.role, &mut errors);
        let signed_on = date_field("signed_on", &self.signed_on, &mut errors);
        if let Some(d) = signed_on.filter(|d| *d > today) {
            errors.push(FieldError::new(
                "signed_on",
                format!("{d} is in the future"),
            ));
        }
        match (role, signed_on) {
            (Some(role), Some(signed_on)) if errors.is_empty() => Ok(Signature {
                signer_name,
                role,
                signed_on,
            }),
            _ => Err(errors),
        }
    }
}

/// Whether `signer_name` may sign a plan in `state` that already carries `existing`
/// signatures: only a draft is signed (signing moves it to `agreed`), and nobody signs the
/// same plan twice (names compared trimmed and case-insensitively).
pub fn can_sign(state: PlanState, existing: &[Signature], signer_name: &str) -> Result<(), String> {
    let name = signer_name.trim().to_lowercase();
    if name.is_empty() {
        return Err("the signer's name is required".to_owned());
    }
    if let Some(s) = existing
        .iter()
        .find(|s| s.signer_name.trim().to_lowercase() == name)
    {
        return Err(format!(
            "{} already signed this plan on {}; signing a plan twice is refused",
            s.signer_name.trim(),
            s.signed_on
        ));
    }
    if state != PlanState::Draft {
        return Err(format!(
            "only a draft plan can be signed; this plan is {state}"
        ));
    }
    Ok(())
}

/// One difference between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The period changed.
    Period {
        /// Before.
        before: Period,
        /// After.
        after: Period,
    },
    /// The description of needs changed.
    Needs {
        /// Before.
        before: String,
        /// After.
        after: String,
    },
    /// A goal was added.
    GoalAdded {
        /// Its index in the newer version.
        index: usize,
        /// The goal.
        goal: Goal,
    },
    /// A goal was removed.
    GoalRemoved {
        /// Its index in the older version.
        index: usize,
        /// The goal.
        goal: Goal,
    },
    /// A goal changed.
    GoalChanged {
        /// Its index in the older version.
        before_index: usize,
        /// Its index in the newer version.
        after_index: usize,
        /// Before.
        before: Goal,
        /// After.
        after: Goal,
        /// The fields that differ.
        fields: Vec<&'static str>,
    },
    /// A line was added.
    LineAdded {
        /// Its index in the newer version.
        index: usize,
        /// The line.
        line: PlanLine,
    },
    /// A line was removed.
    LineRemoved {
        /// Its index in the older version.
        index: usize,
        /// The line.
        line: PlanLine,
    },
    /// A line changed (same service).
    LineChanged {
        /// Its index in the older version.
        before_index: usize,
        /// Its index in the newer version.
        after_index: usize,
        /// Before.
        before: PlanLine,
        /// After.
        after: PlanLine,
        /// The fields that differ.
        fields: Vec<&'static str>,
    },
    /// A task was added.
    TaskAdded {
        /// Its index in the newer version.
        index: usize,
        /// The task.
        task: Task,
    },
    /// A task was removed.
    TaskRemoved {
        /// Its index in the older version.
        index: usize,
        /// The task.
        task: Task,
    },
    /// A task changed (same owner).
    TaskChanged {
        /// Its index in the older version.
        before_index: usize,
        /// Its index in the newer version.
        after_index: usize,
        /// Before.
        before: Task,
        /// After.
        after: Task,
        /// The fields that differ.
        fields: Vec<&'static str>,
    },
}

/// Pairs the items of two lists: equal items first, then items of the same kind in order.
/// Returns the changed pairs, the removed indices of `a` and the added indices of `b`.
fn pair<T: PartialEq>(
    a: &[T],
    b: &[T],
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut used = vec![false; b.len()];
    let mut matched = vec![false; a.len()];
    for (i, x) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|j| !used[*j] && b[*j] == *x) {
            used[j] = true;
            matched[i] = true;
        }
    }
    let mut changed = Vec::new();
    for (i, x) in a.iter().enumerate() {
        if matched[i] {
            continue;
        }
        if let Some(j) = (0..b.len()).find(|j| !used[*j] && same(x, &b[*j])) {
            used[j] = true;
            matched[i] = true;
            changed.push((i, j));
        }
    }
    let removed = (0..a.len()).filter(|i| !matched[*i]).collect();
    let added = (0..b.len()).filter(|j| !used[*j]).collect();
    (changed, removed, added)
}

fn fields_of<const N: usize>(checks: [(&'static str, bool); N]) -> Vec<&'static str> {
    checks
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(f, _)| f)
        .collect()
}

/// The differences from version `a` to version `b` of a plan: period, needs, and the goals,
/// lines and tasks added, removed or changed. Equal items are paired first; then goals of the
/// same term, lines of the same service and tasks of the same owner are paired in order and
/// reported as changed.
pub fn diff(a: &Plan, b: &Plan) -> Vec<Change> {
    let mut out = Vec::new();
    if a.period != b.period {
        out.push(Change::Period {
            before: a.period,
            after: b.period,
        });
    }
    if a.needs != b.needs {
        out.push(Change::Needs {
            before: a.needs.clone(),
            after: b.needs.clone(),
        });
    }

    let (changed, removed, added) = pair(&a.goals, &b.goals, |x, y| x.term == y.term);
    out.extend(removed.into_iter().map(|i| Change::GoalRemoved {
        index: i,
        goal: a.goals[i].clone(),
    }));
    out.extend(changed.into_iter().map(|(i, j)| {
        let (x, y) = (&a.goals[i], &b.goals[j]);
        Change::GoalChanged {
            before_index: i,
            after_index: j,
            before: x.clone(),
            after: y.clone(),
            fields: fields_of([("term", x.term != y.term), ("text", x.text != y.text)]),
        }
    }));
    out.extend(added.into_iter().map(|j| Change::GoalAdded {
        index: j,
        goal: b.goals[j].clone(),
    }));

    let (changed, removed, added) = pair(&a.lines, &b.lines, |x, y| x.service == y.service);
    out.extend(removed.into_iter().map(|i| Change::LineRemoved {
        index: i,
        line: a.lines[i].clone(),
    }));
    out.extend(changed.into_iter().map(|(i, j)| {
        let (x, y) = (&a.lines[i], &b.lines[j]);
        Change::LineChanged {
            before_index: i,
            after_index: j,
            before: x.clone(),
            after: y.clone(),
            fields: fields_of([
                (
                    "quantity_per_month",
                    x.quantity_per_month != y.quantity_per_month,
                ),
                ("provider_id", x.provider_id != y.provider_id),
                ("funding", x.funding != y.funding),
                ("status", x.status != y.status),
                ("barrier", x.barrier != y.barrier),
                ("service_name", x.service_name != y.service_name),
                ("unit", x.unit != y.unit),
            ]),
        }
    }));
    out.extend(added.into_iter().map(|j| Change::LineAdded {
        index: j,
        line: b.lines[j].clone(),
    }));

    let (changed, removed, added) = pair(&a.tasks, &b.tasks, |x, y| x.owner == y.owner);
    out.extend(removed.into_iter().map(|i| Change::TaskRemoved {
        index: i,
        task: a.tasks[i].clone(),
    }));
    out.extend(changed.into_iter().map(|(i, j)| {
        let (x, y) = (&a.tasks[i], &b.tasks[j]);
        Change::TaskChanged {
            before_index: i,
            after_index: j,
            before: x.clone(),
            after: y.clone(),
            fields: fields_of([
                ("owner", x.owner != y.owner),
                ("text", x.text != y.text),
                ("due_on", x.due_on != y.due_on),
            ]),
        }
    }));
    out.extend(added.into_iter().map(|j| Change::TaskAdded {
        index: j,
        task: b.tasks[j].clone(),
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::BudgetGroup;
    use crate::policy::PolicySet;
    use proptest::prelude::*;
    use time::macros::date;

    fn set() -> PolicySet {
        PolicySet::builtin().unwrap()
    }

    fn ctx<'a>(policy: &'a Policy, level: &str, budget: &str) -> PlanContext<'a> {
        let mut services = BTreeMap::new();
        services.insert(
            "support-person".to_owned(),
            (Unit::Hour, "Support person".to_owned()),
        );
        services.insert("respite".to_owned(), (Unit::Day, "Respite".to_owned()));
        services.insert("mentor".to_owned(), (Unit::Hour, "Mentor".to_owned()));
        services.insert("riding".to_owned(), (Unit::Session, "Riding".to_owned()));
        let mut providers = BTreeMap::new();
        providers.insert(
            7,
            ProviderFacts {
                serves_person_municipality: true,
                offers: [
                    ("support-person".to_owned(), "6.00".parse().unwrap()),
                    ("mentor".to_owned(), "5.50".parse().unwrap()),
                ]
                .into(),
            },
        );
        providers.insert(
            8,
            ProviderFacts {
                serves_person_municipality: false,
                offers: [("mentor".to_owned(), "5.00".parse().unwrap())].into(),
            },
        );
        PlanContext {
            budget_period: Period::new(date!(2026 - 03 - 01), date!(2026 - 09 - 01)).unwrap(),
            monthly_budget: budget.parse().unwrap(),
            level: level.to_owned(),
            policy,
            services,
            providers,
            tariff_prices: [
                ("support-person".to_owned(), "5.00".parse().unwrap()),
                ("respite".to_owned(), "14.29".parse().unwrap()),
                ("mentor".to_owned(), "5.00".parse().unwrap()),
            ]
            .into(),
        }
    }

    fn line(service: &str, q: &str) -> PlanLineInput {
        PlanLineInput {
            service: service.into(),
            quantity_per_month: q.into(),
            provider_id: None,
            funding: "individual-budget".into(),
            status: "received".into(),
            barrier: None,
        }
    }

    fn input(lines: Vec<PlanLineInput>) -> PlanInput {
        PlanInput {
            period_from: "2026-03-01".into(),
            period_to: "2026-09-01".into(),
            goals: vec![GoalInput {
                term: "long".into(),
                text: "Es gribu pats izvēlēties, kur dzīvot.".into(),
            }],
            needs: "Atbalsts lēmumu pieņemšanā par naudu un mājokli.".into(),
            lines,
            tasks: vec![TaskInput {
                owner: "municipality".into(),
                text: "Find a second support person".into(),
                due_on: "2026-04-01".into(),
            }],
        }
    }

    fn fields(errs: &[FieldError]) -> Vec<&str> {
        errs.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn transitions() {
        use PlanState::*;
        let allowed = [
            (Draft, Agreed),
            (Agreed, Active),
            (Active, InReview),
            (InReview, Active),
            (InReview, Closed),
            (Active, Closed),
            (Draft, Closed),
            (Agreed, Draft),
        ];
        for a in PlanState::ALL {
            for b in PlanState::ALL {
                assert_eq!(
                    transition(*a, *b).is_ok(),
                    allowed.contains(&(*a, *b)),
                    "{a} -> {b}"
                );
            }
        }
        let e = transition(Draft, Active).unwrap_err();
        assert!(e.contains("from draft to active"), "{e}");
        let e = transition(Closed, Draft).unwrap_err();
        assert!(e.contains("closed") && e.contains("draft"), "{e}");
    }

    #[test]
    fn a_good_plan_passes_and_costs_the_provider_price() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "2", "100.00");
        let mut l = line("support-person", "15");
        l.provider_id = Some(7);
        let plan = input(vec![
            l,
            PlanLineInput {
                status: "needed-not-available".into(),
                ..line("riding", "4")
            },
            PlanLineInput {
                funding: "family".into(),
                ..line("mentor", "40")
            },
        ])
        .check(&c)
        .unwrap();
        let cost = cost(&plan, &c);
        assert_eq!(cost.lines, vec![(0, Money::from_cents(9000))]);
        assert_eq!(cost.total.to_string(), "90.00");
        assert_eq!(cost.overage, None);
        assert_eq!(plan.lines[1].status, LineStatus::NeededNotAvailable);
    }

    #[test]
    fn every_refusal_names_its_field() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "3", "1000.00");
        let mut i = input(vec![
            line("nothing", "1"),
            line("mentor", "0"),
            PlanLineInput {
                provider_id: Some(8),
                status: "available-not-received".into(),
                ..line("mentor", "1")
            },
            PlanLineInput {
                provider_id: Some(7),
                status: "needed-not-available".into(),
                ..line("riding", "1")
            },
            PlanLineInput {
                provider_id: Some(99),
                funding: "lottery".into(),
                status: "maybe".into(),
                ..line("mentor", "x")
            },
            PlanLineInput {
                provider_id: Some(7),
                ..line("respite", "1")
            },
        ]);
        i.period_from = "2026-02-01".into();
        i.period_to = "2026-10-01".into();
        i.goals = vec![GoalInput {
            term: "medium".into(),
            text: " ".into(),
        }];
        i.needs = String::new();
        i.tasks[0].due_on = "2026-01-15".into();
        i.tasks.push(TaskInput {
            owner: "school".into(),
            text: "x".into(),
            due_on: "soon".into(),
        });
        let errs = i.check(&c).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "period_from",
                "period_to",
                "needs",
                "goals[0].term",
                "goals[0].text",
                "lines[0].service",
                "lines[1].quantity_per_month",
                "lines[2].barrier",
                "lines[2].provider_id",
                "lines[3].provider_id",
                "lines[4].quantity_per_month",
                "lines[4].funding",
                "lines[4].status",
                "lines[4].provider_id",
                "lines[5].provider_id",
                "tasks[0].due_on",
                "tasks[1].owner",
                "tasks[1].due_on",
            ]
        );
        assert!(
            errs[8].message.contains("does not serve"),
            "{}",
            errs[8].message
        );
        assert!(errs[14].message.contains("does not offer \"respite\""));
        let empty = PlanInput {
            goals: vec![],
            ..input(vec![])
        };
        let errs = empty.check(&c).unwrap_err();
        assert_eq!(fields(&errs), ["goals"]);
    }

    #[test]
    fn a_support_person_over_the_level_cap_is_refused() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "1", "1000.00");
        assert!(input(vec![line("support-person", "7.5")]).check(&c).is_ok());
        let errs = input(vec![line("support-person", "7.75")])
            .check(&c)
            .unwrap_err();
        assert_eq!(fields(&errs), ["lines[0].quantity_per_month"]);
        assert!(errs[0].message.contains("7.75 a month of support-person"));
        assert!(errs[0].message.contains("cap at level 1 of 7.5 a month"));
        // Two lines count together; a line paid by the family does not count.
        let errs = input(vec![
            line("support-person", "4"),
            line("support-person", "4"),
            PlanLineInput {
                funding: "family".into(),
                ..line("support-person", "10")
            },
        ])
        .check(&c)
        .unwrap_err();
        assert_eq!(
            fields(&errs),
            ["lines[0].quantity_per_month", "lines[1].quantity_per_month"]
        );
        assert!(errs[0].message.contains("lines 0, 1 together"));
        // Level 3 allows 37 hours.
        let c3 = ctx(policy, "3", "1000.00");
        assert!(input(vec![line("support-person", "37")]).check(&c3).is_ok());
    }

    #[test]
    fn over_budget_shows_each_line_and_the_overage() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "3", "185.00");
        let mut sp = line("support-person", "30");
        sp.provider_id = Some(7);
        let errs = input(vec![sp, line("mentor", "2.5")])
            .check(&c)
            .unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "lines[0].quantity_per_month",
                "lines[1].quantity_per_month",
                "lines"
            ]
        );
        assert_eq!(errs[0].message, "this line costs 180.00 EUR a month");
        assert_eq!(errs[1].message, "this line costs 12.50 EUR a month");
        assert_eq!(
            errs[2].message,
            "the lines cost 192.50 EUR a month, 7.50 EUR more than the budget of 185.00 EUR"
        );
    }

    #[test]
    fn unpriced_lines_are_refused() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "3", "185.00");
        let errs = input(vec![line("riding", "2")]).check(&c).unwrap_err();
        assert_eq!(fields(&errs), ["lines[0].provider_id"]);
        assert!(errs[0].message.contains("no tariff price"));
    }

    #[test]
    fn signing() {
        let s = Signature {
            signer_name: "Anna Bērziņa".into(),
            role: SignerRole::Person,
            signed_on: date!(2026 - 03 - 02),
        };
        assert!(can_sign(PlanState::Draft, &[], "Anna Bērziņa").is_ok());
        let e = can_sign(PlanState::Draft, std::slice::from_ref(&s), " anna bērziņa ").unwrap_err();
        assert!(e.contains("signing a plan twice"), "{e}");
        assert!(can_sign(PlanState::Draft, std::slice::from_ref(&s), "Jānis Bērziņš").is_ok());
        let e = can_sign(PlanState::Active, &[s], "Jānis Bērziņš").unwrap_err();
        assert!(e.contains("only a draft"), "{e}");
        let ok = SignatureInput {
            signer_name: "Jānis".into(),
            role: "representative".into(),
            signed_on: "2026-03-02".into(),
        }
        .check(date!(2026 - 03 - 02))
        .unwrap();
        assert_eq!(ok.role, SignerRole::Representative);
        let errs = SignatureInput {
            signer_name: String::new(),
            role: "friend".into(),
            signed_on: "2026-03-03".into(),
        }
        .check(date!(2026 - 03 - 02))
        .unwrap_err();
        assert_eq!(fields(&errs), ["signer_name", "role", "signed_on"]);
    }

    #[test]
    fn diff_lists_what_changed() {
        let set = set();
        let policy = set
            .select(BudgetGroup::SupportPerson, date!(2026 - 03 - 01))
            .unwrap();
        let c = ctx(policy, "3", "1000.00");
        let a = input(vec![line("support-person", "10"), line("mentor", "5")])
            .check(&c)
            .unwrap();
        let mut bi = input(vec![
            line("mentor", "5"),
            line("support-person", "12"),
            line("respite", "1"),
        ]);
        bi.goals.push(GoalInput {
            term: "short".into(),
            text: "Atvērt bankas kontu".into(),
        });
        bi.tasks[0].due_on = "2026-05-01".into();
        let b = bi.check(&c).unwrap();
        let d = diff(&a, &b);
        let kinds: Vec<String> = d
            .iter()
            .map(|c| {
                serde_json::to_value(c).unwrap()["change"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            kinds,
            ["goal-added", "line-changed", "line-added", "task-changed"]
        );
        match &d[1] {
            Change::LineChanged {
                before_index,
                after_index,
                fields,
                ..
            } => {
                assert_eq!((*before_index, *after_index), (0, 1));
                assert_eq!(fields, &["quantity_per_month"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(diff(&a, &a).is_empty());
        let back = diff(&b, &a);
        assert!(back
            .iter()
            .any(|c| matches!(c, Change::LineRemoved { index: 2, .. })));
        assert!(back
            .iter()
            .any(|c| matches!(c, Change::GoalRemoved { index: 1, .. })));
    }

    proptest! {
        #[test]
        fn nothing_leaves_closed(i in 0usize..5) {
            let to = PlanState::ALL[i];
            prop_assert!(transition(PlanState::Closed, to).is_err());
        }
    }
}
