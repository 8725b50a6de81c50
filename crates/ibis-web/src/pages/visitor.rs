//! Who is looking at a page: the session (from the `ibis_session` cookie), the language, and
//! whether a form came from this site. Also how a page and an error page are rendered in the
//! layout.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use ibis_core::access::{Action, Scope};
use ibis_store::auth::User;
use ibis_store::{Auditor, StoreError};
use minijinja::{context, Value};

use super::forms::Form;
use super::i18n::{role_name, Lang};
use super::views::{css_url, logo_url, render};
use crate::auth::{remote_of, SESSION_COOKIE};
use crate::AppState;

/// The cookie that remembers the language chosen with the language switch.
pub const LANG_COOKIE: &str = "ibis_lang";

/// The cookie that remembers the easy-read mode (`1` on), set on the person's page.
pub const EASY_COOKIE: &str = "ibis_easy";

/// A signed-in user with their session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session token (the cookie's value).
    pub token: String,
    /// The user.
    pub user: User,
    /// The session's CSRF token, sent back by every form.
    pub csrf: String,
}

impl SignedIn {
    /// Whether the role may take the action.
    pub fn may(&self, action: Action) -> bool {
        self.user.role.may(action)
    }

    /// The records the user may see.
    pub fn scope(&self) -> Scope {
        self.user.role.scope(&self.user.scope_facts())
    }
}

/// The visitor of a page.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The signed-in user, if any.
    pub who: Option<SignedIn>,
    /// The page language: the user's saved language, else the `ibis_lang` cookie, else Latvian.
    pub lang: Lang,
    /// The language in the `ibis_lang` cookie.
    pub cookie_lang: Option<Lang>,
    /// The caller's address.
    pub remote: String,
    /// Path and query of the request (where the language switch returns to).
    pub path: String,
    /// Whether the request came from this site: its `Origin` (when sent) is this host, and
    /// `Sec-Fetch-Site` (when sent) does not say another site.
    pub same_origin: bool,
    /// Easy-read mode (short sentences, large type, pictograms): the `ibis_easy` cookie.
    pub easy: bool,
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum Fail {
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// No such record, or not in the caller's scope (not told apart).
    NotFound,
    /// The role may not do this.
    Forbidden,
    /// A form without the session's CSRF token, or from another site.
    Csrf,
    /// The request could not be read.
    BadRequest,
    /// Something failed on the server (the reason goes to the log only).
    Server(String),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Fail::NotFound,
            StoreError::Forbidden(_) => Fail::Forbidden,
            StoreError::Invalid(_) => Fail::BadRequest,
            other => Fail::Server(format!("store: {other}")),
        }
    }
}

impl From<minijinja::Error> for Fail {
    fn from(e: minijinja::Error) -> Self {
        Fail::Server(format!("template: {e:#}"))
    }
}

/// What a page handler returns.
pub type PageResult = Result<Response, Fail>;

/// Compares two strings in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a request came from this site (see [`Visitor::same_origin`]).
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(host)) = (
        origin.to_str(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    ) else {
        return false;
    };
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// A path this site may redirect to after a form: a local path, nothing else.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && n.len() <= 2000
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let cookie_lang = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value()));
        let easy = jar.get(EASY_COOKIE).is_some_and(|c| c.value() == "1");
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|t| !t.is_empty() && t.len() <= 128);
        let who = match token {
            None => None,
            Some(token) => match state.store.session(&token).await {
                Ok(Some(s)) => Some(SignedIn {
                    token,
                    user: s.user,
                    csrf: s.csrf_token,
                }),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the session");
                    let v = Visitor {
                        who: None,
                        lang: cookie_lang.unwrap_or_default(),
                        cookie_lang,
                        remote: remote_of(parts),
                        path: "/".into(),
                        same_origin: false,
                        easy,
                    };
                    return Err(v.error_page(Fail::Server("session".into())));
                }
            },
        };
        let lang = who
            .as_ref()
            .and_then(|w| Lang::parse(&w.user.lang))
            .or(cookie_lang)
            .unwrap_or_default();
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Ok(Visitor {
            who,
            lang,
            cookie_lang,
            remote: remote_of(parts),
            path,
            same_origin: same_origin(&parts.headers),
            easy,
        })
    }
}

impl Visitor {
    /// The signed-in user, or [`Fail::SignIn`].
    pub fn signed_in(&self) -> Result<&SignedIn, Fail> {
        self.who.as_ref().ok_or(Fail::SignIn)
    }

    /// The signed-in user, after checking that the form came from this site and carries the
    /// session's CSRF token.
    pub fn check_form(&self, form: &Form) -> Result<&SignedIn, Fail> {
        let who = self.signed_in()?;
        if !self.same_origin || !constant_time_eq(form.get("csrf").unwrap_or(""), &who.csrf) {
            return Err(Fail::Csrf);
        }
        Ok(who)
    }

    /// The caller as recorded in the audit log.
    pub fn auditor(&self) -> Result<Auditor, Fail> {
        Ok(self.signed_in()?.user.auditor(&self.remote))
    }

    /// What every page's layout needs: language, user, navigation, CSRF token.
    fn base(&self, section: &str, next: &str) -> Value {
        let lang = self.lang;
        let user = self.who.as_ref().map(|w| {
            context! {
                name => w.user.display_name,
                role => role_name(lang, w.user.role),
            }
        });
        let may = |a: Action| self.who.as_ref().is_some_and(|w| w.may(a));
        context! {
            lang => lang.code(),
            other_lang => lang.other().code(),
            user => user,
            csrf => self.who.as_ref().map(|w| w.csrf.clone()).unwrap_or_default(),
            next => next,
            section => section,
            easy => self.easy,
            can => context! {
                people => may(Action::ListPersons),
                register => may(Action::WritePerson),
                worklist => may(Action::ReadWorklist),
                my_budget => may(Action::SeeOwnBudget),
                my_clients => may(Action::SeeProviderClients),
                payments => may(Action::ReadPaymentRuns),
                statements => self.who.as_ref().is_some_and(|w| crate::statements::STATEMENT_READERS.contains(&w.user.role)),
                simulator => self.who.as_ref().is_some_and(|w| crate::simulator::SIMULATE_ROLES.contains(&w.user.role)),
                monitoring => self.who.as_ref().is_some_and(|w| crate::monitoring::MONITORING_ROLES.contains(&w.user.role)),
            },
            css => css_url(),
            logo => logo_url(),
        }
    }

    /// Renders a page in the layout with status 200.
    pub fn page(&self, template: &str, section: &str, ctx: Value) -> PageResult {
        self.page_with_status(StatusCode::OK, template, section, ctx)
    }

    /// Renders a page in the layout with a status.
    pub fn page_with_status(
        &self,
        status: StatusCode,
        template: &str,
        section: &str,
        ctx: Value,
    ) -> PageResult {
        let html = render(
            template,
            context! { ..ctx, ..self.base(section, &self.path) },
        )?;
        Ok((status, Html(html)).into_response())
    }

    /// The answer for a failure: a redirect to the sign-in page, or an error page in the layout
    /// and the visitor's language. Error pages do not depend on the path asked for, so a
    /// record out of scope and a record that does not exist answer alike.
    pub fn error_page(&self, fail: Fail) -> Response {
        let (status, kind) = match fail {
            Fail::SignIn => {
                let next = if self.path == "/" {
                    String::new()
                } else {
                    format!(
                        "?next={}",
                        form_urlencoded::byte_serialize(self.path.as_bytes()).collect::<String>()
                    )
                };
                return Redirect::to(&format!("/sign-in{next}")).into_response();
            }
            Fail::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            Fail::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Fail::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            Fail::BadRequest => (StatusCode::BAD_REQUEST, "bad-request"),
            Fail::Server(why) => {
                tracing::error!(why, path = self.path, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "server")
            }
        };
        match render(
            "error.html",
            context! { kind => kind, status => status.as_u16(), ..self.base("", "/") },
        ) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "the error page does not render");
                (status, status.canonical_reason().unwrap_or("error")).into_response()
            }
        }
    }

    /// The response for a handler's result.
    pub fn finish(&self, result: PageResult) -> Response {
        result.unwrap_or_else(|fail| self.error_page(fail))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn next_is_a_local_path_only() {
        assert_eq!(safe_next(Some("/people?q=a")), "/people?q=a");
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "people",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn origin_must_be_this_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(!same_origin(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h));
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq("", "a"));
    }
}
