//! The cycle's records: assessments (drafts, signed, superseded), budget decisions with their
//! frozen explanation and notice, requests for review, support plans with every version kept,
//! signatures and goal reviews. The core decides what is valid; this module keeps it, scoped
//! and audited.

use ibis_core::access::Scope;
use ibis_core::assessment::Assessment;
use ibis_core::budget::ExplainedBudget;
use ibis_core::decision::{DecisionNotice, DecisionTerms, ReviewRequestOutcome};
use ibis_core::money::Money;
use ibis_core::plan::{Plan, PlanState, Signature};
use ibis_core::review::{CaseFacts, GoalReview};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::registry::{person_in_scope_tx, Person};
use crate::sql::{date_text, decode, encode, int, now_text, opt_int, opt_text, parse_date, text};
use crate::{audit, Auditor, Result, Store, StoreError, WriteTx};

/// An assessment as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssessmentRow {
    /// Id.
    pub id: i64,
    /// The person assessed.
    pub person_id: i64,
    /// `child`, `adult` or `support`.
    pub kind: String,
    /// `draft`, `signed` or `superseded`.
    pub status: String,
    /// Day of the assessment.
    pub assessed_on: String,
    /// Day of the next review.
    pub next_review_on: String,
    /// The assessment itself.
    #[schema(value_type = Object)]
    pub assessment: Assessment,
    /// The assessors who recorded and signed it.
    pub assessors: Vec<String>,
    /// When it was signed.
    pub signed_at: Option<String>,
    /// The assessment that superseded it.
    pub superseded_by: Option<i64>,
}

fn assessment_row(r: &AnyRow) -> Result<AssessmentRow> {
    Ok(AssessmentRow {
        id: int(r, "id")?,
        person_id: int(r, "person_id")?,
        kind: text(r, "kind")?,
        status: text(r, "status")?,
        assessed_on: text(r, "assessed_on")?,
        next_review_on: text(r, "next_review_on")?,
        assessment: decode(&text(r, "data")?)?,
        assessors: decode(&text(r, "assessors")?)?,
        signed_at: opt_text(r, "signed_at")?,
        superseded_by: opt_int(r, "superseded_by")?,
    })
}

/// A request for review (apstrīdēšana) of a decision, with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReviewRequestRow {
    /// Id.
    pub id: i64,
    /// The decision contested.
    pub decision_id: i64,
    /// When it was made.
    pub requested_on: String,
    /// Who made it.
    pub requested_by: String,
    /// Why.
    pub reason: String,
    /// `pending`, `upheld`, `changed` or `withdrawn`.
    pub outcome: String,
    /// When it was decided.
    pub outcome_on: Option<String>,
    /// The reasons for the outcome.
    pub outcome_note: Option<String>,
}

/// A budget decision as kept: never changed once made.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DecisionRow {
    /// Id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The assessment it rests on.
    pub assessment_id: i64,
    /// The scheme.
    pub group: String,
    /// The level.
    pub level: String,
    /// First day.
    pub period_from: String,
    /// First day after.
    pub period_to: String,
    /// The amount the policy proposed, a month.
    pub proposed_eur: String,
    /// The amount decided, a month.
    pub monthly_eur: String,
    /// Why the decided amount differs from the proposal.
    pub override_reason: Option<String>,
    /// Policy id.
    pub policy_id: String,
    /// Policy version.
    pub policy_version: String,
    /// The explained budget, as it was when decided.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
    /// The decision notice.
    #[schema(value_type = Object)]
    pub notice: DecisionNotice,
    /// The approver.
    pub decided_by: Option<i64>,
    /// Day of the decision.
    pub decided_on: String,
    /// Requests for review.
    pub review_requests: Vec<ReviewRequestRow>,
}

impl DecisionRow {
    /// The decided monthly amount.
    pub fn monthly(&self) -> Money {
        self.monthly_eur.parse().unwrap_or(Money::ZERO)
    }
}

fn decision_row(r: &AnyRow) -> Result<DecisionRow> {
    Ok(DecisionRow {
        id: int(r, "id")?,
        person_id: int(r, "person_id")?,
        assessment_id: int(r, "assessment_id")?,
        group: text(r, "budget_group")?,
        level: text(r, "level")?,
        period_from: text(r, "period_from")?,
        period_to: text(r, "period_to")?,
        proposed_eur: Money::from_cents(int(r, "proposed_cents")?).to_string(),
        monthly_eur: Money::from_cents(int(r, "monthly_cents")?).to_string(),
        override_reason: opt_text(r, "override_reason")?,
        policy_id: text(r, "policy_id")?,
        policy_version: text(r, "policy_version")?,
        explanation: decode(&text(r, "explanation")?)?,
        notice: decode(&text(r, "notice")?)?,
        decided_by: opt_int(r, "decided_by")?,
        decided_on: text(r, "decided_on")?,
        review_requests: Vec::new(),
    })
}

/// A signature on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SignatureRow {
    /// The plan version signed.
    pub version: i64,
    /// Who signed.
    pub signer_name: String,
    /// `person` or `representative`.
    pub role: String,
    /// When.
    pub signed_on: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A goal's attainment recorded at review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GoalReviewRow {
    /// The goal (index in the plan's goals, from 0).
    pub goal_index: i64,
    /// -2 .. +2.
    pub attainment: i64,
    /// Note.
    pub note: String,
    /// When.
    pub reviewed_on: String,
    /// By whom.
    pub reviewed_by: String,
}

/// One kept version of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanVersionRow {
    /// Version number, from 1.
    pub version: i64,
    /// The state it was in.
    pub state: String,
    /// The plan.
    #[schema(value_type = Object)]
    pub plan: Plan,
    /// Its monthly cost against the budget.
    pub monthly_cost_eur: String,
    /// Who made it.
    pub changed_by: String,
    /// When.
    pub changed_at: String,
    /// What happened (`created`, `revised`, `signed`, `activated`, ...).
    pub note: String,
}

/// A support plan with its current version, signatures and goal reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanRow {
    /// Id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The budget decision it spends.
    pub decision_id: i64,
    /// Current state.
    pub state: String,
    /// Current version.
    pub version: i64,
    /// The current version's content.
    #[schema(value_type = Object)]
    pub plan: Plan,
    /// Its monthly cost against the budget.
    pub monthly_cost_eur: String,
    /// Signatures.
    pub signatures: Vec<SignatureRow>,
    /// Goal reviews.
    pub goal_reviews: Vec<GoalReviewRow>,
}

async fn load_assessment(
    tx: &mut WriteTx,
    scope: &Scope,
    id: i64,
) -> Result<(AssessmentRow, Person)> {
    let row = sqlx::query("SELECT * FROM assessments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let a = assessment_row(&row)?;
    let p = person_in_scope_tx(tx, scope, a.person_id).await?;
    Ok((a, p))
}

/// [`load_plan`], audited as a `read` of the `plan` in the same transaction.
async fn load_plan_audited(
    tx: &mut WriteTx,
    who: &Auditor,
    scope: &Scope,
    plan_id: i64,
) -> Result<(PlanRow, Person)> {
    let (p, person) = load_plan(tx, scope, plan_id).await?;
    audit::append(
        tx,
        who,
        "read",
        "plan",
        &plan_id.to_string(),
        Some(person.id),
        json!({}),
    )
    .await?;
    Ok((p, person))
}

async fn load_plan(tx: &mut WriteTx, scope: &Scope, id: i64) -> Result<(PlanRow, Person)> {
    let row = sqlx::query(
        "SELECT p.*, v.data, v.monthly_cost_cents FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx.tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let person = person_in_scope_tx(tx, scope, int(&row, "person_id")?).await?;
    let signatures = sqlx::query("SELECT * FROM plan_signatures WHERE plan_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(SignatureRow {
                version: int(r, "version")?,
                signer_name: text(r, "signer_name")?,
                role: text(r, "role")?,
                signed_on: text(r, "signed_on")?,
                recorded_by: text(r, "recorded_by")?,
            })
        })
        .collect::<Result<_>>()?;
    let goal_reviews = sqlx::query("SELECT * FROM goal_reviews WHERE plan_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(GoalReviewRow {
                goal_index: int(r, "goal_index")?,
                attainment: int(r, "attainment")?,
                note: text(r, "note")?,
                reviewed_on: text(r, "reviewed_on")?,
                reviewed_by: text(r, "reviewed_by")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((
        PlanRow {
            id,
            person_id: person.id,
            decision_id: int(&row, "decision_id")?,
            state: text(&row, "state")?,
            version: int(&row, "version")?,
            plan: decode(&text(&row, "data")?)?,
            monthly_cost_eur: Money::from_cents(int(&row, "monthly_cost_cents")?).to_string(),
            signatures,
            goal_reviews,
        },
        person,
    ))
}

/// A person's assessments, newest first (`$1` is the person).
const ASSESSMENTS_OF: &str =
    "SELECT * FROM assessments WHERE person_id = $1 ORDER BY assessed_on DESC, id DESC";

/// A person's decisions, newest first (`$1` is the person).
const DECISIONS_OF: &str =
    "SELECT * FROM budget_decisions WHERE person_id = $1 ORDER BY period_from DESC, id DESC";

/// Every version of a plan, oldest first.
async fn versions_tx(tx: &mut WriteTx, plan_id: i64) -> Result<Vec<PlanVersionRow>> {
    sqlx::query("SELECT * FROM plan_versions WHERE plan_id = $1 ORDER BY version")
        .bind(plan_id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(PlanVersionRow {
                version: int(r, "version")?,
                state: text(r, "state")?,
                plan: decode(&text(r, "data")?)?,
                monthly_cost_eur: Money::from_cents(int(r, "monthly_cost_cents")?).to_string(),
                changed_by: text(r, "changed_by")?,
                changed_at: text(r, "changed_at")?,
                note: text(r, "note")?,
            })
        })
        .collect()
}

/// Keeps a new version of a plan and makes it current.
#[allow(clippy::too_many_arguments)]
async fn append_version(
    tx: &mut WriteTx,
    plan_id: i64,
    version: i64,
    state: PlanState,
    plan: &Plan,
    cost: Money,
    who: &Auditor,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, version, state, data, monthly_cost_cents, changed_by, changed_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(plan_id)
    .bind(version)
    .bind(state.code())
    .bind(encode(plan)?)
    .bind(cost.cents())
    .bind(&who.actor)
    .bind(now_text())
    .bind(note)
    .execute(&mut *tx.tx)
    .await?;
    crate::sums::add_plan_gaps(tx, plan_id, version, plan).await?;
    sqlx::query("UPDATE plans SET state = $1, version = $2, updated_at = $3 WHERE id = $4")
        .bind(state.code())
        .bind(version)
        .bind(now_text())
        .bind(plan_id)
        .execute(&mut *tx.tx)
        .await?;
    Ok(())
}

impl Store {
    /// Records an assessment as a draft.
    pub async fn create_assessment(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        a: &Assessment,
    ) -> Result<AssessmentRow> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let row = sqlx::query(
            "INSERT INTO assessments (person_id, kind, status, assessed_on, next_review_on, data, assessors, created_by, created_at) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8) RETURNING *",
        )
        .bind(person_id)
        .bind(a.kind())
        .bind(date_text(a.assessed_on()))
        .bind(date_text(a.next_review_on()))
        .bind(encode(a)?)
        .bind(encode(&vec![who.actor.clone()])?)
        .bind(who.actor_id)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let created = assessment_row(&row)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "assessment",
            &created.id.to_string(),
            Some(person_id),
            json!({"kind": a.kind()}),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Replaces a draft assessment's content; a signed one is never edited.
    pub async fn update_assessment(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
        a: &Assessment,
    ) -> Result<AssessmentRow> {
        let mut tx = self.begin().await?;
        let (before, _) = load_assessment(&mut tx, scope, id).await?;
        if before.status != "draft" {
            return Err(StoreError::invalid(
                "status",
                format!(
                    "a {} assessment is never edited; record a new one to supersede it",
                    before.status
                ),
            ));
        }
        if before.kind != a.kind() {
            return Err(StoreError::invalid(
                "kind",
                format!("this is a {} assessment", before.kind),
            ));
        }
        let mut assessors: Vec<String> = before.assessors.clone();
        if !assessors.contains(&who.actor) {
            assessors.push(who.actor.clone());
        }
        let row = sqlx::query(
            "UPDATE assessments SET assessed_on = $1, next_review_on = $2, data = $3, assessors = $4 WHERE id = $5 AND status = 'draft' RETURNING *",
        )
        .bind(date_text(a.assessed_on()))
        .bind(date_text(a.next_review_on()))
        .bind(encode(a)?)
        .bind(encode(&assessors)?)
        .bind(id)
        .fetch_one(&mut *tx.tx)
        .await?;
        audit::append(
            &mut tx,
            who,
            "update",
            "assessment",
            &id.to_string(),
            Some(before.person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        assessment_row(&row)
    }

    /// Signs a draft assessment; the person's earlier signed assessment of the same kind is
    /// superseded by it.
    pub async fn sign_assessment(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
    ) -> Result<AssessmentRow> {
        let mut tx = self.begin().await?;
        let (before, _) = load_assessment(&mut tx, scope, id).await?;
        if before.status != "draft" {
            return Err(StoreError::invalid(
                "status",
                format!("the assessment is already {}", before.status),
            ));
        }
        sqlx::query("UPDATE assessments SET status = 'superseded', superseded_by = $1 WHERE person_id = $2 AND kind = $3 AND status = 'signed'")
            .bind(id)
            .bind(before.person_id)
            .bind(&before.kind)
            .execute(&mut *tx.tx)
            .await?;
        let row = sqlx::query("UPDATE assessments SET status = 'signed', signed_by = $1, signed_at = $2 WHERE id = $3 RETURNING *")
            .bind(who.actor_id)
            .bind(now_text())
            .bind(id)
            .fetch_one(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            who,
            "sign",
            "assessment",
            &id.to_string(),
            Some(before.person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        assessment_row(&row)
    }

    /// One assessment, if its person is in scope (audited as a read).
    pub async fn assessment(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
    ) -> Result<(AssessmentRow, Person)> {
        let mut tx = self.begin().await?;
        let (a, p) = load_assessment(&mut tx, scope, id).await?;
        audit::append(
            &mut tx,
            who,
            "read",
            "assessment",
            &id.to_string(),
            Some(p.id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok((a, p))
    }

    /// A person's assessments, newest first, read and audited (`read` of `assessments`) in one
    /// transaction.
    pub async fn read_assessments_of(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<AssessmentRow>> {
        self.person_rows_audited(
            who,
            scope,
            person_id,
            "assessments",
            ASSESSMENTS_OF,
            assessment_row,
        )
        .await
    }

    /// A person's assessments, newest first, not audited: for a page that shows them as part
    /// of the person's record, whose read it audits itself.
    pub async fn assessments_of(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<AssessmentRow>> {
        self.person_rows(scope, person_id, ASSESSMENTS_OF, assessment_row)
            .await
    }

    /// The users who broker or support a person (they may not approve the person's budget).
    pub async fn brokers_of(&self, person_id: i64) -> Result<Vec<i64>> {
        sqlx::query("SELECT user_id FROM person_links WHERE person_id = $1 AND kind = 'broker'")
            .bind(person_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(r.try_get::<i64, _>(0)?))
            .collect()
    }

    /// Records a budget decision on a signed assessment, with the explanation and notice as
    /// they are now. Never changed afterwards.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_budget(
        &self,
        who: &Auditor,
        scope: &Scope,
        assessment_id: i64,
        budget: &ExplainedBudget,
        terms: &DecisionTerms,
        notice: &DecisionNotice,
        decided_on: time::Date,
    ) -> Result<DecisionRow> {
        let mut tx = self.begin().await?;
        let (a, p) = load_assessment(&mut tx, scope, assessment_id).await?;
        if a.status != "signed" {
            return Err(StoreError::invalid(
                "assessment",
                format!(
                    "only a signed assessment can be decided on; this one is {}",
                    a.status
                ),
            ));
        }
        let row = sqlx::query(
            "INSERT INTO budget_decisions (person_id, assessment_id, budget_group, level, period_from, period_to, proposed_cents, monthly_cents, \
             override_reason, policy_id, policy_version, explanation, notice, decided_by, decided_on, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *",
        )
        .bind(p.id)
        .bind(assessment_id)
        .bind(budget.group.code())
        .bind(&budget.level)
        .bind(date_text(terms.period.from))
        .bind(terms.period.to.map(date_text).unwrap_or_default())
        .bind(terms.proposed.cents())
        .bind(terms.monthly_amount.cents())
        .bind(&terms.override_reason)
        .bind(&budget.policy.id)
        .bind(&budget.policy.version)
        .bind(encode(budget)?)
        .bind(encode(notice)?)
        .bind(who.actor_id)
        .bind(date_text(decided_on))
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let d = decision_row(&row)?;
        // The budget is allocated to its ledger line when it is decided.
        let alloc =
            crate::spending::allocation(d.id, terms.monthly_amount, &terms.period, decided_on);
        crate::spending::append_entries(&mut tx, &[alloc]).await?;
        audit::append(
            &mut tx,
            who,
            "decide",
            "budget",
            &d.id.to_string(),
            Some(p.id),
            json!({"monthly_eur": d.monthly_eur, "proposed_eur": d.proposed_eur, "override": terms.override_reason.is_some()}),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// One decision with its requests for review, if its person is in scope.
    pub async fn decision(&self, who: &Auditor, scope: &Scope, id: i64) -> Result<DecisionRow> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT * FROM budget_decisions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut d = decision_row(&row)?;
        person_in_scope_tx(&mut tx, scope, d.person_id).await?;
        d.review_requests =
            sqlx::query("SELECT * FROM review_requests WHERE decision_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *tx.tx)
                .await?
                .iter()
                .map(|r| {
                    Ok(ReviewRequestRow {
                        id: int(r, "id")?,
                        decision_id: id,
                        requested_on: text(r, "requested_on")?,
                        requested_by: text(r, "requested_by")?,
                        reason: text(r, "reason")?,
                        outcome: text(r, "outcome")?,
                        outcome_on: opt_text(r, "outcome_on")?,
                        outcome_note: opt_text(r, "outcome_note")?,
                    })
                })
                .collect::<Result<_>>()?;
        audit::append(
            &mut tx,
            who,
            "read",
            "budget",
            &id.to_string(),
            Some(d.person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// A person's decisions, newest first (without their requests for review), read and
    /// audited (`read` of `budgets`) in one transaction.
    pub async fn read_decisions_of(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<DecisionRow>> {
        self.person_rows_audited(who, scope, person_id, "budgets", DECISIONS_OF, decision_row)
            .await
    }

    /// A person's decisions, newest first (without their requests for review), not audited:
    /// for a page that shows them as part of the person's record, whose read it audits itself.
    pub async fn decisions_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<DecisionRow>> {
        self.person_rows(scope, person_id, DECISIONS_OF, decision_row)
            .await
    }

    /// The decision in force for a person on a day: the latest decided whose period holds the
    /// day (a later decision from a stated date supersedes the earlier one from that date).
    pub async fn decision_in_force(
        &self,
        person_id: i64,
        on: time::Date,
    ) -> Result<Option<DecisionRow>> {
        let day = date_text(on);
        let row = sqlx::query(
            "SELECT * FROM budget_decisions WHERE person_id = $1 AND period_from <= $2 AND period_to > $2 ORDER BY period_from DESC, id DESC LIMIT 1",
        )
        .bind(person_id)
        .bind(&day)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decision_row).transpose()
    }

    /// Records a request for review of a decision.
    pub async fn request_review(
        &self,
        who: &Auditor,
        scope: &Scope,
        decision_id: i64,
        requested_by: &str,
        reason: &str,
        on: time::Date,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT person_id FROM budget_decisions WHERE id = $1")
            .bind(decision_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO review_requests (decision_id, person_id, requested_on, requested_by, reason, outcome, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
        )
        .bind(decision_id)
        .bind(person_id)
        .bind(date_text(on))
        .bind(requested_by)
        .bind(reason)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "review-request",
            &id.to_string(),
            Some(person_id),
            json!({"decision_id": decision_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records the outcome of a pending request for review.
    pub async fn review_outcome(
        &self,
        who: &Auditor,
        scope: &Scope,
        request_id: i64,
        outcome: ReviewRequestOutcome,
        note: &str,
        on: time::Date,
    ) -> Result<()> {
        if outcome == ReviewRequestOutcome::Pending {
            return Err(StoreError::invalid(
                "outcome",
                "give the outcome: upheld, changed or withdrawn",
            ));
        }
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT person_id, outcome FROM review_requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let current: String = row.try_get(1)?;
        if current != "pending" {
            return Err(StoreError::invalid(
                "outcome",
                format!("the request was already decided: {current}"),
            ));
        }
        sqlx::query("UPDATE review_requests SET outcome = $1, outcome_on = $2, outcome_note = $3 WHERE id = $4")
            .bind(outcome.code())
            .bind(date_text(on))
            .bind(note)
            .bind(request_id)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            who,
            "decide",
            "review-request",
            &request_id.to_string(),
            Some(person_id),
            json!({"outcome": outcome.code()}),
        )
        .await?;
        tx.commit().await
    }

    /// Creates a plan (draft, version 1) on a decision.
    pub async fn create_plan(
        &self,
        who: &Auditor,
        scope: &Scope,
        decision_id: i64,
        plan: &Plan,
        cost: Money,
    ) -> Result<PlanRow> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT person_id FROM budget_decisions WHERE id = $1")
            .bind(decision_id)
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id: i64 = row.try_get(0)?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let now = now_text();
        let id: i64 = sqlx::query("INSERT INTO plans (person_id, decision_id, state, version, created_at, updated_at) VALUES ($1, $2, 'draft', 0, $3, $3) RETURNING id")
            .bind(person_id)
            .bind(decision_id)
            .bind(&now)
            .fetch_one(&mut *tx.tx)
            .await?
            .try_get(0)?;
        append_version(&mut tx, id, 1, PlanState::Draft, plan, cost, who, "created").await?;
        audit::append(
            &mut tx,
            who,
            "create",
            "plan",
            &id.to_string(),
            Some(person_id),
            json!({"decision_id": decision_id}),
        )
        .await?;
        let (p, _) = load_plan(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Revises a draft plan if it is still at `expected_version`: a new version is kept.
    pub async fn revise_plan(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
        expected_version: i64,
        plan: &Plan,
        cost: Money,
    ) -> Result<PlanRow> {
        let mut tx = self.begin().await?;
        let (before, person) = load_plan(&mut tx, scope, plan_id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        if before.state != "draft" {
            return Err(StoreError::invalid(
                "state",
                format!(
                    "only a draft plan is revised; this one is {} (start a review to change it)",
                    before.state
                ),
            ));
        }
        append_version(
            &mut tx,
            plan_id,
            before.version + 1,
            PlanState::Draft,
            plan,
            cost,
            who,
            "revised",
        )
        .await?;
        audit::append(
            &mut tx,
            who,
            "update",
            "plan",
            &plan_id.to_string(),
            Some(person.id),
            json!({"version": before.version + 1}),
        )
        .await?;
        let (p, _) = load_plan(&mut tx, scope, plan_id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Moves a plan to another state (the core's `transition` decides whether it may), keeping
    /// a version for the change. `check` sees the plan and its signatures before the move.
    pub async fn move_plan(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
        to: PlanState,
        signature: Option<&Signature>,
        check: impl FnOnce(&PlanRow) -> std::result::Result<(), String>,
    ) -> Result<PlanRow> {
        let mut tx = self.begin().await?;
        let (before, person) = load_plan(&mut tx, scope, plan_id).await?;
        check(&before).map_err(|m| StoreError::invalid("state", m))?;
        let cost: Money = before.monthly_cost_eur.parse().unwrap_or(Money::ZERO);
        let version = before.version + 1;
        append_version(
            &mut tx,
            plan_id,
            version,
            to,
            &before.plan,
            cost,
            who,
            to.code(),
        )
        .await?;
        if let Some(s) = signature {
            sqlx::query("INSERT INTO plan_signatures (plan_id, version, signer_name, role, signed_on, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(plan_id)
                .bind(before.version)
                .bind(&s.signer_name)
                .bind(s.role.code())
                .bind(date_text(s.signed_on))
                .bind(&who.actor)
                .bind(now_text())
                .execute(&mut *tx.tx)
                .await?;
        }
        audit::append(
            &mut tx,
            who,
            "state",
            "plan",
            &plan_id.to_string(),
            Some(person.id),
            json!({"from": before.state, "to": to.code(), "signed": signature.is_some()}),
        )
        .await?;
        let (p, _) = load_plan(&mut tx, scope, plan_id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Records goal attainment at review.
    pub async fn add_goal_reviews(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
        reviews: &[GoalReview],
        on: time::Date,
    ) -> Result<PlanRow> {
        let mut tx = self.begin().await?;
        let (before, person) = load_plan(&mut tx, scope, plan_id).await?;
        if before.state != "in-review" && before.state != "active" {
            return Err(StoreError::invalid(
                "state",
                format!(
                    "goals are reviewed on an active plan or one in review; this one is {}",
                    before.state
                ),
            ));
        }
        for r in reviews {
            sqlx::query("INSERT INTO goal_reviews (plan_id, goal_index, attainment, note, reviewed_on, reviewed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(plan_id)
                .bind(r.goal_index as i64)
                .bind(i64::from(r.attainment.score()))
                .bind(&r.note)
                .bind(date_text(on))
                .bind(&who.actor)
                .bind(now_text())
                .execute(&mut *tx.tx)
                .await?;
        }
        audit::append(
            &mut tx,
            who,
            "review",
            "plan",
            &plan_id.to_string(),
            Some(person.id),
            json!({"goals": reviews.len()}),
        )
        .await?;
        let (p, _) = load_plan(&mut tx, scope, plan_id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// A plan, if its person is in scope (audited as a read).
    pub async fn plan(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
    ) -> Result<(PlanRow, Person)> {
        let mut tx = self.begin().await?;
        let read = load_plan_audited(&mut tx, who, scope, plan_id).await?;
        tx.commit().await?;
        Ok(read)
    }

    /// Every version of a plan, oldest first, read and audited (the same `read`
    /// of the `plan` as [`Store::plan`]) in one transaction.
    pub async fn read_plan_versions(
        &self,
        who: &Auditor,
        scope: &Scope,
        plan_id: i64,
    ) -> Result<Vec<PlanVersionRow>> {
        let mut tx = self.begin().await?;
        load_plan_audited(&mut tx, who, scope, plan_id).await?;
        let versions = versions_tx(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(versions)
    }

    /// Every version of a plan, oldest first, not audited: for a page that shows them beside
    /// the plan, whose read it audits with [`Store::plan`].
    pub async fn plan_versions(&self, scope: &Scope, plan_id: i64) -> Result<Vec<PlanVersionRow>> {
        let mut tx = self.begin().await?;
        load_plan(&mut tx, scope, plan_id).await?;
        let versions = versions_tx(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(versions)
    }

    /// A person's plans, newest first.
    pub async fn plans_of(&self, scope: &Scope, person_id: i64) -> Result<Vec<(i64, String, i64)>> {
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "SELECT id, state, decision_id FROM plans WHERE person_id = $1 ORDER BY id DESC",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>(0)?,
                r.try_get::<String, _>(1)?,
                r.try_get::<i64, _>(2)?,
            ))
        })
        .collect()
    }

    /// What the worklist needs about every person in scope.
    pub async fn case_facts(&self, scope: &Scope) -> Result<Vec<(CaseFacts, String)>> {
        let sql = format!(
            "SELECT p.id, p.target_group, p.birth_date, p.given_name, p.family_name, \
             (SELECT MAX(a.assessed_on) FROM assessments a WHERE a.person_id = p.id AND a.status = 'signed') AS last_assessed, \
             (SELECT a.next_review_on FROM assessments a WHERE a.person_id = p.id AND a.status = 'signed' ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS next_review, \
             (SELECT pl.state FROM plans pl WHERE pl.person_id = p.id ORDER BY pl.id DESC LIMIT 1) AS plan_state, \
             (SELECT COUNT(*) FROM plan_signatures s WHERE s.plan_id = (SELECT MAX(pl.id) FROM plans pl WHERE pl.person_id = p.id)) AS signatures, \
             (SELECT COUNT(*) FROM assessments a WHERE a.person_id = p.id AND a.status = 'signed' \
                AND NOT EXISTS (SELECT 1 FROM budget_decisions d WHERE d.assessment_id = a.id)) AS undecided \
             FROM persons p WHERE {} ORDER BY p.id",
            crate::registry::scope_sql(scope, 1)
        );
        let rows = crate::registry::bind_scope(sqlx::query(&sql), scope)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let opt_date = |c: &str| -> Result<Option<time::Date>> {
                    opt_text(r, c)?.map(|s| parse_date(&s)).transpose()
                };
                Ok((
                    CaseFacts {
                        person_id: int(r, "id")?,
                        target_group: text(r, "target_group")?.parse().map_err(
                            |e: ibis_core::catalogue::UnknownCode| {
                                StoreError::Db(sqlx::Error::Decode(e.into()))
                            },
                        )?,
                        birth_date: parse_date(&text(r, "birth_date")?)?,
                        last_assessed_on: opt_date("last_assessed")?,
                        next_review_on: opt_date("next_review")?,
                        plan_state: opt_text(r, "plan_state")?.and_then(|s| s.parse().ok()),
                        plan_signed: int(r, "signatures")? > 0,
                        assessment_without_decision: int(r, "undecided")? > 0,
                    },
                    format!("{} {}", text(r, "given_name")?, text(r, "family_name")?),
                ))
            })
            .collect()
    }
}
