//! Monitoring as the API and the pages run it: who may see which area, the filters (area and
//! half-open period), the dashboard, the service-gap map and the people behind a figure, and
//! the same figures as flat reports with Latvian or English headers for the pages and the CSV
//! and XLSX exports.
//!
//! | what | who |
//! | --- | --- |
//! | dashboard and gap map of any area | social workers, approvers, analysts, administrators (`Action::ReadAggregates`); figures on fewer than 5 people withheld unless the caller reads the area's records |
//! | the people behind a figure | social workers and approvers, for their own municipality; every person shown is audited |

use std::collections::BTreeMap;

use ibis_core::access::{Action, Role};
use ibis_core::catalogue::{Catalogue, Category};
use ibis_core::money::Money;
use ibis_core::monitoring::{self, Area, Dashboard, Disclosure, Figure, GapMap, PersonFacts};
use ibis_core::Period;
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::pages::i18n::{code_name, tr, Lang};
use crate::AppState;

/// Roles that see monitoring: those that see aggregate figures.
pub const MONITORING_ROLES: &[Role] = Action::ReadAggregates.roles();

/// What a dashboard is asked for: an area and a half-open period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The area.
    pub area: Area,
    /// The period.
    pub period: Period,
}

/// Reads the filters: `area` (`country`, `region:<code>` or a municipality code; by default
/// the caller's municipality, else the country), `from` and `to` (`YYYY-MM-DD`, half-open; by
/// default the current calendar year). Errors name the field.
pub async fn filter(
    state: &AppState,
    caller: &Caller,
    area: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Filter, ApiError> {
    let area = match area.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Area::parse(a).map_err(|e| ApiError::bad_request("area", e.message))?,
        None => match &caller.user.municipality {
            Some(m) => Area::Municipality(m.clone()),
            None => Area::Country,
        },
    };
    if let Area::Municipality(m) = &area {
        if state.store.municipality(m).await.is_err() {
            return Err(ApiError::bad_request(
                "area",
                format!("\"{m}\" is not a municipality code; see /api/v1/municipalities"),
            ));
        }
    }
    let today = crate::today();
    let day = |field: &str, raw: Option<&str>| -> Result<Option<time::Date>, ApiError> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => ibis_core::policy::parse_date(s).map(Some).map_err(|_| {
                ApiError::bad_request(
                    field,
                    format!("\"{s}\" is not a date; write it as YYYY-MM-DD"),
                )
            }),
        }
    };
    let year = Period::year(today.year());
    let from = day("from", from)?.unwrap_or(year.from);
    let to = match day("to", to)? {
        Some(t) => t,
        None => year.to.unwrap_or(today),
    };
    let period = Period::new(from, to).map_err(|_| {
        ApiError::bad_request(
            "to",
            format!("the period ends ({to}) on or before it starts ({from}); the end is the first day after the period"),
        )
    })?;
    Ok(Filter { area, period })
}

fn disclosure(caller: &Caller, area: &Area) -> Result<Disclosure, ApiError> {
    Disclosure::for_caller(caller.user.role, &caller.scope(), area).ok_or_else(|| {
        ApiError::forbidden(format!(
            "the role {} does not see monitoring",
            caller.user.role
        ))
    })
}

/// The facts behind a dashboard, with the day it is counted on.
async fn facts(state: &AppState, f: &Filter) -> Result<(Vec<PersonFacts>, time::Date), ApiError> {
    let as_of = monitoring::as_of(&f.period, crate::today());
    Ok((
        state
            .store
            .monitoring_facts(&f.area, &f.period, as_of)
            .await?,
        as_of,
    ))
}

/// The indicators of an area and period, as the caller may see them.
pub async fn dashboard(
    state: &AppState,
    caller: &Caller,
    f: &Filter,
) -> Result<Dashboard, ApiError> {
    let d = disclosure(caller, &f.area)?;
    let (facts, _) = facts(state, f).await?;
    let coverage = state.store.coverage(&f.area, &f.period).await?;
    Ok(monitoring::dashboard(
        &facts,
        coverage,
        &f.period,
        crate::today(),
        d,
    ))
}

/// The service-gap map of an area and period, as the caller may see it.
pub async fn gaps(state: &AppState, caller: &Caller, f: &Filter) -> Result<GapMap, ApiError> {
    let d = disclosure(caller, &f.area)?;
    let (facts, _) = facts(state, f).await?;
    let coverage = state.store.coverage(&f.area, &f.period).await?;
    let municipalities = state.store.area_municipalities(&f.area).await?;
    Ok(monitoring::gap_map(&facts, &coverage, &municipalities, d))
}

/// A person behind a figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRow {
    /// The person.
    pub person_id: i64,
    /// Given and family name.
    pub name: String,
    /// Municipality code.
    pub municipality: String,
    /// Target group code.
    pub target_group: String,
    /// Approved claims in the period (euro).
    pub spent_eur: String,
    /// The next review date when the review is overdue.
    pub overdue_since: Option<String>,
}

/// The people behind a figure (`figure` as in `ibis_core::monitoring::figure_keys`), for a
/// caller who reads the records of the area (their own municipality); 403 for anyone else.
/// Every person shown is recorded in the audit log.
pub async fn rows(
    state: &AppState,
    caller: &Caller,
    f: &Filter,
    figure: &str,
) -> Result<Vec<PersonRow>, ApiError> {
    if disclosure(caller, &f.area)? != Disclosure::Rows {
        return Err(ApiError::forbidden(
            "only social workers and approvers see the people behind a figure, in their own municipality",
        ));
    }
    if figure.is_empty() || figure.len() > 200 {
        return Err(ApiError::bad_request(
            "figure",
            "name the figure, e.g. served or service:di-2-20",
        ));
    }
    let (facts, as_of) = facts(state, f).await?;
    let behind = monitoring::rows_behind(&facts, figure, as_of);
    let ids: Vec<i64> = behind.iter().map(|p| p.person_id).collect();
    let names: BTreeMap<i64, String> = state
        .store
        .monitoring_people(&caller.auditor(), &caller.scope(), &ids, figure)
        .await?
        .into_iter()
        .map(|(id, g, fam)| (id, format!("{g} {fam}")))
        .collect();
    Ok(behind
        .into_iter()
        .filter_map(|p| {
            names.get(&p.person_id).map(|name| PersonRow {
                person_id: p.person_id,
                name: name.clone(),
                municipality: p.municipality.clone(),
                target_group: p.target_group.code().to_owned(),
                spent_eur: p
                    .spending
                    .iter()
                    .map(|s| s.amount)
                    .sum::<Money>()
                    .to_string(),
                overdue_since: p.overdue_since.map(|d| d.to_string()),
            })
        })
        .collect())
}

/// What kind of value a report column holds (and so its number format in a spreadsheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    /// Text.
    Text,
    /// A whole number.
    Count,
    /// Euro with two decimals.
    Money,
}

/// One cell of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Count(u64),
    /// An amount.
    Money(Money),
    /// Withheld: rests on fewer than 5 people.
    Suppressed,
    /// Nothing.
    Empty,
}

/// A flat report: localized headers and typed cells; the pages show it, the exports write it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The report's title (also the worksheet's name).
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// What each column holds.
    pub kinds: Vec<ColumnKind>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Names of things in the page's language: services, categories, providers, municipalities.
pub struct Names {
    lang: Lang,
    catalogue: Option<Catalogue>,
    providers: BTreeMap<i64, String>,
    municipalities: BTreeMap<String, String>,
}

impl Names {
    /// The names in a language, reading providers and municipalities from the store.
    pub async fn load(state: &AppState, lang: Lang) -> Result<Names, ApiError> {
        let municipalities = state
            .store
            .municipalities()
            .await?
            .into_iter()
            .map(|m| {
                let name = lang.pick(&m.name_lv, &m.name_en).to_owned();
                (m.code, name)
            })
            .collect();
        let providers = state.store.provider_names().await?;
        Ok(Names {
            lang,
            catalogue: Catalogue::builtin().ok(),
            providers,
            municipalities,
        })
    }

    /// A service's name (its code when unknown).
    pub fn service(&self, code: &str) -> String {
        self.catalogue
            .as_ref()
            .and_then(|c| c.get(code))
            .map(|s| self.lang.pick(&s.name_lv, &s.name_en).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }

    /// A category's name.
    pub fn category(&self, code: &str) -> String {
        Category::ALL
            .iter()
            .find(|c| c.code() == code)
            .map(|c| self.lang.pick(c.name_lv(), c.name_en()).to_owned())
            .unwrap_or_else(|| code.to_owned())
    }

    /// A provider's name.
    pub fn provider(&self, key: &str) -> String {
        key.parse::<i64>()
            .ok()
            .and_then(|id| self.providers.get(&id).cloned())
            .unwrap_or_else(|| key.to_owned())
    }

    /// A municipality's name.
    pub fn municipality(&self, code: &str) -> String {
        self.municipalities
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// An area's name.
    pub fn area(&self, area: &Area) -> String {
        match area {
            Area::Country => tr(self.lang, "monitoring-area-country"),
            Area::Region(r) => self.lang.pick(r.name_lv(), r.name_en()).to_owned(),
            Area::Municipality(m) => self.municipality(m),
        }
    }
}

/// One section of the dashboard: its id (also the figure prefix), title and rows with a label,
/// each row's figure and the figure key that opens its rows.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Id, for anchors and the chart.
    pub id: String,
    /// Title.
    pub title: String,
    /// Rows: label, figure, figure key for the rows behind it.
    pub rows: Vec<(String, Figure, String)>,
    /// Which of people, amount, co-payment and count the section shows.
    pub shows: [bool; 4],
}

/// The dashboard as sections with labels in the page's language.
pub fn sections(d: &Dashboard, names: &Names) -> Vec<Section> {
    let lang = names.lang;
    let group = |f: &Figure| code_name(lang, "group", &f.key);
    let level = |f: &Figure| {
        let (g, l) = f.key.split_once('/').unwrap_or((&f.key, ""));
        let g = g
            .parse::<ibis_core::outcome::BudgetGroup>()
            .map(|g| lang.pick(g.name_lv(), g.name_en()).to_owned())
            .unwrap_or_else(|_| g.to_owned());
        format!("{g}: {l}")
    };
    let age = |f: &Figure| f.key.clone();
    let living = |f: &Figure| {
        f.key
            .parse::<ibis_core::outcome::LivingSituation>()
            .map(|l| lang.pick(l.name_lv(), l.name_en()).to_owned())
            .unwrap_or_else(|_| f.key.clone())
    };
    let money_key = |f: &Figure| code_name(lang, "monitoring-budget", &f.key);
    let funding = |f: &Figure| code_name(lang, "monitoring-funding", &f.key);
    let goal = |f: &Figure| {
        f.key
            .parse::<i8>()
            .ok()
            .and_then(ibis_core::review::GoalAttainment::from_score)
            .map(|g| format!("{} ({})", f.key, lang.pick(g.label_lv(), g.label_en())))
            .unwrap_or_else(|| f.key.clone())
    };
    let anomaly = |f: &Figure| code_name(lang, "anomaly", &f.key);
    let section = |id: &str,
                   prefix: &str,
                   figs: &[Figure],
                   label: &dyn Fn(&Figure) -> String,
                   shows: [bool; 4]| Section {
        id: id.to_owned(),
        title: code_name(lang, "monitoring-section", id),
        rows: figs
            .iter()
            .map(|f| {
                let key = if prefix.is_empty() {
                    f.key.clone()
                } else {
                    format!("{prefix}:{}", f.key)
                };
                (label(f), f.clone(), key)
            })
            .collect(),
        shows,
    };
    let summary = vec![
        (
            tr(lang, "monitoring-served"),
            d.served.clone(),
            "served".to_owned(),
        ),
        (
            tr(lang, "monitoring-cost-per-person-month"),
            d.cost_per_person_month.clone(),
            "served".to_owned(),
        ),
        (
            tr(lang, "monitoring-overdue"),
            d.overdue_reviews.clone(),
            "overdue".to_owned(),
        ),
        (
            tr(lang, "monitoring-transition"),
            d.transition.clone(),
            "transition".to_owned(),
        ),
        (
            tr(lang, "monitoring-resolved"),
            d.anomalies_resolved.clone(),
            "resolved".to_owned(),
        ),
    ];
    vec![
        Section {
            id: "summary".into(),
            title: tr(lang, "monitoring-section-summary"),
            rows: summary,
            shows: [true, true, false, true],
        },
        section(
            "target-group",
            "target-group",
            &d.by_target_group,
            &group,
            [true, false, false, false],
        ),
        section(
            "level",
            "level",
            &d.by_level,
            &level,
            [true, false, false, false],
        ),
        section(
            "age",
            "age",
            &d.by_age_group,
            &age,
            [true, false, false, false],
        ),
        section(
            "living",
            "living",
            &d.by_living,
            &living,
            [true, false, false, false],
        ),
        section(
            "budgets",
            "",
            &d.budgets,
            &money_key,
            [true, true, false, false],
        ),
        section(
            "service",
            "service",
            &d.by_service,
            &|f| names.service(&f.key),
            [true, true, true, true],
        ),
        section(
            "category",
            "category",
            &d.by_category,
            &|f| names.category(&f.key),
            [true, true, true, true],
        ),
        section(
            "provider",
            "provider",
            &d.by_provider,
            &|f| names.provider(&f.key),
            [true, true, true, true],
        ),
        section(
            "funding",
            "funding",
            &d.by_funding,
            &funding,
            [true, true, false, true],
        ),
        section(
            "goals",
            "goal",
            &d.goal_attainment,
            &goal,
            [true, false, false, true],
        ),
        section(
            "anomalies",
            "anomaly",
            &d.anomalies_raised,
            &anomaly,
            [true, false, false, true],
        ),
    ]
    .into_iter()
    .map(|mut s| {
        // The budgets section opens to the people with ledger entries.
        if s.id == "budgets" {
            for r in &mut s.rows {
                r.2 = "budgets".into();
            }
        }
        s
    })
    .collect()
}

fn count_cell(v: Option<u64>, suppressed: bool) -> Cell {
    match (v, suppressed) {
        (_, true) => Cell::Suppressed,
        (Some(n), _) => Cell::Count(n),
        (None, _) => Cell::Empty,
    }
}

fn money_cell(v: Option<Money>, suppressed: bool) -> Cell {
    match (v, suppressed) {
        (_, true) => Cell::Suppressed,
        (Some(m), _) => Cell::Money(m),
        (None, _) => Cell::Empty,
    }
}

/// The dashboard as one flat report: section, item, people, amount, co-payment, count.
pub fn dashboard_report(d: &Dashboard, names: &Names, area: &Area) -> Report {
    let lang = names.lang;
    let mut rows = Vec::new();
    for s in sections(d, names) {
        for (label, f, _) in &s.rows {
            rows.push(vec![
                Cell::Text(s.title.clone()),
                Cell::Text(label.clone()),
                count_cell(f.people, f.suppressed),
                money_cell(f.amount, f.suppressed),
                money_cell(f.extra, f.suppressed),
                count_cell(f.count, f.suppressed),
            ]);
        }
    }
    for c in &d.providers {
        rows.push(vec![
            Cell::Text(tr(lang, "monitoring-section-providers")),
            Cell::Text(format!(
                "{}: {}",
                names.municipality(&c.municipality),
                names.service(&c.service)
            )),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Count(c.providers),
        ]);
    }
    Report {
        title: format!(
            "{} {} {}",
            tr(lang, "monitoring-title"),
            names.area(area),
            d.from
        ),
        headers: [
            "monitoring-col-section",
            "monitoring-col-item",
            "monitoring-col-people",
            "monitoring-col-amount",
            "monitoring-col-co-payment",
            "monitoring-col-count",
        ]
        .iter()
        .map(|k| tr(lang, k))
        .collect(),
        kinds: vec![
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Count,
            ColumnKind::Money,
            ColumnKind::Money,
            ColumnKind::Count,
        ],
        rows,
    }
}

/// The service-gap map as a flat report.
pub fn gaps_report(g: &GapMap, names: &Names) -> Report {
    let lang = names.lang;
    let rows = g
        .rows
        .iter()
        .map(|r| {
            let people = |v: Option<u64>| match v {
                Some(n) => Cell::Count(n),
                None => Cell::Suppressed,
            };
            vec![
                Cell::Text(names.municipality(&r.municipality)),
                Cell::Text(r.service.clone()),
                Cell::Text(names.service(&r.service)),
                Cell::Text(
                    r.essential
                        .as_deref()
                        .map(|e| code_name(lang, "monitoring-essential", e))
                        .unwrap_or_default(),
                ),
                people(r.needed_not_available),
                people(r.available_not_received),
                Cell::Count(r.providers),
                Cell::Text(
                    r.barriers
                        .iter()
                        .map(|(b, n)| format!("{b} ({n})"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ]
        })
        .collect();
    Report {
        title: tr(lang, "monitoring-gaps-title"),
        headers: [
            "monitoring-col-municipality",
            "monitoring-col-code",
            "monitoring-col-service",
            "monitoring-col-essential",
            "monitoring-col-needed",
            "monitoring-col-not-received",
            "monitoring-col-providers",
            "monitoring-col-barriers",
        ]
        .iter()
        .map(|k| tr(lang, k))
        .collect(),
        kinds: vec![
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Count,
            ColumnKind::Count,
            ColumnKind::Count,
            ColumnKind::Text,
        ],
        rows,
    }
}

/// The people behind a figure as a flat report.
pub fn rows_report(rows: &[PersonRow], names: &Names, figure: &str) -> Report {
    let lang = names.lang;
    Report {
        title: format!("{} {figure}", tr(lang, "monitoring-rows-title")),
        headers: [
            "monitoring-col-person",
            "monitoring-col-name",
            "monitoring-col-municipality",
            "monitoring-col-target-group",
            "monitoring-col-spent",
            "monitoring-col-overdue-since",
        ]
        .iter()
        .map(|k| tr(lang, k))
        .collect(),
        kinds: vec![
            ColumnKind::Count,
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Money,
            ColumnKind::Text,
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Count(u64::try_from(r.person_id).unwrap_or(0)),
                    Cell::Text(r.name.clone()),
                    Cell::Text(names.municipality(&r.municipality)),
                    Cell::Text(code_name(lang, "group", &r.target_group)),
                    r.spent_eur.parse().map(Cell::Money).unwrap_or(Cell::Empty),
                    Cell::Text(r.overdue_since.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    }
}
