//! The policy simulator's records: drafts of policy and tariff files kept as data, their
//! adoption from a day (both append-only), and the population a simulation runs over: each
//! person's budget decision in force on a day, read within the caller's scope and audited.

use ibis_core::access::Scope;
use ibis_core::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome};
use ibis_core::simulate::Subject;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use crate::sql::{date_text, decode, encode, int, now_text, text};
use crate::{audit, Auditor, Result, Store, StoreError};

/// A draft as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PolicyDraftRow {
    /// Id.
    pub id: i64,
    /// What the draft is about.
    pub title: String,
    /// The files, `[name, text]`, in the format of `policies/`.
    pub files: Vec<(String, String)>,
    /// Who saved it.
    pub created_by_name: String,
    /// When.
    pub created_at: String,
    /// The day it was adopted from, if it was.
    pub adopted_from: Option<String>,
}

/// An adoption as kept.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PolicyAdoptionRow {
    /// Id.
    pub id: i64,
    /// The draft adopted.
    pub draft_id: i64,
    /// The first day the adopted versions are in force.
    pub valid_from: String,
    /// What it put in force.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    /// Who adopted it.
    pub adopted_by_name: String,
    /// When.
    pub adopted_at: String,
}

fn draft_row(r: &AnyRow) -> Result<PolicyDraftRow> {
    Ok(PolicyDraftRow {
        id: int(r, "id")?,
        title: text(r, "title")?,
        files: decode(&text(r, "files")?)?,
        created_by_name: text(r, "created_by_name")?,
        created_at: text(r, "created_at")?,
        adopted_from: crate::sql::opt_text(r, "adopted_from")?,
    })
}

fn adoption_row(r: &AnyRow) -> Result<PolicyAdoptionRow> {
    Ok(PolicyAdoptionRow {
        id: int(r, "id")?,
        draft_id: int(r, "draft_id")?,
        valid_from: text(r, "valid_from")?,
        summary: decode(&text(r, "summary")?)?,
        adopted_by_name: text(r, "adopted_by_name")?,
        adopted_at: text(r, "adopted_at")?,
    })
}

const DRAFT_SELECT: &str = "SELECT d.*, a.valid_from AS adopted_from FROM policy_drafts d \
     LEFT JOIN policy_adoptions a ON a.draft_id = d.id";

/// Who a simulation's population is read for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PopulationScope {
    /// The people in a scope, each named by their record id (the reads are audited per
    /// person).
    People(Scope),
    /// Everyone, for aggregates only: no person is named (`person` is left empty) and one
    /// audit entry records the read.
    Aggregates,
}

/// The outcome a stored explained budget was computed from (its group, level or a child's
/// ratings, living situation), or `None` if the stored explanation is not one.
fn outcome_of_explanation(v: &serde_json::Value) -> Option<Outcome> {
    let group: BudgetGroup = v["group"].as_str()?.parse().ok()?;
    let living: Option<LivingSituation> = v["living"].as_str().and_then(|l| l.parse().ok());
    let basis = &v["level_basis"];
    match basis["kind"].as_str()? {
        "score" => Some(Outcome {
            group,
            level: None,
            living,
            ratings: Some(serde_json::from_value::<DomainRatings>(basis["ratings"].clone()).ok()?),
        }),
        _ => Some(Outcome {
            group,
            level: Some(basis["level"].as_str().or(v["level"].as_str())?.to_owned()),
            living,
            ratings: None,
        }),
    }
}

impl Store {
    /// Keeps a draft (already checked by the caller); returns its id.
    pub async fn save_policy_draft(
        &self,
        who: &Auditor,
        title: &str,
        files: &[(String, String)],
    ) -> Result<i64> {
        if title.trim().is_empty() {
            return Err(StoreError::invalid("title", "must not be empty"));
        }
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO policy_drafts (title, files, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(title.trim())
        .bind(encode(&files)?)
        .bind(who.actor_id)
        .bind(&who.actor)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let id = int(&row, "id")?;
        audit::append(
            &mut tx,
            who,
            "create",
            "policy-draft",
            &id.to_string(),
            None,
            json!({"title": title.trim(), "files": files.iter().map(|f| &f.0).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every draft, newest first.
    pub async fn policy_drafts(&self) -> Result<Vec<PolicyDraftRow>> {
        sqlx::query(&format!("{DRAFT_SELECT} ORDER BY d.id DESC"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(draft_row)
            .collect()
    }

    /// One draft.
    pub async fn policy_draft(&self, id: i64) -> Result<PolicyDraftRow> {
        let row = sqlx::query(&format!("{DRAFT_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        draft_row(&row)
    }

    /// Records that a draft is adopted from a day (the caller has checked that it can be);
    /// a draft is adopted at most once.
    pub async fn adopt_policy_draft(
        &self,
        who: &Auditor,
        draft_id: i64,
        from: time::Date,
        summary: &serde_json::Value,
    ) -> Result<PolicyAdoptionRow> {
        let mut tx = self.begin().await?;
        let taken = sqlx::query("SELECT valid_from FROM policy_adoptions WHERE draft_id = $1")
            .bind(draft_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if let Some(r) = taken {
            return Err(StoreError::invalid(
                "draft",
                format!(
                    "this draft was already adopted from {}; save a new draft to change the policy again",
                    text(&r, "valid_from")?
                ),
            ));
        }
        let row = sqlx::query(
            "INSERT INTO policy_adoptions (draft_id, valid_from, summary, adopted_by, adopted_by_name, adopted_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        )
        .bind(draft_id)
        .bind(date_text(from))
        .bind(encode(summary)?)
        .bind(who.actor_id)
        .bind(&who.actor)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let a = adoption_row(&row)?;
        audit::append(
            &mut tx,
            who,
            "adopt",
            "policy-draft",
            &draft_id.to_string(),
            None,
            json!({"valid_from": a.valid_from, "summary": summary}),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Every adoption with its draft's files, in the order they were made (to put them in
    /// force again when a server starts).
    pub async fn policy_adoptions(
        &self,
    ) -> Result<Vec<(PolicyAdoptionRow, Vec<(String, String)>)>> {
        sqlx::query(
            "SELECT a.*, d.files FROM policy_adoptions a JOIN policy_drafts d ON d.id = a.draft_id ORDER BY a.id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((adoption_row(r)?, decode(&text(r, "files")?)?)))
        .collect()
    }

    /// The population of a simulation on a day: everyone with a budget decision in force that
    /// day, with the outcome it was decided on and their municipality. Reading it is audited:
    /// one entry per person named, or one entry for an aggregates-only read.
    pub async fn simulation_population(
        &self,
        who: &Auditor,
        scope: &PopulationScope,
        on: time::Date,
    ) -> Result<Vec<Subject>> {
        let day = date_text(on);
        let in_force = "d.period_from <= $1 AND (d.period_to = '' OR d.period_to > $1) \
             AND d.id = (SELECT d2.id FROM budget_decisions d2 WHERE d2.person_id = p.id \
             AND d2.period_from <= $1 AND (d2.period_to = '' OR d2.period_to > $1) \
             ORDER BY d2.period_from DESC, d2.id DESC LIMIT 1)";
        let base = "SELECT p.id, p.municipality_code, d.explanation FROM persons p \
             JOIN budget_decisions d ON d.person_id = p.id";
        let rows = match scope {
            PopulationScope::People(s) => {
                let sql = format!(
                    "{base} WHERE {in_force} AND {} ORDER BY p.id",
                    crate::registry::scope_sql(s, 2)
                );
                crate::registry::bind_scope(sqlx::query(&sql).bind(&day), s)
                    .fetch_all(self.pool())
                    .await?
            }
            PopulationScope::Aggregates => {
                sqlx::query(&format!("{base} WHERE {in_force} ORDER BY p.id"))
                    .bind(&day)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        let mut subjects = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            let explanation: serde_json::Value = decode(&text(r, "explanation")?)?;
            let Some(outcome) = outcome_of_explanation(&explanation) else {
                continue;
            };
            let id = int(r, "id")?;
            ids.push(id);
            subjects.push(Subject {
                person: match scope {
                    PopulationScope::People(_) => id.to_string(),
                    PopulationScope::Aggregates => String::new(),
                },
                municipality: text(r, "municipality_code")?,
                outcome,
            });
        }
        let mut tx = self.begin().await?;
        match scope {
            PopulationScope::People(_) => {
                for id in &ids {
                    audit::append(
                        &mut tx,
                        who,
                        "read",
                        "budget-simulation",
                        &id.to_string(),
                        Some(*id),
                        json!({"on": day}),
                    )
                    .await?;
                }
            }
            PopulationScope::Aggregates => {
                audit::append(
                    &mut tx,
                    who,
                    "read",
                    "budget-simulation",
                    "aggregates",
                    None,
                    json!({"on": day, "people": ids.len()}),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(subjects)
    }
}
