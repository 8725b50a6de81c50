//! Monthly statements and monthly municipal grants as the API and the pages run them: who may
//! see what is decided here, the store reads the claims and the ledger, and the core computes
//! the grant on the Latvian calendar.
//!
//! | what | who |
//! | --- | --- |
//! | a person's statement of a budget | the person or their representative, social workers and approvers, in scope |
//! | a provider's statement | that provider's staff (all its claims); social workers and approvers of a municipality it serves (the claims of their municipality's people) |
//! | a municipality's grant | social workers and approvers (their municipality), analysts (any municipality; counts and amounts only) |

use ibis_core::access::{Action, Role, Scope};
use ibis_core::calendar::Calendar;
use ibis_core::grant::{municipality_grant, ClientMonth};
use ibis_core::money::Money;
use ibis_core::outcome::BudgetGroup;
use ibis_core::Period;
use ibis_store::statements::{PersonStatement, ProviderStatement};
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// Roles that read a person's statement (within their scope).
pub const STATEMENT_READERS: &[Role] = Action::ReadStatement.roles();

/// Roles that see a municipality's monthly grant.
pub const GRANT_READERS: &[Role] = Action::ReadGrant.roles();

/// Reads a month written `YYYY-MM` (years 2000-2100). Anything else is a 400 naming `month`.
pub fn parse_month(raw: &str) -> Result<Period, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "month",
            format!("\"{raw}\" is not a month; write it as YYYY-MM, e.g. 2026-06"),
        )
    };
    let raw_trim = raw.trim();
    let (y, m) = raw_trim.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    Ok(Period::month(year, month))
}

/// The month that holds a day.
pub fn month_of(day: time::Date) -> Period {
    Period::month(day.year(), day.month())
}

/// The month before and after a month.
pub fn neighbours(month: &Period) -> (Period, Period) {
    let prev = month.from.previous_day().map(month_of).unwrap_or(*month);
    let next = month.to.map(month_of).unwrap_or(*month);
    (prev, next)
}

/// A person's monthly statement of a budget decision: 403 for a role that does not read
/// statements, 404 when the decision's person is out of the caller's scope.
pub async fn person_statement(
    state: &AppState,
    caller: &Caller,
    decision_id: i64,
    month: Period,
) -> Result<PersonStatement, ApiError> {
    if !STATEMENT_READERS.contains(&caller.user.role) {
        return Err(ApiError::forbidden(format!(
            "the role {} does not read a person's statement",
            caller.user.role
        )));
    }
    Ok(state
        .store
        .person_statement(&caller.auditor(), &caller.scope(), decision_id, month)
        .await?)
}

/// A provider's monthly statement: its own staff see all its claims; social workers and
/// approvers of a municipality the provider serves see the claims of their municipality's
/// people. 404 for no such provider, 403 for anyone else.
pub async fn provider_statement(
    state: &AppState,
    caller: &Caller,
    provider_id: i64,
    month: Period,
) -> Result<ProviderStatement, ApiError> {
    let provider = state.store.provider(provider_id).await?;
    let municipality = match caller.user.role {
        Role::Provider if caller.user.provider_id == Some(provider_id) => None,
        Role::Provider => {
            return Err(ApiError::forbidden(
                "provider staff see their own provider's statement only",
            ))
        }
        Role::SocialWorker | Role::Approver => match &caller.user.municipality {
            Some(m) if provider.municipalities.contains(m) => Some(m.clone()),
            _ => {
                return Err(ApiError::forbidden(
                    "this provider does not serve your municipality",
                ))
            }
        },
        other => {
            return Err(ApiError::forbidden(format!(
                "the role {other} does not read a provider's statement"
            )))
        }
    };
    Ok(state
        .store
        .provider_statement(
            &caller.auditor(),
            provider_id,
            month,
            municipality.as_deref(),
            &caller.scope(),
        )
        .await?)
}

/// One care level in a municipality's grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GrantLevel {
    /// The care level (`I`-`IV`).
    pub care_level: String,
    /// Adults with a budget of this level in force in the month.
    pub clients: u32,
    /// Of them, served in the month (at least one day with services).
    pub served: u32,
    /// Of them, with the month's amount halved.
    pub halved: u32,
    /// The full monthly amounts of those served.
    pub full_eur: String,
    /// The grant for this level.
    pub grant_eur: String,
}

/// A municipality's monthly grant for its adult clients: counts and amounts, no names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GrantReport {
    /// The municipality.
    pub municipality: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Working days in the month (Latvian calendar).
    pub working_days: u32,
    /// Whether the calendar's data (moved working days, one-off holidays) has been reviewed for
    /// the month's year; if not, only the holidays by rule are known.
    pub calendar_reviewed: bool,
    /// The share of working days below which a client's month is halved (`0.5`).
    pub halve_below_share: String,
    /// Adults with a budget of group `adult-grt` in force in the month.
    pub clients: u32,
    /// Of them, served in the month.
    pub served: u32,
    /// Of them, halved.
    pub halved: u32,
    /// The grant.
    pub total_eur: String,
    /// By care level, in level order.
    pub by_level: Vec<GrantLevel>,
}

/// A municipality's grant for a month: each adult client's decided monthly amount, halved when
/// services ran on fewer than half the month's working days, nothing when not served
/// ([`ibis_core::grant::municipality_grant`] on [`Calendar::latvia`]). Social workers and
/// approvers see their own municipality (`municipality` may be left out); analysts name one.
pub async fn grant(
    state: &AppState,
    caller: &Caller,
    month: Period,
    municipality: Option<&str>,
) -> Result<GrantReport, ApiError> {
    if !GRANT_READERS.contains(&caller.user.role) {
        return Err(ApiError::forbidden(format!(
            "the role {} does not see municipal grants",
            caller.user.role
        )));
    }
    let asked = municipality.map(str::trim).filter(|m| !m.is_empty());
    let code = match (caller.scope(), asked) {
        (Scope::Municipality(own), None) => own,
        (Scope::Municipality(own), Some(m)) if m == own => own,
        (Scope::Municipality(_), Some(_)) => {
            return Err(ApiError::forbidden(
                "you see the grant of your own municipality only",
            ))
        }
        (_, Some(m)) if caller.user.role == Role::Analyst => m.to_owned(),
        (_, None) if caller.user.role == Role::Analyst => {
            return Err(ApiError::bad_request(
                "municipality",
                "name the municipality: ?municipality=CODE",
            ))
        }
        _ => {
            return Err(ApiError::forbidden(
                "you are not attached to a municipality",
            ))
        }
    };
    state.store.municipality(&code).await?;
    let calendar = Calendar::latvia();
    let share = state
        .policies
        .select(BudgetGroup::AdultGrt, month.from)
        .ok()
        .and_then(|p| p.grant)
        .map(|g| g.halve_below_share)
        .ok_or_else(|| {
            ApiError::invalid(vec![ibis_core::field::FieldError::new(
                "month",
                "no adult policy with a monthly-grant rule is in force in this month",
            )])
        })?;
    let clients = state
        .store
        .grant_clients(&caller.auditor(), &code, month)
        .await?;
    let months: Vec<ClientMonth> = clients
        .iter()
        .map(|c| ClientMonth {
            client: c.person_id.to_string(),
            care_level: c.care_level.clone(),
            full: c.monthly,
            service_days: c.service_days.clone(),
        })
        .collect();
    let g = municipality_grant(&months, month, calendar, share);
    let mut levels: std::collections::BTreeMap<String, (u32, u32, u32, Money, Money)> =
        Default::default();
    for (line, c) in g.lines.iter().zip(&months) {
        let l = levels.entry(line.care_level.clone()).or_default();
        l.0 += 1;
        if line.served {
            l.1 += 1;
            l.3 += c.full;
        }
        if line.grant.halved {
            l.2 += 1;
        }
        l.4 += line.grant.amount_eur;
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(GrantReport {
        municipality: code,
        month: ibis_store::statements::month_code(&month),
        working_days: g.working_days,
        calendar_reviewed: calendar.covers_year(month.from.year()),
        halve_below_share: share.to_string(),
        clients: count(months.len()),
        served: g.served,
        halved: g.halved,
        total_eur: g.total.to_string(),
        by_level: levels
            .into_iter()
            .map(
                |(care_level, (clients, served, halved, full, grant))| GrantLevel {
                    care_level,
                    clients,
                    served,
                    halved,
                    full_eur: full.to_string(),
                    grant_eur: grant.to_string(),
                },
            )
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_strictly() {
        let m = parse_month("2025-11")
            .map_err(|e| e.message)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m, Period::month(2025, time::Month::November));
        for bad in [
            "2025-13",
            "2025-1",
            "25-11",
            "2025/11",
            "",
            "2025-11-01",
            "abcd-ef",
            "1999-12",
        ] {
            let e = parse_month(bad)
                .err()
                .map(|e| (e.status, e.fields[0].field.clone()));
            assert_eq!(
                e,
                Some((axum::http::StatusCode::BAD_REQUEST, "month".to_owned())),
                "{bad}"
            );
        }
        let (prev, next) = neighbours(&Period::month(2026, time::Month::January));
        assert_eq!(prev, Period::month(2025, time::Month::December));
        assert_eq!(next, Period::month(2026, time::Month::February));
    }
}
