//! What the browser tests stand on: finding Chromium and chromedriver (skip with a notice when
//! they are missing outside CI, fail in CI), starting `ibis serve --demo` on a fresh SQLite
//! database and chromedriver on free ports, opening a headless browser session, and small page
//! helpers (sign in, fill a field, press a button, keep a screenshot, run axe-core).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::json;

/// The demo users' password (`ibis_store::demo::DEMO_PASSWORD`).
pub const PASSWORD: &str = "ibis-demo";

/// axe-core, vendored (see `e2e/vendor/README.md`).
const AXE: &str = include_str!("vendor/axe.min.js");

/// Where Chromium and chromedriver are.
pub struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Chromium and chromedriver, or `None` (with a printed notice) when either is missing and
/// `CI` is unset. In CI (`CI=true`) a missing tool fails the test.
pub fn tools() -> Option<Tools> {
    let find = |names: &[&str]| {
        names
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .or_else(|| {
                let path = std::env::var_os("PATH")?;
                std::env::split_paths(&path)
                    .flat_map(|d| names.iter().map(move |n| d.join(n)))
                    .find(|p| p.exists())
            })
    };
    let chromium = find(&["/usr/bin/chromium", "chromium", "chromium-browser"]);
    let chromedriver = find(&["/usr/bin/chromedriver", "chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Tools {
            chromium,
            chromedriver,
        }),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "the browser tests need Chromium and chromedriver: \
             apt-get install -y chromium chromium-driver"
        ),
        _ => {
            eprintln!(
                "NOTICE: browser tests skipped: Chromium or chromedriver not found \
                 (apt-get install -y chromium chromium-driver; with CI=true they fail instead)"
            );
            None
        }
    }
}

/// A child process killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Waits until `port` answers `GET path` with 200.
fn wait_http(port: u16, path: &str, what: &str) {
    use std::io::{Read, Write};
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(90) {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let req =
                format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut buf = [0u8; 12];
            if s.write_all(req.as_bytes()).is_ok()
                && s.read_exact(&mut buf).is_ok()
                && buf.starts_with(b"HTTP/1.1 200")
            {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not answer on port {port} within 90 s");
}

/// A running ibis with demo data and a running chromedriver.
pub struct Env {
    _server: Proc,
    _driver: Proc,
    dir: PathBuf,
    chromium: PathBuf,
    /// `http://127.0.0.1:PORT` of ibis.
    pub base: String,
    driver_url: String,
    sessions: std::sync::atomic::AtomicUsize,
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Env {
    /// Starts `ibis serve --demo` on a new SQLite database in a temporary folder, and
    /// chromedriver, each on a free port.
    pub fn start(tools: &Tools, name: &str) -> Env {
        let dir = std::env::temp_dir().join(format!("ibis-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let port = free_port();
        let server = Command::new(env!("CARGO_BIN_EXE_ibis"))
            .args(["serve", "--demo", "--data-dir"])
            .arg(dir.join("data"))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env_remove("IBIS_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ibis serve starts");
        let server = Proc(server);
        let dport = free_port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={dport}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Proc(driver);
        wait_http(port, "/healthz", "ibis serve --demo");
        wait_http(dport, "/status", "chromedriver");
        Env {
            _server: server,
            _driver: driver,
            dir,
            chromium: tools.chromium.clone(),
            base: format!("http://127.0.0.1:{port}"),
            driver_url: format!("http://127.0.0.1:{dport}"),
            sessions: Default::default(),
        }
    }

    /// A new headless browser session with its own profile, `width` CSS pixels wide.
    pub async fn browser(&self, width: u32) -> Client {
        let n = self
            .sessions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = self.dir.join(format!("profile-{n}"));
        let caps: Capabilities = serde_json::from_value(json!({
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},900"),
                ]
            }
        }))
        .expect("capabilities");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let c = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.driver_url)
            .await
            .expect("a Chromium session through chromedriver");
        c.set_window_size(width, 900).await.expect("window size");
        c
    }

    /// The absolute address of a path on ibis.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Signs in through the sign-in form as a demo user.
pub async fn sign_in(c: &Client, env: &Env, user: &str) {
    c.goto(&env.url("/sign-in")).await.expect("sign-in page");
    fill(c, "username", user).await;
    fill(c, "password", PASSWORD).await;
    press(c, "form[action='/sign-in'] button[type=submit]").await;
    if c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("form[action='/sign-out']"))
        .await
        .is_err()
    {
        panic!("{user} could not sign in: {}", main_text(c).await);
    }
}

/// Signs out with the header's button.
pub async fn sign_out(c: &Client) {
    press(c, "form[action='/sign-out'] button").await;
}

/// Types `value` into the field named `name` (the first on the page), replacing what was there.
/// A date field gets its value set as the browser's date picker would (typing into it depends
/// on the browser's locale: `mm/dd/yyyy` in an English Chromium).
pub async fn fill(c: &Client, name: &str, value: &str) {
    let e = c
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("a field named {name}"));
    if e.attr("type").await.ok().flatten().as_deref() == Some("date") {
        c.execute(
            "arguments[0].value = arguments[1];
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }));
             arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::to_value(&e).expect("element"), json!(value)],
        )
        .await
        .expect("set the date");
        return;
    }
    e.clear()
        .await
        .unwrap_or_else(|e| panic!("clear {name}: {e}"));
    e.send_keys(value)
        .await
        .unwrap_or_else(|e| panic!("type into {name}: {e}"));
}

/// Picks the option with `value` in the list named `name`.
pub async fn choose(c: &Client, name: &str, value: &str) {
    let e = c
        .find(Locator::Css(&format!("select[name='{name}']")))
        .await
        .unwrap_or_else(|_| panic!("a list named {name}"));
    e.select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in {name}: {e}"));
}

/// The `value` of the first option in list `name` whose text contains `text`.
pub async fn option_value(c: &Client, name: &str, text: &str) -> String {
    let v = c
        .execute(
            "const s = document.querySelector(`select[name='${arguments[0]}']`);
             if (!s) return null;
             const o = Array.from(s.options).find(o => o.value && o.text.includes(arguments[1]));
             return o ? o.value : null;",
            vec![json!(name), json!(text)],
        )
        .await
        .expect("script");
    v.as_str()
        .unwrap_or_else(|| panic!("an option containing {text:?} in {name}"))
        .to_owned()
}

/// Clicks the element `css` (a button or link) and waits for the next page.
pub async fn press(c: &Client, css: &str) {
    let Ok(e) = c.find(Locator::Css(css)).await else {
        panic!("no element {css} on {}", path(c).await);
    };
    click_and_wait(c, &e, css).await;
}

/// Clicks an element that leads to another page and waits until that page has loaded.
pub async fn click_and_wait(c: &Client, e: &fantoccini::elements::Element, what: &str) {
    c.execute("window.__ibisOldPage = true;", vec![])
        .await
        .expect("script");
    e.click()
        .await
        .unwrap_or_else(|e| panic!("click {what}: {e}"));
    let start = Instant::now();
    loop {
        let v = c
            .execute(
                "return window.__ibisOldPage !== true && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(v, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no new page within 30 s after clicking {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The path (and query) of the page shown.
pub async fn path(c: &Client) -> String {
    let u = c.current_url().await.expect("current url");
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}

/// The text of the page's main region.
pub async fn main_text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .expect("a main region")
        .text()
        .await
        .expect("its text")
}

/// Fails with the page's error summary when one is shown.
pub async fn no_errors(c: &Client, step: &str) {
    if let Ok(e) = c.find(Locator::Css(".error-summary")).await {
        panic!(
            "{step}: the page shows problems at {}: {}",
            path(c).await,
            e.text().await.unwrap_or_default()
        );
    }
}

/// The folder for a language's screenshots: `test-artifacts/e2e/<lang>/` at the workspace root.
pub fn artefacts(lang: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-artifacts/e2e")
        .join(lang);
    std::fs::create_dir_all(&d).expect("the artefact folder");
    d
}

/// Keeps a screenshot of the whole page (the window made as tall as the page) as
/// `NN-step.png`.
pub async fn shot(c: &Client, dir: &Path, n: usize, step: &str) {
    let (w, h) = c.get_window_size().await.expect("window size");
    let tall = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(h)
        .clamp(h, 8000);
    c.set_window_size(w as u32, tall as u32)
        .await
        .expect("resize");
    let png = c.screenshot().await.expect("a screenshot");
    c.set_window_size(w as u32, h as u32).await.expect("resize");
    std::fs::write(dir.join(format!("{n:02}-{step}.png")), png).expect("write the screenshot");
}

/// One rule axe-core found broken on a page.
#[derive(Debug, Deserialize)]
pub struct Violation {
    /// The rule (`color-contrast`, `label`, …).
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    /// What the rule asks for.
    pub help: String,
    /// Selectors of (up to five of) the elements that break it.
    pub nodes: Vec<String>,
}

impl Violation {
    /// Serious or critical: what fails the audit.
    pub fn blocks(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

/// Runs axe-core on the page with the WCAG 2.0 and 2.1 A and AA rules.
pub async fn axe(c: &Client) -> Vec<Violation> {
    let loaded = c
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("script");
    if loaded != json!(true) {
        c.execute(&format!("{AXE}\n;return true;"), vec![])
            .await
            .expect("axe-core loads into the page");
    }
    let out = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {
               runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
               resultTypes: ['violations']
             }).then(r => done(r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))
             })))).catch(e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .expect("axe runs");
    serde_json::from_value(out.clone()).unwrap_or_else(|e| panic!("axe answered {out}: {e}"))
}
