//! The bench's budgets: people of Ogre with a support-person budget, an active plan of 8 hours
//! of mentoring a month and an agreement with the demo provider of `provider-ogre`, made
//! through the same steps as the API (the core decides every one), so that the claims the bench
//! sends are decided against real budgets. Also the claim slots: which agreement and day each
//! claim of the run uses, so that no claim is refused for an exhausted month.

use ibis_core::agreement::AgreementInput;
use ibis_core::assessment::{AssessmentInput, SupportAssessmentInput};
use ibis_core::decision::DecisionInput;
use ibis_core::outcome::{LivingSituation, TargetGroup};
use ibis_core::personal_code::PersonalCode;
use ibis_core::plan::{GoalInput, PlanInput, PlanLineInput, SignatureInput};
use ibis_core::registry::NewPerson;
use ibis_web::auth::Caller;
use ibis_web::AppState;

/// Hours of mentoring per claim: small, so that a month of an agreement holds many claims.
pub const CLAIM_HOURS: &str = "0.25";
/// The agreed (and tariff) price per hour.
pub const PRICE: &str = "5.00";
/// Claims per agreement and month: 28 × 0.25 h = 7 h, under the plan's 8 h a month.
const PER_MONTH: usize = 28;
/// Past whole months of each budget that take claims.
const MONTHS: usize = 5;
/// Claims one agreement takes over the run.
pub const PER_AGREEMENT: usize = PER_MONTH * MONTHS;

/// The budgets made for the run.
#[derive(Debug, Clone)]
pub struct Budgets {
    /// The agreements, one per budget.
    pub agreements: Vec<i64>,
    /// The first day of the budgets' period (the first of the month five months ago).
    pub start: time::Date,
}

impl Budgets {
    /// The agreement and service day of the run's claim number `i`: claims go round the
    /// agreements, then through the days of each past month.
    pub fn slot(&self, i: usize) -> (i64, time::Date) {
        let b = self.agreements.len().max(1);
        let a = self.agreements.get(i % b).copied().unwrap_or(0);
        let j = (i / b) % PER_AGREEMENT;
        let month = ibis_core::review::add_months(self.start, (j / PER_MONTH) as u32);
        (a, month + time::Duration::days((j % PER_MONTH) as i64))
    }

    /// A claim line as the API takes it, as JSON.
    pub fn claim_json(&self, key: &str, i: usize) -> serde_json::Value {
        let (a, day) = self.slot(i);
        serde_json::json!({
            "idempotency_key": key,
            "agreement_id": a,
            "service_date": day.to_string(),
            "quantity": CLAIM_HOURS,
            "unit_price_eur": PRICE,
            "visit_id": null,
        })
    }

    /// A claim line as a CSV line (`ibis_core::csv_import::HEADER`).
    pub fn claim_csv(&self, key: &str, i: usize) -> String {
        let (a, day) = self.slot(i);
        format!("{key},{a},{day},{CLAIM_HOURS},{PRICE},\n")
    }
}

fn as_caller(users: &[ibis_store::auth::User], name: &str) -> Result<Caller, String> {
    users
        .iter()
        .find(|u| u.username == name)
        .map(|u| Caller {
            user: u.clone(),
            remote: "bench".into(),
        })
        .ok_or_else(|| format!("the demo user {name} is missing"))
}

/// The first day of the month `back` months before `today`'s month.
fn month_start(today: time::Date, back: i32) -> Result<time::Date, String> {
    let months = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back;
    let month = time::Month::try_from(u8::try_from(months.rem_euclid(12) + 1).unwrap_or(1))
        .map_err(|e| e.to_string())?;
    time::Date::from_calendar_date(months.div_euclid(12), month, 1).map_err(|e| e.to_string())
}

/// Makes `count` budgets with an agreement each (person, assessment, decision, plan,
/// agreement), numbering the people's personal codes from `first_code`.
pub async fn budgets(state: &AppState, count: usize, first_code: u64) -> Result<Budgets, String> {
    let err = |e: ibis_web::error::ApiError| format!("bench budgets: {} {:?}", e.message, e.fields);
    let users = state.store.users().await.map_err(|e| e.to_string())?;
    let sw = as_caller(&users, "sw-ogre")?;
    let approver = as_caller(&users, "approver-ogre")?;
    let provider = as_caller(&users, "provider-ogre")?;
    let provider_id = provider
        .user
        .provider_id
        .ok_or("provider-ogre has no provider")?;
    let today = ibis_web::today();
    let start = month_start(today, MONTHS as i32)?;
    let end = ibis_core::review::add_months(start, 6);
    let assessed = start - time::Duration::days(10);
    let mut agreements = Vec::with_capacity(count);
    for n in 0..count as u64 {
        let code = PersonalCode::parse(&format!("32{:09}", first_code + n))
            .map_err(|e| format!("bench personal code: {e}"))?;
        let given = format!("Bench{n}");
        let person = state
            .store
            .create_person(
                &sw.auditor(),
                &sw.scope(),
                &NewPerson {
                    personal_code: code,
                    given_name: given.clone(),
                    family_name: "Soliņš".into(),
                    birth_date: time::macros::date!(1980 - 01 - 01),
                    target_group: TargetGroup::AdultGrt,
                    municipality: "ogre".into(),
                    living: LivingSituation::Family,
                },
            )
            .await
            .map_err(|e| format!("bench person: {e}"))?;
        let a = ibis_web::cycle::record_assessment(
            state,
            &sw,
            person.id,
            &AssessmentInput::Support(SupportAssessmentInput {
                assessed_on: assessed.to_string(),
                level: "2".into(),
                rationale: "Vajag atbalstu lēmumiem par naudu.".into(),
                next_review_on: None,
            }),
        )
        .await
        .map_err(err)?;
        ibis_web::cycle::sign_assessment(state, &sw, a.id)
            .await
            .map_err(err)?;
        let d = ibis_web::cycle::decide(
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
        .await
        .map_err(err)?;
        let plan = ibis_web::cycle::create_plan(
            state,
            &sw,
            d.id,
            &PlanInput {
                period_from: start.to_string(),
                period_to: end.to_string(),
                goals: vec![GoalInput {
                    term: "short".into(),
                    text: "Pašam pārvaldīt savu naudu.".into(),
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
        .await
        .map_err(err)?;
        ibis_web::cycle::sign_plan(
            state,
            &sw,
            plan.id,
            &SignatureInput {
                signer_name: format!("{given} Soliņš"),
                role: "person".into(),
                signed_on: assessed.to_string(),
            },
        )
        .await
        .map_err(err)?;
        ibis_web::cycle::move_plan(state, &sw, plan.id, "activate")
            .await
            .map_err(err)?;
        let agreement = ibis_web::spending::create_agreement(
            state,
            &sw,
            plan.id,
            &AgreementInput {
                plan_line: 0,
                provider_id,
                service: "mentor".into(),
                unit_price_eur: PRICE.into(),
                period_from: start.to_string(),
                period_to: end.to_string(),
                quantity_per_month: "8".into(),
                payee: None,
            },
        )
        .await
        .map_err(err)?;
        agreements.push(agreement.id);
    }
    Ok(Budgets { agreements, start })
}
