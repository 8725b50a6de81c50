//! Demo data for `ibis serve --demo`: the pilot municipalities, synthetic people and
//! providers, and demo users. Deterministic: the same data every time. Loaded only into an
//! empty database, and only when asked.

use ibis_core::access::Role;
use ibis_core::municipality::builtin_municipalities;
use ibis_core::registry::{DeterminationInput, PersonInput, RelativeInput};

use crate::auth::NewUser;
use crate::providers::{OfferInput, ProviderInput};
use crate::{Auditor, Result, Store, StoreError};

/// The password of every demo user (documented in the README; demo users exist only with
/// `--demo`).
pub const DEMO_PASSWORD: &str = "ibis-demo";

/// The demo users: user name, role, municipality.
pub const DEMO_USERS: &[(&str, Role, Option<&str>)] = &[
    ("admin", Role::Admin, None),
    ("sw-ogre", Role::SocialWorker, Some("ogre")),
    ("sw-tukums", Role::SocialWorker, Some("tukums")),
    ("approver-ogre", Role::Approver, Some("ogre")),
    ("assessor-ogre", Role::Assessor, None),
    ("broker-ogre", Role::Broker, None),
    ("provider-ogre", Role::Provider, None),
    ("analyst", Role::Analyst, None),
    ("person-ogre", Role::Person, None),
];

/// What the demo loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// People registered.
    pub people: usize,
    /// Providers registered.
    pub providers: usize,
    /// Users created.
    pub users: usize,
}

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const GIVEN_F: &[&str] = &[
    "Anna",
    "Elīza",
    "Marta",
    "Sofija",
    "Emīlija",
    "Laura",
    "Līga",
    "Ilze",
    "Kristīne",
    "Dace",
    "Inese",
    "Zane",
];
const GIVEN_M: &[&str] = &[
    "Jānis",
    "Roberts",
    "Markuss",
    "Gustavs",
    "Emīls",
    "Artūrs",
    "Mārtiņš",
    "Andris",
    "Edgars",
    "Kārlis",
    "Toms",
    "Raivis",
];
const FAMILY: &[(&str, &str)] = &[
    ("Bērziņš", "Bērziņa"),
    ("Kalniņš", "Kalniņa"),
    ("Ozoliņš", "Ozoliņa"),
    ("Jansons", "Jansone"),
    ("Liepiņš", "Liepiņa"),
    ("Krūmiņš", "Krūmiņa"),
    ("Zariņš", "Zariņa"),
    ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"),
    ("Celmiņš", "Celmiņa"),
    ("Siliņš", "Siliņa"),
    ("Eglītis", "Eglīte"),
];

/// The ten municipalities of the children's pilot and those of the adults' pilot.
fn pilot_municipalities() -> Result<Vec<String>> {
    let all = builtin_municipalities()
        .map_err(|e| StoreError::Db(sqlx::Error::Configuration(e.to_string().into())))?;
    Ok(all
        .into_iter()
        .filter(|m| m.pilot_children || m.pilot_adults)
        .map(|m| m.code)
        .collect())
}

/// Loads the demo into an empty database. Refuses a database that already has users.
pub async fn load(store: &Store, today: time::Date) -> Result<DemoSummary> {
    if store.user_count().await? > 0 {
        return Err(StoreError::Forbidden(
            "the database is not empty; demo data is loaded only into an empty database".into(),
        ));
    }
    let who = Auditor::system("demo");
    let mut rng = Rng(2026);
    let municipalities = pilot_municipalities()?;

    // Providers: a few per pilot municipality, each offering some services.
    let offers: &[(&str, &str)] = &[
        ("mentor", "5.00"),
        ("consultations", "15.46"),
        ("day-centre", "14.94"),
        ("group-sessions", "7.20"),
        ("workshop", "13.44"),
        ("home-care", "3.32"),
        ("respite", "14.29"),
        ("group-flat", "10.52"),
        ("group-flat-care", "15.00"),
        ("support-person", "5.00"),
        ("child-social-rehab", "6.1795"),
        ("child-social-care", "3.7077"),
        ("short-term-care-day", "29.00"),
    ];
    let kinds = ["ngo", "municipal", "private"];
    let names = [
        "Atbalsta centrs",
        "Sociālo pakalpojumu centrs",
        "Dienas centrs",
        "Rehabilitācijas centrs",
    ];
    let mut provider_ids = Vec::new();
    for (i, m) in municipalities.iter().enumerate() {
        for j in 0..2 {
            let name = format!("{} \"{}\"", names[(i + j) % names.len()], capitalise(m));
            let p = store
                .create_provider(
                    &who,
                    &ProviderInput {
                        register_no: format!("SPSR-{:04}", 100 + i * 2 + j),
                        name,
                        kind: kinds[(i + j) % kinds.len()].into(),
                        iban: Some(demo_iban(5_500_000_000_000u64 + (i * 2 + j) as u64)?),
                        municipalities: vec![m.clone()],
                    },
                )
                .await?;
            for (k, (service, price)) in offers.iter().enumerate() {
                if (k + j) % 2 == 0 || *service == "mentor" {
                    store
                        .add_offer(
                            &who,
                            p.id,
                            &OfferInput {
                                service: (*service).into(),
                                price_eur: (*price).into(),
                                valid_from: "2026-01-01".into(),
                                valid_to: None,
                            },
                        )
                        .await?;
                }
            }
            provider_ids.push((m.clone(), p.id));
        }
    }

    // People: about twenty per pilot municipality, children and adults.
    let mut people = Vec::new();
    for (i, m) in municipalities.iter().enumerate() {
        for n in 0..20u64 {
            let child = rng.below(2) == 0;
            let female = rng.below(2) == 0;
            let given = if female {
                rng.pick(GIVEN_F)
            } else {
                rng.pick(GIVEN_M)
            };
            let family = rng.pick(FAMILY);
            let family = if female { family.1 } else { family.0 };
            let (y0, span) = if child { (2009, 16) } else { (1955, 50) };
            let year = y0 + rng.below(span) as i32;
            let birth = time::Date::from_calendar_date(year, time::Month::January, 1)
                .map(|d| d + time::Duration::days(rng.below(365) as i64))
                .map_err(|e| StoreError::Db(sqlx::Error::Configuration(e.to_string().into())))?;
            let birth = if child && crate::demo::age(birth, today) >= 18 {
                birth + time::Duration::days(366)
            } else {
                birth
            };
            let living = if child {
                "family"
            } else {
                ["family", "family", "social-home", "group-flat"][rng.below(4) as usize]
            };
            let input = PersonInput {
                personal_code: format!("32{:09}", (i as u64) * 1_000 + n * 37 + 100_000_000),
                given_name: given.to_string(),
                family_name: family.to_string(),
                birth_date: birth.to_string(),
                target_group: if child { "child-ft" } else { "adult-grt" }.into(),
                municipality: m.clone(),
                living: living.into(),
            };
            let p = input.check(today).map_err(StoreError::Invalid)?;
            let scope = ibis_core::access::Scope::Municipality(m.clone());
            let person = store.create_person(&who, &scope, &p).await?;
            let det = DeterminationInput {
                kind: if child {
                    "child".into()
                } else {
                    ["group-1", "group-2", "group-3"][rng.below(3) as usize].into()
                },
                severe_functional_impairment: child && rng.below(3) > 0,
                special_care_need: rng.below(4) == 0,
                decision_no: Some(format!("VDEĀVK-{}-{}", 2025, 10_000 + person.id)),
                valid_from: "2025-03-01".into(),
                valid_to: if rng.below(3) == 0 {
                    None
                } else {
                    Some("2030-03-01".into())
                },
            };
            store
                .add_determination(
                    &who,
                    &scope,
                    person.id,
                    &det.check().map_err(StoreError::Invalid)?,
                )
                .await?;
            if child {
                let parent = RelativeInput {
                    name: format!("{} {}", rng.pick(GIVEN_F), family),
                    relation: "parent".into(),
                    legal_representative: true,
                    phone: Some(format!("+371 2{:07}", rng.below(10_000_000))),
                    ..Default::default()
                };
                store
                    .add_relative(
                        &who,
                        &scope,
                        person.id,
                        &parent.check().map_err(StoreError::Invalid)?,
                    )
                    .await?;
            }
            people.push((m.clone(), person.id));
        }
    }

    // Users.
    let ogre_provider = provider_ids
        .iter()
        .find(|(m, _)| m == "ogre")
        .map(|(_, id)| *id);
    let ogre_people: Vec<i64> = people
        .iter()
        .filter(|(m, _)| m == "ogre")
        .map(|(_, id)| *id)
        .collect();
    for (name, role, municipality) in DEMO_USERS {
        let user = store
            .create_user(&NewUser {
                username: (*name).into(),
                password: DEMO_PASSWORD.into(),
                display_name: display_name(name),
                role: *role,
                municipality: municipality.map(Into::into),
                provider_id: if *role == Role::Provider {
                    ogre_provider
                } else {
                    None
                },
            })
            .await?;
        match role {
            Role::Assessor => {
                for id in ogre_people.iter().take(5) {
                    store.link_person(&who, *id, user.id, "assessor").await?;
                }
            }
            Role::Broker => {
                for id in ogre_people.iter().skip(3).take(4) {
                    store.link_person(&who, *id, user.id, "broker").await?;
                }
            }
            Role::Person => {
                if let Some(id) = ogre_people.first() {
                    store.link_person(&who, *id, user.id, "self").await?;
                }
            }
            // The demo person's case manager is Ogre's social worker.
            Role::SocialWorker if *municipality == Some("ogre") => {
                if let Some(id) = ogre_people.first() {
                    store
                        .link_person(&who, *id, user.id, "case-manager")
                        .await?;
                }
            }
            Role::Provider => {
                if let Some(pid) = ogre_provider {
                    for id in ogre_people.iter().take(6) {
                        store.add_provider_client(&who, pid, *id).await?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(DemoSummary {
        people: people.len(),
        providers: provider_ids.len(),
        users: DEMO_USERS.len(),
    })
}

/// A valid Latvian IBAN for a demo provider's account number.
fn demo_iban(account: u64) -> Result<String> {
    ibis_core::sepa::Iban::from_bban("LV", &format!("HABA{account:013}"))
        .map(|i| i.to_string())
        .map_err(|e| StoreError::Db(sqlx::Error::Configuration(e.to_string().into())))
}

fn age(birth: time::Date, on: time::Date) -> i32 {
    ibis_core::registry::age_on(birth, on)
}

fn capitalise(code: &str) -> String {
    let base = code.split('-').next().unwrap_or(code);
    let mut c = base.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn display_name(user: &str) -> String {
    match user {
        "admin" => "Administrators".into(),
        "analyst" => "Ministrijas analītiķis".into(),
        other => other.replace('-', " "),
    }
}
