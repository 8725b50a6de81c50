//! Agreements (līgumi): a provider is paid only against a registered agreement with the person
//! for one line of their support plan (system.md capability 5; the Dutch SVB lesson).
//!
//! An agreement names the service, the provider the person chose for that plan line, the
//! price per unit, the period and the units a month. Its price may be above the tariff: the
//! budget covers at most the tariff price, and the rest of each unit is the person's
//! co-payment (seed 001, L6500: the client may buy extra with own money), always shown as such.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::field::FieldError;
use crate::money::{line_amount, Money, Quantity, UnitPrice};
use crate::period::Period;
use crate::plan::PlanLine;
use crate::registry::date_field;

/// An agreement as submitted, not yet checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    /// The plan line it is for: its index in the plan's `lines`, counting from 0.
    pub plan_line: usize,
    /// The provider (must be the one the person chose for that line).
    pub provider_id: i64,
    /// Service type code (must be the line's service).
    pub service: String,
    /// Agreed price per unit in euro, at most four decimals (`15.46`).
    pub unit_price_eur: String,
    /// First day, YYYY-MM-DD.
    pub period_from: String,
    /// First day after the agreement, YYYY-MM-DD (the period is half-open).
    pub period_to: String,
    /// Units a month, at most three decimals (`7.5`); at most the plan line's quantity.
    pub quantity_per_month: String,
    /// Who is paid: the provider (the default), the person against receipts (direct
    /// payment), or a third-party administrator.
    #[serde(default)]
    pub payee: Option<PayeeInput>,
}

/// Who is paid for an agreement, as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PayeeInput {
    /// `provider`, `person` or `administrator`.
    pub mode: String,
    /// The account holder's name (the person or the administrator).
    pub name: Option<String>,
    /// The account to pay (for `person` and `administrator`).
    pub iban: Option<String>,
}

crate::coded_enum!(
    /// How an agreement is paid (system.md capability 6).
    PaymentMode, "mode", {
        /// The municipality pays the provider (the default).
        Provider = "provider",
        /// Direct payment: the person is reimbursed against receipts.
        Person = "person",
        /// A third-party administrator is paid and pays on.
        Administrator = "administrator",
    }
);

/// Who is paid for an agreement, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    /// The mode.
    pub mode: PaymentMode,
    /// The account holder, for direct payment and administrators.
    pub name: Option<String>,
    /// Their account, for direct payment and administrators.
    pub iban: Option<String>,
}

impl Default for Payee {
    fn default() -> Self {
        Payee {
            mode: PaymentMode::Provider,
            name: None,
            iban: None,
        }
    }
}

impl PayeeInput {
    /// Checks the payee: direct payment and administrators need a name and a valid IBAN.
    pub fn check(&self, errors: &mut Vec<FieldError>) -> Option<Payee> {
        let mode = crate::registry::coded::<PaymentMode>("payee.mode", &self.mode, errors)?;
        if mode == PaymentMode::Provider {
            return Some(Payee::default());
        }
        let name = crate::registry::optional_text("payee.name", self.name.as_deref(), 70, errors);
        if name.is_none() {
            errors.push(FieldError::new(
                "payee.name",
                "is required when someone other than the provider is paid",
            ));
        }
        let iban = match self.iban.as_deref().map(crate::sepa::Iban::parse) {
            Some(Ok(i)) => Some(i.to_string()),
            Some(Err(e)) => {
                errors.push(FieldError::new("payee.iban", e.to_string()));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "payee.iban",
                    "is required when someone other than the provider is paid",
                ));
                None
            }
        };
        Some(Payee { mode, name, iban })
    }
}

/// What an agreement is checked against: the plan it belongs to and the tariff.
#[derive(Debug, Clone)]
pub struct AgreementContext<'a> {
    /// The period of the plan version the agreement is registered against.
    pub plan_period: Period,
    /// The lines of that plan version, in order (`plan_line` indexes them).
    pub plan_lines: &'a [PlanLine],
    /// The tariff price of the line's service in force on the agreement's first day (look it up
    /// with [`crate::tariff::TariffTable::price_on`] for [`AgreementInput::start_date`]);
    /// `None` where the tariff has no price for the service: then the agreed price is covered
    /// in full, and the plan's cost and the budget's balance still bound what is paid.
    pub tariff_price: Option<UnitPrice>,
    /// The other registered agreements on the same plan line: each one's period and units a
    /// month. Those whose periods overlap this one are added up: together with this one they
    /// may not exceed the line's quantity (so that no month can be agreed beyond the plan).
    /// Those that end before it starts, or start after it ends, do not count. While this one's
    /// period cannot be read, every one counts.
    pub other_agreements: &'a [(Period, Quantity)],
}

/// A registered agreement, checked. Prices are per unit of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Index of the plan line it is for.
    pub plan_line: usize,
    /// The provider.
    pub provider_id: i64,
    /// Service type code.
    pub service: String,
    /// The agreement's period, half-open, within the plan's period.
    pub period: Period,
    /// Units a month.
    pub quantity_per_month: Quantity,
    /// The agreed price per unit.
    pub price: UnitPrice,
    /// The tariff price the budget's share is capped at, if the tariff has one.
    pub tariff_price: Option<UnitPrice>,
    /// What the budget pays per unit: the agreed price, at most the tariff price.
    pub covered_price: UnitPrice,
    /// What the person pays per unit: the agreed price less the covered price (zero when the
    /// agreed price is within the tariff).
    pub co_payment_per_unit: UnitPrice,
    /// Who is paid (absent in agreements kept before payment modes: the provider).
    #[serde(default)]
    pub payee: Payee,
}

/// Splits an agreed price at a tariff ceiling: `(covered, co_payment)` with
/// `covered = min(price, ceiling)` and `co_payment = price - covered`. Without a ceiling the
/// whole price is covered.
pub fn split_price(price: UnitPrice, ceiling: Option<UnitPrice>) -> (UnitPrice, UnitPrice) {
    match ceiling {
        Some(t) if price > t => {
            // Both have at most four decimals and price > t, so the difference is a valid price.
            let co = UnitPrice::new(price.as_decimal() - t.as_decimal()).unwrap_or_default();
            (t, co)
        }
        _ => (price, UnitPrice::default()),
    }
}

/// The split of an amount for `quantity` units at an agreed `price` of which `covered` per
/// unit is paid from the budget: `(from_budget, co_payment)`. The budget's part is
/// `line_amount(covered, quantity)` (one rounding); the co-payment is the rest of
/// `line_amount(price, quantity)`, so the two always add up to the agreed price times the
/// quantity rounded once.
pub fn split_amount(price: UnitPrice, covered: UnitPrice, quantity: Quantity) -> (Money, Money) {
    let covered = if covered > price { price } else { covered };
    let total = line_amount(price, quantity);
    let budget = line_amount(covered, quantity);
    (budget, total - budget)
}

impl Agreement {
    /// What `quantity` units cost the budget and the person: `(from_budget, co_payment)`, see
    /// [`split_amount`].
    pub fn amounts(&self, quantity: Quantity) -> (Money, Money) {
        split_amount(self.price, self.covered_price, quantity)
    }
}

impl AgreementInput {
    /// The agreement's first day, if `period_from` is a date (for looking up the tariff price
    /// before calling [`AgreementInput::check`]).
    pub fn start_date(&self) -> Option<Date> {
        crate::policy::parse_date(&self.period_from).ok()
    }

    /// Checks every field against the plan, naming each problem: the plan line exists and is
    /// paid from the individual budget; the service is the line's; the provider is the one the
    /// person chose for the line; the price is a price; the period is a period inside the
    /// plan's; the quantity is more than zero and, with the other agreements on the line, at
    /// most the line's quantity. The price may exceed the tariff: the excess becomes the
    /// person's co-payment ([`Agreement::co_payment_per_unit`]).
    pub fn check(&self, ctx: &AgreementContext<'_>) -> Result<Agreement, Vec<FieldError>> {
        let mut errors = Vec::new();
        let line = ctx.plan_lines.get(self.plan_line);
        match line {
            None => errors.push(FieldError::new(
                "plan_line",
                if ctx.plan_lines.is_empty() {
                    format!("{} is not a line of the plan; the plan has no lines", self.plan_line)
                } else {
                    format!(
                        "{} is not a line of the plan; allowed: 0 to {}",
                        self.plan_line,
                        ctx.plan_lines.len() - 1
                    )
                },
            )),
            Some(l) if !l.counts_against_budget() => errors.push(FieldError::new(
                "plan_line",
                format!(
                    "line {} ({}) is funded by {} with status {}; only a line paid from the individual budget that is received or available can have an agreement",
                    self.plan_line, l.service, l.funding, l.status
                ),
            )),
            Some(_) => {}
        }
        let service = self.service.trim();
        if service.is_empty() {
            errors.push(FieldError::new("service", "is required"));
        } else if let Some(l) = line {
            if l.service != service {
                errors.push(FieldError::new(
                    "service",
                    format!(
                        "\"{service}\" is not the service of plan line {} (\"{}\")",
                        self.plan_line, l.service
                    ),
                ));
            }
        }
        if let Some(l) = line {
            match l.provider_id {
                None => errors.push(FieldError::new(
                    "provider_id",
                    format!(
                        "plan line {} has no chosen provider; the person chooses the provider in the plan first",
                        self.plan_line
                    ),
                )),
                Some(chosen) if chosen != self.provider_id => errors.push(FieldError::new(
                    "provider_id",
                    format!(
                        "provider {} is not the provider the person chose for plan line {} (provider {chosen})",
                        self.provider_id, self.plan_line
                    ),
                )),
                Some(_) => {}
            }
        }
        let price = match self.unit_price_eur.parse::<UnitPrice>() {
            Ok(p) if p == UnitPrice::default() => {
                errors.push(FieldError::new("unit_price_eur", "must be more than 0"));
                None
            }
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(FieldError::new("unit_price_eur", e.to_string()));
                None
            }
        };
        let from = date_field("period_from", &self.period_from, &mut errors);
        let to = date_field("period_to", &self.period_to, &mut errors);
        let period = match (from, to) {
            (Some(f), Some(t)) => match Period::new(f, t) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(FieldError::new(
                        "period_to",
                        format!("{t} must be after period_from {f}"),
                    ));
                    None
                }
            },
            _ => None,
        };
        if let Some(p) = period {
            let pp = ctx.plan_period;
            if !pp.contains(p.from) {
                errors.push(FieldError::new(
                    "period_from",
                    format!("{} is outside the plan's period {pp}", p.from),
                ));
            } else if !pp.covers(&p) {
                errors.push(FieldError::new(
                    "period_to",
                    format!(
                        "{} is after the end of the plan's period {pp}; the agreement must lie within it",
                        p.to.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
            }
        }
        let quantity = match self.quantity_per_month.parse::<Quantity>() {
            Ok(q) if q == Quantity::ZERO => {
                errors.push(FieldError::new("quantity_per_month", "must be more than 0"));
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                errors.push(FieldError::new("quantity_per_month", e.to_string()));
                None
            }
        };
        if let (Some(q), Some(l)) = (quantity, line) {
            let overlapping = ctx
                .other_agreements
                .iter()
                .filter(|(other, _)| period.is_none_or(|p| other.overlaps(&p)))
                .fold(Quantity::ZERO, |sum, (_, q)| sum + *q);
            let together = q + overlapping;
            if together > l.quantity_per_month {
                let others = if overlapping == Quantity::ZERO {
                    String::new()
                } else {
                    format!(
                        " (with {overlapping} a month in other agreements on the line over the same months, {together})"
                    )
                };
                errors.push(FieldError::new(
                    "quantity_per_month",
                    format!(
                        "{q} a month{others} is more than plan line {} allows: {} a month",
                        self.plan_line, l.quantity_per_month
                    ),
                ));
            }
        }
        let payee = match &self.payee {
            None => Some(Payee::default()),
            Some(p) => p.check(&mut errors),
        };
        match (line, price, period, quantity, payee) {
            (Some(_), Some(price), Some(period), Some(quantity_per_month), Some(payee))
                if errors.is_empty() =>
            {
                let (covered_price, co_payment_per_unit) = split_price(price, ctx.tariff_price);
                Ok(Agreement {
                    plan_line: self.plan_line,
                    provider_id: self.provider_id,
                    service: service.to_owned(),
                    period,
                    quantity_per_month,
                    price,
                    tariff_price: ctx.tariff_price,
                    covered_price,
                    co_payment_per_unit,
                    payee,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Unit;
    use crate::plan::{FundingSource, LineStatus};
    use time::macros::date;

    fn lines() -> Vec<PlanLine> {
        vec![
            PlanLine {
                service: "consultations".into(),
                service_name: "Konsultācijas".into(),
                unit: Unit::Hour,
                quantity_per_month: "8".parse().unwrap(),
                provider_id: Some(7),
                funding: FundingSource::IndividualBudget,
                status: LineStatus::Received,
                barrier: None,
            },
            PlanLine {
                service: "respite".into(),
                service_name: "Atelpas brīdis".into(),
                unit: Unit::Day,
                quantity_per_month: "2".parse().unwrap(),
                provider_id: None,
                funding: FundingSource::IndividualBudget,
                status: LineStatus::NeededNotAvailable,
                barrier: None,
            },
        ]
    }

    fn input() -> AgreementInput {
        AgreementInput {
            payee: None,
            plan_line: 0,
            provider_id: 7,
            service: "consultations".into(),
            unit_price_eur: "18.00".into(),
            period_from: "2026-02-01".into(),
            period_to: "2026-08-01".into(),
            quantity_per_month: "6".into(),
        }
    }

    fn ctx(lines: &[PlanLine]) -> AgreementContext<'_> {
        AgreementContext {
            plan_period: Period::new(date!(2026 - 01 - 01), date!(2027 - 01 - 01)).unwrap(),
            plan_lines: lines,
            tariff_price: Some("15.46".parse().unwrap()),
            other_agreements: &[],
        }
    }

    #[test]
    fn a_price_above_the_tariff_becomes_a_co_payment() {
        let l = lines();
        let a = input().check(&ctx(&l)).unwrap();
        assert_eq!(a.covered_price.to_string(), "15.46");
        assert_eq!(a.co_payment_per_unit.to_string(), "2.54");
        let (budget, person) = a.amounts("1.5".parse().unwrap());
        assert_eq!(
            (budget.to_string(), person.to_string()),
            ("23.19".into(), "3.81".into())
        );
        // Within the tariff: no co-payment.
        let mut i = input();
        i.unit_price_eur = "15.00".into();
        let a = i.check(&ctx(&l)).unwrap();
        assert_eq!(a.covered_price.to_string(), "15.00");
        assert_eq!(a.co_payment_per_unit, UnitPrice::default());
    }

    #[test]
    fn every_problem_is_named() {
        let l = lines();
        let i = AgreementInput {
            payee: None,
            provider_id: 8,
            service: "day-centre".into(),
            unit_price_eur: "1.00001".into(),
            period_from: "2025-12-01".into(),
            period_to: "2026-01-01".into(),
            quantity_per_month: "9".into(),
            ..input()
        };
        let errs = i.check(&ctx(&l)).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "service",
                "provider_id",
                "unit_price_eur",
                "period_from",
                "quantity_per_month"
            ],
            "{errs:?}"
        );
        assert!(errs[4].message.contains("allows: 8 a month"));
    }

    #[test]
    fn the_line_must_exist_be_budget_funded_and_agreements_stay_within_it() {
        let l = lines();
        let mut i = input();
        i.plan_line = 5;
        let errs = i.check(&ctx(&l)).unwrap_err();
        assert_eq!(errs[0].field, "plan_line");
        assert!(errs[0].message.contains("allowed: 0 to 1"));
        i.plan_line = 1;
        i.service = "respite".into();
        let errs = i.check(&ctx(&l)).unwrap_err();
        assert!(errs.iter().any(|e| e.field == "plan_line"));
        assert!(errs.iter().any(|e| e.field == "provider_id"));
        // The input runs from February to August, 6 a month, on a line of 8 a month.
        let period = |from, to| Period::new(from, to).unwrap();
        let three: Quantity = "3".parse().unwrap();
        let mut c = ctx(&l);
        let overlapping = [(period(date!(2026 - 07 - 01), date!(2026 - 09 - 01)), three)];
        c.other_agreements = &overlapping;
        let errs = input().check(&c).unwrap_err();
        assert!(errs[0].message.contains("other agreements"), "{errs:?}");
        assert!(errs[0].message.contains("with 3 a month"), "{errs:?}");
        // One that ended before it starts, and one from the day it ends: neither counts.
        let apart = [
            (period(date!(2026 - 01 - 01), date!(2026 - 02 - 01)), three),
            (period(date!(2026 - 08 - 01), date!(2026 - 12 - 01)), three),
        ];
        c.other_agreements = &apart;
        assert!(input().check(&c).is_ok());
        // With the overlapping one as well, only it counts: 6 + 3 = 9 > 8.
        let all = [apart[0], overlapping[0], apart[1]];
        c.other_agreements = &all;
        let errs = input().check(&c).unwrap_err();
        assert!(errs[0].message.contains("with 3 a month"), "{errs:?}");
        let mut i = input();
        i.period_to = "2027-02-01".into();
        let errs = i.check(&ctx(&l)).unwrap_err();
        assert_eq!(errs[0].field, "period_to");
    }

    #[test]
    fn without_a_tariff_price_the_agreed_price_is_covered() {
        assert_eq!(
            split_price("9.99".parse().unwrap(), None),
            ("9.99".parse().unwrap(), UnitPrice::default())
        );
        // The two parts always add up to the agreed amount rounded once.
        let (b, p) = split_amount(
            "6.1795".parse().unwrap(),
            "5.00".parse().unwrap(),
            "0.333".parse().unwrap(),
        );
        assert_eq!(
            b + p,
            line_amount("6.1795".parse().unwrap(), "0.333".parse().unwrap())
        );
    }

    #[test]
    fn a_direct_payment_needs_the_persons_account() {
        let mut i = input();
        i.payee = Some(PayeeInput {
            mode: "person".into(),
            name: Some("Anna Bērziņa".into()),
            iban: None,
        });
        let e = i.check(&ctx(&lines())).unwrap_err();
        assert!(e.iter().any(|f| f.field == "payee.iban"), "{e:?}");
        i.payee = Some(PayeeInput {
            mode: "person".into(),
            name: Some("Anna Bērziņa".into()),
            iban: Some("LV80 BANK 0000 4351 9500 1".into()),
        });
        let a = i.check(&ctx(&lines())).unwrap();
        assert_eq!(a.payee.mode, PaymentMode::Person);
        assert_eq!(a.payee.iban.as_deref(), Some("LV80BANK0000435195001"));
        i.payee = Some(PayeeInput {
            mode: "bank".into(),
            name: None,
            iban: None,
        });
        assert!(i
            .check(&ctx(&lines()))
            .unwrap_err()
            .iter()
            .any(|f| f.field == "payee.mode"));
        i.payee = None;
        assert_eq!(
            i.check(&ctx(&lines())).unwrap().payee,
            Payee::default(),
            "the provider is paid by default"
        );
    }
}
