//! The templates (minijinja, embedded in the binary, HTML auto-escaped) and the static files.

use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use minijinja::Environment;

use super::i18n::template_t;

/// Every template, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("errors.html", include_str!("../../templates/errors.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("sign_in.html", include_str!("../../templates/sign_in.html")),
    ("people.html", include_str!("../../templates/people.html")),
    (
        "person_new.html",
        include_str!("../../templates/person_new.html"),
    ),
    ("person.html", include_str!("../../templates/person.html")),
    (
        "providers.html",
        include_str!("../../templates/providers.html"),
    ),
    (
        "provider.html",
        include_str!("../../templates/provider.html"),
    ),
    (
        "catalogue.html",
        include_str!("../../templates/catalogue.html"),
    ),
    (
        "cycle_macros.html",
        include_str!("../../templates/cycle_macros.html"),
    ),
    (
        "person_cycle.html",
        include_str!("../../templates/person_cycle.html"),
    ),
    (
        "assessment_form.html",
        include_str!("../../templates/assessment_form.html"),
    ),
    (
        "assessment.html",
        include_str!("../../templates/assessment.html"),
    ),
    (
        "decision.html",
        include_str!("../../templates/decision.html"),
    ),
    (
        "notice_body.html",
        include_str!("../../templates/notice_body.html"),
    ),
    ("notice.html", include_str!("../../templates/notice.html")),
    (
        "plan_form.html",
        include_str!("../../templates/plan_form.html"),
    ),
    ("plan.html", include_str!("../../templates/plan.html")),
    (
        "plan_compare.html",
        include_str!("../../templates/plan_compare.html"),
    ),
    (
        "worklist.html",
        include_str!("../../templates/worklist.html"),
    ),
    (
        "mybudget.html",
        include_str!("../../templates/mybudget.html"),
    ),
    (
        "provider_desk.html",
        include_str!("../../templates/provider_desk.html"),
    ),
    (
        "statement_body.html",
        include_str!("../../templates/statement_body.html"),
    ),
    (
        "decision_statement.html",
        include_str!("../../templates/decision_statement.html"),
    ),
    ("upload.html", include_str!("../../templates/upload.html")),
    ("my.html", include_str!("../../templates/my.html")),
    (
        "document.html",
        include_str!("../../templates/document.html"),
    ),
    (
        "simulator.html",
        include_str!("../../templates/simulator.html"),
    ),
    (
        "simulator_draft.html",
        include_str!("../../templates/simulator_draft.html"),
    ),
    (
        "upload_report.html",
        include_str!("../../templates/upload_report.html"),
    ),
    (
        "upload_stream.html",
        include_str!("../../templates/upload_stream.html"),
    ),
    // Person links.
    (
        "person_links.html",
        include_str!("../../templates/person_links.html"),
    ),
    (
        "payments.html",
        include_str!("../../templates/payments.html"),
    ),
    // Monitoring.
    (
        "monitoring_filters.html",
        include_str!("../../templates/monitoring_filters.html"),
    ),
    (
        "monitoring.html",
        include_str!("../../templates/monitoring.html"),
    ),
    (
        "monitoring_gaps.html",
        include_str!("../../templates/monitoring_gaps.html"),
    ),
    (
        "monitoring_rows.html",
        include_str!("../../templates/monitoring_rows.html"),
    ),
];

/// The style sheet.
pub const CSS: &str = include_str!("../../static/ibis.css");
/// The logo.
pub const LOGO: &str = include_str!("../../static/logo.svg");

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// A fingerprint of the static files, put in their URLs so they can be cached for long.
const STATIC_VERSION: u64 = fnv1a(CSS.as_bytes()) ^ fnv1a(LOGO.as_bytes()).rotate_left(1);

/// The style sheet's URL with its fingerprint.
pub fn css_url() -> String {
    format!("/static/ibis.css?v={STATIC_VERSION:016x}")
}

/// The logo's URL with its fingerprint.
pub fn logo_url() -> String {
    format!("/static/logo.svg?v={STATIC_VERSION:016x}")
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not compile");
            }
        }
        env.add_function("t", template_t);
        env.set_formatter(html_formatter);
        env
    })
}

/// Escapes text for HTML: `&`, `<`, `>`, `"` and `'` (minijinja's default also escapes `/`,
/// which makes every path in an attribute unreadable in the page source).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
        && value.kind() == ValueKind::String
        && !value.is_safe()
    {
        if let Some(s) = value.as_str() {
            return out
                .write_str(&escape_html(s))
                .map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// Renders a template with a context.
pub fn render(name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
    env().get_template(name)?.render(ctx)
}

fn cached(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /static/ibis.css`.
pub async fn css() -> Response {
    cached(CSS, "text/css; charset=utf-8")
}

/// `GET /static/logo.svg`.
pub async fn logo() -> Response {
    cached(LOGO, "image/svg+xml")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_template_compiles() {
        let mut env = Environment::new();
        env.add_function("t", template_t);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
        assert!(css_url().starts_with("/static/ibis.css?v="));
        assert_eq!(
            escape_html("<a href=\"/x?a=1&b='2'\">"),
            "&lt;a href=&quot;/x?a=1&amp;b=&#x27;2&#x27;&quot;&gt;"
        );
    }
}
