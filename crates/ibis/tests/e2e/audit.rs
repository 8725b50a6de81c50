//! The accessibility audit: every demo user signs in and the audit *crawls* the same-origin
//! links from their start page (so pages added later are covered without listing them), one
//! page per route pattern (`/people/12` and `/people/40` are one pattern). On each page:
//! axe-core with the WCAG 2.0/2.1 A and AA rules (serious and critical violations fail), no
//! horizontal scrolling at 640 CSS pixels (a 1280 px screen at 200 % zoom), and, on pages with
//! forms, a keyboard walk with Tab that must reach every form and show a visible focus on every
//! stop.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

use crate::harness::{axe, sign_in, sign_out, Env, Violation};

/// Pages a role's crawl audits at most (one per route pattern).
const MAX_PAGES: usize = 40;
/// Pages a role's crawl opens at most (audited or only searched for links).
const MAX_VISITS: usize = 120;
/// Pages of one route pattern opened (without auditing them again) to find more links.
const DISCOVER: usize = 3;
/// Tab presses on one page at most.
const MAX_TABS: usize = 160;

/// What the audit found on one page.
pub struct PageReport {
    /// The user the page was seen as (`-` when signed out).
    pub user: String,
    /// The page's path and query.
    pub path: String,
    /// axe-core's violations (every impact).
    pub violations: Vec<Violation>,
    /// Problems of the zoom and keyboard checks.
    pub problems: Vec<String>,
    /// How long the checks of this page took, in milliseconds (printed, never asserted).
    pub millis: u128,
}

/// The route pattern of a path: numbers become `{n}`, query values are dropped.
fn pattern(path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let segs: Vec<String> = path
        .split('/')
        .map(|s| {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                "{n}".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split_once('=').map_or(kv, |(k, _)| k))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    format!("{}?{}", segs.join("/"), keys.join("&"))
}

/// Whether a link is one the crawl follows: same origin, a page (not a download, not the API,
/// not a static file).
fn follow(path: &str) -> bool {
    let p = path.split('?').next().unwrap_or(path).to_ascii_lowercase();
    let download = [
        ".pdf", ".csv", ".xlsx", ".txt", ".xml", ".json", ".svg", ".css",
    ]
    .iter()
    .any(|e| p.ends_with(e));
    !download
        && !p.starts_with("/api/")
        && !p.starts_with("/static/")
        && p != "/sign-out"
        && p != "/healthz"
}

/// The same-origin links of the page, as paths with their query.
async fn links(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'))
               .filter(a => !a.hasAttribute('download'))
               .map(a => new URL(a.href, location.href))
               .filter(u => u.origin === location.origin)
               .map(u => u.pathname + u.search);",
            vec![],
        )
        .await
        .expect("script");
    serde_json::from_value(v).unwrap_or_default()
}

/// The zoom check: the page must not scroll sideways at 640 CSS px. Names what sticks out.
async fn reflow(c: &Client) -> Option<String> {
    let v = c
        .execute(
            "const w = document.documentElement.clientWidth;
             if (document.documentElement.scrollWidth <= w + 1) return null;
             const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                 const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
                 return false; };
             const out = Array.from(document.querySelectorAll('body *'))
               .filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e))
               .slice(0, 4)
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                         (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
             return `page is ${document.documentElement.scrollWidth}px wide in a ${w}px window: ${out.join(', ')}`;",
            vec![],
        )
        .await
        .expect("script");
    v.as_str().map(str::to_owned)
}

/// One Tab stop as the page saw it.
#[derive(Debug, Deserialize)]
struct Stop {
    /// Nothing (or the body) has focus: the walk went round.
    done: bool,
    /// The index of the main-region form that holds the focus, if any.
    form: Option<usize>,
    /// The previous stop, when its focused and unfocused looks are the same.
    invisible: Option<String>,
}

/// The keyboard check: Tab from the top of the page; every form in the main region must be
/// reached, and every element that takes focus must look different focused than not.
async fn keyboard(c: &Client) -> Vec<String> {
    let forms = c
        .execute(
            "window.__ibisPrev = null; window.__ibisPrevStyle = null;
             if (document.activeElement) document.activeElement.blur();
             return Array.from(document.querySelectorAll('main form'))
               .map((f, i) => Array.from(f.elements).some(e => e.type !== 'hidden' && !e.disabled) ? i : -1)
               .filter(i => i >= 0);",
            vec![],
        )
        .await
        .expect("script");
    let forms: BTreeSet<usize> = serde_json::from_value(forms).unwrap_or_default();
    if forms.is_empty() {
        return vec![];
    }
    let mut reached = BTreeSet::new();
    let mut problems = vec![];
    for _ in 0..MAX_TABS {
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: '\u{e004}' })
            .then(KeyAction::Up { value: '\u{e004}' });
        c.perform_actions(tab).await.expect("Tab");
        let v = c
            .execute(
                "const a = document.activeElement;
                 const look = el => { const s = getComputedStyle(el);
                   return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
                           s.backgroundColor, s.color, s.textDecorationLine, s.borderColor].join('|'); };
                 const name = el => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '') +
                   (el.id ? '#' + el.id : '') + ' ' + (el.innerText || el.value || '').trim().slice(0, 30);
                 const prev = window.__ibisPrev;
                 let invisible = null;
                 if (prev && prev !== a && prev.isConnected && look(prev) === window.__ibisPrevStyle) invisible = name(prev);
                 const done = !a || a === document.body || a === prev;
                 window.__ibisPrev = done ? null : a;
                 window.__ibisPrevStyle = done ? null : look(a);
                 const forms = Array.from(document.querySelectorAll('main form'));
                 const f = done ? null : a.closest('main form');
                 return { done, form: f ? forms.indexOf(f) : null, invisible };",
                vec![],
            )
            .await
            .expect("script");
        let stop: Stop = serde_json::from_value(v).expect("a tab stop");
        if let Some(el) = stop.invisible {
            problems.push(format!("no visible focus on {el}"));
        }
        if let Some(f) = stop.form {
            reached.insert(f);
        }
        if stop.done || reached.len() == forms.len() {
            break;
        }
    }
    for f in forms.difference(&reached) {
        problems.push(format!(
            "form {} in the main region not reached with Tab",
            f + 1
        ));
    }
    problems
}

/// Audits the page shown.
async fn audit_page(c: &Client, user: &str, path: &str) -> PageReport {
    let start = std::time::Instant::now();
    let violations = axe(c).await;
    let mut problems: Vec<String> = reflow(c).await.into_iter().collect();
    problems.extend(keyboard(c).await);
    PageReport {
        user: user.to_owned(),
        path: path.to_owned(),
        violations,
        problems,
        millis: start.elapsed().as_millis(),
    }
}

/// The main region's fingerprint: its length and a hash of its HTML. A page of the same route
/// pattern whose main region is the same as one audited for another role (the catalogue, the
/// providers) is not audited again: only the header differs, and every role's header is
/// audited on its own start page.
async fn fingerprint(c: &Client) -> String {
    let v = c
        .execute(
            "const h = (document.querySelector('main') || document.body).outerHTML;
             let x = 5381;
             for (let i = 0; i < h.length; i++) x = ((x * 33) ^ h.charCodeAt(i)) >>> 0;
             return h.length + ':' + x;",
            vec![],
        )
        .await
        .expect("script");
    v.as_str().unwrap_or_default().to_owned()
}

/// Crawls and audits what one user (or, with `None`, a visitor who is signed out) can reach.
/// `done` holds the pages audited for earlier roles (pattern and main-region fingerprint).
pub async fn crawl(
    env: &Env,
    c: &Client,
    user: Option<&str>,
    done: &mut BTreeSet<String>,
) -> Vec<PageReport> {
    let who = user.unwrap_or("-");
    let start = match user {
        Some(u) => {
            sign_in(c, env, u).await;
            "/".to_owned()
        }
        None => "/sign-in".to_owned(),
    };
    // Each route pattern is audited once; up to DISCOVER pages of a pattern are opened to
    // find links (the first person in a list may have no plan while the next one has).
    let mut seen: BTreeMap<String, usize> = BTreeMap::from([(pattern(&start), 1)]);
    let mut queue = VecDeque::from([(start, true)]);
    let mut out = vec![];
    let mut visits = 0;
    while let Some((path, audit)) = queue.pop_front() {
        if out.len() >= MAX_PAGES || visits >= MAX_VISITS {
            break;
        }
        visits += 1;
        c.goto(&env.url(&path)).await.expect("the page loads");
        for l in links(c).await {
            if !follow(&l) {
                continue;
            }
            let n = seen.entry(pattern(&l)).or_insert(0);
            *n += 1;
            if *n <= DISCOVER {
                queue.push_back((l, *n == 1));
            }
        }
        if audit && done.insert(format!("{} {}", pattern(&path), fingerprint(c).await)) {
            let r = audit_page(c, who, &path).await;
            println!("audited {who} {path} in {} ms", r.millis);
            out.push(r);
        }
    }
    if user.is_some() {
        c.goto(&env.url("/")).await.expect("start page");
        sign_out(c).await;
    }
    out
}

/// The report as text: every violation (blocking ones marked) and problem, page by page.
pub fn report(pages: &[PageReport]) -> (String, usize) {
    let mut text = String::new();
    let mut failures = 0;
    for p in pages {
        for v in &p.violations {
            let mark = if v.blocks() {
                failures += 1;
                "FAIL"
            } else {
                "note"
            };
            text += &format!(
                "{mark} {} {} axe {} ({}): {} at {}\n",
                p.user,
                p.path,
                v.id,
                v.impact.as_deref().unwrap_or("?"),
                v.help,
                v.nodes.join(" ; ")
            );
        }
        for pr in &p.problems {
            failures += 1;
            text += &format!("FAIL {} {} {pr}\n", p.user, p.path);
        }
    }
    (text, failures)
}

/// The demo users, in the order the audit signs in.
pub const USERS: &[&str] = &[
    "sw-ogre",
    "approver-ogre",
    "assessor-ogre",
    "broker-ogre",
    "provider-ogre",
    "person-ogre",
    "analyst",
    "admin",
];

#[test]
fn patterns_fold_numbers_and_query_values() {
    assert_eq!(pattern("/people/12"), pattern("/people/40"));
    assert_eq!(pattern("/my-budget?month=2026-05"), "/my-budget?month");
    assert_ne!(pattern("/people/12"), pattern("/people/new"));
    assert!(!follow("/decisions/3/notice.pdf"));
    assert!(!follow("/api/v1/me"));
    assert!(follow("/decisions/3/notice"));
    let _ = json!(null);
}
