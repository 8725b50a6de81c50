//! The cycle's steps as the API and the pages both run them: load what the decision needs,
//! let the core decide, let the store keep it. No rule is written here; each step only wires
//! the store to the core and checks the caller's role.

use std::collections::BTreeMap;

use ibis_core::access::{Action, Role};
use ibis_core::assessment::AssessmentInput;
use ibis_core::budget::ExplainedBudget;
use ibis_core::decision::{
    may_approve, notice, DecisionInput, ReviewRequestOutcome, DEFAULT_CONTEST_DAYS,
};
use ibis_core::field::FieldError;
use ibis_core::money::UnitPrice;
use ibis_core::outcome::LivingSituation;
use ibis_core::plan::{
    can_sign, cost, transition, PlanContext, PlanInput, PlanState, ProviderFacts, SignatureInput,
};
use ibis_core::policy::parse_date;
use ibis_core::review::{check_goal_reviews, worklist, GoalReviewInput, ReviewRules, WorkItem};
use ibis_store::cycle::{AssessmentRow, DecisionRow, PlanRow};
use ibis_store::registry::Person;
use ibis_store::PageRequest;
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// 403 unless the caller's role may take the action (the rule is in [`ibis_core::access`]);
/// `what` says what was refused.
pub(crate) fn require_to(caller: &Caller, action: Action, what: &str) -> Result<(), ApiError> {
    if caller.user.role.may(action) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the role {} may not {what}",
            caller.user.role
        )))
    }
}

/// 404 unless the person is in scope; then 403 unless the role may take the action.
async fn person_for(
    state: &AppState,
    caller: &Caller,
    person_id: i64,
    action: Action,
    what: &str,
) -> Result<(), ApiError> {
    if !state
        .store
        .person_in_scope(&caller.scope(), person_id)
        .await?
    {
        return Err(ApiError::not_found());
    }
    require_to(caller, action, what)
}

/// Roles that record assessments ([`Action::RecordAssessment`]).
pub const ASSESSORS: &[Role] = Action::RecordAssessment.roles();
/// Roles that build and change plans with the person ([`Action::WritePlan`]).
pub const PLANNERS: &[Role] = Action::WritePlan.roles();

fn birth_of(p: &Person) -> Result<time::Date, ApiError> {
    parse_date(&p.birth_date).map_err(|m| ApiError::invalid(vec![FieldError::new("birth_date", m)]))
}

/// Records an assessment (draft).
pub async fn record_assessment(
    state: &AppState,
    caller: &Caller,
    person_id: i64,
    input: &AssessmentInput,
) -> Result<AssessmentRow, ApiError> {
    person_for(
        state,
        caller,
        person_id,
        Action::RecordAssessment,
        "record assessments",
    )
    .await?;
    let person = state
        .store
        .person(&caller.auditor(), &caller.scope(), person_id)
        .await?;
    let a = input
        .check(birth_of(&person)?, crate::today())
        .map_err(ApiError::invalid)?;
    Ok(state
        .store
        .create_assessment(&caller.auditor(), &caller.scope(), person_id, &a)
        .await?)
}

/// Replaces a draft assessment.
pub async fn revise_assessment(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: &AssessmentInput,
) -> Result<AssessmentRow, ApiError> {
    let (_, person) = state
        .store
        .assessment(&caller.auditor(), &caller.scope(), id)
        .await?;
    require_to(caller, Action::RecordAssessment, "record assessments")?;
    let a = input
        .check(birth_of(&person)?, crate::today())
        .map_err(ApiError::invalid)?;
    Ok(state
        .store
        .update_assessment(&caller.auditor(), &caller.scope(), id, &a)
        .await?)
}

/// Signs a draft assessment.
pub async fn sign_assessment(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<AssessmentRow, ApiError> {
    let _ = state
        .store
        .assessment(&caller.auditor(), &caller.scope(), id)
        .await?;
    require_to(caller, Action::RecordAssessment, "sign assessments")?;
    Ok(state
        .store
        .sign_assessment(&caller.auditor(), &caller.scope(), id)
        .await?)
}

/// The budget the current policy proposes for an assessment, priced on `on`.
pub async fn propose(
    state: &AppState,
    caller: &Caller,
    assessment_id: i64,
    on: time::Date,
) -> Result<(AssessmentRow, Person, ExplainedBudget), ApiError> {
    let (a, person) = state
        .store
        .assessment(&caller.auditor(), &caller.scope(), assessment_id)
        .await?;
    let living: Option<LivingSituation> = person.living.parse().ok();
    let outcome = a.assessment.outcome(living);
    let budget = state
        .policies
        .compute(&outcome, on)
        .map_err(|e| ApiError::invalid(vec![FieldError::new("assessment", e.to_string())]))?;
    Ok((a, person, budget))
}

/// Decides the budget on a signed assessment (approvers; never one who brokers or supports
/// the person).
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    assessment_id: i64,
    input: &DecisionInput,
) -> Result<DecisionRow, ApiError> {
    let from = parse_date(&input.period_from)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("period_from", m)]))?;
    let (a, person, budget) = propose(state, caller, assessment_id, from).await?;
    require_to(caller, Action::DecideBudget, "decide budgets")?;
    may_approve(caller.user.id, &state.store.brokers_of(person.id).await?)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    if a.status != "signed" {
        return Err(ApiError::invalid(vec![FieldError::new(
            "assessment",
            format!(
                "only a signed assessment can be decided on; this one is {}",
                a.status
            ),
        )]));
    }
    let terms = input.check(&budget).map_err(ApiError::invalid)?;
    let today = crate::today();
    let name = format!("{} {}", person.given_name, person.family_name);
    let n = notice(&name, today, &budget, &terms, DEFAULT_CONTEST_DAYS);
    Ok(state
        .store
        .decide_budget(
            &caller.auditor(),
            &caller.scope(),
            assessment_id,
            &budget,
            &terms,
            &n,
            today,
        )
        .await?)
}

/// Records a request for review of a decision.
pub async fn request_review(
    state: &AppState,
    caller: &Caller,
    decision_id: i64,
    requested_by: &str,
    reason: &str,
) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    let by = ibis_core::registry::required_text("requested_by", requested_by, 200, &mut errors);
    let why = ibis_core::registry::required_text("reason", reason, 4000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let d = state
        .store
        .decision(&caller.auditor(), &caller.scope(), decision_id)
        .await?;
    require_to(caller, Action::RequestReview, "record requests for review")?;
    Ok(state
        .store
        .request_review(
            &caller.auditor(),
            &caller.scope(),
            d.id,
            &by,
            &why,
            crate::today(),
        )
        .await?)
}

/// Records the outcome of a request for review (approvers).
pub async fn review_outcome(
    state: &AppState,
    caller: &Caller,
    request_id: i64,
    outcome: &str,
    note: &str,
) -> Result<(), ApiError> {
    require_to(
        caller,
        Action::DecideReviewRequest,
        "decide requests for review",
    )?;
    let mut errors = Vec::new();
    let outcome =
        ibis_core::registry::coded::<ReviewRequestOutcome>("outcome", outcome, &mut errors);
    let note = ibis_core::registry::required_text("note", note, 4000, &mut errors);
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    Ok(state
        .store
        .review_outcome(
            &caller.auditor(),
            &caller.scope(),
            request_id,
            outcome,
            &note,
            crate::today(),
        )
        .await?)
}

/// Everything a plan is checked against: the decision, the policy's caps, the catalogue, the
/// providers that serve the person's municipality with their prices on the plan's start, and
/// the tariff for lines without a provider.
pub struct PlanFacts {
    decision: DecisionRow,
    providers: BTreeMap<i64, ProviderFacts>,
    tariff_prices: BTreeMap<String, UnitPrice>,
}

async fn plan_facts(
    state: &AppState,
    person: &Person,
    decision: DecisionRow,
    start: time::Date,
) -> Result<PlanFacts, ApiError> {
    let mut providers = BTreeMap::new();
    let page = state
        .store
        .providers(
            Some(&person.municipality),
            None,
            PageRequest::new(Some(200), None),
        )
        .await?;
    for p in page.items {
        let mut offers: BTreeMap<String, (String, UnitPrice)> = BTreeMap::new();
        for o in &p.offers {
            let in_force = o.valid_from.as_str() <= start.to_string().as_str()
                && o.valid_to
                    .as_deref()
                    .is_none_or(|t| start.to_string().as_str() < t);
            if !in_force {
                continue;
            }
            if let Ok(price) = o.price_eur.parse::<UnitPrice>() {
                let newer = offers
                    .get(&o.service)
                    .is_none_or(|(from, _)| from.as_str() < o.valid_from.as_str());
                if newer {
                    offers.insert(o.service.clone(), (o.valid_from.clone(), price));
                }
            }
        }
        providers.insert(
            p.id,
            ProviderFacts {
                serves_person_municipality: true,
                offers: offers.into_iter().map(|(k, (_, v))| (k, v)).collect(),
            },
        );
    }
    let mut tariff_prices = BTreeMap::new();
    if let Some(policy) = find_policy(state, &decision) {
        if let Some(t) = state.policies.tariffs.get(&policy.tariff_table) {
            for e in &t.entries {
                if e.period.contains(start) {
                    tariff_prices.entry(e.service.clone()).or_insert(e.price);
                }
            }
        }
    }
    Ok(PlanFacts {
        decision,
        providers,
        tariff_prices,
    })
}

fn find_policy<'a>(state: &'a AppState, d: &DecisionRow) -> Option<&'a ibis_core::policy::Policy> {
    state
        .policies
        .policies
        .iter()
        .find(|p| p.id == d.policy_id && p.version == d.policy_version)
}

/// Checks a plan against its facts: the core's rules, including the budget and the caps.
fn check_plan(
    state: &AppState,
    facts: &PlanFacts,
    input: &PlanInput,
) -> Result<(ibis_core::plan::Plan, ibis_core::money::Money), ApiError> {
    let policy = find_policy(state, &facts.decision).ok_or_else(|| {
        ApiError::invalid(vec![FieldError::new(
            "decision",
            format!(
                "policy {} v{} is no longer loaded",
                facts.decision.policy_id, facts.decision.policy_version
            ),
        )])
    })?;
    let from = parse_date(&facts.decision.period_from)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("decision", m)]))?;
    let to = parse_date(&facts.decision.period_to)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("decision", m)]))?;
    let budget_period = ibis_core::Period::new(from, to)
        .map_err(|e| ApiError::invalid(vec![FieldError::new("decision", e.to_string())]))?;
    let ctx = PlanContext {
        budget_period,
        monthly_budget: facts.decision.monthly(),
        level: facts.decision.level.clone(),
        policy,
        services: state
            .policies
            .catalogue
            .iter()
            .map(|t| (t.code.clone(), (t.unit, t.name_lv.clone())))
            .collect(),
        providers: facts.providers.clone(),
        tariff_prices: facts.tariff_prices.clone(),
    };
    let plan = input.check(&ctx).map_err(ApiError::invalid)?;
    let c = cost(&plan, &ctx);
    Ok((plan, c.total))
}

/// Creates a plan on a decision (social workers and brokers, with the person).
pub async fn create_plan(
    state: &AppState,
    caller: &Caller,
    decision_id: i64,
    input: &PlanInput,
) -> Result<PlanRow, ApiError> {
    let decision = state
        .store
        .decision(&caller.auditor(), &caller.scope(), decision_id)
        .await?;
    require_to(caller, Action::WritePlan, "make plans")?;
    let person = state
        .store
        .person(&caller.auditor(), &caller.scope(), decision.person_id)
        .await?;
    let start = parse_date(&input.period_from)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("period_from", m)]))?;
    let facts = plan_facts(state, &person, decision, start).await?;
    let (plan, monthly) = check_plan(state, &facts, input)?;
    Ok(state
        .store
        .create_plan(
            &caller.auditor(),
            &caller.scope(),
            decision_id,
            &plan,
            monthly,
        )
        .await?)
}

/// Revises a draft plan (a new version is kept).
pub async fn revise_plan(
    state: &AppState,
    caller: &Caller,
    plan_id: i64,
    version: i64,
    input: &PlanInput,
) -> Result<PlanRow, ApiError> {
    let (current, person) = state
        .store
        .plan(&caller.auditor(), &caller.scope(), plan_id)
        .await?;
    require_to(caller, Action::WritePlan, "change plans")?;
    let decision = state
        .store
        .decision(&caller.auditor(), &caller.scope(), current.decision_id)
        .await?;
    let start = parse_date(&input.period_from)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("period_from", m)]))?;
    let facts = plan_facts(state, &person, decision, start).await?;
    let (plan, monthly) = check_plan(state, &facts, input)?;
    Ok(state
        .store
        .revise_plan(
            &caller.auditor(),
            &caller.scope(),
            plan_id,
            version,
            &plan,
            monthly,
        )
        .await?)
}

/// Signs a draft plan: by the person themself, or recorded by a social worker from a signed
/// paper. Signing agrees the plan.
pub async fn sign_plan(
    state: &AppState,
    caller: &Caller,
    plan_id: i64,
    input: &SignatureInput,
) -> Result<PlanRow, ApiError> {
    let _ = state
        .store
        .plan(&caller.auditor(), &caller.scope(), plan_id)
        .await?;
    require_to(caller, Action::SignPlan, "sign plans")?;
    let sig = input.check(crate::today()).map_err(ApiError::invalid)?;
    let name = sig.signer_name.clone();
    Ok(state
        .store
        .move_plan(
            &caller.auditor(),
            &caller.scope(),
            plan_id,
            PlanState::Agreed,
            Some(&sig),
            |p| {
                let existing: Vec<ibis_core::plan::Signature> = p
                    .signatures
                    .iter()
                    .filter_map(|s| {
                        Some(ibis_core::plan::Signature {
                            signer_name: s.signer_name.clone(),
                            role: s.role.parse().ok()?,
                            signed_on: parse_date(&s.signed_on).ok()?,
                        })
                    })
                    .collect();
                let state: PlanState = p
                    .state
                    .parse()
                    .map_err(|_| format!("unknown state {}", p.state))?;
                can_sign(state, &existing, &name)?;
                transition(state, PlanState::Agreed)
            },
        )
        .await?)
}

/// Moves a plan: `activate`, `review`, `resume`, `close`, `reopen`.
pub async fn move_plan(
    state: &AppState,
    caller: &Caller,
    plan_id: i64,
    action: &str,
) -> Result<PlanRow, ApiError> {
    let to = match action {
        "activate" | "resume" => PlanState::Active,
        "review" => PlanState::InReview,
        "close" => PlanState::Closed,
        "reopen" => PlanState::Draft,
        other => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "action",
                format!(
                    "\"{other}\" is not allowed; allowed: activate, review, resume, close, reopen"
                ),
            )]))
        }
    };
    let _ = state
        .store
        .plan(&caller.auditor(), &caller.scope(), plan_id)
        .await?;
    require_to(caller, Action::MovePlan, "change a plan's state")?;
    Ok(state
        .store
        .move_plan(&caller.auditor(), &caller.scope(), plan_id, to, None, |p| {
            let from: PlanState = p
                .state
                .parse()
                .map_err(|_| format!("unknown state {}", p.state))?;
            transition(from, to)
        })
        .await?)
}

/// Records goal attainment at review.
pub async fn review_goals(
    state: &AppState,
    caller: &Caller,
    plan_id: i64,
    inputs: &[GoalReviewInput],
) -> Result<PlanRow, ApiError> {
    let (p, _) = state
        .store
        .plan(&caller.auditor(), &caller.scope(), plan_id)
        .await?;
    require_to(caller, Action::ReviewGoals, "review goals")?;
    let reviews = check_goal_reviews(inputs, p.plan.goals.len()).map_err(ApiError::invalid)?;
    Ok(state
        .store
        .add_goal_reviews(
            &caller.auditor(),
            &caller.scope(),
            plan_id,
            &reviews,
            crate::today(),
        )
        .await?)
}

/// One line of the worklist with the person's name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorklistRow {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// `review-due`, `review-overdue`, `awaiting-signature`, `awaiting-decision`, `transition`.
    pub kind: String,
    /// The date it is due, if any.
    pub due_on: Option<String>,
    /// What is due.
    pub detail: String,
}

/// The caller's worklist: reviews due or overdue, plans awaiting a signature, assessments
/// awaiting a decision, and people approaching 18.
pub async fn worklist_of(
    state: &AppState,
    caller: &Caller,
    today: time::Date,
) -> Result<Vec<WorklistRow>, ApiError> {
    require_to(caller, Action::ReadWorklist, "see a worklist")?;
    let facts = state.store.case_facts(&caller.scope()).await?;
    let names: BTreeMap<i64, String> = facts
        .iter()
        .map(|(f, n)| (f.person_id, n.clone()))
        .collect();
    let cases: Vec<_> = facts.into_iter().map(|(f, _)| f).collect();
    let items: Vec<WorkItem> = worklist(today, &cases, &ReviewRules::default());
    Ok(items
        .into_iter()
        .map(|w| WorklistRow {
            person_id: w.person_id,
            name: names.get(&w.person_id).cloned().unwrap_or_default(),
            kind: serde_json::to_value(w.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            due_on: w.due_on.map(|d| d.to_string()),
            detail: w.detail,
        })
        .collect())
}
