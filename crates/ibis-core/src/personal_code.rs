//! The Latvian personal code (personas kods).
//!
//! Eleven digits, written `DDMMYY-NNNNN` (the hyphen after the sixth digit is optional). Two
//! formats exist:
//!
//! - **Old format**, assigned until 30 June 2017: `DDMMYY` is the birth date, the 7th digit the
//!   century (0 = 1800s, 1 = 1900s, 2 = 2000s), the 8th-10th a serial number and the 11th a check
//!   digit: with weights 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 over the first ten digits,
//!   `check = ((1101 - weighted sum) mod 11) mod 10`. Where the remainder is 10, the published
//!   descriptions of the algorithm give check digit 0, and so does this module: a code that
//!   follows the published formula is never refused.
//! - **New format**, assigned from 1 July 2017 (and on request in place of an old code): the
//!   first digit is 3, the second 2-9 (it was always 2 until the law allowed 2-9), the other nine
//!   are random. It carries no birth date and no check digit, so only its shape is checked.
//!
//! The first two digits tell the formats apart: an old-format code starts with a day of the
//! month, which is never 32-39.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

/// Weights of the first ten digits in the old-format check digit.
const WEIGHTS: [u32; 10] = [1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A valid Latvian personal code, stored as its 11 digits (without the hyphen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonalCode {
    digits: [u8; 11],
}

/// What is wrong with a personal code. The messages are meant to follow "personal_code: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalCodeError {
    /// Nothing was given.
    #[error("is empty; expected 11 digits written DDMMYY-NNNNN")]
    Empty,
    /// A character other than a digit, or a hyphen anywhere but after the sixth digit.
    #[error(
        "may contain only digits and one hyphen after the sixth digit (DDMMYY-NNNNN); found {found:?}"
    )]
    Characters {
        /// The offending character.
        found: char,
    },
    /// Not 11 digits.
    #[error("must have 11 digits (DDMMYY-NNNNN); found {digits}")]
    Length {
        /// The number of digits found.
        digits: usize,
    },
    /// The 7th digit of an old-format code is not a century digit.
    #[error(
        "the 7th digit gives the century of birth and must be 0 (1800s), 1 (1900s) or 2 (2000s); found {digit}"
    )]
    Century {
        /// The digit found.
        digit: u8,
    },
    /// The first six digits of an old-format code are not a date.
    #[error(
        "the first six digits must be a birth date DDMMYY, but day {day:02}, month {month:02} of {year} does not exist"
    )]
    ImpossibleDate {
        /// Day of the month as written.
        day: u8,
        /// Month as written.
        month: u8,
        /// Full year (with the century digit applied).
        year: i32,
    },
    /// An old-format code with a birth date after 30 June 2017, when such codes stopped being
    /// assigned.
    #[error(
        "a code that contains a birth date was assigned only until 30.06.2017, but this one gives {date}"
    )]
    AfterOldFormat {
        /// The birth date the code gives, as DD.MM.YYYY.
        date: String,
    },
    /// The check digit of an old-format code does not match the first ten digits.
    #[error(
        "the last digit ({found}) does not match the check digit of the first ten ({expected}); a digit is probably mistyped"
    )]
    CheckDigit {
        /// The check digit the first ten digits give.
        expected: u8,
        /// The last digit as written.
        found: u8,
    },
}

impl PersonalCode {
    /// Reads a personal code: `DDMMYY-NNNNN` or 11 digits without the hyphen; surrounding
    /// whitespace is ignored. Checks the shape, and for the old format the century digit, the
    /// birth date and the check digit.
    pub fn parse(input: &str) -> Result<Self, PersonalCodeError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PersonalCodeError::Empty);
        }
        let mut digits = Vec::with_capacity(11);
        for (i, c) in s.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                '-' if i == 6 && digits.len() == 6 => {}
                other => return Err(PersonalCodeError::Characters { found: other }),
            }
        }
        let digits: [u8; 11] =
            digits
                .as_slice()
                .try_into()
                .map_err(|_| PersonalCodeError::Length {
                    digits: digits.len(),
                })?;
        let code = PersonalCode { digits };
        if !code.is_new_format() {
            code.check_old_format()?;
        }
        Ok(code)
    }

    /// Whether this is a new-format code (from 1 July 2017): starts with 3 and then 2-9, no
    /// birth date, no check digit.
    pub fn is_new_format(&self) -> bool {
        self.digits[0] == 3 && self.digits[1] >= 2
    }

    /// The birth date an old-format code gives; `None` for a new-format code.
    pub fn birth_date(&self) -> Option<Date> {
        if self.is_new_format() {
            return None;
        }
        old_format_date(&self.digits).ok()
    }

    /// The 11 digits without the hyphen, e.g. `01010110006`.
    pub fn compact(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    fn check_old_format(&self) -> Result<(), PersonalCodeError> {
        let date = old_format_date(&self.digits)?;
        if date > time::macros::date!(2017 - 06 - 30) {
            return Err(PersonalCodeError::AfterOldFormat {
                date: format!(
                    "{:02}.{:02}.{}",
                    date.day(),
                    u8::from(date.month()),
                    date.year()
                ),
            });
        }
        let mut first_ten = [0u8; 10];
        first_ten.copy_from_slice(&self.digits[..10]);
        let expected = old_format_check_digit(&first_ten);
        let found = self.digits[10];
        if expected != found {
            return Err(PersonalCodeError::CheckDigit { expected, found });
        }
        Ok(())
    }
}

/// `(1101 - weighted sum) mod 11`, in 0..=10.
fn old_format_remainder(first_ten: &[u8; 10]) -> u32 {
    let sum: u32 = first_ten
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    // The sum is at most 9 * 55 = 495, so 1101 - sum stays positive.
    (1101 - sum) % 11
}

/// The old-format check digit of the first ten digits (each 0-9): the remainder, with 10
/// written as 0.
fn old_format_check_digit(first_ten: &[u8; 10]) -> u8 {
    (old_format_remainder(first_ten) % 10) as u8
}

/// The birth date of an old-format code (century digit and calendar checked).
fn old_format_date(d: &[u8; 11]) -> Result<Date, PersonalCodeError> {
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let yy = i32::from(d[4]) * 10 + i32::from(d[5]);
    let century = match d[6] {
        0 => 1800,
        1 => 1900,
        2 => 2000,
        digit => return Err(PersonalCodeError::Century { digit }),
    };
    let year = century + yy;
    let impossible = PersonalCodeError::ImpossibleDate { day, month, year };
    let m = Month::try_from(month).map_err(|_| impossible.clone())?;
    Date::from_calendar_date(year, m, day).map_err(|_| impossible)
}

impl FromStr for PersonalCode {
    type Err = PersonalCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PersonalCode::parse(s)
    }
}

impl fmt::Display for PersonalCode {
    /// `DDMMYY-NNNNN` (for both formats).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.compact();
        write!(f, "{}-{}", &s[..6], &s[6..])
    }
}

impl Serialize for PersonalCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PersonalCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        PersonalCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn p(s: &str) -> Result<PersonalCode, PersonalCodeError> {
        PersonalCode::parse(s)
    }

    /// Codes checked by hand against the formula: the example of the brief, codes from
    /// python-stdnum's documentation and from public descriptions of the format.
    #[test]
    fn known_valid_old_codes() {
        // 010101-10006: weighted sum 28, (1101 - 28) mod 11 = 6.
        let c = p("010101-10006").unwrap();
        assert_eq!(c.birth_date(), Some(date!(1901 - 01 - 01)));
        assert!(!c.is_new_format());
        // 161175-19997: sum 291, 810 mod 11 = 7.
        assert_eq!(
            p("161175-19997").unwrap().birth_date(),
            Some(date!(1975 - 11 - 16))
        );
        // 290758-10403: sum 251, 850 mod 11 = 3.
        assert_eq!(
            p("29075810403").unwrap().birth_date(),
            Some(date!(1958 - 07 - 29))
        );
        // 111111-11410: sum 67, 1034 mod 11 = 0.
        assert_eq!(
            p(" 111111-11410\n").unwrap().birth_date(),
            Some(date!(1911 - 11 - 11))
        );
        // 280794-12344: sum 261, 840 mod 11 = 4.
        assert!(p("280794-12344").is_ok());
    }

    #[test]
    fn remainder_ten_gives_check_digit_zero() {
        // 121282-1121?: weighted sum 145, (1101 - 145) mod 11 = 10, written as 0.
        let first_ten = [1, 2, 1, 2, 8, 2, 1, 1, 2, 1];
        assert_eq!(old_format_remainder(&first_ten), 10);
        assert_eq!(old_format_check_digit(&first_ten), 0);
        assert!(p("121282-11210").is_ok());
        assert!(matches!(
            p("121282-11211"),
            Err(PersonalCodeError::CheckDigit {
                expected: 0,
                found: 1
            })
        ));
    }

    #[test]
    fn display_and_compact() {
        let c = p("01010110006").unwrap();
        assert_eq!(c.to_string(), "010101-10006");
        assert_eq!(c.compact(), "01010110006");
        assert_eq!("010101-10006".parse::<PersonalCode>(), Ok(c));
        let n = p("325035-11782").unwrap();
        assert_eq!(n.to_string(), "325035-11782");
    }

    #[test]
    fn new_format_has_no_date_and_no_check_digit() {
        for s in [
            "32503511782",
            "320010-10002",
            "32000000000",
            "39999999999",
            "350000-00001",
        ] {
            let c = p(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(c.is_new_format(), "{s}");
            assert_eq!(c.birth_date(), None, "{s}");
        }
        // 30 and 31 are days, so these are old-format codes and must be dates.
        assert!(matches!(
            p("31000000000"),
            Err(PersonalCodeError::ImpossibleDate { .. })
        ));
        assert!(matches!(
            p("30130010000"),
            Err(PersonalCodeError::ImpossibleDate { .. })
        ));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(p("  "), Err(PersonalCodeError::Empty));
        assert_eq!(
            p("010101-1000"),
            Err(PersonalCodeError::Length { digits: 10 })
        );
        assert_eq!(
            p("0101011000612"),
            Err(PersonalCodeError::Length { digits: 13 })
        );
        assert_eq!(
            p("010101 10006"),
            Err(PersonalCodeError::Characters { found: ' ' })
        );
        assert_eq!(
            p("0101-0110006"),
            Err(PersonalCodeError::Characters { found: '-' })
        );
        assert_eq!(
            p("010101--10006"),
            Err(PersonalCodeError::Characters { found: '-' })
        );
        assert_eq!(
            p("01010a-10006"),
            Err(PersonalCodeError::Characters { found: 'a' })
        );
        assert_eq!(
            p("010101-30006"),
            Err(PersonalCodeError::Century { digit: 3 })
        );
        assert_eq!(
            p("310485-10000"),
            Err(PersonalCodeError::ImpossibleDate {
                day: 31,
                month: 4,
                year: 1985
            })
        );
        assert_eq!(
            p("290201-20000"),
            Err(PersonalCodeError::ImpossibleDate {
                day: 29,
                month: 2,
                year: 2001
            })
        );
        assert!(matches!(
            p("010717-20000"),
            Err(PersonalCodeError::AfterOldFormat { .. })
        ));
        assert!(matches!(
            p("010101-10007"),
            Err(PersonalCodeError::CheckDigit {
                expected: 6,
                found: 7
            })
        ));
        let msg = p("310485-10000").unwrap_err().to_string();
        assert!(msg.contains("day 31, month 04 of 1985"), "{msg}");
        let msg = p("010717-20000").unwrap_err().to_string();
        assert!(msg.contains("01.07.2017"), "{msg}");
    }

    #[test]
    fn serde_uses_the_written_form() {
        let c = p("01010110006").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"010101-10006\"");
        assert_eq!(
            serde_json::from_str::<PersonalCode>("\"01010110006\"").unwrap(),
            c
        );
        let e = serde_json::from_str::<PersonalCode>("\"010101-10007\"").unwrap_err();
        assert!(e.to_string().contains("check digit"), "{e}");
    }

    /// A valid old-format code from a birth date and a three-digit serial.
    fn old_code(d: Date, serial: u16) -> [u8; 11] {
        let year = d.year();
        let century = ((year - 1800) / 100) as u8;
        let yy = (year % 100) as u8;
        let day = d.day();
        let month = u8::from(d.month());
        let mut digits = [
            day / 10,
            day % 10,
            month / 10,
            month % 10,
            yy / 10,
            yy % 10,
            century,
            (serial / 100) as u8,
            (serial / 10 % 10) as u8,
            (serial % 10) as u8,
            0,
        ];
        let mut first_ten = [0u8; 10];
        first_ten.copy_from_slice(&digits[..10]);
        digits[10] = old_format_check_digit(&first_ten);
        digits
    }

    fn any_old_date() -> impl Strategy<Value = Date> {
        let first = date!(1800 - 01 - 01).to_julian_day();
        let last = date!(2017 - 06 - 30).to_julian_day();
        (first..=last).prop_map(|j| Date::from_julian_day(j).unwrap())
    }

    fn ten(d: &[u8; 11]) -> [u8; 10] {
        let mut t = [0u8; 10];
        t.copy_from_slice(&d[..10]);
        t
    }

    proptest! {
        /// Every old-format code built from a date in 1800-01-01..=2017-06-30 and a serial
        /// 000-999 is valid, gives its date back, and survives Display -> parse and the compact
        /// form -> parse.
        #[test]
        fn old_codes_round_trip(d in any_old_date(), serial in 0u16..1000) {
            let digits = old_code(d, serial);
            let code = PersonalCode { digits };
            let shown = code.to_string();
            prop_assert_eq!(shown.len(), 12);
            prop_assert_eq!(&shown[6..7], "-");
            prop_assert_eq!(PersonalCode::parse(&shown), Ok(code));
            prop_assert_eq!(PersonalCode::parse(&code.compact()), Ok(code));
            prop_assert_eq!(PersonalCode::parse(&format!("  {shown}\t")), Ok(code));
            prop_assert_eq!(code.birth_date(), Some(d));
            prop_assert!(!code.is_new_format());
        }

        /// Changing one digit of a valid old-format code gives a code that is refused, except
        /// in exactly two honest cases:
        /// 1. the change makes the code start with 3 and 2-9, i.e. a new-format code, which has
        ///    no check digit (only possible at the first two positions);
        /// 2. the change moves the remainder of the first ten digits between 0 and 10, both of
        ///    which give check digit 0 (the weights are all non-zero mod 11, so any other change
        ///    in the first ten digits changes the remainder and the check digit).
        /// A change of the check digit itself is always refused.
        #[test]
        fn one_changed_digit_is_caught_or_explained(
            d in any_old_date(),
            serial in 0u16..1000,
            pos in 0usize..11,
            delta in 1u8..10,
        ) {
            let original = old_code(d, serial);
            let mut changed = original;
            changed[pos] = (changed[pos] + delta) % 10;
            let text: String = changed.iter().map(|x| char::from(b'0' + x)).collect();
            match PersonalCode::parse(&text) {
                Err(_) => {}
                Ok(c) => {
                    prop_assert_ne!(c.digits, original);
                    prop_assert!(pos < 10, "a changed check digit was accepted: {}", text);
                    if c.is_new_format() {
                        prop_assert!(pos <= 1);
                    } else {
                        let (a, b) = (old_format_remainder(&ten(&original)), old_format_remainder(&ten(&changed)));
                        prop_assert!(
                            (a, b) == (0, 10) || (a, b) == (10, 0),
                            "old-format change accepted with remainders {} -> {}: {}", a, b, text
                        );
                        prop_assert_eq!(original[10], 0);
                    }
                }
            }
        }
    }
}
