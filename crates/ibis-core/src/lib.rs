//! The ibis domain core: types and rules only. No I/O, no async, no SQL, no HTTP.
//!
//! The core decides; `ibis-store` remembers; `ibis-web` translates between people and the core.

pub mod calendar;
pub mod catalogue;
pub mod money;
pub mod period;

pub use period::Period;
