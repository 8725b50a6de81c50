//! The whole flow walked through the pages as the users would (forms and links only, no API),
//! in one language: a social worker registers a person and links the assessor, the support
//! person and the person's representative to the record; the assessor records and signs the
//! assessment; the approver decides the budget; the support person makes the plan with the
//! provider the person picks from the offers; the person agrees (signs) the plan; the approver
//! puts it in force. Then, on the demo person whose budget began months ago (a new budget
//! begins next month, so no visit can be claimed on it yet): the provider checks in a visit
//! and claims it; the person confirms the visit; a social worker approves the claim, held
//! because the page gives the provider no visit number to claim with; the municipality runs
//! the payments (an approver prepares, a social worker reviews, the approver releases); the
//! person sees the month's statement with the claim. Each step keeps a screenshot in
//! `test-artifacts/e2e/<lang>/NN-step.png` and runs axe-core on the page (serious and
//! critical violations fail).

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::harness::{
    artefacts, axe, choose, fill, main_text, no_errors, option_value, path, press, shot, sign_in,
    sign_out, Env,
};

/// One walk: the steps, the screenshots, the language.
struct Walk<'a> {
    env: &'a Env,
    c: &'a Client,
    lang: &'a str,
    dir: PathBuf,
    n: usize,
}

impl Walk<'_> {
    /// Keeps the step's screenshot and checks the page with axe-core.
    async fn step(&mut self, name: &str) {
        no_errors(self.c, name).await;
        self.n += 1;
        shot(self.c, &self.dir, self.n, name).await;
        let blocking: Vec<String> = axe(self.c)
            .await
            .into_iter()
            .filter(|v| v.blocks())
            .map(|v| format!("{} ({}): {}", v.id, v.help, v.nodes.join(" ; ")))
            .collect();
        assert!(
            blocking.is_empty(),
            "{name} ({}) at {}: {blocking:?}",
            self.lang,
            path(self.c).await
        );
        let lang = self
            .c
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("script");
        assert_eq!(
            lang,
            json!(self.lang),
            "{name}: the page is in {}",
            self.lang
        );
    }

    /// Signs in as `user` and switches the pages to the walk's language when they are not.
    async fn sign_in(&self, user: &str) {
        sign_in(self.c, self.env, user).await;
        let lang = self
            .c
            .execute("return document.documentElement.lang;", vec![])
            .await
            .expect("script");
        if lang != json!(self.lang) {
            press(self.c, "form[action='/lang'] button").await;
        }
    }

    /// Finds a person with the registry's search and opens their record.
    async fn open_person(&self, name: &str) {
        press(self.c, "nav a[href='/people']").await;
        fill(self.c, "q", name).await;
        press(self.c, "main form[method='get'] button").await;
        let link = self
            .c
            .find(Locator::XPath(&format!(
                "//main//table//a[starts-with(@href, '/people/') and contains(., '{name}')]"
            )))
            .await
            .unwrap_or_else(|_| panic!("{name} is found in the registry"));
        crate::harness::click_and_wait(self.c, &link, "the person's name").await;
    }

    /// Clicks the first link in the main region whose address starts with `prefix`.
    async fn follow(&self, prefix: &str) {
        press(self.c, &format!("main a[href^='{prefix}']")).await;
    }
}

/// The date in Riga, `YYYY-MM-DD`.
fn today() -> String {
    ibis_web::today().to_string()
}

/// The day of the walk's visit: today from 01:00 in Riga, when 00:10-00:40 has passed (a
/// check-out in the future is refused); yesterday before that, when the walk runs just after
/// midnight.
fn visit_day() -> String {
    let now = ibis_web::spending::riga_now();
    if now.hour() >= 1 {
        now.date().to_string()
    } else {
        now.date()
            .previous_day()
            .expect("a day before today")
            .to_string()
    }
}

/// Picks a radio button by name and value (its label, as a person clicks it).
async fn pick(c: &Client, name: &str, value: &str) {
    let input = c
        .find(Locator::Css(&format!(
            "input[name='{name}'][value='{value}']"
        )))
        .await
        .unwrap_or_else(|_| panic!("a choice {value} for {name}"));
    if input.is_displayed().await.unwrap_or(false) {
        input.click().await.expect("pick");
    } else {
        let id = input.attr("id").await.ok().flatten().unwrap_or_default();
        press(c, &format!("label[for='{id}']")).await;
    }
}

/// Walks the whole flow in `lang` (`lv` or `en`).
pub async fn walk(env: &Env, c: &Client, lang: &str) {
    let mut w = Walk {
        env,
        c,
        lang,
        dir: artefacts(lang),
        n: 0,
    };
    let (family, code) = match lang {
        "lv" => ("Bērziņa", "32345678911"),
        _ => ("Walker", "32345678922"),
    };
    let name = format!("Anna {family}");

    // 1. The social worker registers the person.
    w.sign_in("sw-ogre").await;
    press(c, "nav a[href='/people/new']").await;
    fill(c, "personal_code", code).await;
    fill(c, "given_name", "Anna").await;
    fill(c, "family_name", family).await;
    fill(c, "birth_date", "1990-04-12").await;
    choose(c, "target_group", "adult-grt").await;
    choose(c, "municipality", "ogre").await;
    choose(c, "living", "family").await;
    press(c, "main form button[type=submit]").await;
    assert!(
        main_text(c).await.contains(&name),
        "the record shows {name}"
    );
    w.step("registered").await;

    // 2. ... and links the assessor, the support person and the representative.
    press(c, "main a[href$='/links']").await;
    for (user, kind) in [
        ("assessor-ogre", "assessor"),
        ("broker-ogre", "broker"),
        ("person-ogre", "representative"),
    ] {
        fill(c, "username", user).await;
        choose(c, "kind", kind).await;
        press(c, "main form button[type=submit]").await;
        no_errors(c, "link a user").await;
        assert!(main_text(c).await.contains(user), "{user} is linked");
    }
    w.step("linked").await;
    sign_out(c).await;

    // 3. The assessor records the assessment and signs it.
    w.sign_in("assessor-ogre").await;
    w.open_person(&name).await;
    press(c, "main a[href*='/assessments/new?kind=adult']").await;
    fill(c, "assessed_on", &today()).await;
    pick(c, "care_level", "III").await;
    for domain in ["health", "self_care", "daily_living", "communication"] {
        pick(c, &format!("domains-{domain}"), "2").await;
    }
    fill(
        c,
        "rationale",
        "Vajadzīgs ikdienas atbalsts pašaprūpē un strukturēta diena.",
    )
    .await;
    press(c, "main form button[type=submit]").await;
    no_errors(c, "record the assessment").await;
    press(c, "main form[action$='/sign'] button").await;
    w.step("assessed").await;
    sign_out(c).await;

    // 4. The approver decides the budget (the period and amount the form proposes).
    w.sign_in("approver-ogre").await;
    w.open_person(&name).await;
    w.follow("/assessments/").await;
    press(c, "main form[action$='/decision'] button[type=submit]").await;
    assert!(path(c).await.starts_with("/decisions/"), "a decision page");
    w.step("budget-decided").await;
    sign_out(c).await;

    // 5. The support person makes the plan with the person: a goal, and a service with the
    //    provider the person picks from the offers shown on the form.
    w.sign_in("broker-ogre").await;
    w.open_person(&name).await;
    w.follow("/decisions/").await;
    press(c, "main a[href$='/plans/new']").await;
    let offer = c
        .execute(
            "const row = document.querySelector('#offers-caption').closest('table').querySelector('tbody tr');
             return [row.querySelector('th').textContent.trim(), row.querySelector('td').textContent.trim()];",
            vec![],
        )
        .await
        .expect("the offers table");
    let provider_name = offer[0].as_str().expect("a provider").to_owned();
    let service_name = offer[1].as_str().expect("a service").to_owned();
    fill(c, "goals-0-text", "Es gribu pati iepirkties un gatavot.").await;
    fill(c, "needs", "Atbalsts ikdienas darbos.").await;
    let service = option_value(c, "lines-0-service", &service_name).await;
    choose(c, "lines-0-service", &service).await;
    let provider = option_value(c, "lines-0-provider_id", &provider_name).await;
    choose(c, "lines-0-provider_id", &provider).await;
    fill(c, "lines-0-quantity_per_month", "1").await;
    press(c, "main form button[type=submit]").await;
    no_errors(c, "make the plan").await;
    assert!(path(c).await.starts_with("/plans/"), "a plan page");
    let plan_path = path(c).await;
    assert!(main_text(c).await.contains(&provider_name));
    w.step("plan-made").await;
    sign_out(c).await;

    // 6. The person's representative agrees the plan: signs it.
    w.sign_in("person-ogre").await;
    w.open_person(&name).await;
    w.follow("/plans/").await;
    assert_eq!(path(c).await, plan_path);
    fill(c, "signer_name", "Inese Bērziņa").await;
    pick(c, "role", "representative").await;
    fill(c, "signed_on", &today()).await;
    press(c, "main form[action$='/sign'] button[type=submit]").await;
    w.step("plan-agreed").await;
    sign_out(c).await;

    // 7. The approver puts the plan in force.
    w.sign_in("approver-ogre").await;
    w.open_person(&name).await;
    w.follow("/plans/").await;
    press(
        c,
        "main form[action$='/state']:has(input[value='activate']) button",
    )
    .await;
    w.step("plan-active").await;
    sign_out(c).await;

    // 8. The provider checks a visit in (and out) for a client with an agreement, and claims
    //    it at the agreed price.
    w.sign_in("provider-ogre").await;
    press(c, "nav a[href='/my-clients']").await;
    let agreement = c
        .execute(
            "const o = document.querySelector(\"select[name='claim-agreement_id'] option[value]:not([value=''])\");
             const row = document.querySelector('#agreements-caption').closest('table').querySelector('tbody tr');
             const price = row.querySelectorAll('td')[3].textContent.match(/\\d+(?:[.,]\\d+)?/)[0];
             return [o.value, o.textContent.split(' – ')[0].trim(), price, row.querySelector('th').textContent.trim()];",
            vec![],
        )
        .await
        .expect("an agreement");
    let agreement_id = agreement[0].as_str().unwrap().to_owned();
    let client = agreement[1].as_str().unwrap().to_owned();
    let price = agreement[2].as_str().unwrap().to_owned();
    assert_eq!(
        agreement[3].as_str().unwrap(),
        format!("#{agreement_id}"),
        "the first agreement row is the first choice"
    );
    let client_id = option_value(c, "visit-person_id", &client).await;
    choose(c, "visit-person_id", &client_id).await;
    fill(c, "visit-specialist", "Ilze Ozola").await;
    fill(c, "visit-start", &format!("{}T00:10", visit_day())).await;
    fill(c, "visit-end", &format!("{}T00:40", visit_day())).await;
    press(
        c,
        "main form[action='/my-clients/visits'] button[type=submit]",
    )
    .await;
    no_errors(c, "check the visit in").await;
    w.step("visit-checked-in").await;
    choose(c, "claim-agreement_id", &agreement_id).await;
    fill(c, "claim-service_date", &visit_day()).await;
    fill(c, "claim-quantity", "0.5").await;
    fill(c, "claim-unit_price_eur", &price).await;
    press(
        c,
        "main form[action='/my-clients/claims'] button[type=submit]",
    )
    .await;
    no_errors(c, "claim").await;
    assert!(
        path(c).await.contains("claim="),
        "the claim's decision is shown"
    );
    let amount = c
        .execute(
            "const r = document.querySelector('#claim-result');
             if (!r || r.classList.contains('callout-error')) return null;
             const m = r.querySelector('p').textContent.match(/\\d+[.,]\\d{2}(?![\\d.])/);
             return m ? m[0] : null;",
            vec![],
        )
        .await
        .expect("script");
    let Some(amount) = amount.as_str().map(str::to_owned) else {
        panic!("the claim is accepted: {}", main_text(c).await);
    };
    let here = path(c).await;
    let claim_id = here
        .split("claim=")
        .nth(1)
        .and_then(|r| r.split('&').next())
        .expect("the claim's number")
        .to_owned();
    w.step("claimed").await;
    sign_out(c).await;

    // 9. The person confirms the visit.
    w.sign_in("person-ogre").await;
    press(c, "nav a[href='/my-budget']").await;
    let text = main_text(c).await;
    if !text.contains("Ilze Ozola") {
        // The representative's own page may show another person first: choose the client.
        press(c, &format!("main a[href*='person={client_id}']")).await;
    }
    let confirm = c
        .find(Locator::XPath(
            "//main//li[contains(., 'Ilze Ozola')]//form[contains(@action, '/confirm')]//button",
        ))
        .await
        .expect("the visit waits for confirmation");
    crate::harness::click_and_wait(c, &confirm, "confirm").await;
    no_errors(c, "confirm the visit").await;
    w.step("visit-confirmed").await;

    sign_out(c).await;

    // 10. A claim without a recorded visit is held for the case manager: the social worker
    //     approves it from the worklist.
    w.sign_in("sw-ogre").await;
    press(c, "nav a[href='/worklist']").await;
    let form = format!("main form[action='/worklist/claims/{claim_id}/review']");
    if c.find(Locator::Css(&form)).await.is_ok() {
        fill(c, "note", "Apmeklējumu persona apstiprināja.").await;
        press(c, &format!("{form} button[value='approve']")).await;
        w.step("claim-approved").await;
    }
    sign_out(c).await;

    // 11. The municipality runs the payments: an approver prepares the run, a social worker
    //     reviews it (four eyes), the approver releases it.
    w.sign_in("approver-ogre").await;
    press(c, "nav a[href='/payments']").await;
    fill(c, "debtor_name", "Ogres novada pašvaldība").await;
    fill(c, "debtor_iban", "LV80BANK0000435195001").await;
    fill(c, "execution_date", &today()).await;
    press(c, "main form[action='/payments'] button[type=submit]").await;
    w.step("payments-prepared").await;
    sign_out(c).await;
    w.sign_in("sw-ogre").await;
    press(c, "nav a[href='/payments']").await;
    press(
        c,
        "main form:has(input[name='action'][value='review']) button",
    )
    .await;
    w.step("payments-reviewed").await;
    sign_out(c).await;
    w.sign_in("approver-ogre").await;
    press(c, "nav a[href='/payments']").await;
    press(
        c,
        "main form:has(input[name='action'][value='release']) button",
    )
    .await;
    w.step("payments-released").await;
    sign_out(c).await;

    // 12. The person sees the month's statement (on their budget page) with the claim.
    w.sign_in("person-ogre").await;
    press(c, "nav a[href='/my-budget']").await;
    if !main_text(c).await.contains("Ilze Ozola") {
        press(c, &format!("main a[href*='person={client_id}']")).await;
    }
    let statement = c
        .find(Locator::Css("#statement-caption"))
        .await
        .expect("the month's statement");
    let table = statement
        .find(Locator::XPath("./ancestor::table"))
        .await
        .expect("its table")
        .text()
        .await
        .expect("its text");
    assert!(
        table.contains(&amount),
        "the statement shows the claim of {amount}: {table}"
    );
    w.step("statement").await;
    sign_out(c).await;
}
