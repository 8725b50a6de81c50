//! Reference data loaded at start: municipalities and the service catalogue. Codes are added
//! or their names corrected; nothing a record points to is removed.

use ibis_core::catalogue::Catalogue;
use ibis_core::municipality::builtin_municipalities;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::sql::{boolean, opt_text, text, Page, PageRequest};
use crate::{Result, Store, StoreError};

/// A municipality with its planning region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MunicipalityRow {
    /// Code, e.g. `ogre`.
    pub code: String,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// `state-city` or `county`.
    pub kind: String,
    /// Planning region code.
    pub region: String,
    /// Whether the children's pilot ran there.
    pub pilot_children: bool,
    /// Whether the adults' pilot ran there.
    pub pilot_adults: bool,
}

/// A service type of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ServiceTypeRow {
    /// Code.
    pub code: String,
    /// Category code.
    pub category: String,
    /// Unit code.
    pub unit: String,
    /// Recipient code.
    pub recipient: String,
    /// DI area code.
    pub area_code: Option<String>,
    /// Latvian name.
    pub name_lv: String,
    /// English name.
    pub name_en: String,
    /// Source.
    pub source: String,
}

fn municipality(r: &AnyRow) -> Result<MunicipalityRow> {
    Ok(MunicipalityRow {
        code: text(r, "code")?,
        name_lv: text(r, "name_lv")?,
        name_en: text(r, "name_en")?,
        kind: text(r, "kind")?,
        region: text(r, "region")?,
        pilot_children: boolean(r, "pilot_children")?,
        pilot_adults: boolean(r, "pilot_adults")?,
    })
}

fn service_type(r: &AnyRow) -> Result<ServiceTypeRow> {
    Ok(ServiceTypeRow {
        code: text(r, "code")?,
        category: text(r, "category")?,
        unit: text(r, "unit")?,
        recipient: text(r, "recipient")?,
        area_code: opt_text(r, "area_code")?,
        name_lv: text(r, "name_lv")?,
        name_en: text(r, "name_en")?,
        source: text(r, "source")?,
    })
}

/// Loads the shipped municipalities and catalogue.
pub async fn load(store: &Store) -> Result<()> {
    let bad = |e: String| StoreError::Db(sqlx::Error::Configuration(e.into()));
    let municipalities = builtin_municipalities().map_err(|e| bad(e.to_string()))?;
    let catalogue = Catalogue::builtin().map_err(|e| bad(e.to_string()))?;
    let mut tx = store.begin().await?;
    for m in municipalities {
        sqlx::query(
            "INSERT INTO municipalities (code, name_lv, name_en, kind, region, pilot_children, pilot_adults) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET \
             name_lv = excluded.name_lv, name_en = excluded.name_en, kind = excluded.kind, region = excluded.region, \
             pilot_children = excluded.pilot_children, pilot_adults = excluded.pilot_adults",
        )
        .bind(&m.code)
        .bind(&m.name_lv)
        .bind(&m.name_en)
        .bind(m.kind.code())
        .bind(m.region.code())
        .bind(m.pilot_children)
        .bind(m.pilot_adults)
        .execute(&mut *tx.tx)
        .await?;
    }
    for t in catalogue.iter() {
        sqlx::query(
            "INSERT INTO service_types (code, category, unit, recipient, area_code, name_lv, name_en, source) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO UPDATE SET \
             category = excluded.category, unit = excluded.unit, recipient = excluded.recipient, area_code = excluded.area_code, \
             name_lv = excluded.name_lv, name_en = excluded.name_en, source = excluded.source",
        )
        .bind(&t.code)
        .bind(t.category.code())
        .bind(t.unit.code())
        .bind(t.recipient.code())
        .bind(&t.area_code)
        .bind(&t.name_lv)
        .bind(&t.name_en)
        .bind(&t.source)
        .execute(&mut *tx.tx)
        .await?;
    }
    tx.commit().await
}

impl Store {
    /// Every municipality, by region and name.
    pub async fn municipalities(&self) -> Result<Vec<MunicipalityRow>> {
        let rows = sqlx::query("SELECT * FROM municipalities ORDER BY region, name_lv")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(municipality).collect()
    }

    /// One municipality.
    pub async fn municipality(&self, code: &str) -> Result<MunicipalityRow> {
        let r = sqlx::query("SELECT * FROM municipalities WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        municipality(&r)
    }

    /// Service types, optionally of one category or matching a search in either language.
    pub async fn service_types(
        &self,
        category: Option<&str>,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<ServiceTypeRow>> {
        if crate::sql::has_nul([category, q]) {
            return Ok(Page::empty(page));
        }
        let pattern = q.map(|q| format!("%{}%", q.trim().to_lowercase()));
        let filter = "($1 IS NULL OR category = $1) AND ($2 IS NULL OR LOWER(name_lv) LIKE $2 OR LOWER(name_en) LIKE $2 OR code LIKE $2)";
        let total: i64 = sqlx::Row::try_get(
            &sqlx::query(&format!(
                "SELECT COUNT(*) FROM service_types WHERE {filter}"
            ))
            .bind(category)
            .bind(&pattern)
            .fetch_one(self.pool())
            .await?,
            0,
        )?;
        let rows = sqlx::query(&format!(
            "SELECT * FROM service_types WHERE {filter} ORDER BY category, code LIMIT $3 OFFSET $4"
        ))
        .bind(category)
        .bind(&pattern)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?;
        Ok(Page {
            items: rows.iter().map(service_type).collect::<Result<_>>()?,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// One service type.
    pub async fn service_type(&self, code: &str) -> Result<ServiceTypeRow> {
        let r = sqlx::query("SELECT * FROM service_types WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        service_type(&r)
    }
}
