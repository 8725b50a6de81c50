//! Placeholder for the ibis-web crate (filled by the registry issue).
