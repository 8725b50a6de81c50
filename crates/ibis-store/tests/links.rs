//! Linking users to a person's record ([`Store::link_user`], [`Store::person_links`]) on SQLite
//! and on a real PostgreSQL server: the link puts the record in the linked user's scope; an
//! unknown user, a role that does not fit the kind, an unknown kind and a person out of the
//! caller's scope are refused, naming the field.
#![allow(clippy::unwrap_used)]

use ibis_core::access::{Role, Scope};
use ibis_core::registry::PersonInput;
use ibis_store::auth::NewUser;
use ibis_store::{Auditor, Store, StoreError};
use time::macros::date;

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn sqlite() -> (Store, TempDir) {
    let p = std::env::temp_dir().join(format!("ibis-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    let store = Store::open(&format!("sqlite://{}/ibis.db", p.display()))
        .await
        .unwrap();
    (store, TempDir(p))
}

async fn user(store: &Store, name: &str, role: Role) -> i64 {
    store
        .create_user(&NewUser {
            username: name.into(),
            password: "a long enough password".into(),
            display_name: name.into(),
            role,
            municipality: None,
            provider_id: None,
        })
        .await
        .unwrap()
        .id
}

fn field_of(e: StoreError) -> String {
    match e {
        StoreError::Invalid(errors) => errors[0].field.clone(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn links_put_records_in_scope(store: Store) {
    let who = Auditor::system("test");
    let ogre = Scope::Municipality("ogre".into());
    let person = PersonInput {
        personal_code: "32345678933".into(),
        given_name: "Anna".into(),
        family_name: "Liepa".into(),
        birth_date: "1990-04-12".into(),
        target_group: "adult-grt".into(),
        municipality: "ogre".into(),
        living: "family".into(),
    }
    .check(date!(2026 - 11 - 22))
    .unwrap();
    let pid = store.create_person(&who, &ogre, &person).await.unwrap().id;
    let assessor = user(&store, "assessor-a", Role::Assessor).await;
    let rep = user(&store, "mother", Role::Person).await;
    user(&store, "broker-b", Role::Broker).await;

    assert!(!store
        .person_in_scope(&Scope::Linked(assessor), pid)
        .await
        .unwrap());
    store
        .link_user(&who, &ogre, pid, "assessor-a", "assessor")
        .await
        .unwrap();
    store
        .link_user(&who, &ogre, pid, " mother ", "representative")
        .await
        .unwrap();
    assert!(store
        .person_in_scope(&Scope::Linked(assessor), pid)
        .await
        .unwrap());
    assert!(store
        .person_in_scope(&Scope::Linked(rep), pid)
        .await
        .unwrap());

    let links = store.person_links(&who, &ogre, pid).await.unwrap();
    let kinds: Vec<(&str, &str)> = links
        .iter()
        .map(|l| (l.username.as_str(), l.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("assessor-a", "assessor"), ("mother", "representative")]
    );

    // Refusals name the field.
    let e = store
        .link_user(&who, &ogre, pid, "nobody", "assessor")
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "username");
    let e = store
        .link_user(&who, &ogre, pid, "broker-b", "assessor")
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "username", "a broker is no assessor");
    let e = store
        .link_user(&who, &ogre, pid, "broker-b", "friend")
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "kind");
    let e = store
        .link_user(&who, &ogre, pid, "", "broker")
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "username");

    // Another municipality's social worker sees no such person.
    let tukums = Scope::Municipality("tukums".into());
    assert!(matches!(
        store
            .link_user(&who, &tukums, pid, "broker-b", "broker")
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.person_links(&who, &tukums, pid).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_on_sqlite() {
    let (store, _dir) = sqlite().await;
    links_put_records_in_scope(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_on_postgres() {
    let url = ibis_testkit::shared().fresh_database().unwrap();
    links_put_records_in_scope(Store::open(&url).await.unwrap()).await;
}
