//! "Mans ibis / My ibis": the start of everything a person, their legal representative or
//! foster family sees about the person (users with the role `person`, linked to the person as
//! `self`, `representative` or `foster-family`, see [`ibis_core::access::PERSON_LINK_KINDS`]):
//! the budget and what is left in plain words with a chart and its numbers in a table, the
//! plan and its goals, the providers and what each costs a month, the visits waiting for an
//! answer (answered on `/my-budget`), the documents as pages and PDFs, the case manager and
//! support person, and the providers near the person for the plan's services (the person's
//! municipality and the others of its planning region). An easy-read mode (short sentences,
//! large type, pictograms with text) is switched here and remembered in a cookie. Every read
//! of the person's record is audited (the page reads the person, decision and plan through
//! the store's audited reads).
//!
//! | route | who |
//! | --- | --- |
//! | `GET /my?person=` | the person, representative or foster family (role `person`) |
//! | `POST /my/easy-read` (`easy` = `1` or `0`, `next`) | anyone signed in |
//! | `GET /static/pictograms/{name}.svg` | anyone (the easy-read pictograms) |

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use ibis_core::access::Action;
use ibis_core::claim::Confirmation;
use ibis_core::money::Money;
use ibis_store::providers::Provider;
use ibis_store::PageRequest;
use minijinja::context;
use serde::Serialize;

use super::assessments::period_text;
use super::cycle_ui::{caller, fail_of, money, parse_id, query, require_to};
use super::forms::Form;
use super::i18n::{code_name, tr, tr_args, Lang};
use super::mybudget::{decision_for, eur, left_view, linked_people, service_name, MonthView};
use super::plans::{line_views, offer_price, plan_state_name, providers_of};
use super::session::cookie;
use super::visitor::{safe_next, Fail, PageResult, Visitor, EASY_COOKIE};
use crate::statements::month_of;
use crate::AppState;

/// The pictograms of the easy-read mode, by name (each shown next to its text label).
pub const PICTOGRAMS: &[(&str, &str)] = &[
    ("money", include_str!("../../static/pictograms/money.svg")),
    ("plan", include_str!("../../static/pictograms/plan.svg")),
    ("visit", include_str!("../../static/pictograms/visit.svg")),
    (
        "document",
        include_str!("../../static/pictograms/document.svg"),
    ),
    ("helper", include_str!("../../static/pictograms/helper.svg")),
    ("near", include_str!("../../static/pictograms/near.svg")),
    ("easy", include_str!("../../static/pictograms/easy.svg")),
];

/// `GET /static/pictograms/{name}.svg`.
pub async fn pictogram(Path(file): Path<String>) -> Response {
    let found = file
        .strip_suffix(".svg")
        .and_then(|name| PICTOGRAMS.iter().find(|(n, _)| *n == name));
    match found {
        Some((_, svg)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("image/svg+xml"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            *svg,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /my/easy-read`: turns the easy-read mode on (`easy=1`) or off, remembered for a
/// year, and returns to `next`.
pub async fn set_easy(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Err(fail) = v.check_form(&form) {
        return v.error_page(fail);
    }
    let on = match form.get("easy") {
        Some("1") => true,
        Some("0") => false,
        _ => return v.error_page(Fail::BadRequest),
    };
    let jar = CookieJar::new().add(cookie(
        &state,
        EASY_COOKIE,
        if on { "1" } else { "0" }.to_owned(),
        time::Duration::days(365),
    ));
    (jar, Redirect::to(&safe_next(form.get("next")))).into_response()
}

#[derive(Debug, Serialize)]
struct PersonLink {
    id: i64,
    name: String,
    current: bool,
}

#[derive(Debug, Serialize)]
struct Bar {
    label: String,
    amount: String,
    /// Width in per cent of the budget (0-100).
    width: i64,
    /// The bar's place from the top, in the chart's units.
    y: i64,
    class: &'static str,
}

#[derive(Debug, Serialize)]
struct Contact {
    role: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct Nearby {
    name: String,
    services: String,
    places: String,
    home: bool,
}

#[derive(Debug, Serialize)]
struct Doc {
    title: String,
    page: String,
    pdf: String,
}

fn arg(pairs: &[(&str, String)]) -> fluent_bundle::FluentArgs<'static> {
    let mut a = fluent_bundle::FluentArgs::new();
    for (k, v) in pairs {
        a.set((*k).to_owned(), v.clone());
    }
    a
}

/// `count` as a number, so the plural forms choose by it.
fn count(n: usize) -> fluent_bundle::FluentArgs<'static> {
    let mut a = fluent_bundle::FluentArgs::new();
    a.set("count", i64::try_from(n).unwrap_or(i64::MAX));
    a
}

fn cents(s: &str) -> i64 {
    s.parse::<Money>().unwrap_or(Money::ZERO).cents()
}

fn share(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part.clamp(0, whole) * 100 / whole).clamp(0, 100)
    }
}

/// The providers near a person for a set of services: those serving the person's
/// municipality or another of its planning region, offering at least one of the services
/// today; the home municipality's first.
async fn nearby(
    state: &AppState,
    lang: Lang,
    home: &str,
    services: &BTreeSet<String>,
) -> Result<(String, Vec<Nearby>), Fail> {
    let all = state.store.municipalities().await?;
    let region = all
        .iter()
        .find(|m| m.code == home)
        .map(|m| m.region.clone())
        .unwrap_or_default();
    let names: BTreeMap<String, String> = all
        .iter()
        .map(|m| (m.code.clone(), lang.pick(&m.name_lv, &m.name_en).to_owned()))
        .collect();
    let mut providers: BTreeMap<i64, Provider> = BTreeMap::new();
    for m in all.iter().filter(|m| m.region == region || m.code == home) {
        for p in state
            .store
            .providers(Some(&m.code), None, PageRequest::new(Some(200), None))
            .await?
            .items
        {
            providers.entry(p.id).or_insert(p);
        }
    }
    let today = crate::today().to_string();
    let mut out: Vec<Nearby> = providers
        .values()
        .filter_map(|p| {
            let offered: Vec<String> = services
                .iter()
                .filter(|s| offer_price(p, s, &today).is_some())
                .map(|s| {
                    let price = offer_price(p, s, &today)
                        .map(|pr| super::i18n::euro(lang, &pr.to_string()))
                        .unwrap_or_default();
                    format!("{} ({price})", service_name(state, lang, s))
                })
                .collect();
            if offered.is_empty() {
                return None;
            }
            Some(Nearby {
                name: p.name.clone(),
                services: offered.join("; "),
                places: p
                    .municipalities
                    .iter()
                    .map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
                home: p.municipalities.iter().any(|c| c == home),
            })
        })
        .collect();
    out.sort_by(|a, b| b.home.cmp(&a.home).then_with(|| a.name.cmp(&b.name)));
    out.truncate(40);
    let region_name = ibis_core::municipality::PlanningRegion::ALL
        .iter()
        .find(|r| r.code() == region)
        .map(|r| lang.pick(r.name_lv(), r.name_en()).to_owned())
        .unwrap_or(region);
    Ok((region_name, out))
}

/// `GET /my?person=`: the person's own start page.
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(show(&state, &v).await)
}

async fn show(state: &AppState, v: &Visitor) -> PageResult {
    let who = v.signed_in()?;
    require_to(who, Action::SeeOwnBudget)?;
    let lang = v.lang;
    let q = query(v);
    let people = linked_people(state, v, who).await?;
    let chosen_id = match q.opt("person") {
        Some(p) => {
            let id = parse_id(&p)?;
            people.iter().find(|x| x.id == id).ok_or(Fail::NotFound)?.id
        }
        None => match people.first() {
            Some(p) => p.id,
            None => {
                return v.page("my.html", "my", context! { person => None::<()> });
            }
        },
    };
    let scope = who.scope();
    // The audited read of the person's record.
    let person = state.store.person(&v.auditor()?, &scope, chosen_id).await?;
    let name = format!("{} {}", person.given_name, person.family_name);
    let links: Vec<PersonLink> = people
        .iter()
        .map(|p| PersonLink {
            id: p.id,
            name: format!("{} {}", p.given_name, p.family_name),
            current: p.id == person.id,
        })
        .collect();
    let month = month_of(crate::today());
    let month_code = ibis_store::statements::month_code(&month);
    let decisions = state.store.decisions_of(&scope, person.id).await?;
    let current = decision_for(&decisions, &month).and_then(|i| decisions.get(i));

    // The budget and what is left.
    let mut budget = None;
    let mut docs: Vec<Doc> = Vec::new();
    if let Some(d) = current {
        let d = state.store.decision(&v.auditor()?, &scope, d.id).await?;
        let b = crate::spending::balances(state, &caller(v, who), d.id)
            .await
            .map_err(fail_of)?;
        let total = cents(&b.allocated_eur) + cents(&b.adjusted_eur);
        let used = cents(&b.approved_eur) + cents(&b.reserved_eur);
        let left = cents(&b.remaining_eur);
        let bars = vec![
            Bar {
                label: tr(lang, "my-chart-budget"),
                amount: eur(lang, &Money::from_cents(total).to_string()),
                width: 100,
                y: 0,
                class: "bar-total",
            },
            Bar {
                label: tr(lang, "my-chart-used"),
                amount: eur(lang, &Money::from_cents(used).to_string()),
                width: share(used, total),
                y: 14,
                class: "bar-used",
            },
            Bar {
                label: tr(lang, "my-chart-paid"),
                amount: eur(lang, &b.paid_eur),
                width: share(cents(&b.paid_eur), total),
                y: 28,
                class: "bar-paid",
            },
            Bar {
                label: tr(lang, "my-chart-left"),
                amount: eur(lang, &b.remaining_eur),
                width: share(left, total),
                y: 42,
                class: "bar-left",
            },
        ];
        budget = Some(context! {
            id => d.id,
            monthly => eur(lang, &d.monthly_eur),
            period => period_text(lang, &d.period_from, &d.period_to),
            left => left_view(lang, &b),
            easy_left => tr_args(lang, "my-easy-left", Some(&arg(&[("left", eur(lang, &b.remaining_eur))]))),
            easy_used => tr_args(lang, "my-easy-used", Some(&arg(&[("used", eur(lang, &Money::from_cents(used).to_string())), ("total", eur(lang, &Money::from_cents(total).to_string()))]))),
            easy_monthly => tr_args(lang, "my-easy-monthly", Some(&arg(&[("monthly", eur(lang, &d.monthly_eur))]))),
            bars => bars,
        });
        docs.push(Doc {
            title: tr(lang, "my-doc-notice"),
            page: format!("/decisions/{}/notice", d.id),
            pdf: format!("/decisions/{}/notice.pdf?lang={}", d.id, lang.code()),
        });
        docs.push(Doc {
            title: tr_args(
                lang,
                "my-doc-statement",
                Some(&arg(&[("month", MonthView::of(lang, &month).label)])),
            ),
            page: format!("/decisions/{}/statement/print?month={month_code}", d.id),
            pdf: format!("/decisions/{}/statement.pdf?month={month_code}", d.id),
        });
    }

    // The plan of the budget shown (else the latest plan), its goals, lines and providers.
    let plans = state.store.plans_of(&scope, person.id).await?;
    let plan_id = plans
        .iter()
        .find(|(_, _, did)| current.is_some_and(|d| d.id == *did))
        .or(plans.first())
        .map(|(id, _, _)| *id);
    let mut plan = None;
    let mut services: BTreeSet<String> = BTreeSet::new();
    if let Some(pid) = plan_id {
        let (p, _) = state.store.plan(&v.auditor()?, &scope, pid).await?;
        let d = state
            .store
            .decision(&v.auditor()?, &scope, p.decision_id)
            .await?;
        let providers = providers_of(state, &person.municipality).await?;
        let lines = line_views(state, lang, &d, &providers, &p.plan);
        services.extend(p.plan.lines.iter().map(|l| l.service.clone()));
        let goals: Vec<_> = p
            .plan
            .goals
            .iter()
            .map(|g| {
                context! {
                    term => code_name(lang, "goal-term", g.term.code()),
                    text => g.text,
                }
            })
            .collect();
        let cost: Money = p.monthly_cost_eur.parse().unwrap_or(Money::ZERO);
        plan = Some(context! {
            id => p.id,
            state => plan_state_name(lang, &p.state),
            goals => goals,
            lines => lines,
            cost => money(lang, cost),
            easy_goals => tr_args(lang, "my-easy-goals", Some(&count(p.plan.goals.len()))),
        });
        docs.push(Doc {
            title: tr(lang, "my-doc-plan"),
            page: format!("/plans/{}/print", p.id),
            pdf: format!("/plans/{}/plan.pdf", p.id),
        });
    }

    // Visits waiting for an answer.
    let waiting = state
        .store
        .visits_of(&scope, person.id)
        .await?
        .iter()
        .filter(|x| x.end.is_some() && x.confirmation == Confirmation::Unconfirmed)
        .count();

    // Who helps.
    let contacts: Vec<Contact> = state
        .store
        .contacts_of(&scope, person.id)
        .await?
        .into_iter()
        .map(|(kind, name)| Contact {
            role: match kind.as_str() {
                "case-manager" => tr(lang, "my-contact-case-manager"),
                "broker" => tr(lang, "my-contact-broker"),
                _ => tr(lang, "my-contact-assessor"),
            },
            name,
        })
        .collect();

    let (region, near) = nearby(state, lang, &person.municipality, &services).await?;
    let home = state
        .store
        .municipality(&person.municipality)
        .await
        .map(|m| lang.pick(&m.name_lv, &m.name_en).to_owned())
        .unwrap_or_else(|_| person.municipality.clone());

    v.page(
        "my.html",
        "my",
        context! {
            person => context! { id => person.id, name => name },
            people => links,
            budget => budget,
            plan => plan,
            waiting => waiting,
            easy_waiting => tr_args(lang, "my-easy-visits", Some(&count(waiting))),
            contacts => contacts,
            near => near,
            near_intro => tr_args(lang, "my-near-intro", Some(&arg(&[("home", home), ("region", region)]))),
            docs => docs,
            month => month_code,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_the_budget_stay_between_0_and_100() {
        assert_eq!(share(50, 200), 25);
        assert_eq!(share(300, 200), 100);
        assert_eq!(share(-5, 200), 0);
        assert_eq!(share(5, 0), 0);
    }

    #[test]
    fn plural_forms_choose_by_the_number() {
        assert_eq!(
            tr_args(Lang::En, "my-easy-goals", Some(&count(1))),
            "Your plan has 1 goal."
        );
        assert_eq!(
            tr_args(Lang::En, "my-easy-goals", Some(&count(3))),
            "Your plan has 3 goals."
        );
        assert_eq!(
            tr_args(Lang::Lv, "my-easy-goals", Some(&count(1))),
            "Jūsu plānā ir 1 mērķis."
        );
        assert_eq!(
            tr_args(Lang::En, "my-easy-visits", Some(&count(0))),
            "No visit waits for your answer."
        );
    }

    #[test]
    fn every_pictogram_is_an_svg() {
        for (name, svg) in PICTOGRAMS {
            assert!(svg.trim_start().starts_with("<svg"), "{name}");
            assert!(svg.contains("viewBox=\"0 0 48 48\""), "{name}");
        }
    }
}
