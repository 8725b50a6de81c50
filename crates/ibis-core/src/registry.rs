//! Registry rules: what makes a person's record, a relative, a disability determination and a
//! consent valid. Inputs are parsed into these types at the boundary; every problem is reported
//! with its field.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::field::FieldError;
use crate::outcome::{LivingSituation, TargetGroup};
use crate::personal_code::PersonalCode;
use crate::policy::parse_date;

crate::coded_enum!(
    /// How a relative is related to the person (radniecība).
    Relation, "relation", {
        /// Mother or father.
        Parent = "parent",
        /// Guardian appointed by the orphan's court (aizbildnis).
        Guardian = "guardian",
        /// Foster family (audžuģimene).
        FosterFamily = "foster-family",
        /// Trustee of an adult (aizgādnis).
        Trustee = "trustee",
        /// Brother or sister.
        Sibling = "sibling",
        /// Spouse or partner.
        Spouse = "spouse",
        /// Another family member.
        FamilyMember = "family-member",
    }
);

crate::coded_enum!(
    /// The kind of disability determination by VDEĀVK (the State Medical Commission for the
    /// Assessment of Health Condition and Working Ability).
    DisabilityKind, "kind", {
        /// Disability group I (most severe) of an adult.
        GroupI = "group-1",
        /// Disability group II.
        GroupII = "group-2",
        /// Disability group III.
        GroupIII = "group-3",
        /// Disability of a child (under 18).
        Child = "child",
    }
);

/// Trims a required text field, refusing empty or over-long text and control characters.
pub fn required_text(
    field: &str,
    value: &str,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::new(field, "is required"));
    } else if v.chars().count() > max_chars {
        errors.push(FieldError::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    } else if v.chars().any(|c| c.is_control()) {
        errors.push(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    v.to_owned()
}

/// An optional text field: empty means absent.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    Some(required_text(field, v, max_chars, errors))
}

/// Parses a coded value (`family`, `child-ft`, ...) into `errors` under `field`.
pub fn coded<T: std::str::FromStr<Err = crate::catalogue::UnknownCode>>(
    field: &str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    value
        .trim()
        .parse::<T>()
        .map_err(|e| {
            errors.push(FieldError::new(
                field,
                format!("\"{}\" is not allowed; allowed: {}", e.given, e.allowed),
            ))
        })
        .ok()
}

/// Parses a date field into `errors`.
pub fn date_field(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    parse_date(value)
        .map_err(|m| errors.push(FieldError::new(field, m)))
        .ok()
}

/// A person's record as submitted, not yet checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Latvian personal code.
    pub personal_code: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth, YYYY-MM-DD.
    pub birth_date: String,
    /// `child-ft` or `adult-grt`.
    pub target_group: String,
    /// Municipality code.
    pub municipality: String,
    /// `family`, `social-home`, `group-flat` or `institution`.
    pub living: String,
}

/// A person's record, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPerson {
    /// Latvian personal code.
    pub personal_code: PersonalCode,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Target group.
    pub target_group: TargetGroup,
    /// Municipality code (checked against the registry by the store).
    pub municipality: String,
    /// Living situation.
    pub living: LivingSituation,
}

/// Age in whole years on a day.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

impl PersonInput {
    /// Checks every field; `today` is the date in Riga. Reports every problem at once.
    pub fn check(&self, today: Date) -> Result<NewPerson, Vec<FieldError>> {
        let mut errors = Vec::new();
        let personal_code = PersonalCode::parse(&self.personal_code)
            .map_err(|e| errors.push(FieldError::new("personal_code", e.to_string())))
            .ok();
        let given_name = required_text("given_name", &self.given_name, 100, &mut errors);
        let family_name = required_text("family_name", &self.family_name, 100, &mut errors);
        let birth_date = date_field("birth_date", &self.birth_date, &mut errors);
        let target_group = coded::<TargetGroup>("target_group", &self.target_group, &mut errors);
        let municipality = required_text("municipality", &self.municipality, 64, &mut errors);
        let living = coded::<LivingSituation>("living", &self.living, &mut errors);
        if let Some(b) = birth_date {
            if b > today {
                errors.push(FieldError::new(
                    "birth_date",
                    format!("{b} is in the future"),
                ));
            } else if age_on(b, today) > 130 {
                errors.push(FieldError::new(
                    "birth_date",
                    format!("{b} is more than 130 years ago"),
                ));
            }
            if let Some(from_code) = personal_code.and_then(|c| c.birth_date()) {
                if from_code != b {
                    errors.push(FieldError::new(
                        "birth_date",
                        format!("{b} differs from the date in the personal code ({from_code})"),
                    ));
                }
            }
            if let Some(g) = target_group {
                let age = age_on(b, today);
                if g == TargetGroup::ChildFt && age >= 18 {
                    errors.push(FieldError::new(
                        "target_group",
                        format!("child-ft is for children under 18; the person is {age}"),
                    ));
                }
                if g == TargetGroup::AdultGrt && age < 18 {
                    errors.push(FieldError::new(
                        "target_group",
                        format!("adult-grt is for adults of 18 or more; the person is {age}"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match (personal_code, birth_date, target_group, living) {
            (Some(personal_code), Some(birth_date), Some(target_group), Some(living)) => {
                Ok(NewPerson {
                    personal_code,
                    given_name,
                    family_name,
                    birth_date,
                    target_group,
                    municipality,
                    living,
                })
            }
            _ => Err(vec![FieldError::new("(input)", "incomplete")]),
        }
    }
}

/// A period of validity given as from/to text, checked: `to` after `from`, or open (lifelong).
pub fn validity(
    from_field: &str,
    from: &str,
    to_field: &str,
    to: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<(Date, Option<Date>)> {
    let f = date_field(from_field, from, errors)?;
    let t = match to.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(date_field(to_field, s, errors)?),
    };
    if let Some(t) = t {
        if t <= f {
            errors.push(FieldError::new(
                to_field,
                format!("{t} must be after {from_field} {f}"),
            ));
            return None;
        }
    }
    Some((f, t))
}

/// A relative, representative or foster family as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RelativeInput {
    /// Full name.
    pub name: String,
    /// Relation code.
    pub relation: String,
    /// Whether they are the person's legal representative.
    #[serde(default)]
    pub legal_representative: bool,
    /// Their personal code, if known.
    pub personal_code: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A relative, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRelative {
    /// Full name.
    pub name: String,
    /// Relation.
    pub relation: Relation,
    /// Whether they are the legal representative.
    pub legal_representative: bool,
    /// Their personal code.
    pub personal_code: Option<PersonalCode>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

impl RelativeInput {
    /// Checks every field.
    pub fn check(&self) -> Result<NewRelative, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", &self.name, 200, &mut errors);
        let relation = coded::<Relation>("relation", &self.relation, &mut errors);
        let personal_code = match self
            .personal_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(c) => PersonalCode::parse(c)
                .map_err(|e| errors.push(FieldError::new("personal_code", e.to_string())))
                .ok(),
        };
        let phone = optional_text("phone", self.phone.as_deref(), 40, &mut errors);
        if let Some(p) = &phone {
            if !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
                errors.push(FieldError::new(
                    "phone",
                    "may contain only digits, spaces and + - ( )",
                ));
            }
        }
        let email = optional_text("email", self.email.as_deref(), 200, &mut errors);
        if let Some(e) = &email {
            let ok = e
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !e.contains(' '));
            if !ok {
                errors.push(FieldError::new(
                    "email",
                    format!("\"{e}\" is not an e-mail address"),
                ));
            }
        }
        match relation {
            Some(relation) if errors.is_empty() => Ok(NewRelative {
                name,
                relation,
                legal_representative: self.legal_representative,
                personal_code,
                phone,
                email,
            }),
            _ => Err(errors),
        }
    }
}

/// A disability determination by VDEĀVK as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeterminationInput {
    /// `group-1`, `group-2`, `group-3` or `child`.
    pub kind: String,
    /// Severe functional impairment (smagi funkcionālie traucējumi).
    #[serde(default)]
    pub severe_functional_impairment: bool,
    /// Special care need (īpašas kopšanas nepieciešamība).
    #[serde(default)]
    pub special_care_need: bool,
    /// Decision number.
    pub decision_no: Option<String>,
    /// First day, YYYY-MM-DD.
    pub valid_from: String,
    /// First day after it (YYYY-MM-DD); absent for a lifelong determination.
    pub valid_to: Option<String>,
}

/// A disability determination, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDetermination {
    /// Kind.
    pub kind: DisabilityKind,
    /// Severe functional impairment.
    pub severe_functional_impairment: bool,
    /// Special care need.
    pub special_care_need: bool,
    /// Decision number.
    pub decision_no: Option<String>,
    /// First day.
    pub valid_from: Date,
    /// First day after; `None` is lifelong.
    pub valid_to: Option<Date>,
}

impl DeterminationInput {
    /// Checks every field.
    pub fn check(&self) -> Result<NewDetermination, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = coded::<DisabilityKind>("kind", &self.kind, &mut errors);
        let decision_no =
            optional_text("decision_no", self.decision_no.as_deref(), 64, &mut errors);
        let period = validity(
            "valid_from",
            &self.valid_from,
            "valid_to",
            self.valid_to.as_deref(),
            &mut errors,
        );
        match (kind, period) {
            (Some(kind), Some((valid_from, valid_to))) if errors.is_empty() => {
                Ok(NewDetermination {
                    kind,
                    severe_functional_impairment: self.severe_functional_impairment,
                    special_care_need: self.special_care_need,
                    decision_no,
                    valid_from,
                    valid_to,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A consent as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// What the consent is for, e.g. `data-processing`, `share-with-provider`.
    pub purpose: String,
    /// Who gave it (the person or their representative).
    pub given_by: String,
    /// When, YYYY-MM-DD.
    pub given_on: String,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// A consent, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewConsent {
    /// Purpose.
    pub purpose: String,
    /// Given by.
    pub given_by: String,
    /// Given on.
    pub given_on: Date,
    /// Note.
    pub note: String,
}

impl ConsentInput {
    /// Checks every field; a consent cannot be given in the future.
    pub fn check(&self, today: Date) -> Result<NewConsent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let purpose = required_text("purpose", &self.purpose, 200, &mut errors);
        let given_by = required_text("given_by", &self.given_by, 200, &mut errors);
        let given_on = date_field("given_on", &self.given_on, &mut errors);
        if given_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("given_on", "must not be in the future"));
        }
        let note = optional_text("note", Some(&self.note), 2000, &mut errors).unwrap_or_default();
        match given_on {
            Some(given_on) if errors.is_empty() => Ok(NewConsent {
                purpose,
                given_by,
                given_on,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// A change to a person's record as submitted: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonChangeInput {
    /// The version the change was made against (optimistic locking).
    pub version: i64,
    /// New given name.
    pub given_name: Option<String>,
    /// New family name.
    pub family_name: Option<String>,
    /// New municipality code.
    pub municipality: Option<String>,
    /// New living situation.
    pub living: Option<String>,
}

/// A change, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonChange {
    /// The version the change was made against.
    pub version: i64,
    /// New given name.
    pub given_name: Option<String>,
    /// New family name.
    pub family_name: Option<String>,
    /// New municipality.
    pub municipality: Option<String>,
    /// New living situation.
    pub living: Option<LivingSituation>,
}

impl PersonChangeInput {
    /// Checks every field given.
    pub fn check(&self) -> Result<PersonChange, Vec<FieldError>> {
        let mut errors = Vec::new();
        let given_name = self
            .given_name
            .as_deref()
            .map(|v| required_text("given_name", v, 100, &mut errors));
        let family_name = self
            .family_name
            .as_deref()
            .map(|v| required_text("family_name", v, 100, &mut errors));
        let municipality = self
            .municipality
            .as_deref()
            .map(|v| required_text("municipality", v, 64, &mut errors));
        let living = self
            .living
            .as_deref()
            .and_then(|v| coded::<LivingSituation>("living", v, &mut errors));
        if errors.is_empty() {
            Ok(PersonChange {
                version: self.version,
                given_name,
                family_name,
                municipality,
                living,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> PersonInput {
        PersonInput {
            personal_code: "010101-10006".into(),
            given_name: "Anna".into(),
            family_name: "Bērziņa".into(),
            birth_date: "1901-01-01".into(),
            target_group: "adult-grt".into(),
            municipality: "ogre".into(),
            living: "family".into(),
        }
    }

    #[test]
    fn a_good_record_passes() {
        // 1901 is over 120 years ago, so use a new-format code and a plausible date.
        let mut i = input();
        i.personal_code = "32345678901".into();
        i.birth_date = "1990-05-17".into();
        let p = i.check(date!(2026 - 11 - 22)).unwrap();
        assert_eq!(p.target_group, TargetGroup::AdultGrt);
        assert_eq!(p.family_name, "Bērziņa");
    }

    #[test]
    fn every_problem_is_named() {
        let i = PersonInput {
            personal_code: "010101-10007".into(),
            given_name: " ".into(),
            birth_date: "2030-01-01".into(),
            target_group: "kids".into(),
            living: "flat".into(),
            ..input()
        };
        let errs = i.check(date!(2026 - 11 - 22)).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "personal_code",
                "given_name",
                "target_group",
                "living",
                "birth_date"
            ]
        );
        assert!(errs[4].message.contains("is in the future"));
    }

    #[test]
    fn birth_date_must_match_the_code_and_the_group_the_age() {
        let mut i = input();
        i.personal_code = "010101-10006".into();
        i.birth_date = "1901-01-02".into();
        let errs = i.check(date!(2026 - 11 - 22)).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.field == "birth_date" && e.message.contains("differs")),
            "{errs:?}"
        );
        let mut i = input();
        i.personal_code = "32345678901".into();
        i.birth_date = "2015-03-01".into();
        let errs = i.check(date!(2026 - 11 - 22)).unwrap_err();
        assert_eq!(errs[0].field, "target_group");
    }

    #[test]
    fn ages_count_birthdays() {
        assert_eq!(age_on(date!(2008 - 11 - 23), date!(2026 - 11 - 22)), 17);
        assert_eq!(age_on(date!(2008 - 11 - 22), date!(2026 - 11 - 22)), 18);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 17);
    }
}
