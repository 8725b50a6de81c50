//! Explained budgets: a budget computed from an assessment outcome through an allocation
//! policy, carrying every input, line, price and cap it rests on. The explanation is data: it
//! is shown to families, printed on decision notices and stored with the decision.

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use crate::catalogue::{Category, Unit};
use crate::money::{line_amount, Money, Quantity, UnitPrice};
use crate::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome};
use crate::period::Period;
use crate::policy::{CapSpan, PolicySet, SelectError};
use crate::tariff::PriceError;

/// The policy a budget was computed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRef {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// Latvian title.
    pub title_lv: String,
    /// English title.
    pub title_en: String,
    /// Whether the policy is illustrative.
    pub illustrative: bool,
    /// Where its figures come from.
    pub source: String,
    /// First day the version is in force.
    pub valid_from: Date,
}

/// The tariff table a budget was priced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TariffRef {
    /// Table id.
    pub id: String,
    /// Table version.
    pub version: String,
}

/// How a line's unit price is made up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceBasis {
    /// Base price per unit.
    pub base_eur: UnitPrice,
    /// The employer's contribution on top, in percent, where there is one.
    pub employer_contribution_percent: Option<Decimal>,
    /// The period the price is in force.
    pub tariff_period: Period,
    /// Where the price comes from.
    pub source: String,
    /// Whether the price is illustrative.
    pub illustrative: bool,
}

/// One line of an explained budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    /// Service type code.
    pub service: String,
    /// Latvian name of the service.
    pub name_lv: String,
    /// English name of the service.
    pub name_en: String,
    /// Category of the service.
    pub category: Category,
    /// Price variant, where the tariff has several.
    pub variant: Option<String>,
    /// Units a month.
    pub quantity: Quantity,
    /// The unit.
    pub unit: Unit,
    /// Price per unit.
    pub unit_price_eur: UnitPrice,
    /// How the price is made up.
    pub price_basis: PriceBasis,
    /// Quantity times price, rounded half up to the cent.
    pub amount_eur: Money,
}

/// A cap that applies to the budget's lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapApplied {
    /// The services that count together.
    pub services: Vec<String>,
    /// Month or year.
    pub per: CapSpan,
    /// Most units in that span.
    pub max: Quantity,
    /// The package's units a month of those services.
    pub package_quantity_per_month: Quantity,
    /// Where the limit comes from.
    pub source: String,
}

/// What the level rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LevelBasis {
    /// The level was assessed directly (care level, support level).
    Assessed {
        /// The level.
        level: String,
    },
    /// The level follows from a child's domain ratings through the policy's score bands.
    Score {
        /// The ratings.
        ratings: DomainRatings,
        /// Their sum.
        score: u8,
        /// The band's lowest score.
        band_min: u8,
        /// The band's highest score.
        band_max: u8,
        /// The level of the band.
        level: String,
    },
}

/// A budget with its explanation: total per month and every line it is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedBudget {
    /// The amount per month.
    pub total_eur: Money,
    /// The span the total is for (always `month`).
    pub per: &'static str,
    /// The day the budget was computed for (policy and prices in force that day).
    pub on: Date,
    /// The scheme.
    pub group: BudgetGroup,
    /// The level.
    pub level: String,
    /// What the level rests on.
    pub level_basis: LevelBasis,
    /// The living situation, where given.
    pub living: Option<LivingSituation>,
    /// The policy version.
    pub policy: PolicyRef,
    /// The tariff table.
    pub tariff: TariffRef,
    /// The lines.
    pub lines: Vec<BudgetLine>,
    /// The caps in force on these lines (enforced again when the plan is made and at claims).
    pub caps: Vec<CapApplied>,
    /// The share of working days below which a month's grant is halved, where the scheme has
    /// that rule.
    pub grant_halve_below_share: Option<Decimal>,
}

/// Why a budget could not be computed. Each names the input concerned, what was given and
/// what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    /// No policy in force.
    #[error(transparent)]
    NoPolicy(#[from] SelectError),
    /// The level is not one of the policy's.
    #[error("--level: \"{given}\" is not a level of {group} policy {policy}; allowed: {allowed}")]
    UnknownLevel {
        /// Group.
        group: BudgetGroup,
        /// Policy id and version.
        policy: String,
        /// What was given.
        given: String,
        /// Allowed levels.
        allowed: String,
    },
    /// A level is needed but none was given.
    #[error("--level: required for {group}; allowed: {allowed}")]
    MissingLevel {
        /// Group.
        group: BudgetGroup,
        /// Allowed levels.
        allowed: String,
    },
    /// A child's ratings are needed but none were given.
    #[error("the four domain ratings (--physical, --intellectual, --social, --behaviour, each 0-4) are required for {group}")]
    MissingRatings {
        /// Group.
        group: BudgetGroup,
    },
    /// No package for that level and living situation.
    #[error("--living: {} has no package for level {level} {}; allowed for level {level}: {allowed}", .group, .given.map(|g| format!("living \"{g}\"")).unwrap_or_else(|| "without a living situation".into()))]
    NoPackage {
        /// Group.
        group: BudgetGroup,
        /// Level.
        level: String,
        /// Living situation given.
        given: Option<LivingSituation>,
        /// The living situations that level has packages for.
        allowed: String,
    },
    /// A price is missing for the day.
    #[error(transparent)]
    Price(#[from] PriceError),
    /// The policy's tariff table is not loaded (a broken set; `PolicySet::load` prevents it).
    #[error("tariff table \"{0}\" is not loaded")]
    NoTariff(String),
}

impl PolicySet {
    /// Computes the explained monthly budget for an outcome, with the policy and prices in
    /// force on `on`.
    pub fn compute(&self, outcome: &Outcome, on: Date) -> Result<ExplainedBudget, BudgetError> {
        let policy = self.select(outcome.group, on)?;
        let level_basis = if outcome.group == BudgetGroup::ChildFt && outcome.level.is_none() {
            let ratings = outcome.ratings.ok_or(BudgetError::MissingRatings {
                group: outcome.group,
            })?;
            let score = ratings.score();
            let band = policy
                .level_for_score(score)
                .ok_or_else(|| BudgetError::UnknownLevel {
                    group: outcome.group,
                    policy: format!("{} v{}", policy.id, policy.version),
                    given: format!("score {score}"),
                    allowed: policy.levels.join(", "),
                })?;
            LevelBasis::Score {
                ratings,
                score,
                band_min: band.min_score,
                band_max: band.max_score,
                level: band.level.clone(),
            }
        } else {
            let level = outcome
                .level
                .clone()
                .ok_or_else(|| BudgetError::MissingLevel {
                    group: outcome.group,
                    allowed: policy.levels.join(", "),
                })?;
            if !policy.levels.contains(&level) {
                return Err(BudgetError::UnknownLevel {
                    group: outcome.group,
                    policy: format!("{} v{}", policy.id, policy.version),
                    given: level,
                    allowed: policy.levels.join(", "),
                });
            }
            LevelBasis::Assessed { level }
        };
        let level = match &level_basis {
            LevelBasis::Assessed { level } | LevelBasis::Score { level, .. } => level.clone(),
        };
        let package = policy
            .package_for(&level, outcome.living)
            .map_err(|of_level| {
                let allowed: Vec<&str> = of_level
                    .iter()
                    .flat_map(|p| p.living.iter().map(|l| l.code()))
                    .collect();
                BudgetError::NoPackage {
                    group: outcome.group,
                    level: level.clone(),
                    given: outcome.living,
                    allowed: if allowed.is_empty() {
                        "none".into()
                    } else {
                        allowed.join(", ")
                    },
                }
            })?;
        let tariff = self
            .tariffs
            .get(&policy.tariff_table)
            .ok_or_else(|| BudgetError::NoTariff(policy.tariff_table.clone()))?;

        let mut lines = Vec::with_capacity(package.lines.len());
        for pl in &package.lines {
            let entry = tariff.price_on(&pl.service, pl.variant.as_deref(), on)?;
            let (name_lv, name_en, category) = self
                .catalogue
                .get(&pl.service)
                .map(|t| (t.name_lv.clone(), t.name_en.clone(), t.category))
                .unwrap_or_else(|| (pl.service.clone(), pl.service.clone(), Category::SocialCare));
            lines.push(BudgetLine {
                service: pl.service.clone(),
                name_lv,
                name_en,
                category,
                variant: pl.variant.clone(),
                quantity: pl.quantity,
                unit: entry.unit,
                unit_price_eur: entry.price,
                price_basis: PriceBasis {
                    base_eur: entry.base,
                    employer_contribution_percent: entry.employer_contribution_percent,
                    tariff_period: entry.period,
                    source: entry.source.clone(),
                    illustrative: entry.illustrative,
                },
                amount_eur: line_amount(entry.price, pl.quantity),
            });
        }
        let caps = policy
            .caps
            .iter()
            .filter(|c| package.lines.iter().any(|l| c.applies(&l.service, &level)))
            .map(|c| CapApplied {
                services: c.services.clone(),
                per: c.per,
                max: c.max,
                package_quantity_per_month: package
                    .lines
                    .iter()
                    .filter(|l| c.applies(&l.service, &level))
                    .map(|l| l.quantity)
                    .sum(),
                source: c.source.clone(),
            })
            .collect();
        Ok(ExplainedBudget {
            total_eur: lines.iter().map(|l| l.amount_eur).sum(),
            per: "month",
            on,
            group: outcome.group,
            level,
            level_basis,
            living: outcome.living,
            policy: PolicyRef {
                id: policy.id.clone(),
                version: policy.version.clone(),
                title_lv: policy.title_lv.clone(),
                title_en: policy.title_en.clone(),
                illustrative: policy.illustrative,
                source: policy.source.clone(),
                valid_from: policy.valid_from,
            },
            tariff: TariffRef {
                id: tariff.id.clone(),
                version: tariff.version.clone(),
            },
            lines,
            caps,
            grant_halve_below_share: policy.grant.map(|g| g.halve_below_share),
        })
    }
}

/// The month's grant to a municipality for one client (seed 001, L6128-6132): the full amount,
/// or half of it when community-based services ran on fewer than `halve_below_share` of the
/// month's working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthlyGrant {
    /// The amount due for the month.
    pub amount_eur: Money,
    /// Whether it was halved.
    pub halved: bool,
    /// Days in the month on which services ran.
    pub service_days: u32,
    /// Working days in the month.
    pub working_days: u32,
}

/// Applies the halving rule to a month's full grant.
pub fn monthly_grant(
    full: Money,
    service_days: u32,
    working_days: u32,
    halve_below_share: Decimal,
) -> MonthlyGrant {
    let halved = Decimal::from(service_days) < Decimal::from(working_days) * halve_below_share;
    MonthlyGrant {
        amount_eur: if halved { full.half() } else { full },
        halved,
        service_days,
        working_days,
    }
}
