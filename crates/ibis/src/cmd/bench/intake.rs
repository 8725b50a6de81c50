//! Claim intake and the engine's own limits it is compared with: one claim at a time over
//! HTTP (and the same claims decided in-process, without HTTP, to split the cost), a bulk CSV
//! upload, and the engine's rates of durable single-row commits and of a bulk insert of rows of
//! the same size into a scratch table of the same database.

use std::time::{Duration, Instant};

use ibis_store::{Engine, Store};
use ibis_web::AppState;
use sqlx::Row;

use super::setup::Budgets;

/// The scratch table the engine's limits are measured on (in the bench's own database).
pub async fn create_probe_table(store: &Store) -> Result<(), String> {
    let id = match store.engine() {
        Engine::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Engine::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    sqlx::raw_sql(&format!(
        "CREATE TABLE IF NOT EXISTS bench_probe (id {id}, payload TEXT NOT NULL, created_at TEXT NOT NULL)"
    ))
    .execute(store.pool())
    .await
    .map_err(|e| format!("bench probe table: {e}"))?;
    Ok(())
}

/// Bytes one claim writes (its claim row, ledger entry and audit entry), averaged over the
/// claims so far: the size of the engine's comparison row.
pub async fn bytes_per_claim(store: &Store) -> Result<usize, String> {
    let q = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(store.pool())
            .await
            .and_then(|r| r.try_get::<i64, _>(0))
            .map_err(|e| format!("bench row size: {e}"))
    };
    let claims = q("SELECT CAST(COALESCE(SUM(LENGTH(idempotency_key) + LENGTH(COALESCE(budget_line, '')) + LENGTH(service_date) + LENGTH(decision) + LENGTH(created_at)), 0) AS BIGINT) FROM claims").await?;
    let count = q("SELECT COUNT(*) FROM claims").await?.max(1);
    let ledger = q("SELECT CAST(COALESCE(SUM(LENGTH(budget_line) + LENGTH(kind) + LENGTH(on_date) + LENGTH(ref_id) + LENGTH(created_at)), 0) AS BIGINT) FROM ledger_entries WHERE ref_id LIKE 'claim:%'").await?;
    let audit = q("SELECT CAST(COALESCE(SUM(LENGTH(at) + LENGTH(actor) + LENGTH(action) + LENGTH(entity) + LENGTH(entity_id) + LENGTH(remote) + LENGTH(detail) + LENGTH(prev_hash) + LENGTH(hash)), 0) AS BIGINT) FROM audit_log WHERE entity = 'claim'").await?;
    // Eight 8-byte numbers on each of the three rows.
    Ok(usize::try_from((claims + ledger + audit) / count).unwrap_or(0) + 3 * 8 * 8)
}

/// `n` durable single-row commits, one after the other: the engine's limit for one-at-a-time
/// intake.
pub async fn single_commits(store: &Store, n: usize, payload: &str) -> Result<Duration, String> {
    let at = ibis_store::now_text();
    let t = Instant::now();
    for _ in 0..n {
        let mut tx = store.pool().begin().await.map_err(|e| e.to_string())?;
        sqlx::query("INSERT INTO bench_probe (payload, created_at) VALUES ($1, $2)")
            .bind(payload)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("bench probe insert: {e}"))?;
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(t.elapsed())
}

/// `n` rows inserted in one transaction (one prepared insert per row) and committed once:
/// the engine's limit for bulk intake.
pub async fn bulk_insert(store: &Store, n: usize, payload: &str) -> Result<Duration, String> {
    let at = ibis_store::now_text();
    let t = Instant::now();
    let mut tx = store.pool().begin().await.map_err(|e| e.to_string())?;
    for _ in 0..n {
        sqlx::query("INSERT INTO bench_probe (payload, created_at) VALUES ($1, $2)")
            .bind(payload)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("bench probe insert: {e}"))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(t.elapsed())
}

/// What a block of claims gave.
#[derive(Debug, Default, Clone, Copy)]
pub struct Block {
    /// Time taken.
    pub elapsed: Duration,
    /// Claims accepted (approved or held for review).
    pub accepted: usize,
    /// Claims refused.
    pub refused: usize,
}

impl Block {
    /// Adds another block.
    pub fn add(&mut self, o: Block) {
        self.elapsed += o.elapsed;
        self.accepted += o.accepted;
        self.refused += o.refused;
    }
}

/// A client of the bench's server.
pub struct Http {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bearer token of `provider-ogre`.
    pub token: String,
    /// The client (one kept-alive connection for one-at-a-time claims).
    pub client: reqwest::Client,
}

impl Http {
    /// Signs in as a demo user.
    pub async fn sign_in(base: String, user: &str) -> Result<Http, String> {
        let client = reqwest::Client::new();
        let r = client
            .post(format!("{base}/api/v1/auth/token"))
            .json(
                &serde_json::json!({"username": user, "password": ibis_store::demo::DEMO_PASSWORD}),
            )
            .send()
            .await
            .map_err(|e| format!("bench sign-in: {e}"))?;
        let v: serde_json::Value = r.json().await.map_err(|e| format!("bench sign-in: {e}"))?;
        let token = v["token"]
            .as_str()
            .ok_or_else(|| format!("bench sign-in: no token in {v}"))?
            .to_owned();
        Ok(Http {
            base,
            token,
            client,
        })
    }
}

/// Claims `from..from + n` of the run, one at a time over HTTP.
pub async fn claims_http(
    http: &Http,
    budgets: &Budgets,
    prefix: &str,
    from: usize,
    n: usize,
) -> Result<Block, String> {
    let url = format!("{}/api/v1/claims", http.base);
    let mut b = Block::default();
    let t = Instant::now();
    for i in from..from + n {
        let body = budgets.claim_json(&format!("{prefix}-{i}"), i);
        let r = http
            .client
            .post(&url)
            .bearer_auth(&http.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("bench claim: {e}"))?;
        let status = r.status();
        let v: serde_json::Value = r.json().await.map_err(|e| format!("bench claim: {e}"))?;
        if status != reqwest::StatusCode::CREATED {
            return Err(format!("bench claim {i}: {status} {v}"));
        }
        count(&mut b, &v["decision"]);
    }
    b.elapsed = t.elapsed();
    Ok(b)
}

fn count(b: &mut Block, decision: &serde_json::Value) {
    if decision["accepted"].as_bool() == Some(true) {
        b.accepted += 1;
    } else {
        b.refused += 1;
    }
}

/// Claims `from..from + n` of the run, one at a time, decided in-process through the same
/// function the API handler calls (no HTTP, no JSON, no session lookup).
pub async fn claims_in_process(
    state: &AppState,
    caller: &ibis_web::auth::Caller,
    budgets: &Budgets,
    prefix: &str,
    from: usize,
    n: usize,
) -> Result<Block, String> {
    let mut b = Block::default();
    let t = Instant::now();
    for i in from..from + n {
        let input: ibis_core::claim::ClaimLineInput =
            serde_json::from_value(budgets.claim_json(&format!("{prefix}-{i}"), i))
                .map_err(|e| e.to_string())?;
        let r = ibis_web::spending::claim(state, caller, &input)
            .await
            .map_err(|e| format!("bench claim {i}: {}", e.message))?;
        count(&mut b, &r.decision);
    }
    b.elapsed = t.elapsed();
    Ok(b)
}

/// Claims `from..from + n` of the run as one CSV upload (`all-or-nothing`).
pub async fn claims_csv(
    http: &Http,
    budgets: &Budgets,
    prefix: &str,
    from: usize,
    n: usize,
) -> Result<Block, String> {
    let mut csv = String::with_capacity(64 * (n + 1));
    csv.push_str(ibis_core::csv_import::HEADER);
    csv.push('\n');
    for i in from..from + n {
        csv.push_str(&budgets.claim_csv(&format!("{prefix}-{i}"), i));
    }
    let t = Instant::now();
    let r = http
        .client
        .post(format!(
            "{}/api/v1/claims/bulk?mode=all-or-nothing",
            http.base
        ))
        .bearer_auth(&http.token)
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .map_err(|e| format!("bench upload: {e}"))?;
    let status = r.status();
    let v: serde_json::Value = r.json().await.map_err(|e| format!("bench upload: {e}"))?;
    let elapsed = t.elapsed();
    if status != reqwest::StatusCode::OK {
        return Err(format!("bench upload: {status} {v}"));
    }
    let mut b = Block {
        elapsed,
        ..Block::default()
    };
    for line in v["report"].as_array().into_iter().flatten() {
        match line["status"].as_str() {
            Some("imported") => b.accepted += 1,
            _ => b.refused += 1,
        }
    }
    Ok(b)
}
