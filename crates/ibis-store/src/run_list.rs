//! The payment runs of a municipality, newest first, for the payments page.

use crate::payments::RunRow;
use crate::sql::int;
use crate::{Result, Store};

impl Store {
    /// The latest `limit` payment runs of a municipality, newest first.
    pub async fn runs_of(&self, municipality: &str, limit: i64) -> Result<Vec<RunRow>> {
        let ids = sqlx::query(
            "SELECT id FROM payment_runs WHERE municipality_code = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(municipality)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut runs = Vec::with_capacity(ids.len());
        for r in &ids {
            runs.push(self.run(municipality, int(r, "id")?).await?);
        }
        Ok(runs)
    }
}
