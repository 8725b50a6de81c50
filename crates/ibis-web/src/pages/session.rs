//! Signing in and out, and the language switch.
//!
//! The session cookie `ibis_session` is HttpOnly, SameSite=Lax, Path=/ and, unless serving
//! plain HTTP for development, Secure; it holds a random token whose hash the store keeps.
//! Every state-changing form carries the session's CSRF token in the hidden field `csrf`,
//! compared in constant time. The sign-in form has no session yet, so it is guarded against
//! login CSRF by its origin: an `Origin` header, when sent, must name this host, and a
//! `Sec-Fetch-Site` header, when sent, must not name another site.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use ibis_store::auth::{SessionKind, SignInRefusal, FAILURE_WINDOW_MINUTES, SESSION_HOURS};
use minijinja::context;

use super::forms::Form;
use super::i18n::Lang;
use super::visitor::{safe_next, Fail, Visitor, LANG_COOKIE};
use crate::auth::SESSION_COOKIE;
use crate::AppState;

/// Longest user name and password read (longer ones are refused like wrong ones).
const MAX_USERNAME: usize = 200;
const MAX_PASSWORD: usize = 1024;

pub(crate) fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age: time::Duration,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(state.secure_cookies)
        .max_age(max_age)
        .build()
}

fn sign_in_page(
    v: &Visitor,
    status: StatusCode,
    username: &str,
    next: &str,
    refusal: &str,
) -> Response {
    v.finish(v.page_with_status(
        status,
        "sign_in.html",
        "sign-in",
        context! {
            username => username,
            next_after => next,
            refusal => refusal,
            minutes => FAILURE_WINDOW_MINUTES,
        },
    ))
}

/// `GET /sign-in`: the sign-in form (the start page when already signed in).
pub async fn sign_in_form(v: Visitor) -> Response {
    let q = Form::query(v.path.split_once('?').map(|(_, q)| q));
    let next = safe_next(q.get("next"));
    if v.who.is_some() {
        return Redirect::to(&next).into_response();
    }
    sign_in_page(&v, StatusCode::OK, "", &next, "")
}

/// `POST /sign-in`: checks the name and password; on success sets the session cookie and goes
/// to the page asked for. A language chosen before signing in becomes the user's language.
pub async fn sign_in(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    if !v.same_origin {
        return v.error_page(Fail::Csrf);
    }
    let form = Form::parse(&body);
    let username = form.get("username").unwrap_or("").trim();
    let password = form.get("password").unwrap_or("");
    let next = safe_next(form.get("next"));
    if username.is_empty() || password.is_empty() {
        return sign_in_page(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            &next,
            "missing",
        );
    }
    if username.chars().count() > MAX_USERNAME || password.len() > MAX_PASSWORD {
        return sign_in_page(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
            &next,
            "bad-credentials",
        );
    }
    let (token, session) = match state
        .store
        .sign_in(username, password, SessionKind::Web, &v.remote)
        .await
    {
        Ok(Ok(signed)) => signed,
        Ok(Err(SignInRefusal::BadCredentials)) => {
            return sign_in_page(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                username,
                &next,
                "bad-credentials",
            )
        }
        Ok(Err(SignInRefusal::RateLimited)) => {
            return sign_in_page(
                &v,
                StatusCode::TOO_MANY_REQUESTS,
                username,
                &next,
                "rate-limited",
            )
        }
        Err(e) => return v.error_page(e.into()),
    };
    if let Some(lang) = v.cookie_lang.filter(|l| l.code() != session.user.lang) {
        if let Err(e) = state
            .store
            .set_user_lang(session.user.id, lang.code())
            .await
        {
            tracing::warn!(error = %e, "cannot save the language chosen before signing in");
        }
    }
    if let Some(old) = &v.who {
        if let Err(e) = state.store.sign_out(&old.token).await {
            tracing::warn!(error = %e, "cannot end the previous session");
        }
    }
    let jar = CookieJar::new().add(cookie(
        &state,
        SESSION_COOKIE,
        token,
        time::Duration::hours(SESSION_HOURS),
    ));
    (jar, Redirect::to(&next)).into_response()
}

/// `POST /sign-out`: ends the session (CSRF-checked) and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    v: Visitor,
    jar: CookieJar,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let who = match v.check_form(&form) {
        Ok(who) => who,
        Err(Fail::SignIn) => return Redirect::to("/sign-in").into_response(),
        Err(fail) => return v.error_page(fail),
    };
    if let Err(e) = state.store.sign_out(&who.token).await {
        return v.error_page(e.into());
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/sign-in")).into_response()
}

/// `POST /lang` (`lang=lv|en`, `next`): the language switch. Remembered in the `ibis_lang`
/// cookie for everyone and, for a signed-in user (CSRF-checked), as the user's language.
pub async fn set_lang(State(state): State<AppState>, v: Visitor, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let Some(lang) = form.get("lang").and_then(Lang::parse) else {
        return v.error_page(Fail::BadRequest);
    };
    if v.who.is_some() {
        match v.check_form(&form) {
            Ok(who) => {
                if let Err(e) = state.store.set_user_lang(who.user.id, lang.code()).await {
                    return v.error_page(e.into());
                }
            }
            Err(fail) => return v.error_page(fail),
        }
    } else if !v.same_origin {
        return v.error_page(Fail::Csrf);
    }
    let jar = CookieJar::new().add(cookie(
        &state,
        LANG_COOKIE,
        lang.code().to_owned(),
        time::Duration::days(365),
    ));
    (jar, Redirect::to(&safe_next(form.get("next")))).into_response()
}
