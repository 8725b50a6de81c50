//! People and what belongs to their record: relatives and representatives, disability
//! determinations, consents. Every read and change is scoped and audited in the same
//! transaction.

use ibis_core::access::Scope;
use ibis_core::registry::{NewConsent, NewDetermination, NewPerson, NewRelative, PersonChange};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::sql::{
    boolean, date_text, int, is_unique_violation, now_text, opt_text, text, Page, PageRequest,
};
use crate::{audit, Auditor, Result, Store, StoreError, WriteTx};

/// A person's record (without what hangs off it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Person {
    /// Id.
    pub id: i64,
    /// Latvian personal code, `DDMMYY-NNNNN`.
    pub personal_code: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: String,
    /// `child-ft` or `adult-grt`.
    pub target_group: String,
    /// Municipality code.
    pub municipality: String,
    /// Living situation code.
    pub living: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// Version, raised by every change (send it back with a change).
    pub version: i64,
}

/// A relative, representative or foster family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Relative {
    /// Id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Relation code.
    pub relation: String,
    /// Whether they are the legal representative.
    pub legal_representative: bool,
    /// Personal code.
    pub personal_code: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// A disability determination by VDEĀVK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Determination {
    /// Id.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// Severe functional impairment.
    pub severe_functional_impairment: bool,
    /// Special care need.
    pub special_care_need: bool,
    /// Decision number.
    pub decision_no: Option<String>,
    /// First day.
    pub valid_from: String,
    /// First day after; none for lifelong.
    pub valid_to: Option<String>,
}

/// A consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Consent {
    /// Id.
    pub id: i64,
    /// What it is for.
    pub purpose: String,
    /// Who gave it.
    pub given_by: String,
    /// When.
    pub given_on: String,
    /// When withdrawn, if it was.
    pub withdrawn_on: Option<String>,
    /// Note.
    pub note: String,
}

/// A person's whole record: what a case worker's page and a data export show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PersonRecord {
    /// The person.
    pub person: Person,
    /// Relatives and representatives.
    pub relatives: Vec<Relative>,
    /// Disability determinations, newest first.
    pub determinations: Vec<Determination>,
    /// Consents, newest first.
    pub consents: Vec<Consent>,
}

fn person(r: &AnyRow) -> Result<Person> {
    Ok(Person {
        id: int(r, "id")?,
        personal_code: format_code(&text(r, "personal_code")?),
        given_name: text(r, "given_name")?,
        family_name: text(r, "family_name")?,
        birth_date: text(r, "birth_date")?,
        target_group: text(r, "target_group")?,
        municipality: text(r, "municipality_code")?,
        living: text(r, "living")?,
        created_at: text(r, "created_at")?,
        updated_at: text(r, "updated_at")?,
        version: int(r, "version")?,
    })
}

fn format_code(compact: &str) -> String {
    ibis_core::personal_code::PersonalCode::parse(compact)
        .map(|c| c.to_string())
        .unwrap_or_else(|_| compact.to_owned())
}

/// The scope as a SQL condition on `persons p`, with its one parameter at `$n`.
pub(crate) fn scope_sql(scope: &Scope, n: usize) -> String {
    match scope {
        Scope::Municipality(_) => format!("p.municipality_code = ${n}"),
        Scope::Linked(_) => format!(
            "EXISTS (SELECT 1 FROM person_links l WHERE l.person_id = p.id AND l.user_id = ${n})"
        ),
        Scope::ProviderClients(_) => {
            format!("EXISTS (SELECT 1 FROM provider_clients c WHERE c.person_id = p.id AND c.provider_id = ${n})")
        }
        Scope::Nothing => format!("(1 = 0 AND ${n} IS NULL)"),
    }
}

pub(crate) fn bind_scope<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    scope: &'q Scope,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match scope {
        Scope::Municipality(m) => q.bind(m.as_str()),
        Scope::Linked(id) | Scope::ProviderClients(id) => q.bind(*id),
        Scope::Nothing => q.bind(0i64),
    }
}

/// Loads a person within scope inside a transaction, or `NotFound`.
pub(crate) async fn person_in_scope_tx(tx: &mut WriteTx, scope: &Scope, id: i64) -> Result<Person> {
    let sql = format!(
        "SELECT p.* FROM persons p WHERE p.id = $1 AND {}",
        scope_sql(scope, 2)
    );
    let row = bind_scope(sqlx::query(&sql).bind(id), scope)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    person(&row)
}

async fn municipality_exists(tx: &mut WriteTx, code: &str) -> Result<()> {
    let found = sqlx::query("SELECT 1 FROM municipalities WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *tx.tx)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::invalid(
            "municipality",
            format!("\"{code}\" is not a municipality code"),
        )),
    }
}

impl Store {
    /// Registers a person. The caller's scope must include the municipality.
    pub async fn create_person(
        &self,
        who: &Auditor,
        scope: &Scope,
        p: &NewPerson,
    ) -> Result<Person> {
        if let Scope::Municipality(m) = scope {
            if m != &p.municipality {
                return Err(StoreError::invalid(
                    "municipality",
                    format!("you may register people of {m} only"),
                ));
            }
        } else {
            return Err(StoreError::Forbidden(
                "only a municipality's social worker registers people".into(),
            ));
        }
        let mut tx = self.begin().await?;
        municipality_exists(&mut tx, &p.municipality).await?;
        let now = now_text();
        let row = sqlx::query(
            "INSERT INTO persons (personal_code, given_name, family_name, birth_date, target_group, municipality_code, living, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING *",
        )
        .bind(p.personal_code.compact())
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(date_text(p.birth_date))
        .bind(p.target_group.code())
        .bind(&p.municipality)
        .bind(p.living.code())
        .bind(&now)
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::invalid("personal_code", "a person with this personal code is already registered")
            } else {
                e.into()
            }
        })?;
        let created = person(&row)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "person",
            &created.id.to_string(),
            Some(created.id),
            json!({"municipality": created.municipality, "target_group": created.target_group}),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// A person's own record row (without relatives, determinations or consents), if in
    /// scope; the read is audited.
    pub async fn person(&self, who: &Auditor, scope: &Scope, id: i64) -> Result<Person> {
        let mut tx = self.begin().await?;
        let p = person_in_scope_tx(&mut tx, scope, id).await?;
        audit::append(
            &mut tx,
            who,
            "read",
            "person",
            &id.to_string(),
            Some(id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// A person's whole record, if in scope; the read is audited.
    pub async fn person_record(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
    ) -> Result<PersonRecord> {
        let mut tx = self.begin().await?;
        let p = person_in_scope_tx(&mut tx, scope, id).await?;
        let relatives = sqlx::query("SELECT * FROM relatives WHERE person_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(|r| {
                Ok(Relative {
                    id: int(r, "id")?,
                    name: text(r, "name")?,
                    relation: text(r, "relation")?,
                    legal_representative: boolean(r, "legal_representative")?,
                    personal_code: opt_text(r, "personal_code")?.map(|c| format_code(&c)),
                    phone: opt_text(r, "phone")?,
                    email: opt_text(r, "email")?,
                })
            })
            .collect::<Result<_>>()?;
        let determinations = sqlx::query("SELECT * FROM disability_determinations WHERE person_id = $1 ORDER BY valid_from DESC, id DESC")
            .bind(id)
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(|r| {
                Ok(Determination {
                    id: int(r, "id")?,
                    kind: text(r, "kind")?,
                    severe_functional_impairment: boolean(r, "severe_functional_impairment")?,
                    special_care_need: boolean(r, "special_care_need")?,
                    decision_no: opt_text(r, "decision_no")?,
                    valid_from: text(r, "valid_from")?,
                    valid_to: opt_text(r, "valid_to")?,
                })
            })
            .collect::<Result<_>>()?;
        let consents = sqlx::query(
            "SELECT * FROM consents WHERE person_id = $1 ORDER BY given_on DESC, id DESC",
        )
        .bind(id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Consent {
                id: int(r, "id")?,
                purpose: text(r, "purpose")?,
                given_by: text(r, "given_by")?,
                given_on: text(r, "given_on")?,
                withdrawn_on: opt_text(r, "withdrawn_on")?,
                note: text(r, "note")?,
            })
        })
        .collect::<Result<_>>()?;
        audit::append(
            &mut tx,
            who,
            "read",
            "person",
            &id.to_string(),
            Some(id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(PersonRecord {
            person: p,
            relatives,
            determinations,
            consents,
        })
    }

    /// People in scope, optionally matching a search on name or personal code; each person
    /// shown is audited as listed.
    pub async fn persons(
        &self,
        who: &Auditor,
        scope: &Scope,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Person>> {
        if crate::sql::has_nul([q]) {
            return Ok(Page::empty(page));
        }
        let pattern = q
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|q| format!("%{}%", q.to_lowercase().replace('-', "")));
        let filter = format!(
            "{} AND ($2 IS NULL OR LOWER(p.given_name || ' ' || p.family_name) LIKE $2 OR p.personal_code LIKE $2)",
            scope_sql(scope, 1)
        );
        let mut tx = self.begin().await?;
        let count_sql = format!("SELECT COUNT(*) FROM persons p WHERE {filter}");
        let total: i64 = bind_scope(sqlx::query(&count_sql), scope)
            .bind(&pattern)
            .fetch_one(&mut *tx.tx)
            .await?
            .try_get(0)?;
        let sql = format!("SELECT p.* FROM persons p WHERE {filter} ORDER BY p.family_name, p.given_name, p.id LIMIT $3 OFFSET $4");
        let rows = bind_scope(sqlx::query(&sql), scope)
            .bind(&pattern)
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(&mut *tx.tx)
            .await?;
        let items: Vec<Person> = rows.iter().map(person).collect::<Result<_>>()?;
        for p in &items {
            audit::append(
                &mut tx,
                who,
                "list",
                "person",
                &p.id.to_string(),
                Some(p.id),
                json!({"q": q}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Page {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// Changes a person's record if it is still at `change.version`.
    pub async fn update_person(
        &self,
        who: &Auditor,
        scope: &Scope,
        id: i64,
        change: &PersonChange,
    ) -> Result<Person> {
        let mut tx = self.begin().await?;
        let before = person_in_scope_tx(&mut tx, scope, id).await?;
        if before.version != change.version {
            return Err(StoreError::Conflict {
                current: before.version,
            });
        }
        if let Some(m) = &change.municipality {
            municipality_exists(&mut tx, m).await?;
        }
        let row = sqlx::query(
            "UPDATE persons SET given_name = COALESCE($1, given_name), family_name = COALESCE($2, family_name), \
             municipality_code = COALESCE($3, municipality_code), living = COALESCE($4, living), updated_at = $5, version = version + 1 \
             WHERE id = $6 AND version = $7 RETURNING *",
        )
        .bind(&change.given_name)
        .bind(&change.family_name)
        .bind(&change.municipality)
        .bind(change.living.map(|l| l.code()))
        .bind(now_text())
        .bind(id)
        .bind(change.version)
        .fetch_optional(&mut *tx.tx)
        .await?
        .ok_or(StoreError::Conflict { current: before.version + 1 })?;
        let after = person(&row)?;
        let mut changed = serde_json::Map::new();
        for (field, old, new) in [
            ("given_name", &before.given_name, &after.given_name),
            ("family_name", &before.family_name, &after.family_name),
            ("municipality", &before.municipality, &after.municipality),
            ("living", &before.living, &after.living),
        ] {
            if old != new {
                changed.insert(field.into(), json!({"from": old, "to": new}));
            }
        }
        audit::append(
            &mut tx,
            who,
            "update",
            "person",
            &id.to_string(),
            Some(id),
            serde_json::Value::Object(changed),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Adds a relative or representative to a person in scope.
    pub async fn add_relative(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        r: &NewRelative,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO relatives (person_id, name, relation, legal_representative, personal_code, phone, email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person_id)
        .bind(&r.name)
        .bind(r.relation.code())
        .bind(r.legal_representative)
        .bind(r.personal_code.map(|c| c.compact()))
        .bind(&r.phone)
        .bind(&r.email)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "relative",
            &id.to_string(),
            Some(person_id),
            json!({"relation": r.relation.code(), "legal_representative": r.legal_representative}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a disability determination for a person in scope.
    pub async fn add_determination(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        d: &NewDetermination,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO disability_determinations (person_id, kind, severe_functional_impairment, special_care_need, decision_no, valid_from, valid_to, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person_id)
        .bind(d.kind.code())
        .bind(d.severe_functional_impairment)
        .bind(d.special_care_need)
        .bind(&d.decision_no)
        .bind(date_text(d.valid_from))
        .bind(d.valid_to.map(date_text))
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "determination",
            &id.to_string(),
            Some(person_id),
            json!({"kind": d.kind.code()}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a consent for a person in scope.
    pub async fn add_consent(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        c: &NewConsent,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO consents (person_id, purpose, given_by, given_on, withdrawn_on, note, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id",
        )
        .bind(person_id)
        .bind(&c.purpose)
        .bind(&c.given_by)
        .bind(date_text(c.given_on))
        .bind(&c.note)
        .bind(now_text())
        .fetch_one(&mut *tx.tx)
        .await?
        .try_get(0)?;
        audit::append(
            &mut tx,
            who,
            "create",
            "consent",
            &id.to_string(),
            Some(person_id),
            json!({"purpose": c.purpose}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws a consent (the record stays, with the day it was withdrawn).
    pub async fn withdraw_consent(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        consent_id: i64,
        on: time::Date,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let done = sqlx::query("UPDATE consents SET withdrawn_on = $1 WHERE id = $2 AND person_id = $3 AND withdrawn_on IS NULL")
            .bind(date_text(on))
            .bind(consent_id)
            .bind(person_id)
            .execute(&mut *tx.tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            who,
            "withdraw",
            "consent",
            &consent_id.to_string(),
            Some(person_id),
            json!({"on": date_text(on)}),
        )
        .await?;
        tx.commit().await
    }

    /// The rows `sql` returns for one person (`$1` is the person's id), if the person is in
    /// scope; otherwise `NotFound`, as for a person who does not exist.
    pub(crate) async fn person_rows<T>(
        &self,
        scope: &Scope,
        person_id: i64,
        sql: &str,
        map: fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(sql)
            .bind(person_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(map)
            .collect()
    }

    /// [`Store::person_rows`] as an audited read of part of the person's record: in one
    /// transaction the person's scope is checked (`NotFound` outside it), the rows are read and
    /// the `read` entry for `entity` (with the person's id as its id) is appended.
    pub(crate) async fn person_rows_audited<T>(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        entity: &str,
        sql: &str,
        map: fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut tx = self.begin().await?;
        person_in_scope_tx(&mut tx, scope, person_id).await?;
        let rows = sqlx::query(sql)
            .bind(person_id)
            .fetch_all(&mut *tx.tx)
            .await?
            .iter()
            .map(map)
            .collect::<Result<Vec<T>>>()?;
        audit::append(
            &mut tx,
            who,
            "read",
            entity,
            &person_id.to_string(),
            Some(person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Whether a person is in scope (without reading or auditing the record).
    pub async fn person_in_scope(&self, scope: &Scope, id: i64) -> Result<bool> {
        let sql = format!(
            "SELECT 1 FROM persons p WHERE p.id = $1 AND {}",
            scope_sql(scope, 2)
        );
        Ok(bind_scope(sqlx::query(&sql).bind(id), scope)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// Links a user to a person with a kind from [`ibis_core::access::LINK_KINDS`]: `self`,
    /// `representative` or `foster-family` for users with the person role (and only for
    /// them, see [`ibis_core::access::link_fits`]), `assessor`, `broker` (support person) or
    /// `case-manager` for the professionals.
    pub async fn link_person(
        &self,
        who: &Auditor,
        person_id: i64,
        user_id: i64,
        kind: &str,
    ) -> Result<()> {
        use ibis_core::access::{link_fits, LINK_KINDS};
        if !LINK_KINDS.contains(&kind) {
            return Err(StoreError::invalid(
                "kind",
                format!(
                    "\"{kind}\" is not allowed; allowed: {}",
                    LINK_KINDS.join(", ")
                ),
            ));
        }
        let role: Option<String> = sqlx::query("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?;
        let role = role
            .and_then(|r| r.parse::<ibis_core::access::Role>().ok())
            .ok_or_else(|| StoreError::invalid("user_id", format!("no user {user_id}")))?;
        if !link_fits(role, kind) {
            return Err(StoreError::invalid(
                "kind",
                format!(
                    "a user with the role {role} cannot be linked as \"{kind}\": self, representative and foster-family are for users with the person role, and they are linked no other way"
                ),
            ));
        }
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO person_links (person_id, user_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(person_id)
            .bind(user_id)
            .bind(kind)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            who,
            "link",
            "person",
            &person_id.to_string(),
            Some(person_id),
            json!({"user_id": user_id, "kind": kind}),
        )
        .await?;
        tx.commit().await
    }

    /// Who is linked to a person as professionals, for the person's own page: the kind of
    /// link (`case-manager`, `broker`, `assessor`) and the user's display name, in that
    /// order. The person must be in scope.
    pub async fn contacts_of(
        &self,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<(String, String)>> {
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT l.kind, u.display_name FROM person_links l JOIN users u ON u.id = l.user_id \
             WHERE l.person_id = $1 AND l.kind IN ('case-manager', 'broker', 'assessor') \
             ORDER BY CASE l.kind WHEN 'case-manager' THEN 0 WHEN 'broker' THEN 1 ELSE 2 END, u.display_name",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect()
    }

    /// Makes a person a client of a provider (until agreements do this).
    pub async fn add_provider_client(
        &self,
        who: &Auditor,
        provider_id: i64,
        person_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO provider_clients (provider_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(provider_id)
            .bind(person_id)
            .execute(&mut *tx.tx)
            .await?;
        audit::append(
            &mut tx,
            who,
            "link",
            "person",
            &person_id.to_string(),
            Some(person_id),
            json!({"provider_id": provider_id}),
        )
        .await?;
        tx.commit().await
    }
}
