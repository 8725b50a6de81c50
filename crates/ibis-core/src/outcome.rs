//! What an assessment decides, as far as the budget is concerned: the group, the level, the
//! living situation and, for children, the four domain ratings.

use serde::{Deserialize, Serialize};

use crate::catalogue::UnknownCode;

#[macro_export]
#[doc(hidden)]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in files, the API and the command line.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The allowed codes, comma-separated, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::catalogue::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| $crate::catalogue::UnknownCode {
                    field: $field,
                    given: s.to_owned(),
                    allowed: Self::allowed(),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum!(
    /// The budget scheme an allocation policy serves (a target group, or the support-person
    /// service that sits beside both).
    BudgetGroup, "group", {
        /// Child with functional disorders (bērns ar funkcionāliem traucējumiem, FT).
        ChildFt = "child-ft",
        /// Adult with a mental disorder (pieaugušais ar garīga rakstura traucējumiem, GRT).
        AdultGrt = "adult-grt",
        /// Support person for decision-making (atbalsta persona lēmumu pieņemšanā).
        SupportPerson = "support-person",
    }
);

coded_enum!(
    /// The target group a person belongs to (mērķa grupa).
    TargetGroup, "target_group", {
        /// Child with functional disorders (bērns ar funkcionāliem traucējumiem, FT).
        ChildFt = "child-ft",
        /// Adult with a mental disorder (pieaugušais ar garīga rakstura traucējumiem, GRT).
        AdultGrt = "adult-grt",
    }
);

coded_enum!(
    /// Where the person lives (dzīvesvieta).
    LivingSituation, "living", {
        /// With their family (ģimenē).
        Family = "family",
        /// In a social home (sociālā māja).
        SocialHome = "social-home",
        /// In a group flat (grupu dzīvoklis).
        GroupFlat = "group-flat",
        /// In an institution (institūcija).
        Institution = "institution",
    }
);

impl BudgetGroup {
    /// Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            BudgetGroup::ChildFt => "Bērni ar funkcionāliem traucējumiem",
            BudgetGroup::AdultGrt => "Pieaugušie ar garīga rakstura traucējumiem",
            BudgetGroup::SupportPerson => "Atbalsta persona lēmumu pieņemšanā",
        }
    }
    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            BudgetGroup::ChildFt => "Children with functional disorders",
            BudgetGroup::AdultGrt => "Adults with mental disorders",
            BudgetGroup::SupportPerson => "Support person for decision-making",
        }
    }
}

impl LivingSituation {
    /// Latvian name.
    pub fn name_lv(self) -> &'static str {
        match self {
            LivingSituation::Family => "ģimenē",
            LivingSituation::SocialHome => "sociālajā mājā",
            LivingSituation::GroupFlat => "grupu dzīvoklī",
            LivingSituation::Institution => "institūcijā",
        }
    }
    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            LivingSituation::Family => "with family",
            LivingSituation::SocialHome => "in a social home",
            LivingSituation::GroupFlat => "in a group flat",
            LivingSituation::Institution => "in an institution",
        }
    }
}

/// The four domains of a child's assessment (seed 000, L3547-3706).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// Physical development (fiziskā attīstība).
    Physical,
    /// Intellectual development (intelektuālā attīstība).
    Intellectual,
    /// Social skills (sociālās prasmes).
    Social,
    /// Behaviour (uzvedība).
    Behaviour,
}

/// A child's four domain ratings on the 0-4 difficulty scale (0 none, 1 mild, 2 moderate,
/// 3 severe, 4 complete), in the style of the ICF qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DomainRatings {
    /// Physical development.
    pub physical: u8,
    /// Intellectual development.
    pub intellectual: u8,
    /// Social skills.
    pub social: u8,
    /// Behaviour.
    pub behaviour: u8,
}

impl DomainRatings {
    /// Highest rating on the scale.
    pub const MAX: u8 = 4;

    /// Ratings, each checked to be on the 0-4 scale; the error names the domain.
    pub fn new(
        physical: u8,
        intellectual: u8,
        social: u8,
        behaviour: u8,
    ) -> Result<Self, UnknownCode> {
        for (field, v) in [
            ("physical", physical),
            ("intellectual", intellectual),
            ("social", social),
            ("behaviour", behaviour),
        ] {
            if v > Self::MAX {
                return Err(UnknownCode {
                    field,
                    given: v.to_string(),
                    allowed: "0, 1, 2, 3, 4".into(),
                });
            }
        }
        Ok(Self {
            physical,
            intellectual,
            social,
            behaviour,
        })
    }

    /// The sum of the four ratings, 0-16: the support-intensity score.
    pub fn score(&self) -> u8 {
        self.physical + self.intellectual + self.social + self.behaviour
    }
}

/// The assessment outcome a budget is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Which scheme.
    pub group: BudgetGroup,
    /// The level as the policy names it (care level `I`-`IV`, support level `1`-`3`); for
    /// children it is derived from `ratings` by the policy and may be left out.
    pub level: Option<String>,
    /// Where the person lives, where the policy's packages depend on it.
    pub living: Option<LivingSituation>,
    /// A child's domain ratings.
    pub ratings: Option<DomainRatings>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_errors_list_allowed() {
        for g in BudgetGroup::ALL {
            assert_eq!(g.code().parse::<BudgetGroup>().unwrap(), *g);
        }
        let e = "flat".parse::<LivingSituation>().unwrap_err();
        assert_eq!(e.to_string(), "living: \"flat\" is not allowed; allowed: family, social-home, group-flat, institution");
    }

    #[test]
    fn ratings_are_on_the_scale() {
        assert_eq!(DomainRatings::new(4, 4, 4, 4).unwrap().score(), 16);
        let e = DomainRatings::new(1, 5, 0, 0).unwrap_err();
        assert_eq!(e.field, "intellectual");
    }
}
