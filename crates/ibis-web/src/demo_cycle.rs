//! A demo budget for `ibis serve --demo`: the demo person of Ogre gets a support-person budget
//! that runs from five months ago, an active plan with mentoring by the demo provider, an
//! agreement, and a few visits and claims, so that every demo role has something to look at.
//! It goes through the same steps as the API and the pages (the core decides every one).

use ibis_core::agreement::AgreementInput;
use ibis_core::assessment::{AssessmentInput, SupportAssessmentInput};
use ibis_core::claim::{ClaimLineInput, VisitInput};
use ibis_core::decision::DecisionInput;
use ibis_core::plan::{GoalInput, PlanInput, PlanLineInput, SignatureInput};
use ibis_store::auth::User;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

fn as_caller(users: &[User], name: &str) -> Result<Caller, ApiError> {
    users
        .iter()
        .find(|u| u.username == name)
        .map(|u| Caller {
            user: u.clone(),
            remote: "demo".into(),
        })
        .ok_or_else(ApiError::not_found)
}

/// Adds the demo budget, plan, agreement, visits and claims. Run once, right after the demo
/// data is loaded.
pub async fn load(state: &AppState) -> Result<(), ApiError> {
    let users = state.store.users().await?;
    let sw = as_caller(&users, "sw-ogre")?;
    let approver = as_caller(&users, "approver-ogre")?;
    let provider = as_caller(&users, "provider-ogre")?;
    let provider_id = provider.user.provider_id.ok_or_else(ApiError::not_found)?;
    let person = as_caller(&users, "person-ogre")?;
    let people = state
        .store
        .persons(
            &person.auditor(),
            &person.scope(),
            None,
            ibis_store::PageRequest::default(),
        )
        .await?;
    let person_id = people
        .items
        .first()
        .map(|p| p.id)
        .ok_or_else(ApiError::not_found)?;
    let name = people
        .items
        .first()
        .map(|p| format!("{} {}", p.given_name, p.family_name))
        .unwrap_or_default();

    let today = crate::today();
    // The budget runs from the first day of the month five months ago, for six months.
    let months = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - 5;
    let month = time::Month::try_from(u8::try_from(months.rem_euclid(12) + 1).unwrap_or(1))
        .map_err(|e| ApiError::bad_request("today", e.to_string()))?;
    let start = time::Date::from_calendar_date(months.div_euclid(12), month, 1)
        .map_err(|e| ApiError::bad_request("today", e.to_string()))?;
    let end = ibis_core::review::add_months(start, 6);
    let assessed = start - time::Duration::days(10);

    let a = crate::cycle::record_assessment(
        state,
        &sw,
        person_id,
        &AssessmentInput::Support(SupportAssessmentInput {
            assessed_on: assessed.to_string(),
            level: "2".into(),
            rationale: "Vajag atbalstu lēmumiem par naudu un dzīvesvietu.".into(),
            next_review_on: None,
        }),
    )
    .await?;
    crate::cycle::sign_assessment(state, &sw, a.id).await?;
    let d = crate::cycle::decide(
        state,
        &approver,
        a.id,
        &DecisionInput {
            period_from: start.to_string(),
            period_to: end.to_string(),
            amount_eur: None,
            override_reason: None,
        },
    )
    .await?;
    let plan = crate::cycle::create_plan(
        state,
        &sw,
        d.id,
        &PlanInput {
            period_from: start.to_string(),
            period_to: end.to_string(),
            goals: vec![GoalInput {
                term: "short".into(),
                text: "Pašam pārvaldīt savu naudu un rēķinus.".into(),
            }],
            needs: "Atbalsts lēmumiem par naudu.".into(),
            lines: vec![PlanLineInput {
                service: "mentor".into(),
                quantity_per_month: "8".into(),
                provider_id: Some(provider_id),
                funding: "individual-budget".into(),
                status: "received".into(),
                barrier: None,
            }],
            tasks: Vec::new(),
        },
    )
    .await?;
    crate::cycle::sign_plan(
        state,
        &sw,
        plan.id,
        &SignatureInput {
            signer_name: name,
            role: "person".into(),
            signed_on: assessed.to_string(),
        },
    )
    .await?;
    crate::cycle::move_plan(state, &sw, plan.id, "activate").await?;
    let agreement = crate::spending::create_agreement(
        state,
        &sw,
        plan.id,
        &AgreementInput {
            plan_line: 0,
            provider_id,
            service: "mentor".into(),
            unit_price_eur: "5.50".into(),
            period_from: start.to_string(),
            period_to: end.to_string(),
            quantity_per_month: "8".into(),
            payee: None,
        },
    )
    .await?;
    // Two visits a month, each claimed; the last one still to be confirmed by the person.
    let mut day = start + time::Duration::days(2);
    let mut n = 0;
    while day < today - time::Duration::days(1) {
        let visit = crate::spending::check_in(
            state,
            &provider,
            &VisitInput {
                person_id,
                provider_id,
                specialist: "Mentore Ilze".into(),
                start: format!("{day}T10:00"),
                end: Some(format!("{day}T12:00")),
                kind: "individual".into(),
                method: if n % 2 == 0 {
                    "card".into()
                } else {
                    "manual".into()
                },
            },
        )
        .await?;
        crate::spending::claim(
            state,
            &provider,
            &ClaimLineInput {
                idempotency_key: format!("demo-{n}"),
                agreement_id: agreement.id,
                service_date: day.to_string(),
                quantity: "2".into(),
                unit_price_eur: "5.50".into(),
                visit_id: Some(visit.id),
                receipt: None,
            },
        )
        .await?;
        n += 1;
        day += time::Duration::days(14);
    }
    Ok(())
}
