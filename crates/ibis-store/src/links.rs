//! Who is linked to a person's record: the person themself or their legal representative (role
//! `person`), their assessor and their broker or support person. A link is what puts the
//! record in a linked user's scope ([`Scope::Linked`]); a social worker of the person's
//! municipality makes it, by the user's sign-in name. Reading and making links are audited.

use ibis_core::access::{Role, Scope};
use serde::Serialize;
use serde_json::json;

use crate::sql::{int, text};
use crate::{audit, Auditor, Result, Store, StoreError};

/// The kinds of link and the role a linked user must have for each.
pub const LINK_KINDS: &[(&str, Role)] = &[
    ("self", Role::Person),
    ("representative", Role::Person),
    ("assessor", Role::Assessor),
    ("broker", Role::Broker),
];

/// A user linked to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonLink {
    /// The user's id.
    pub user_id: i64,
    /// Their sign-in name.
    pub username: String,
    /// Their name as shown.
    pub display_name: String,
    /// Their role.
    pub role: String,
    /// The kind of link (`self`, `representative`, `assessor`, `broker`).
    pub kind: String,
}

impl Store {
    /// The users linked to a person in scope (otherwise `NotFound`); the read is audited.
    pub async fn person_links(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
    ) -> Result<Vec<PersonLink>> {
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin().await?;
        let links = sqlx::query(
            "SELECT l.user_id, l.kind, u.username, u.display_name, u.role \
             FROM person_links l JOIN users u ON u.id = l.user_id \
             WHERE l.person_id = $1 ORDER BY l.kind, u.username",
        )
        .bind(person_id)
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|r| {
            Ok(PersonLink {
                user_id: int(r, "user_id")?,
                username: text(r, "username")?,
                display_name: text(r, "display_name")?,
                role: text(r, "role")?,
                kind: text(r, "kind")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        audit::append(
            &mut tx,
            who,
            "read",
            "person-links",
            &person_id.to_string(),
            Some(person_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(links)
    }

    /// Links the user with sign-in name `username` to a person in scope, as `kind`. Refuses
    /// (naming the field) an unknown kind, an unknown user, or a user whose role does not fit
    /// the kind (an assessor link needs an assessor, and so on).
    pub async fn link_user(
        &self,
        who: &Auditor,
        scope: &Scope,
        person_id: i64,
        username: &str,
        kind: &str,
    ) -> Result<()> {
        if !self.person_in_scope(scope, person_id).await? {
            return Err(StoreError::NotFound);
        }
        let Some((_, role)) = LINK_KINDS.iter().find(|(k, _)| *k == kind) else {
            return Err(StoreError::invalid(
                "kind",
                "choose one of: self, representative, assessor, broker",
            ));
        };
        let username = username.trim();
        if username.is_empty() {
            return Err(StoreError::invalid(
                "username",
                "enter the user's sign-in name",
            ));
        }
        let row = sqlx::query("SELECT id, role FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Err(StoreError::invalid(
                "username",
                format!("no user signs in as \"{username}\""),
            ));
        };
        if text(&row, "role")? != role.code() {
            return Err(StoreError::invalid(
                "username",
                format!(
                    "\"{username}\" is not a user with the role {} that this link needs",
                    role.code()
                ),
            ));
        }
        self.link_person(who, person_id, int(&row, "id")?, kind)
            .await
    }
}
