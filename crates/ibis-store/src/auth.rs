//! Users, passwords (argon2), sessions and sign-in rate limits. Sessions and failures live in
//! the database, so they hold across every server sharing it.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use ibis_core::access::{Role, UserScope};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;

use crate::sql::{instant_text, int, now_text, opt_int, opt_text, text};
use crate::{audit, Auditor, Engine, Result, Store, StoreError};

/// A signed-in user as the rest of the system sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Name shown in pages.
    pub display_name: String,
    /// Role.
    #[schema(value_type = String)]
    pub role: Role,
    /// Municipality (social workers, approvers).
    pub municipality: Option<String>,
    /// Provider (provider staff).
    pub provider_id: Option<i64>,
    /// Preferred language, `lv` or `en`.
    pub lang: String,
}

impl User {
    fn from_row(r: &AnyRow) -> Result<Self> {
        let role = text(r, "role")?;
        Ok(User {
            id: int(r, "id")?,
            username: text(r, "username")?,
            display_name: text(r, "display_name")?,
            role: role
                .parse()
                .map_err(|e: ibis_core::catalogue::UnknownCode| {
                    StoreError::Db(sqlx::Error::Decode(e.into()))
                })?,
            municipality: opt_text(r, "municipality_code")?,
            provider_id: opt_int(r, "provider_id")?,
            lang: text(r, "lang")?,
        })
    }

    /// What the user's scope rests on.
    pub fn scope_facts(&self) -> UserScope {
        UserScope {
            user_id: self.id,
            municipality: self.municipality.clone(),
            provider_id: self.provider_id,
        }
    }

    /// The user as an auditor from an address.
    pub fn auditor(&self, remote: &str) -> Auditor {
        Auditor {
            actor_id: Some(self.id),
            actor: self.username.clone(),
            remote: remote.into(),
        }
    }
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name.
    pub username: String,
    /// Password (hashed before it is stored; never logged).
    pub password: String,
    /// Name shown in pages.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Municipality, for municipal roles.
    pub municipality: Option<String>,
    /// Provider, for provider staff.
    pub provider_id: Option<i64>,
}

/// Kind of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A bearer token for the API.
    Api,
    /// A browser session cookie, with a CSRF token.
    Web,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Api => "api",
            SessionKind::Web => "web",
        }
    }
}

/// A session found by its token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The token that guards forms in this session.
    pub csrf_token: String,
}

/// Sign-in failures allowed per user name in the window before sign-in is refused.
pub const MAX_FAILURES: i64 = 5;
/// The window for counting failures, in minutes.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// How long a session lasts, in hours.
pub const SESSION_HOURS: i64 = 12;

/// A fresh random token, 32 bytes as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system's random source works");
    hex::encode(b)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes encode as a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Why a sign-in was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong name or password (not told apart).
    BadCredentials,
    /// Too many failures lately; try again after the window.
    RateLimited,
}

impl Store {
    /// Creates a user.
    pub async fn create_user(&self, u: &NewUser) -> Result<User> {
        let hash = hash_password(&u.password);
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, display_name, role, municipality_code, provider_id, lang, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'lv', $7) RETURNING id",
        )
        .bind(&u.username)
        .bind(&hash)
        .bind(&u.display_name)
        .bind(u.role.code())
        .bind(&u.municipality)
        .bind(u.provider_id)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| {
            if crate::sql::is_unique_violation(&e) {
                StoreError::invalid("username", format!("\"{}\" is taken", u.username))
            } else {
                e.into()
            }
        })?;
        let id: i64 = row.try_get(0)?;
        tx.commit().await?;
        self.user(id).await
    }

    /// A user by id.
    pub async fn user(&self, id: i64) -> Result<User> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        User::from_row(&row)
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(User::from_row).collect()
    }

    /// Number of users.
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?)
    }

    /// Checks a name and password and opens a session. Failures are counted per name; after
    /// [`MAX_FAILURES`] in [`FAILURE_WINDOW_MINUTES`] minutes, sign-in is refused even with the
    /// right password until the window passes. Both outcomes are audited.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        remote: &str,
    ) -> Result<std::result::Result<(String, Session), SignInRefusal>> {
        if crate::sql::has_nul([Some(username)]) {
            return Ok(Err(SignInRefusal::BadCredentials));
        }
        let since = instant_text(
            OffsetDateTime::now_utc() - time::Duration::minutes(FAILURE_WINDOW_MINUTES),
        );
        // PostgreSQL: one sign-in per name at a time across every server sharing the
        // database, from the count to the recorded outcome, so parallel guesses sent to
        // several servers cannot slip past the limit. (SQLite serves one process.)
        let mut locked = None;
        if self.engine() == Engine::Postgres {
            let mut tx = self.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(7261005, hashtext($1))")
                .bind(username)
                .execute(&mut *tx.tx)
                .await?;
            locked = Some(tx);
        }
        let count =
            sqlx::query("SELECT COUNT(*) FROM sign_in_failures WHERE username = $1 AND at > $2")
                .bind(username)
                .bind(&since);
        let failures: i64 = match locked.as_mut() {
            Some(tx) => count.fetch_one(&mut *tx.tx).await?,
            None => count.fetch_one(self.pool()).await?,
        }
        .try_get(0)?;
        let who = Auditor {
            actor_id: None,
            actor: username.chars().take(64).collect(),
            remote: remote.into(),
        };
        if failures >= MAX_FAILURES {
            let mut tx = match locked {
                Some(tx) => tx,
                None => self.begin().await?,
            };
            audit::append(
                &mut tx,
                &who,
                "sign-in-refused",
                "user",
                username,
                None,
                serde_json::json!({"reason": "rate-limited"}),
            )
            .await?;
            tx.commit().await?;
            return Ok(Err(SignInRefusal::RateLimited));
        }
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        let user = match &row {
            Some(r) if verify_password(password, &text(r, "password_hash")?) => {
                Some(User::from_row(r)?)
            }
            _ => None,
        };
        let mut tx = match locked {
            Some(tx) => tx,
            None => self.begin().await?,
        };
        let Some(user) = user else {
            sqlx::query("INSERT INTO sign_in_failures (username, remote, at) VALUES ($1, $2, $3)")
                .bind(username)
                .bind(remote)
                .bind(now_text())
                .execute(&mut *tx.tx)
                .await?;
            audit::append(
                &mut tx,
                &who,
                "sign-in-failed",
                "user",
                username,
                None,
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            return Ok(Err(SignInRefusal::BadCredentials));
        };
        let token = random_token();
        let csrf = random_token();
        let expires =
            instant_text(OffsetDateTime::now_utc() + time::Duration::hours(SESSION_HOURS));
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(token_hash(&token))
            .bind(user.id)
            .bind(kind.code())
            .bind(&csrf)
            .bind(now_text())
            .bind(expires)
            .execute(&mut *tx.tx)
            .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE username = $1")
            .bind(username)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            &user.auditor(remote),
            "sign-in",
            "user",
            &user.id.to_string(),
            None,
            serde_json::json!({"kind": kind.code()}),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok((
            token,
            Session {
                user,
                csrf_token: csrf,
            },
        )))
    }

    /// The live session a token belongs to.
    pub async fn session(&self, token: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.*, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        if text(&row, "expires_at")? <= now_text() {
            return Ok(None);
        }
        Ok(Some(Session {
            user: User::from_row(&row)?,
            csrf_token: text(&row, "csrf_token")?,
        }))
    }

    /// Ends a session.
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }

    /// Remembers a user's language.
    pub async fn set_user_lang(&self, user_id: i64, lang: &str) -> Result<()> {
        if lang != "lv" && lang != "en" {
            return Err(StoreError::invalid(
                "lang",
                format!("\"{lang}\" is not allowed; allowed: lv, en"),
            ));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await
    }
}
