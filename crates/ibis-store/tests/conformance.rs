//! The storage conformance suite: every test runs against SQLite and against a real
//! PostgreSQL server started by the test harness.

#![allow(clippy::unwrap_used)]

use ibis_core::access::{Role, Scope};
use ibis_core::registry::{
    ConsentInput, DeterminationInput, PersonChangeInput, PersonInput, RelativeInput,
};
use ibis_store::audit::ChainStatus;
use ibis_store::auth::{NewUser, SessionKind, SignInRefusal};
use ibis_store::providers::{OfferInput, ProviderInput};
use ibis_store::{Auditor, PageRequest, Store, StoreError};
use time::macros::date;

/// A fresh SQLite store in a temporary folder, removed when the guard drops.
async fn sqlite() -> (Store, TempDir) {
    let dir = TempDir::new();
    let store = Store::open(&format!("sqlite://{}/ibis.db", dir.0.display()))
        .await
        .unwrap();
    (store, dir)
}

/// A fresh database on the shared PostgreSQL server.
async fn postgres() -> (Store, TempDir) {
    let url = ibis_testkit::shared().fresh_database().unwrap();
    (Store::open(&url).await.unwrap(), TempDir::new())
}

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "ibis-store-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (store, _dir) = super::sqlite().await;
                super::$name(store).await;
            })+
        }
        mod on_postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (store, _dir) = super::postgres().await;
                super::$name(store).await;
            })+
        }
    };
}

conformance!(
    reference_data_is_loaded,
    a_person_is_registered_read_and_audited,
    a_duplicate_personal_code_is_refused_and_nothing_written,
    scopes_hide_records_as_not_found,
    changes_need_the_current_version,
    relatives_determinations_and_consents_belong_to_the_record,
    sign_in_sessions_and_rate_limit,
    the_audit_chain_detects_an_edited_entry,
    provider_prices_are_never_overwritten,
);

fn system() -> Auditor {
    Auditor::system("test")
}

fn ogre() -> Scope {
    Scope::Municipality("ogre".into())
}

fn person_input(code: &str, family: &str) -> PersonInput {
    PersonInput {
        personal_code: code.into(),
        given_name: "Anna".into(),
        family_name: family.into(),
        birth_date: "2012-03-04".into(),
        target_group: "child-ft".into(),
        municipality: "ogre".into(),
        living: "family".into(),
    }
}

async fn register(store: &Store, code: &str, family: &str) -> i64 {
    let p = person_input(code, family)
        .check(date!(2026 - 11 - 22))
        .unwrap();
    store
        .create_person(&system(), &ogre(), &p)
        .await
        .unwrap()
        .id
}

async fn reference_data_is_loaded(store: Store) {
    let m = store.municipalities().await.unwrap();
    assert_eq!(m.len(), 42);
    assert_eq!(m.iter().filter(|m| m.pilot_children).count(), 10);
    let page = store
        .service_types(None, None, PageRequest::new(Some(500), None))
        .await
        .unwrap();
    assert_eq!(page.total, 259);
    let rehab = store
        .service_types(
            Some("rehabilitation"),
            Some("mentor"),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert!(rehab.items.iter().all(|t| t.category == "rehabilitation"));
    let q = store
        .service_types(None, Some("Sociālais mentors"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(q.items[0].code, "mentor");
}

async fn a_person_is_registered_read_and_audited(store: Store) {
    let id = register(&store, "32123456789", "Bērziņa").await;
    let who = Auditor {
        actor_id: Some(7),
        actor: "sw-ogre".into(),
        remote: "127.0.0.1".into(),
    };
    let record = store.person_record(&who, &ogre(), id).await.unwrap();
    assert_eq!(record.person.family_name, "Bērziņa");
    assert_eq!(record.person.personal_code, "321234-56789");
    assert_eq!(record.person.version, 1);
    let audit = store
        .audit_for_person(id, PageRequest::default())
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["read", "create"]);
    assert_eq!(audit.items[0].actor, "sw-ogre");
    assert_eq!(audit.items[0].remote, "127.0.0.1");
    let list = store
        .persons(&who, &ogre(), Some("bērz"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    let list = store
        .persons(&who, &ogre(), Some("321234"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(list.total, 1, "search by personal code without the hyphen");
    assert_eq!(
        store
            .audit_for_person(id, PageRequest::default())
            .await
            .unwrap()
            .total,
        4
    );
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        ChainStatus::Intact { .. }
    ));
}

async fn a_duplicate_personal_code_is_refused_and_nothing_written(store: Store) {
    register(&store, "32123456789", "A").await;
    let p = person_input("321234-56789", "B")
        .check(date!(2026 - 11 - 22))
        .unwrap();
    let before = store.audit_entries(0, 1000).await.unwrap().len();
    match store.create_person(&system(), &ogre(), &p).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, "personal_code"),
        other => panic!("expected a personal_code error, got {other:?}"),
    }
    assert_eq!(
        store.audit_entries(0, 1000).await.unwrap().len(),
        before,
        "nothing half-written"
    );
    let mut bad = person_input("32111111111", "C");
    bad.municipality = "atlantis".into();
    let p = bad.check(date!(2026 - 11 - 22)).unwrap();
    assert!(matches!(
        store
            .create_person(&system(), &Scope::Municipality("atlantis".into()), &p)
            .await,
        Err(StoreError::Invalid(_))
    ));
    // A social worker of another municipality may not register people of Ogre.
    let p = person_input("32111111112", "D")
        .check(date!(2026 - 11 - 22))
        .unwrap();
    assert!(matches!(
        store
            .create_person(&system(), &Scope::Municipality("bauska".into()), &p)
            .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn scopes_hide_records_as_not_found(store: Store) {
    let a = register(&store, "32123456789", "A").await;
    let b = register(&store, "32123456780", "B").await;
    let who = system();
    let other = Scope::Municipality("bauska".into());
    assert!(matches!(
        store.person_record(&who, &other, a).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.person_record(&who, &ogre(), 999_999).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .persons(&who, &other, None, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(matches!(
        store.person_record(&who, &Scope::Nothing, a).await,
        Err(StoreError::NotFound)
    ));

    let assessor = store
        .create_user(&NewUser {
            username: "assessor".into(),
            password: "pw-assessor-1".into(),
            display_name: "A".into(),
            role: Role::Assessor,
            municipality: None,
            provider_id: None,
        })
        .await
        .unwrap();
    store
        .link_person(&who, b, assessor.id, "assessor")
        .await
        .unwrap();
    let linked = Scope::Linked(assessor.id);
    assert!(store.person_record(&who, &linked, b).await.is_ok());
    assert!(matches!(
        store.person_record(&who, &linked, a).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .persons(&who, &linked, None, PageRequest::default())
            .await
            .unwrap()
            .total,
        1
    );

    let provider = store
        .create_provider(
            &who,
            &ProviderInput {
                register_no: "R1".into(),
                name: "P".into(),
                kind: "ngo".into(),
                iban: None,
                municipalities: vec!["ogre".into()],
            },
        )
        .await
        .unwrap();
    store
        .add_provider_client(&who, provider.id, a)
        .await
        .unwrap();
    let clients = Scope::ProviderClients(provider.id);
    assert!(store.person_record(&who, &clients, a).await.is_ok());
    assert!(matches!(
        store.person_record(&who, &clients, b).await,
        Err(StoreError::NotFound)
    ));
}

async fn changes_need_the_current_version(store: Store) {
    let id = register(&store, "32123456789", "A").await;
    let change = PersonChangeInput {
        version: 1,
        living: Some("group-flat".into()),
        ..Default::default()
    }
    .check()
    .unwrap();
    let after = store
        .update_person(&system(), &ogre(), id, &change)
        .await
        .unwrap();
    assert_eq!((after.living.as_str(), after.version), ("group-flat", 2));
    assert!(matches!(
        store.update_person(&system(), &ogre(), id, &change).await,
        Err(StoreError::Conflict { current: 2 })
    ));
    let audit = store
        .audit_for_person(id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(audit.items[0].action, "update");
    assert!(
        audit.items[0].detail.contains("group-flat"),
        "{}",
        audit.items[0].detail
    );
    let bad = PersonChangeInput {
        version: 2,
        municipality: Some("nowhere".into()),
        ..Default::default()
    }
    .check()
    .unwrap();
    assert!(matches!(
        store.update_person(&system(), &ogre(), id, &bad).await,
        Err(StoreError::Invalid(_))
    ));
}

async fn relatives_determinations_and_consents_belong_to_the_record(store: Store) {
    let id = register(&store, "32123456789", "A").await;
    let who = system();
    let r = RelativeInput {
        name: "Inga A".into(),
        relation: "parent".into(),
        legal_representative: true,
        phone: Some("+371 20000000".into()),
        ..Default::default()
    };
    store
        .add_relative(&who, &ogre(), id, &r.check().unwrap())
        .await
        .unwrap();
    let d = DeterminationInput {
        kind: "child".into(),
        severe_functional_impairment: true,
        valid_from: "2024-01-01".into(),
        valid_to: Some("2026-01-01".into()),
        ..Default::default()
    };
    store
        .add_determination(&who, &ogre(), id, &d.check().unwrap())
        .await
        .unwrap();
    let life = DeterminationInput {
        kind: "child".into(),
        valid_from: "2026-01-01".into(),
        ..Default::default()
    };
    store
        .add_determination(&who, &ogre(), id, &life.check().unwrap())
        .await
        .unwrap();
    let c = ConsentInput {
        purpose: "data-processing".into(),
        given_by: "Inga A (mother)".into(),
        given_on: "2026-11-01".into(),
        note: String::new(),
    };
    let cid = store
        .add_consent(&who, &ogre(), id, &c.check(date!(2026 - 11 - 22)).unwrap())
        .await
        .unwrap();
    store
        .withdraw_consent(&who, &ogre(), id, cid, date!(2026 - 11 - 20))
        .await
        .unwrap();
    assert!(matches!(
        store
            .withdraw_consent(&who, &ogre(), id, cid, date!(2026 - 11 - 21))
            .await,
        Err(StoreError::NotFound)
    ));
    let rec = store.person_record(&who, &ogre(), id).await.unwrap();
    assert_eq!(rec.relatives.len(), 1);
    assert!(rec.relatives[0].legal_representative);
    assert_eq!(rec.determinations.len(), 2);
    assert_eq!(
        rec.determinations[0].valid_to, None,
        "lifelong, newest first"
    );
    assert_eq!(rec.consents[0].withdrawn_on.as_deref(), Some("2026-11-20"));
    // Outside scope, nothing can be added.
    assert!(matches!(
        store
            .add_relative(
                &who,
                &Scope::Municipality("bauska".into()),
                id,
                &r.check().unwrap()
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn sign_in_sessions_and_rate_limit(store: Store) {
    store
        .create_user(&NewUser {
            username: "sw".into(),
            password: "correct horse".into(),
            display_name: "SW".into(),
            role: Role::SocialWorker,
            municipality: Some("ogre".into()),
            provider_id: None,
        })
        .await
        .unwrap();
    let (token, s) = store
        .sign_in("sw", "correct horse", SessionKind::Api, "127.0.0.1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.user.role, Role::SocialWorker);
    assert_eq!(
        store.session(&token).await.unwrap().unwrap().user.username,
        "sw"
    );
    assert!(store.session("not-a-token").await.unwrap().is_none());
    store.sign_out(&token).await.unwrap();
    assert!(store.session(&token).await.unwrap().is_none());
    for _ in 0..5 {
        assert_eq!(
            store
                .sign_in("sw", "wrong", SessionKind::Web, "127.0.0.1")
                .await
                .unwrap()
                .unwrap_err(),
            SignInRefusal::BadCredentials
        );
    }
    assert_eq!(
        store
            .sign_in("sw", "correct horse", SessionKind::Web, "127.0.0.1")
            .await
            .unwrap()
            .unwrap_err(),
        SignInRefusal::RateLimited
    );
    assert_eq!(
        store
            .sign_in("nobody", "x", SessionKind::Web, "127.0.0.1")
            .await
            .unwrap()
            .unwrap_err(),
        SignInRefusal::BadCredentials
    );
}

async fn the_audit_chain_detects_an_edited_entry(store: Store) {
    let a = register(&store, "32123456789", "A").await;
    register(&store, "32123456780", "B").await;
    store.person_record(&system(), &ogre(), a).await.unwrap();
    assert_eq!(
        store.verify_audit().await.unwrap(),
        ChainStatus::Intact { entries: 3 }
    );
    // The log refuses changes through SQL.
    assert!(
        sqlx::query("UPDATE audit_log SET detail = '{}' WHERE seq = 2")
            .execute(store.pool())
            .await
            .is_err()
    );
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 2")
        .execute(store.pool())
        .await
        .is_err());
    // Someone with the power to lift the guard edits an entry: the chain shows it.
    let (off, on) = match store.engine() {
        ibis_store::Engine::Sqlite => ("DROP TRIGGER audit_log_no_update", None),
        ibis_store::Engine::Postgres => (
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
            Some("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"),
        ),
    };
    sqlx::raw_sql(off).execute(store.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
        .execute(store.pool())
        .await
        .unwrap();
    if let Some(on) = on {
        sqlx::raw_sql(on).execute(store.pool()).await.unwrap();
    }
    match store.verify_audit().await.unwrap() {
        ChainStatus::Broken { seq, reason } => {
            assert_eq!(seq, 2);
            assert!(reason.contains("edited"), "{reason}");
        }
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

async fn provider_prices_are_never_overwritten(store: Store) {
    let who = system();
    let bad = ProviderInput {
        register_no: "SPSR-2".into(),
        name: "X".into(),
        kind: "ngo".into(),
        iban: Some("LV81BANK0000435195001".into()),
        municipalities: vec![],
    };
    assert!(
        matches!(store.create_provider(&who, &bad).await, Err(StoreError::Invalid(e)) if e[0].field == "iban"),
        "an IBAN with wrong check digits is refused"
    );
    let p = store
        .create_provider(
            &who,
            &ProviderInput {
                register_no: "SPSR-1".into(),
                name: "Atbalsts".into(),
                kind: "ngo".into(),
                iban: Some("lv80 bank 0000 4351 9500 1".into()),
                municipalities: vec!["ogre".into(), "tukums".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(p.municipalities, vec!["ogre", "tukums"]);
    let offer = |price: &str, from: &str| OfferInput {
        service: "mentor".into(),
        price_eur: price.into(),
        valid_from: from.into(),
        valid_to: None,
    };
    store
        .add_offer(&who, p.id, &offer("5.00", "2026-01-01"))
        .await
        .unwrap();
    store
        .add_offer(&who, p.id, &offer("5.50", "2027-01-01"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_offer(&who, p.id, &offer("6.00", "2027-01-01"))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .add_offer(&who, p.id, &offer("-1", "2028-01-01"))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let bad = OfferInput {
        service: "no-such".into(),
        ..offer("1", "2028-01-01")
    };
    assert!(matches!(
        store.add_offer(&who, p.id, &bad).await,
        Err(StoreError::Invalid(_))
    ));
    let p = store.provider(p.id).await.unwrap();
    let prices: Vec<(&str, &str)> = p
        .offers
        .iter()
        .map(|o| (o.price_eur.as_str(), o.valid_from.as_str()))
        .collect();
    assert_eq!(prices, vec![("5.00", "2026-01-01"), ("5.50", "2027-01-01")]);
    assert_eq!(
        store
            .providers(Some("tukums"), Some("mentor"), PageRequest::default())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store
            .providers(Some("bauska"), None, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let dup = ProviderInput {
        register_no: "SPSR-1".into(),
        name: "X".into(),
        kind: "ngo".into(),
        iban: None,
        municipalities: vec![],
    };
    assert!(
        matches!(store.create_provider(&who, &dup).await, Err(StoreError::Invalid(e)) if e[0].field == "register_no")
    );
}
