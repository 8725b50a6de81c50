//! The service catalogue (pakalpojumu katalogs): service types with their category, unit and
//! recipient, in Latvian and English.
//!
//! The shipped catalogue is `catalogue/service-types.csv`: the 244 service types named in the
//! support plans of 1,811 children assessed in the DI project (seed 000, appendix 1.2), plus the
//! services that the allocation policies price (adult care-level packages of seed 001 Table 3, the
//! support person of seed 004, the children's rates of seed 001).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A unit in which a service is given and priced (mērvienība).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// An hour (stunda).
    Hour,
    /// A day of service (diena).
    Day,
    /// A day and night, 24 hours (diennakts).
    DayAndNight,
    /// A night (nakts).
    Night,
    /// A session or visit (nodarbība, konsultācija).
    Session,
    /// A single item, e.g. a technical aid (vienība).
    Item,
    /// A month (mēnesis).
    Month,
}

impl Unit {
    /// Every unit, in a stable order.
    pub const ALL: [Unit; 7] = [
        Unit::Hour,
        Unit::Day,
        Unit::DayAndNight,
        Unit::Night,
        Unit::Session,
        Unit::Item,
        Unit::Month,
    ];

    /// The code used in files and the API (`hour`, `day`, `day-and-night`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::DayAndNight => "day-and-night",
            Unit::Night => "night",
            Unit::Session => "session",
            Unit::Item => "item",
            Unit::Month => "month",
        }
    }

    /// The Latvian name of the unit.
    pub fn name_lv(self) -> &'static str {
        match self {
            Unit::Hour => "stunda",
            Unit::Day => "diena",
            Unit::DayAndNight => "diennakts",
            Unit::Night => "nakts",
            Unit::Session => "nodarbība",
            Unit::Item => "vienība",
            Unit::Month => "mēnesis",
        }
    }

    /// The English name of the unit.
    pub fn name_en(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::DayAndNight => "day and night",
            Unit::Night => "night",
            Unit::Session => "session",
            Unit::Item => "item",
            Unit::Month => "month",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A value that is not one of the allowed codes, with the allowed ones named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: \"{given}\" is not allowed; allowed: {allowed}")]
pub struct UnknownCode {
    /// The field or flag concerned.
    pub field: &'static str,
    /// What was given.
    pub given: String,
    /// The allowed values, comma-separated.
    pub allowed: String,
}

impl FromStr for Unit {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.code() == s)
            .ok_or_else(|| UnknownCode {
                field: "unit",
                given: s.to_owned(),
                allowed: Unit::ALL.map(Unit::code).join(", "),
            })
    }
}

/// Who receives a service (saņēmējs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recipient {
    /// The person the budget is for: the child or the adult.
    Person,
    /// A parent or other carer of the child.
    Parent,
    /// A brother or sister of the child.
    Sibling,
}

impl Recipient {
    /// Every recipient, in a stable order.
    pub const ALL: [Recipient; 3] = [Recipient::Person, Recipient::Parent, Recipient::Sibling];

    /// The code used in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Recipient::Person => "person",
            Recipient::Parent => "parent",
            Recipient::Sibling => "sibling",
        }
    }
}

impl FromStr for Recipient {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Recipient::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode {
                field: "recipient",
                given: s.to_owned(),
                allowed: Recipient::ALL.map(Recipient::code).join(", "),
            })
    }
}

/// A category of services: the eight groups of the DI support plans (seed 000, appendix 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// 1. Social, social-care and care services.
    SocialCare,
    /// 2. Other rehabilitation-related services.
    Rehabilitation,
    /// 3. Health-care services.
    HealthCare,
    /// 4. Education services.
    Education,
    /// 5. Housing and environmental accessibility, technical aids.
    AccessibilityAids,
    /// 6. Specialists, vocational rehabilitation and employment services.
    SpecialistsEmployment,
    /// 7. Care services close to a family environment.
    FamilyLikeCare,
    /// 8. Leisure.
    Leisure,
}

impl Category {
    /// Every category, in the order of the source.
    pub const ALL: [Category; 8] = [
        Category::SocialCare,
        Category::Rehabilitation,
        Category::HealthCare,
        Category::Education,
        Category::AccessibilityAids,
        Category::SpecialistsEmployment,
        Category::FamilyLikeCare,
        Category::Leisure,
    ];

    /// The code used in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Category::SocialCare => "social-care",
            Category::Rehabilitation => "rehabilitation",
            Category::HealthCare => "health-care",
            Category::Education => "education",
            Category::AccessibilityAids => "accessibility-aids",
            Category::SpecialistsEmployment => "specialists-employment",
            Category::FamilyLikeCare => "family-like-care",
            Category::Leisure => "leisure",
        }
    }

    /// The group number in the source (1-8).
    pub fn group_no(self) -> u8 {
        Category::ALL
            .iter()
            .position(|c| *c == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The Latvian name, as in the source.
    pub fn name_lv(self) -> &'static str {
        match self {
            Category::SocialCare => "Sociālie un sociālās aprūpes un aprūpes pakalpojumi",
            Category::Rehabilitation => "Citi ar rehabilitāciju saistīti pakalpojumi",
            Category::HealthCare => "Veselības aprūpes pakalpojumi",
            Category::Education => "Izglītības pakalpojumi",
            Category::AccessibilityAids => "Mājokļa un vides pieejamība, tehniskie palīglīdzekļi",
            Category::SpecialistsEmployment => {
                "Speciālistu, profesionālās rehabilitācijas un nodarbinātības pakalpojumi"
            }
            Category::FamilyLikeCare => "Ģimeniskai videi pietuvināti aprūpes pakalpojumi",
            Category::Leisure => "Brīvā laika pavadīšanas iespējas",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Category::SocialCare => "Social, social-care and care services",
            Category::Rehabilitation => "Other rehabilitation-related services",
            Category::HealthCare => "Health-care services",
            Category::Education => "Education services",
            Category::AccessibilityAids => {
                "Housing and environmental accessibility, technical aids"
            }
            Category::SpecialistsEmployment => {
                "Specialists, vocational rehabilitation and employment services"
            }
            Category::FamilyLikeCare => "Care services close to a family environment",
            Category::Leisure => "Leisure",
        }
    }
}

impl FromStr for Category {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| UnknownCode {
                field: "category",
                given: s.to_owned(),
                allowed: Category::ALL.map(Category::code).join(", "),
            })
    }
}

/// A service type (pakalpojuma veids): what can be planned, agreed, delivered and paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceType {
    /// Stable code, e.g. `mentor` or `di-2-41`.
    pub code: String,
    /// Category (one of the eight groups).
    pub category: Category,
    /// Unit in which it is given and priced.
    pub unit: Unit,
    /// Who receives it.
    pub recipient: Recipient,
    /// Area code of the DI assessment (A, S, SR, M, ...), where the source gives one.
    pub area_code: Option<String>,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// Where the entry comes from (seed and line), for review.
    pub source: String,
}

/// An error in a catalogue file, naming the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The header is not the expected one.
    #[error("catalogue header must be \"{expected}\", found \"{found}\"")]
    Header {
        /// The header the loader expects.
        expected: String,
        /// The header found.
        found: String,
    },
    /// A line could not be read.
    #[error("catalogue line {line}: {message}")]
    Line {
        /// Line number in the file (1 is the header).
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },
}

/// The service catalogue: every service type by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    types: BTreeMap<String, ServiceType>,
}

/// Column order of `catalogue/service-types.csv`.
pub const CATALOGUE_HEADER: &str = "code,category,unit,recipient,area_code,name_lv,name_en,source";

impl Catalogue {
    /// The catalogue shipped with ibis (`catalogue/service-types.csv`).
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::from_csv(include_str!("../../../catalogue/service-types.csv"))
    }

    /// Reads a catalogue in the `CATALOGUE_HEADER` column order. Quoted fields may contain
    /// commas and doubled quotes. Codes must be unique.
    pub fn from_csv(text: &str) -> Result<Self, CatalogueError> {
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, h)| h.trim_end()).unwrap_or_default();
        if header != CATALOGUE_HEADER {
            return Err(CatalogueError::Header {
                expected: CATALOGUE_HEADER.into(),
                found: header.into(),
            });
        }
        let mut types = BTreeMap::new();
        for (i, raw) in lines {
            let line = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let err = |message: String| CatalogueError::Line { line, message };
            let fields = split_csv_line(raw).map_err(|m| err(m.into()))?;
            if fields.len() != 8 {
                return Err(err(format!("expected 8 fields, found {}", fields.len())));
            }
            let code = fields[0].trim().to_owned();
            if code.is_empty() {
                return Err(err("code: must not be empty".into()));
            }
            let parse_err = |e: UnknownCode| err(e.to_string());
            let ty = ServiceType {
                category: fields[1].parse().map_err(parse_err)?,
                unit: fields[2].parse().map_err(parse_err)?,
                recipient: fields[3].parse().map_err(parse_err)?,
                area_code: Some(fields[4].trim().to_owned()).filter(|s| !s.is_empty()),
                name_lv: fields[5].clone(),
                name_en: fields[6].clone(),
                source: fields[7].clone(),
                code: code.clone(),
            };
            if ty.name_lv.trim().is_empty() || ty.name_en.trim().is_empty() {
                return Err(err(format!(
                    "{code}: name_lv and name_en must not be empty"
                )));
            }
            if types.insert(code.clone(), ty).is_some() {
                return Err(err(format!("code: \"{code}\" appears twice")));
            }
        }
        Ok(Self { types })
    }

    /// Builds a catalogue from service types (codes must be unique; later ones win).
    pub fn from_types(types: impl IntoIterator<Item = ServiceType>) -> Self {
        Self {
            types: types.into_iter().map(|t| (t.code.clone(), t)).collect(),
        }
    }

    /// The service type with this code.
    pub fn get(&self, code: &str) -> Option<&ServiceType> {
        self.types.get(code)
    }

    /// Every service type, ordered by code.
    pub fn iter(&self) -> impl Iterator<Item = &ServiceType> {
        self.types.values()
    }

    /// Number of service types.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
fn split_csv_line(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '"') if field.is_empty() => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                if !matches!(chars.peek(), None | Some(',')) {
                    return Err("a closing quote must end the field");
                }
            }
            (_, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed");
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        assert_eq!(
            split_csv_line(r#"a,"b, c","d ""e""",,f"#).unwrap(),
            vec!["a", "b, c", r#"d "e""#, "", "f"]
        );
        assert!(split_csv_line(r#"a,"b"#).is_err());
    }

    #[test]
    fn unknown_unit_names_the_allowed_ones() {
        let e = "hours".parse::<Unit>().unwrap_err();
        assert_eq!(e.field, "unit");
        assert!(e.to_string().contains("day-and-night"), "{e}");
    }

    #[test]
    fn bad_lines_are_named() {
        let text = format!("{CATALOGUE_HEADER}\nx,social-care,hour,person,,a,b,s\nx,social-care,hour,person,,a,b,s\n");
        let e = Catalogue::from_csv(&text).unwrap_err();
        assert_eq!(
            e,
            CatalogueError::Line {
                line: 3,
                message: "code: \"x\" appears twice".into()
            }
        );
        let text = format!("{CATALOGUE_HEADER}\nx,social-care,weeks,person,,a,b,s\n");
        assert!(matches!(
            Catalogue::from_csv(&text),
            Err(CatalogueError::Line { line: 2, .. })
        ));
        assert!(matches!(
            Catalogue::from_csv("a,b\n"),
            Err(CatalogueError::Header { .. })
        ));
    }

    #[test]
    fn category_numbers_follow_the_source() {
        assert_eq!(Category::SocialCare.group_no(), 1);
        assert_eq!(Category::Leisure.group_no(), 8);
    }
}
