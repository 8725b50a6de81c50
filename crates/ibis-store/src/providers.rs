//! Providers from the Register of Social Service Providers: the municipalities they serve and
//! the services they offer, each with an effective-dated price (a new price is a new row; no
//! price is overwritten).

use ibis_core::field::FieldError;
use ibis_core::money::UnitPrice;
use ibis_core::registry::{coded, optional_text, required_text, validity};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::{
    date_text, int, is_unique_violation, now_text, opt_text, text, Page, PageRequest,
};
use crate::{audit, Auditor, Result, Store, StoreError};

ibis_core::coded_enum!(
    /// The legal form of a provider.
    ProviderKind, "kind", {
        /// A municipal institution.
        Municipal = "municipal",
        /// A non-governmental organisation.
        Ngo = "ngo",
        /// A private company.
        Private = "private",
        /// A state institution.
        State = "state",
    }
);

/// A provider as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// Number in the Register of Social Service Providers.
    pub register_no: String,
    /// Name.
    pub name: String,
    /// `municipal`, `ngo`, `private` or `state`.
    pub kind: String,
    /// Account for payments (checked when payments are made).
    pub iban: Option<String>,
    /// Codes of the municipalities it serves.
    #[serde(default)]
    pub municipalities: Vec<String>,
}

/// A service a provider offers, as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferInput {
    /// Service type code.
    pub service: String,
    /// Price per unit in euro, e.g. `"15.46"` (at most four decimals).
    pub price_eur: String,
    /// First day, YYYY-MM-DD.
    pub valid_from: String,
    /// First day after, if the offer ends.
    pub valid_to: Option<String>,
}

/// A provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Provider {
    /// Id.
    pub id: i64,
    /// Register number.
    pub register_no: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Account.
    pub iban: Option<String>,
    /// Municipalities served.
    pub municipalities: Vec<String>,
    /// Services offered, with prices and validity.
    pub offers: Vec<Offer>,
}

/// A service offered at a price for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Offer {
    /// Id.
    pub id: i64,
    /// Service type code.
    pub service: String,
    /// Price per unit, euro.
    pub price_eur: String,
    /// First day.
    pub valid_from: String,
    /// First day after, if it ends.
    pub valid_to: Option<String>,
}

fn offer(r: &AnyRow) -> Result<Offer> {
    let e4 = int(r, "price_e4")?;
    Ok(Offer {
        id: int(r, "id")?,
        service: text(r, "service_code")?,
        price_eur: UnitPrice::from_e4(e4)
            .map(|p| p.to_string())
            .unwrap_or_else(|_| e4.to_string()),
        valid_from: text(r, "valid_from")?,
        valid_to: opt_text(r, "valid_to")?,
    })
}

impl Store {
    /// Registers a provider with the municipalities it serves.
    pub async fn create_provider(&self, who: &Auditor, input: &ProviderInput) -> Result<Provider> {
        let mut errors = Vec::new();
        let register_no = required_text("register_no", &input.register_no, 32, &mut errors);
        let name = required_text("name", &input.name, 200, &mut errors);
        let kind = coded::<ProviderKind>("kind", &input.kind, &mut errors);
        let iban = optional_text("iban", input.iban.as_deref(), 42, &mut errors).and_then(|i| {
            ibis_core::sepa::Iban::parse(&i)
                .map(|i| i.to_string())
                .map_err(|e| errors.push(FieldError::new("iban", e.to_string())))
                .ok()
        });
        let known: Vec<String> = self
            .municipalities()
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect();
        for m in &input.municipalities {
            if !known.contains(m) {
                errors.push(FieldError::new(
                    "municipalities",
                    format!("\"{m}\" is not a municipality code"),
                ));
            }
        }
        let Some(kind) = kind.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query("INSERT INTO providers (register_no, name, kind, iban, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(&register_no)
            .bind(&name)
            .bind(kind.code())
            .bind(&iban)
            .bind(now_text())
            .fetch_one(&mut *tx.tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::invalid("register_no", format!("\"{register_no}\" is already registered"))
                } else {
                    e.into()
                }
            })?
            .try_get(0)?;
        for m in &input.municipalities {
            sqlx::query("INSERT INTO provider_municipalities (provider_id, municipality_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(m)
                .execute(&mut *tx.tx)
                .await?;
        }
        audit::append(
            &mut tx,
            who,
            "create",
            "provider",
            &id.to_string(),
            None,
            json!({"register_no": register_no}),
        )
        .await?;
        tx.commit().await?;
        self.provider(id).await
    }

    /// Adds a service offer at a price from a day. An earlier offer of the same service stays
    /// as it was (its history is kept); the new one applies from its `valid_from`.
    pub async fn add_offer(
        &self,
        who: &Auditor,
        provider_id: i64,
        input: &OfferInput,
    ) -> Result<Offer> {
        let mut errors = Vec::new();
        let service = required_text("service", &input.service, 64, &mut errors);
        if errors.is_empty() && self.service_type(&service).await.is_err() {
            errors.push(FieldError::new(
                "service",
                format!("\"{service}\" is not a service type in the catalogue"),
            ));
        }
        let price = input
            .price_eur
            .parse::<UnitPrice>()
            .map_err(|e| errors.push(FieldError::new("price_eur", e.to_string())))
            .ok();
        let period = validity(
            "valid_from",
            &input.valid_from,
            "valid_to",
            input.valid_to.as_deref(),
            &mut errors,
        );
        let (Some(price), Some((from, to))) = (price, period) else {
            return Err(StoreError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut tx = self.begin().await?;
        let exists = sqlx::query("SELECT 1 FROM providers WHERE id = $1")
            .bind(provider_id)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let clash = sqlx::query("SELECT 1 FROM provider_services WHERE provider_id = $1 AND service_code = $2 AND valid_from = $3")
            .bind(provider_id)
            .bind(&service)
            .bind(date_text(from))
            .fetch_optional(&mut *tx.tx)
            .await?;
        if clash.is_some() {
            return Err(StoreError::invalid(
                "valid_from",
                format!(
                    "a price for {service} already starts on {from}; a new price needs a new date"
                ),
            ));
        }
        let row = sqlx::query(
            "INSERT INTO provider_services (provider_id, service_code, price_e4, valid_from, valid_to, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        )
        .bind(provider_id)
        .bind(&service)
        .bind(price.to_e4())
        .bind(date_text(from))
        .bind(to.map(date_text))
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?;
        let o = offer(&row)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "offer",
            &o.id.to_string(),
            None,
            json!({"provider_id": provider_id, "service": service, "price_eur": o.price_eur}),
        )
        .await?;
        tx.commit().await?;
        Ok(o)
    }

    /// One provider with its municipalities and offers.
    pub async fn provider(&self, id: i64) -> Result<Provider> {
        let r = sqlx::query("SELECT * FROM providers WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let municipalities = sqlx::query("SELECT municipality_code FROM provider_municipalities WHERE provider_id = $1 ORDER BY municipality_code")
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| text(r, "municipality_code"))
            .collect::<Result<_>>()?;
        let offers = sqlx::query("SELECT * FROM provider_services WHERE provider_id = $1 ORDER BY service_code, valid_from")
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(offer)
            .collect::<Result<_>>()?;
        Ok(Provider {
            id,
            register_no: text(&r, "register_no")?,
            name: text(&r, "name")?,
            kind: text(&r, "kind")?,
            iban: opt_text(&r, "iban")?,
            municipalities,
            offers,
        })
    }

    /// Providers, optionally those serving a municipality and offering a service.
    pub async fn providers(
        &self,
        municipality: Option<&str>,
        service: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Provider>> {
        if crate::sql::has_nul([municipality, service]) {
            return Ok(Page::empty(page));
        }
        let filter = "($1 IS NULL OR EXISTS (SELECT 1 FROM provider_municipalities m WHERE m.provider_id = p.id AND m.municipality_code = $1)) \
                      AND ($2 IS NULL OR EXISTS (SELECT 1 FROM provider_services s WHERE s.provider_id = p.id AND s.service_code = $2))";
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM providers p WHERE {filter}"))
            .bind(municipality)
            .bind(service)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let ids: Vec<i64> = sqlx::query(&format!(
            "SELECT p.id FROM providers p WHERE {filter} ORDER BY p.name, p.id LIMIT $3 OFFSET $4"
        ))
        .bind(municipality)
        .bind(service)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<std::result::Result<_, _>>()?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            items.push(self.provider(id).await?);
        }
        Ok(Page {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }
}
