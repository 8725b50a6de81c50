//! Placeholder for the ibis-store crate (filled by the registry issue).
