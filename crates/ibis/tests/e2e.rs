//! End-to-end tests in headless Chromium (Debian's `chromium` and `chromium-driver`), driven
//! through WebDriver with `fantoccini`: the accessibility audit of every page of every role
//! (axe-core, zoom, keyboard; see `e2e/audit.rs`) and the whole flow walked through the pages
//! in Latvian and English (see `e2e/walk.rs`). Each test starts its own `ibis serve --demo` on
//! a temporary SQLite database and its own chromedriver, on free ports. Without Chromium or
//! chromedriver the tests print a notice and pass, unless `CI=true`, where they fail.
//! Screenshots of the walk are kept under `test-artifacts/e2e/<lang>/`.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "e2e/audit.rs"]
mod audit;
#[path = "e2e/harness.rs"]
mod harness;
#[path = "e2e/walk.rs"]
mod walk;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Instant;

use fantoccini::Client;
use harness::{tools, Env};

/// Runs `body` in a new browser session `width` CSS px wide, and closes the session (so no
/// browser is left running) even when `body` fails.
fn in_browser<F, Fut>(env: &Env, width: u32, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let c = rt.block_on(env.browser(width));
    let result = catch_unwind(AssertUnwindSafe(|| rt.block_on(body(c.clone()))));
    if result.is_err() {
        // Keep what the browser showed when the step failed.
        rt.block_on(async {
            let dir = harness::artefacts("failed");
            if let Ok(png) = c.screenshot().await {
                let _ = std::fs::write(dir.join("last.png"), png);
            }
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let text = c
                .execute(
                    "return document.body ? document.body.innerText : '';",
                    vec![],
                )
                .await
                .unwrap_or_default();
            eprintln!(
                "the browser was at {url} showing:\n{}",
                text.as_str().unwrap_or("")
            );
        });
    }
    let _ = rt.block_on(c.close());
    if let Err(p) = result {
        resume_unwind(p);
    }
}

#[test]
fn accessibility_audit_of_every_page_of_every_role() {
    let Some(tools) = tools() else { return };
    let started = Instant::now();
    let env = Env::start(&tools, "audit");
    println!(
        "audit: ibis and chromedriver ready in {} ms",
        started.elapsed().as_millis()
    );
    // 640 CSS px: a 1280 px wide screen at 200 % zoom.
    let env = &env;
    in_browser(env, 640, |c| {
        Box::pin(async move {
            let mut done = Default::default();
            let mut pages = audit::crawl(env, &c, None, &mut done).await;
            for user in audit::USERS {
                pages.extend(audit::crawl(env, &c, Some(user), &mut done).await);
            }
            let (text, failures) = audit::report(&pages);
            println!(
                "accessibility audit: {} pages ({} roles and signed out) in {} s\n{text}",
                pages.len(),
                audit::USERS.len(),
                started.elapsed().as_secs()
            );
            assert_eq!(failures, 0, "accessibility problems:\n{text}");
        })
    });
}

#[test]
fn walk_the_whole_flow_in_latvian_and_english() {
    let Some(tools) = tools() else { return };
    let started = Instant::now();
    let env = Env::start(&tools, "walk");
    for lang in ["lv", "en"] {
        let env = &env;
        in_browser(
            env,
            1280,
            |c| async move { walk::walk(env, &c, lang).await },
        );
        println!("walk ({lang}) done after {} s", started.elapsed().as_secs());
    }
}
