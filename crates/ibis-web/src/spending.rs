//! Spending as the API and the pages run it: agreements, visits, claims and balances. Each
//! step loads what the core needs, lets the core decide, and lets the store keep it.

use ibis_core::access::Action;
use ibis_core::agreement::AgreementInput;
use ibis_core::claim::ClaimLine;
use ibis_core::claim::{parse_local_datetime, ClaimLineInput, VisitInput};
use ibis_core::field::FieldError;
use ibis_store::spending::{AgreementRow, BatchLine, BudgetBalances, ClaimResult};
use ibis_store::StoreError;

use crate::auth::Caller;
use crate::cycle::require_to;
use crate::error::ApiError;
use crate::AppState;

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid(vec![FieldError::new(field, message)])
}

/// The local date and time in Riga now.
pub fn riga_now() -> time::PrimitiveDateTime {
    ibis_core::period::riga_datetime(time::OffsetDateTime::now_utc())
}

/// Registers an agreement between the person and a provider for a plan line (social
/// workers, for the person). The price may exceed the tariff; the difference is the person's
/// co-payment.
pub async fn create_agreement(
    state: &AppState,
    caller: &Caller,
    plan_id: i64,
    input: &AgreementInput,
) -> Result<AgreementRow, ApiError> {
    // Out of scope is not found, before anything about the role is said.
    state
        .store
        .plan_for_agreement(&caller.scope(), plan_id)
        .await?;
    require_to(
        caller,
        Action::RegisterAgreement,
        "register agreements (a social worker does)",
    )?;
    // The store checks the plan's state and the line (with the other agreements on it) and
    // keeps the agreement in one transaction under the budget's lock.
    Ok(state
        .store
        .create_agreement(
            &caller.auditor(),
            &caller.scope(),
            plan_id,
            input,
            &state.policies,
        )
        .await?)
}

/// Checks in a visit (provider staff, for their provider's clients); a card or code scan is
/// recorded as the check-in method.
pub async fn check_in(
    state: &AppState,
    caller: &Caller,
    input: &VisitInput,
) -> Result<ibis_core::claim::Visit, ApiError> {
    require_to(
        caller,
        Action::RecordVisit,
        "check visits in (provider staff do)",
    )?;
    if caller.user.provider_id != Some(input.provider_id) {
        return Err(invalid(
            "provider_id",
            "you may check in visits of your own provider only",
        ));
    }
    let v = input.check(0, riga_now()).map_err(ApiError::invalid)?;
    Ok(state
        .store
        .create_visit(&caller.auditor(), &caller.scope(), &v)
        .await?)
}

/// Checks a visit out, or confirms or disputes it (the person or a social worker).
pub async fn visit_action(
    state: &AppState,
    caller: &Caller,
    visit_id: i64,
    action: &str,
    value: Option<&str>,
) -> Result<ibis_core::claim::Visit, ApiError> {
    let v = state.store.visit(&caller.scope(), visit_id).await?;
    let changed = match action {
        "check-out" => {
            require_to(
                caller,
                Action::RecordVisit,
                "check visits out (provider staff do)",
            )?;
            let end =
                parse_local_datetime(value.unwrap_or_default()).map_err(|m| invalid("end", m))?;
            v.check_out(end, riga_now())
                .map_err(|m| invalid("end", m))?
        }
        "confirm" | "dispute" => {
            require_to(caller, Action::ConfirmVisit, "confirm or dispute a visit (the person, their representative or a social worker does)")?;
            if action == "confirm" {
                v.confirm().map_err(|m| invalid("visit", m))?
            } else {
                v.dispute(value.unwrap_or_default())
                    .map_err(|m| invalid("reason", m))?
            }
        }
        other => {
            return Err(invalid(
                "action",
                format!("\"{other}\" is not allowed; allowed: check-out, confirm, dispute"),
            ))
        }
    };
    Ok(state
        .store
        .update_visit(&caller.auditor(), &caller.scope(), &changed, action)
        .await?)
}

/// Decides one claim line: provider staff claim for their provider; for an agreement paid
/// directly to the person, the person's social worker claims the reimbursement against the
/// receipt.
pub async fn claim(
    state: &AppState,
    caller: &Caller,
    input: &ClaimLineInput,
) -> Result<ClaimResult, ApiError> {
    let role = caller.user.role;
    let provider_id = match caller.user.provider_id {
        Some(p) if role.may(Action::SendClaims) => p,
        _ if role.may(Action::ClaimDirectPayment) => {
            let a = state
                .store
                .agreement(&caller.scope(), input.agreement_id)
                .await?;
            if a.agreement.payee.mode != ibis_core::agreement::PaymentMode::Person {
                return Err(ApiError::forbidden("the provider claims for this agreement; a social worker claims only direct payments to the person"));
            }
            a.provider_id
        }
        _ => return Err(ApiError::forbidden("only provider staff send claims")),
    };
    let line = input.check().map_err(ApiError::invalid)?;
    Ok(state
        .store
        .decide_claim(
            &caller.auditor(),
            provider_id,
            &line,
            &state.policies,
            crate::today(),
        )
        .await?)
}

/// The balances of a budget decision.
pub async fn balances(
    state: &AppState,
    caller: &Caller,
    decision_id: i64,
) -> Result<BudgetBalances, ApiError> {
    // The balances are part of the person's record: the store audits the read with it.
    Ok(state
        .store
        .budget_balances(&caller.auditor(), &caller.scope(), decision_id)
        .await?)
}

/// Prepares a payment run of everything payable for the approver's municipality.
pub async fn prepare_run(
    state: &AppState,
    caller: &Caller,
    debtor_name: &str,
    debtor_iban: &str,
    execution_date: &str,
) -> Result<ibis_store::payments::RunRow, ApiError> {
    let municipality = municipal(caller, Action::ManagePaymentRuns, "prepare payment runs")?;
    let mut errors = Vec::new();
    let name = ibis_core::registry::required_text("debtor_name", debtor_name, 70, &mut errors);
    let date = ibis_core::registry::date_field("execution_date", execution_date, &mut errors);
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    if date < crate::today() {
        return Err(invalid("execution_date", format!("{date} is in the past")));
    }
    Ok(state
        .store
        .prepare_run(&caller.auditor(), &municipality, &name, debtor_iban, date)
        .await?)
}

/// Moves a payment run: `review` (a social worker or approver other than who prepared it),
/// `release` (approvers), `cancel`, `reopen`.
pub async fn move_run(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
    action: &str,
) -> Result<ibis_store::payments::RunRow, ApiError> {
    use ibis_core::sepa::RunState;
    let (to, may) = match action {
        "review" => (RunState::Reviewed, Action::ReviewPaymentRun),
        "release" => (RunState::Released, Action::ManagePaymentRuns),
        "cancel" => (RunState::Cancelled, Action::ManagePaymentRuns),
        "reopen" => (RunState::Draft, Action::ManagePaymentRuns),
        other => {
            return Err(invalid(
                "action",
                format!("\"{other}\" is not allowed; allowed: review, release, cancel, reopen"),
            ))
        }
    };
    let municipality = municipal(caller, may, "do this to a payment run")?;
    Ok(state
        .store
        .move_run(&caller.auditor(), &municipality, run_id, to, riga_now())
        .await?)
}

/// A payment run of the caller's municipality.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    run_id: i64,
) -> Result<ibis_store::payments::RunRow, ApiError> {
    let municipality = municipal(caller, Action::ReadPaymentRuns, "see payment runs")?;
    Ok(state.store.run(&municipality, run_id).await?)
}

fn municipal(caller: &Caller, action: Action, what: &str) -> Result<String, ApiError> {
    require_to(caller, action, what)?;
    caller
        .user
        .municipality
        .clone()
        .ok_or_else(|| ApiError::forbidden("you are not attached to a municipality"))
}

/// Claims with anomalies for the caller's people (case managers: social workers, approvers).
pub async fn flagged(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<ibis_store::spending::FlaggedClaim>, ApiError> {
    require_to(
        caller,
        Action::ReviewClaims,
        "see anomalies (they are for case managers)",
    )?;
    Ok(state.store.flagged_claims(&caller.scope()).await?)
}

/// Approves or refuses a claim held for review.
pub async fn review_claim(
    state: &AppState,
    caller: &Caller,
    claim_id: i64,
    approve: bool,
    note: &str,
) -> Result<BudgetBalances, ApiError> {
    require_to(
        caller,
        Action::ReviewClaims,
        "review held claims (case managers do)",
    )?;
    let mut errors = Vec::new();
    let note = ibis_core::registry::required_text("note", note, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(state
        .store
        .review_claim(
            &caller.auditor(),
            &caller.scope(),
            claim_id,
            approve,
            &note,
            crate::today(),
        )
        .await?)
}

/// Closes a budget's period (approvers): what is unspent is returned.
pub async fn close_budget(
    state: &AppState,
    caller: &Caller,
    decision_id: i64,
) -> Result<BudgetBalances, ApiError> {
    require_to(
        caller,
        Action::CloseBudget,
        "close a budget's period (an approver does)",
    )?;
    Ok(state
        .store
        .close_budget(
            &caller.auditor(),
            &caller.scope(),
            decision_id,
            crate::today(),
        )
        .await?)
}

/// One line of a bulk upload's report.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BulkLine {
    /// Line number in the file (the header is line 1).
    pub line_no: usize,
    /// `imported`, `refused` (decided and refused, with reasons), `invalid` (could not be
    /// read, or the store could not keep it; with fields) or `not-imported` (good, but the
    /// upload was all-or-nothing and another line was invalid).
    pub status: String,
    /// The claim's result, for imported and refused lines.
    #[schema(value_type = Object)]
    pub result: Option<ClaimResult>,
    /// What is wrong, for invalid lines.
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<FieldError>,
}

/// The report of a bulk upload.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BulkReport {
    /// `all-or-nothing` or `good-lines-only`.
    pub mode: String,
    /// Lines read.
    pub lines: usize,
    /// Lines decided (accepted or refused).
    pub decided: usize,
    /// Lines that could not be read or kept.
    pub invalid: usize,
    /// Every line.
    pub report: Vec<BulkLine>,
}

fn bulk_line(
    line_no: usize,
    status: &str,
    result: Option<ClaimResult>,
    problems: Vec<FieldError>,
) -> BulkLine {
    BulkLine {
        line_no,
        status: status.into(),
        result,
        problems,
    }
}

/// Lines of a `good-lines-only` upload decided in one transaction (one commit). Each line is
/// decided in a savepoint, a subtransaction on PostgreSQL, which keeps up to 64 of them per
/// transaction in memory before it spills to disk; a batch stays below that.
pub const BULK_BATCH_LINES: usize = 50;

/// Takes a CSV of claims (provider staff). Every bad line is reported by number and reason.
/// With `all-or-nothing` the whole file is decided in ONE transaction: a single bad line, or a
/// line the store cannot keep (its key holds another claim, its budget is closed), stops the
/// whole file and nothing of it is kept; so does an error or a cut (the request timeout),
/// since the transaction is then never committed. With `good-lines-only` the good lines are
/// decided in batches of [`BULK_BATCH_LINES`], one transaction each; a line the store cannot
/// keep is rolled back alone and reported. A line is never half-imported, and a file sent
/// again gets the same answers (each line's key replays) and writes nothing new.
pub async fn bulk(
    state: &AppState,
    caller: &Caller,
    csv: &str,
    mode: &str,
) -> Result<BulkReport, ApiError> {
    bulk_each(state, caller, csv, mode, |_| {}).await
}

/// [`bulk`], calling `on_line` with each line's report as soon as the transaction that decided
/// it is committed (in the file's order; every [`BULK_BATCH_LINES`] lines with
/// `good-lines-only`, at the end with `all-or-nothing`), so a page can show the progress while
/// the file is processed. Errors that stop
/// the whole file (a wrong header, a wrong mode, a store failure) come back as with [`bulk`].
pub async fn bulk_each(
    state: &AppState,
    caller: &Caller,
    csv: &str,
    mode: &str,
    mut on_line: impl FnMut(&BulkLine),
) -> Result<BulkReport, ApiError> {
    use ibis_core::csv_import::{parse_claims_csv, ImportMode};
    let provider_id = match caller.user.provider_id {
        Some(p) if caller.user.role.may(Action::SendClaims) => p,
        _ => return Err(ApiError::forbidden("only provider staff send claims")),
    };
    let import_mode = match mode {
        "all-or-nothing" => ImportMode::AllOrNothing,
        "good-lines-only" => ImportMode::GoodLinesOnly,
        other => {
            return Err(ApiError::bad_request(
                "mode",
                format!("\"{other}\" is not allowed; allowed: all-or-nothing, good-lines-only"),
            ))
        }
    };
    let mut parsed = parse_claims_csv(csv);
    if let Some(h) = &parsed.header_error {
        return Err(invalid("(header)", h.clone()));
    }
    // Agreements the provider does not have are bad lines too.
    let known = state.store.provider_agreements(provider_id).await?;
    for l in &mut parsed.lines {
        if let Ok(c) = &l.outcome {
            if !known.contains(&c.agreement_id) {
                l.outcome = Err(vec![FieldError::new(
                    "agreement_id",
                    format!(
                        "agreement {} is not one of your provider's agreements",
                        c.agreement_id
                    ),
                )]);
            }
        }
    }
    let any_bad = parsed.lines.iter().any(|l| l.outcome.is_err());
    let all_or_nothing = import_mode == ImportMode::AllOrNothing;
    let mut report = Vec::with_capacity(parsed.lines.len());
    let mut decided = 0;
    let mut push = |line: BulkLine| {
        on_line(&line);
        report.push(line);
    };
    if any_bad && all_or_nothing {
        for l in &parsed.lines {
            match &l.outcome {
                Err(problems) => push(bulk_line(l.line_no, "invalid", None, problems.clone())),
                Ok(_) => push(bulk_line(l.line_no, "not-imported", None, Vec::new())),
            }
        }
    } else {
        // All or nothing: the whole file in one transaction. Good lines only: batches of
        // lines, each line in its own savepoint.
        let batch = if all_or_nothing {
            parsed.lines.len().max(1)
        } else {
            BULK_BATCH_LINES
        };
        let today = crate::today();
        for chunk in parsed.lines.chunks(batch) {
            let good: Vec<ClaimLine> = chunk
                .iter()
                .filter_map(|l| l.outcome.as_ref().ok().cloned())
                .collect();
            let results = if good.is_empty() {
                Vec::new()
            } else {
                state
                    .store
                    .decide_claims(
                        &caller.auditor(),
                        provider_id,
                        &good,
                        all_or_nothing,
                        &state.policies,
                        today,
                    )
                    .await?
            };
            let mut results = results.into_iter();
            for l in chunk {
                let result = if l.outcome.is_ok() {
                    results.next()
                } else {
                    None
                };
                let line = match (&l.outcome, result) {
                    (Err(problems), _) => bulk_line(l.line_no, "invalid", None, problems.clone()),
                    (Ok(_), Some(BatchLine::Kept(r))) => {
                        decided += 1;
                        let accepted = r.decision["accepted"].as_bool().unwrap_or(false);
                        let status = if accepted { "imported" } else { "refused" };
                        bulk_line(l.line_no, status, Some(r), Vec::new())
                    }
                    (Ok(_), Some(BatchLine::Failed(StoreError::Invalid(problems)))) => {
                        bulk_line(l.line_no, "invalid", None, problems)
                    }
                    // A failure of the database, not of the line: with all or nothing
                    // nothing was kept and the whole upload fails; otherwise the line was
                    // rolled back alone.
                    (Ok(_), Some(BatchLine::Failed(e))) if all_or_nothing => return Err(e.into()),
                    (Ok(_), Some(BatchLine::Failed(e))) => {
                        tracing::warn!(line = l.line_no, error = %e, "a claim line could not be stored");
                        let problem = FieldError::new(
                            "(line)",
                            "the line could not be stored and nothing of it was kept; send it again",
                        );
                        bulk_line(l.line_no, "invalid", None, vec![problem])
                    }
                    (Ok(_), Some(BatchLine::NotKept) | None) => {
                        bulk_line(l.line_no, "not-imported", None, Vec::new())
                    }
                };
                push(line);
            }
        }
    }
    Ok(BulkReport {
        mode: mode.into(),
        lines: parsed.lines.len(),
        decided,
        invalid: report.iter().filter(|l| l.status == "invalid").count(),
        report,
    })
}
