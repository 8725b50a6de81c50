//! Exact numbers as written in reviewed data files (policies, tariffs): a string such as
//! `"11.25"` or a whole number such as `30`. A TOML float (`11.25` without quotes) is refused,
//! because it would pass through binary floating point.

use serde::Deserialize;

/// A number as written in a data file, before it is checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawNum {
    /// A decimal written as a string, e.g. `"11.25"`.
    Str(String),
    /// A whole number, e.g. `30`.
    Int(i64),
    /// A float: refused with a hint.
    Float(f64),
}

impl RawNum {
    /// The number's text, or a message saying how to write it exactly.
    pub fn text(&self) -> Result<String, String> {
        match self {
            RawNum::Str(s) => Ok(s.clone()),
            RawNum::Int(i) => Ok(i.to_string()),
            RawNum::Float(f) => Err(format!(
                "{f} is written as a floating-point number; write it as a string, \"{f}\", so it stays exact"
            )),
        }
    }

    /// Parses the number with `parse`, prefixing errors with nothing (the caller names the field).
    pub fn parse<T, E: std::fmt::Display>(
        &self,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<T, String> {
        let text = self.text()?;
        parse(&text).map_err(|e| e.to_string())
    }
}
