//! Needs assessment (vajadzību izvērtēšana): a child's four domains by age group with the
//! instruments, team, pre-assessment and consultations of the DI methodology (seed 000,
//! L3547-3706); an adult's care level I-IV with the domains it rests on; the support person's
//! level 1-3. Every assessment has a date and a next-review date; a signed assessment is never
//! edited, only superseded.
//!
//! Indices in field paths (`instruments[1].instrument`) count from 0, as in the JSON arrays.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::field::FieldError;
use crate::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome};
use crate::registry::{age_on, coded, date_field, optional_text, required_text};
use crate::review::add_months;

crate::coded_enum!(
    /// The age groups of the children's assessment (seed 000, L3670-3680), all inclusive, in
    /// whole years of age: 0-1 is up to 11 months 30 days (age 0), 1-3 from the first
    /// birthday to the day before the fourth, and so on to 12-17.
    AgeGroup, "age_group", {
        /// Up to 11 months 30 days.
        UpTo1 = "0-1",
        /// 1 to 3 years.
        From1To3 = "1-3",
        /// 4 to 6 years.
        From4To6 = "4-6",
        /// 7 to 11 years.
        From7To11 = "7-11",
        /// 12 to 17 years.
        From12To17 = "12-17",
    }
);

impl AgeGroup {
    /// The age group of a child born on `birth` on the day `on`; `None` from the 18th
    /// birthday on, or for a day before birth.
    pub fn of(birth: Date, on: Date) -> Option<AgeGroup> {
        if on < birth {
            return None;
        }
        match age_on(birth, on) {
            0 => Some(AgeGroup::UpTo1),
            1..=3 => Some(AgeGroup::From1To3),
            4..=6 => Some(AgeGroup::From4To6),
            7..=11 => Some(AgeGroup::From7To11),
            12..=17 => Some(AgeGroup::From12To17),
            _ => None,
        }
    }
}

crate::coded_enum!(
    /// The instruments the methodology recommends, each for an age range (seed 000,
    /// L3628-3654).
    Instrument, "instrument", {
        /// Munich Functional Developmental Diagnostics, ages 0-3.
        Mfad = "mfad",
        /// Pediatric Evaluation of Disability Inventory, ages 4-7.
        Pedi = "pedi",
        /// Woodcock-Johnson Tests of Cognitive Abilities, ages 3-18.
        WoodcockJohnson = "woodcock-johnson",
        /// Adaptive Behavior Assessment System II, ages 4-18.
        AbasII = "abas-ii",
        /// Barthel (activities of daily living) scale, ages 0-18.
        Barthel = "barthel",
    }
);

impl Instrument {
    /// The ages, in whole years and inclusive, the instrument is for.
    pub fn age_range(self) -> (i32, i32) {
        match self {
            Instrument::Mfad => (0, 3),
            Instrument::Pedi => (4, 7),
            Instrument::WoodcockJohnson => (3, 18),
            Instrument::AbasII => (4, 18),
            Instrument::Barthel => (0, 18),
        }
    }

    /// Whether the instrument is for a child of `years` whole years.
    pub fn fits_age(self, years: i32) -> bool {
        let (lo, hi) = self.age_range();
        (lo..=hi).contains(&years)
    }

    /// Latvian name, as the methodology gives it.
    pub fn name_lv(self) -> &'static str {
        match self {
            Instrument::Mfad => "Minhenes funkcionālās attīstības diagnostika (MFAD)",
            Instrument::Pedi => "Bērnu prasmju novērtējums (PEDI)",
            Instrument::WoodcockJohnson => "Vudkoka-Džonsona kognitīvo spēju tests",
            Instrument::AbasII => "ABAS-II Adaptīvo spēju un prasmju izvērtējums",
            Instrument::Barthel => "Bartela skala",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Instrument::Mfad => "Munich Functional Developmental Diagnostics (MFAD)",
            Instrument::Pedi => "Pediatric Evaluation of Disability Inventory (PEDI)",
            Instrument::WoodcockJohnson => "Woodcock-Johnson Tests of Cognitive Abilities",
            Instrument::AbasII => "Adaptive Behavior Assessment System II (ABAS-II)",
            Instrument::Barthel => "Barthel scale (activities of daily living)",
        }
    }
}

/// The instruments for a child of `years` whole years, in the order of [`Instrument::ALL`].
pub fn instruments_for_age(years: i32) -> Vec<Instrument> {
    Instrument::ALL
        .iter()
        .copied()
        .filter(|i| i.fits_age(years))
        .collect()
}

crate::coded_enum!(
    /// A member of the assessment team (seed 000, L3596-3608).
    TeamRole, "role", {
        /// Social worker (required).
        SocialWorker = "social-worker",
        /// Psychologist, preferably clinical (required).
        Psychologist = "psychologist",
        /// Occupational therapist (required).
        OccupationalTherapist = "occupational-therapist",
        /// Physiotherapist, where the child needs one (optional).
        Physiotherapist = "physiotherapist",
    }
);

impl TeamRole {
    /// The roles every child's assessment team must include.
    pub const REQUIRED: [TeamRole; 3] = [
        TeamRole::SocialWorker,
        TeamRole::Psychologist,
        TeamRole::OccupationalTherapist,
    ];

    /// Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            TeamRole::SocialWorker => "sociālais darbinieks",
            TeamRole::Psychologist => "psihologs",
            TeamRole::OccupationalTherapist => "ergoterapeits",
            TeamRole::Physiotherapist => "fizioterapeits",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            TeamRole::SocialWorker => "social worker",
            TeamRole::Psychologist => "psychologist",
            TeamRole::OccupationalTherapist => "occupational therapist",
            TeamRole::Physiotherapist => "physiotherapist",
        }
    }
}

crate::coded_enum!(
    /// The domains an adult's care level rests on.
    AdultDomain, "domain", {
        /// Health.
        Health = "health",
        /// Self-care.
        SelfCare = "self-care",
        /// Communication.
        Communication = "communication",
        /// Daily living.
        DailyLiving = "daily-living",
    }
);

crate::coded_enum!(
    /// An adult's care level (aprūpes līmenis), I (least) to IV (most) (seed 001).
    CareLevel, "care_level", {
        /// Level I.
        I = "I",
        /// Level II.
        II = "II",
        /// Level III.
        III = "III",
        /// Level IV.
        IV = "IV",
    }
);

crate::coded_enum!(
    /// The support person's level (seed 004): 1 up to 7.5, 2 up to 20, 3 up to 37 hours a month.
    SupportLevel, "level", {
        /// Level 1.
        L1 = "1",
        /// Level 2.
        L2 = "2",
        /// Level 3.
        L3 = "3",
    }
);

crate::coded_enum!(
    /// Where a child's assessment took place.
    AssessmentPlace, "place", {
        /// At the child's home.
        Home = "home",
        /// Elsewhere.
        Elsewhere = "elsewhere",
    }
);

crate::coded_enum!(
    /// Where an assessment is in its life: a signed assessment is never edited, only
    /// superseded by a new one.
    AssessmentStatus, "status", {
        /// Being recorded; may be edited.
        Draft = "draft",
        /// Signed by the assessors; final.
        Signed = "signed",
        /// Replaced by a later assessment.
        Superseded = "superseded",
    }
);

/// Whether an assessment in `status` may be edited: only a draft.
pub fn can_edit(status: AssessmentStatus) -> bool {
    status == AssessmentStatus::Draft
}

/// How many months after a child's assessment the next review is due by default.
pub const CHILD_REVIEW_MONTHS: u32 = 6;
/// How many months after an adult's or support assessment the next review is due by default.
pub const ADULT_REVIEW_MONTHS: u32 = 12;

// ---- Inputs ---------------------------------------------------------------------------------

/// A rating on the 0-4 scale with a note, as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 0 none, 1 mild, 2 moderate, 3 severe, 4 complete difficulty.
    pub rating: u8,
    /// What the rating rests on.
    #[serde(default)]
    pub note: String,
}

/// A child's four domain ratings as submitted; each is required (a missing one is reported
/// as `ratings.<domain>`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChildRatingsInput {
    /// Physical development.
    #[serde(default)]
    pub physical: Option<RatingInput>,
    /// Intellectual development.
    #[serde(default)]
    pub intellectual: Option<RatingInput>,
    /// Social skills.
    #[serde(default)]
    pub social: Option<RatingInput>,
    /// Behaviour.
    #[serde(default)]
    pub behaviour: Option<RatingInput>,
}

/// An instrument's result as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentResultInput {
    /// `mfad`, `pedi`, `woodcock-johnson`, `abas-ii` or `barthel`.
    pub instrument: String,
    /// The result, as the instrument reports it.
    pub result: String,
}

/// A member of the assessment team as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamMemberInput {
    /// `social-worker`, `psychologist`, `occupational-therapist` or `physiotherapist`.
    pub role: String,
    /// Full name.
    pub name: String,
}

/// The pre-assessment form filled with the parent, as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreAssessmentInput {
    /// The type of impairment (required).
    #[serde(default)]
    pub impairment_type: String,
    /// Technical aids the child uses.
    #[serde(default)]
    pub technical_aids: String,
    /// Education: kindergarten, school, form of learning.
    #[serde(default)]
    pub education: String,
}

/// A consultation held to prepare the assessment, as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    /// What it was about.
    pub topic: String,
    /// How long, in minutes (1-600).
    pub minutes: u32,
}

/// A child's assessment as submitted, not yet checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChildAssessmentInput {
    /// Date of the assessment, YYYY-MM-DD.
    pub assessed_on: String,
    /// The four domain ratings.
    #[serde(default)]
    pub ratings: ChildRatingsInput,
    /// Instrument results.
    #[serde(default)]
    pub instruments: Vec<InstrumentResultInput>,
    /// The team.
    #[serde(default)]
    pub team: Vec<TeamMemberInput>,
    /// The pre-assessment form.
    #[serde(default)]
    pub pre_assessment: PreAssessmentInput,
    /// `home` or `elsewhere`.
    pub place: String,
    /// Consultations held and their length.
    #[serde(default)]
    pub consultations: Vec<ConsultationInput>,
    /// The next review, YYYY-MM-DD; by default 6 months after the assessment.
    #[serde(default)]
    pub next_review_on: Option<String>,
}

/// An adult's domains as submitted; each is required.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdultDomainsInput {
    /// Health.
    #[serde(default)]
    pub health: Option<RatingInput>,
    /// Self-care.
    #[serde(default)]
    pub self_care: Option<RatingInput>,
    /// Communication.
    #[serde(default)]
    pub communication: Option<RatingInput>,
    /// Daily living.
    #[serde(default)]
    pub daily_living: Option<RatingInput>,
}

/// An adult's care-level assessment as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdultAssessmentInput {
    /// Date of the assessment, YYYY-MM-DD.
    pub assessed_on: String,
    /// `I`, `II`, `III` or `IV`.
    pub care_level: String,
    /// The domains the level rests on.
    #[serde(default)]
    pub domains: AdultDomainsInput,
    /// Why this level (required).
    #[serde(default)]
    pub rationale: String,
    /// The next review, YYYY-MM-DD; by default 12 months after the assessment.
    #[serde(default)]
    pub next_review_on: Option<String>,
}

/// A support-person level assessment as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupportAssessmentInput {
    /// Date of the assessment, YYYY-MM-DD.
    pub assessed_on: String,
    /// `1`, `2` or `3`.
    pub level: String,
    /// Why this level (required).
    #[serde(default)]
    pub rationale: String,
    /// The next review, YYYY-MM-DD; by default 12 months after the assessment.
    #[serde(default)]
    pub next_review_on: Option<String>,
}

/// Any assessment as submitted, tagged by `kind`: `child`, `adult` or `support`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AssessmentInput {
    /// A child's assessment.
    Child(ChildAssessmentInput),
    /// An adult's care-level assessment.
    Adult(AdultAssessmentInput),
    /// A support-person level assessment.
    Support(SupportAssessmentInput),
}

impl AssessmentInput {
    /// Checks the assessment of a person born on `birth_date`; `today` is the date in Riga.
    pub fn check(&self, birth_date: Date, today: Date) -> Result<Assessment, Vec<FieldError>> {
        match self {
            AssessmentInput::Child(i) => i.check(birth_date, today).map(Assessment::Child),
            AssessmentInput::Adult(i) => i.check(birth_date, today).map(Assessment::Adult),
            AssessmentInput::Support(i) => i.check(birth_date, today).map(Assessment::Support),
        }
    }
}

// ---- Checked types --------------------------------------------------------------------------

/// A rating on the 0-4 scale with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rated {
    /// 0-4.
    pub rating: u8,
    /// What it rests on.
    pub note: String,
}

/// The notes behind a child's four ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainNotes {
    /// Physical development.
    pub physical: String,
    /// Intellectual development.
    pub intellectual: String,
    /// Social skills.
    pub social: String,
    /// Behaviour.
    pub behaviour: String,
}

/// An instrument's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentResult {
    /// The instrument.
    pub instrument: Instrument,
    /// The result.
    pub result: String,
}

/// A member of the assessment team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Their role.
    pub role: TeamRole,
    /// Their name.
    pub name: String,
}

/// The pre-assessment form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAssessment {
    /// Type of impairment.
    pub impairment_type: String,
    /// Technical aids.
    pub technical_aids: String,
    /// Education.
    pub education: String,
}

/// A consultation held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    /// What it was about.
    pub topic: String,
    /// Minutes, 1-600.
    pub minutes: u32,
}

/// A child's assessment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildAssessment {
    /// Date of the assessment.
    pub assessed_on: Date,
    /// The child's age in whole years that day.
    pub age_years: i32,
    /// The child's age group that day.
    pub age_group: AgeGroup,
    /// The four domain ratings.
    pub ratings: DomainRatings,
    /// The notes behind them.
    pub notes: DomainNotes,
    /// Instrument results.
    pub instruments: Vec<InstrumentResult>,
    /// The team.
    pub team: Vec<TeamMember>,
    /// The pre-assessment form.
    pub pre_assessment: PreAssessment,
    /// Where it took place.
    pub place: AssessmentPlace,
    /// Consultations held.
    pub consultations: Vec<Consultation>,
    /// The next review.
    pub next_review_on: Date,
}

impl ChildAssessment {
    /// The total length of the consultations, in minutes.
    pub fn consultation_minutes(&self) -> u32 {
        self.consultations.iter().map(|c| c.minutes).sum()
    }
}

/// An adult's domains, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdultDomains {
    /// Health.
    pub health: Rated,
    /// Self-care.
    pub self_care: Rated,
    /// Communication.
    pub communication: Rated,
    /// Daily living.
    pub daily_living: Rated,
}

impl AdultDomains {
    /// The ratings by domain.
    pub fn by_domain(&self) -> [(AdultDomain, &Rated); 4] {
        [
            (AdultDomain::Health, &self.health),
            (AdultDomain::SelfCare, &self.self_care),
            (AdultDomain::Communication, &self.communication),
            (AdultDomain::DailyLiving, &self.daily_living),
        ]
    }
}

/// An adult's care-level assessment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdultAssessment {
    /// Date of the assessment.
    pub assessed_on: Date,
    /// The care level.
    pub care_level: CareLevel,
    /// The domains it rests on.
    pub domains: AdultDomains,
    /// Why this level.
    pub rationale: String,
    /// The next review.
    pub next_review_on: Date,
}

/// A support-person level assessment, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportAssessment {
    /// Date of the assessment.
    pub assessed_on: Date,
    /// The level.
    pub level: SupportLevel,
    /// Why this level.
    pub rationale: String,
    /// The next review.
    pub next_review_on: Date,
}

/// Any checked assessment, tagged by `kind`: `child`, `adult` or `support`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Assessment {
    /// A child's assessment.
    Child(ChildAssessment),
    /// An adult's care-level assessment.
    Adult(AdultAssessment),
    /// A support-person level assessment.
    Support(SupportAssessment),
}

impl Assessment {
    /// What the assessment decides for the budget: a child's ratings (the policy derives the
    /// level), an adult's care level (group `adult-grt`), or the support level (group
    /// `support-person`), with the person's living situation.
    pub fn outcome(&self, living: Option<LivingSituation>) -> Outcome {
        match self {
            Assessment::Child(c) => Outcome {
                group: BudgetGroup::ChildFt,
                level: None,
                living,
                ratings: Some(c.ratings),
            },
            Assessment::Adult(a) => Outcome {
                group: BudgetGroup::AdultGrt,
                level: Some(a.care_level.code().to_owned()),
                living,
                ratings: None,
            },
            Assessment::Support(s) => Outcome {
                group: BudgetGroup::SupportPerson,
                level: Some(s.level.code().to_owned()),
                living,
                ratings: None,
            },
        }
    }

    /// The date of the assessment.
    pub fn assessed_on(&self) -> Date {
        match self {
            Assessment::Child(c) => c.assessed_on,
            Assessment::Adult(a) => a.assessed_on,
            Assessment::Support(s) => s.assessed_on,
        }
    }

    /// The date of the next review.
    pub fn next_review_on(&self) -> Date {
        match self {
            Assessment::Child(c) => c.next_review_on,
            Assessment::Adult(a) => a.next_review_on,
            Assessment::Support(s) => s.next_review_on,
        }
    }

    /// `child`, `adult` or `support`.
    pub fn kind(&self) -> &'static str {
        match self {
            Assessment::Child(_) => "child",
            Assessment::Adult(_) => "adult",
            Assessment::Support(_) => "support",
        }
    }
}

// ---- Checks ---------------------------------------------------------------------------------

/// The assessment date: a date, not in the future, not before birth.
fn assessed_on_field(
    value: &str,
    birth_date: Date,
    today: Date,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    let d = date_field("assessed_on", value, errors)?;
    if d > today {
        errors.push(FieldError::new(
            "assessed_on",
            format!("{d} is in the future (today is {today})"),
        ));
        return None;
    }
    if d < birth_date {
        errors.push(FieldError::new(
            "assessed_on",
            format!("{d} is before the person's birth on {birth_date}"),
        ));
        return None;
    }
    Some(d)
}

/// The next review: given (and after the assessment) or `default_months` after it.
fn next_review_field(
    value: Option<&str>,
    assessed_on: Option<Date>,
    default_months: u32,
    errors: &mut Vec<FieldError>,
) -> Option<Date> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => assessed_on.map(|a| add_months(a, default_months)),
        Some(s) => {
            let d = date_field("next_review_on", s, errors)?;
            if let Some(a) = assessed_on {
                if d <= a {
                    errors.push(FieldError::new(
                        "next_review_on",
                        format!("{d} must be after the assessment on {a}"),
                    ));
                    return None;
                }
            }
            Some(d)
        }
    }
}

/// A required rating with its note, under `field` (`ratings.physical`).
fn rated(field: &str, input: Option<&RatingInput>, errors: &mut Vec<FieldError>) -> Option<Rated> {
    let Some(r) = input else {
        errors.push(FieldError::new(
            field,
            "is required (a rating 0-4 with a note)",
        ));
        return None;
    };
    let note =
        optional_text(&format!("{field}.note"), Some(&r.note), 2000, errors).unwrap_or_default();
    if r.rating > DomainRatings::MAX {
        errors.push(FieldError::new(
            format!("{field}.rating"),
            format!(
                "{} is not on the scale; allowed: 0, 1, 2, 3, 4 (none, mild, moderate, severe, complete)",
                r.rating
            ),
        ));
        return None;
    }
    Some(Rated {
        rating: r.rating,
        note,
    })
}

impl ChildAssessmentInput {
    /// Checks every field of a child's assessment; `birth_date` is the child's, `today` the
    /// date in Riga. Reports every problem at once, each with its field.
    pub fn check(&self, birth_date: Date, today: Date) -> Result<ChildAssessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let assessed_on = assessed_on_field(&self.assessed_on, birth_date, today, &mut errors);
        let age = assessed_on.map(|d| age_on(birth_date, d));
        let age_group = match (assessed_on, age) {
            (Some(d), Some(age)) => {
                let g = AgeGroup::of(birth_date, d);
                if g.is_none() {
                    errors.push(FieldError::new(
                        "assessed_on",
                        format!(
                            "on {d} the person is {age}; a child's assessment is for children under 18"
                        ),
                    ));
                }
                g
            }
            _ => None,
        };

        let r = &self.ratings;
        let physical = rated("ratings.physical", r.physical.as_ref(), &mut errors);
        let intellectual = rated("ratings.intellectual", r.intellectual.as_ref(), &mut errors);
        let social = rated("ratings.social", r.social.as_ref(), &mut errors);
        let behaviour = rated("ratings.behaviour", r.behaviour.as_ref(), &mut errors);

        let mut instruments = Vec::new();
        for (i, ir) in self.instruments.iter().enumerate() {
            let field = format!("instruments[{i}].instrument");
            let instrument = coded::<Instrument>(&field, &ir.instrument, &mut errors);
            if let (Some(ins), Some(age)) = (instrument, age) {
                if !ins.fits_age(age) {
                    let (lo, hi) = ins.age_range();
                    errors.push(FieldError::new(
                        field,
                        format!(
                            "{ins} is for ages {lo}-{hi}; the child is {age} on the day of the assessment (allowed at {age}: {})",
                            instruments_for_age(age)
                                .iter()
                                .map(|i| i.code())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            let result = required_text(
                &format!("instruments[{i}].result"),
                &ir.result,
                2000,
                &mut errors,
            );
            if let Some(instrument) = instrument {
                instruments.push(InstrumentResult { instrument, result });
            }
        }

        let mut team = Vec::new();
        for (i, m) in self.team.iter().enumerate() {
            let role = coded::<TeamRole>(&format!("team[{i}].role"), &m.role, &mut errors);
            let name = required_text(&format!("team[{i}].name"), &m.name, 200, &mut errors);
            if let Some(role) = role {
                team.push(TeamMember { role, name });
            }
        }
        let missing: Vec<&str> = TeamRole::REQUIRED
            .iter()
            .filter(|r| !team.iter().any(|m| m.role == **r))
            .map(|r| r.name_en())
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError::new(
                "team",
                format!(
                    "the team must include a social worker, a psychologist and an occupational therapist; missing: {}",
                    missing.join(", ")
                ),
            ));
        }

        let p = &self.pre_assessment;
        let pre_assessment = PreAssessment {
            impairment_type: required_text(
                "pre_assessment.impairment_type",
                &p.impairment_type,
                500,
                &mut errors,
            ),
            technical_aids: optional_text(
                "pre_assessment.technical_aids",
                Some(&p.technical_aids),
                2000,
                &mut errors,
            )
            .unwrap_or_default(),
            education: optional_text(
                "pre_assessment.education",
                Some(&p.education),
                2000,
                &mut errors,
            )
            .unwrap_or_default(),
        };

        let place = coded::<AssessmentPlace>("place", &self.place, &mut errors);

        let mut consultations = Vec::new();
        for (i, c) in self.consultations.iter().enumerate() {
            let topic = required_text(
                &format!("consultations[{i}].topic"),
                &c.topic,
                200,
                &mut errors,
            );
            if !(1..=600).contains(&c.minutes) {
                errors.push(FieldError::new(
                    format!("consultations[{i}].minutes"),
                    format!(
                        "{} is not allowed; a consultation lasts 1 to 600 minutes",
                        c.minutes
                    ),
                ));
            }
            consultations.push(Consultation {
                topic,
                minutes: c.minutes,
            });
        }

        let next_review_on = next_review_field(
            self.next_review_on.as_deref(),
            assessed_on,
            CHILD_REVIEW_MONTHS,
            &mut errors,
        );

        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            assessed_on,
            age,
            age_group,
            physical,
            intellectual,
            social,
            behaviour,
            place,
            next_review_on,
        ) {
            (
                Some(assessed_on),
                Some(age_years),
                Some(age_group),
                Some(ph),
                Some(it),
                Some(so),
                Some(be),
                Some(place),
                Some(next_review_on),
            ) => {
                let ratings = DomainRatings::new(ph.rating, it.rating, so.rating, be.rating)
                    .map_err(|e| {
                        vec![FieldError::new(
                            format!("ratings.{}", e.field),
                            e.to_string(),
                        )]
                    })?;
                Ok(ChildAssessment {
                    assessed_on,
                    age_years,
                    age_group,
                    ratings,
                    notes: DomainNotes {
                        physical: ph.note,
                        intellectual: it.note,
                        social: so.note,
                        behaviour: be.note,
                    },
                    instruments,
                    team,
                    pre_assessment,
                    place,
                    consultations,
                    next_review_on,
                })
            }
            _ => Err(vec![FieldError::new("(input)", "incomplete")]),
        }
    }
}

impl AdultAssessmentInput {
    /// Checks every field of an adult's care-level assessment; the next review defaults to
    /// 12 months after the assessment.
    pub fn check(&self, birth_date: Date, today: Date) -> Result<AdultAssessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let assessed_on = assessed_on_field(&self.assessed_on, birth_date, today, &mut errors);
        let care_level = coded::<CareLevel>("care_level", &self.care_level, &mut errors);
        let d = &self.domains;
        let health = rated("domains.health", d.health.as_ref(), &mut errors);
        let self_care = rated("domains.self_care", d.self_care.as_ref(), &mut errors);
        let communication = rated(
            "domains.communication",
            d.communication.as_ref(),
            &mut errors,
        );
        let daily_living = rated("domains.daily_living", d.daily_living.as_ref(), &mut errors);
        let rationale = required_text("rationale", &self.rationale, 4000, &mut errors);
        let next_review_on = next_review_field(
            self.next_review_on.as_deref(),
            assessed_on,
            ADULT_REVIEW_MONTHS,
            &mut errors,
        );
        match (
            assessed_on,
            care_level,
            health,
            self_care,
            communication,
            daily_living,
            next_review_on,
        ) {
            (
                Some(assessed_on),
                Some(care_level),
                Some(health),
                Some(self_care),
                Some(communication),
                Some(daily_living),
                Some(next_review_on),
            ) if errors.is_empty() => Ok(AdultAssessment {
                assessed_on,
                care_level,
                domains: AdultDomains {
                    health,
                    self_care,
                    communication,
                    daily_living,
                },
                rationale,
                next_review_on,
            }),
            _ => Err(errors),
        }
    }
}

impl SupportAssessmentInput {
    /// Checks every field of a support-person level assessment; the next review defaults to
    /// 12 months after the assessment.
    pub fn check(
        &self,
        birth_date: Date,
        today: Date,
    ) -> Result<SupportAssessment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let assessed_on = assessed_on_field(&self.assessed_on, birth_date, today, &mut errors);
        let level = coded::<SupportLevel>("level", &self.level, &mut errors);
        let rationale = required_text("rationale", &self.rationale, 4000, &mut errors);
        let next_review_on = next_review_field(
            self.next_review_on.as_deref(),
            assessed_on,
            ADULT_REVIEW_MONTHS,
            &mut errors,
        );
        match (assessed_on, level, next_review_on) {
            (Some(assessed_on), Some(level), Some(next_review_on)) if errors.is_empty() => {
                Ok(SupportAssessment {
                    assessed_on,
                    level,
                    rationale,
                    next_review_on,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn r(rating: u8) -> Option<RatingInput> {
        Some(RatingInput {
            rating,
            note: "observed at home".into(),
        })
    }

    fn member(role: &str, name: &str) -> TeamMemberInput {
        TeamMemberInput {
            role: role.into(),
            name: name.into(),
        }
    }

    fn child() -> ChildAssessmentInput {
        ChildAssessmentInput {
            assessed_on: "2026-08-31".into(),
            ratings: ChildRatingsInput {
                physical: r(3),
                intellectual: r(2),
                social: r(3),
                behaviour: r(2),
            },
            instruments: vec![
                InstrumentResultInput {
                    instrument: "abas-ii".into(),
                    result: "GAC 62".into(),
                },
                InstrumentResultInput {
                    instrument: "barthel".into(),
                    result: "75/100".into(),
                },
            ],
            team: vec![
                member("social-worker", "Ilze Kalniņa"),
                member("psychologist", "Pēteris Ozols"),
                member("occupational-therapist", "Līga Liepa"),
            ],
            pre_assessment: PreAssessmentInput {
                impairment_type: "movement".into(),
                technical_aids: "wheelchair".into(),
                education: "special school, 3rd form".into(),
            },
            place: "home".into(),
            consultations: vec![ConsultationInput {
                topic: "parents".into(),
                minutes: 90,
            }],
            next_review_on: None,
        }
    }

    const BIRTH: Date = date!(2017 - 05 - 10);
    const TODAY: Date = date!(2026 - 09 - 15);

    fn fields(errs: &[FieldError]) -> Vec<&str> {
        errs.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn age_group_boundaries() {
        let b = date!(2020 - 03 - 15);
        assert_eq!(AgeGroup::of(b, b), Some(AgeGroup::UpTo1));
        // 11 months 30 days.
        assert_eq!(
            AgeGroup::of(b, date!(2021 - 03 - 14)),
            Some(AgeGroup::UpTo1)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2021 - 03 - 15)),
            Some(AgeGroup::From1To3)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2024 - 03 - 14)),
            Some(AgeGroup::From1To3)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2024 - 03 - 15)),
            Some(AgeGroup::From4To6)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2027 - 03 - 14)),
            Some(AgeGroup::From4To6)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2027 - 03 - 15)),
            Some(AgeGroup::From7To11)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2032 - 03 - 14)),
            Some(AgeGroup::From7To11)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2032 - 03 - 15)),
            Some(AgeGroup::From12To17)
        );
        assert_eq!(
            AgeGroup::of(b, date!(2038 - 03 - 14)),
            Some(AgeGroup::From12To17)
        );
        assert_eq!(AgeGroup::of(b, date!(2038 - 03 - 15)), None);
        assert_eq!(AgeGroup::of(b, date!(2020 - 03 - 14)), None);
        // Born on a leap day: the first birthday in a common year is 1 March.
        let leap = date!(2024 - 02 - 29);
        assert_eq!(
            AgeGroup::of(leap, date!(2025 - 02 - 28)),
            Some(AgeGroup::UpTo1)
        );
        assert_eq!(
            AgeGroup::of(leap, date!(2025 - 03 - 01)),
            Some(AgeGroup::From1To3)
        );
        assert_eq!(
            AgeGroup::ALL.iter().map(|g| g.code()).collect::<Vec<_>>(),
            ["0-1", "1-3", "4-6", "7-11", "12-17"]
        );
    }

    #[test]
    fn instruments_per_age() {
        use Instrument::*;
        assert_eq!(instruments_for_age(0), [Mfad, Barthel]);
        assert_eq!(instruments_for_age(3), [Mfad, WoodcockJohnson, Barthel]);
        assert_eq!(
            instruments_for_age(4),
            [Pedi, WoodcockJohnson, AbasII, Barthel]
        );
        assert_eq!(
            instruments_for_age(7),
            [Pedi, WoodcockJohnson, AbasII, Barthel]
        );
        assert_eq!(instruments_for_age(8), [WoodcockJohnson, AbasII, Barthel]);
        assert_eq!(instruments_for_age(18), [WoodcockJohnson, AbasII, Barthel]);
        assert!(instruments_for_age(19).is_empty());
        assert!(instruments_for_age(-1).is_empty());
        assert_eq!("abas-ii".parse::<Instrument>().ok(), Some(AbasII));
    }

    #[test]
    fn a_good_child_assessment_passes() {
        let a = child().check(BIRTH, TODAY).unwrap();
        assert_eq!(a.age_years, 9);
        assert_eq!(a.age_group, AgeGroup::From7To11);
        assert_eq!(a.ratings.score(), 10);
        assert_eq!(a.next_review_on, date!(2027 - 02 - 28));
        assert_eq!(a.consultation_minutes(), 90);
        let whole = Assessment::Child(a);
        let o = whole.outcome(Some(LivingSituation::Family));
        assert_eq!(o.group, BudgetGroup::ChildFt);
        assert_eq!(o.ratings.map(|r| r.score()), Some(10));
        let json = serde_json::to_value(&whole).unwrap();
        assert_eq!(json["kind"], "child");
        assert_eq!(json["age_group"], "7-11");
        let back: Assessment = serde_json::from_value(json).unwrap();
        assert_eq!(back, whole);
    }

    #[test]
    fn every_child_refusal_names_its_field() {
        let mut i = child();
        i.ratings.intellectual = None;
        i.ratings.behaviour = r(5);
        i.instruments[0].instrument = "mfad".into();
        i.instruments.push(InstrumentResultInput {
            instrument: "iq".into(),
            result: String::new(),
        });
        i.team = vec![member("social-worker", "Ilze"), member("nurse", "")];
        i.pre_assessment.impairment_type = String::new();
        i.place = "school".into();
        i.consultations.push(ConsultationInput {
            topic: "school".into(),
            minutes: 0,
        });
        i.consultations.push(ConsultationInput {
            topic: "doctor".into(),
            minutes: 601,
        });
        i.next_review_on = Some("2026-08-31".into());
        let errs = i.check(BIRTH, TODAY).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "ratings.intellectual",
                "ratings.behaviour.rating",
                "instruments[0].instrument",
                "instruments[2].instrument",
                "instruments[2].result",
                "team[1].role",
                "team[1].name",
                "team",
                "pre_assessment.impairment_type",
                "place",
                "consultations[1].minutes",
                "consultations[2].minutes",
                "next_review_on",
            ]
        );
        let m = &errs[2].message;
        assert!(
            m.contains("mfad is for ages 0-3") && m.contains("the child is 9"),
            "{m}"
        );
        assert!(errs[7]
            .message
            .contains("missing: psychologist, occupational therapist"));
    }

    #[test]
    fn dates_of_a_child_assessment() {
        let mut i = child();
        i.assessed_on = "2026-09-16".into();
        let errs = i.check(BIRTH, TODAY).unwrap_err();
        assert_eq!(fields(&errs), ["assessed_on"]);
        assert!(errs[0].message.contains("in the future"));
        i.assessed_on = "2017-05-09".into();
        let errs = i.check(BIRTH, TODAY).unwrap_err();
        assert!(errs[0].field == "assessed_on" && errs[0].message.contains("before"));
        // On the 18th birthday the person is no longer a child.
        let mut i = child();
        i.instruments.clear();
        i.assessed_on = "2035-05-10".into();
        let errs = i.check(BIRTH, date!(2035 - 06 - 01)).unwrap_err();
        assert_eq!(fields(&errs), ["assessed_on"]);
        assert!(errs[0].message.contains("is 18"));
        i.assessed_on = "2035-05-09".into();
        assert!(i.check(BIRTH, date!(2035 - 06 - 01)).is_ok());
        // A given next review is kept.
        let mut i = child();
        i.next_review_on = Some("2027-01-15".into());
        assert_eq!(
            i.check(BIRTH, TODAY).unwrap().next_review_on,
            date!(2027 - 01 - 15)
        );
    }

    #[test]
    fn adult_and_support_assessments() {
        let birth = date!(1980 - 01 - 01);
        let adult = AdultAssessmentInput {
            assessed_on: "2026-03-31".into(),
            care_level: "III".into(),
            domains: AdultDomainsInput {
                health: r(2),
                self_care: r(3),
                communication: r(2),
                daily_living: r(3),
            },
            rationale: "Needs daily support with meals and medicines.".into(),
            next_review_on: None,
        };
        let a = adult.check(birth, TODAY).unwrap();
        assert_eq!(a.next_review_on, date!(2027 - 03 - 31));
        let o = Assessment::Adult(a).outcome(Some(LivingSituation::GroupFlat));
        assert_eq!(o.group, BudgetGroup::AdultGrt);
        assert_eq!(o.level.as_deref(), Some("III"));

        let bad = AdultAssessmentInput {
            care_level: "V".into(),
            domains: AdultDomainsInput {
                self_care: None,
                ..AdultDomainsInput {
                    health: r(9),
                    self_care: r(1),
                    communication: r(1),
                    daily_living: r(1),
                }
            },
            rationale: " ".into(),
            next_review_on: Some("2026-03-01".into()),
            ..adult
        };
        let errs = bad.check(birth, TODAY).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "care_level",
                "domains.health.rating",
                "domains.self_care",
                "rationale",
                "next_review_on"
            ]
        );

        let s = SupportAssessmentInput {
            assessed_on: "2028-02-29".into(),
            level: "2".into(),
            rationale: "Decisions about money and housing.".into(),
            next_review_on: None,
        }
        .check(birth, date!(2028 - 03 - 01))
        .unwrap();
        assert_eq!(s.next_review_on, date!(2029 - 02 - 28));
        let whole = Assessment::Support(s);
        let o = whole.outcome(None);
        assert_eq!(
            (o.group, o.level.as_deref()),
            (BudgetGroup::SupportPerson, Some("2"))
        );
        assert_eq!(whole.assessed_on(), date!(2028 - 02 - 29));
        assert_eq!(whole.next_review_on(), date!(2029 - 02 - 28));
        let errs = SupportAssessmentInput {
            assessed_on: "yesterday".into(),
            level: "4".into(),
            rationale: String::new(),
            next_review_on: None,
        }
        .check(birth, TODAY)
        .unwrap_err();
        assert_eq!(fields(&errs), ["assessed_on", "level", "rationale"]);
    }

    #[test]
    fn tagged_input_and_unknown_fields() {
        let json = serde_json::json!({
            "kind": "support",
            "assessed_on": "2026-03-01",
            "level": "1",
            "rationale": "Some help with letters."
        });
        let i: AssessmentInput = serde_json::from_value(json).unwrap();
        let a = i.check(date!(1990 - 01 - 01), TODAY).unwrap();
        assert_eq!(a.kind(), "support");
        let json = serde_json::json!({
            "kind": "support",
            "assessed_on": "2026-03-01",
            "level": "1",
            "rationale": "x",
            "colour": "blue"
        });
        assert!(serde_json::from_value::<AssessmentInput>(json).is_err());
        // A missing domain is reported by the check, not by serde.
        let json = serde_json::json!({
            "assessed_on": "2026-08-31",
            "ratings": { "physical": { "rating": 1 } },
            "team": [],
            "place": "home"
        });
        let i: ChildAssessmentInput = serde_json::from_value(json).unwrap();
        let errs = i.check(BIRTH, TODAY).unwrap_err();
        assert_eq!(
            &fields(&errs)[..3],
            [
                "ratings.intellectual",
                "ratings.social",
                "ratings.behaviour"
            ]
        );
    }

    #[test]
    fn only_drafts_are_edited() {
        assert!(can_edit(AssessmentStatus::Draft));
        assert!(!can_edit(AssessmentStatus::Signed));
        assert!(!can_edit(AssessmentStatus::Superseded));
    }
}
