//! Municipalities (pašvaldības) and planning regions (plānošanas reģioni).
//!
//! The shipped list is `registry/municipalities.csv`: every municipality after the 2021
//! administrative-territorial reform as it stands since Varakļāni novads joined Madona novads
//! (2025): 7 state cities and 35 novadi, each with its planning region and whether it took part
//! in the individual-budget pilots for children (2018-2019) and adults (2019-2021). See
//! `registry/README.md` for the sources and the choices made.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalogue::UnknownCode;

/// A planning region (plānošanas reģions), one of the five.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanningRegion {
    /// Rīga planning region (Rīga, Jūrmala and the novadi around Rīga).
    Riga,
    /// Vidzeme planning region.
    Vidzeme,
    /// Kurzeme planning region.
    Kurzeme,
    /// Zemgale planning region.
    Zemgale,
    /// Latgale planning region.
    Latgale,
}

impl PlanningRegion {
    /// Every planning region, in a stable order.
    pub const ALL: [PlanningRegion; 5] = [
        PlanningRegion::Riga,
        PlanningRegion::Vidzeme,
        PlanningRegion::Kurzeme,
        PlanningRegion::Zemgale,
        PlanningRegion::Latgale,
    ];

    /// The code used in files and the API (`riga`, `vidzeme`, ...).
    pub fn code(self) -> &'static str {
        match self {
            PlanningRegion::Riga => "riga",
            PlanningRegion::Vidzeme => "vidzeme",
            PlanningRegion::Kurzeme => "kurzeme",
            PlanningRegion::Zemgale => "zemgale",
            PlanningRegion::Latgale => "latgale",
        }
    }

    /// The Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            PlanningRegion::Riga => "Rīgas plānošanas reģions",
            PlanningRegion::Vidzeme => "Vidzemes plānošanas reģions",
            PlanningRegion::Kurzeme => "Kurzemes plānošanas reģions",
            PlanningRegion::Zemgale => "Zemgales plānošanas reģions",
            PlanningRegion::Latgale => "Latgales plānošanas reģions",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            PlanningRegion::Riga => "Riga Planning Region",
            PlanningRegion::Vidzeme => "Vidzeme Planning Region",
            PlanningRegion::Kurzeme => "Kurzeme Planning Region",
            PlanningRegion::Zemgale => "Zemgale Planning Region",
            PlanningRegion::Latgale => "Latgale Planning Region",
        }
    }
}

impl fmt::Display for PlanningRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for PlanningRegion {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PlanningRegion::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode {
                field: "planning_region",
                given: s.to_owned(),
                allowed: PlanningRegion::ALL.map(PlanningRegion::code).join(", "),
            })
    }
}

/// What kind of municipality it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MunicipalityKind {
    /// A state city with its own local government (valstspilsētas pašvaldība).
    StateCity,
    /// A novads (county municipality; novada pašvaldība).
    County,
}

impl MunicipalityKind {
    /// Every kind, in a stable order.
    pub const ALL: [MunicipalityKind; 2] = [MunicipalityKind::StateCity, MunicipalityKind::County];

    /// The code used in files and the API (`state-city`, `county`).
    pub fn code(self) -> &'static str {
        match self {
            MunicipalityKind::StateCity => "state-city",
            MunicipalityKind::County => "county",
        }
    }

    /// The Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            MunicipalityKind::StateCity => "valstspilsēta",
            MunicipalityKind::County => "novads",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            MunicipalityKind::StateCity => "state city",
            MunicipalityKind::County => "municipality (novads)",
        }
    }
}

impl fmt::Display for MunicipalityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for MunicipalityKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MunicipalityKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownCode {
                field: "kind",
                given: s.to_owned(),
                allowed: MunicipalityKind::ALL.map(MunicipalityKind::code).join(", "),
            })
    }
}

/// A municipality (pašvaldība): a state city or a novads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Municipality {
    /// Stable lowercase ASCII code, e.g. `ogre`, `jelgava-city`, `jelgava-county`.
    pub code: String,
    /// Latvian name, e.g. "Jelgavas valstspilsēta", "Ogres novads".
    pub name_lv: String,
    /// English name, e.g. "Jelgava State City", "Ogre Municipality".
    pub name_en: String,
    /// State city or novads.
    pub kind: MunicipalityKind,
    /// The planning region it belongs to.
    pub region: PlanningRegion,
    /// Whether the children's individual-budget pilot (2018-2019) ran here.
    pub pilot_children: bool,
    /// Whether the adults' individual-budget pilot (2019-2021) ran here.
    pub pilot_adults: bool,
}

/// Column order of `registry/municipalities.csv`.
pub const MUNICIPALITIES_HEADER: &str =
    "code,name_lv,name_en,kind,planning_region,pilot_children,pilot_adults";

/// An error in a municipality file, naming the line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityError {
    /// The header is not the expected one.
    #[error("municipalities header must be \"{expected}\", found \"{found}\"")]
    Header {
        /// The header the reader expects.
        expected: String,
        /// The header found.
        found: String,
    },
    /// A line could not be read.
    #[error("municipalities line {line}: {message}")]
    Line {
        /// Line number in the file (1 is the header).
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },
}

/// The municipalities shipped with ibis (`registry/municipalities.csv`), in file order.
pub fn builtin_municipalities() -> Result<Vec<Municipality>, MunicipalityError> {
    parse_municipalities(include_str!("../../../registry/municipalities.csv"))
}

/// Reads municipalities in the `MUNICIPALITIES_HEADER` column order. The format is plain
/// comma-separated text without quoting: a field may not contain a comma or a double quote.
/// Codes must be unique lowercase ASCII slugs (`a-z`, `0-9`, `-`); the pilot flags are `true` or
/// `false`.
pub fn parse_municipalities(text: &str) -> Result<Vec<Municipality>, MunicipalityError> {
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, h)| h.trim_end()).unwrap_or_default();
    if header != MUNICIPALITIES_HEADER {
        return Err(MunicipalityError::Header {
            expected: MUNICIPALITIES_HEADER.into(),
            found: header.into(),
        });
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, raw) in lines {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let err = |message: String| MunicipalityError::Line { line, message };
        if raw.contains('"') {
            return Err(err(
                "quoted fields are not supported; a field may not contain '\"'".into(),
            ));
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        if fields.len() != 7 {
            return Err(err(format!("expected 7 fields, found {}", fields.len())));
        }
        let code = fields[0];
        if code.is_empty()
            || code.starts_with('-')
            || code.ends_with('-')
            || !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(err(format!(
                "code: \"{code}\" must be lowercase ASCII letters, digits and inner hyphens"
            )));
        }
        if fields[1].is_empty() || fields[2].is_empty() {
            return Err(err(format!(
                "{code}: name_lv and name_en must not be empty"
            )));
        }
        let flag = |field: &'static str, value: &str| match value {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(err(format!(
                "{field}: \"{other}\" is not allowed; allowed: true, false"
            ))),
        };
        let parse_err = |e: UnknownCode| err(e.to_string());
        let municipality = Municipality {
            code: code.to_owned(),
            name_lv: fields[1].to_owned(),
            name_en: fields[2].to_owned(),
            kind: fields[3].parse().map_err(parse_err)?,
            region: fields[4].parse().map_err(parse_err)?,
            pilot_children: flag("pilot_children", fields[5])?,
            pilot_adults: flag("pilot_adults", fields[6])?,
        };
        if !seen.insert(code.to_owned()) {
            return Err(err(format!("code: \"{code}\" appears twice")));
        }
        out.push(municipality);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Vec<Municipality> {
        builtin_municipalities().unwrap()
    }

    fn codes_where(f: impl Fn(&Municipality) -> bool) -> BTreeSet<String> {
        builtin()
            .into_iter()
            .filter(|m| f(m))
            .map(|m| m.code)
            .collect()
    }

    fn set(codes: &[&str]) -> BTreeSet<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn forty_two_municipalities_seven_state_cities() {
        let all = builtin();
        assert_eq!(all.len(), 42);
        let cities = codes_where(|m| m.kind == MunicipalityKind::StateCity);
        assert_eq!(
            cities,
            set(&[
                "daugavpils-city",
                "jelgava-city",
                "jurmala",
                "liepaja",
                "rezekne-city",
                "riga",
                "ventspils-city"
            ])
        );
        assert!(
            all.iter().all(|m| !m.name_lv.contains("Varakļān")),
            "merged into Madona"
        );
    }

    #[test]
    fn codes_are_unique() {
        let all = builtin();
        let unique: BTreeSet<_> = all.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn every_region_has_municipalities() {
        let all = builtin();
        let expected = [
            (PlanningRegion::Riga, 9),
            (PlanningRegion::Vidzeme, 10),
            (PlanningRegion::Kurzeme, 8),
            (PlanningRegion::Zemgale, 6),
            (PlanningRegion::Latgale, 9),
        ];
        for (region, count) in expected {
            let n = all.iter().filter(|m| m.region == region).count();
            assert!(n > 0, "{region} is empty");
            assert_eq!(n, count, "{region}");
        }
    }

    #[test]
    fn pilot_municipalities_are_flagged() {
        assert_eq!(
            codes_where(|m| m.pilot_children),
            set(&[
                "jelgava-city",
                "bauska",
                "liepaja",
                "talsi",
                "rezekne-city",
                "balvi",
                "valmiera",
                "madona",
                "ogre",
                "tukums"
            ])
        );
        assert_eq!(
            codes_where(|m| m.pilot_adults),
            set(&[
                "jelgava-city",
                "bauska",
                "liepaja",
                "talsi",
                "augsdaugava",
                "balvi",
                "cesis",
                "gulbene",
                "ogre",
                "tukums"
            ])
        );
    }

    #[test]
    fn shared_names_are_told_apart() {
        let all = builtin();
        let get = |code: &str| all.iter().find(|m| m.code == code).unwrap();
        assert_eq!(get("jelgava-city").name_lv, "Jelgavas valstspilsēta");
        assert_eq!(get("jelgava-county").name_lv, "Jelgavas novads");
        assert_eq!(get("jelgava-county").region, PlanningRegion::Zemgale);
        assert_eq!(get("rezekne-county").kind, MunicipalityKind::County);
        assert_eq!(get("ventspils-county").region, PlanningRegion::Kurzeme);
        assert_eq!(get("ogre").region, PlanningRegion::Vidzeme);
        assert_eq!(get("tukums").region, PlanningRegion::Kurzeme);
    }

    #[test]
    fn unknown_region_names_the_allowed_ones() {
        let e = "pieriga".parse::<PlanningRegion>().unwrap_err();
        assert_eq!(e.field, "planning_region");
        assert_eq!(e.allowed, "riga, vidzeme, kurzeme, zemgale, latgale");
        assert!(e.to_string().contains("\"pieriga\""), "{e}");
        for r in PlanningRegion::ALL {
            assert_eq!(r.code().parse::<PlanningRegion>(), Ok(r));
            assert!(!r.name_lv().is_empty() && !r.name_en().is_empty());
        }
        assert!("town"
            .parse::<MunicipalityKind>()
            .unwrap_err()
            .to_string()
            .contains("state-city"));
    }

    #[test]
    fn serde_uses_the_codes() {
        assert_eq!(
            serde_json::to_string(&PlanningRegion::Riga).unwrap(),
            "\"riga\""
        );
        assert_eq!(
            serde_json::from_str::<PlanningRegion>("\"latgale\"").unwrap(),
            PlanningRegion::Latgale
        );
        assert_eq!(
            serde_json::to_string(&MunicipalityKind::StateCity).unwrap(),
            "\"state-city\""
        );
        let m = builtin().remove(0);
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"region\":\"latgale\""), "{json}");
        assert_eq!(serde_json::from_str::<Municipality>(&json).unwrap(), m);
    }

    #[test]
    fn bad_lines_are_named() {
        let h = MUNICIPALITIES_HEADER;
        let e = parse_municipalities(&format!(
            "{h}\nx,a,b,county,riga,true,false\nx,a,b,county,riga,false,false\n"
        ))
        .unwrap_err();
        assert_eq!(
            e,
            MunicipalityError::Line {
                line: 3,
                message: "code: \"x\" appears twice".into()
            }
        );
        let e =
            parse_municipalities(&format!("{h}\nx,a,b,county,pieriga,true,false\n")).unwrap_err();
        assert!(
            matches!(&e, MunicipalityError::Line { line: 2, message } if message.contains("planning_region")),
            "{e}"
        );
        let e = parse_municipalities(&format!("{h}\nx,a,b,county,riga,yes,false\n")).unwrap_err();
        assert!(e.to_string().contains("pilot_children"), "{e}");
        let e =
            parse_municipalities(&format!("{h}\nX Y,a,b,county,riga,true,false\n")).unwrap_err();
        assert!(e.to_string().contains("code"), "{e}");
        let e = parse_municipalities(&format!("{h}\nx,\"a,b\",c,county,riga,true,false\n"))
            .unwrap_err();
        assert!(e.to_string().contains("quoted"), "{e}");
        assert!(matches!(
            parse_municipalities("a,b\n"),
            Err(MunicipalityError::Header { .. })
        ));
    }
}
