//! Tariff tables (tarifi): effective-dated prices per unit of service.
//!
//! A price is never overwritten: a new price is a new entry with a later `from`, which
//! supersedes the earlier entry for the same service (and variant) from that day on. An
//! explicit `to` ends a price without a successor.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::catalogue::{Catalogue, Unit};
use crate::money::UnitPrice;
use crate::period::Period;
use crate::policy::{parse_date, FileIssue, FileIssues};
use crate::rawnum::RawNum;

/// One price of a service for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffEntry {
    /// Service type code.
    pub service: String,
    /// A price variant where one service has several prices, e.g. `working-day` and
    /// `weekend-or-holiday` for short-term care.
    pub variant: Option<String>,
    /// The unit the price is for.
    pub unit: Unit,
    /// The base price per unit.
    pub base: UnitPrice,
    /// The employer's state social insurance contribution added on top, in percent, where the
    /// source prices a wage-based rate without it (seed 001: 23.59 %).
    pub employer_contribution_percent: Option<Decimal>,
    /// The price per unit that is charged: the base plus the contribution, exact.
    pub price: UnitPrice,
    /// The period this price is in force, after successors are taken into account.
    pub period: Period,
    /// Where the figure comes from.
    pub source: String,
    /// Whether the figure is an illustrative default rather than a published one.
    pub illustrative: bool,
}

/// A tariff table: the prices a policy is priced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffTable {
    /// Identifier, referenced by policies.
    pub id: String,
    /// Version of the file (bumped whenever an entry is added).
    pub version: String,
    /// Latvian title.
    pub title_lv: String,
    /// English title.
    pub title_en: String,
    /// Every price, in file order.
    pub entries: Vec<TariffEntry>,
}

/// Why no price could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// The table has no price for that service (and variant) at all.
    #[error("tariff table {table} has no price for service \"{service}\"{}", variant_text(.variant))]
    NoPrice {
        /// Table id.
        table: String,
        /// Service code.
        service: String,
        /// Variant asked for.
        variant: Option<String>,
    },
    /// Prices exist, but none is in force on that day.
    #[error("tariff table {table} has no price for service \"{service}\"{} in force on {on}; prices exist for {periods}", variant_text(.variant))]
    NotInForce {
        /// Table id.
        table: String,
        /// Service code.
        service: String,
        /// Variant asked for.
        variant: Option<String>,
        /// The day asked about.
        on: Date,
        /// The periods that do have a price.
        periods: String,
    },
}

fn variant_text(v: &Option<String>) -> String {
    v.as_ref()
        .map(|v| format!(" (variant \"{v}\")"))
        .unwrap_or_default()
}

impl TariffTable {
    /// The price of a service (and variant) in force on a day.
    pub fn price_on(
        &self,
        service: &str,
        variant: Option<&str>,
        on: Date,
    ) -> Result<&TariffEntry, PriceError> {
        let mut candidates = self
            .entries
            .iter()
            .filter(|e| e.service == service && e.variant.as_deref() == variant)
            .peekable();
        if candidates.peek().is_none() {
            return Err(PriceError::NoPrice {
                table: self.id.clone(),
                service: service.into(),
                variant: variant.map(Into::into),
            });
        }
        let all: Vec<&TariffEntry> = candidates.collect();
        all.iter()
            .copied()
            .find(|e| e.period.contains(on))
            .ok_or_else(|| PriceError::NotInForce {
                table: self.id.clone(),
                service: service.into(),
                variant: variant.map(Into::into),
                on,
                periods: all
                    .iter()
                    .map(|e| e.period.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Adds a new price from a day on, closing the price it supersedes the day before (the
    /// old entry keeps its price and its history; nothing is overwritten). Used by the
    /// simulator and the tests; reviewed tables are written as files.
    pub fn add_price(&mut self, mut entry: TariffEntry) {
        for e in &mut self.entries {
            if e.service == entry.service
                && e.variant == entry.variant
                && e.period.from < entry.period.from
                && e.period.contains(entry.period.from)
            {
                e.period.to = Some(entry.period.from);
            }
        }
        if let Some(next) = self
            .entries
            .iter()
            .filter(|e| {
                e.service == entry.service
                    && e.variant == entry.variant
                    && e.period.from > entry.period.from
            })
            .map(|e| e.period.from)
            .min()
        {
            entry.period.to = Some(entry.period.to.map_or(next, |t| t.min(next)));
        }
        self.entries.push(entry);
    }
}

/// The tariff table file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTariffTable {
    pub kind: String,
    pub id: String,
    pub version: String,
    pub title_lv: String,
    pub title_en: String,
    #[serde(default, rename = "price")]
    pub prices: Vec<RawPrice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrice {
    service: String,
    variant: Option<String>,
    unit: String,
    eur: Option<RawNum>,
    employer_contribution_percent: Option<RawNum>,
    from: Option<String>,
    to: Option<String>,
    source: Option<String>,
    #[serde(default)]
    illustrative: bool,
}

impl RawTariffTable {
    /// Checks every entry against the catalogue and builds the table, reporting every problem.
    pub(crate) fn build(
        self,
        catalogue: &Catalogue,
        issues: &mut FileIssues,
    ) -> Option<TariffTable> {
        let before = issues.len();
        if self.id.trim().is_empty() {
            issues.push(FileIssue::new("id", "must not be empty"));
        }
        if self.version.trim().is_empty() {
            issues.push(FileIssue::new("version", "must not be empty"));
        }
        let mut entries: Vec<TariffEntry> = Vec::new();
        for (i, p) in self.prices.into_iter().enumerate() {
            let at = |f: &str| format!("price[{}] ({}).{f}", i + 1, p.service);
            let Some(ty) = catalogue.get(&p.service) else {
                issues.push(FileIssue::new(
                    format!("price[{}].service", i + 1),
                    format!("\"{}\" is not a service type in the catalogue", p.service),
                ));
                continue;
            };
            let unit = match p.unit.parse::<Unit>() {
                Ok(u) if u == ty.unit => Some(u),
                Ok(u) => {
                    issues.push(FileIssue::new(
                        at("unit"),
                        format!(
                            "\"{u}\" differs from the catalogue's unit \"{}\" for this service",
                            ty.unit
                        ),
                    ));
                    None
                }
                Err(e) => {
                    issues.push(FileIssue::new(
                        at("unit"),
                        format!("\"{}\" is not allowed; allowed: {}", e.given, e.allowed),
                    ));
                    None
                }
            };
            let base = match &p.eur {
                None => {
                    issues.push(FileIssue::new(at("eur"), "the price is missing"));
                    None
                }
                Some(n) => n
                    .parse(|s| s.parse::<UnitPrice>())
                    .map_err(|m| issues.push(FileIssue::new(at("eur"), m)))
                    .ok(),
            };
            let pct = match &p.employer_contribution_percent {
                None => Some(None),
                Some(n) => n
                    .parse(|s| s.parse::<Decimal>())
                    .and_then(|d| {
                        if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                            Err(format!("{d} must be between 0 and 100"))
                        } else {
                            Ok(Some(d))
                        }
                    })
                    .map_err(|m| {
                        issues.push(FileIssue::new(at("employer_contribution_percent"), m))
                    })
                    .ok(),
            };
            let from = match &p.from {
                None => {
                    issues.push(FileIssue::new(
                        at("from"),
                        "the first day of the price is missing (YYYY-MM-DD)",
                    ));
                    None
                }
                Some(s) => parse_date(s)
                    .map_err(|m| issues.push(FileIssue::new(at("from"), m)))
                    .ok(),
            };
            let to = match &p.to {
                None => Some(None),
                Some(s) => parse_date(s)
                    .map(Some)
                    .map_err(|m| issues.push(FileIssue::new(at("to"), m)))
                    .ok(),
            };
            let (Some(unit), Some(base), Some(pct), Some(from), Some(to)) =
                (unit, base, pct, from, to)
            else {
                continue;
            };
            let period = match to {
                None => Period::starting(from),
                Some(to) => match Period::new(from, to) {
                    Ok(p) => p,
                    Err(e) => {
                        issues.push(FileIssue::new(at("to"), e.to_string()));
                        continue;
                    }
                },
            };
            let price = match pct {
                None => base,
                Some(pct) => match base.plus_percent(pct) {
                    Ok(p) => p,
                    Err(e) => {
                        issues.push(FileIssue::new(
                            at("employer_contribution_percent"),
                            e.to_string(),
                        ));
                        continue;
                    }
                },
            };
            if let Some(clash) = entries
                .iter()
                .find(|e| e.service == p.service && e.variant == p.variant && e.period.from == from)
            {
                issues.push(FileIssue::new(
                    at("from"),
                    format!("a price for this service already starts on {} ({} EUR); a new price needs a new date", from, clash.price),
                ));
                continue;
            }
            entries.push(TariffEntry {
                service: p.service,
                variant: p.variant,
                unit,
                base,
                employer_contribution_percent: pct,
                price,
                period,
                source: p.source.unwrap_or_default(),
                illustrative: p.illustrative,
            });
        }
        if issues.len() > before {
            return None;
        }
        let mut table = TariffTable {
            id: self.id,
            version: self.version,
            title_lv: self.title_lv,
            title_en: self.title_en,
            entries: Vec::with_capacity(entries.len()),
        };
        // Entries in order of start date, each closed by its successor.
        entries.sort_by_key(|e| e.period.from);
        for e in entries {
            table.add_price(e);
        }
        Some(table)
    }
}
