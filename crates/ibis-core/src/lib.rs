//! The ibis domain core: types and rules only. No I/O, no async, no SQL, no HTTP.
//!
//! The core decides; `ibis-store` remembers; `ibis-web` translates between people and the core.

pub mod access;
pub mod agreement;
pub mod assessment;
pub mod budget;
pub mod calendar;
pub mod catalogue;
pub mod claim;
pub mod csv_import;
pub mod decision;
pub mod field;
pub mod generate;
pub mod grant;
pub mod lang;
pub mod ledger;
pub mod money;
pub mod monitoring;
pub mod municipality;
pub mod outcome;
pub mod period;
pub mod personal_code;
pub mod plan;
pub mod policy;
pub mod rawnum;
pub mod registry;
pub mod review;
pub mod sepa;
pub mod simulate;
pub mod tariff;

pub use period::Period;
