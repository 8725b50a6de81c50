//! Allocation policies (resursu piešķiršanas politika): published, versioned, dated data that
//! maps an assessment outcome to a reference package of service units per month.
//!
//! A policy is a TOML file under `policies/`, reviewed like code. A new version is a new file
//! with a later `valid_from`; it supersedes the earlier version of the same group from that day
//! on, and nothing decided under the earlier version changes.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::catalogue::{Catalogue, CatalogueError};
use crate::money::{line_amount, Money, Quantity};
use crate::outcome::{BudgetGroup, LivingSituation};
use crate::period::Period;
use crate::rawnum::RawNum;
use crate::tariff::{RawTariffTable, TariffTable};

/// One problem found in a data file (a field error).
pub type FileIssue = crate::field::FieldError;

/// The problems found in one file.
pub type FileIssues = Vec<FileIssue>;

/// A data file that could not be accepted, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}", issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct FileError {
    /// The file's name (or `<input>`).
    pub file: String,
    /// Every problem found.
    pub issues: Vec<FileIssue>,
}

/// Why a set of policies could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicySetError {
    /// The catalogue the policies refer to is broken.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// One or more files have problems.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Files(Vec<FileError>),
}

/// Parses an ISO date (`YYYY-MM-DD`), with a message naming the expected form.
pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| format!("\"{s}\" is not a date; write it as YYYY-MM-DD"))
}

/// Whether a policy may be used for decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyStatus {
    /// Adopted: used for budgets from `valid_from`.
    Adopted,
    /// A draft: used only by the simulator.
    Draft,
}

/// One line of a reference package: so many units of a service a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageLine {
    /// Service type code.
    pub service: String,
    /// Price variant, where the tariff has several.
    pub variant: Option<String>,
    /// Units per month.
    pub quantity: Quantity,
}

/// A reference package (atsauces pakete): the units a month for one level and the living
/// situations it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// The level it applies to.
    pub level: String,
    /// The living situations it applies to; empty means every one.
    pub living: Vec<LivingSituation>,
    /// The lines.
    pub lines: Vec<PackageLine>,
    /// The total the source states for this package, checked by `ibis policy check`.
    pub expect_total: Option<Money>,
}

/// Over what span a cap counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapSpan {
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

/// A limit on the units of one or more services, for one level or for all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cap {
    /// The services whose units count together.
    pub services: Vec<String>,
    /// The level it applies to; `None` for every level.
    pub level: Option<String>,
    /// Month or year.
    pub per: CapSpan,
    /// Most units in that span.
    pub max: Quantity,
    /// Where the limit comes from.
    pub source: String,
}

impl Cap {
    /// Whether this cap limits `service` at `level`.
    pub fn applies(&self, service: &str, level: &str) -> bool {
        self.services.iter().any(|s| s == service)
            && self.level.as_deref().is_none_or(|l| l == level)
    }

    /// The most units a month that stay within the cap (a yearly cap spread over 12 months,
    /// cut down to three decimals).
    pub fn monthly_allowance(&self) -> Quantity {
        match self.per {
            CapSpan::Month => self.max,
            CapSpan::Year => Quantity::floor_of(self.max.as_decimal() / Decimal::from(12))
                .unwrap_or(Quantity::ZERO),
        }
    }
}

/// A band of the children's support-intensity score (sum of the four domain ratings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntensityBand {
    /// The level (support intensity) the band leads to.
    pub level: String,
    /// Lowest score in the band.
    pub min_score: u8,
    /// Highest score in the band, inclusive.
    pub max_score: u8,
}

/// The monthly-grant rule of the adult pilot (seed 001, L6128-6132): the month's amount is
/// halved when services ran on fewer than this share of the month's working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GrantRule {
    /// The share of working days below which the grant is halved (0.5).
    pub halve_below_share: Decimal,
}

/// How the illustrative children's policy was calibrated, checked by `ibis policy check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calibration {
    /// The monthly average the mix should come to.
    pub target_monthly_average: Money,
    /// How far the mix's average may be from the target, in percent.
    pub tolerance_percent: Decimal,
    /// Share of children at each level, in percent (summing to 100).
    pub mix: Vec<(String, Decimal)>,
    /// What the mix represents and where it comes from.
    pub note: String,
}

/// An allocation policy, checked and ready to compute budgets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Identifier (stable across versions).
    pub id: String,
    /// Version.
    pub version: String,
    /// The scheme it serves.
    pub group: BudgetGroup,
    /// Adopted or draft.
    pub status: PolicyStatus,
    /// Latvian title.
    pub title_lv: String,
    /// English title.
    pub title_en: String,
    /// First day it is in force.
    pub valid_from: Date,
    /// First day it is no longer in force, if the file says so (a later version also ends it).
    pub valid_to: Option<Date>,
    /// Whether its figures are illustrative, not a published methodology.
    pub illustrative: bool,
    /// Where its figures come from.
    pub source: String,
    /// Plain-language notes: what it assumes.
    pub notes_lv: String,
    /// English notes.
    pub notes_en: String,
    /// The tariff table that prices it.
    pub tariff_table: String,
    /// Its levels, in order.
    pub levels: Vec<String>,
    /// The reference packages.
    pub packages: Vec<Package>,
    /// The caps.
    pub caps: Vec<Cap>,
    /// For children: the score bands that give the level.
    pub intensity: Vec<IntensityBand>,
    /// The monthly-grant rule, where the scheme has one.
    pub grant: Option<GrantRule>,
    /// The calibration, where the policy is calibrated to a target.
    pub calibration: Option<Calibration>,
}

impl Policy {
    /// The package for a level and living situation, or every package of that level when
    /// none matches (for the error message).
    pub fn package_for(
        &self,
        level: &str,
        living: Option<LivingSituation>,
    ) -> Result<&Package, Vec<&Package>> {
        let of_level: Vec<&Package> = self.packages.iter().filter(|p| p.level == level).collect();
        of_level
            .iter()
            .copied()
            .find(|p| p.living.is_empty() || living.is_some_and(|l| p.living.contains(&l)))
            .ok_or(of_level)
    }

    /// The level a children's score leads to.
    pub fn level_for_score(&self, score: u8) -> Option<&IntensityBand> {
        self.intensity
            .iter()
            .find(|b| (b.min_score..=b.max_score).contains(&score))
    }

    /// The caps that limit a service at a level.
    pub fn caps_for<'a>(
        &'a self,
        service: &'a str,
        level: &'a str,
    ) -> impl Iterator<Item = &'a Cap> + 'a {
        self.caps.iter().filter(move |c| c.applies(service, level))
    }
}

// ---- The files as written -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct KindOnly {
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[allow(dead_code)]
    kind: String,
    id: String,
    version: String,
    group: String,
    status: String,
    title_lv: String,
    title_en: String,
    valid_from: String,
    valid_to: Option<String>,
    illustrative: bool,
    source: String,
    #[serde(default)]
    notes_lv: String,
    #[serde(default)]
    notes_en: String,
    tariff_table: String,
    levels: Vec<String>,
    #[serde(default, rename = "package")]
    packages: Vec<RawPackage>,
    #[serde(default, rename = "cap")]
    caps: Vec<RawCap>,
    #[serde(default)]
    intensity: Option<RawIntensity>,
    grant: Option<RawGrant>,
    calibration: Option<RawCalibration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    level: String,
    #[serde(default)]
    living: Vec<String>,
    expect_total_eur: Option<RawNum>,
    lines: Vec<RawLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    service: String,
    variant: Option<String>,
    quantity: Option<RawNum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCap {
    services: Vec<String>,
    level: Option<String>,
    per: String,
    max: RawNum,
    #[serde(default)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntensity {
    band: Vec<RawBand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    level: String,
    min_score: u8,
    max_score: u8,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrant {
    halve_below_share_of_working_days: RawNum,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    target_monthly_average_eur: RawNum,
    tolerance_percent: RawNum,
    #[serde(default)]
    note: String,
    mix: Vec<RawMix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMix {
    level: String,
    share_percent: RawNum,
}

/// What a file holds.
enum Parsed {
    Policy(Box<RawPolicy>),
    Tariff(RawTariffTable),
}

fn parse_file(text: &str) -> Result<Parsed, FileIssue> {
    let kind = toml::from_str::<KindOnly>(text)
        .map_err(|e| FileIssue::new("(file)", format!("not valid TOML: {}", e.message())))?
        .kind;
    match kind.as_deref() {
        Some("allocation-policy") => toml::from_str::<RawPolicy>(text)
            .map(|p| Parsed::Policy(Box::new(p)))
            .map_err(|e| toml_issue(text, &e)),
        Some("tariff-table") => toml::from_str::<RawTariffTable>(text)
            .map(Parsed::Tariff)
            .map_err(|e| toml_issue(text, &e)),
        Some(other) => Err(FileIssue::new(
            "kind",
            format!("\"{other}\" is not allowed; allowed: allocation-policy, tariff-table"),
        )),
        None => Err(FileIssue::new(
            "kind",
            "missing; allowed: allocation-policy, tariff-table",
        )),
    }
}

fn toml_issue(text: &str, e: &toml::de::Error) -> FileIssue {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
    let field = match line {
        Some(l) => format!("(line {l})"),
        None => "(file)".to_owned(),
    };
    FileIssue::new(field, e.message().to_owned())
}

fn num<T, E: fmt::Display>(
    issues: &mut FileIssues,
    field: impl Into<String>,
    n: &RawNum,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    n.parse(parse)
        .map_err(|m| issues.push(FileIssue::new(field, m)))
        .ok()
}

impl RawPolicy {
    fn build(self, catalogue: &Catalogue, issues: &mut FileIssues) -> Option<Policy> {
        let before = issues.len();
        for (field, v) in [
            ("id", &self.id),
            ("version", &self.version),
            ("tariff_table", &self.tariff_table),
        ] {
            if v.trim().is_empty() {
                issues.push(FileIssue::new(field, "must not be empty"));
            }
        }
        let group = self
            .group
            .parse::<BudgetGroup>()
            .map_err(|e| {
                issues.push(FileIssue::new(
                    "group",
                    format!("\"{}\" is not allowed; allowed: {}", e.given, e.allowed),
                ))
            })
            .ok();
        let status = match self.status.as_str() {
            "adopted" => Some(PolicyStatus::Adopted),
            "draft" => Some(PolicyStatus::Draft),
            other => {
                issues.push(FileIssue::new(
                    "status",
                    format!("\"{other}\" is not allowed; allowed: adopted, draft"),
                ));
                None
            }
        };
        let valid_from = parse_date(&self.valid_from)
            .map_err(|m| issues.push(FileIssue::new("valid_from", m)))
            .ok();
        let valid_to = match &self.valid_to {
            None => None,
            Some(s) => parse_date(s)
                .map_err(|m| issues.push(FileIssue::new("valid_to", m)))
                .ok(),
        };
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if t <= f {
                issues.push(FileIssue::new(
                    "valid_to",
                    format!("{t} must be after valid_from {f}"),
                ));
            }
        }
        if self.levels.is_empty() {
            issues.push(FileIssue::new("levels", "must name at least one level"));
        }
        for (i, l) in self.levels.iter().enumerate() {
            if self.levels[..i].contains(l) {
                issues.push(FileIssue::new("levels", format!("\"{l}\" appears twice")));
            }
        }
        let allowed_levels = self.levels.join(", ");
        let check_level = |issues: &mut FileIssues, field: String, level: &str| {
            if !self.levels.iter().any(|l| l == level) {
                issues.push(FileIssue::new(
                    field,
                    format!(
                        "level \"{level}\" is not one of the policy's levels: {allowed_levels}"
                    ),
                ));
            }
        };

        let mut packages = Vec::new();
        for (pi, p) in self.packages.iter().enumerate() {
            let name = format!(
                "package[{}] (level {}{})",
                pi + 1,
                p.level,
                if p.living.is_empty() {
                    String::new()
                } else {
                    format!(", {}", p.living.join("/"))
                }
            );
            check_level(issues, format!("{name}.level"), &p.level);
            let mut living = Vec::new();
            for l in &p.living {
                match l.parse::<LivingSituation>() {
                    Ok(l) => living.push(l),
                    Err(e) => issues.push(FileIssue::new(
                        format!("{name}.living"),
                        format!("\"{}\" is not allowed; allowed: {}", e.given, e.allowed),
                    )),
                }
            }
            if p.lines.is_empty() {
                issues.push(FileIssue::new(
                    format!("{name}.lines"),
                    "a package needs at least one line",
                ));
            }
            let mut lines = Vec::new();
            for (li, line) in p.lines.iter().enumerate() {
                let at = format!("{name}.lines[{}] ({})", li + 1, line.service);
                if catalogue.get(&line.service).is_none() {
                    issues.push(FileIssue::new(
                        format!("{at}.service"),
                        format!(
                            "\"{}\" is not a service type in the catalogue",
                            line.service
                        ),
                    ));
                }
                let quantity = match &line.quantity {
                    None => {
                        issues.push(FileIssue::new(
                            format!("{at}.quantity"),
                            "the quantity is missing",
                        ));
                        None
                    }
                    Some(q) => num(issues, format!("{at}.quantity"), q, |s| {
                        s.parse::<Quantity>()
                    }),
                };
                if quantity == Some(Quantity::ZERO) {
                    issues.push(FileIssue::new(
                        format!("{at}.quantity"),
                        "must be more than 0 (leave the line out instead)",
                    ));
                }
                if lines
                    .iter()
                    .any(|l: &PackageLine| l.service == line.service && l.variant == line.variant)
                {
                    issues.push(FileIssue::new(
                        format!("{at}.service"),
                        "appears twice in the package",
                    ));
                }
                if let Some(quantity) = quantity {
                    lines.push(PackageLine {
                        service: line.service.clone(),
                        variant: line.variant.clone(),
                        quantity,
                    });
                }
            }
            let expect_total = p.expect_total_eur.as_ref().and_then(|n| {
                num(issues, format!("{name}.expect_total_eur"), n, |s| {
                    s.parse::<Money>()
                })
            });
            packages.push(Package {
                level: p.level.clone(),
                living,
                lines,
                expect_total,
            });
        }
        // No two packages may answer the same level and living situation.
        for (i, a) in packages.iter().enumerate() {
            for b in &packages[..i] {
                let clash = a.level == b.level
                    && (a.living.is_empty()
                        || b.living.is_empty()
                        || a.living.iter().any(|l| b.living.contains(l)));
                if clash {
                    issues.push(FileIssue::new(
                        format!("package[{}]", i + 1),
                        format!(
                            "level {} is given two packages for the same living situation",
                            a.level
                        ),
                    ));
                }
            }
        }

        let mut caps = Vec::new();
        for (ci, c) in self.caps.iter().enumerate() {
            let at = format!("cap[{}]", ci + 1);
            for s in &c.services {
                if catalogue.get(s).is_none() {
                    issues.push(FileIssue::new(
                        format!("{at}.services"),
                        format!("\"{s}\" is not a service type in the catalogue"),
                    ));
                }
            }
            if c.services.is_empty() {
                issues.push(FileIssue::new(
                    format!("{at}.services"),
                    "must name at least one service",
                ));
            }
            if let Some(l) = &c.level {
                check_level(issues, format!("{at}.level"), l);
            }
            let per = match c.per.as_str() {
                "month" => Some(CapSpan::Month),
                "year" => Some(CapSpan::Year),
                other => {
                    issues.push(FileIssue::new(
                        format!("{at}.per"),
                        format!("\"{other}\" is not allowed; allowed: month, year"),
                    ));
                    None
                }
            };
            let max = num(issues, format!("{at}.max"), &c.max, |s| {
                s.parse::<Quantity>()
            });
            if max == Some(Quantity::ZERO) {
                issues.push(FileIssue::new(format!("{at}.max"), "must be more than 0"));
            }
            if let (Some(per), Some(max)) = (per, max) {
                caps.push(Cap {
                    services: c.services.clone(),
                    level: c.level.clone(),
                    per,
                    max,
                    source: c.source.clone(),
                });
            }
        }

        let mut intensity = Vec::new();
        if let Some(raw) = &self.intensity {
            for (bi, b) in raw.band.iter().enumerate() {
                check_level(
                    issues,
                    format!("intensity.band[{}].level", bi + 1),
                    &b.level,
                );
                if b.min_score > b.max_score {
                    issues.push(FileIssue::new(
                        format!("intensity.band[{}]", bi + 1),
                        format!(
                            "min_score {} is above max_score {}",
                            b.min_score, b.max_score
                        ),
                    ));
                }
                intensity.push(IntensityBand {
                    level: b.level.clone(),
                    min_score: b.min_score,
                    max_score: b.max_score,
                });
            }
            let top = 4 * crate::outcome::DomainRatings::MAX;
            for score in 0..=top {
                let n = intensity
                    .iter()
                    .filter(|b| (b.min_score..=b.max_score).contains(&score))
                    .count();
                if n != 1 {
                    issues.push(FileIssue::new(
                        "intensity.band",
                        format!("score {score} falls in {n} bands; every score 0-{top} must fall in exactly one"),
                    ));
                    break;
                }
            }
        }
        if group == Some(BudgetGroup::ChildFt) && intensity.is_empty() {
            issues.push(FileIssue::new(
                "intensity",
                "a child-ft policy needs score bands ([[intensity.band]])",
            ));
        }

        let grant = self.grant.as_ref().and_then(|g| {
            num(
                issues,
                "grant.halve_below_share_of_working_days",
                &g.halve_below_share_of_working_days,
                |s| {
                    s.parse::<Decimal>()
                        .map_err(|e| e.to_string())
                        .and_then(|d| {
                            if d > Decimal::ZERO && d <= Decimal::ONE {
                                Ok(d)
                            } else {
                                Err(format!("{d} must be a share between 0 and 1"))
                            }
                        })
                },
            )
            .map(|halve_below_share| GrantRule { halve_below_share })
        });

        let calibration = self.calibration.as_ref().and_then(|c| {
            let target = num(
                issues,
                "calibration.target_monthly_average_eur",
                &c.target_monthly_average_eur,
                |s| s.parse::<Money>(),
            );
            let tol = num(
                issues,
                "calibration.tolerance_percent",
                &c.tolerance_percent,
                |s| s.parse::<Decimal>(),
            );
            let mut mix = Vec::new();
            for (mi, m) in c.mix.iter().enumerate() {
                check_level(
                    issues,
                    format!("calibration.mix[{}].level", mi + 1),
                    &m.level,
                );
                if let Some(share) = num(
                    issues,
                    format!("calibration.mix[{}].share_percent", mi + 1),
                    &m.share_percent,
                    |s| s.parse::<Decimal>(),
                ) {
                    mix.push((m.level.clone(), share));
                }
            }
            let sum: Decimal = mix.iter().map(|(_, s)| *s).sum();
            if sum != Decimal::ONE_HUNDRED {
                issues.push(FileIssue::new(
                    "calibration.mix",
                    format!("shares add up to {sum} %, not 100 %"),
                ));
            }
            Some(Calibration {
                target_monthly_average: target?,
                tolerance_percent: tol?,
                mix,
                note: c.note.clone(),
            })
        });

        if issues.len() > before {
            return None;
        }
        Some(Policy {
            id: self.id,
            version: self.version,
            group: group?,
            status: status?,
            title_lv: self.title_lv,
            title_en: self.title_en,
            valid_from: valid_from?,
            valid_to,
            illustrative: self.illustrative,
            source: self.source,
            notes_lv: self.notes_lv,
            notes_en: self.notes_en,
            tariff_table: self.tariff_table,
            levels: self.levels,
            packages,
            caps,
            intensity,
            grant,
            calibration,
        })
    }
}

// ---- The set of policies and tariffs --------------------------------------------------------

/// The policies and tariff tables in force, with the catalogue they refer to.
#[derive(Debug, Clone)]
pub struct PolicySet {
    /// The service catalogue.
    pub catalogue: Catalogue,
    /// Every policy version, ordered by group and `valid_from`.
    pub policies: Vec<Policy>,
    /// Tariff tables by id.
    pub tariffs: BTreeMap<String, TariffTable>,
}

/// The policy and tariff files shipped with ibis, as `(path, text)`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "policies/tariffs/lv-ib.toml",
        include_str!("../../../policies/tariffs/lv-ib.toml"),
    ),
    (
        "policies/adult-grt/v1.toml",
        include_str!("../../../policies/adult-grt/v1.toml"),
    ),
    (
        "policies/support-person/v1.toml",
        include_str!("../../../policies/support-person/v1.toml"),
    ),
    (
        "policies/child-ft/v1.toml",
        include_str!("../../../policies/child-ft/v1.toml"),
    ),
];

impl PolicySet {
    /// The policies shipped with ibis, priced by the shipped tariffs, against the shipped
    /// catalogue.
    pub fn builtin() -> Result<Self, PolicySetError> {
        Self::load(
            Catalogue::builtin()?,
            BUILTIN_FILES
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string())),
        )
    }

    /// Loads policy and tariff files `(name, text)`, checking each and then the set as a whole
    /// (every policy's tariff exists and prices every package line; stated totals and
    /// calibrations hold; packages stay within their caps). Reports every problem found.
    pub fn load(
        catalogue: Catalogue,
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, PolicySetError> {
        let mut errors = Vec::new();
        let mut policies = Vec::new();
        let mut policy_files = Vec::new();
        let mut tariffs = BTreeMap::new();
        for (name, text) in files {
            let mut issues = Vec::new();
            match parse_file(&text) {
                Err(issue) => issues.push(issue),
                Ok(Parsed::Policy(raw)) => {
                    if let Some(p) = raw.build(&catalogue, &mut issues) {
                        policies.push(p);
                        policy_files.push(name.clone());
                    }
                }
                Ok(Parsed::Tariff(raw)) => {
                    if raw.kind == "tariff-table" {
                        if let Some(t) = raw.build(&catalogue, &mut issues) {
                            if tariffs.contains_key(&t.id) {
                                issues.push(FileIssue::new(
                                    "id",
                                    format!("tariff table \"{}\" is defined twice", t.id),
                                ));
                            } else {
                                tariffs.insert(t.id.clone(), t);
                            }
                        }
                    }
                }
            }
            if !issues.is_empty() {
                errors.push(FileError { file: name, issues });
            }
        }
        let mut set = PolicySet {
            catalogue,
            policies: Vec::new(),
            tariffs,
        };
        for (policy, file) in policies.into_iter().zip(policy_files) {
            let issues = set.check_policy(&policy);
            if issues.is_empty() {
                set.policies.push(policy);
            } else {
                errors.push(FileError { file, issues });
            }
        }
        set.policies.sort_by_key(|p| (p.group, p.valid_from));
        for w in set.policies.windows(2) {
            if w[0].group == w[1].group
                && w[0].valid_from == w[1].valid_from
                && w[0].status == PolicyStatus::Adopted
                && w[1].status == PolicyStatus::Adopted
            {
                errors.push(FileError {
                    file: format!("{} v{}", w[1].id, w[1].version),
                    issues: vec![FileIssue::new(
                        "valid_from",
                        format!(
                            "{} v{} already starts on {}; a new version needs a later date",
                            w[0].id, w[0].version, w[0].valid_from
                        ),
                    )],
                });
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(PolicySetError::Files(errors))
        }
    }

    /// The checks that need the tariffs: every line priced on `valid_from` in the unit of the
    /// catalogue, stated totals reproduced to the cent, packages within caps, calibration met.
    fn check_policy(&self, p: &Policy) -> Vec<FileIssue> {
        let mut issues = Vec::new();
        let Some(tariff) = self.tariffs.get(&p.tariff_table) else {
            let known = self.tariffs.keys().cloned().collect::<Vec<_>>().join(", ");
            return vec![FileIssue::new(
                "tariff_table",
                format!(
                    "\"{}\" is not a loaded tariff table; loaded: {known}",
                    p.tariff_table
                ),
            )];
        };
        let mut package_totals: Vec<(&str, Money)> = Vec::new();
        for (pi, pkg) in p.packages.iter().enumerate() {
            let name = format!("package[{}] (level {})", pi + 1, pkg.level);
            let mut total = Money::ZERO;
            let mut priced = true;
            for line in &pkg.lines {
                match tariff.price_on(&line.service, line.variant.as_deref(), p.valid_from) {
                    Ok(entry) => total += line_amount(entry.price, line.quantity),
                    Err(e) => {
                        priced = false;
                        issues.push(FileIssue::new(
                            format!("{name}.lines ({})", line.service),
                            format!("missing price: {e}"),
                        ));
                    }
                }
            }
            for cap in &p.caps {
                let used: Quantity = pkg
                    .lines
                    .iter()
                    .filter(|l| cap.applies(&l.service, &pkg.level))
                    .map(|l| l.quantity)
                    .sum();
                if used > cap.monthly_allowance() {
                    issues.push(FileIssue::new(
                        format!("{name}.lines"),
                        format!(
                            "{} units a month of {} exceed the cap of {} a {} ({} a month)",
                            used,
                            cap.services.join("+"),
                            cap.max,
                            match cap.per {
                                CapSpan::Month => "month",
                                CapSpan::Year => "year",
                            },
                            cap.monthly_allowance()
                        ),
                    ));
                }
            }
            if let (true, Some(expected)) = (priced, pkg.expect_total) {
                if total != expected {
                    issues.push(FileIssue::new(
                        format!("{name}.expect_total_eur"),
                        format!("the lines come to {total} EUR, not the stated {expected} EUR"),
                    ));
                }
            }
            if priced {
                package_totals.push((&pkg.level, total));
            }
        }
        if let Some(cal) = &p.calibration {
            let mut avg = Decimal::ZERO;
            for (level, share) in &cal.mix {
                let totals: Vec<Money> = package_totals
                    .iter()
                    .filter(|(l, _)| l == level)
                    .map(|(_, t)| *t)
                    .collect();
                match totals.as_slice() {
                    [t] => avg += t.as_decimal() * share / Decimal::ONE_HUNDRED,
                    _ => issues.push(FileIssue::new(
                        "calibration.mix",
                        format!("level {level} must have exactly one package to be calibrated"),
                    )),
                }
            }
            let target = cal.target_monthly_average.as_decimal();
            if !target.is_zero() {
                let off = ((avg - target) / target * Decimal::ONE_HUNDRED).abs();
                if off > cal.tolerance_percent {
                    issues.push(FileIssue::new(
                        "calibration",
                        format!("the mix averages {} EUR a month, {}% from the target {} EUR (tolerance {}%)", crate::money::round_half_up(avg), off.round_dp(2), cal.target_monthly_average, cal.tolerance_percent),
                    ));
                }
            }
        }
        issues
    }

    /// The adopted policy of a group in force on a day: the adopted version with the latest
    /// `valid_from` on or before the day, unless its own `valid_to` has passed.
    pub fn select(&self, group: BudgetGroup, on: Date) -> Result<&Policy, SelectError> {
        let versions: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|p| p.group == group && p.status == PolicyStatus::Adopted)
            .collect();
        versions
            .iter()
            .rev()
            .find(|p| p.valid_from <= on)
            .filter(|p| p.valid_to.is_none_or(|t| on < t))
            .copied()
            .ok_or_else(|| SelectError {
                group,
                on,
                versions: versions
                    .iter()
                    .map(|p| format!("{} v{} {}", p.id, p.version, p.validity()))
                    .collect(),
            })
    }

    /// The periods each adopted version of a group is in force, superseding included.
    pub fn validity_of(&self, group: BudgetGroup) -> Vec<(&Policy, Period)> {
        let versions: Vec<&Policy> = self
            .policies
            .iter()
            .filter(|p| p.group == group && p.status == PolicyStatus::Adopted)
            .collect();
        versions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let next = versions.get(i + 1).map(|n| n.valid_from);
                let to = match (p.valid_to, next) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                (
                    *p,
                    Period {
                        from: p.valid_from,
                        to,
                    },
                )
            })
            .collect()
    }
}

impl Policy {
    /// The validity as written in the file, e.g. `[2019-11-01, …)`.
    pub fn validity(&self) -> Period {
        Period {
            from: self.valid_from,
            to: self.valid_to,
        }
    }
}

/// No adopted policy of a group is in force on a day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--on: no adopted {group} policy is in force on {on}; {}", if versions.is_empty() { "there is none".to_owned() } else { format!("versions: {}", versions.join(", ")) })]
pub struct SelectError {
    /// The group asked for.
    pub group: BudgetGroup,
    /// The day asked for.
    pub on: Date,
    /// The versions that exist, with their validity.
    pub versions: Vec<String>,
}

/// What a policy or tariff file says it is: its kind, id and version, read without checking
/// the rest. Used to let a file under review replace the shipped file it is a new edition of.
pub fn file_identity(text: &str) -> Option<(String, String, String)> {
    #[derive(Deserialize)]
    struct Head {
        kind: Option<String>,
        id: Option<String>,
        version: Option<String>,
    }
    let h: Head = toml::from_str(text).ok()?;
    Some((h.kind?, h.id?, h.version.unwrap_or_default()))
}
