//! The synthetic population generator (issue 7, point 6): people, assessment outcomes,
//! providers with their offers, plans, reviews at the review date (with goal attainment), and
//! visits with claims (and the case manager's reviews of held claims), deterministic from a seed, in
//! the proportions of the source documents, from pilot size (about 200 people) to national size
//! (50,000 people, 10 million visits).
//!
//! Pure: no I/O. [`generate`] builds everything but the visits; the visits are *streamed*, one
//! person-month at a time ([`Population::visits_of`]) or all of them ([`Population::visits`]),
//! each person-month from its own seeded generator, so 10 million visits never need to be held
//! at once and any person-month can be regenerated alone.
//!
//! Every figure the generator uses is in [`Proportions`]; its `Default` is the documents'
//! figures where the documents give one (each field says which seed and line) and a stated
//! assumption where they give none. A caller may give other proportions.
//!
//! Determinism: the same [`GenerateSpec`] and the same [`PolicySet`] give the same
//! [`Population`] and the same visits, on every platform (ChaCha8 from `rand_chacha`, whose
//! output is fixed by its specification; integer weights only, no floating point).
//!
//! Ids: providers and persons are numbered from 1 in the order generated ([`GenProvider::id`],
//! [`GenPerson::id`]); a loader maps them to its own ids.

use std::collections::{BTreeMap, BTreeSet};

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use time::{Date, Duration, Month, PrimitiveDateTime, Time};

use crate::assessment::{ADULT_REVIEW_MONTHS, CHILD_REVIEW_MONTHS};
use crate::budget::ExplainedBudget;
use crate::catalogue::Unit;
use crate::claim::{
    hours_from_minutes, AnomalyCode, CheckInMethod, Confirmation, RefusalCode, SessionKind,
};
use crate::money::{line_amount, Money, Quantity, UnitPrice};
use crate::municipality::{builtin_municipalities, Municipality, MunicipalityKind};
use crate::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome, TargetGroup};
use crate::period::Period;
use crate::personal_code::PersonalCode;
use crate::plan::{FundingSource, LineStatus};
use crate::policy::PolicySet;
use crate::registry::age_on;
use crate::review::{add_months, GoalAttainment};
use crate::sepa::Iban;

/// Parts per 10,000: the unit of every share in [`Proportions`] (integer, so the generator has
/// no floating point and gives the same result on every platform).
pub const PER_10K: u32 = 10_000;

/// How many visits to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VisitVolume {
    /// Exactly this many visits in all, spread evenly (to within one) over every person-month
    /// in which the person receives at least one service paid from a budget.
    Total(u64),
    /// This many visits in every such person-month.
    PerPersonMonth(u32),
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenerateSpec {
    /// The seed: the same seed gives the same population.
    pub seed: u64,
    /// How many people (1 to 1,000,000).
    pub people: u32,
    /// How many whole calendar months of services, ending with the month before `as_of`'s
    /// month (1 to 120).
    pub months: u32,
    /// How many visits.
    pub visits: VisitVolume,
    /// "Today": every date generated is before it.
    pub as_of: Date,
    /// The proportions (`Default` = the documents' figures).
    pub proportions: Proportions,
}

impl GenerateSpec {
    /// A spec with the documents' proportions and [`Self::DEFAULT_VISITS_PER_PERSON_MONTH`].
    pub fn new(seed: u64, people: u32, months: u32, as_of: Date) -> Self {
        Self {
            seed,
            people,
            months,
            visits: VisitVolume::PerPersonMonth(Self::DEFAULT_VISITS_PER_PERSON_MONTH),
            as_of,
            proportions: Proportions::default(),
        }
    }

    /// The default visit rate: 10 million visits over 50,000 people and 12 months (issue 7's
    /// national size) is about 16.7 a person-month.
    pub const DEFAULT_VISITS_PER_PERSON_MONTH: u32 = 17;

    /// The most visits a person-month may have (so every visit still bills a positive quantity
    /// within the plan).
    pub const MAX_VISITS_PER_PERSON_MONTH: u64 = 200;

    /// The months of services, oldest first: the `months` whole calendar months before the
    /// month of `as_of`.
    pub fn service_months(&self) -> Vec<Period> {
        let first_of_now = self.as_of.replace_day(1).unwrap_or(self.as_of);
        let mut out = Vec::with_capacity(self.months as usize);
        let mut start = first_of_now;
        for _ in 0..self.months {
            start = previous_month_start(start);
            out.push(Period::month(start.year(), start.month()));
        }
        out.reverse();
        out
    }
}

/// Every share the generator draws from. Weights are integers: a list of `(value, weight)` is
/// drawn in proportion to the weights; a share is in parts per 10,000 ([`PER_10K`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proportions {
    /// Children with functional disorders against adults with mental disorders. Default: the
    /// two individual-budget pilots, 102 children and 103 adults (seed 002; rules.md §5).
    pub target_groups: Vec<(TargetGroup, u32)>,
    /// Where people live, by municipality code. Default: population of each municipality,
    /// in thousands, start of 2024, rounded (Official Statistics Portal of Latvia, table
    /// IRS030; not a seed figure: the seeds give counts by planning region only, e.g. the 1,811
    /// children assessed in the DI project, seed 000).
    pub municipalities: Vec<(String, u32)>,
    /// Children's support intensity levels (`1`-`4`), from which the four domain ratings are
    /// drawn so that the policy's score bands give that level. Default: the calibration mix of
    /// the shipped child-ft policy, 10/25/35/30 % (an assumption stated in that policy: the
    /// pilot served children with severe disorders).
    pub child_levels: Vec<(String, u32)>,
    /// Adults' care levels (`I`-`IV`). Default: 20/35/30/15 % (assumption: the seeds give no
    /// distribution; seed 001 Table 3 gives the packages only).
    pub adult_levels: Vec<(String, u32)>,
    /// Children's living situation. Default: family 92 %, institution 8 % (assumption; seed 000
    /// is about children leaving institutional care, L3429-4000).
    pub child_living: Vec<(LivingSituation, u32)>,
    /// Adults' living situation. Default: family 55 %, social home 10 %, group flat 35 %
    /// (assumption; seed 001 Table 3 prices these three). Where the adult's care level has no
    /// package for the situation drawn (level I in a group flat, IV in a social home), it is
    /// drawn again among the situations the level has, by the same weights.
    pub adult_living: Vec<(LivingSituation, u32)>,
    /// Share of adults who also have a support person for decision-making. Default: 74 of the
    /// 103 adults of the pilot municipalities (Zelda, anchors §0; seed 004) = 7,184 per 10,000.
    pub support_person: u32,
    /// Support-person levels (`1`-`3`). Default: 40/40/20 % (assumption; seed 004 gives the
    /// hours per level only).
    pub support_person_levels: Vec<(String, u32)>,
    /// Services a child needs beyond the budget, with the share of children who need each:
    /// the five services seed 000 says should exist in every municipality (L3915-3921). Default:
    /// children in the DI project's plans naming the service, summed over the regions' columns
    /// (Latgale long-term only) of 1,811 children (seed 000 appendix tables): physiotherapy
    /// (Fizioterapeits, 862), occupational therapy (Ergoterapeits, 763), psychologist (902),
    /// speech therapist (794), specialised transport (385).
    pub child_extra_needs: Vec<(String, u32)>,
    /// Share of (municipality, extra service) pairs where the service exists. Default 5,000
    /// (assumption: seed 000 says these services are missing in many municipalities but gives
    /// no count). State cities have every service.
    pub extra_service_available: u32,
    /// Share of (municipality, budget service) pairs where some provider offers the service.
    /// Default 9,000 (assumption). State cities have every service.
    pub budget_service_available: u32,
    /// Share of planned budget lines, where a provider exists, that the person does not receive
    /// (available but not received, with a barrier). Default 600 (assumption).
    pub not_received: u32,
    /// Share of people who start in the first month; the others start in a later month, evenly.
    /// Default 7,000 (assumption).
    pub start_in_first_month: u32,
    /// Share of claims refused (the provider asked more than the agreed price). Default 150
    /// (assumption).
    pub claims_refused: u32,
    /// Share of claims held for review because the visit was shorter than billed (seed 003,
    /// L1639-1647: 20 minutes delivered instead of 40). Default 150 (assumption).
    pub claims_shorter: u32,
    /// Share of visits the person disputes (their claims are held for review). Default 100
    /// (assumption).
    pub visits_disputed: u32,
    /// Share of visits the person confirmed (the others stay unconfirmed). Default 8,000
    /// (assumption).
    pub visits_confirmed: u32,
    /// Share of the reviews falling due (the next review date an assessment sets, before
    /// `as_of` and before the next budget's reassessment) that take place on that day: the
    /// person is reassessed with the same outcome and each goal of each plan in force is scored
    /// ([`GenReview`]). A review that does not take place leaves the person overdue until the
    /// next reassessment. Default 8,000 (assumption: the documents set the rule, reassessment at
    /// least every 6 months for children, seed 000 L3531-3535, and once a year for adults, seed
    /// 001 L1544-1548, but give no figure for how often it is late).
    pub reviews_on_time: u32,
    /// Goal attainment scores given at review (Goal Attainment Scaling, -2 to +2), by weight.
    /// Default 5/20/45/20/10 % for -2/-1/0/+1/+2 (assumption: the documents name achievement of
    /// the plan's long-term and short-term goals as an outcome, seed 000 L3688-3692, but give no
    /// figures; the scale is centred on the expected outcome, 0).
    pub goal_attainment: Vec<(GoalAttainment, u32)>,
    /// Share of claims held for review that a social worker reviews (approves or refuses) before
    /// `as_of`, some days after the day of service. Default 9,000 (assumption).
    pub held_reviewed: u32,
    /// Share of the reviewed held claims that are approved; the others are refused. Default
    /// 7,000 (assumption).
    pub held_approved: u32,
    /// A held claim is reviewed 1 to this many days after its day of service (evenly drawn).
    /// Default 14 (assumption). A review that would fall on or after `as_of` does not happen.
    pub held_review_days: u32,
}

impl Default for Proportions {
    fn default() -> Self {
        let s = |v: &[(&str, u32)]| v.iter().map(|(c, w)| ((*c).to_owned(), *w)).collect();
        Self {
            target_groups: vec![(TargetGroup::ChildFt, 102), (TargetGroup::AdultGrt, 103)],
            municipalities: s(&MUNICIPALITY_POPULATION_THOUSANDS),
            child_levels: s(&[("1", 10), ("2", 25), ("3", 35), ("4", 30)]),
            adult_levels: s(&[("I", 20), ("II", 35), ("III", 30), ("IV", 15)]),
            child_living: vec![
                (LivingSituation::Family, 92),
                (LivingSituation::Institution, 8),
            ],
            adult_living: vec![
                (LivingSituation::Family, 55),
                (LivingSituation::SocialHome, 10),
                (LivingSituation::GroupFlat, 35),
            ],
            support_person: 7_184,
            support_person_levels: s(&[("1", 40), ("2", 40), ("3", 20)]),
            child_extra_needs: EXTRA_SERVICES
                .iter()
                .map(|(code, children)| ((*code).to_owned(), children * PER_10K / 1_811))
                .collect(),
            extra_service_available: 5_000,
            budget_service_available: 9_000,
            not_received: 600,
            start_in_first_month: 7_000,
            claims_refused: 150,
            claims_shorter: 150,
            visits_disputed: 100,
            visits_confirmed: 8_000,
            reviews_on_time: 8_000,
            goal_attainment: vec![
                (GoalAttainment::MuchLess, 5),
                (GoalAttainment::Less, 20),
                (GoalAttainment::Expected, 45),
                (GoalAttainment::More, 20),
                (GoalAttainment::MuchMore, 10),
            ],
            held_reviewed: 9_000,
            held_approved: 7_000,
            held_review_days: 14,
        }
    }
}

/// Population of each municipality, thousands, start of 2024, rounded (Official Statistics
/// Portal, IRS030), written down from the portal without a copy at hand.
///
/// Checked on 22 November 2026 against the published figures the project's reference library
/// holds (Central Statistical Bureau estimates as quoted by Wikipedia's lists of Latvian
/// cities and municipalities): the seven state cities (2025: Rīga 591.9, Daugavpils 78.1,
/// Liepāja 67.4, Jelgava 54.8, Jūrmala 51.9, Ventspils 32.7, Rēzekne 26.4 thousand) and
/// Aizkraukle 29.4, Alūksne 13.9, Augšdaugava 25.9, Balvi 19.0, Bauska 41.8 and Ķekava 30.1
/// thousand (2021) agree within 2 thousand (Rīga within 13), allowing for the years between.
/// Ādaži was wrong (13; 21,134 people in 2021, with Carnikava since the 2021 reform) and is
/// now 21. The other 22 are unchecked.
const MUNICIPALITY_POPULATION_THOUSANDS: [(&str, u32); 42] = [
    ("riga", 605),
    ("daugavpils-city", 78),
    ("jelgava-city", 55),
    ("jurmala", 50),
    ("liepaja", 67),
    ("rezekne-city", 26),
    ("ventspils-city", 32),
    ("aizkraukle", 29),
    ("aluksne", 13),
    ("augsdaugava", 24),
    ("adazi", 21),
    ("balvi", 17),
    ("bauska", 42),
    ("cesis", 40),
    ("dienvidkurzeme", 34),
    ("dobele", 29),
    ("gulbene", 19),
    ("jelgava-county", 32),
    ("jekabpils", 39),
    ("kraslava", 20),
    ("kuldiga", 30),
    ("kekava", 31),
    ("limbazi", 30),
    ("livani", 10),
    ("ludza", 22),
    ("madona", 34),
    ("marupe", 39),
    ("ogre", 56),
    ("olaine", 19),
    ("preili", 16),
    ("rezekne-county", 27),
    ("ropazi", 21),
    ("salaspils", 23),
    ("saldus", 28),
    ("saulkrasti", 10),
    ("sigulda", 30),
    ("smiltene", 18),
    ("talsi", 40),
    ("tukums", 42),
    ("valka", 8),
    ("valmiera", 52),
    ("ventspils-county", 10),
];

/// The five services seed 000 says every municipality should have (L3915-3921), as catalogue
/// codes, with the number of the DI project's 1,811 children whose plans name them.
const EXTRA_SERVICES: [(&str, u32); 5] = [
    ("di-2-23", 862), // physiotherapy
    ("di-2-18", 763), // occupational therapy
    ("di-2-48", 902), // psychologist consultations
    ("di-2-33", 794), // speech therapist
    ("di-5-07", 385), // specialised transport
];

/// Illustrative price of an extra (non-budget) service per session or trip (assumption: the
/// seeds price none of them; the floor for social rehabilitation is EUR 5.00 an hour, seed
/// 001 L6296-6399).
const EXTRA_SERVICE_PRICE_CENTS: i64 = 2_500;

/// Barriers recorded for a service available but not received (seed 000 L3694-3698; transport,
/// L3899-3905).
pub const BARRIERS: [&str; 4] = [
    "Nav transporta līdz pakalpojuma vietai",
    "Rinda pie pakalpojuma sniedzēja",
    "Pakalpojuma laiks nesaskan ar skolas vai darba laiku",
    "Ģimene pagaidām izvēlējās pakalpojumu nesaņemt",
];

/// A generated provider. Serves one municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenProvider {
    /// Number from 1, in order.
    pub id: u32,
    /// Register number (11 digits, unique).
    pub register_no: String,
    /// Name.
    pub name: String,
    /// The municipality served.
    pub municipality: String,
    /// A valid Latvian IBAN.
    pub iban: String,
    /// Services offered with the price per unit (budget services at the tariff price).
    pub offers: BTreeMap<String, UnitPrice>,
}

/// A generated person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenPerson {
    /// Number from 1, in order.
    pub id: u32,
    /// A valid personal code (old format with the birth date for people born until
    /// 30 June 2017, new format after), unique in the population.
    pub personal_code: PersonalCode,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Birth date: 1-17 years old on the day of the assessment for children, 18-80 for adults.
    pub birth_date: Date,
    /// Target group.
    pub target_group: TargetGroup,
    /// Municipality code.
    pub municipality: String,
    /// Living situation.
    pub living: LivingSituation,
    /// The first service month (index into [`GenerateSpec::service_months`]).
    pub start_month: u32,
    /// The budgets, one per scheme (the target group's, and for some adults a support
    /// person's) and budget period, in time order: a budget runs 12 months from the person's
    /// first service month, then the person is reassessed (same outcome) and a new budget
    /// follows; the last runs at least 6 months (a budget runs 6 to 12 months), into the
    /// future if the service months end sooner.
    pub budgets: Vec<GenBudget>,
    /// Index of this person's first person-month among those with visits (months in which a
    /// budget in force has a billable line), for the even spread of [`VisitVolume::Total`].
    pub visit_slot_start: u64,
    /// The reviews that took place, in time order (see [`GenReview`] and
    /// [`Proportions::reviews_on_time`]).
    pub reviews: Vec<GenReview>,
}

/// The goals of every generated plan, in order: `(term, a child's goal, an adult's goal)`. The
/// pilot's plans had long-term and short-term goals (seed 000 L3656-3668, L3688-3692).
pub const PLAN_GOALS: [(&str, &str, &str); 2] = [
    (
        "long",
        "Attīstīt patstāvību ikdienā un mācībās.",
        "Dzīvot pēc iespējas patstāvīgi kopienā.",
    ),
    (
        "short",
        "Apgūt jaunu ikdienas prasmi pusgada laikā.",
        "Pašam plānot savu nedēļu un iepirkties.",
    ),
];

/// A review at the review date: the person is reassessed (the same outcome, so the budget does
/// not change) and each goal of the plan of each budget reassessed is scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenReview {
    /// The day: the next review date the last assessment set.
    pub on: Date,
    /// The budgets in force whose assessments are renewed (indices into
    /// [`GenPerson::budgets`]; the budgets assessed on the same day, e.g. an adult's and their
    /// support person's).
    pub budgets: Vec<usize>,
    /// The attainment of each goal of each of those budgets' plans: `(budget index, one score
    /// per goal of [`PLAN_GOALS`], in order)`.
    pub goals: Vec<(usize, Vec<GoalAttainment>)>,
}

impl GenPerson {
    /// The months after an assessment that the next review is due for this person (the
    /// assessment's default: 6 for a child, 12 for an adult and a support person).
    pub fn review_months(&self) -> u32 {
        match self.target_group {
            TargetGroup::ChildFt => CHILD_REVIEW_MONTHS,
            TargetGroup::AdultGrt => ADULT_REVIEW_MONTHS,
        }
    }

    /// Every day the person was assessed (the budgets' assessments and the reviews), in time
    /// order, once each.
    pub fn assessment_days(&self) -> Vec<Date> {
        let mut days: Vec<Date> = self
            .budgets
            .iter()
            .map(|b| b.assessed_on)
            .chain(self.reviews.iter().map(|r| r.on))
            .collect();
        days.sort();
        days.dedup();
        days
    }
}

/// A case manager's review of a claim held for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GenClaimReview {
    /// The day of the review (after the day of service, before `as_of`).
    pub on: Date,
    /// Approved (else refused).
    pub approve: bool,
}

impl GenPerson {
    /// Whether the person receives any service paid from a budget (and so has visits).
    pub fn has_visits(&self) -> bool {
        self.budgets
            .iter()
            .any(|b| b.lines.iter().any(GenLine::is_billable))
    }
}

/// One budget of a person: the assessment outcome, the budget it gives and the plan made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenBudget {
    /// The assessment outcome: [`PolicySet::compute`] gives the budget.
    pub outcome: Outcome,
    /// The day of the assessment: the first day of the month before the period.
    pub assessed_on: Date,
    /// The budget period (6 to 12 months).
    pub period: Period,
    /// The level the policy gave.
    pub level: String,
    /// The monthly amount the policy gave.
    pub monthly: Money,
    /// The policy id and version.
    pub policy: (String, String),
    /// The plan's lines: the budget's services (funded by the budget) and, for children, the
    /// extra services needed (funded by the municipality).
    pub lines: Vec<GenLine>,
}

/// A plan line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenLine {
    /// Catalogue code.
    pub service: String,
    /// Unit.
    pub unit: Unit,
    /// Quantity a month.
    pub quantity_per_month: Quantity,
    /// The provider (none when needed but not available).
    pub provider: Option<u32>,
    /// Price per unit agreed with the provider (its offer), where there is a provider.
    pub unit_price: Option<UnitPrice>,
    /// Who pays.
    pub funding: FundingSource,
    /// Received, available but not received, or needed but not available.
    pub status: LineStatus,
    /// The barrier, for a line available but not received.
    pub barrier: Option<String>,
}

impl GenLine {
    /// Received, from the budget, with a provider: an agreement, visits and claims follow.
    pub fn is_billable(&self) -> bool {
        self.status == LineStatus::Received
            && self.funding == FundingSource::IndividualBudget
            && self.provider.is_some()
    }
}

/// What the claim for a visit should come to when decided (the loader decides it for real).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimFate {
    /// Accepted, no anomaly: approved.
    Approved,
    /// Accepted with an anomaly: held for the case manager's review.
    Held(AnomalyCode),
    /// Refused.
    Refused(RefusalCode),
}

/// A generated visit and the claim for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenVisit {
    /// The person's id.
    pub person: u32,
    /// Index into the person's budgets.
    pub budget: usize,
    /// Index into that budget's plan lines.
    pub line: usize,
    /// The provider's id.
    pub provider: u32,
    /// The specialist (unique per provider, person and line, so no specialist overlaps).
    pub specialist: String,
    /// Check-in, Riga local time.
    pub start: PrimitiveDateTime,
    /// Check-out.
    pub end: PrimitiveDateTime,
    /// Individual or group.
    pub kind: SessionKind,
    /// How the check-in was made.
    pub method: CheckInMethod,
    /// The person's answer.
    pub confirmation: Confirmation,
    /// The claim: the day of service.
    pub service_date: Date,
    /// The claim: quantity billed (never more in a month than the plan line's quantity).
    pub quantity: Quantity,
    /// The claim: price per unit asked (the agreed price, or more for a refused claim).
    pub unit_price: UnitPrice,
    /// The claim's expected outcome.
    pub fate: ClaimFate,
    /// For a claim held for review, the review, if one took place before `as_of`.
    pub review: Option<GenClaimReview>,
}

/// A generated population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Population {
    /// What it was generated from.
    pub spec: GenerateSpec,
    /// The service months, oldest first.
    pub months: Vec<Period>,
    /// The providers.
    pub providers: Vec<GenProvider>,
    /// The people.
    pub persons: Vec<GenPerson>,
    /// Person-months with visits.
    pub visit_slots: u64,
    /// Visits in all.
    pub visit_total: u64,
}

/// Why a population could not be generated; names the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct GenerateError {
    /// The spec or proportions field.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

fn err(field: &str, message: impl Into<String>) -> GenerateError {
    GenerateError {
        field: field.to_owned(),
        message: message.into(),
    }
}

// ---- Random numbers --------------------------------------------------------------------------

/// SplitMix64 finaliser: mixes a seed with stream numbers into an independent seed.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for one stream (`tag`) and position (`a`, `b`) of a seed.
fn rng_for(seed: u64, tag: u64, a: u64, b: u64) -> Rng {
    let s = mix(mix(mix(seed ^ mix(tag)) ^ a) ^ b);
    Rng(ChaCha8Rng::seed_from_u64(s))
}

struct Rng(ChaCha8Rng);

impl Rng {
    /// Uniform in `0..n` (n > 0), by rejection (no modulo bias).
    fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.0.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `share` / 10,000.
    fn chance(&mut self, share: u32) -> bool {
        self.below(u64::from(PER_10K)) < u64::from(share)
    }
    /// An index drawn in proportion to the weights (total > 0).
    fn weighted<T>(&mut self, items: &[(T, u32)]) -> usize {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, (_, w)) in items.iter().enumerate() {
            if r < u64::from(*w) {
                return i;
            }
            r -= u64::from(*w);
        }
        items.len() - 1
    }
}

// ---- Generation ------------------------------------------------------------------------------

const TAG_PROVIDERS: u64 = 1;
const TAG_PERSON: u64 = 2;
const TAG_VISITS: u64 = 3;
/// Reviews of people and of held claims come from their own streams, so adding them left every
/// other figure of a seed as it was.
const TAG_REVIEWS: u64 = 4;
const TAG_CLAIM_REVIEWS: u64 = 5;

fn check_weights<T>(field: &str, items: &[(T, u32)]) -> Result<(), GenerateError> {
    if items.iter().map(|(_, w)| u64::from(*w)).sum::<u64>() == 0 {
        return Err(err(field, "needs at least one entry with a weight above 0"));
    }
    Ok(())
}

fn check_share(field: &str, v: u32) -> Result<(), GenerateError> {
    if v > PER_10K {
        return Err(err(
            field,
            format!("{v} is more than 10000; a share is in parts per 10,000"),
        ));
    }
    Ok(())
}

fn previous_month_start(first: Date) -> Date {
    let (y, m) = if first.month() == Month::January {
        (first.year() - 1, Month::December)
    } else {
        (first.year(), first.month().previous())
    };
    Date::from_calendar_date(y, m, 1).unwrap_or(first)
}

/// Checks the spec and proportions, naming the field at fault.
pub fn check_spec(spec: &GenerateSpec) -> Result<(), GenerateError> {
    if spec.people == 0 || spec.people > 1_000_000 {
        return Err(err("people", "must be 1 to 1,000,000"));
    }
    if spec.months == 0 || spec.months > 120 {
        return Err(err("months", "must be 1 to 120"));
    }
    if let VisitVolume::PerPersonMonth(r) = spec.visits {
        if u64::from(r) > GenerateSpec::MAX_VISITS_PER_PERSON_MONTH {
            return Err(err(
                "visits",
                format!(
                    "{r} visits a person-month is more than {}; give fewer",
                    GenerateSpec::MAX_VISITS_PER_PERSON_MONTH
                ),
            ));
        }
    }
    let p = &spec.proportions;
    check_weights("proportions.target_groups", &p.target_groups)?;
    check_weights("proportions.municipalities", &p.municipalities)?;
    check_weights("proportions.child_levels", &p.child_levels)?;
    check_weights("proportions.adult_levels", &p.adult_levels)?;
    check_weights("proportions.child_living", &p.child_living)?;
    check_weights("proportions.adult_living", &p.adult_living)?;
    check_weights(
        "proportions.support_person_levels",
        &p.support_person_levels,
    )?;
    check_weights("proportions.goal_attainment", &p.goal_attainment)?;
    if p.held_review_days == 0 || p.held_review_days > 365 {
        return Err(err(
            "proportions.held_review_days",
            format!("{} is not allowed; give 1 to 365 days", p.held_review_days),
        ));
    }
    for (f, v) in [
        ("proportions.support_person", p.support_person),
        (
            "proportions.extra_service_available",
            p.extra_service_available,
        ),
        (
            "proportions.budget_service_available",
            p.budget_service_available,
        ),
        ("proportions.not_received", p.not_received),
        ("proportions.start_in_first_month", p.start_in_first_month),
        ("proportions.claims_refused", p.claims_refused),
        ("proportions.claims_shorter", p.claims_shorter),
        ("proportions.visits_disputed", p.visits_disputed),
        ("proportions.visits_confirmed", p.visits_confirmed),
        ("proportions.reviews_on_time", p.reviews_on_time),
        ("proportions.held_reviewed", p.held_reviewed),
        ("proportions.held_approved", p.held_approved),
    ] {
        check_share(f, v)?;
    }
    for (code, v) in &p.child_extra_needs {
        check_share(&format!("proportions.child_extra_needs[{code}]"), *v)?;
    }
    if p.claims_refused + p.claims_shorter + p.visits_disputed > PER_10K {
        return Err(err(
            "proportions.claims_refused",
            "claims_refused + claims_shorter + visits_disputed must not exceed 10000",
        ));
    }
    Ok(())
}

/// The budget services the policies price on `on`, with the lowest tariff price of each (over
/// variants), found by computing every level and living situation of every group.
fn budget_service_prices(policies: &PolicySet, on: Date) -> BTreeMap<String, UnitPrice> {
    let mut out: BTreeMap<String, UnitPrice> = BTreeMap::new();
    for group in BudgetGroup::ALL {
        let Ok(policy) = policies.select(*group, on) else {
            continue;
        };
        for level in &policy.levels {
            for living in LivingSituation::ALL {
                let outcome = Outcome {
                    group: *group,
                    level: Some(level.clone()),
                    living: Some(*living),
                    ratings: None,
                };
                if let Ok(b) = policies.compute(&outcome, on) {
                    for l in &b.lines {
                        let e = out.entry(l.service.clone()).or_insert(l.unit_price_eur);
                        if l.unit_price_eur < *e {
                            *e = l.unit_price_eur;
                        }
                    }
                }
            }
        }
    }
    out
}

/// Generates a population (everything but the visits, which are streamed: see
/// [`Population::visits`]). Every outcome is computed under `policies` on its period's first
/// day; a failure names the outcome and the policy's message.
pub fn generate(spec: &GenerateSpec, policies: &PolicySet) -> Result<Population, GenerateError> {
    check_spec(spec)?;
    let p = &spec.proportions;
    let months = spec.service_months();
    let first_day = months[0].from;

    let all_munis = builtin_municipalities().map_err(|e| err("municipalities", e.to_string()))?;
    let muni_by_code: BTreeMap<&str, &Municipality> =
        all_munis.iter().map(|m| (m.code.as_str(), m)).collect();
    for (code, _) in &p.municipalities {
        if !muni_by_code.contains_key(code.as_str()) {
            return Err(err(
                "proportions.municipalities",
                format!("\"{code}\" is not a municipality code of registry/municipalities.csv"),
            ));
        }
    }
    for (code, _) in &p.child_extra_needs {
        if policies.catalogue.get(code).is_none() {
            return Err(err(
                "proportions.child_extra_needs",
                format!("\"{code}\" is not a service of the catalogue"),
            ));
        }
    }
    let prices = budget_service_prices(policies, first_day);
    if prices.is_empty() {
        return Err(err(
            "as_of",
            format!(
                "no policy is in force on {first_day}, the first service month; give a later as_of"
            ),
        ));
    }

    // Providers: per municipality, one per 10,000 inhabitants (at least one); each service
    // available in the municipality is offered by one or two of them.
    let mut providers: Vec<GenProvider> = Vec::new();
    let mut offered: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    for (mi, (code, thousands)) in p.municipalities.iter().enumerate() {
        let m = muni_by_code[code.as_str()];
        let mut rng = rng_for(spec.seed, TAG_PROVIDERS, mi as u64, 0);
        let n = 1 + thousands / 10;
        let first_id = providers.len() as u32 + 1;
        for k in 0..n {
            let id = first_id + k;
            let bban = format!("HABA{:013}", 5_000_000_000 + u64::from(id));
            let iban = Iban::from_bban("LV", &bban)
                .map_err(|e| err("providers", e.to_string()))?
                .as_str()
                .to_owned();
            providers.push(GenProvider {
                id,
                register_no: format!("4000{:07}", id),
                name: format!(
                    "{} {}",
                    PROVIDER_NAMES[(id as usize) % PROVIDER_NAMES.len()],
                    m.name_lv
                ),
                municipality: code.clone(),
                iban,
                offers: BTreeMap::new(),
            });
        }
        let city = m.kind == MunicipalityKind::StateCity;
        let services = prices
            .iter()
            .map(|(s, price)| (s.clone(), *price, p.budget_service_available))
            .chain(p.child_extra_needs.iter().map(|(s, _)| {
                (
                    s.clone(),
                    UnitPrice::from_cents(EXTRA_SERVICE_PRICE_CENTS),
                    p.extra_service_available,
                )
            }));
        for (service, price, share) in services {
            if !(city || rng.chance(share)) {
                continue;
            }
            let how_many = if n > 1 && rng.chance(3_000) { 2 } else { 1 };
            let mut ids = Vec::new();
            for _ in 0..how_many {
                let id = first_id + rng.below(u64::from(n)) as u32;
                if !ids.contains(&id) {
                    ids.push(id);
                    providers[(id - 1) as usize]
                        .offers
                        .insert(service.clone(), price);
                }
            }
            offered.insert((code.clone(), service), ids);
        }
    }

    // People.
    let mut persons = Vec::with_capacity(spec.people as usize);
    let mut codes: BTreeSet<PersonalCode> = BTreeSet::new();
    let mut slot: u64 = 0;
    let child_policy = policies
        .select(BudgetGroup::ChildFt, first_day)
        .map_err(|e| err("as_of", e.to_string()))?;
    let adult_policy = policies
        .select(BudgetGroup::AdultGrt, first_day)
        .map_err(|e| err("as_of", e.to_string()))?;
    for i in 0..spec.people {
        let id = i + 1;
        let mut rng = rng_for(spec.seed, TAG_PERSON, u64::from(i), 0);
        let target_group = p.target_groups[rng.weighted(&p.target_groups)].0;
        let municipality = p.municipalities[rng.weighted(&p.municipalities)].0.clone();
        let start_month = if months.len() == 1 || rng.chance(p.start_in_first_month) {
            0
        } else {
            rng.range(1, months.len() as u64 - 1) as u32
        };
        let period_from = months[start_month as usize].from;
        // Budget periods: 12 months each from the start (a budget runs 6 to 12 months); the
        // last runs at least 6 months, into the future if the service months end sooner.
        let mut periods = Vec::new();
        let mut s = start_month as usize;
        while s < months.len() {
            let from = months[s].from;
            let len = (months.len() - s).min(12) as u32;
            let to = crate::review::add_months(from, len.max(6));
            periods.push(Period::new(from, to).map_err(|e| err("months", e.to_string()))?);
            s += 12;
        }
        // A child is under 18 at the last reassessment.
        let (min_age, max_age) = match target_group {
            TargetGroup::ChildFt => (1, 18 - periods.len() as u64),
            TargetGroup::AdultGrt => (18, 80),
        };
        // The assessment is on the first day of the month before the period. Age in whole
        // years that day (the 1st of a month, so the same day exists in every year): born
        // after `on_day(age + 1)` and on or before `on_day(age)`.
        let assessed_on = previous_month_start(period_from);
        let age = rng.range(min_age, max_age) as i32;
        let on_day = |years: i32| {
            Date::from_calendar_date(assessed_on.year() - years, assessed_on.month(), 1)
                .unwrap_or(assessed_on)
        };
        let hi = on_day(age);
        let earliest = on_day(age + 1) + Duration::days(1);
        let span = ((hi - earliest).whole_days() + 1).max(1) as u64;
        let birth_date = earliest + Duration::days(rng.below(span) as i64);
        let female = rng.chance(5_000);
        let (given_name, family_name) = name(&mut rng, female);
        let personal_code = loop {
            let c = personal_code_for(&mut rng, birth_date);
            if codes.insert(c) {
                break c;
            }
        };
        let (living, outcome) = match target_group {
            TargetGroup::ChildFt => {
                let living = p.child_living[rng.weighted(&p.child_living)].0;
                let level = &p.child_levels[rng.weighted(&p.child_levels)].0;
                let band = child_policy
                    .intensity
                    .iter()
                    .find(|b| &b.level == level)
                    .ok_or_else(|| {
                        err(
                            "proportions.child_levels",
                            format!(
                                "level \"{level}\" is not a level of {} v{}; its levels: {}",
                                child_policy.id,
                                child_policy.version,
                                child_policy.levels.join(", ")
                            ),
                        )
                    })?;
                let score =
                    rng.range(u64::from(band.min_score), u64::from(band.max_score.min(16))) as u8;
                let ratings = ratings_with_score(&mut rng, score);
                (
                    living,
                    Outcome {
                        group: BudgetGroup::ChildFt,
                        level: None,
                        living: Some(living),
                        ratings: Some(ratings),
                    },
                )
            }
            TargetGroup::AdultGrt => {
                let level = p.adult_levels[rng.weighted(&p.adult_levels)].0.clone();
                let mut living = p.adult_living[rng.weighted(&p.adult_living)].0;
                if let Err(of_level) = adult_policy.package_for(&level, Some(living)) {
                    // The level has no package for that living situation: redraw among those
                    // it has, by the same weights.
                    let allowed: Vec<(LivingSituation, u32)> = p
                        .adult_living
                        .iter()
                        .filter(|(l, w)| *w > 0 && of_level.iter().any(|k| k.living.contains(l)))
                        .copied()
                        .collect();
                    living = if allowed.is_empty() {
                        of_level
                            .iter()
                            .flat_map(|k| k.living.iter())
                            .next()
                            .copied()
                            .unwrap_or(living)
                    } else {
                        allowed[rng.weighted(&allowed)].0
                    };
                }
                (
                    living,
                    Outcome {
                        group: BudgetGroup::AdultGrt,
                        level: Some(level),
                        living: Some(living),
                        ratings: None,
                    },
                )
            }
        };
        let mut outcomes = vec![outcome];
        if target_group == TargetGroup::AdultGrt && rng.chance(p.support_person) {
            let level = p.support_person_levels[rng.weighted(&p.support_person_levels)]
                .0
                .clone();
            outcomes.push(Outcome {
                group: BudgetGroup::SupportPerson,
                level: Some(level),
                living: Some(living),
                ratings: None,
            });
        }
        let mut budgets = Vec::new();
        for (outcome, period) in periods
            .iter()
            .flat_map(|period| outcomes.iter().map(move |o| (o.clone(), *period)))
        {
            let period_from = period.from;
            let assessed_on = previous_month_start(period_from);
            let b = policies.compute(&outcome, period_from).map_err(|e| {
                err(
                    "proportions",
                    format!("the outcome {outcome:?} gives no budget on {period_from}: {e}"),
                )
            })?;
            let mut lines = budget_lines(&b, &municipality, &offered, &mut rng, p);
            if outcome.group == BudgetGroup::ChildFt {
                for (service, share) in &p.child_extra_needs {
                    if !rng.chance(*share) {
                        continue;
                    }
                    let unit = policies
                        .catalogue
                        .get(service)
                        .map(|t| t.unit)
                        .unwrap_or(Unit::Session);
                    let quantity = Quantity::whole(rng.range(2, 8) as u32);
                    let mut line = line_for(
                        service,
                        unit,
                        quantity,
                        FundingSource::Municipality,
                        offered.get(&(municipality.clone(), service.clone())),
                        &mut rng,
                        p,
                    );
                    line.unit_price = line
                        .provider
                        .and_then(|id| providers[(id - 1) as usize].offers.get(service).copied());
                    lines.push(line);
                }
            }
            budgets.push(GenBudget {
                assessed_on,
                period,
                level: b.level.clone(),
                monthly: b.total_eur,
                policy: (b.policy.id.clone(), b.policy.version.clone()),
                outcome,
                lines,
            });
        }
        let mut person = GenPerson {
            id,
            personal_code,
            given_name,
            family_name,
            birth_date,
            target_group,
            municipality,
            living,
            start_month,
            budgets,
            visit_slot_start: slot,
            reviews: Vec::new(),
        };
        person.reviews = reviews_of(&person, spec);
        person.visit_slot_start = slot;
        slot += (0..months.len())
            .filter(|&m| has_billable_in(&person, &months[m]))
            .count() as u64;
        persons.push(person);
    }
    let visit_total = match spec.visits {
        VisitVolume::Total(t) => t,
        VisitVolume::PerPersonMonth(r) => u64::from(r) * slot,
    };
    if slot > 0 && visit_total.div_ceil(slot) > GenerateSpec::MAX_VISITS_PER_PERSON_MONTH {
        return Err(err(
            "visits",
            format!(
                "{visit_total} visits over {slot} person-months is more than {} a person-month; give fewer visits or more people",
                GenerateSpec::MAX_VISITS_PER_PERSON_MONTH
            ),
        ));
    }
    Ok(Population {
        spec: spec.clone(),
        months,
        providers,
        persons,
        visit_slots: slot,
        visit_total: if slot == 0 { 0 } else { visit_total },
    })
}

/// The reviews of a person (from the person's own stream of [`TAG_REVIEWS`]): after each
/// assessment, the review falls due [`GenPerson::review_months`] later; it takes place (share
/// [`Proportions::reviews_on_time`]) when it falls before `as_of`, before the next budget's
/// reassessment, while the budgets assessed are in force, and (for a child) before the 18th
/// birthday; a review that takes place sets the next one. A review that does not take place
/// leaves the person overdue until the next reassessment.
fn reviews_of(person: &GenPerson, spec: &GenerateSpec) -> Vec<GenReview> {
    let p = &spec.proportions;
    let mut rng = rng_for(spec.seed, TAG_REVIEWS, u64::from(person.id), 0);
    let days: Vec<Date> = {
        let mut d: Vec<Date> = person.budgets.iter().map(|b| b.assessed_on).collect();
        d.dedup();
        d
    };
    let mut out = Vec::new();
    for (k, assessed) in days.iter().enumerate() {
        let assessed_together: Vec<usize> = (0..person.budgets.len())
            .filter(|&bi| person.budgets[bi].assessed_on == *assessed)
            .collect();
        let next_reassessment = days.get(k + 1).copied();
        let mut last = *assessed;
        loop {
            let due = add_months(last, person.review_months());
            if due >= spec.as_of
                || next_reassessment.is_some_and(|n| due >= n)
                || !assessed_together
                    .iter()
                    .all(|&bi| person.budgets[bi].period.contains(due))
                || (person.target_group == TargetGroup::ChildFt
                    && age_on(person.birth_date, due) >= 18)
                || !rng.chance(p.reviews_on_time)
            {
                break;
            }
            let goals = assessed_together
                .iter()
                .map(|&bi| {
                    let scores = PLAN_GOALS
                        .iter()
                        .map(|_| p.goal_attainment[rng.weighted(&p.goal_attainment)].0)
                        .collect();
                    (bi, scores)
                })
                .collect();
            out.push(GenReview {
                on: due,
                budgets: assessed_together.clone(),
                goals,
            });
            last = due;
        }
    }
    out
}

/// A plan line for a service needed in a municipality: needed but not available where no
/// provider offers it there; else received from one of the providers offering it (price left
/// for the caller), or now and then available but not received.
fn line_for(
    service: &str,
    unit: Unit,
    quantity: Quantity,
    funding: FundingSource,
    offered_by: Option<&Vec<u32>>,
    rng: &mut Rng,
    p: &Proportions,
) -> GenLine {
    match offered_by {
        Some(ids) if !ids.is_empty() => {
            let provider = ids[rng.below(ids.len() as u64) as usize];
            if rng.chance(p.not_received) {
                GenLine {
                    service: service.to_owned(),
                    unit,
                    quantity_per_month: quantity,
                    provider: None,
                    unit_price: None,
                    funding,
                    status: LineStatus::AvailableNotReceived,
                    barrier: Some(BARRIERS[rng.below(BARRIERS.len() as u64) as usize].to_owned()),
                }
            } else {
                GenLine {
                    service: service.to_owned(),
                    unit,
                    quantity_per_month: quantity,
                    provider: Some(provider),
                    unit_price: None,
                    funding,
                    status: LineStatus::Received,
                    barrier: None,
                }
            }
        }
        _ => GenLine {
            service: service.to_owned(),
            unit,
            quantity_per_month: quantity,
            provider: None,
            unit_price: None,
            funding,
            status: LineStatus::NeededNotAvailable,
            barrier: None,
        },
    }
}

/// The plan lines of a budget: one per service of the package (variants merged, so the
/// quantity is the package's and the price the lowest variant's: the plan never costs more
/// than the budget).
fn budget_lines(
    b: &ExplainedBudget,
    municipality: &str,
    offered: &BTreeMap<(String, String), Vec<u32>>,
    rng: &mut Rng,
    p: &Proportions,
) -> Vec<GenLine> {
    let mut merged: Vec<(String, Unit, Quantity)> = Vec::new();
    for l in &b.lines {
        if let Some(m) = merged.iter_mut().find(|m| m.0 == l.service) {
            m.2 = Quantity::from_milli(m.2.milli() + l.quantity.milli());
        } else {
            merged.push((l.service.clone(), l.unit, l.quantity));
        }
    }
    merged
        .into_iter()
        .map(|(service, unit, quantity)| {
            let ids = offered.get(&(municipality.to_owned(), service.clone()));
            let mut line = line_for(
                &service,
                unit,
                quantity,
                FundingSource::IndividualBudget,
                ids,
                rng,
                p,
            );
            if line.provider.is_some() {
                line.unit_price = b
                    .lines
                    .iter()
                    .filter(|l| l.service == service)
                    .map(|l| l.unit_price_eur)
                    .min();
            }
            line
        })
        .collect()
}

/// Four domain ratings (each 0-4) adding up to `score` (0-16).
fn ratings_with_score(rng: &mut Rng, score: u8) -> DomainRatings {
    let mut r = [0u8; 4];
    let mut left = score.min(16);
    while left > 0 {
        let open: Vec<usize> = (0..4).filter(|&i| r[i] < DomainRatings::MAX).collect();
        let i = open[rng.below(open.len() as u64) as usize];
        r[i] += 1;
        left -= 1;
    }
    DomainRatings {
        physical: r[0],
        intellectual: r[1],
        social: r[2],
        behaviour: r[3],
    }
}

/// A valid personal code for the birth date: old format (date, century, serial, check digit)
/// until 30 June 2017, new format (`32` and nine digits) after.
fn personal_code_for(rng: &mut Rng, birth: Date) -> PersonalCode {
    let text = if birth <= time::macros::date!(2017 - 06 - 30) {
        let century = match birth.year() {
            y if y < 1900 => 0,
            y if y < 2000 => 1,
            _ => 2,
        };
        let mut d = [0u8; 10];
        let day = birth.day();
        let month = u8::from(birth.month());
        let yy = (birth.year().rem_euclid(100)) as u8;
        let serial = rng.below(1000) as u16;
        d[0] = day / 10;
        d[1] = day % 10;
        d[2] = month / 10;
        d[3] = month % 10;
        d[4] = yy / 10;
        d[5] = yy % 10;
        d[6] = century;
        d[7] = (serial / 100) as u8;
        d[8] = ((serial / 10) % 10) as u8;
        d[9] = (serial % 10) as u8;
        let sum: u32 = d
            .iter()
            .zip([1u32, 6, 3, 7, 9, 10, 5, 8, 4, 2])
            .map(|(&x, w)| u32::from(x) * w)
            .sum();
        let check = ((1101 - sum) % 11) % 10;
        let mut s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        s.push(char::from(b'0' + check as u8));
        s
    } else {
        format!("32{:09}", rng.below(1_000_000_000))
    };
    // Built to the rules above; parsing checks them once more.
    PersonalCode::parse(&text).unwrap_or_else(|e| panic!("generated personal code {text}: {e}"))
}

const GIVEN_F: [&str; 16] = [
    "Anna",
    "Marta",
    "Elīza",
    "Sofija",
    "Emīlija",
    "Alise",
    "Laura",
    "Ieva",
    "Kristīne",
    "Inese",
    "Līga",
    "Zane",
    "Ilze",
    "Dace",
    "Agnese",
    "Santa",
];
const GIVEN_M: [&str; 16] = [
    "Jānis",
    "Andris",
    "Mārtiņš",
    "Roberts",
    "Kārlis",
    "Artūrs",
    "Emīls",
    "Markuss",
    "Dāvis",
    "Edgars",
    "Raitis",
    "Aigars",
    "Uldis",
    "Gints",
    "Toms",
    "Oskars",
];
/// Family names, masculine and feminine forms.
const FAMILY: [(&str, &str); 16] = [
    ("Bērziņš", "Bērziņa"),
    ("Kalniņš", "Kalniņa"),
    ("Ozoliņš", "Ozoliņa"),
    ("Jansons", "Jansone"),
    ("Ozols", "Ozola"),
    ("Liepiņš", "Liepiņa"),
    ("Krūmiņš", "Krūmiņa"),
    ("Balodis", "Balode"),
    ("Eglītis", "Eglīte"),
    ("Zariņš", "Zariņa"),
    ("Pētersons", "Pētersone"),
    ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"),
    ("Kārkliņš", "Kārkliņa"),
    ("Vanags", "Vanaga"),
    ("Lācis", "Lāce"),
];
const PROVIDER_NAMES: [&str; 6] = [
    "Biedrība \"Atbalsts\"",
    "SIA \"Rūpes\"",
    "Nodibinājums \"Cerība\"",
    "Biedrība \"Saules stars\"",
    "SIA \"Palīgs\"",
    "Sociālo pakalpojumu centrs",
];

fn name(rng: &mut Rng, female: bool) -> (String, String) {
    let given = if female {
        GIVEN_F[rng.below(GIVEN_F.len() as u64) as usize]
    } else {
        GIVEN_M[rng.below(GIVEN_M.len() as u64) as usize]
    };
    let (m, f) = FAMILY[rng.below(FAMILY.len() as u64) as usize];
    (given.to_owned(), if female { f } else { m }.to_owned())
}

// ---- Visits ----------------------------------------------------------------------------------

/// Whether the person has a budget in force on the month's first day with a billable line.
fn has_billable_in(person: &GenPerson, month: &Period) -> bool {
    person
        .budgets
        .iter()
        .any(|b| b.period.contains(month.from) && b.lines.iter().any(GenLine::is_billable))
}

impl Population {
    /// How many visits the person has in service month `month` (0 before the person's start or
    /// for a person with nothing billable).
    pub fn visit_count(&self, person: &GenPerson, month: usize) -> u64 {
        if month >= self.months.len() || !has_billable_in(person, &self.months[month]) {
            return 0;
        }
        let before = (0..month)
            .filter(|&m| has_billable_in(person, &self.months[m]))
            .count() as u64;
        let k = u128::from(person.visit_slot_start + before);
        let s = u128::from(self.visit_slots);
        let t = u128::from(self.visit_total);
        (((k + 1) * t / s) - (k * t / s)) as u64
    }

    /// The visits (with their claims) of one person in one service month, in time order. The
    /// same person-month always gives the same visits, whatever else is generated.
    pub fn visits_of(&self, person: &GenPerson, month: usize) -> Vec<GenVisit> {
        let n = self.visit_count(person, month);
        if n == 0 {
            return Vec::new();
        }
        let p = &self.spec.proportions;
        let mut rng = rng_for(
            self.spec.seed,
            TAG_VISITS,
            u64::from(person.id),
            month as u64,
        );
        let period = self.months[month];
        let first = period.from;
        let days_in_month = period.days().unwrap_or(28).max(1) as u64;
        // The billable lines, with their weight (a month's quantity in thousandths).
        let billable: Vec<(usize, usize, &GenLine)> = person
            .budgets
            .iter()
            .enumerate()
            .filter(|(_, b)| b.period.contains(first))
            .flat_map(|(bi, b)| {
                b.lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.is_billable())
                    .map(move |(li, l)| (bi, li, l))
            })
            .collect();
        // Spread n visits over the lines: one each first (while there are visits), the rest in
        // proportion to the lines' time (hours count as they are, days as 6 hours).
        let weight = |l: &GenLine| -> u64 {
            let m = l.quantity_per_month.milli().max(1);
            match l.unit {
                Unit::Hour => m,
                _ => m * 6,
            }
        };
        let mut counts = vec![0u64; billable.len()];
        let mut left = n;
        for c in counts.iter_mut() {
            if left == 0 {
                break;
            }
            *c = 1;
            left -= 1;
        }
        let total_w: u64 = billable.iter().map(|(_, _, l)| weight(l)).sum();
        let mut given = 0;
        for (i, (_, _, l)) in billable.iter().enumerate() {
            let share = u128::from(left) * u128::from(weight(l)) / u128::from(total_w);
            counts[i] += share as u64;
            given += share as u64;
        }
        let mut i = 0;
        let lines = counts.len();
        while given < left {
            counts[i % lines] += 1;
            given += 1;
            i += 1;
        }
        // Each claim's amount is rounded to the cent on its own, so a month's claims on a line
        // can come to a few cents more than the line's monthly cost (rounded once), and a plan
        // that spends its whole budget would then run over the allocation in the budget's last
        // month: the over-balance claim would be refused though generated as approved. Where a
        // budget's month would come to more than its monthly amount, each line's per-visit
        // quantity is cut by the least step (a thousandth of a unit, or a minute) until the
        // line's month of claims stays within its monthly cost. Other months are untouched.
        let cuts = over_budget_cuts(person, &billable, &counts);
        let mut out = Vec::with_capacity(n as usize);
        for (idx, (bi, li, line)) in billable.iter().enumerate() {
            let c = counts[idx];
            if c == 0 {
                continue;
            }
            let cut = cuts[idx];
            let provider = line.provider.unwrap_or(0);
            let price = line.unit_price.unwrap_or(UnitPrice::from_cents(0));
            let specialist = format!("S{}-{}-{}", person.id, bi, li);
            let q_milli = line.quantity_per_month.milli();
            for v in 0..c {
                // Spread over the month's days, in order; several on one day take later hours.
                let day = (v * days_in_month) / c;
                let same_day_rank = v - (day * c).div_ceil(days_in_month);
                let date = first + Duration::days(day as i64);
                let (quantity, start_t, minutes) = match line.unit {
                    Unit::Hour => {
                        let per_visit_min = (q_milli * 60 / 1000 / c).clamp(1, 600);
                        let start_h = (8 + same_day_rank * ((per_visit_min / 60) + 1)).min(23);
                        let billed = visit_quantity(line, c, cut).1;
                        (hours_from_minutes(billed as u32), start_h, billed as i64)
                    }
                    Unit::DayAndNight => (visit_quantity(line, c, cut).0, 9, 24 * 60 - 1),
                    Unit::Night => (visit_quantity(line, c, cut).0, 21, 10 * 60),
                    _ => (visit_quantity(line, c, cut).0, 9, 6 * 60),
                };
                let start = PrimitiveDateTime::new(
                    date,
                    Time::from_hms(start_t as u8, 0, 0).unwrap_or(Time::MIDNIGHT),
                );
                let mut end = start + Duration::minutes(minutes);
                let roll = rng.below(u64::from(PER_10K)) as u32;
                let mut confirmation = if rng.chance(p.visits_confirmed) {
                    Confirmation::Confirmed
                } else {
                    Confirmation::Unconfirmed
                };
                let mut unit_price = price;
                let fate = if roll < p.claims_refused {
                    unit_price =
                        UnitPrice::from_e4(price.to_e4() + price.to_e4() / 10 + 1).unwrap_or(price);
                    ClaimFate::Refused(RefusalCode::PriceAboveAgreement)
                } else if roll < p.claims_refused + p.claims_shorter
                    && line.unit == Unit::Hour
                    && minutes >= 3
                {
                    // Delivered two thirds of what is billed.
                    end = start + Duration::minutes(minutes * 2 / 3);
                    ClaimFate::Held(AnomalyCode::VisitShorterThanBilled)
                } else if roll < p.claims_refused + p.claims_shorter + p.visits_disputed {
                    confirmation = Confirmation::Disputed {
                        reason: "Pakalpojums netika sniegts norādītajā laikā".to_owned(),
                    };
                    ClaimFate::Held(AnomalyCode::DisputedVisit)
                } else {
                    ClaimFate::Approved
                };
                let method = match rng.below(10) {
                    0..=5 => CheckInMethod::Card,
                    6..=8 => CheckInMethod::Code,
                    _ => CheckInMethod::Manual,
                };
                let kind = if line.service == "group-sessions" {
                    SessionKind::Group
                } else {
                    SessionKind::Individual
                };
                out.push(GenVisit {
                    person: person.id,
                    budget: *bi,
                    line: *li,
                    provider,
                    specialist: specialist.clone(),
                    start,
                    end,
                    kind,
                    method,
                    confirmation,
                    service_date: date,
                    quantity,
                    unit_price,
                    fate,
                    review: None,
                });
            }
        }
        out.sort_by(|a, b| a.start.cmp(&b.start).then(a.line.cmp(&b.line)));
        // Reviews of the held claims, from their own stream, in time order.
        let mut reviews = rng_for(
            self.spec.seed,
            TAG_CLAIM_REVIEWS,
            u64::from(person.id),
            month as u64,
        );
        for v in out
            .iter_mut()
            .filter(|v| matches!(v.fate, ClaimFate::Held(_)))
        {
            let reviewed = reviews.chance(p.held_reviewed);
            let days = reviews.range(1, u64::from(p.held_review_days.max(1)));
            let approve = reviews.chance(p.held_approved);
            let on = v.service_date + Duration::days(days as i64);
            if reviewed && on < self.spec.as_of {
                v.review = Some(GenClaimReview { on, approve });
            }
        }
        out
    }

    /// Every visit of the population, person by person and month by month, generated as it is
    /// read (nothing held but one person-month).
    pub fn visits(&self) -> impl Iterator<Item = GenVisit> + '_ {
        self.persons.iter().flat_map(move |person| {
            (0..self.months.len()).flat_map(move |m| self.visits_of(person, m))
        })
    }
}

/// The quantity billed by each of `c` visits on a line in a month, cut by `cut` least steps
/// (never below the least step), and for hours the minutes it stands for.
fn visit_quantity(line: &GenLine, c: u64, cut: u64) -> (Quantity, u64) {
    let q_milli = line.quantity_per_month.milli();
    match line.unit {
        Unit::Hour => {
            let minutes = (q_milli * 60 / 1000 / c).clamp(1, 600);
            let billed = minutes.saturating_sub(cut).max(1);
            (hours_from_minutes(billed as u32), billed)
        }
        _ => {
            let q = per_visit_units(q_milli, c).milli();
            (Quantity::from_milli(q.saturating_sub(cut).max(1)), 0)
        }
    }
}

/// For each billable line of a person-month (see [`Population::visits_of`]), how many least
/// steps to cut each visit's quantity by: zero, except on the lines of a budget whose month of
/// claims (each rounded to the cent) would come to more than its monthly amount; there, enough
/// that each line's claims stay within the line's monthly cost (the plan's cost, which the plan
/// check keeps within the monthly amount).
fn over_budget_cuts(
    person: &GenPerson,
    billable: &[(usize, usize, &GenLine)],
    counts: &[u64],
) -> Vec<u64> {
    let claims_of = |line: &GenLine, c: u64, cut: u64| -> i64 {
        let price = line.unit_price.unwrap_or(UnitPrice::from_cents(0));
        line_amount(price, visit_quantity(line, c, cut).0).cents() * c as i64
    };
    let mut cuts = vec![0u64; billable.len()];
    let budgets: BTreeSet<usize> = billable.iter().map(|(bi, _, _)| *bi).collect();
    for bi in budgets {
        let lines: Vec<usize> = (0..billable.len())
            .filter(|&i| billable[i].0 == bi && counts[i] > 0)
            .collect();
        let month: i64 = lines
            .iter()
            .map(|&i| claims_of(billable[i].2, counts[i], 0))
            .sum();
        if month <= person.budgets[bi].monthly.cents() {
            continue;
        }
        for i in lines {
            let line = billable[i].2;
            let price = line.unit_price.unwrap_or(UnitPrice::from_cents(0));
            let cap = line_amount(price, line.quantity_per_month).cents();
            while cuts[i] < 1_000 && claims_of(line, counts[i], cuts[i]) > cap {
                cuts[i] += 1;
            }
        }
    }
    cuts
}

/// A month's quantity split over `c` visits for a unit counted in days or nights: whole units
/// when there are at least as many as visits, else the share cut to thousandths (at least one
/// thousandth).
fn per_visit_units(q_milli: u64, c: u64) -> Quantity {
    let whole = q_milli / 1000;
    if whole >= c {
        Quantity::whole((whole / c) as u32)
    } else {
        Quantity::from_milli((q_milli / c).max(1))
    }
}

/// The share `part / whole` in parts per 10,000 (cut down; 0 when `whole` is 0), for reports
/// and tests.
pub fn per_10k(part: u64, whole: u64) -> u64 {
    (part * u64::from(PER_10K)).checked_div(whole).unwrap_or(0)
}
