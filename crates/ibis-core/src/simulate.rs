//! The policy simulator (issue 7 point 5, capability 9): what a draft policy would cost, for
//! whom, and why, before anyone adopts it.
//!
//! A draft is written as policy and tariff files in the format of `policies/`. It is read
//! against the set it would change ([`draft_changes`]): a policy whose content differs from the
//! version in force, and each price that differs from the price in force. The same changes are
//! what adoption applies ([`apply_changes`]): a new adopted policy version from the adoption
//! day and new tariff entries from that day, so nothing decided or computed for an earlier day
//! changes. A simulation on a day therefore compares the set in force with the set that
//! adopting the draft from that day would give ([`simulate`]).

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::budget::{BudgetLine, CapApplied, ExplainedBudget, LevelBasis};
use crate::catalogue::Catalogue;
use crate::money::{Money, Quantity, UnitPrice};
use crate::outcome::{BudgetGroup, Outcome};
use crate::policy::{FileError, FileIssue, Policy, PolicySet, PolicySetError, PolicyStatus};
use crate::tariff::TariffEntry;

/// Fewer people than this in a group of an aggregate and its figures are not shown to those who
/// see aggregates only (analysts, the ministry).
pub const SMALL_COUNT: u64 = 5;

/// One person the simulation runs over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// A reference to the person: the record id, or a synthetic person's number.
    pub person: String,
    /// The person's municipality code.
    pub municipality: String,
    /// The assessment outcome the budget is computed from.
    pub outcome: Outcome,
}

// ---- Reading a draft ------------------------------------------------------------------------

/// The changes a draft makes to a set, found on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DraftChanges {
    /// The policies whose content differs from the version in force, one per group.
    pub policies: Vec<Policy>,
    /// Prices that differ from (or are missing in) the table in force, by table id.
    pub prices: Vec<(String, TariffEntry)>,
    /// Tariff tables the set does not have at all.
    pub new_tables: Vec<crate::tariff::TariffTable>,
}

impl DraftChanges {
    /// Whether the draft changes nothing.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty() && self.prices.is_empty() && self.new_tables.is_empty()
    }
}

/// A changed policy, as the summary of a draft names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    /// The scheme.
    pub group: BudgetGroup,
    /// Policy id.
    pub id: String,
    /// The version in force now, if any.
    pub current_version: Option<String>,
    /// The draft's version label.
    pub draft_version: String,
    /// The draft's Latvian title.
    pub title_lv: String,
    /// The draft's English title.
    pub title_en: String,
}

/// A changed price, as the summary of a draft names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceChange {
    /// Tariff table id.
    pub table: String,
    /// Service type code.
    pub service: String,
    /// Price variant.
    pub variant: Option<String>,
    /// The price in force now, if any.
    pub current_price: Option<UnitPrice>,
    /// The draft's price.
    pub draft_price: UnitPrice,
}

/// What a draft changes, in a form to show and keep: the policies and prices, with both sides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    /// Changed policies.
    pub policies: Vec<PolicyChange>,
    /// Changed prices.
    pub prices: Vec<PriceChange>,
    /// Tariff tables added.
    pub new_tables: Vec<String>,
}

impl DraftChanges {
    /// The summary of the changes against the set in force on `on`.
    pub fn summary(&self, current: &PolicySet, on: Date) -> ChangeSummary {
        ChangeSummary {
            policies: self
                .policies
                .iter()
                .map(|p| PolicyChange {
                    group: p.group,
                    id: p.id.clone(),
                    current_version: current.select(p.group, on).ok().map(|c| c.version.clone()),
                    draft_version: p.version.clone(),
                    title_lv: p.title_lv.clone(),
                    title_en: p.title_en.clone(),
                })
                .collect(),
            prices: self
                .prices
                .iter()
                .map(|(table, e)| PriceChange {
                    table: table.clone(),
                    service: e.service.clone(),
                    variant: e.variant.clone(),
                    current_price: current
                        .tariffs
                        .get(table)
                        .and_then(|t| t.price_on(&e.service, e.variant.as_deref(), on).ok())
                        .map(|c| c.price),
                    draft_price: e.price,
                })
                .collect(),
            new_tables: self.new_tables.iter().map(|t| t.id.clone()).collect(),
        }
    }
}

/// `files` with `file` put in: it replaces the file of the same name, or of the same kind and
/// id (and, for policies, version), or is added beside them. This is how a file under review,
/// or a draft, takes the place of the file it is a new edition of.
pub fn with_file(
    mut files: Vec<(String, String)>,
    file: (String, String),
) -> Vec<(String, String)> {
    let id = crate::policy::file_identity(&file.1);
    let same = |text: &str| match (&id, crate::policy::file_identity(text)) {
        (Some((k, i, v)), Some((k2, i2, v2))) => {
            k == &k2 && i == &i2 && (k == "tariff-table" || v == &v2)
        }
        _ => false,
    };
    files.retain(|(n, t)| n != &file.0 && !same(t));
    files.push(file);
    files
}

/// Loads a draft: the `base` files with the `draft` files put in their place ([`with_file`]),
/// checked together as `PolicySet::load` checks any set. A file name that appears twice in the
/// draft, or a draft without files, is refused.
pub fn load_draft(
    catalogue: Catalogue,
    base: Vec<(String, String)>,
    draft: Vec<(String, String)>,
) -> Result<PolicySet, PolicySetError> {
    if draft.is_empty() {
        return Err(PolicySetError::Files(vec![FileError {
            file: "(draft)".into(),
            issues: vec![FileIssue::new(
                "files",
                "the draft has no policy or tariff files; give at least one .toml file",
            )],
        }]));
    }
    let files = draft.into_iter().fold(base, with_file);
    PolicySet::load(catalogue, files)
}

/// A policy's content, with what only dates and labels it (status, version, validity) set
/// aside, so two versions with the same rules compare equal.
fn content(p: &Policy) -> Policy {
    let mut c = p.clone();
    c.status = PolicyStatus::Adopted;
    c.version = String::new();
    c.valid_from = Date::MIN;
    c.valid_to = None;
    c
}

/// The policy a draft set gives a group on a day: the latest policy marked `draft` (taken to be
/// in force that day, whatever `valid_from` it names), else the adopted version in force.
fn draft_policy(draft: &PolicySet, group: BudgetGroup, on: Date) -> Option<&Policy> {
    draft
        .policies
        .iter()
        .filter(|p| p.group == group && p.status == PolicyStatus::Draft)
        .max_by_key(|p| p.valid_from)
        .or_else(|| draft.select(group, on).ok())
}

fn same_price(a: &TariffEntry, b: &TariffEntry) -> bool {
    a.price == b.price
        && a.base == b.base
        && a.unit == b.unit
        && a.employer_contribution_percent == b.employer_contribution_percent
}

/// What `draft` changes in `base` (the set whose files the draft was laid over) on the day
/// `on`: each group's policy whose content differs from the version in force, and each price
/// in force that day that differs. The changes are then applied to the set in force, which
/// may hold versions adopted since ([`apply_changes`]).
pub fn draft_changes(base: &PolicySet, draft: &PolicySet, on: Date) -> DraftChanges {
    let current = base;
    let mut changes = DraftChanges::default();
    for group in BudgetGroup::ALL {
        let Some(d) = draft_policy(draft, *group, on) else {
            continue;
        };
        let differs = match current.select(*group, on) {
            Ok(c) => content(c) != content(d),
            Err(_) => true,
        };
        if differs {
            changes.policies.push(d.clone());
        }
    }
    for (id, table) in &draft.tariffs {
        let Some(cur) = current.tariffs.get(id) else {
            changes.new_tables.push(table.clone());
            continue;
        };
        let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
        for e in &table.entries {
            let key = (e.service.as_str(), e.variant.as_deref());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let Ok(d) = table.price_on(key.0, key.1, on) else {
                continue;
            };
            let differs = match cur.price_on(key.0, key.1, on) {
                Ok(c) => !same_price(c, d),
                Err(_) => true,
            };
            if differs {
                changes.prices.push((id.clone(), d.clone()));
            }
        }
    }
    changes
}

/// Why a draft could not be put in force from a day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdoptError {
    /// A version of the group already starts that day.
    #[error("from: {policy} already starts on {from}; adopt from a later day")]
    SameDay {
        /// The version that starts that day.
        policy: String,
        /// The day.
        from: Date,
    },
    /// A price already starts that day.
    #[error("from: the price of {service} in tariff table {table} already changes on {from}; adopt from a later day")]
    PriceSameDay {
        /// The table.
        table: String,
        /// The service.
        service: String,
        /// The day.
        from: Date,
    },
    /// A line of an adopted policy has no price from that day.
    #[error("{policy}: {message}")]
    Unpriced {
        /// The policy.
        policy: String,
        /// The missing price.
        message: String,
    },
}

/// `current` with `changes` in force from `from`: each changed policy as a new adopted version
/// starting that day (the version label gets `+<day>` when the draft kept an existing label),
/// each changed price as a new entry starting that day (the price it supersedes ends the day
/// before). Nothing in force before `from` changes.
pub fn apply_changes(
    current: &PolicySet,
    changes: &DraftChanges,
    from: Date,
) -> Result<PolicySet, AdoptError> {
    let mut set = current.clone();
    for table in &changes.new_tables {
        set.tariffs
            .entry(table.id.clone())
            .or_insert_with(|| table.clone());
    }
    for (id, entry) in &changes.prices {
        let Some(table) = set.tariffs.get_mut(id) else {
            continue;
        };
        // Already in force that day (the draft was adopted): nothing to add.
        if table
            .price_on(&entry.service, entry.variant.as_deref(), from)
            .is_ok_and(|c| same_price(c, entry))
        {
            continue;
        }
        if table.entries.iter().any(|e| {
            e.service == entry.service && e.variant == entry.variant && e.period.from == from
        }) {
            return Err(AdoptError::PriceSameDay {
                table: id.clone(),
                service: entry.service.clone(),
                from,
            });
        }
        let mut e = entry.clone();
        e.period = crate::period::Period { from, to: None };
        table.add_price(e);
    }
    for p in &changes.policies {
        // Already in force that day (the draft was adopted): nothing to add.
        if set
            .select(p.group, from)
            .is_ok_and(|c| content(c) == content(p))
        {
            continue;
        }
        if let Some(same) = set.policies.iter().find(|q| {
            q.group == p.group && q.status == PolicyStatus::Adopted && q.valid_from == from
        }) {
            return Err(AdoptError::SameDay {
                policy: format!("{} v{}", same.id, same.version),
                from,
            });
        }
        let mut adopted = p.clone();
        if set
            .policies
            .iter()
            .any(|q| q.id == p.id && q.version == p.version)
        {
            adopted.version = format!("{}+{}", p.version, from);
        }
        adopted.status = PolicyStatus::Adopted;
        adopted.valid_from = from;
        adopted.valid_to = None;
        let name = format!("{} v{}", adopted.id, adopted.version);
        let table = set
            .tariffs
            .get(&adopted.tariff_table)
            .ok_or_else(|| AdoptError::Unpriced {
                policy: name.clone(),
                message: format!("tariff table \"{}\" is not loaded", adopted.tariff_table),
            })?;
        for pkg in &adopted.packages {
            for line in &pkg.lines {
                table
                    .price_on(&line.service, line.variant.as_deref(), from)
                    .map_err(|e| AdoptError::Unpriced {
                        policy: name.clone(),
                        message: e.to_string(),
                    })?;
            }
        }
        set.policies.push(adopted);
    }
    set.policies.sort_by_key(|p| (p.group, p.valid_from));
    Ok(set)
}

/// One adoption to put in force again: its first day and the draft's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// The first day it is in force.
    pub from: Date,
    /// The draft's files, laid over the base files.
    pub files: Vec<(String, String)>,
}

/// The set in force: `base` (loaded from `base_files`) with every adoption applied in order,
/// each read against the base files as it was when adopted. The error names the adoption (by
/// its position, from 1) and what failed.
pub fn in_force(
    base: &PolicySet,
    base_files: &[(String, String)],
    adoptions: &[Adoption],
) -> Result<PolicySet, String> {
    let mut set = base.clone();
    for (i, a) in adoptions.iter().enumerate() {
        let draft = load_draft(base.catalogue.clone(), base_files.to_vec(), a.files.clone())
            .map_err(|e| format!("adoption {} (from {}): {e}", i + 1, a.from))?;
        let changes = draft_changes(base, &draft, a.from);
        set = apply_changes(&set, &changes, a.from)
            .map_err(|e| format!("adoption {} (from {}): {e}", i + 1, a.from))?;
    }
    Ok(set)
}

/// The subjects of a synthetic population: each person with the outcome of their latest
/// budget, named `S<number>`.
pub fn synthetic_subjects(population: &crate::generate::Population) -> Vec<Subject> {
    population
        .persons
        .iter()
        .filter_map(|p| {
            p.budgets.last().map(|b| Subject {
                person: format!("S{}", p.id),
                municipality: p.municipality.clone(),
                outcome: b.outcome.clone(),
            })
        })
        .collect()
}

// ---- The simulation -------------------------------------------------------------------------

/// How one line of a person's budget changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineChangeKind {
    /// The draft adds the line.
    Added,
    /// The draft removes the line.
    Removed,
    /// The units a month change.
    Quantity,
    /// The price per unit changes.
    Price,
    /// Both the units and the price change.
    QuantityAndPrice,
}

/// One line that changes, with both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    /// How it changes.
    pub change: LineChangeKind,
    /// Service type code.
    pub service: String,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// Price variant.
    pub variant: Option<String>,
    /// Units a month now.
    pub current_quantity: Option<Quantity>,
    /// Units a month under the draft.
    pub draft_quantity: Option<Quantity>,
    /// Price now.
    pub current_price: Option<UnitPrice>,
    /// Price under the draft.
    pub draft_price: Option<UnitPrice>,
    /// Amount now.
    pub current_eur: Money,
    /// Amount under the draft.
    pub draft_eur: Money,
    /// Draft minus current.
    pub difference_eur: Money,
}

/// Why a person's budget changes (or would have changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// The level changes: for a child, the score falls in a band of another level.
    Level {
        /// Level now.
        current: String,
        /// Level under the draft.
        draft: String,
        /// The child's score, where the level follows from it.
        score: Option<u8>,
        /// The band now, `min-max`.
        current_band: Option<String>,
        /// The band under the draft.
        draft_band: Option<String>,
    },
    /// The level stays, but the band that gives it is drawn differently.
    Band {
        /// The child's score.
        score: u8,
        /// The band now.
        current_band: String,
        /// The band under the draft.
        draft_band: String,
    },
    /// A line changes.
    Line(LineChange),
    /// A cap on the lines changes (it limits what the plan and claims may use, not the amount).
    Cap {
        /// The services it counts.
        services: Vec<String>,
        /// The limit now (`max per span`), if any.
        current: Option<String>,
        /// The limit under the draft.
        draft: Option<String>,
    },
}

/// One person's budget now and under the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectResult {
    /// The person.
    pub person: String,
    /// Their municipality.
    pub municipality: String,
    /// The scheme.
    pub group: BudgetGroup,
    /// Level now (or as given when the budget could not be computed).
    pub current_level: Option<String>,
    /// Level under the draft.
    pub draft_level: Option<String>,
    /// Budget a month now.
    pub current_eur: Option<Money>,
    /// Budget a month under the draft.
    pub draft_eur: Option<Money>,
    /// Draft minus current (zero when either side could not be computed).
    pub difference_eur: Money,
    /// Why it changes.
    pub reasons: Vec<Reason>,
    /// Why a budget could not be computed, on either side.
    pub error: Option<String>,
}

/// Totals over a group of people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// People counted (those whose budget could be computed on both sides).
    pub people: u64,
    /// Total a month now.
    pub current_monthly_eur: Money,
    /// Total a month under the draft.
    pub draft_monthly_eur: Money,
    /// Draft minus current, a month.
    pub difference_monthly_eur: Money,
    /// Total a year now (12 months).
    pub current_yearly_eur: Money,
    /// Total a year under the draft.
    pub draft_yearly_eur: Money,
    /// Draft minus current, a year.
    pub difference_yearly_eur: Money,
    /// People whose budget rises.
    pub gainers: u64,
    /// People whose budget falls.
    pub losers: u64,
    /// People whose budget stays.
    pub unchanged: u64,
}

impl Totals {
    fn add(&mut self, current: Money, draft: Money) {
        self.people += 1;
        self.current_monthly_eur += current;
        self.draft_monthly_eur += draft;
        let d = draft - current;
        if d.is_negative() {
            self.losers += 1;
        } else if d.is_zero() {
            self.unchanged += 1;
        } else {
            self.gainers += 1;
        }
    }

    fn finish(&mut self) {
        let year = |m: Money| Money::from_cents(m.cents() * 12);
        self.difference_monthly_eur = self.draft_monthly_eur - self.current_monthly_eur;
        self.current_yearly_eur = year(self.current_monthly_eur);
        self.draft_yearly_eur = year(self.draft_monthly_eur);
        self.difference_yearly_eur = year(self.difference_monthly_eur);
    }

    /// Whether the group is too small to show to those who see aggregates only.
    pub fn is_small(&self) -> bool {
        self.people < SMALL_COUNT
    }
}

/// The totals of one municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalityTotals {
    /// Municipality code.
    pub municipality: String,
    /// Its totals; `None` where suppressed (fewer than [`SMALL_COUNT`] people).
    pub totals: Option<Totals>,
}

/// The totals of one level of one scheme (the level now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelTotals {
    /// The scheme.
    pub group: BudgetGroup,
    /// The level now.
    pub level: String,
    /// Its totals; `None` where suppressed.
    pub totals: Option<Totals>,
}

/// A simulation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    /// The day simulated.
    pub on: Date,
    /// Totals over everyone computed on both sides.
    pub totals: Totals,
    /// By municipality, in code order.
    pub by_municipality: Vec<MunicipalityTotals>,
    /// By scheme and level now.
    pub by_level: Vec<LevelTotals>,
    /// Every person, in input order; empty for an aggregates-only view.
    pub people: Vec<SubjectResult>,
    /// People whose budget could not be computed on one side.
    pub failed: u64,
    /// Whether person rows were withheld and small groups suppressed.
    pub aggregates_only: bool,
}

impl Simulation {
    /// The people whose budget rises, largest rise first.
    pub fn gainers(&self) -> Vec<&SubjectResult> {
        let mut v: Vec<&SubjectResult> = self
            .people
            .iter()
            .filter(|s| {
                s.error.is_none() && !s.difference_eur.is_negative() && !s.difference_eur.is_zero()
            })
            .collect();
        v.sort_by(|a, b| {
            b.difference_eur
                .cmp(&a.difference_eur)
                .then(a.person.cmp(&b.person))
        });
        v
    }

    /// The people whose budget falls, largest fall first.
    pub fn losers(&self) -> Vec<&SubjectResult> {
        let mut v: Vec<&SubjectResult> = self
            .people
            .iter()
            .filter(|s| s.error.is_none() && s.difference_eur.is_negative())
            .collect();
        v.sort_by(|a, b| {
            a.difference_eur
                .cmp(&b.difference_eur)
                .then(a.person.cmp(&b.person))
        });
        v
    }

    /// The view for those who see aggregates only: no person rows, and the figures of any
    /// municipality or level with fewer than [`SMALL_COUNT`] people withheld. The national
    /// totals stay (a simulation over fewer than [`SMALL_COUNT`] people is withheld whole).
    pub fn aggregates_only(mut self) -> Self {
        self.people.clear();
        for m in &mut self.by_municipality {
            if m.totals.as_ref().is_some_and(Totals::is_small) {
                m.totals = None;
            }
        }
        for l in &mut self.by_level {
            if l.totals.as_ref().is_some_and(Totals::is_small) {
                l.totals = None;
            }
        }
        if self.totals.is_small() {
            self.totals = Totals::default();
        }
        self.aggregates_only = true;
        self
    }
}

fn band_text(b: &ExplainedBudget) -> Option<(u8, String)> {
    match &b.level_basis {
        LevelBasis::Score {
            score,
            band_min,
            band_max,
            ..
        } => Some((*score, format!("{band_min}-{band_max}"))),
        LevelBasis::Assessed { .. } => None,
    }
}

fn cap_text(c: &CapApplied) -> String {
    let per = match c.per {
        crate::policy::CapSpan::Month => "month",
        crate::policy::CapSpan::Year => "year",
    };
    format!("{} per {per}", c.max)
}

/// The reasons two budgets of one person differ: level, band, lines, caps.
pub fn explain_difference(current: &ExplainedBudget, draft: &ExplainedBudget) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let (cb, db) = (band_text(current), band_text(draft));
    if current.level != draft.level {
        reasons.push(Reason::Level {
            current: current.level.clone(),
            draft: draft.level.clone(),
            score: cb.as_ref().or(db.as_ref()).map(|b| b.0),
            current_band: cb.map(|b| b.1),
            draft_band: db.map(|b| b.1),
        });
    } else if let (Some(c), Some(d)) = (cb, db) {
        if c.1 != d.1 {
            reasons.push(Reason::Band {
                score: c.0,
                current_band: c.1,
                draft_band: d.1,
            });
        }
    }
    let key = |l: &BudgetLine| (l.service.clone(), l.variant.clone());
    for c in &current.lines {
        let d = draft.lines.iter().find(|d| key(d) == key(c));
        let kind = match d {
            None => Some(LineChangeKind::Removed),
            Some(d) => match (
                c.quantity != d.quantity,
                c.unit_price_eur != d.unit_price_eur,
            ) {
                (true, true) => Some(LineChangeKind::QuantityAndPrice),
                (true, false) => Some(LineChangeKind::Quantity),
                (false, true) => Some(LineChangeKind::Price),
                (false, false) => None,
            },
        };
        if let Some(kind) = kind {
            let draft_eur = d.map_or(Money::ZERO, |d| d.amount_eur);
            reasons.push(Reason::Line(LineChange {
                change: kind,
                service: c.service.clone(),
                name_lv: c.name_lv.clone(),
                name_en: c.name_en.clone(),
                variant: c.variant.clone(),
                current_quantity: Some(c.quantity),
                draft_quantity: d.map(|d| d.quantity),
                current_price: Some(c.unit_price_eur),
                draft_price: d.map(|d| d.unit_price_eur),
                current_eur: c.amount_eur,
                draft_eur,
                difference_eur: draft_eur - c.amount_eur,
            }));
        }
    }
    for d in &draft.lines {
        if !current.lines.iter().any(|c| key(c) == key(d)) {
            reasons.push(Reason::Line(LineChange {
                change: LineChangeKind::Added,
                service: d.service.clone(),
                name_lv: d.name_lv.clone(),
                name_en: d.name_en.clone(),
                variant: d.variant.clone(),
                current_quantity: None,
                draft_quantity: Some(d.quantity),
                current_price: None,
                draft_price: Some(d.unit_price_eur),
                current_eur: Money::ZERO,
                draft_eur: d.amount_eur,
                difference_eur: d.amount_eur,
            }));
        }
    }
    let mut cap_keys: Vec<&Vec<String>> = current.caps.iter().map(|c| &c.services).collect();
    for c in &draft.caps {
        if !cap_keys.contains(&&c.services) {
            cap_keys.push(&c.services);
        }
    }
    for services in cap_keys {
        let c = current
            .caps
            .iter()
            .find(|c| &c.services == services)
            .map(cap_text);
        let d = draft
            .caps
            .iter()
            .find(|c| &c.services == services)
            .map(cap_text);
        if c != d {
            reasons.push(Reason::Cap {
                services: services.clone(),
                current: c,
                draft: d,
            });
        }
    }
    reasons
}

/// Runs every subject through the `current` set and the `draft` set on the day `on`: each
/// person's budget on both sides with the reasons it differs, the totals, the totals by
/// municipality and by level. A person whose budget cannot be computed on one side is listed
/// with the error and left out of the totals.
pub fn simulate(
    current: &PolicySet,
    draft: &PolicySet,
    subjects: &[Subject],
    on: Date,
) -> Simulation {
    let mut totals = Totals::default();
    let mut by_m: BTreeMap<&str, Totals> = BTreeMap::new();
    let mut by_l: BTreeMap<(BudgetGroup, String), Totals> = BTreeMap::new();
    let mut people = Vec::with_capacity(subjects.len());
    let mut failed = 0;
    for s in subjects {
        let c = current.compute(&s.outcome, on);
        let d = draft.compute(&s.outcome, on);
        let mut r = SubjectResult {
            person: s.person.clone(),
            municipality: s.municipality.clone(),
            group: s.outcome.group,
            current_level: c
                .as_ref()
                .ok()
                .map(|b| b.level.clone())
                .or_else(|| s.outcome.level.clone()),
            draft_level: d.as_ref().ok().map(|b| b.level.clone()),
            current_eur: c.as_ref().ok().map(|b| b.total_eur),
            draft_eur: d.as_ref().ok().map(|b| b.total_eur),
            difference_eur: Money::ZERO,
            reasons: Vec::new(),
            error: None,
        };
        match (&c, &d) {
            (Ok(c), Ok(d)) => {
                r.difference_eur = d.total_eur - c.total_eur;
                r.reasons = explain_difference(c, d);
                totals.add(c.total_eur, d.total_eur);
                by_m.entry(&s.municipality)
                    .or_default()
                    .add(c.total_eur, d.total_eur);
                by_l.entry((s.outcome.group, c.level.clone()))
                    .or_default()
                    .add(c.total_eur, d.total_eur);
            }
            (Err(e), _) => {
                failed += 1;
                r.error = Some(format!("current: {e}"));
            }
            (_, Err(e)) => {
                failed += 1;
                r.error = Some(format!("draft: {e}"));
            }
        }
        people.push(r);
    }
    totals.finish();
    Simulation {
        on,
        totals,
        by_municipality: by_m
            .into_iter()
            .map(|(m, mut t)| {
                t.finish();
                MunicipalityTotals {
                    municipality: m.to_owned(),
                    totals: Some(t),
                }
            })
            .collect(),
        by_level: by_l
            .into_iter()
            .map(|((group, level), mut t)| {
                t.finish();
                LevelTotals {
                    group,
                    level,
                    totals: Some(t),
                }
            })
            .collect(),
        people,
        failed,
        aggregates_only: false,
    }
}

/// The plain loop the simulator is measured against: the same budget lines summed for every
/// subject on both sides, with nothing explained or kept. Returns (current, draft) a month.
pub fn plain_totals(
    current: &PolicySet,
    draft: &PolicySet,
    subjects: &[Subject],
    on: Date,
) -> (Money, Money) {
    let sum = |set: &PolicySet, o: &Outcome| -> Option<Money> {
        let policy = set.select(o.group, on).ok()?;
        let level = match (&o.level, o.ratings) {
            (Some(l), _) => l.clone(),
            (None, Some(r)) => policy.level_for_score(r.score())?.level.clone(),
            (None, None) => return None,
        };
        let pkg = policy.package_for(&level, o.living).ok()?;
        let table = set.tariffs.get(&policy.tariff_table)?;
        let mut total = Money::ZERO;
        for l in &pkg.lines {
            let e = table.price_on(&l.service, l.variant.as_deref(), on).ok()?;
            total += crate::money::line_amount(e.price, l.quantity);
        }
        Some(total)
    };
    let mut c = Money::ZERO;
    let mut d = Money::ZERO;
    for s in subjects {
        if let (Some(a), Some(b)) = (sum(current, &s.outcome), sum(draft, &s.outcome)) {
            c += a;
            d += b;
        }
    }
    (c, d)
}

/// The outcome an explained budget was computed from (the level as assessed, or a child's
/// ratings), so a decided budget can be run again through a draft.
pub fn outcome_of(b: &ExplainedBudget) -> Outcome {
    match &b.level_basis {
        LevelBasis::Assessed { level } => Outcome {
            group: b.group,
            level: Some(level.clone()),
            living: b.living,
            ratings: None,
        },
        LevelBasis::Score { ratings, .. } => Outcome {
            group: b.group,
            level: None,
            living: b.living,
            ratings: Some(*ratings),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{DomainRatings, LivingSituation};
    use crate::policy::BUILTIN_FILES;

    fn day(s: &str) -> Date {
        crate::policy::parse_date(s).unwrap()
    }

    fn builtin_files() -> Vec<(String, String)> {
        BUILTIN_FILES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    fn file(name: &str) -> (String, String) {
        builtin_files()
            .into_iter()
            .find(|(n, _)| n.ends_with(name))
            .unwrap()
    }

    fn adult(person: &str, m: &str, level: &str, living: LivingSituation) -> Subject {
        Subject {
            person: person.into(),
            municipality: m.into(),
            outcome: Outcome {
                group: BudgetGroup::AdultGrt,
                level: Some(level.into()),
                living: Some(living),
                ratings: None,
            },
        }
    }

    fn child(person: &str, m: &str, r: [u8; 4]) -> Subject {
        Subject {
            person: person.into(),
            municipality: m.into(),
            outcome: Outcome {
                group: BudgetGroup::ChildFt,
                level: None,
                living: Some(LivingSituation::Family),
                ratings: Some(DomainRatings::new(r[0], r[1], r[2], r[3]).unwrap()),
            },
        }
    }

    /// A small population: three adults, two children, one support-person client.
    fn people() -> Vec<Subject> {
        vec![
            adult("p1", "ogre", "I", LivingSituation::Family), // 371.88
            adult("p2", "ogre", "II", LivingSituation::GroupFlat), // 613.68
            adult("p3", "jelgava", "IV", LivingSituation::Family), // 789.86
            child("p4", "jelgava", [1, 1, 1, 1]),              // score 4, level 1: 231.02
            child("p5", "ogre", [2, 1, 1, 1]),                 // score 5, level 2: 402.70
            Subject {
                person: "p6".into(),
                municipality: "talsi".into(),
                outcome: Outcome {
                    group: BudgetGroup::SupportPerson,
                    level: Some("2".into()),
                    living: None,
                    ratings: None,
                },
            }, // 20 h x 5.00 = 100.00
        ]
    }

    /// The draft set a directory of `draft` files gives, as the simulator builds it.
    fn draft_set(current: &PolicySet, draft: Vec<(String, String)>, on: Date) -> PolicySet {
        let d = load_draft(Catalogue::builtin().unwrap(), builtin_files(), draft).unwrap();
        apply_changes(current, &draft_changes(current, &d, on), on).unwrap()
    }

    const ON: &str = "2026-11-02";

    #[test]
    fn todays_policy_as_the_draft_changes_nothing() {
        let current = PolicySet::builtin().unwrap();
        let on = day(ON);
        let d = load_draft(
            Catalogue::builtin().unwrap(),
            builtin_files(),
            builtin_files(),
        )
        .unwrap();
        let changes = draft_changes(&current, &d, on);
        assert!(changes.is_empty(), "{changes:?}");
        let draft = apply_changes(&current, &changes, on).unwrap();
        let sim = simulate(&current, &draft, &people(), on);
        // 371.88 + 613.68 + 789.86 + 231.02 + 402.70 + 100.00 = 2509.14
        assert_eq!(sim.totals.current_monthly_eur, "2509.14".parse().unwrap());
        assert_eq!(sim.totals.draft_monthly_eur, sim.totals.current_monthly_eur);
        assert_eq!(sim.totals.current_yearly_eur, "30109.68".parse().unwrap());
        assert_eq!(sim.totals.draft_yearly_eur, sim.totals.current_yearly_eur);
        assert!(sim.totals.difference_monthly_eur.is_zero());
        assert_eq!(
            (sim.totals.gainers, sim.totals.losers, sim.totals.unchanged),
            (0, 0, 6)
        );
        assert!(sim.gainers().is_empty() && sim.losers().is_empty());
        assert!(sim
            .people
            .iter()
            .all(|p| p.reasons.is_empty() && p.error.is_none()));
        for m in &sim.by_municipality {
            let t = m.totals.as_ref().unwrap();
            assert_eq!(t.current_monthly_eur, t.draft_monthly_eur);
        }
        // The plain loop sums the same lines to the same totals.
        assert_eq!(
            plain_totals(&current, &draft, &people(), on),
            (sim.totals.current_monthly_eur, sim.totals.draft_monthly_eur)
        );
    }

    #[test]
    fn one_tariff_up_ten_percent_moves_the_totals_by_the_hand_computed_amount() {
        let current = PolicySet::builtin().unwrap();
        let on = day(ON);
        // Consultations +10 % from 2026-01-01: 15.46 x 1.10 = 17.006 EUR an hour.
        let (name, text) = file("tariffs/lv-ib.toml");
        let text = text
            + "\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"draft: +10 %\"\n";
        let draft = draft_set(&current, vec![(name, text)], on);
        let sim = simulate(&current, &draft, &people(), on);
        // Every adult package has 8 hours of consultations:
        //   now   8 x 15.46  = 123.68
        //   draft 8 x 17.006 = 136.048 -> 136.05 (half up)
        //   each adult +12.37; three adults +37.11 a month, x 12 = +445.32 a year.
        // Children and the support person have no consultations: unchanged.
        assert_eq!(sim.totals.difference_monthly_eur, "37.11".parse().unwrap());
        assert_eq!(sim.totals.difference_yearly_eur, "445.32".parse().unwrap());
        assert_eq!(sim.totals.draft_monthly_eur, "2546.25".parse().unwrap()); // 2509.14 + 37.11
        assert_eq!(
            (sim.totals.gainers, sim.totals.losers, sim.totals.unchanged),
            (3, 0, 3)
        );
        let gainers: Vec<&str> = sim.gainers().iter().map(|s| s.person.as_str()).collect();
        assert_eq!(gainers, ["p1", "p2", "p3"]);
        let p1 = &sim.people[0];
        assert_eq!(p1.difference_eur, "12.37".parse().unwrap());
        let [Reason::Line(l)] = p1.reasons.as_slice() else {
            panic!("{:?}", p1.reasons)
        };
        assert_eq!(l.change, LineChangeKind::Price);
        assert_eq!(l.service, "consultations");
        assert_eq!(l.current_price, Some("15.46".parse().unwrap()));
        assert_eq!(l.draft_price, Some("17.006".parse().unwrap()));
        assert_eq!(l.difference_eur, "12.37".parse().unwrap());
        // By municipality: ogre has p1, p2 (+24.74), jelgava p3 (+12.37), talsi nothing.
        let by: BTreeMap<&str, Money> = sim
            .by_municipality
            .iter()
            .map(|m| {
                (
                    m.municipality.as_str(),
                    m.totals.as_ref().unwrap().difference_monthly_eur,
                )
            })
            .collect();
        assert_eq!(by["ogre"], "24.74".parse().unwrap());
        assert_eq!(by["jelgava"], "12.37".parse().unwrap());
        assert!(by["talsi"].is_zero());
        assert_eq!(
            plain_totals(&current, &draft, &people(), on),
            (sim.totals.current_monthly_eur, sim.totals.draft_monthly_eur)
        );
    }

    #[test]
    fn a_level_rule_change_moves_only_the_people_whose_band_changes() {
        let current = PolicySet::builtin().unwrap();
        let on = day(ON);
        // Band 1 becomes 0-5 (was 0-4), band 2 becomes 6-8 (was 5-8).
        let (name, text) = file("child-ft/v1.toml");
        let text = text
            .replacen(
                "min_score = 0\nmax_score = 4",
                "min_score = 0\nmax_score = 5",
                1,
            )
            .replacen(
                "min_score = 5\nmax_score = 8",
                "min_score = 6\nmax_score = 8",
                1,
            )
            .replacen("status = \"adopted\"", "status = \"draft\"", 1)
            .replacen("version = \"1\"", "version = \"2\"", 1);
        let draft = draft_set(&current, vec![(name, text)], on);
        let sim = simulate(&current, &draft, &people(), on);
        // Only p5 (score 5) moves, from level 2 (402.70) to level 1 (231.02): -171.68.
        assert_eq!((sim.totals.gainers, sim.totals.losers), (0, 1));
        let losers = sim.losers();
        assert_eq!(losers.len(), 1);
        assert_eq!(losers[0].person, "p5");
        assert_eq!(losers[0].difference_eur, "-171.68".parse().unwrap());
        assert_eq!(
            sim.totals.difference_monthly_eur,
            "-171.68".parse().unwrap()
        );
        assert!(matches!(
            &losers[0].reasons[0],
            Reason::Level { current, draft, score: Some(5), .. } if current == "2" && draft == "1"
        ));
        // p4 (score 4) stays at level 1, but the band it falls in is now 0-5.
        let p4 = &sim.people[3];
        assert!(p4.difference_eur.is_zero());
        assert!(matches!(&p4.reasons[..], [Reason::Band { score: 4, .. }]));
        // By level: the change is all in child-ft level 2.
        for l in &sim.by_level {
            let t = l.totals.as_ref().unwrap();
            let moved = l.group == BudgetGroup::ChildFt && l.level == "2";
            assert_eq!(!t.difference_monthly_eur.is_zero(), moved, "{l:?}");
        }
    }

    #[test]
    fn adoption_changes_budgets_only_from_its_day() {
        let current = PolicySet::builtin().unwrap();
        let from = day("2027-01-01");
        let (name, text) = file("tariffs/lv-ib.toml");
        let text = text
            + "\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"draft\"\n";
        let d = load_draft(
            Catalogue::builtin().unwrap(),
            builtin_files(),
            vec![(name, text)],
        )
        .unwrap();
        let adopted = apply_changes(&current, &draft_changes(&current, &d, from), from).unwrap();
        let o = &people()[0].outcome;
        let before = adopted.compute(o, day("2026-12-31")).unwrap();
        let after = adopted.compute(o, from).unwrap();
        assert_eq!(before.total_eur, "371.88".parse().unwrap());
        assert_eq!(after.total_eur, "384.25".parse().unwrap()); // 371.88 + 12.37
                                                                // The same changes again from the same day add nothing (they are in force) ...
        let again = apply_changes(&adopted, &draft_changes(&current, &d, from), from).unwrap();
        assert_eq!(again.tariffs, adopted.tariffs);
        assert_eq!(again.policies, adopted.policies);
        // ... and another price from the same day is refused, naming the day.
        let (name, text) = file("tariffs/lv-ib.toml");
        let other = text
            + "\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"18.00\"\nfrom = \"2026-01-01\"\nsource = \"draft\"\n";
        let d2 = load_draft(
            Catalogue::builtin().unwrap(),
            builtin_files(),
            vec![(name, other)],
        )
        .unwrap();
        let e = apply_changes(&adopted, &draft_changes(&current, &d2, from), from).unwrap_err();
        assert!(e.to_string().contains("2027-01-01"), "{e}");
    }

    #[test]
    fn a_changed_policy_becomes_a_new_version_from_the_day() {
        let current = PolicySet::builtin().unwrap();
        let from = day("2027-01-01");
        let (name, text) = file("support-person/v1.toml");
        // Level 2 gets 25 hours instead of 20 (the cap of 20 a month moves with it).
        let text = text
            .replace("quantity = \"20\"", "quantity = \"25\"")
            .replace(
                "expect_total_eur = \"100.00\"",
                "expect_total_eur = \"125.00\"",
            )
            .replace("max = \"20\"", "max = \"25\"");
        let d = load_draft(
            Catalogue::builtin().unwrap(),
            builtin_files(),
            vec![(name, text)],
        );
        let d = match d {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let changes = draft_changes(&current, &d, from);
        assert_eq!(changes.policies.len(), 1);
        let adopted = apply_changes(&current, &changes, from).unwrap();
        let sp = &people()[5];
        let before = adopted.compute(&sp.outcome, day("2026-12-31")).unwrap();
        let after = adopted.compute(&sp.outcome, from).unwrap();
        assert_eq!(
            (before.policy.version.as_str(), before.total_eur),
            ("1", "100.00".parse().unwrap())
        );
        assert_eq!(after.policy.version, "1+2027-01-01");
        assert_eq!(after.total_eur, "125.00".parse().unwrap()); // 25 h x 5.00
        let sim = simulate(&current, &adopted, std::slice::from_ref(sp), from);
        let reasons = &sim.people[0].reasons;
        assert!(reasons
            .iter()
            .any(|r| matches!(r, Reason::Line(l) if l.change == LineChangeKind::Quantity)));
        assert!(
            reasons.iter().any(|r| matches!(r, Reason::Cap { .. })),
            "{reasons:?}"
        );
    }

    #[test]
    fn aggregates_only_withholds_people_and_small_groups() {
        let current = PolicySet::builtin().unwrap();
        let on = day(ON);
        let mut many = people();
        for i in 0..5 {
            many.push(adult(
                &format!("q{i}"),
                "liepaja",
                "III",
                LivingSituation::GroupFlat,
            ));
        }
        let sim = simulate(&current, &current, &many, on).aggregates_only();
        assert!(sim.people.is_empty() && sim.aggregates_only);
        let by: BTreeMap<&str, bool> = sim
            .by_municipality
            .iter()
            .map(|m| (m.municipality.as_str(), m.totals.is_some()))
            .collect();
        assert!(by["liepaja"]);
        assert!(!by["ogre"]); // 3 people
        assert_eq!(sim.totals.people, 11);
    }

    #[test]
    fn a_synthetic_population_reproduces_the_generators_budgets() {
        let current = PolicySet::builtin().unwrap();
        let spec = crate::generate::GenerateSpec::new(7, 300, 1, day("2026-11-02"));
        let population = crate::generate::generate(&spec, &current).unwrap();
        let subjects = synthetic_subjects(&population);
        assert_eq!(subjects.len(), population.persons.len());
        let on = day(ON);
        let sim = simulate(&current, &current, &subjects, on);
        // The generator priced each budget with the same policy: the simulator's total is the
        // sum of the generator's monthly amounts, and nobody gains or loses.
        let expected: Money = population
            .persons
            .iter()
            .map(|p| p.budgets.last().unwrap().monthly)
            .sum();
        assert_eq!(sim.failed, 0);
        assert_eq!(sim.totals.current_monthly_eur, expected);
        assert_eq!(sim.totals.draft_monthly_eur, expected);
        assert_eq!(sim.totals.unchanged, 300);
    }

    #[test]
    fn adoptions_are_put_in_force_again_in_order() {
        let base = PolicySet::builtin().unwrap();
        let (name, text) = file("tariffs/lv-ib.toml");
        let text = text
            + "\n[[price]]\nservice = \"consultations\"\nunit = \"hour\"\neur = \"17.006\"\nfrom = \"2026-01-01\"\nsource = \"draft\"\n";
        let adoptions = [Adoption {
            from: day("2027-01-01"),
            files: vec![(name, text)],
        }];
        let set = in_force(&base, &builtin_files(), &adoptions).unwrap();
        let o = &people()[0].outcome;
        assert_eq!(
            set.compute(o, day("2026-12-31")).unwrap().total_eur,
            "371.88".parse().unwrap()
        );
        assert_eq!(
            set.compute(o, day("2027-01-01")).unwrap().total_eur,
            "384.25".parse().unwrap()
        );
    }

    #[test]
    fn an_empty_draft_is_refused() {
        let e = load_draft(Catalogue::builtin().unwrap(), builtin_files(), vec![]).unwrap_err();
        assert!(e.to_string().contains("at least one .toml file"), "{e}");
    }
}
