//! Loads a generated population ([`ibis_core::generate::Population`]) into the real tables, in
//! batched multi-row INSERTs inside transactions, on both engines.
//!
//! Every row is what the normal path would have written: each person, assessment, decision,
//! plan, agreement, visit and claim goes through the same core checks and decisions as the API
//! ([`PersonInput::check`], [`AssessmentInput::check`], [`PolicySet::compute`],
//! [`DecisionInput::check`] and [`notice`], [`PlanInput::check`] and [`cost`],
//! [`AgreementInput::check`], [`decide`] and [`entries_for_decision`]; a review's renewed
//! assessment by the same assessment check and its goal scores by [`check_goal_reviews`]; a held
//! claim's review by [`entries_for_approval`]); only the storage is
//! different: rows are gathered in memory and written many at a time, with ids given by the
//! loader, and the load is audited by one entry (written in the first transaction, so even a
//! load that fails half-way is recorded) instead of one per row.
//!
//! Times: the rows' own times (`created_at`, `decided_at`, ...) are the simulated times of the
//! events (the assessment's day, the visit's check-in), so the same population always gives
//! the same table contents; only the audit entry carries the real time of the load.
//!
//! What differs from the normal path, knowingly: a claim's context sees the same specialist's
//! earlier visits of the same calendar month only (the generator gives each person's line its
//! own specialist, and no visit crosses into the next month's first visit).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ibis_core::agreement::{AgreementContext, AgreementInput};
use ibis_core::assessment::{
    AdultAssessmentInput, AdultDomainsInput, AssessmentInput, ChildAssessmentInput,
    ChildRatingsInput, ConsultationInput, PreAssessmentInput, RatingInput, SupportAssessmentInput,
    TeamMemberInput,
};
use ibis_core::catalogue::Unit;
use ibis_core::claim::{
    decide, AgreementTerms, CapUse, ClaimContext, ClaimLine, ClaimOutcome, Confirmation,
    EarlierClaim, Visit,
};
use ibis_core::decision::{notice, DecisionInput, DEFAULT_CONTEST_DAYS};
use ibis_core::generate::{GenBudget, GenPerson, Population, PLAN_GOALS};
use ibis_core::ledger::{balances, entries_for_approval, entries_for_decision, Entry};
use ibis_core::money::Quantity;
use ibis_core::outcome::{BudgetGroup, TargetGroup};
use ibis_core::plan::{
    cost, GoalInput, PlanContext, PlanInput, PlanLineInput, PlanState, ProviderFacts,
    SignatureInput,
};
use ibis_core::policy::{CapSpan, Policy, PolicySet};
use ibis_core::registry::PersonInput;
use ibis_core::review::{check_goal_reviews, GoalReviewInput};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use time::{Date, PrimitiveDateTime, Time};

use crate::spending::{allocation, budget_line};
use crate::sql::{date_text, encode, instant_text, values_list};
use crate::{audit, Auditor, Engine, Result, Store, StoreError, WriteTx};

/// How to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Load into a database that already has people (ids continue after the highest). Off by
    /// default: a generated population is meant for an empty database.
    pub allow_non_empty: bool,
    /// People per transaction (each transaction also holds their visits and claims).
    pub people_per_transaction: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            allow_non_empty: false,
            people_per_transaction: 500,
        }
    }
}

/// Rows written, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadCounts {
    /// Providers.
    pub providers: u64,
    /// Provider offers (service and price).
    pub offers: u64,
    /// People.
    pub persons: u64,
    /// Assessments (signed).
    pub assessments: u64,
    /// Budget decisions.
    pub decisions: u64,
    /// Plans (active).
    pub plans: u64,
    /// Plan lines.
    pub plan_lines: u64,
    /// Agreements.
    pub agreements: u64,
    /// Visits.
    pub visits: u64,
    /// Claims.
    pub claims: u64,
    /// Claims approved.
    pub claims_approved: u64,
    /// Claims held for review.
    pub claims_held: u64,
    /// Claims refused.
    pub claims_refused: u64,
    /// Reviews at the review date (each renews the assessments of the budgets in force).
    pub reviews: u64,
    /// Goals scored at review.
    pub goal_reviews: u64,
    /// Held claims reviewed and approved.
    pub held_approved: u64,
    /// Held claims reviewed and refused.
    pub held_refused: u64,
    /// Ledger entries.
    pub ledger_entries: u64,
}

fn invalid(field: &str, m: impl Into<String>) -> StoreError {
    StoreError::invalid(field, m)
}

fn field_errors(what: &str, errors: Vec<ibis_core::field::FieldError>) -> StoreError {
    StoreError::Invalid(
        errors
            .into_iter()
            .map(|e| ibis_core::field::FieldError::new(format!("{what}.{}", e.field), e.message))
            .collect(),
    )
}

/// A simulated instant on a day, as stored.
fn at(d: Date, hour: u8) -> String {
    instant_text(
        PrimitiveDateTime::new(d, Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc(),
    )
}

fn at_time(t: PrimitiveDateTime) -> String {
    instant_text(t.assume_utc())
}

// ---- Batched inserts -------------------------------------------------------------------------

/// A value to bind.
enum V {
    I(i64),
    OI(Option<i64>),
    T(String),
    OT(Option<String>),
    B(bool),
}

/// Rows waiting for one table, written as multi-row INSERTs.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    /// Whether the rows carry their own `id` (PostgreSQL needs `OVERRIDING SYSTEM VALUE`).
    explicit_id: bool,
    values: Vec<V>,
    written: u64,
}

/// Most bound values in one statement (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_BINDS: usize = 1_000;

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Batch {
            table,
            columns,
            explicit_id: columns.first() == Some(&"id"),
            values: Vec::new(),
            written: 0,
        }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.values.extend(row);
    }

    fn rows(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    async fn flush(&mut self, tx: &mut WriteTx) -> Result<()> {
        let n = self.columns.len();
        let per_statement = (MAX_BINDS / n).max(1);
        let values = std::mem::take(&mut self.values);
        let mut it = values.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<V> = it.by_ref().take(per_statement * n).collect();
            let rows = chunk.len() / n;
            let mut sql = format!("INSERT INTO {} ({})", self.table, self.columns.join(", "));
            if self.explicit_id && tx.engine() == Engine::Postgres {
                sql.push_str(" OVERRIDING SYSTEM VALUE");
            }
            sql.push_str(" VALUES ");
            sql.push_str(&values_list(tx.engine(), rows, n));
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = match v {
                    V::I(i) => q.bind(i),
                    V::OI(i) => q.bind(i),
                    V::T(s) => q.bind(s),
                    V::OT(s) => q.bind(s),
                    V::B(b) => q.bind(b),
                };
            }
            q.execute(&mut *tx.tx).await?;
            self.written += rows as u64;
        }
        Ok(())
    }
}

/// Every table's pending rows, flushed in the order the foreign keys need.
struct Tables {
    persons: Batch,
    assessments: Batch,
    decisions: Batch,
    plans: Batch,
    plan_versions: Batch,
    plan_signatures: Batch,
    goal_reviews: Batch,
    agreements: Batch,
    provider_clients: Batch,
    visits: Batch,
    claims: Batch,
    ledger: Batch,
    /// `monthly_anomalies` (see `crate::sums`), written per person.
    anomalies: Batch,
    /// `plan_gaps` (see `crate::sums`).
    plan_gaps: Batch,
}

impl Tables {
    fn new() -> Self {
        Tables {
            persons: Batch::new(
                "persons",
                &[
                    "id",
                    "personal_code",
                    "given_name",
                    "family_name",
                    "birth_date",
                    "target_group",
                    "municipality_code",
                    "living",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
            assessments: Batch::new(
                "assessments",
                &[
                    "id",
                    "person_id",
                    "kind",
                    "status",
                    "assessed_on",
                    "next_review_on",
                    "data",
                    "assessors",
                    "created_by",
                    "created_at",
                    "signed_by",
                    "signed_at",
                    "superseded_by",
                ],
            ),
            decisions: Batch::new(
                "budget_decisions",
                &[
                    "id",
                    "person_id",
                    "assessment_id",
                    "budget_group",
                    "level",
                    "period_from",
                    "period_to",
                    "proposed_cents",
                    "monthly_cents",
                    "override_reason",
                    "policy_id",
                    "policy_version",
                    "explanation",
                    "notice",
                    "decided_by",
                    "decided_on",
                    "decided_at",
                ],
            ),
            plans: Batch::new(
                "plans",
                &[
                    "id",
                    "person_id",
                    "decision_id",
                    "state",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            plan_versions: Batch::new(
                "plan_versions",
                &[
                    "plan_id",
                    "version",
                    "state",
                    "data",
                    "monthly_cost_cents",
                    "changed_by",
                    "changed_at",
                    "note",
                ],
            ),
            plan_signatures: Batch::new(
                "plan_signatures",
                &[
                    "plan_id",
                    "version",
                    "signer_name",
                    "role",
                    "signed_on",
                    "recorded_by",
                    "created_at",
                ],
            ),
            goal_reviews: Batch::new(
                "goal_reviews",
                &[
                    "plan_id",
                    "goal_index",
                    "attainment",
                    "note",
                    "reviewed_on",
                    "reviewed_by",
                    "created_at",
                ],
            ),
            agreements: Batch::new(
                "agreements",
                &[
                    "id",
                    "person_id",
                    "plan_id",
                    "decision_id",
                    "plan_line",
                    "provider_id",
                    "service",
                    "unit",
                    "period_from",
                    "period_to",
                    "data",
                    "created_by",
                    "created_at",
                ],
            ),
            provider_clients: Batch::new("provider_clients", &["provider_id", "person_id"]),
            visits: Batch::new(
                "visits",
                &[
                    "id",
                    "person_id",
                    "provider_id",
                    "specialist",
                    "start_at",
                    "end_at",
                    "kind",
                    "method",
                    "confirmation",
                    "data",
                    "created_at",
                    "updated_at",
                ],
            ),
            claims: Batch::new(
                "claims",
                &[
                    "provider_id",
                    "idempotency_key",
                    "agreement_id",
                    "person_id",
                    "budget_line",
                    "service_date",
                    "quantity_milli",
                    "unit_price_e4",
                    "visit_id",
                    "accepted",
                    "needs_review",
                    "amount_cents",
                    "co_payment_cents",
                    "decision",
                    "created_at",
                    "receipt",
                ],
            ),
            ledger: Batch::new(
                "ledger_entries",
                &[
                    "budget_line",
                    "kind",
                    "on_date",
                    "amount_cents",
                    "ref_id",
                    "created_at",
                ],
            ),
            anomalies: Batch::new(
                "monthly_anomalies",
                &["person_id", "month", "code", "anomalies"],
            ),
            plan_gaps: Batch::new(
                "plan_gaps",
                &[
                    "plan_id",
                    "version",
                    "line_no",
                    "service",
                    "status",
                    "barrier",
                    "period_from",
                    "period_to",
                ],
            ),
        }
    }

    fn pending(&self) -> usize {
        self.visits.rows() + self.claims.rows() + self.ledger.rows()
    }

    async fn flush(&mut self, tx: &mut WriteTx) -> Result<()> {
        for b in [
            &mut self.persons,
            &mut self.assessments,
            &mut self.decisions,
            &mut self.plans,
            &mut self.plan_versions,
            &mut self.plan_signatures,
            &mut self.goal_reviews,
            &mut self.agreements,
            &mut self.provider_clients,
            &mut self.visits,
            &mut self.claims,
            &mut self.ledger,
            &mut self.anomalies,
            &mut self.plan_gaps,
        ] {
            b.flush(tx).await?;
        }
        Ok(())
    }
}

// ---- Loading ---------------------------------------------------------------------------------

/// First free id of each table with ids the loader gives.
struct Ids {
    provider: i64,
    person: i64,
    assessment: i64,
    decision: i64,
    plan: i64,
    agreement: i64,
    visit: i64,
}

async fn next_id(store: &Store, table: &str) -> Result<i64> {
    let row = sqlx::query(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>(0)? + 1)
}

/// What the loader keeps of an agreement while deciding its claims.
struct AgreementState {
    id: i64,
    terms: AgreementTerms,
    decision_id: i64,
    budget: usize,
    service: String,
    level: String,
    policy: usize,
    /// Accepted units by month (year, month).
    used: BTreeMap<(i32, u8), Quantity>,
    /// Claims of the last day claimed (for duplicates on the same day).
    last_day: Vec<EarlierClaim>,
}

/// Loads a population generated under `policies` into `store`. Refuses a database that
/// already has people unless `options.allow_non_empty`. `progress` is called after every
/// transaction with the counts so far.
pub async fn load(
    store: &Store,
    population: &Population,
    policies: &PolicySet,
    options: &LoadOptions,
    progress: &mut (dyn FnMut(&LoadCounts) + Send),
) -> Result<LoadCounts> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM persons")
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    if existing > 0 && !options.allow_non_empty {
        return Err(StoreError::Forbidden(format!(
            "the database already has {existing} people; a generated population is loaded only into an empty database (use an empty database, or allow loading into a non-empty one)"
        )));
    }
    let mut ids = Ids {
        provider: next_id(store, "providers").await?,
        person: next_id(store, "persons").await?,
        assessment: next_id(store, "assessments").await?,
        decision: next_id(store, "budget_decisions").await?,
        plan: next_id(store, "plans").await?,
        agreement: next_id(store, "agreements").await?,
        visit: next_id(store, "visits").await?,
    };
    let provider_base = ids.provider - 1;
    let person_base = ids.person - 1;
    let who = Auditor::system("generate");
    let spec = &population.spec;
    let mut counts = LoadCounts::default();

    // The first transaction: the audit entry and the providers.
    let mut tx = store.begin().await?;
    audit::append(
        &mut tx,
        &who,
        "generate",
        "population",
        &spec.seed.to_string(),
        None,
        json!({
            "seed": spec.seed,
            "people": spec.people,
            "months": spec.months,
            "visits": population.visit_total,
            "as_of": spec.as_of.to_string(),
            "providers": population.providers.len(),
        }),
    )
    .await?;
    let offers_from = population.months[0].from;
    let mut providers = Batch::new(
        "providers",
        &["id", "register_no", "name", "kind", "iban", "created_at"],
    );
    let mut provider_munis = Batch::new(
        "provider_municipalities",
        &["provider_id", "municipality_code"],
    );
    let mut offers = Batch::new(
        "provider_services",
        &[
            "provider_id",
            "service_code",
            "price_e4",
            "valid_from",
            "valid_to",
            "created_at",
        ],
    );
    let kinds = ["ngo", "private", "municipal"];
    for p in &population.providers {
        let id = provider_base + i64::from(p.id);
        ids.provider = ids.provider.max(id + 1);
        providers.push(vec![
            V::I(id),
            V::T(format!("{}-{}", p.register_no, id)),
            V::T(p.name.clone()),
            V::T(kinds[(p.id as usize) % kinds.len()].into()),
            V::OT(Some(p.iban.clone())),
            V::T(at(offers_from, 8)),
        ]);
        provider_munis.push(vec![V::I(id), V::T(p.municipality.clone())]);
        for (service, price) in &p.offers {
            offers.push(vec![
                V::I(id),
                V::T(service.clone()),
                V::I(price.to_e4()),
                V::T(date_text(offers_from)),
                V::OT(None),
                V::T(at(offers_from, 8)),
            ]);
        }
    }
    providers.flush(&mut tx).await?;
    provider_munis.flush(&mut tx).await?;
    offers.flush(&mut tx).await?;
    counts.providers = providers.written;
    counts.offers = offers.written;

    let services: BTreeMap<String, (Unit, String)> = policies
        .catalogue
        .iter()
        .map(|t| (t.code.clone(), (t.unit, t.name_lv.clone())))
        .collect();
    let provider_facts: HashMap<u32, ProviderFacts> = population
        .providers
        .iter()
        .map(|p| {
            (
                p.id,
                ProviderFacts {
                    serves_person_municipality: true,
                    offers: p.offers.clone(),
                },
            )
        })
        .collect();

    let mut tables = Tables::new();
    let per_tx = options.people_per_transaction.max(1);
    // The people of the open transaction, by id (their monthly sums are written before it
    // commits).
    let mut tx_people: Option<(i64, i64)> = None;
    for (n, person) in population.persons.iter().enumerate() {
        let person_id = person_base + i64::from(person.id);
        tx_people = Some(match tx_people {
            Some((lo, hi)) => (lo.min(person_id), hi.max(person_id)),
            None => (person_id, person_id),
        });
        load_person(
            &mut tables,
            &mut ids,
            &mut counts,
            population,
            person,
            person_base,
            provider_base,
            policies,
            &services,
            &provider_facts,
            &who,
        )?;
        if tables.pending() > 50_000 {
            tables.flush(&mut tx).await?;
        }
        if (n + 1) % per_tx == 0 {
            tables.flush(&mut tx).await?;
            if let Some((lo, hi)) = tx_people.take() {
                crate::sums::sum_new_people(&mut tx, lo, hi).await?;
            }
            tx.commit().await?;
            progress(&counts);
            tx = store.begin().await?;
        }
    }
    tables.flush(&mut tx).await?;
    if let Some((lo, hi)) = tx_people.take() {
        crate::sums::sum_new_people(&mut tx, lo, hi).await?;
    }
    if store.engine() == Engine::Postgres {
        // Ids were given by the loader: move each identity past them.
        for t in [
            "providers",
            "persons",
            "assessments",
            "budget_decisions",
            "plans",
            "agreements",
            "visits",
        ] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .fetch_optional(&mut *tx.tx)
            .await?;
        }
    }
    tx.commit().await?;
    counts.ledger_entries = tables.ledger.written;
    progress(&counts);
    Ok(counts)
}

fn rating(r: u8, note: &str) -> Option<RatingInput> {
    Some(RatingInput {
        rating: r,
        note: note.into(),
    })
}

/// The assessment input the generated outcome stands for, assessed on `on` (the budget's
/// assessment, or a review).
fn assessment_input(b: &GenBudget, on: Date) -> Result<AssessmentInput> {
    let on = on.to_string();
    let o = &b.outcome;
    Ok(match o.group {
        BudgetGroup::ChildFt => {
            let r = o
                .ratings
                .ok_or_else(|| invalid("outcome.ratings", "a child's outcome needs ratings"))?;
            AssessmentInput::Child(ChildAssessmentInput {
                assessed_on: on,
                ratings: ChildRatingsInput {
                    physical: rating(r.physical, "Novērtēts dzīvesvietā."),
                    intellectual: rating(r.intellectual, "Novērtēts dzīvesvietā."),
                    social: rating(r.social, "Novērtēts dzīvesvietā."),
                    behaviour: rating(r.behaviour, "Novērtēts dzīvesvietā."),
                },
                instruments: Vec::new(),
                team: [
                    ("social-worker", "Sociālais darbinieks"),
                    ("psychologist", "Psihologs"),
                    ("occupational-therapist", "Ergoterapeits"),
                ]
                .iter()
                .map(|(role, name)| TeamMemberInput {
                    role: (*role).into(),
                    name: (*name).into(),
                })
                .collect(),
                pre_assessment: PreAssessmentInput {
                    impairment_type: "Funkcionāli traucējumi".into(),
                    technical_aids: String::new(),
                    education: String::new(),
                },
                place: "home".into(),
                consultations: vec![ConsultationInput {
                    topic: "Vecāku konsultācija".into(),
                    minutes: 60,
                }],
                next_review_on: None,
            })
        }
        BudgetGroup::AdultGrt => {
            let level = o.level.clone().unwrap_or_default();
            let r = match level.as_str() {
                "I" => 1,
                "II" => 2,
                "III" => 3,
                _ => 4,
            };
            AssessmentInput::Adult(AdultAssessmentInput {
                assessed_on: on,
                care_level: level,
                domains: AdultDomainsInput {
                    health: rating(r, ""),
                    self_care: rating(r, ""),
                    communication: rating(r, ""),
                    daily_living: rating(r, ""),
                },
                rationale: "Aprūpes līmenis pēc izvērtējuma.".into(),
                next_review_on: None,
            })
        }
        BudgetGroup::SupportPerson => AssessmentInput::Support(SupportAssessmentInput {
            assessed_on: on,
            level: o.level.clone().unwrap_or_default(),
            rationale: "Vajadzīgs atbalsts lēmumu pieņemšanā.".into(),
            next_review_on: None,
        }),
    })
}

fn find_policy<'a>(
    policies: &'a PolicySet,
    id: &str,
    version: &str,
) -> Result<(usize, &'a Policy)> {
    policies
        .policies
        .iter()
        .enumerate()
        .find(|(_, p)| p.id == id && p.version == version)
        .ok_or_else(|| invalid("policy", format!("policy {id} v{version} is not loaded")))
}

#[allow(clippy::too_many_arguments)]
fn load_person(
    t: &mut Tables,
    ids: &mut Ids,
    counts: &mut LoadCounts,
    population: &Population,
    person: &GenPerson,
    person_base: i64,
    provider_base: i64,
    policies: &PolicySet,
    services: &BTreeMap<String, (Unit, String)>,
    provider_facts: &HashMap<u32, ProviderFacts>,
    who: &Auditor,
) -> Result<()> {
    let person_id = person_base + i64::from(person.id);
    ids.person = ids.person.max(person_id + 1);
    // The anomalies of the person's held claims, by month and code (`monthly_anomalies`).
    let mut held: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
    let registered_on = person
        .budgets
        .first()
        .map(|b| b.assessed_on)
        .unwrap_or(population.months[0].from);
    let p = PersonInput {
        personal_code: person.personal_code.compact(),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        birth_date: person.birth_date.to_string(),
        target_group: person.target_group.code().into(),
        municipality: person.municipality.clone(),
        living: person.living.code().into(),
    }
    .check(registered_on)
    .map_err(|e| field_errors(&format!("person {}", person.id), e))?;
    t.persons.push(vec![
        V::I(person_id),
        V::T(p.personal_code.compact()),
        V::T(p.given_name.clone()),
        V::T(p.family_name.clone()),
        V::T(date_text(p.birth_date)),
        V::T(p.target_group.code().into()),
        V::T(p.municipality.clone()),
        V::T(p.living.code().into()),
        V::T(at(registered_on, 9)),
        V::T(at(registered_on, 9)),
        V::I(1),
    ]);
    counts.persons += 1;
    let name = format!("{} {}", p.given_name, p.family_name);

    let mut agreements: Vec<AgreementState> = Vec::new();
    // (budget index, line index) -> agreement index.
    let mut by_line: HashMap<(usize, usize), usize> = HashMap::new();
    let mut ledgers: Vec<(String, Vec<Entry>)> = Vec::new();
    let mut clients: BTreeSet<i64> = BTreeSet::new();

    // Assessment ids, in order: the budgets' assessments, then those renewed at review. A later
    // assessment of the same scheme supersedes the one before.
    let first_assessment = ids.assessment;
    let mut assessed: Vec<(Date, usize, i64)> = person
        .budgets
        .iter()
        .enumerate()
        .map(|(bi, b)| (b.assessed_on, bi, first_assessment + bi as i64))
        .collect();
    let mut review_ids: Vec<Vec<i64>> = Vec::with_capacity(person.reviews.len());
    let mut next = first_assessment + person.budgets.len() as i64;
    for r in &person.reviews {
        let mut these = Vec::with_capacity(r.budgets.len());
        for &bi in &r.budgets {
            assessed.push((r.on, bi, next));
            these.push(next);
            next += 1;
        }
        review_ids.push(these);
    }
    ids.assessment = next;
    let superseded_by = |id: i64| -> Option<i64> {
        let &(on, bi, _) = assessed.iter().find(|a| a.2 == id)?;
        let group = person.budgets[bi].outcome.group;
        assessed
            .iter()
            .filter(|(o, b, i)| person.budgets[*b].outcome.group == group && (*o, *i) > (on, id))
            .min_by_key(|(o, _, i)| (*o, *i))
            .map(|a| a.2)
    };
    let assessment_row = |t: &mut Tables,
                          b: &GenBudget,
                          on: Date,
                          assessment_id: i64|
     -> Result<ibis_core::assessment::Assessment> {
        // Signed (superseded once the next one of the scheme is signed).
        let a = assessment_input(b, on)?
            .check(p.birth_date, on)
            .map_err(|e| field_errors(&format!("person {} assessment", person.id), e))?;
        let superseded_by = superseded_by(assessment_id);
        t.assessments.push(vec![
            V::I(assessment_id),
            V::I(person_id),
            V::T(a.kind().into()),
            V::T(
                if superseded_by.is_some() {
                    "superseded"
                } else {
                    "signed"
                }
                .into(),
            ),
            V::T(date_text(a.assessed_on())),
            V::T(date_text(a.next_review_on())),
            V::T(encode(&a)?),
            V::T(encode(&vec![who.actor.clone()])?),
            V::OI(who.actor_id),
            V::T(at(on, 10)),
            V::OI(who.actor_id),
            V::OT(Some(at(on, 15))),
            V::OI(superseded_by),
        ]);
        Ok(a)
    };
    let mut plans: Vec<(i64, ibis_core::plan::Plan)> = Vec::with_capacity(person.budgets.len());
    for (bi, b) in person.budgets.iter().enumerate() {
        let assessment_id = first_assessment + bi as i64;
        let a = assessment_row(t, b, b.assessed_on, assessment_id)?;
        counts.assessments += 1;

        // Decision, as proposed by the policy on the period's first day.
        let outcome = a.outcome(Some(p.living));
        let budget = policies
            .compute(&outcome, b.period.from)
            .map_err(|e| invalid("outcome", format!("person {}: {e}", person.id)))?;
        let terms = DecisionInput {
            period_from: b.period.from.to_string(),
            period_to: b.period.to.map(|d| d.to_string()).unwrap_or_default(),
            amount_eur: None,
            override_reason: None,
        }
        .check(&budget)
        .map_err(|e| field_errors(&format!("person {} decision", person.id), e))?;
        let decided_on = b.assessed_on + time::Duration::days(7);
        let n = notice(&name, decided_on, &budget, &terms, DEFAULT_CONTEST_DAYS);
        let decision_id = ids.decision;
        ids.decision += 1;
        t.decisions.push(vec![
            V::I(decision_id),
            V::I(person_id),
            V::I(assessment_id),
            V::T(budget.group.code().into()),
            V::T(budget.level.clone()),
            V::T(date_text(terms.period.from)),
            V::T(terms.period.to.map(date_text).unwrap_or_default()),
            V::I(terms.proposed.cents()),
            V::I(terms.monthly_amount.cents()),
            V::OT(terms.override_reason.clone()),
            V::T(budget.policy.id.clone()),
            V::T(budget.policy.version.clone()),
            V::T(encode(&budget)?),
            V::T(encode(&n)?),
            V::OI(who.actor_id),
            V::T(date_text(decided_on)),
            V::T(at(decided_on, 11)),
        ]);
        counts.decisions += 1;
        let line_name = budget_line(decision_id);
        let alloc = allocation(decision_id, terms.monthly_amount, &terms.period, decided_on);
        push_entry(t, &alloc, at(decided_on, 11));
        ledgers.push((line_name, vec![alloc]));

        // Plan: created, signed (agreed), activated.
        let (policy_index, policy) =
            find_policy(policies, &budget.policy.id, &budget.policy.version)?;
        let tariff = policies.tariffs.get(&policy.tariff_table);
        let mut tariff_prices = BTreeMap::new();
        if let Some(tt) = tariff {
            for e in &tt.entries {
                if e.period.contains(terms.period.from) {
                    tariff_prices.entry(e.service.clone()).or_insert(e.price);
                }
            }
        }
        let ctx = PlanContext {
            budget_period: terms.period,
            monthly_budget: terms.monthly_amount,
            level: budget.level.clone(),
            policy,
            services: services.clone(),
            providers: b
                .lines
                .iter()
                .filter_map(|l| l.provider)
                .filter_map(|id| {
                    provider_facts
                        .get(&id)
                        .map(|f| (provider_base + i64::from(id), f.clone()))
                })
                .collect(),
            tariff_prices,
        };
        let input = PlanInput {
            period_from: terms.period.from.to_string(),
            period_to: terms.period.to.map(|d| d.to_string()).unwrap_or_default(),
            goals: PLAN_GOALS
                .iter()
                .map(|(term, child, adult)| GoalInput {
                    term: (*term).into(),
                    text: match person.target_group {
                        TargetGroup::ChildFt => (*child).into(),
                        TargetGroup::AdultGrt => (*adult).into(),
                    },
                })
                .collect(),
            needs: "Atbalsts ikdienas dzīvē un sociālā rehabilitācija.".into(),
            lines: b
                .lines
                .iter()
                .map(|l| PlanLineInput {
                    service: l.service.clone(),
                    quantity_per_month: l.quantity_per_month.to_string(),
                    provider_id: l.provider.map(|id| provider_base + i64::from(id)),
                    funding: l.funding.code().into(),
                    status: l.status.code().into(),
                    barrier: l.barrier.clone(),
                })
                .collect(),
            tasks: Vec::new(),
        };
        let plan = input
            .check(&ctx)
            .map_err(|e| field_errors(&format!("person {} plan", person.id), e))?;
        let monthly_cost = cost(&plan, &ctx).total;
        let signed_on = decided_on + time::Duration::days(3);
        let signature = SignatureInput {
            signer_name: match person.target_group {
                TargetGroup::ChildFt => format!("{} (likumiskais pārstāvis)", p.family_name),
                TargetGroup::AdultGrt => name.clone(),
            },
            role: match person.target_group {
                TargetGroup::ChildFt => "representative".into(),
                TargetGroup::AdultGrt => "person".into(),
            },
            signed_on: signed_on.to_string(),
        }
        .check(signed_on)
        .map_err(|e| field_errors(&format!("person {} signature", person.id), e))?;
        let plan_id = ids.plan;
        ids.plan += 1;
        let plan_json = encode(&plan)?;
        let mut steps = vec![
            (1, PlanState::Draft, "created", decided_on),
            (2, PlanState::Agreed, "agreed", signed_on),
            (3, PlanState::Active, "active", signed_on),
        ];
        // A plan whose period has ended by `as_of` is closed on its last day.
        if let Some(to) = plan.period.to.filter(|to| *to <= population.spec.as_of) {
            steps.push((4, PlanState::Closed, "closed", to - time::Duration::days(1)));
        }
        let (last_version, last_state, _, last_day) = steps[steps.len() - 1];
        for (version, state, note, day) in steps {
            t.plan_versions.push(vec![
                V::I(plan_id),
                V::I(version),
                V::T(state.code().into()),
                V::T(plan_json.clone()),
                V::I(monthly_cost.cents()),
                V::T(who.actor.clone()),
                V::T(at(day, 12 + version as u8)),
                V::T(note.into()),
            ]);
            for g in crate::sums::gap_rows(&plan) {
                t.plan_gaps.push(vec![
                    V::I(plan_id),
                    V::I(version),
                    V::I(g.line_no),
                    V::T(g.service),
                    V::T(g.status.into()),
                    V::OT(g.barrier),
                    V::T(g.period_from),
                    V::T(g.period_to),
                ]);
            }
        }
        t.plans.push(vec![
            V::I(plan_id),
            V::I(person_id),
            V::I(decision_id),
            V::T(last_state.code().into()),
            V::I(last_version),
            V::T(at(decided_on, 13)),
            V::T(at(last_day, 12 + last_version as u8)),
        ]);
        t.plan_signatures.push(vec![
            V::I(plan_id),
            V::I(1),
            V::T(signature.signer_name.clone()),
            V::T(signature.role.code().into()),
            V::T(date_text(signature.signed_on)),
            V::T(who.actor.clone()),
            V::T(at(signed_on, 14)),
        ]);
        counts.plans += 1;
        plans.push((plan_id, plan.clone()));
        counts.plan_lines += plan.lines.len() as u64;

        // Agreements for the lines received from the budget.
        for (li, l) in b.lines.iter().enumerate() {
            if !l.is_billable() {
                continue;
            }
            let (Some(provider), Some(price)) = (l.provider, l.unit_price) else {
                continue;
            };
            let provider_id = provider_base + i64::from(provider);
            let tariff_price = tariff
                .and_then(|tt| tt.price_on(&l.service, None, plan.period.from).ok())
                .map(|e| e.price);
            let agreement = AgreementInput {
                plan_line: li,
                provider_id,
                service: l.service.clone(),
                unit_price_eur: price.to_string(),
                period_from: plan.period.from.to_string(),
                period_to: plan.period.to.map(|d| d.to_string()).unwrap_or_default(),
                quantity_per_month: l.quantity_per_month.to_string(),
                payee: None,
            }
            .check(&AgreementContext {
                plan_period: plan.period,
                plan_lines: &plan.lines,
                tariff_price,
                other_agreements: &[],
            })
            .map_err(|e| field_errors(&format!("person {} agreement", person.id), e))?;
            let agreement_id = ids.agreement;
            ids.agreement += 1;
            t.agreements.push(vec![
                V::I(agreement_id),
                V::I(person_id),
                V::I(plan_id),
                V::I(decision_id),
                V::I(li as i64),
                V::I(provider_id),
                V::T(agreement.service.clone()),
                V::T(l.unit.code().into()),
                V::T(date_text(agreement.period.from)),
                V::T(agreement.period.to.map(date_text).unwrap_or_default()),
                V::T(encode(&agreement)?),
                V::T(who.actor.clone()),
                V::T(at(signed_on, 16)),
            ]);
            counts.agreements += 1;
            if clients.insert(provider_id) {
                t.provider_clients
                    .push(vec![V::I(provider_id), V::I(person_id)]);
            }
            by_line.insert((bi, li), agreements.len());
            agreements.push(AgreementState {
                id: agreement_id,
                terms: AgreementTerms::of(agreement_id, person_id, l.unit, &agreement),
                decision_id,
                budget: bi,
                service: agreement.service.clone(),
                level: budget.level.clone(),
                policy: policy_index,
                used: BTreeMap::new(),
                last_day: Vec::new(),
            });
        }
    }

    // Reviews at the review date: the budgets' assessments renewed (the same outcome), and each
    // goal of their plans scored, checked as the API checks them.
    for (r, these) in person.reviews.iter().zip(&review_ids) {
        for (&bi, &assessment_id) in r.budgets.iter().zip(these) {
            assessment_row(t, &person.budgets[bi], r.on, assessment_id)?;
            counts.assessments += 1;
        }
        for (bi, scores) in &r.goals {
            let (plan_id, plan) = &plans[*bi];
            if !plan.period.contains(r.on) {
                return Err(invalid(
                    "reviews",
                    format!(
                        "person {}: a review on {} outside the plan's period",
                        person.id, r.on
                    ),
                ));
            }
            let inputs: Vec<GoalReviewInput> = scores
                .iter()
                .enumerate()
                .map(|(goal_index, g)| GoalReviewInput {
                    goal_index,
                    attainment: g.score(),
                    note: "Novērtēts pārskatīšanā.".into(),
                })
                .collect();
            let reviews = check_goal_reviews(&inputs, plan.goals.len())
                .map_err(|e| field_errors(&format!("person {} goal review", person.id), e))?;
            for g in reviews {
                t.goal_reviews.push(vec![
                    V::I(*plan_id),
                    V::I(g.goal_index as i64),
                    V::I(i64::from(g.attainment.score())),
                    V::T(g.note.clone()),
                    V::T(date_text(r.on)),
                    V::T(who.actor.clone()),
                    V::T(at(r.on, 16)),
                ]);
                counts.goal_reviews += 1;
            }
        }
        counts.reviews += 1;
    }

    // Visits and claims, month by month, in time order; each claim decided by the core.
    // Units accepted per (service, year, month) for the person, for caps.
    let mut person_used: HashMap<(String, i32, u8), Quantity> = HashMap::new();
    // Reviews of held claims not yet applied: booked in day order, each before the claims of
    // its day, so every later claim sees the balance the review left.
    let mut pending: Vec<PendingReview> = Vec::new();
    for m in 0..population.months.len() {
        let visits = population.visits_of(person, m);
        let mut recorded: Vec<Visit> = Vec::with_capacity(visits.len());
        for gv in visits {
            apply_reviews(t, counts, &mut ledgers, &mut pending, Some(gv.service_date))?;
            let Some(&ai) = by_line.get(&(gv.budget, gv.line)) else {
                return Err(invalid(
                    "visits",
                    format!(
                        "person {}: a visit for a line without an agreement",
                        person.id
                    ),
                ));
            };
            let ag = &mut agreements[ai];
            let visit_id = ids.visit;
            ids.visit += 1;
            let visit = Visit {
                id: visit_id,
                person_id,
                provider_id: provider_base + i64::from(gv.provider),
                specialist: gv.specialist.clone(),
                start: gv.start,
                end: Some(gv.end),
                kind: gv.kind,
                method: gv.method,
                confirmation: gv.confirmation.clone(),
            };
            // As checked in (id not yet known) and, once answered, as updated.
            let data = if visit.confirmation == Confirmation::Unconfirmed {
                encode(&Visit {
                    id: 0,
                    ..visit.clone()
                })?
            } else {
                encode(&visit)?
            };
            t.visits.push(vec![
                V::I(visit_id),
                V::I(person_id),
                V::I(visit.provider_id),
                V::T(visit.specialist.clone()),
                V::T(visit.start.to_string()),
                V::OT(visit.end.map(|e| e.to_string())),
                V::T(visit.kind.code().into()),
                V::T(visit.method.code().into()),
                V::T(visit.confirmation.code().into()),
                V::T(data),
                V::T(at_time(visit.start)),
                V::T(at_time(gv.end)),
            ]);
            counts.visits += 1;

            let line = ClaimLine {
                idempotency_key: format!("gen-{visit_id}"),
                agreement_id: ag.id,
                service_date: gv.service_date,
                quantity: gv.quantity,
                unit_price: gv.unit_price,
                visit_id: Some(visit_id),
                receipt: None,
            };
            let month_key = (gv.service_date.year(), u8::from(gv.service_date.month()));
            if ag.last_day.first().map(|c| c.service_date) != Some(gv.service_date) {
                ag.last_day.clear();
            }
            let policy = &policies.policies[ag.policy];
            let caps: Vec<CapUse> = policy
                .caps_for(&ag.service, &ag.level)
                .map(|cap| {
                    let used = person_used
                        .iter()
                        .filter(|((s, y, mo), _)| {
                            cap.services.contains(s)
                                && *y == month_key.0
                                && (cap.per == CapSpan::Year || *mo == month_key.1)
                        })
                        .fold(Quantity::ZERO, |a, (_, q)| a + *q);
                    CapUse {
                        cap: cap.clone(),
                        used,
                    }
                })
                .collect();
            let (line_name, ledger) = &mut ledgers[ag.budget];
            let others: Vec<Visit> = recorded
                .iter()
                .filter(|o| {
                    o.provider_id == visit.provider_id
                        && o.specialist == visit.specialist
                        && o.start.date() >= gv.service_date - time::Duration::days(1)
                        && o.start.date() < gv.service_date + time::Duration::days(2)
                })
                .cloned()
                .collect();
            let ctx = ClaimContext {
                today: gv.service_date,
                agreement: Some(ag.terms.clone()),
                plan_active: vec![ag.terms.period],
                used_this_month: ag.used.get(&month_key).copied().unwrap_or(Quantity::ZERO),
                caps,
                remaining_balance: balances(ledger).remaining,
                earlier_claims: ag.last_day.clone(),
                visit: Some(visit.clone()),
                other_visits_same_specialist: others,
            };
            recorded.push(visit);
            let decision = match decide(&line, &ctx) {
                ClaimOutcome::Decided(d) => d,
                ClaimOutcome::Replay { idempotency_key } => {
                    return Err(invalid(
                        "claims",
                        format!("claim {idempotency_key} was decided as a replay"),
                    ))
                }
            };
            // As the normal path names it: `claim:{provider}:{key}`.
            let ref_id = format!("claim:{}:{}", ag.terms.provider_id, line.idempotency_key);
            let entries =
                entries_for_decision(ledger, &decision, line_name, &ref_id, gv.service_date)
                    .map_err(|m| invalid("claims", m))?;
            for e in &entries {
                push_entry(t, e, at(gv.service_date, 20));
            }
            ledger.extend(entries);
            if decision.accepted {
                *ag.used.entry(month_key).or_insert(Quantity::ZERO) =
                    ag.used.get(&month_key).copied().unwrap_or(Quantity::ZERO) + line.quantity;
                let k = (ag.service.clone(), month_key.0, month_key.1);
                let prev = person_used.get(&k).copied().unwrap_or(Quantity::ZERO);
                person_used.insert(k, prev + line.quantity);
                if decision.needs_review {
                    counts.claims_held += 1;
                } else {
                    counts.claims_approved += 1;
                }
            } else {
                counts.claims_refused += 1;
            }
            if let (true, true, Some(review)) =
                (decision.accepted, decision.needs_review, gv.review)
            {
                pending.push(PendingReview {
                    on: review.on,
                    approve: review.approve,
                    budget: ag.budget,
                    ref_id: ref_id.clone(),
                });
            }
            ag.last_day.push(EarlierClaim::of(&line, decision.accepted));
            for (code, n) in crate::sums::held_anomalies(&decision) {
                *held
                    .entry((crate::sums::month_text(gv.service_date), code))
                    .or_insert(0) += n;
            }
            let decision_json = serde_json::to_value(&decision)
                .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
            t.claims.push(vec![
                V::I(ag.terms.provider_id),
                V::T(line.idempotency_key.clone()),
                V::OI(Some(ag.id)),
                V::OI(Some(person_id)),
                V::OT(Some(budget_line(ag.decision_id))),
                V::T(date_text(line.service_date)),
                V::I(line.quantity.milli() as i64),
                V::I(line.unit_price.to_e4()),
                V::OI(line.visit_id),
                V::B(decision.accepted),
                V::B(decision.needs_review),
                V::I(decision.amount.cents()),
                V::I(decision.co_payment.cents()),
                V::T(decision_json.to_string()),
                V::T(at(gv.service_date, 20)),
                V::OT(None),
            ]);
            counts.claims += 1;
        }
    }
    apply_reviews(t, counts, &mut ledgers, &mut pending, None)?;
    for ((month, code), n) in held {
        t.anomalies.push(vec![
            V::I(person_id),
            V::T(month),
            V::T(code.into()),
            V::I(n),
        ]);
    }
    Ok(())
}

/// A review of a held claim waiting to be booked.
struct PendingReview {
    on: Date,
    approve: bool,
    /// Index into the person's budgets (and ledgers).
    budget: usize,
    ref_id: String,
}

/// Books the pending reviews dated on or before `until` (all of them for `None`), in day order,
/// through the same core function as the case manager's review (`entries_for_approval`).
fn apply_reviews(
    t: &mut Tables,
    counts: &mut LoadCounts,
    ledgers: &mut [(String, Vec<Entry>)],
    pending: &mut Vec<PendingReview>,
    until: Option<Date>,
) -> Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let (mut due, rest): (Vec<_>, Vec<_>) = std::mem::take(pending)
        .into_iter()
        .partition(|r| until.is_none_or(|d| r.on <= d));
    *pending = rest;
    due.sort_by_key(|r| r.on);
    for r in due {
        let (line_name, ledger) = &mut ledgers[r.budget];
        let entries = entries_for_approval(ledger, line_name, &r.ref_id, r.approve, r.on)
            .map_err(|m| invalid("claims", m))?;
        for e in &entries {
            push_entry(t, e, at(r.on, 10));
        }
        ledger.extend(entries);
        if r.approve {
            counts.held_approved += 1;
        } else {
            counts.held_refused += 1;
        }
    }
    Ok(())
}

fn push_entry(t: &mut Tables, e: &Entry, created_at: String) {
    t.ledger.push(vec![
        V::T(e.budget_line.clone()),
        V::T(e.kind.code().into()),
        V::T(date_text(e.on)),
        V::I(e.amount.cents()),
        V::T(e.ref_id.clone()),
        V::T(created_at),
    ]);
}
