//! The budget decision: the terms the municipality decides (period, monthly amount, an
//! override with its reason), who may approve it, and the decision notice that states the
//! amount, the period, every factor behind it and how to contest it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::budget::{ExplainedBudget, LevelBasis};
use crate::field::FieldError;
use crate::lang::Lang;
use crate::money::{round_half_up, AmountError, Money};
use crate::outcome::BudgetGroup;
use crate::period::Period;
use crate::policy::CapSpan;
use crate::registry::{date_field, optional_text};
use crate::review::add_months;

/// Shortest budget period, in months (seed 002: 6 to 12 months).
pub const MIN_PERIOD_MONTHS: u32 = 6;
/// Longest budget period, in months.
pub const MAX_PERIOD_MONTHS: u32 = 12;
/// Fewest characters of a reason for an amount that differs from the computed one.
pub const MIN_OVERRIDE_REASON_CHARS: usize = 10;
/// Days to contest a decision, unless the municipality configures otherwise.
pub const DEFAULT_CONTEST_DAYS: u32 = 30;

/// A budget decision as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// First day, YYYY-MM-DD.
    pub period_from: String,
    /// First day after the period, YYYY-MM-DD (half-open): 6 to 12 months after `period_from`.
    pub period_to: String,
    /// The monthly amount in euro (e.g. `862.68`); absent means the computed amount.
    #[serde(default)]
    pub amount_eur: Option<String>,
    /// Why the amount differs from the computed one (at least 10 characters); required only
    /// then.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// The terms of a budget decision, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionTerms {
    /// The budget period, half-open, 6 to 12 months.
    pub period: Period,
    /// The decided amount a month.
    pub monthly_amount: Money,
    /// The computed (proposed) amount a month.
    pub proposed: Money,
    /// Why the decided amount differs from the proposal; `None` when it does not.
    pub override_reason: Option<String>,
}

impl DecisionTerms {
    /// Whether the decided amount differs from the computed one.
    pub fn is_override(&self) -> bool {
        self.monthly_amount != self.proposed
    }
}

impl DecisionInput {
    /// Checks the decision against the computed budget: a period of 6 to 12 months (`period_to`
    /// between `period_from` + 6 months and + 12 months, inclusive), an amount of zero or more
    /// in whole cents, and a written reason of at least 10 characters for an amount that
    /// differs from the proposal (a reason given with the proposed amount is not kept).
    pub fn check(&self, proposed: &ExplainedBudget) -> Result<DecisionTerms, Vec<FieldError>> {
        let mut errors = Vec::new();
        let from = date_field("period_from", &self.period_from, &mut errors);
        let to = date_field("period_to", &self.period_to, &mut errors);
        let period = match (from, to) {
            (Some(f), Some(t)) => {
                let earliest = add_months(f, MIN_PERIOD_MONTHS);
                let latest = add_months(f, MAX_PERIOD_MONTHS);
                if t < earliest || t > latest {
                    errors.push(FieldError::new(
                        "period_to",
                        format!(
                            "{t} gives a period of {}; a budget runs 6 to 12 months, so period_to must be between {earliest} and {latest} (the first day after the period)",
                            describe_length(f, t)
                        ),
                    ));
                    None
                } else {
                    Period::new(f, t).ok()
                }
            }
            _ => None,
        };
        let amount = match self
            .amount_eur
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(proposed.total_eur),
            Some(s) => match s.parse::<Money>() {
                Ok(m) if m.is_negative() => {
                    errors.push(FieldError::new(
                        "amount_eur",
                        format!("\"{s}\" must not be negative"),
                    ));
                    None
                }
                Ok(m) => Some(m),
                Err(AmountError::TooPrecise { .. }) => {
                    errors.push(FieldError::new(
                        "amount_eur",
                        format!("\"{s}\" must be in whole cents (at most two decimals)"),
                    ));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("amount_eur", e.to_string()));
                    None
                }
            },
        };
        let reason = optional_text(
            "override_reason",
            self.override_reason.as_deref(),
            2000,
            &mut errors,
        );
        let mut override_reason = None;
        if let Some(m) = amount.filter(|m| *m != proposed.total_eur) {
            match reason {
                Some(r) if r.chars().count() >= MIN_OVERRIDE_REASON_CHARS => {
                    override_reason = Some(r);
                }
                Some(_) => errors.push(FieldError::new(
                    "override_reason",
                    format!(
                        "must be at least {MIN_OVERRIDE_REASON_CHARS} characters: say why {m} EUR differs from the computed {} EUR",
                        proposed.total_eur
                    ),
                )),
                None => errors.push(FieldError::new(
                    "override_reason",
                    format!(
                        "is required because {m} EUR differs from the computed {} EUR: write why (at least {MIN_OVERRIDE_REASON_CHARS} characters)",
                        proposed.total_eur
                    ),
                )),
            }
        }
        match (period, amount) {
            (Some(period), Some(monthly_amount)) if errors.is_empty() => Ok(DecisionTerms {
                period,
                monthly_amount,
                proposed: proposed.total_eur,
                override_reason,
            }),
            _ => Err(errors),
        }
    }
}

fn describe_length(from: Date, to: Date) -> String {
    if to <= from {
        return "no days".to_owned();
    }
    let whole = whole_months(from, to);
    let rest = (to - add_months(from, whole)).whole_days();
    match (whole, rest) {
        (m, 0) => format!("{m} month(s)"),
        (m, d) => format!("{m} month(s) and {d} day(s)"),
    }
}

/// How many whole months `[from, to)` contains (the largest `m` with `from + m months <= to`).
pub fn whole_months(from: Date, to: Date) -> u32 {
    if to <= from {
        return 0;
    }
    let span = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    let mut m = u32::try_from(span.max(0)).unwrap_or(0);
    while m > 0 && add_months(from, m) > to {
        m -= 1;
    }
    m
}

/// The amount for a whole period at a monthly amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodTotal {
    /// Whole months in the period.
    pub whole_months: u32,
    /// Days left after the whole months.
    pub extra_days: i64,
    /// Days of the month those days fall in (for the proration), or 0 when none are left.
    pub extra_month_days: i64,
    /// The amount: monthly × whole months, plus the extra days prorated by the days of their
    /// month, rounded once to the cent.
    pub total: Money,
}

/// The amount for `period` at `monthly`: exact for whole months; a remainder of days is
/// prorated by the length of the month it falls in, with one rounding for the whole. An open
/// period counts nothing.
pub fn period_total(monthly: Money, period: &Period) -> PeriodTotal {
    let Some(to) = period.to else {
        return PeriodTotal {
            whole_months: 0,
            extra_days: 0,
            extra_month_days: 0,
            total: Money::ZERO,
        };
    };
    let m = whole_months(period.from, to);
    let start_of_rest = add_months(period.from, m);
    let extra_days = (to - start_of_rest).whole_days();
    let month_days = if extra_days > 0 {
        (add_months(period.from, m + 1) - start_of_rest).whole_days()
    } else {
        0
    };
    let mut exact = monthly.as_decimal() * Decimal::from(m);
    if month_days > 0 {
        exact += monthly.as_decimal() * Decimal::from(extra_days) / Decimal::from(month_days);
    }
    PeriodTotal {
        whole_months: m,
        extra_days,
        extra_month_days: month_days,
        total: round_half_up(exact),
    }
}

/// Whether `approver_user_id` may approve the budget of a person whose brokers and support
/// persons are `brokers_and_supporters`: whoever brokers or supports a person may not approve
/// that person's budget (seed 004).
pub fn may_approve(
    approver_user_id: i64,
    brokers_and_supporters: &[i64],
) -> Result<(), FieldError> {
    if brokers_and_supporters.contains(&approver_user_id) {
        return Err(FieldError::new(
            "approver",
            format!(
                "user {approver_user_id} brokers or supports this person and so may not approve the person's budget; another approver must decide"
            ),
        ));
    }
    Ok(())
}

crate::coded_enum!(
    /// The outcome of a request to review (contest) a decision.
    ReviewRequestOutcome, "outcome", {
        /// Not yet decided.
        Pending = "pending",
        /// The decision stands.
        Upheld = "upheld",
        /// The decision was changed.
        Changed = "changed",
        /// The request was withdrawn.
        Withdrawn = "withdrawn",
    }
);

/// One factor of a decision, stated in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// What kind of factor: `group`, `level`, `living`, `line`, `cap`, `computed`,
    /// `override`, `grant-rule`, `policy`, `tariff`.
    pub key: String,
    /// Latvian label.
    pub label_lv: String,
    /// English label.
    pub label_en: String,
    /// The value, in Latvian.
    pub value_lv: String,
    /// The value, in English.
    pub value_en: String,
}

impl Factor {
    fn new(
        key: &str,
        label_lv: impl Into<String>,
        label_en: impl Into<String>,
        value_lv: impl Into<String>,
        value_en: impl Into<String>,
    ) -> Self {
        Self {
            key: key.to_owned(),
            label_lv: label_lv.into(),
            label_en: label_en.into(),
            value_lv: value_lv.into(),
            value_en: value_en.into(),
        }
    }

    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_lv, &self.label_en)
    }

    /// The value in a language.
    pub fn value(&self, lang: Lang) -> &str {
        lang.pick(&self.value_lv, &self.value_en)
    }
}

/// A decision notice as data: what was decided, for how long, on what grounds, and how to
/// contest it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionNotice {
    /// The person the decision is about.
    pub person_name: String,
    /// The day of the decision.
    pub decided_on: Date,
    /// The decided amount a month.
    pub monthly_amount: Money,
    /// The budget period, half-open.
    pub period: Period,
    /// The amount for the whole period and how it was counted.
    pub period_total: PeriodTotal,
    /// The policy id.
    pub policy_id: String,
    /// The policy version.
    pub policy_version: String,
    /// Whether the policy's figures are illustrative.
    pub policy_illustrative: bool,
    /// Every factor behind the amount.
    pub factors: Vec<Factor>,
    /// The last day to contest the decision.
    pub contest_by: Date,
    /// How to contest it, in Latvian.
    pub contest_how_lv: String,
    /// How to contest it, in English.
    pub contest_how_en: String,
}

fn level_values(b: &ExplainedBudget) -> (String, String) {
    let (word_lv, word_en) = match b.group {
        BudgetGroup::AdultGrt => ("aprūpes līmenis", "care level"),
        BudgetGroup::SupportPerson => ("atbalsta līmenis", "support level"),
        BudgetGroup::ChildFt => ("atbalsta intensitāte", "support intensity"),
    };
    match &b.level_basis {
        LevelBasis::Assessed { level } => (
            format!("{word_lv} {level}, noteikts novērtējumā"),
            format!("{word_en} {level}, set by the assessment"),
        ),
        LevelBasis::Score {
            ratings,
            score,
            band_min,
            band_max,
            level,
        } => (
            format!(
                "{word_lv} {level}: četru jomu vērtējumu summa {score} (fiziskā attīstība {}, intelektuālā attīstība {}, sociālās prasmes {}, uzvedība {}) ir robežās {band_min}-{band_max}",
                ratings.physical, ratings.intellectual, ratings.social, ratings.behaviour
            ),
            format!(
                "{word_en} {level}: the four domain ratings add up to {score} (physical development {}, intellectual development {}, social skills {}, behaviour {}), within the band {band_min}-{band_max}",
                ratings.physical, ratings.intellectual, ratings.social, ratings.behaviour
            ),
        ),
    }
}

fn unit_lv(unit: crate::catalogue::Unit) -> &'static str {
    use crate::catalogue::Unit::*;
    match unit {
        Hour => "st.",
        Day => "d.",
        DayAndNight => "dnn.",
        Night => "n.",
        Session => "nod.",
        Item => "gab.",
        Month => "mēn.",
    }
}

fn unit_en(unit: crate::catalogue::Unit, one: bool) -> String {
    let name = unit.name_en();
    if one {
        return name.to_owned();
    }
    match unit {
        crate::catalogue::Unit::DayAndNight => "days and nights".to_owned(),
        _ => format!("{name}s"),
    }
}

fn last_day(p: &Period) -> Option<Date> {
    p.to.and_then(|t| t.previous_day())
}

/// Builds the decision notice for `person_name`, decided on `decided_on` with the computed
/// budget and the decided terms; the decision can be contested for `contest_days` days (the
/// municipality's setting; [`DEFAULT_CONTEST_DAYS`] by default).
pub fn notice(
    person_name: &str,
    decided_on: Date,
    budget: &ExplainedBudget,
    terms: &DecisionTerms,
    contest_days: u32,
) -> DecisionNotice {
    let mut factors = vec![Factor::new(
        "group",
        "Mērķa grupa",
        "Group",
        budget.group.name_lv(),
        budget.group.name_en(),
    )];
    let (lv, en) = level_values(budget);
    factors.push(Factor::new("level", "Līmenis", "Level", lv, en));
    factors.push(Factor::new(
        "living",
        "Dzīvesvieta",
        "Living situation",
        budget.living.map_or("nav norādīta", |l| l.name_lv()),
        budget.living.map_or("not given", |l| l.name_en()),
    ));
    for l in &budget.lines {
        let q = l.quantity.to_string();
        let variant = l
            .variant
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default();
        factors.push(Factor::new(
            "line",
            "Pakalpojums",
            "Service",
            format!(
                "{}{variant}: {} {} × {} = {} mēnesī",
                l.name_lv,
                Lang::Lv.number(&q),
                unit_lv(l.unit),
                Lang::Lv.money_price(l.unit_price_eur),
                Lang::Lv.money(l.amount_eur)
            ),
            format!(
                "{}{variant}: {} {} × {} = {} a month",
                l.name_en,
                q,
                unit_en(l.unit, q == "1"),
                Lang::En.money_price(l.unit_price_eur),
                Lang::En.money(l.amount_eur)
            ),
        ));
    }
    for c in &budget.caps {
        let names = |lv: bool| {
            c.services
                .iter()
                .map(|s| {
                    budget
                        .lines
                        .iter()
                        .find(|l| &l.service == s)
                        .map(|l| {
                            if lv {
                                l.name_lv.clone()
                            } else {
                                l.name_en.clone()
                            }
                        })
                        .unwrap_or_else(|| s.clone())
                })
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let unit = budget
            .lines
            .iter()
            .find(|l| c.services.contains(&l.service))
            .map(|l| l.unit);
        let max = c.max.to_string();
        let (unit_lv, unit_en) = match unit {
            Some(u) => (unit_lv(u).to_owned(), unit_en(u, max == "1")),
            None => ("vienības".to_owned(), "units".to_owned()),
        };
        let (per_lv, per_en) = match c.per {
            CapSpan::Month => ("mēnesī", "a month"),
            CapSpan::Year => ("gadā", "a year"),
        };
        factors.push(Factor::new(
            "cap",
            "Ierobežojums",
            "Limit",
            format!(
                "{}: ne vairāk kā {} {unit_lv} {per_lv} (budžetā {} mēnesī); avots: {}",
                names(true),
                Lang::Lv.number(&max),
                Lang::Lv.number(&c.package_quantity_per_month.to_string()),
                c.source
            ),
            format!(
                "{}: at most {} {unit_en} {per_en} (the budget has {} a month); source: {}",
                names(false),
                max,
                c.package_quantity_per_month,
                c.source
            ),
        ));
    }
    factors.push(Factor::new(
        "computed",
        "Aprēķinātā summa mēnesī",
        "Computed amount a month",
        Lang::Lv.money(budget.total_eur),
        Lang::En.money(budget.total_eur),
    ));
    if let Some(share) = budget.grant_halve_below_share {
        let pct = Lang::Lv.number(&(share * Decimal::ONE_HUNDRED).normalize().to_string());
        let pct_en = (share * Decimal::ONE_HUNDRED).normalize().to_string();
        factors.push(Factor::new(
            "grant-rule",
            "Mēneša summas samazināšana",
            "Halving of a month's amount",
            format!("ja pakalpojumi mēnesī sniegti mazāk nekā {pct} % darba dienu, mēneša summa ir uz pusi mazāka"),
            format!("if services ran on fewer than {pct_en} % of a month's working days, that month's amount is halved"),
        ));
    }
    if terms.is_override() {
        let reason = terms.override_reason.clone().unwrap_or_default();
        factors.push(Factor::new(
            "override",
            "Lēmumā noteiktā summa atšķiras no aprēķinātās",
            "The decided amount differs from the computed one",
            format!(
                "{} aprēķināto {} vietā; pamatojums: {reason}",
                Lang::Lv.money(terms.monthly_amount),
                Lang::Lv.money(terms.proposed)
            ),
            format!(
                "{} instead of the computed {}; reason: {reason}",
                Lang::En.money(terms.monthly_amount),
                Lang::En.money(terms.proposed)
            ),
        ));
    }
    let p = &budget.policy;
    let (ill_lv, ill_en) = if p.illustrative {
        (", ilustratīva", ", illustrative")
    } else {
        ("", "")
    };
    factors.push(Factor::new(
        "policy",
        "Resursu piešķiršanas politika",
        "Allocation policy",
        format!(
            "{} ({}, versija {}, spēkā no {}{ill_lv}); avots: {}",
            p.title_lv,
            p.id,
            p.version,
            Lang::Lv.date(p.valid_from),
            p.source
        ),
        format!(
            "{} ({}, version {}, in force from {}{ill_en}); source: {}",
            p.title_en,
            p.id,
            p.version,
            Lang::En.date(p.valid_from),
            p.source
        ),
    ));
    factors.push(Factor::new(
        "tariff",
        "Tarifi",
        "Tariffs",
        format!(
            "{}, versija {}, cenas spēkā {}",
            budget.tariff.id,
            budget.tariff.version,
            Lang::Lv.date(budget.on)
        ),
        format!(
            "{}, version {}, prices in force on {}",
            budget.tariff.id,
            budget.tariff.version,
            Lang::En.date(budget.on)
        ),
    ));

    let contest_by = decided_on.saturating_add(Duration::days(i64::from(contest_days)));
    DecisionNotice {
        person_name: person_name.trim().to_owned(),
        decided_on,
        monthly_amount: terms.monthly_amount,
        period: terms.period,
        period_total: period_total(terms.monthly_amount, &terms.period),
        policy_id: p.id.clone(),
        policy_version: p.version.clone(),
        policy_illustrative: p.illustrative,
        factors,
        contest_by,
        contest_how_lv: format!(
            "Ja nepiekrītat lēmumam, līdz {} (ieskaitot) iesniedziet pašvaldības sociālajam dienestam rakstisku iesniegumu ar lūgumu lēmumu pārskatīt. Norādiet, ar ko nepiekrītat un kāpēc.",
            Lang::Lv.date(contest_by)
        ),
        contest_how_en: format!(
            "If you disagree with this decision, send a written request for review to the municipality's social service by {} (inclusive). Say what you disagree with and why.",
            Lang::En.date(contest_by)
        ),
    }
}

/// The notice as plain text in Latvian or English: the amount, the period, the total, every
/// factor, and how to contest the decision.
pub fn render_text(n: &DecisionNotice, lang: Lang) -> String {
    use std::fmt::Write;
    let t = |lv: &'static str, en: &'static str| lang.pick(lv, en);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        t(
            "LĒMUMS PAR INDIVIDUĀLO BUDŽETU",
            "DECISION ON AN INDIVIDUAL BUDGET"
        )
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "{}: {}", t("Persona", "Person"), n.person_name);
    let _ = writeln!(
        s,
        "{}: {}",
        t("Lēmuma datums", "Date of decision"),
        lang.date(n.decided_on)
    );
    let _ = writeln!(
        s,
        "{}: {}",
        t("Summa mēnesī", "Amount a month"),
        lang.money(n.monthly_amount)
    );
    let period = match last_day(&n.period) {
        Some(last) => format!(
            "{} – {} ({})",
            lang.date(n.period.from),
            lang.date(last),
            describe_months(&n.period_total, lang)
        ),
        None => format!("{} –", lang.date(n.period.from)),
    };
    let _ = writeln!(s, "{}: {}", t("Periods", "Period"), period);
    let _ = writeln!(
        s,
        "{}: {}",
        t("Kopā par periodu", "Total for the period"),
        lang.money(n.period_total.total)
    );
    let _ = writeln!(
        s,
        "{}: {} v{}{}",
        t("Politika", "Policy"),
        n.policy_id,
        n.policy_version,
        if n.policy_illustrative {
            t(" (ilustratīva)", " (illustrative)")
        } else {
            ""
        }
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "{}:", t("Ko summa ņem vērā", "What the amount rests on"));
    for f in &n.factors {
        let _ = writeln!(s, "- {}: {}", f.label(lang), f.value(lang));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "{}:", t("Kā apstrīdēt", "How to contest"));
    let _ = writeln!(s, "{}", lang.pick(&n.contest_how_lv, &n.contest_how_en));
    s
}

fn describe_months(p: &PeriodTotal, lang: Lang) -> String {
    let m = p.whole_months;
    let months = match lang {
        Lang::Lv => format!("{m} mēn."),
        Lang::En if m == 1 => "1 month".to_owned(),
        Lang::En => format!("{m} months"),
    };
    if p.extra_days == 0 {
        months
    } else {
        let d = p.extra_days;
        match lang {
            Lang::Lv => format!("{months} un {d} d."),
            Lang::En if d == 1 => format!("{months} and 1 day"),
            Lang::En => format!("{months} and {d} days"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{LivingSituation, Outcome};
    use crate::policy::PolicySet;
    use time::macros::date;

    fn budget(group: BudgetGroup, level: &str, living: Option<LivingSituation>) -> ExplainedBudget {
        PolicySet::builtin()
            .unwrap()
            .compute(
                &Outcome {
                    group,
                    level: Some(level.into()),
                    living,
                    ratings: None,
                },
                date!(2026 - 03 - 01),
            )
            .unwrap()
    }

    fn adult3() -> ExplainedBudget {
        budget(
            BudgetGroup::AdultGrt,
            "III",
            Some(LivingSituation::GroupFlat),
        )
    }

    fn input(from: &str, to: &str) -> DecisionInput {
        DecisionInput {
            period_from: from.into(),
            period_to: to.into(),
            amount_eur: None,
            override_reason: None,
        }
    }

    fn fields(errs: &[FieldError]) -> Vec<&str> {
        errs.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn period_is_six_to_twelve_months() {
        let b = adult3();
        let t = input("2026-03-01", "2026-09-01").check(&b).unwrap();
        assert_eq!(t.monthly_amount.to_string(), "862.68");
        assert!(!t.is_override());
        assert!(input("2026-03-01", "2027-03-01").check(&b).is_ok());
        // Clamped month ends: 31 August + 6 months is 28 February.
        assert!(input("2026-08-31", "2027-02-28").check(&b).is_ok());
        let errs = input("2026-08-31", "2027-02-27").check(&b).unwrap_err();
        assert_eq!(fields(&errs), ["period_to"]);
        assert!(
            errs[0]
                .message
                .contains("between 2027-02-28 and 2027-08-31"),
            "{}",
            errs[0].message
        );
        let errs = input("2026-03-01", "2027-03-02").check(&b).unwrap_err();
        assert!(
            errs[0].message.contains("12 month(s) and 1 day(s)"),
            "{}",
            errs[0].message
        );
        let errs = input("2026-03-01", "2026-03-01").check(&b).unwrap_err();
        assert_eq!(fields(&errs), ["period_to"]);
        let errs = input("1 March", "2026-13-01").check(&b).unwrap_err();
        assert_eq!(fields(&errs), ["period_from", "period_to"]);
    }

    #[test]
    fn an_override_needs_a_reason() {
        let b = adult3();
        let mut i = input("2026-03-01", "2026-09-01");
        i.amount_eur = Some("900.00".into());
        let errs = i.check(&b).unwrap_err();
        assert_eq!(fields(&errs), ["override_reason"]);
        assert!(errs[0]
            .message
            .contains("900.00 EUR differs from the computed 862.68 EUR"));
        i.override_reason = Some(" too short".into());
        let errs = i.check(&b).unwrap_err();
        assert_eq!(fields(&errs), ["override_reason"]);
        i.override_reason = Some("Extra night care after hospital".into());
        let t = i.check(&b).unwrap();
        assert!(t.is_override());
        assert_eq!(t.proposed.to_string(), "862.68");
        // The proposed amount, written out, needs no reason.
        i.amount_eur = Some("862.68".into());
        i.override_reason = None;
        assert!(i.check(&b).is_ok());
        for (bad, what) in [
            ("-1.00", "negative"),
            ("10.005", "whole cents"),
            ("ten", "not a decimal"),
        ] {
            i.amount_eur = Some(bad.into());
            let errs = i.check(&b).unwrap_err();
            assert_eq!(fields(&errs)[0], "amount_eur");
            assert!(errs[0].message.contains(what), "{}", errs[0].message);
        }
        i.amount_eur = Some("0".into());
        i.override_reason = Some("The person declined the budget".into());
        assert_eq!(i.check(&b).unwrap().monthly_amount, Money::ZERO);
    }

    #[test]
    fn a_broker_may_not_approve() {
        assert!(may_approve(5, &[7, 8]).is_ok());
        let e = may_approve(7, &[7, 8]).unwrap_err();
        assert_eq!(e.field, "approver");
        assert!(e.message.contains("may not approve"));
    }

    #[test]
    fn totals_count_whole_months_and_prorate_days() {
        let m = Money::from_cents(86268);
        let p = Period::new(date!(2026 - 03 - 01), date!(2026 - 09 - 01)).unwrap();
        let t = period_total(m, &p);
        assert_eq!((t.whole_months, t.extra_days), (6, 0));
        assert_eq!(t.total.to_string(), "5176.08");
        let p = Period::new(date!(2026 - 08 - 31), date!(2027 - 02 - 28)).unwrap();
        assert_eq!(period_total(m, &p).whole_months, 6);
        // 6 months and 15 days of a 30-day month: 6.5 months.
        let p = Period::new(date!(2026 - 03 - 01), date!(2026 - 09 - 16)).unwrap();
        let t = period_total(m, &p);
        assert_eq!(
            (t.whole_months, t.extra_days, t.extra_month_days),
            (6, 15, 30)
        );
        assert_eq!(t.total.to_string(), "5607.42");
        // One rounding: 100.00 × 6 + 100.00 × 10/31 = 632.258… -> 632.26.
        let p = Period::new(date!(2026 - 01 - 01), date!(2026 - 07 - 11)).unwrap();
        let t = period_total(Money::from_cents(10000), &p);
        assert_eq!(
            (t.whole_months, t.extra_days, t.extra_month_days),
            (6, 10, 31)
        );
        assert_eq!(t.total.to_string(), "632.26");
        assert_eq!(
            whole_months(date!(2026 - 01 - 31), date!(2026 - 02 - 28)),
            1
        );
        assert_eq!(
            whole_months(date!(2026 - 01 - 31), date!(2026 - 02 - 27)),
            0
        );
        assert_eq!(
            whole_months(date!(2026 - 01 - 15), date!(2027 - 01 - 14)),
            11
        );
    }

    #[test]
    fn the_notice_states_every_factor_in_both_languages() {
        let b = adult3();
        let mut i = input("2026-03-01", "2026-09-01");
        i.amount_eur = Some("900.00".into());
        i.override_reason = Some("Extra night care after hospital".into());
        let terms = i.check(&b).unwrap();
        let n = notice(
            "Anna Bērziņa",
            date!(2026 - 02 - 20),
            &b,
            &terms,
            DEFAULT_CONTEST_DAYS,
        );
        assert_eq!(n.contest_by, date!(2026 - 03 - 22));
        assert_eq!(n.period_total.total.to_string(), "5400.00");
        let keys: Vec<&str> = n.factors.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "group",
                "level",
                "living",
                "line",
                "line",
                "line",
                "line",
                "line",
                "line",
                "line",
                "computed",
                "grant-rule",
                "override",
                "policy",
                "tariff"
            ]
        );
        let lv = render_text(&n, Lang::Lv);
        let en = render_text(&n, Lang::En);
        for s in [
            "LĒMUMS PAR INDIVIDUĀLO BUDŽETU",
            "Summa mēnesī: 900,00 EUR",
            "Kopā par periodu: 5400,00 EUR",
            "01.03.2026. – 31.08.2026. (6 mēn.)",
            "aprūpes līmenis III",
            "grupu dzīvoklī",
            "Specializētā darbnīca: 10 d. × 13,44 EUR = 134,40 EUR mēnesī",
            "pamatojums: Extra night care after hospital",
            "līdz 22.03.2026.",
        ] {
            assert!(lv.contains(s), "missing {s:?} in\n{lv}");
        }
        for s in [
            "DECISION ON AN INDIVIDUAL BUDGET",
            "Amount a month: 900.00 EUR",
            "Total for the period: 5400.00 EUR",
            "1 March 2026 – 31 August 2026 (6 months)",
            "care level III, set by the assessment",
            "in a group flat",
            "Specialised workshop: 10 days × 13.44 EUR = 134.40 EUR a month",
            "Computed amount a month: 862.68 EUR",
            "900.00 EUR instead of the computed 862.68 EUR; reason: Extra night care after hospital",
            "by 22 March 2026",
            "written request for review",
        ] {
            assert!(en.contains(s), "missing {s:?} in\n{en}");
        }
        for f in &n.factors {
            assert!(lv.contains(&f.value_lv) && en.contains(&f.value_en));
        }
    }

    #[test]
    fn the_notice_names_caps_and_illustrative_policies() {
        let b = budget(BudgetGroup::SupportPerson, "1", None);
        let terms = input("2026-03-01", "2027-03-01").check(&b).unwrap();
        let n = notice("Jānis", date!(2026 - 03 - 01), &b, &terms, 14);
        assert_eq!(n.contest_by, date!(2026 - 03 - 15));
        assert!(n.policy_illustrative);
        let en = render_text(&n, Lang::En);
        assert!(
            en.contains("support level 1, set by the assessment"),
            "{en}"
        );
        assert!(
            en.contains("at most 7.5 hours a month (the budget has 7.5 a month)"),
            "{en}"
        );
        assert!(
            en.contains("Policy: support-person v1 (illustrative)"),
            "{en}"
        );
        assert!(en.contains("Living situation: not given"), "{en}");
        assert!(!n.factors.iter().any(|f| f.key == "override"));
        let lv = render_text(&n, Lang::Lv);
        assert!(lv.contains("7,5 st. × 5,00 EUR = 37,50 EUR"), "{lv}");
        assert!(lv.contains("(12 mēn.)"), "{lv}");
    }

    #[test]
    fn review_request_outcomes() {
        assert_eq!(
            ReviewRequestOutcome::allowed(),
            "pending, upheld, changed, withdrawn"
        );
    }
}
