//! Visits and claims: what a provider delivered and what it asks to be paid for.
//!
//! A visit is recorded at check-in and check-out (person, specialist, provider, start and end in
//! Riga local time, individual or group; a card or code scan is a check-in with its method
//! recorded), and the person can confirm or dispute it. A claim line asks for payment of so
//! many units on a day under an agreement, optionally for a visit, and carries the provider's
//! idempotency key.
//!
//! [`decide`] validates one claim line as one decision with every reason at once: it refuses
//! for a broken rule ([`RefusalCode`]) and flags anomalies ([`AnomalyCode`]) for the case
//! manager without refusing on them alone (billing abuse named by seed 003, L1639-1647: paid
//! but not delivered, two children billed as individual sessions, 20 minutes delivered instead
//! of 40).
//!
//! **Time quantities.** A visit's length is counted in whole minutes (seconds are dropped, i.e.
//! the length is rounded down to the minute). Minutes become hours by [`hours_from_minutes`],
//! cut down (never rounded up) to the three decimals a [`Quantity`] allows: 45 min = 0.75 h,
//! 40 min = 0.666 h, 20 min = 0.333 h, 60 min = 1 h. So a quantity taken from a visit never
//! bills more than was delivered. The other way, a billed quantity of hours is compared with
//! the visit in whole minutes: `floor(hours × 60)` minutes billed against the visit's minutes,
//! so 0.667 h (40.02 min) for a 40-minute visit is not flagged, 0.75 h (45 min) is.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::agreement::{split_amount, Agreement};
use crate::catalogue::Unit;
use crate::field::FieldError;
use crate::money::{line_amount, Money, Quantity, UnitPrice};
use crate::period::Period;
use crate::policy::{Cap, CapSpan};
use crate::registry::{coded, date_field, optional_text, required_text};

crate::coded_enum!(
    /// Whether a session was given to one person or to a group.
    SessionKind, "kind", {
        /// One person, one specialist: the specialist cannot give another at the same time.
        Individual = "individual",
        /// A group session.
        Group = "group",
    }
);

crate::coded_enum!(
    /// How a check-in was made.
    CheckInMethod, "method", {
        /// Entered by hand by the provider's staff.
        Manual = "manual",
        /// The person's card was scanned.
        Card = "card",
        /// A one-time code shown by the person was entered or scanned.
        Code = "code",
    }
);

/// The person's answer about a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Confirmation {
    /// The person has not answered (yet).
    Unconfirmed,
    /// The person confirmed the visit took place as recorded.
    Confirmed,
    /// The person disputes the visit, with their reason.
    Disputed {
        /// Why, in the person's words.
        reason: String,
    },
}

impl Confirmation {
    /// `unconfirmed`, `confirmed` or `disputed`.
    pub fn code(&self) -> &'static str {
        match self {
            Confirmation::Unconfirmed => "unconfirmed",
            Confirmation::Confirmed => "confirmed",
            Confirmation::Disputed { .. } => "disputed",
        }
    }
}

/// A visit: one delivery of a service to a person, as checked in and out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Identifier.
    pub id: i64,
    /// The person who received the service.
    pub person_id: i64,
    /// The provider.
    pub provider_id: i64,
    /// The specialist who gave it (an identifier or name unique within the provider).
    pub specialist: String,
    /// Check-in, Riga local time.
    pub start: PrimitiveDateTime,
    /// Check-out, Riga local time; `None` while the visit is open.
    pub end: Option<PrimitiveDateTime>,
    /// Individual or group.
    pub kind: SessionKind,
    /// How the check-in was made.
    pub method: CheckInMethod,
    /// The person's answer.
    pub confirmation: Confirmation,
}

/// The longest a single visit may last.
pub const MAX_VISIT_MINUTES: i64 = 24 * 60;

/// Hours from whole minutes, cut down to three decimals (45 → 0.75, 40 → 0.666, 20 → 0.333):
/// never more than was delivered. See the module documentation.
pub fn hours_from_minutes(minutes: u32) -> Quantity {
    Quantity::floor_of(Decimal::from(minutes) / Decimal::from(60)).unwrap_or(Quantity::ZERO)
}

/// The whole minutes a quantity of hours stands for, cut down (0.667 h → 40 min).
pub fn minutes_from_hours(hours: Quantity) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (hours.as_decimal() * Decimal::from(60))
        .round_dp_with_strategy(0, RoundingStrategy::ToZero)
        .to_i64()
        .unwrap_or(i64::MAX)
}

fn hm(t: PrimitiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

impl Visit {
    /// The visit's length in whole minutes (seconds dropped); `None` while it is open.
    /// Counted on Riga local times, so a visit across the night the clocks change (the last
    /// Sunday of March or October) is counted an hour long or short.
    pub fn minutes(&self) -> Option<i64> {
        self.end.map(|e| (e - self.start).whole_minutes())
    }

    /// The visit's length in hours, as [`hours_from_minutes`] counts it; `None` while open.
    pub fn hours(&self) -> Option<Quantity> {
        self.minutes()
            .map(|m| hours_from_minutes(u32::try_from(m.max(0)).unwrap_or(u32::MAX)))
    }

    /// The visit's times as text: `2026-03-10 10:00-10:40` (or `10:00-open`).
    pub fn times(&self) -> String {
        format!(
            "{} {}-{}",
            self.start.date(),
            hm(self.start),
            self.end.map(hm).unwrap_or_else(|| "open".into())
        )
    }

    /// Whether two visits overlap in time: their half-open spans `[start, end)` share a
    /// moment. An open visit counts as the moment of its check-in; two visits checked in at
    /// the same minute always overlap.
    pub fn overlaps(&self, other: &Visit) -> bool {
        if self.start == other.start {
            return true;
        }
        let end_a = self.end.unwrap_or(self.start);
        let end_b = other.end.unwrap_or(other.start);
        let a_in_b = other.start <= self.start && self.start < end_b;
        let b_in_a = self.start <= other.start && other.start < end_a;
        a_in_b || b_in_a
    }

    /// Checks the visit out at `end`: refused if it is already checked out, if `end` is not
    /// after the check-in, lies in the future (after `now`), or makes the visit longer than
    /// [`MAX_VISIT_MINUTES`].
    pub fn check_out(
        &self,
        end: PrimitiveDateTime,
        now: PrimitiveDateTime,
    ) -> Result<Visit, String> {
        if let Some(e) = self.end {
            return Err(format!(
                "visit {} was already checked out at {} {}",
                self.id,
                e.date(),
                hm(e)
            ));
        }
        check_span(self.start, end, now)?;
        Ok(Visit {
            end: Some(end),
            ..self.clone()
        })
    }

    /// The person confirms the visit. Only a checked-out visit can be confirmed; a disputed
    /// one may be confirmed later (the dispute withdrawn). The last answer counts; the store
    /// keeps every answer.
    pub fn confirm(&self) -> Result<Visit, String> {
        if self.end.is_none() {
            return Err(format!(
                "visit {} is still open; it can be confirmed once checked out",
                self.id
            ));
        }
        Ok(Visit {
            confirmation: Confirmation::Confirmed,
            ..self.clone()
        })
    }

    /// The person disputes the visit, giving a reason (required, at most 2000 characters). A
    /// visit may be disputed whether or not it was confirmed before, and also while open (the
    /// person says it is not happening).
    pub fn dispute(&self, reason: &str) -> Result<Visit, String> {
        let mut errors = Vec::new();
        let reason = required_text("reason", reason, 2000, &mut errors);
        if let Some(e) = errors.first() {
            return Err(e.to_string());
        }
        Ok(Visit {
            confirmation: Confirmation::Disputed { reason },
            ..self.clone()
        })
    }
}

fn check_span(
    start: PrimitiveDateTime,
    end: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> Result<(), String> {
    if end <= start {
        return Err(format!(
            "check-out {} {} must be after check-in {} {}",
            end.date(),
            hm(end),
            start.date(),
            hm(start)
        ));
    }
    if end > now {
        return Err(format!(
            "check-out {} {} is in the future",
            end.date(),
            hm(end)
        ));
    }
    let minutes = (end - start).whole_minutes();
    if minutes > MAX_VISIT_MINUTES {
        return Err(format!(
            "the visit would last {minutes} minutes; at most {MAX_VISIT_MINUTES} (24 hours)"
        ));
    }
    Ok(())
}

/// Parses a Riga local date and time, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (a space
/// may stand for the `T`).
pub fn parse_local_datetime(s: &str) -> Result<PrimitiveDateTime, String> {
    let t = s.trim().replacen(' ', "T", 1);
    let with_seconds =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let without = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(&t, with_seconds)
        .or_else(|_| PrimitiveDateTime::parse(&t, without))
        .map_err(|_| format!("\"{s}\" is not a date and time; write it as YYYY-MM-DDTHH:MM"))
}

/// A check-in (with or without its check-out) as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    /// The person.
    pub person_id: i64,
    /// The provider.
    pub provider_id: i64,
    /// The specialist (an identifier or name unique within the provider, at most 100
    /// characters).
    pub specialist: String,
    /// Check-in, Riga local time, YYYY-MM-DDTHH:MM.
    pub start: String,
    /// Check-out, Riga local time, YYYY-MM-DDTHH:MM; absent while the visit is open.
    #[serde(default)]
    pub end: Option<String>,
    /// `individual` or `group`.
    pub kind: String,
    /// `manual`, `card` or `code`.
    pub method: String,
}

impl VisitInput {
    /// Checks every field: the times parse, the check-in is not in the future (after `now`,
    /// Riga local time), a check-out is after the check-in, not in the future, and at most 24
    /// hours later. The new visit is unconfirmed; `id` is the identifier the store gives it.
    pub fn check(&self, id: i64, now: PrimitiveDateTime) -> Result<Visit, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.person_id <= 0 {
            errors.push(FieldError::new(
                "person_id",
                "must be a positive identifier",
            ));
        }
        if self.provider_id <= 0 {
            errors.push(FieldError::new(
                "provider_id",
                "must be a positive identifier",
            ));
        }
        let specialist = required_text("specialist", &self.specialist, 100, &mut errors);
        let start = parse_local_datetime(&self.start)
            .map_err(|m| errors.push(FieldError::new("start", m)))
            .ok();
        if let Some(s) = start {
            if s > now {
                errors.push(FieldError::new(
                    "start",
                    format!("{} {} is in the future", s.date(), hm(s)),
                ));
            }
        }
        let end = match optional_text("end", self.end.as_deref(), 40, &mut errors) {
            None => None,
            Some(e) => parse_local_datetime(&e)
                .map_err(|m| errors.push(FieldError::new("end", m)))
                .ok(),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if let Err(m) = check_span(s, e, now) {
                errors.push(FieldError::new("end", m));
            }
        }
        let kind = coded::<SessionKind>("kind", &self.kind, &mut errors);
        let method = coded::<CheckInMethod>("method", &self.method, &mut errors);
        match (start, kind, method) {
            (Some(start), Some(kind), Some(method)) if errors.is_empty() => Ok(Visit {
                id,
                person_id: self.person_id,
                provider_id: self.provider_id,
                specialist,
                start,
                end,
                kind,
                method,
                confirmation: Confirmation::Unconfirmed,
            }),
            _ => Err(errors),
        }
    }
}

/// One line of a claim, checked: so many units on a day under an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimLine {
    /// The provider's key for this line: sending the same line again with the same key is the
    /// same claim, answered the same and charged once.
    pub idempotency_key: String,
    /// The agreement it is claimed under.
    pub agreement_id: i64,
    /// The day the service was given.
    pub service_date: Date,
    /// Units claimed (more than zero).
    pub quantity: Quantity,
    /// Price per unit claimed.
    pub unit_price: UnitPrice,
    /// The visit it is for, if there is one.
    pub visit_id: Option<i64>,
    /// For direct payment to the person: the receipt the claim is reimbursed against (its
    /// number and issuer).
    #[serde(default)]
    pub receipt: Option<String>,
}

/// A claim line as submitted (the JSON API; the CSV upload reads the same fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimLineInput {
    /// The provider's idempotency key (1-100 characters, no control characters).
    pub idempotency_key: String,
    /// The agreement.
    pub agreement_id: i64,
    /// The day of service, YYYY-MM-DD.
    pub service_date: String,
    /// Units, a decimal with at most three decimals, more than zero (`0.75`).
    pub quantity: String,
    /// Price per unit in euro, at most four decimals.
    pub unit_price_eur: String,
    /// The visit, if any.
    #[serde(default)]
    pub visit_id: Option<i64>,
    /// For direct payment to the person: the receipt the claim is reimbursed against (its
    /// number and issuer).
    #[serde(default)]
    pub receipt: Option<String>,
}

/// Most characters of an idempotency key.
pub const MAX_KEY_CHARS: usize = 100;

pub(crate) fn check_quantity(
    field: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Quantity> {
    match value.parse::<Quantity>() {
        Ok(q) if q == Quantity::ZERO => {
            errors.push(FieldError::new(field, "must be more than 0"));
            None
        }
        Ok(q) => Some(q),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

pub(crate) fn check_price(
    field: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<UnitPrice> {
    value
        .parse::<UnitPrice>()
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

impl ClaimLineInput {
    /// Checks every field, naming each problem: the key is present and at most
    /// [`MAX_KEY_CHARS`] characters; identifiers are positive; the date is a date; the
    /// quantity is more than zero with at most three decimals; the price is not negative with
    /// at most four decimals. Whether the agreement and visit exist is for the caller to check
    /// against storage (an unknown agreement is refused by [`decide`] as `no-agreement`).
    pub fn check(&self) -> Result<ClaimLine, Vec<FieldError>> {
        let mut errors = Vec::new();
        let idempotency_key = required_text(
            "idempotency_key",
            &self.idempotency_key,
            MAX_KEY_CHARS,
            &mut errors,
        );
        if self.agreement_id <= 0 {
            errors.push(FieldError::new(
                "agreement_id",
                format!(
                    "{} is not an agreement identifier (a positive number)",
                    self.agreement_id
                ),
            ));
        }
        let service_date = date_field("service_date", &self.service_date, &mut errors);
        let quantity = check_quantity("quantity", &self.quantity, &mut errors);
        let unit_price = check_price("unit_price_eur", &self.unit_price_eur, &mut errors);
        if let Some(v) = self.visit_id.filter(|v| *v <= 0) {
            errors.push(FieldError::new(
                "visit_id",
                format!("{v} is not a visit identifier (a positive number)"),
            ));
        }
        let receipt =
            crate::registry::optional_text("receipt", self.receipt.as_deref(), 200, &mut errors);
        match (service_date, quantity, unit_price) {
            (Some(service_date), Some(quantity), Some(unit_price)) if errors.is_empty() => {
                Ok(ClaimLine {
                    idempotency_key,
                    agreement_id: self.agreement_id,
                    service_date,
                    quantity,
                    unit_price,
                    visit_id: self.visit_id,
                    receipt,
                })
            }
            _ => Err(errors),
        }
    }
}

/// What a claim needs to know of its agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    /// The agreement's identifier.
    pub id: i64,
    /// The person it is with.
    pub person_id: i64,
    /// The provider.
    pub provider_id: i64,
    /// Service type code.
    pub service: String,
    /// The service's unit (hours are compared with visit lengths).
    pub unit: Unit,
    /// Its period.
    pub period: Period,
    /// The agreed price per unit.
    pub price: UnitPrice,
    /// What the budget pays per unit (at most the tariff).
    pub covered_price: UnitPrice,
    /// Units a month.
    pub quantity_per_month: Quantity,
    /// Who is paid; a direct payment to the person needs a receipt for every claim.
    #[serde(default)]
    pub payment_mode: Option<crate::agreement::PaymentMode>,
}

impl AgreementTerms {
    /// The terms of a registered agreement.
    pub fn of(id: i64, person_id: i64, unit: Unit, a: &Agreement) -> Self {
        AgreementTerms {
            id,
            person_id,
            provider_id: a.provider_id,
            service: a.service.clone(),
            unit,
            period: a.period,
            price: a.price,
            covered_price: a.covered_price,
            quantity_per_month: a.quantity_per_month,
            payment_mode: Some(a.payee.mode),
        }
    }
}

/// A cap that limits the claimed service at the person's level, with what is already used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapUse {
    /// The cap (support person 7.5 / 20 / 37 hours a month by level; respite 30 days a year).
    pub cap: Cap,
    /// Units of the cap's services already approved or held for review in the cap's span
    /// around the service date: its calendar month (`per = month`) or calendar year
    /// (`per = year`), across all agreements of the person.
    pub used: Quantity,
}

/// A claim line decided earlier for the same provider or person, as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierClaim {
    /// Its idempotency key.
    pub idempotency_key: String,
    /// Its agreement.
    pub agreement_id: i64,
    /// Its day of service.
    pub service_date: Date,
    /// Its quantity.
    pub quantity: Quantity,
    /// Its price per unit.
    pub unit_price: UnitPrice,
    /// Its visit.
    pub visit_id: Option<i64>,
    /// Whether it was accepted (approved or held for review).
    pub accepted: bool,
}

impl EarlierClaim {
    /// The record of a line once decided.
    pub fn of(line: &ClaimLine, accepted: bool) -> Self {
        EarlierClaim {
            idempotency_key: line.idempotency_key.clone(),
            agreement_id: line.agreement_id,
            service_date: line.service_date,
            quantity: line.quantity,
            unit_price: line.unit_price,
            visit_id: line.visit_id,
            accepted,
        }
    }

    /// Whether `line` asks for exactly the same as this claim (key aside).
    pub fn same_content(&self, line: &ClaimLine) -> bool {
        self.agreement_id == line.agreement_id
            && self.service_date == line.service_date
            && self.quantity == line.quantity
            && self.unit_price == line.unit_price
            && self.visit_id == line.visit_id
    }
}

/// Everything a claim line is decided against, gathered by the caller from storage. Plain
/// data: the decision is a pure function of the line and this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimContext {
    /// Today in Riga (a service date after it is refused).
    pub today: Date,
    /// The agreement named by the line; `None` if there is none (refused `no-agreement`).
    pub agreement: Option<AgreementTerms>,
    /// The periods in which the person's plan was in force (state active or in review).
    pub plan_active: Vec<Period>,
    /// Units of this agreement already approved or held for review in the calendar month of
    /// the service date (the agreement's `quantity_per_month` bounds them; the agreement check
    /// keeps the agreements of a line within the plan line's quantity).
    pub used_this_month: Quantity,
    /// The policy caps that apply to the service at the person's level, with what is used.
    pub caps: Vec<CapUse>,
    /// The budget's remaining balance ([`crate::ledger::Balances::remaining`]) before this
    /// line.
    pub remaining_balance: Money,
    /// Earlier claim lines that may be the same claim or a duplicate: at least those with the
    /// same idempotency key, those for the same visit and those for the same agreement and day.
    pub earlier_claims: Vec<EarlierClaim>,
    /// The visit named by the line, if it names one and it is recorded.
    pub visit: Option<Visit>,
    /// The specialist's other visits on the service date (and around it), for overlaps.
    pub other_visits_same_specialist: Vec<Visit>,
}

crate::coded_enum!(
    /// Why a claim line is refused.
    RefusalCode, "code", {
        /// No agreement, or not the one named.
        NoAgreement = "no-agreement",
        /// The service date is outside the agreement's period.
        OutsideAgreementPeriod = "outside-agreement-period",
        /// The plan was not in force on the service date.
        PlanNotActive = "plan-not-active",
        /// More units in the month than the agreement (and so the plan line) allows.
        OverPlanQuantity = "over-plan-quantity",
        /// More units than a policy cap allows in its month or year.
        OverCap = "over-cap",
        /// The budget's part is more than the remaining balance.
        OverBalance = "over-balance",
        /// The price per unit is above the agreed price.
        PriceAboveAgreement = "price-above-agreement",
        /// The service date is after today.
        FutureDate = "future-date",
        /// Zero units claimed.
        NoQuantity = "no-quantity",
        /// The idempotency key was used before for a different claim.
        IdempotencyKeyReused = "idempotency-key-reused",
        /// A direct payment to the person is reimbursed only against a receipt.
        NoReceipt = "no-receipt",
    }
);

crate::coded_enum!(
    /// What looks wrong with a claim line, for the case manager to look at. An anomaly alone
    /// does not refuse a line: an accepted line with anomalies is held for review.
    AnomalyCode, "code", {
        /// The specialist has another individual session at an overlapping time.
        OverlappingIndividualSessions = "overlapping-individual-sessions",
        /// The visit was shorter than the hours billed.
        VisitShorterThanBilled = "visit-shorter-than-billed",
        /// No visit is recorded for the line.
        NoVisit = "no-visit",
        /// An earlier accepted claim, under another key, is for the same visit or the same
        /// agreement and day.
        DuplicateClaim = "duplicate-claim",
        /// The person disputes the visit.
        DisputedVisit = "disputed-visit",
        /// The visit was never checked out.
        VisitNotCheckedOut = "visit-not-checked-out",
        /// The visit is of another person or provider, or on another day.
        VisitMismatch = "visit-mismatch",
    }
);

/// A rule a claim line broke, with a message naming the numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The rule.
    pub code: RefusalCode,
    /// What is wrong, with the figures.
    pub message: String,
}

/// Something a claim line looks wrong in, with a message naming the numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What.
    pub code: AnomalyCode,
    /// The details.
    pub message: String,
}

/// The decision on one claim line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDecision {
    /// Whether the line is accepted (no refusal).
    pub accepted: bool,
    /// Every rule it broke (empty when accepted).
    pub reasons: Vec<Refusal>,
    /// Every anomaly found (whether accepted or not).
    pub anomalies: Vec<Anomaly>,
    /// Accepted with anomalies: the amount is held (reserved) until the case manager approves
    /// or refuses it ([`crate::ledger::entries_for_decision`]).
    pub needs_review: bool,
    /// What the budget pays: the claimed price, at most the agreement's covered price, times
    /// the quantity, rounded once; zero when refused.
    pub amount: Money,
    /// The person's co-payment: the rest of the claimed price times the quantity (see
    /// [`crate::agreement::split_amount`]); zero when refused.
    pub co_payment: Money,
    /// The claimed price times the quantity, rounded once, as asked.
    pub claimed_amount: Money,
}

/// The answer to a claim line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ClaimOutcome {
    /// A new claim line, decided.
    Decided(ClaimDecision),
    /// The same line was sent before under the same key, with the same content: it is the same
    /// claim. The caller answers with the decision it stored then and writes nothing to the
    /// ledger (charged once).
    Replay {
        /// The key.
        idempotency_key: String,
    },
}

fn month_name(d: Date) -> String {
    format!("{} {}", d.month(), d.year())
}

fn cap_span_text(cap: &Cap, on: Date) -> String {
    match cap.per {
        CapSpan::Month => format!("a month ({})", month_name(on)),
        CapSpan::Year => format!("a year ({})", on.year()),
    }
}

/// Decides one claim line against its context, reporting every broken rule and every anomaly.
///
/// Refusals: `idempotency-key-reused` (same key, different content), `no-quantity`,
/// `future-date`, `no-agreement`, `outside-agreement-period`, `plan-not-active`,
/// `over-plan-quantity` (units this month plus these over the agreement's units a month),
/// `over-cap` (per policy cap: units used in its month or year plus these over its maximum),
/// `price-above-agreement`, `over-balance` (the budget's part over the remaining balance).
///
/// Anomalies (flag, do not refuse): `no-visit` (no visit named, or the one named is not
/// recorded; not flagged for services counted in items or months), `visit-mismatch`,
/// `visit-not-checked-out`, `visit-shorter-than-billed` (hours only, in whole minutes),
/// `disputed-visit`, `overlapping-individual-sessions` (the specialist's other individual
/// session overlaps this individual one), `duplicate-claim` (an earlier accepted line under
/// another key for the same visit, or for the same agreement, day and no visit).
///
/// A line with the same key and the same content as an earlier one is a
/// [`ClaimOutcome::Replay`].
pub fn decide(line: &ClaimLine, ctx: &ClaimContext) -> ClaimOutcome {
    let mut reasons = Vec::new();
    let mut anomalies = Vec::new();
    let refuse =
        |reasons: &mut Vec<Refusal>, code, message: String| reasons.push(Refusal { code, message });
    let flag = |anomalies: &mut Vec<Anomaly>, code, message: String| {
        anomalies.push(Anomaly { code, message })
    };

    if let Some(earlier) = ctx
        .earlier_claims
        .iter()
        .find(|e| e.idempotency_key == line.idempotency_key)
    {
        if earlier.same_content(line) {
            return ClaimOutcome::Replay {
                idempotency_key: line.idempotency_key.clone(),
            };
        }
        refuse(
            &mut reasons,
            RefusalCode::IdempotencyKeyReused,
            format!(
                "key \"{}\" was used before for agreement {}, {}, {} units at {}; a different claim needs a new key",
                earlier.idempotency_key,
                earlier.agreement_id,
                earlier.service_date,
                earlier.quantity,
                earlier.unit_price
            ),
        );
    }

    let q = line.quantity;
    let d = line.service_date;
    if q == Quantity::ZERO {
        refuse(
            &mut reasons,
            RefusalCode::NoQuantity,
            "0 units claimed".into(),
        );
    }
    if d > ctx.today {
        refuse(
            &mut reasons,
            RefusalCode::FutureDate,
            format!("service date {d} is after today ({})", ctx.today),
        );
    }
    if !ctx.plan_active.iter().any(|p| p.contains(d)) {
        let periods = if ctx.plan_active.is_empty() {
            "the plan has not been in force".to_owned()
        } else {
            format!(
                "the plan was in force in {}",
                ctx.plan_active
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        refuse(
            &mut reasons,
            RefusalCode::PlanNotActive,
            format!("the plan was not in force on {d}; {periods}"),
        );
    }

    let claimed_amount = line_amount(line.unit_price, q);
    let agreement = ctx.agreement.as_ref().filter(|a| a.id == line.agreement_id);
    let mut amounts = None;
    match agreement {
        None => refuse(
            &mut reasons,
            RefusalCode::NoAgreement,
            match &ctx.agreement {
                Some(a) => format!(
                    "the line names agreement {} but the context holds agreement {}",
                    line.agreement_id, a.id
                ),
                None => format!(
                    "there is no registered agreement {}; a provider is paid only against a registered agreement",
                    line.agreement_id
                ),
            },
        ),
        Some(a) => {
            if a.payment_mode == Some(crate::agreement::PaymentMode::Person) && line.receipt.is_none() {
                refuse(
                    &mut reasons,
                    RefusalCode::NoReceipt,
                    format!("agreement {} is paid directly to the person, who is reimbursed only against a receipt: give its number", a.id),
                );
            }
            if !a.period.contains(d) {
                refuse(
                    &mut reasons,
                    RefusalCode::OutsideAgreementPeriod,
                    format!("service date {d} is outside agreement {}'s period {}", a.id, a.period),
                );
            }
            let together = ctx.used_this_month + q;
            if together > a.quantity_per_month {
                refuse(
                    &mut reasons,
                    RefusalCode::OverPlanQuantity,
                    format!(
                        "{q} {unit} claimed with {used} already approved or held in {month} makes {together}, over the {max} {unit} a month of agreement {id}",
                        unit = a.unit.name_en(),
                        used = ctx.used_this_month,
                        month = month_name(d),
                        max = a.quantity_per_month,
                        id = a.id
                    ),
                );
            }
            if line.unit_price > a.price {
                refuse(
                    &mut reasons,
                    RefusalCode::PriceAboveAgreement,
                    format!(
                        "price {} per {} is above the agreed {}",
                        line.unit_price,
                        a.unit.name_en(),
                        a.price
                    ),
                );
            }
            let covered = if line.unit_price < a.covered_price {
                line.unit_price
            } else {
                a.covered_price
            };
            let (budget, co) = split_amount(line.unit_price, covered, q);
            if budget > ctx.remaining_balance {
                refuse(
                    &mut reasons,
                    RefusalCode::OverBalance,
                    format!(
                        "the budget's part is {budget} ({q} × {covered}) but {} remains",
                        ctx.remaining_balance
                    ),
                );
            }
            amounts = Some((budget, co));
        }
    }
    for cu in &ctx.caps {
        let together = cu.used + q;
        if together > cu.cap.max {
            let level = cu
                .cap
                .level
                .as_ref()
                .map(|l| format!(" at level {l}"))
                .unwrap_or_default();
            refuse(
                &mut reasons,
                RefusalCode::OverCap,
                format!(
                    "{} is capped{level} at {} {} ({}); {} already used, {q} claimed makes {together}",
                    cu.cap.services.join(" + "),
                    cu.cap.max,
                    cap_span_text(&cu.cap, d),
                    cu.cap.source,
                    cu.used
                ),
            );
        }
    }

    // Anomalies.
    let needs_visit = agreement.is_none_or(|a| !matches!(a.unit, Unit::Item | Unit::Month));
    let visit = match (line.visit_id, &ctx.visit) {
        (Some(id), Some(v)) if v.id == id => Some(v),
        (Some(id), _) => {
            flag(
                &mut anomalies,
                AnomalyCode::NoVisit,
                format!("visit {id} named by the line is not recorded"),
            );
            None
        }
        (None, _) => {
            if needs_visit {
                flag(
                    &mut anomalies,
                    AnomalyCode::NoVisit,
                    format!("no visit is recorded for this claim ({d}, {q} units)"),
                );
            }
            None
        }
    };
    if let Some(v) = visit {
        if let Some(a) = agreement {
            let mut wrong = Vec::new();
            if v.person_id != a.person_id {
                wrong.push(format!(
                    "is of person {}, the agreement is with person {}",
                    v.person_id, a.person_id
                ));
            }
            if v.provider_id != a.provider_id {
                wrong.push(format!(
                    "was given by provider {}, the agreement is with provider {}",
                    v.provider_id, a.provider_id
                ));
            }
            if v.start.date() != d {
                wrong.push(format!("was on {}, the line claims {d}", v.start.date()));
            }
            if !wrong.is_empty() {
                flag(
                    &mut anomalies,
                    AnomalyCode::VisitMismatch,
                    format!("visit {} {}", v.id, wrong.join("; ")),
                );
            }
        }
        match v.minutes() {
            None => flag(
                &mut anomalies,
                AnomalyCode::VisitNotCheckedOut,
                format!("visit {} ({}) was never checked out", v.id, v.times()),
            ),
            Some(m) => {
                if agreement.is_some_and(|a| a.unit == Unit::Hour) {
                    let billed = minutes_from_hours(q);
                    if billed > m {
                        flag(
                            &mut anomalies,
                            AnomalyCode::VisitShorterThanBilled,
                            format!(
                                "{q} hours ({billed} minutes) billed but visit {} lasted {m} minutes ({})",
                                v.id,
                                v.times()
                            ),
                        );
                    }
                }
            }
        }
        if let Confirmation::Disputed { reason } = &v.confirmation {
            flag(
                &mut anomalies,
                AnomalyCode::DisputedVisit,
                format!("the person disputes visit {}: {reason}", v.id),
            );
        }
        if v.kind == SessionKind::Individual {
            let mut clashes = String::new();
            for o in ctx.other_visits_same_specialist.iter().filter(|o| {
                o.id != v.id
                    && o.specialist == v.specialist
                    && o.kind == SessionKind::Individual
                    && o.overlaps(v)
            }) {
                if !clashes.is_empty() {
                    clashes.push_str(", ");
                }
                let _ = write!(
                    clashes,
                    "visit {} ({}, person {})",
                    o.id,
                    o.times(),
                    o.person_id
                );
            }
            if !clashes.is_empty() {
                flag(
                    &mut anomalies,
                    AnomalyCode::OverlappingIndividualSessions,
                    format!(
                        "specialist {} gave individual visit {} ({}) and at the same time {clashes}",
                        v.specialist,
                        v.id,
                        v.times()
                    ),
                );
            }
        }
    }
    let dups: Vec<&EarlierClaim> = ctx
        .earlier_claims
        .iter()
        .filter(|e| {
            e.accepted
                && e.idempotency_key != line.idempotency_key
                && match line.visit_id {
                    Some(v) => e.visit_id == Some(v),
                    None => {
                        e.visit_id.is_none()
                            && e.agreement_id == line.agreement_id
                            && e.service_date == d
                    }
                }
        })
        .collect();
    if !dups.is_empty() {
        let what = match line.visit_id {
            Some(v) => format!("visit {v}"),
            None => format!("agreement {} on {d} without a visit", line.agreement_id),
        };
        flag(
            &mut anomalies,
            AnomalyCode::DuplicateClaim,
            format!(
                "{what} was already claimed under key{} {}",
                if dups.len() > 1 { "s" } else { "" },
                dups.iter()
                    .map(|e| format!("\"{}\"", e.idempotency_key))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }

    let accepted = reasons.is_empty();
    let (amount, co_payment) = match amounts {
        Some(a) if accepted => a,
        _ => (Money::ZERO, Money::ZERO),
    };
    ClaimOutcome::Decided(ClaimDecision {
        accepted,
        needs_review: accepted && !anomalies.is_empty(),
        reasons,
        anomalies,
        amount,
        co_payment,
        claimed_amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn terms() -> AgreementTerms {
        AgreementTerms {
            payment_mode: None,
            id: 11,
            person_id: 1,
            provider_id: 7,
            service: "support-person".into(),
            unit: Unit::Hour,
            period: Period::new(date!(2026 - 01 - 01), date!(2026 - 07 - 01)).unwrap(),
            price: "6.00".parse().unwrap(),
            covered_price: "5.00".parse().unwrap(),
            quantity_per_month: "20".parse().unwrap(),
        }
    }

    fn visit(id: i64, start: PrimitiveDateTime, minutes: i64) -> Visit {
        Visit {
            id,
            person_id: 1,
            provider_id: 7,
            specialist: "S-1".into(),
            start,
            end: Some(start + time::Duration::minutes(minutes)),
            kind: SessionKind::Individual,
            method: CheckInMethod::Card,
            confirmation: Confirmation::Unconfirmed,
        }
    }

    fn cap(max: &str) -> Cap {
        Cap {
            services: vec!["support-person".into()],
            level: Some("2".into()),
            per: CapSpan::Month,
            max: max.parse().unwrap(),
            source: "seed 004".into(),
        }
    }

    fn ctx() -> ClaimContext {
        ClaimContext {
            today: date!(2026 - 03 - 31),
            agreement: Some(terms()),
            plan_active: vec![Period::new(date!(2026 - 01 - 01), date!(2027 - 01 - 01)).unwrap()],
            used_this_month: "10".parse().unwrap(),
            caps: vec![CapUse {
                cap: cap("20"),
                used: "10".parse().unwrap(),
            }],
            remaining_balance: Money::from_cents(10000),
            earlier_claims: vec![],
            visit: Some(visit(5, datetime!(2026-03-10 10:00), 60)),
            other_visits_same_specialist: vec![],
        }
    }

    fn line() -> ClaimLine {
        ClaimLine {
            receipt: None,
            idempotency_key: "k-1".into(),
            agreement_id: 11,
            service_date: date!(2026 - 03 - 10),
            quantity: "1".parse().unwrap(),
            unit_price: "6.00".parse().unwrap(),
            visit_id: Some(5),
        }
    }

    fn decided(o: ClaimOutcome) -> ClaimDecision {
        match o {
            ClaimOutcome::Decided(d) => d,
            ClaimOutcome::Replay { .. } => panic!("unexpected replay"),
        }
    }

    fn codes(d: &ClaimDecision) -> (Vec<&str>, Vec<&str>) {
        (
            d.reasons.iter().map(|r| r.code.code()).collect(),
            d.anomalies.iter().map(|a| a.code.code()).collect(),
        )
    }

    #[test]
    fn minutes_become_hours_cut_down() {
        assert_eq!(hours_from_minutes(45).to_string(), "0.75");
        assert_eq!(hours_from_minutes(40).to_string(), "0.666");
        assert_eq!(hours_from_minutes(20).to_string(), "0.333");
        assert_eq!(hours_from_minutes(60).to_string(), "1");
        assert_eq!(hours_from_minutes(0).to_string(), "0");
        assert_eq!(minutes_from_hours("0.667".parse().unwrap()), 40);
        assert_eq!(minutes_from_hours("0.75".parse().unwrap()), 45);
        let v = Visit {
            end: Some(datetime!(2026-03-10 10:40:59)),
            ..visit(1, datetime!(2026-03-10 10:00), 0)
        };
        assert_eq!(v.minutes(), Some(40));
        assert_eq!(v.hours().unwrap().to_string(), "0.666");
    }

    #[test]
    fn a_clean_line_is_accepted_with_the_co_payment_shown() {
        let d = decided(decide(&line(), &ctx()));
        assert!(d.accepted && !d.needs_review, "{d:?}");
        assert_eq!(d.amount.to_string(), "5.00");
        assert_eq!(d.co_payment.to_string(), "1.00");
        assert_eq!(d.claimed_amount.to_string(), "6.00");
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let mut c = ctx();
        c.today = date!(2026 - 03 - 01);
        c.plan_active = vec![];
        c.remaining_balance = Money::from_cents(1000);
        let l = ClaimLine {
            receipt: None,
            quantity: "11".parse().unwrap(),
            unit_price: "6.50".parse().unwrap(),
            ..line()
        };
        let d = decided(decide(&l, &c));
        assert!(!d.accepted);
        assert_eq!(d.amount, Money::ZERO);
        let (r, _) = codes(&d);
        assert_eq!(
            r,
            vec![
                "future-date",
                "plan-not-active",
                "over-plan-quantity",
                "price-above-agreement",
                "over-balance",
                "over-cap"
            ]
        );
        let cap_msg = &d.reasons[5].message;
        assert!(cap_msg.contains("at level 2 at 20 a month"), "{cap_msg}");
        assert!(
            cap_msg.contains("10 already used, 11 claimed makes 21"),
            "{cap_msg}"
        );
        assert!(
            d.reasons[4].message.contains("55.00"),
            "{}",
            d.reasons[4].message
        );
        let l = ClaimLine {
            receipt: None,
            service_date: date!(2026 - 07 - 01),
            ..line()
        };
        let mut c = ctx();
        c.today = date!(2026 - 08 - 01);
        let d = decided(decide(&l, &c));
        assert!(codes(&d).0.contains(&"outside-agreement-period"));
    }

    #[test]
    fn no_agreement_is_refused() {
        let mut c = ctx();
        c.agreement = None;
        let d = decided(decide(&line(), &c));
        assert_eq!(codes(&d).0, vec!["no-agreement"]);
    }

    #[test]
    fn respite_over_thirty_days_a_year_is_refused() {
        let mut c = ctx();
        c.agreement = Some(AgreementTerms {
            payment_mode: None,
            service: "respite".into(),
            unit: Unit::Day,
            quantity_per_month: "5".parse().unwrap(),
            ..terms()
        });
        c.used_this_month = Quantity::ZERO;
        c.caps = vec![CapUse {
            cap: Cap {
                services: vec!["respite".into()],
                level: None,
                per: CapSpan::Year,
                max: "30".parse().unwrap(),
                source: "respite at most 30 days a year".into(),
            },
            used: "29".parse().unwrap(),
        }];
        let l = ClaimLine {
            receipt: None,
            quantity: "2".parse().unwrap(),
            visit_id: None,
            unit_price: "5.00".parse().unwrap(),
            ..line()
        };
        let d = decided(decide(&l, &c));
        assert_eq!(codes(&d).0, vec!["over-cap"]);
        assert!(d.reasons[0].message.contains("30 a year (2026)"));
        let l = ClaimLine {
            receipt: None,
            quantity: "1".parse().unwrap(),
            ..l
        };
        assert!(decided(decide(&l, &c)).accepted);
    }

    #[test]
    fn same_key_same_content_is_a_replay_and_a_new_key_is_a_duplicate() {
        let mut c = ctx();
        c.earlier_claims = vec![EarlierClaim::of(&line(), true)];
        assert_eq!(
            decide(&line(), &c),
            ClaimOutcome::Replay {
                idempotency_key: "k-1".into()
            }
        );
        // Same key, different content: refused.
        let changed = ClaimLine {
            receipt: None,
            quantity: "2".parse().unwrap(),
            ..line()
        };
        let d = decided(decide(&changed, &c));
        assert_eq!(codes(&d).0, vec!["idempotency-key-reused"]);
        // New key, same visit: accepted but flagged and held.
        let again = ClaimLine {
            receipt: None,
            idempotency_key: "k-2".into(),
            ..line()
        };
        let d = decided(decide(&again, &c));
        assert!(d.accepted && d.needs_review);
        assert_eq!(codes(&d).1, vec!["duplicate-claim"]);
        assert!(d.anomalies[0].message.contains("\"k-1\""));
        // A refused earlier claim is not a duplicate.
        c.earlier_claims = vec![EarlierClaim::of(&line(), false)];
        assert!(codes(&decided(decide(&again, &c))).1.is_empty());
    }

    #[test]
    fn visit_anomalies_are_flagged() {
        // 40 minutes delivered, 0.75 hours billed (seed 003: 20 minutes instead of 40).
        let mut c = ctx();
        c.visit = Some(visit(5, datetime!(2026-03-10 10:00), 40));
        let l = ClaimLine {
            receipt: None,
            quantity: "0.75".parse().unwrap(),
            ..line()
        };
        let d = decided(decide(&l, &c));
        assert_eq!(codes(&d).1, vec!["visit-shorter-than-billed"]);
        assert!(d.anomalies[0].message.contains("45 minutes"));
        assert!(d.anomalies[0]
            .message
            .contains("lasted 40 minutes (2026-03-10 10:00-10:40)"));
        // 0.667 hours for 40 minutes is fine.
        let l = ClaimLine {
            receipt: None,
            quantity: "0.667".parse().unwrap(),
            ..line()
        };
        assert!(codes(&decided(decide(&l, &c))).1.is_empty());

        // Two individual sessions of one specialist at overlapping times.
        let mut c = ctx();
        c.other_visits_same_specialist = vec![
            Visit {
                person_id: 2,
                ..visit(6, datetime!(2026-03-10 10:30), 60)
            },
            visit(7, datetime!(2026-03-10 11:00), 60),
            Visit {
                kind: SessionKind::Group,
                ..visit(8, datetime!(2026-03-10 10:15), 30)
            },
        ];
        let d = decided(decide(&line(), &c));
        assert_eq!(codes(&d).1, vec!["overlapping-individual-sessions"]);
        assert!(d.anomalies[0]
            .message
            .contains("visit 6 (2026-03-10 10:30-11:30, person 2)"));
        assert!(!d.anomalies[0].message.contains("visit 7"));

        // No visit, an unknown visit, an open visit, a disputed visit, a visit of another person.
        let mut c = ctx();
        let l = ClaimLine {
            receipt: None,
            visit_id: None,
            ..line()
        };
        assert_eq!(codes(&decided(decide(&l, &c))).1, vec!["no-visit"]);
        c.visit = None;
        assert_eq!(codes(&decided(decide(&line(), &c))).1, vec!["no-visit"]);
        let mut v = visit(5, datetime!(2026-03-10 10:00), 60);
        v.end = None;
        v.person_id = 3;
        c.visit = Some(v.dispute("I was not at home").unwrap());
        let d = decided(decide(&line(), &c));
        assert!(d.accepted && d.needs_review);
        assert_eq!(
            codes(&d).1,
            vec!["visit-mismatch", "visit-not-checked-out", "disputed-visit"]
        );
    }

    #[test]
    fn visits_are_checked_in_out_and_answered() {
        let now = datetime!(2026-03-10 12:00);
        let input = VisitInput {
            person_id: 1,
            provider_id: 7,
            specialist: "S-1".into(),
            start: "2026-03-10T10:00".into(),
            end: None,
            kind: "individual".into(),
            method: "code".into(),
        };
        let v = input.check(9, now).unwrap();
        assert_eq!(v.method, CheckInMethod::Code);
        assert!(v.confirm().is_err());
        assert!(v.check_out(datetime!(2026-03-10 09:00), now).is_err());
        assert!(v.check_out(datetime!(2026-03-10 12:30), now).is_err());
        let v = v.check_out(datetime!(2026-03-10 10:45), now).unwrap();
        assert_eq!(v.hours().unwrap().to_string(), "0.75");
        assert!(v.check_out(datetime!(2026-03-10 11:00), now).is_err());
        assert_eq!(v.confirm().unwrap().confirmation, Confirmation::Confirmed);
        assert!(v.dispute("  ").is_err());
        let bad = VisitInput {
            person_id: 0,
            start: "2026-03-10 13:00".into(),
            end: Some("yesterday".into()),
            kind: "pair".into(),
            ..input
        };
        let errs = bad.check(9, now).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["person_id", "start", "end", "kind"]);
    }

    #[test]
    fn claim_input_names_every_field() {
        let i = ClaimLineInput {
            receipt: None,
            idempotency_key: "".into(),
            agreement_id: 0,
            service_date: "2026-02-30".into(),
            quantity: "-1".into(),
            unit_price_eur: "1.23456".into(),
            visit_id: Some(-4),
        };
        let errs = i.check().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "idempotency_key",
                "agreement_id",
                "service_date",
                "quantity",
                "unit_price_eur",
                "visit_id"
            ]
        );
    }

    #[test]
    fn a_direct_payment_is_reimbursed_only_against_a_receipt() {
        let mut c = ctx();
        c.agreement.as_mut().unwrap().payment_mode = Some(crate::agreement::PaymentMode::Person);
        let d = decided(decide(&line(), &c));
        assert!(!d.accepted);
        assert!(
            d.reasons.iter().any(|r| r.code == RefusalCode::NoReceipt),
            "{d:?}"
        );
        let with_receipt = ClaimLine {
            receipt: Some("SIA Aptieka, čeks 0042".into()),
            ..line()
        };
        let d = decided(decide(&with_receipt, &c));
        assert!(
            !d.reasons.iter().any(|r| r.code == RefusalCode::NoReceipt),
            "{d:?}"
        );
    }
}
