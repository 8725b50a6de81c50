//! The policy simulator on the server: the policies in force (the files the server was started
//! with, plus every draft adopted since, each from its day), drafts kept as data, simulations
//! over the current population in the caller's scope, and adoption. The rules are in
//! `ibis_core::simulate`; this module checks who may do what, reads the store, and keeps the
//! set in force up to date.

use std::ops::Deref;
use std::sync::{Arc, RwLock};

use ibis_core::access::{Action, Role, Scope};
use ibis_core::catalogue::Catalogue;
use ibis_core::field::FieldError;
use ibis_core::policy::{PolicySet, PolicySetError, BUILTIN_FILES};
use ibis_core::simulate::{self, ChangeSummary, Simulation};
use ibis_store::simulator::{PolicyAdoptionRow, PolicyDraftRow, PopulationScope};
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// Roles that may save drafts and see simulations of them.
pub const DRAFT_ROLES: &[Role] = Action::DraftPolicy.roles();

/// Roles that may run a simulation: approvers and social workers over their municipality's
/// people (named), analysts and administrators over everyone (aggregates only).
pub const SIMULATE_ROLES: &[Role] = Action::Simulate.roles();

/// Roles that may adopt a draft as a new policy version.
pub const ADOPT_ROLES: &[Role] = Action::AdoptPolicy.roles();

/// The allocation policies a server computes budgets with: the set it was started with and,
/// on top, every draft adopted since (each in force from its own day). Dereferences to the
/// set in force, so handlers use it as a `PolicySet`.
///
/// An adoption installs a new set. Sets are shared by reference for the life of the process
/// (each adoption keeps one more set in memory: adoptions are rare, deliberate acts), which
/// lets a handler borrow the set in force without holding a lock. Another server on the same
/// PostgreSQL database sees an adoption when it starts or when it next adopts.
#[derive(Clone)]
pub struct Policies {
    inner: Arc<Inner>,
}

struct Inner {
    base: Arc<PolicySet>,
    base_files: Vec<(String, String)>,
    adopted: RwLock<Option<&'static PolicySet>>,
    /// One adoption at a time on this server.
    adopting: tokio::sync::Mutex<()>,
}

impl Policies {
    /// The set loaded from `files` (the shipped files, or those of `--policies DIR`); drafts
    /// are laid over the same files.
    pub fn with_files(base: Arc<PolicySet>, files: Vec<(String, String)>) -> Self {
        Policies {
            inner: Arc::new(Inner {
                base,
                base_files: files,
                adopted: RwLock::new(None),
                adopting: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The set the server was started with, without adoptions.
    pub fn base(&self) -> &PolicySet {
        &self.inner.base
    }

    /// The files the server's set was loaded from.
    pub fn base_files(&self) -> &[(String, String)] {
        &self.inner.base_files
    }

    fn install(&self, set: PolicySet) {
        let set: &'static PolicySet = Box::leak(Box::new(set));
        *self
            .inner
            .adopted
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(set);
    }
}

impl Deref for Policies {
    type Target = PolicySet;

    fn deref(&self) -> &PolicySet {
        let adopted = *self
            .inner
            .adopted
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match adopted {
            Some(set) => set,
            None => &self.inner.base,
        }
    }
}

/// The shipped set (a set loaded from the shipped files).
impl From<Arc<PolicySet>> for Policies {
    fn from(set: Arc<PolicySet>) -> Self {
        Policies::with_files(
            set,
            BUILTIN_FILES
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
        )
    }
}

/// The set the server started with, with every adoption in the database applied in order.
async fn replay(state: &AppState) -> Result<PolicySet, String> {
    let mut adoptions = Vec::new();
    for (a, files) in state
        .store
        .policy_adoptions()
        .await
        .map_err(|e| e.to_string())?
    {
        adoptions.push(simulate::Adoption {
            from: ibis_core::policy::parse_date(&a.valid_from)?,
            files,
        });
    }
    simulate::in_force(
        state.policies.base(),
        state.policies.base_files(),
        &adoptions,
    )
}

/// Puts every adoption recorded in the database in force (called when the server starts).
/// Returns how many there were.
pub async fn load_adopted(state: &AppState) -> Result<usize, String> {
    let n = state
        .store
        .policy_adoptions()
        .await
        .map_err(|e| e.to_string())?
        .len();
    if n > 0 {
        let set = replay(state).await?;
        state.policies.install(set);
    }
    Ok(n)
}

fn load(policies: &Policies, files: Vec<(String, String)>) -> Result<PolicySet, PolicySetError> {
    simulate::load_draft(Catalogue::builtin()?, policies.base_files().to_vec(), files)
}

fn require(caller: &Caller, roles: &[Role], what: &str) -> Result<(), ApiError> {
    if roles.contains(&caller.user.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the role {} may not {what}",
            caller.user.role
        )))
    }
}

/// One file of a draft.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftFile {
    /// The file's name, e.g. `tariffs/lv-ib.toml`; a file of the same name, or of the same
    /// kind and id, in the policies in force is replaced by it.
    pub name: String,
    /// The file's text, in the format of `policies/`.
    pub text: String,
}

/// A draft to keep.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// What the draft is about.
    pub title: String,
    /// Its files.
    pub files: Vec<DraftFile>,
}

/// The problems of a draft's files, each named by file and field.
fn file_errors(e: PolicySetError) -> ApiError {
    match e {
        PolicySetError::Files(files) => ApiError::invalid(
            files
                .into_iter()
                .flat_map(|f| {
                    let file = f.file;
                    f.issues.into_iter().map(move |i| {
                        FieldError::new(format!("files: {file}: {}", i.field), i.message)
                    })
                })
                .collect(),
        ),
        other => ApiError::invalid(vec![FieldError::new("files", other.to_string())]),
    }
}

/// Checks a draft (its files laid over the policies in force must load) and keeps it.
pub async fn save_draft(
    state: &AppState,
    caller: &Caller,
    input: DraftInput,
) -> Result<PolicyDraftRow, ApiError> {
    require(caller, DRAFT_ROLES, "save policy drafts")?;
    let mut problems = Vec::new();
    // The same rule as every other stored text: required, bounded, no control characters
    // (a NUL cannot be stored in PostgreSQL text).
    ibis_core::registry::required_text("title", &input.title, 200, &mut problems);
    for (i, f) in input.files.iter().enumerate() {
        ibis_core::registry::required_text(
            &format!("files[{}].name", i + 1),
            &f.name,
            200,
            &mut problems,
        );
        if f.text.trim().is_empty() {
            problems.push(FieldError::new(
                format!("files[{}].text", i + 1),
                "must not be empty",
            ));
        } else if f.text.contains('\0') {
            problems.push(FieldError::new(
                format!("files[{}].text", i + 1),
                "must not contain a NUL character",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let files: Vec<(String, String)> = input
        .files
        .into_iter()
        .map(|f| (f.name.trim().to_owned(), f.text))
        .collect();
    load(&state.policies, files.clone()).map_err(file_errors)?;
    let id = state
        .store
        .save_policy_draft(&caller.auditor(), &input.title, &files)
        .await?;
    Ok(state.store.policy_draft(id).await?)
}

/// Every draft (for the roles that may see drafts).
pub async fn drafts(state: &AppState, caller: &Caller) -> Result<Vec<PolicyDraftRow>, ApiError> {
    require(caller, SIMULATE_ROLES, "see policy drafts")?;
    Ok(state.store.policy_drafts().await?)
}

/// The most synthetic people a simulation in the server may ask for.
pub const MAX_SYNTHETIC_PEOPLE: u32 = 50_000;

/// Whom a simulation runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    /// The people with a budget decision in force on the day, in the caller's scope.
    Current,
    /// A synthetic population from the generator (the documents' proportions), seeded.
    Synthetic {
        /// How many people.
        people: u32,
        /// The seed.
        seed: u64,
    },
}

impl Population {
    /// The population named by `population` (`current`, the default, or `synthetic`), with
    /// `people` and `seed` for a synthetic one; the error names the field.
    pub fn parse(
        population: Option<&str>,
        people: Option<u32>,
        seed: Option<u64>,
    ) -> Result<Self, FieldError> {
        match population.unwrap_or("current") {
            "current" => Ok(Population::Current),
            "synthetic" => {
                let people = people.unwrap_or(1000);
                if people == 0 || people > MAX_SYNTHETIC_PEOPLE {
                    return Err(FieldError::new(
                        "people",
                        format!("{people} is not allowed; give 1 to {MAX_SYNTHETIC_PEOPLE} people"),
                    ));
                }
                Ok(Population::Synthetic {
                    people,
                    seed: seed.unwrap_or(1),
                })
            }
            other => Err(FieldError::new(
                "population",
                format!("\"{other}\" is not allowed; allowed: current, synthetic"),
            )),
        }
    }
}

/// A simulation of a draft as the API and the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SimulationReport {
    /// The draft.
    pub draft_id: i64,
    /// Its title.
    pub title: String,
    /// The day it was adopted from, if it was.
    pub adopted_from: Option<String>,
    /// The day simulated.
    pub on: String,
    /// `current` (the people with a budget in force) or `synthetic`.
    pub population: String,
    /// What the draft changes against the policies in force that day.
    #[schema(value_type = Object)]
    pub changes: ChangeSummary,
    /// The simulation: totals, by municipality, by level, and each person (none for an
    /// aggregates-only view of the current population).
    #[schema(value_type = Object)]
    pub simulation: Simulation,
}

/// The set a draft gives on a day: the set in force with the draft's changes from that day.
fn draft_set(
    state: &AppState,
    draft: &PolicyDraftRow,
    on: time::Date,
) -> Result<(PolicySet, ChangeSummary), ApiError> {
    let loaded = load(&state.policies, draft.files.clone()).map_err(file_errors)?;
    let changes = simulate::draft_changes(state.policies.base(), &loaded, on);
    let summary = changes.summary(&state.policies, on);
    let set = simulate::apply_changes(&state.policies, &changes, on)
        .map_err(|e| ApiError::invalid(vec![FieldError::new("on", e.to_string())]))?;
    Ok((set, summary))
}

/// Runs a draft on a day over the current population (approvers and social workers: their
/// municipality's people, each named by record id; analysts and administrators: everyone,
/// aggregates only, groups under 5 people withheld) or over a synthetic population (every
/// synthetic person shown, to every role).
pub async fn run(
    state: &AppState,
    caller: &Caller,
    draft_id: i64,
    on: time::Date,
    population: Population,
) -> Result<SimulationReport, ApiError> {
    require(caller, SIMULATE_ROLES, "run policy simulations")?;
    let draft = state.store.policy_draft(draft_id).await?;
    let (set, changes) = draft_set(state, &draft, on)?;
    let simulation = match population {
        Population::Current => {
            let named = matches!(caller.scope(), Scope::Municipality(_));
            let scope = if named {
                PopulationScope::People(caller.scope())
            } else {
                PopulationScope::Aggregates
            };
            let subjects = state
                .store
                .simulation_population(&caller.auditor(), &scope, on)
                .await?;
            let s = simulate::simulate(&state.policies, &set, &subjects, on);
            if named {
                s
            } else {
                s.aggregates_only()
            }
        }
        Population::Synthetic { people, seed } => {
            let policies = state.policies.clone();
            tokio::task::spawn_blocking(move || {
                let spec = ibis_core::generate::GenerateSpec::new(seed, people, 1, on);
                let population = ibis_core::generate::generate(&spec, &policies)
                    .map_err(|e| ApiError::invalid(vec![FieldError::new(e.field, e.message)]))?;
                let subjects = simulate::synthetic_subjects(&population);
                Ok::<_, ApiError>(simulate::simulate(&policies, &set, &subjects, on))
            })
            .await
            .map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "server",
                    e.to_string(),
                )
            })??
        }
    };
    Ok(SimulationReport {
        draft_id: draft.id,
        title: draft.title,
        adopted_from: draft.adopted_from,
        on: on.to_string(),
        population: match population {
            Population::Current => "current".into(),
            Population::Synthetic { .. } => "synthetic".into(),
        },
        changes,
        simulation,
    })
}

/// What an adoption put in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AdoptionReport {
    /// The adoption as kept.
    pub adoption: PolicyAdoptionRow,
    /// What it changed.
    #[schema(value_type = Object)]
    pub changes: ChangeSummary,
}

/// Adopts a draft as a new policy version from a day (approvers; today or later). From that
/// day, budgets are computed with it; budgets for earlier days, and every decided budget, stay
/// as they were.
pub async fn adopt(
    state: &AppState,
    caller: &Caller,
    draft_id: i64,
    from: time::Date,
) -> Result<AdoptionReport, ApiError> {
    require(caller, ADOPT_ROLES, "adopt policies")?;
    let today = crate::today();
    if from < today {
        return Err(ApiError::invalid(vec![FieldError::new(
            "from",
            format!("{from} is in the past; a policy is adopted from today ({today}) or later"),
        )]));
    }
    let _one = state.policies.inner.adopting.lock().await;
    let draft = state.store.policy_draft(draft_id).await?;
    let (_, changes) = draft_set(state, &draft, from)?;
    if changes.policies.is_empty() && changes.prices.is_empty() && changes.new_tables.is_empty() {
        return Err(ApiError::invalid(vec![FieldError::new(
            "draft",
            format!("the draft changes nothing in the policies in force on {from}"),
        )]));
    }
    let summary = serde_json::to_value(&changes)
        .map_err(|e| ApiError::invalid(vec![FieldError::new("draft", e.to_string())]))?;
    let adoption = state
        .store
        .adopt_policy_draft(&caller.auditor(), draft_id, from, &summary)
        .await?;
    match replay(state).await {
        Ok(set) => state.policies.install(set),
        Err(e) => tracing::error!(error = %e, "the adopted policies could not be put in force"),
    }
    Ok(AdoptionReport { adoption, changes })
}
