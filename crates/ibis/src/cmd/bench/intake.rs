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
    let body = r.text().await.map_err(|e| format!("bench upload: {e}"))?;
    let elapsed = t.elapsed();
    let v: serde_json::Value = serde_json::from_str(&body).map_err(|_| {
        format!(
            "bench upload of {n} lines: {status} after {:.1} s: {}; try smaller files (--bulk-file-lines)",
            elapsed.as_secs_f64(),
            body.chars().take(200).collect::<String>()
        )
    })?;
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

/// Scratch copies of the three tables a claim writes (claims, ledger entries, the audit log),
/// with the same columns and indexes but no rows of the application.
pub async fn create_write_set_tables(store: &Store) -> Result<(), String> {
    let (id, boolean) = match store.engine() {
        Engine::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"),
        Engine::Postgres => ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BOOLEAN"),
    };
    sqlx::raw_sql(&format!(
        "CREATE TABLE bench_claims (id {id}, provider_id BIGINT NOT NULL, idempotency_key TEXT NOT NULL, agreement_id BIGINT, person_id BIGINT, budget_line TEXT, service_date TEXT NOT NULL, quantity_milli BIGINT NOT NULL, unit_price_e4 BIGINT NOT NULL, visit_id BIGINT, accepted {boolean} NOT NULL, needs_review {boolean} NOT NULL, amount_cents BIGINT NOT NULL, co_payment_cents BIGINT NOT NULL, decision TEXT NOT NULL, created_at TEXT NOT NULL, receipt TEXT, UNIQUE (provider_id, idempotency_key));
         CREATE INDEX bench_claims_by_agreement ON bench_claims(agreement_id, service_date);
         CREATE INDEX bench_claims_by_line ON bench_claims(budget_line);
         CREATE TABLE bench_ledger (id {id}, budget_line TEXT NOT NULL, kind TEXT NOT NULL, on_date TEXT NOT NULL, amount_cents BIGINT NOT NULL, ref_id TEXT NOT NULL, created_at TEXT NOT NULL);
         CREATE INDEX bench_ledger_by_line ON bench_ledger(budget_line, id);
         CREATE TABLE bench_audit (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor_id BIGINT, actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL, person_id BIGINT, remote TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
         CREATE INDEX bench_audit_by_person ON bench_audit(person_id, seq);"
    ))
    .execute(store.pool())
    .await
    .map_err(|e| format!("bench write-set tables: {e}"))?;
    Ok(())
}

/// `n` transactions that each write what one claim writes (a claim row, a ledger entry and
/// an audit entry after reading the chain's last entry, into the scratch copies of those
/// tables, with the contents of the run's last claim) and commit: the claim's write set
/// without its reads and decisions. `from` numbers the rows.
pub async fn write_set_commits(store: &Store, from: usize, n: usize) -> Result<Duration, String> {
    let e = |e: sqlx::Error| format!("bench write set: {e}");
    let claim = sqlx::query("SELECT budget_line, decision FROM claims ORDER BY id DESC LIMIT 1")
        .fetch_one(store.pool())
        .await
        .map_err(e)?;
    let (line, decision): (String, String) =
        (claim.try_get(0).map_err(e)?, claim.try_get(1).map_err(e)?);
    let audit = sqlx::query("SELECT detail, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_one(store.pool())
        .await
        .map_err(e)?;
    let (detail, hash): (String, String) =
        (audit.try_get(0).map_err(e)?, audit.try_get(1).map_err(e)?);
    let t = Instant::now();
    for i in from..from + n {
        let at = ibis_store::now_text();
        let mut tx = store.pool().begin().await.map_err(e)?;
        sqlx::query("INSERT INTO bench_claims (provider_id, idempotency_key, agreement_id, person_id, budget_line, service_date, quantity_milli, unit_price_e4, visit_id, accepted, needs_review, amount_cents, co_payment_cents, decision, created_at, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)")
            .bind(1_i64)
            .bind(format!("ws-{i}"))
            .bind(i as i64 % 1000)
            .bind(i as i64 % 1000)
            .bind(&line)
            .bind("2026-06-01")
            .bind(250_i64)
            .bind(50_000_i64)
            .bind(None::<i64>)
            .bind(true)
            .bind(true)
            .bind(125_i64)
            .bind(0_i64)
            .bind(&decision)
            .bind(&at)
            .bind(None::<String>)
            .execute(&mut *tx)
            .await
            .map_err(e)?;
        sqlx::query("INSERT INTO bench_ledger (budget_line, kind, on_date, amount_cents, ref_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&line)
            .bind("reserve")
            .bind("2026-06-01")
            .bind(-125_i64)
            .bind(format!("claim:1:ws-{i}"))
            .bind(&at)
            .execute(&mut *tx)
            .await
            .map_err(e)?;
        let last = sqlx::query("SELECT seq, hash FROM bench_audit ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(e)?;
        let seq = match last {
            Some(r) => r.try_get::<i64, _>(0).map_err(e)? + 1,
            None => 1,
        };
        sqlx::query("INSERT INTO bench_audit (seq, at, actor_id, actor, action, entity, entity_id, person_id, remote, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
            .bind(seq)
            .bind(&at)
            .bind(1_i64)
            .bind("provider-ogre")
            .bind("claim")
            .bind("claim")
            .bind(i.to_string())
            .bind(i as i64 % 1000)
            .bind("127.0.0.1")
            .bind(&detail)
            .bind(&hash)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .map_err(e)?;
        tx.commit().await.map_err(e)?;
    }
    Ok(t.elapsed())
}
