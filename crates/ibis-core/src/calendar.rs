//! The Latvian calendar of working days (darba dienas).
//!
//! Placeholder: being written (public holidays, Easter, moved working days as data).
