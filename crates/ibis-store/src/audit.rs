//! The audit log: every create, change and read of a person's record, append-only and
//! tamper-evident. Each entry's hash covers the previous entry's hash and the entry itself, so
//! editing, removing or reordering any entry breaks the chain from there on, which
//! [`Store::verify_audit`] finds.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::{int, now_text, opt_int, text, Page, PageRequest};
use crate::{Engine, Result, Store, WriteTx};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who is acting and from where: recorded with every audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auditor {
    /// The user's id (none for the system itself or an unknown caller).
    pub actor_id: Option<i64>,
    /// The user's name, or `system`.
    pub actor: String,
    /// Where the request came from (address), or `cli`.
    pub remote: String,
}

impl Auditor {
    /// The system itself (migrations, demo data, command-line tools).
    pub fn system(remote: &str) -> Self {
        Auditor {
            actor_id: None,
            actor: "system".into(),
            remote: remote.into(),
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The acting user's id.
    pub actor_id: Option<i64>,
    /// The acting user's name.
    pub actor: String,
    /// `read`, `list`, `create`, `update`, `sign-in`, ...
    pub action: String,
    /// The kind of record: `person`, `relative`, `consent`, ...
    pub entity: String,
    /// The record's id.
    pub entity_id: String,
    /// The person whose record it is, if any.
    pub person_id: Option<i64>,
    /// Where the request came from.
    pub remote: String,
    /// What changed or was asked, as JSON text (never a secret).
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    fn from_row(r: &AnyRow) -> Result<Self> {
        Ok(AuditEntry {
            seq: int(r, "seq")?,
            at: text(r, "at")?,
            actor_id: opt_int(r, "actor_id")?,
            actor: text(r, "actor")?,
            action: text(r, "action")?,
            entity: text(r, "entity")?,
            entity_id: text(r, "entity_id")?,
            person_id: opt_int(r, "person_id")?,
            remote: text(r, "remote")?,
            detail: text(r, "detail")?,
            prev_hash: text(r, "prev_hash")?,
            hash: text(r, "hash")?,
        })
    }

    /// The hash this entry should have, from its fields and the previous hash.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let fields = [
            self.seq.to_string(),
            self.at.clone(),
            self.actor_id.map(|i| i.to_string()).unwrap_or_default(),
            self.actor.clone(),
            self.action.clone(),
            self.entity.clone(),
            self.entity_id.clone(),
            self.person_id.map(|i| i.to_string()).unwrap_or_default(),
            self.remote.clone(),
            self.detail.clone(),
        ];
        h.update(self.prev_hash.as_bytes());
        for f in fields {
            h.update([0x1f]);
            h.update(f.len().to_string().as_bytes());
            h.update(b":");
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// What the verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainStatus {
    /// Every entry's hash holds and links to the one before.
    Intact {
        /// Number of entries checked.
        entries: i64,
    },
    /// The chain breaks at this entry.
    Broken {
        /// The first entry whose hash or link is wrong.
        seq: i64,
        /// What is wrong.
        reason: String,
    },
}

/// One entry to append with [`append_all`]: what was done to which record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `read`, `create`, `claim`, ...
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// The record's id.
    pub entity_id: String,
    /// The person whose record it is, if any.
    pub person_id: Option<i64>,
    /// What changed or was asked (never a secret).
    pub detail: serde_json::Value,
}

/// Appends one entry inside a write transaction.
pub async fn append(
    tx: &mut WriteTx,
    who: &Auditor,
    action: &str,
    entity: &str,
    entity_id: &str,
    person_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<()> {
    append_all(
        tx,
        who,
        &[Record {
            action: action.into(),
            entity: entity.into(),
            entity_id: entity_id.into(),
            person_id,
            detail,
        }],
    )
    .await
}

/// Rows of one multi-row insert into the audit log (12 values each, well under both engines'
/// limits on bound parameters).
const ROWS_PER_INSERT: usize = 500;

/// Appends entries in their order inside a write transaction, by the same actor: one lock of
/// the chain (PostgreSQL), one read of its tail, and one insert per 500 entries. Taken as late
/// as the caller can (just before commit), the chain's lock is held only for these statements
/// and the commit.
pub async fn append_all(tx: &mut WriteTx, who: &Auditor, records: &[Record]) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    if tx.engine() == Engine::Postgres {
        // One appender at a time across every server, so the chain stays a chain. The tail is
        // read by the next statement, whose snapshot is taken after the lock is held.
        sqlx::query("SELECT pg_advisory_xact_lock(7261002)")
            .execute(&mut *tx.tx)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx.tx)
        .await?;
    let (mut seq, mut prev_hash) = match last {
        Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?),
        None => (0, GENESIS.to_owned()),
    };
    let at = now_text();
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        seq += 1;
        let mut e = AuditEntry {
            seq,
            at: at.clone(),
            actor_id: who.actor_id,
            actor: who.actor.clone(),
            action: r.action.clone(),
            entity: r.entity.clone(),
            entity_id: r.entity_id.clone(),
            person_id: r.person_id,
            remote: who.remote.clone(),
            detail: r.detail.to_string(),
            prev_hash,
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        prev_hash = e.hash.clone();
        entries.push(e);
    }
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, person_id, remote, detail, prev_hash, hash) VALUES {}",
            crate::sql::values_list(tx.engine(), chunk.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(&e.at)
                .bind(e.actor_id)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.entity)
                .bind(&e.entity_id)
                .bind(e.person_id)
                .bind(&e.remote)
                .bind(&e.detail)
                .bind(&e.prev_hash)
                .bind(&e.hash);
        }
        q.execute(&mut *tx.tx).await?;
    }
    Ok(())
}

impl Store {
    /// The audit entries about one person, newest first.
    pub async fn audit_for_person(
        &self,
        person_id: i64,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE person_id = $1")
            .bind(person_id)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE person_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3",
        )
        .bind(person_id)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        Ok(Page {
            items: rows
                .iter()
                .map(AuditEntry::from_row)
                .collect::<Result<_>>()?,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// Every audit entry, oldest first, from `after_seq` on (for verification and backups).
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(AuditEntry::from_row).collect()
    }

    /// Walks the whole chain and reports the first entry that does not hold.
    pub async fn verify_audit(&self) -> Result<ChainStatus> {
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        loop {
            let batch = self.audit_entries(expected_seq - 1, 5000).await?;
            if batch.is_empty() {
                return Ok(ChainStatus::Intact {
                    entries: expected_seq - 1,
                });
            }
            for e in batch {
                let broken = |reason: String| Ok(ChainStatus::Broken { seq: e.seq, reason });
                if e.seq != expected_seq {
                    return broken(format!(
                        "entry {expected_seq} is missing (next is {})",
                        e.seq
                    ));
                }
                if e.prev_hash != prev {
                    return broken("does not link to the entry before it".into());
                }
                if e.compute_hash() != e.hash {
                    return broken("its content does not match its hash (edited)".into());
                }
                prev = e.hash.clone();
                expected_seq += 1;
            }
        }
    }
}
