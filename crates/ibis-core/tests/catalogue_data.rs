//! Checks of the shipped catalogue data (`catalogue/service-types.csv`).
//!
//! The source CSV (`/work/shared/data/service-catalogue.csv`) is not read here, because CI may not
//! have it: the counts per group and a sample of names are checked instead.

#![allow(clippy::unwrap_used)]

use ibis_core::catalogue::{Catalogue, Category, Recipient, Unit};

fn builtin() -> Catalogue {
    Catalogue::builtin().expect("the shipped catalogue loads")
}

#[test]
fn di_entries_match_the_source_counts() {
    let cat = builtin();
    let di: Vec<_> = cat.iter().filter(|t| t.code.starts_with("di-")).collect();
    assert_eq!(di.len(), 244);
    let expected = [31, 71, 56, 27, 9, 13, 6, 31];
    for (category, want) in Category::ALL.into_iter().zip(expected) {
        let prefix = format!("di-{}-", category.group_no());
        let in_group: Vec<_> = di.iter().filter(|t| t.code.starts_with(&prefix)).collect();
        assert_eq!(in_group.len(), want, "group {}", category.group_no());
        assert!(
            in_group.iter().all(|t| t.category == category),
            "every {prefix}* entry is {}",
            category.code()
        );
    }
    assert_eq!(cat.len(), 244 + 15);
}

#[test]
fn di_codes_are_well_formed_and_sourced() {
    for t in builtin().iter().filter(|t| t.code.starts_with("di-")) {
        let rest = &t.code[3..];
        let (group, no) = rest.split_once('-').expect("di-<group>-<no>");
        assert!(
            matches!(group, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"),
            "{}",
            t.code
        );
        let digits = no.strip_suffix('a').unwrap_or(no);
        assert!(
            digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            t.code
        );
        assert!(
            t.source.starts_with("seed 000 L"),
            "{}: {}",
            t.code,
            t.source
        );
    }
}

#[test]
fn ibis_added_codes_have_their_units() {
    let cat = builtin();
    let expected = [
        ("respite", Unit::Day, Category::SocialCare),
        ("day-centre", Unit::Day, Category::SocialCare),
        ("group-flat", Unit::Day, Category::SocialCare),
        ("group-flat-care", Unit::Day, Category::SocialCare),
        ("workshop", Unit::Day, Category::SpecialistsEmployment),
        ("home-care", Unit::Hour, Category::SocialCare),
        ("group-sessions", Unit::Hour, Category::Rehabilitation),
        ("consultations", Unit::Hour, Category::Rehabilitation),
        ("mentor", Unit::Hour, Category::SocialCare),
        ("support-person", Unit::Hour, Category::SocialCare),
        ("child-social-rehab", Unit::Hour, Category::Rehabilitation),
        ("child-social-care", Unit::Hour, Category::SocialCare),
        ("short-term-care-day", Unit::Day, Category::SocialCare),
        (
            "short-term-care-24h",
            Unit::DayAndNight,
            Category::SocialCare,
        ),
        ("short-term-care-night", Unit::Night, Category::SocialCare),
    ];
    for (code, unit, category) in expected {
        let t = cat
            .get(code)
            .unwrap_or_else(|| panic!("{code} is in the catalogue"));
        assert_eq!(t.unit, unit, "{code}");
        assert_eq!(t.category, category, "{code}");
        assert_eq!(t.recipient, Recipient::Person, "{code}");
        assert!(t.source.starts_with("seed 00"), "{code}: {}", t.source);
    }
    let added = cat.iter().filter(|t| !t.code.starts_with("di-")).count();
    assert_eq!(added, expected.len());
}

#[test]
fn spot_checked_names_units_and_recipients() {
    let cat = builtin();
    let cases = [
        ("di-1-01", "Asistenta pakalpojums (no 5 g. vecuma)", Unit::Hour, Recipient::Person),
        ("di-1-04", "Atbalsta grupa vecākiem", Unit::Session, Recipient::Parent),
        (
            "di-1-07",
            "Atelpas brīža pakalpojums līdz 30 diennaktīm gadā",
            Unit::DayAndNight,
            Recipient::Person,
        ),
        ("di-1-26a", "Specializētā aukle, aprūpētājs, asistents", Unit::Hour, Recipient::Person),
        ("di-1-30", "Audžuģimene terapeitiskā", Unit::Day, Recipient::Person),
        (
            "di-2-47",
            "Psihologa / psihoterapeita konsultācijas citiem ģimenes bērniem",
            Unit::Session,
            Recipient::Sibling,
        ),
        (
            "di-2-69",
            "Vecāku apmācības grupas \"Ceļvedis audzinot pusaudzi'' nodarbības",
            Unit::Session,
            Recipient::Parent,
        ),
        ("di-3-12", "Dermatalogs", Unit::Session, Recipient::Person),
        ("di-3-56", "Vingrojumi slingā (NEURAC principi)", Unit::Session, Recipient::Person),
        ("di-4-27", "Vispārējās izglītības programmas apguve", Unit::Month, Recipient::Person),
        ("di-5-05", "Skolas transports", Unit::Item, Recipient::Person),
        ("di-5-09", "Vides pielāgošana dzīvesvietā", Unit::Item, Recipient::Person),
        ("di-6-13", "Nodarbinātība", Unit::Month, Recipient::Person),
        ("di-7-06", "Sociālās korekcijas aprūpes māja (agresijas un deviantās uzvedības bērniem atbilstoši vecuma grupām) iestāde", Unit::Day, Recipient::Person),
        ("di-8-31", "Zīmēšana", Unit::Session, Recipient::Person),
    ];
    for (code, name_lv, unit, recipient) in cases {
        let t = cat
            .get(code)
            .unwrap_or_else(|| panic!("{code} is in the catalogue"));
        assert_eq!(t.name_lv, name_lv, "{code}");
        assert_eq!(t.unit, unit, "{code}");
        assert_eq!(t.recipient, recipient, "{code}");
    }
    assert_eq!(
        cat.get("di-6-13").and_then(|t| t.area_code.as_deref()),
        None
    );
    assert_eq!(
        cat.get("di-1-01").and_then(|t| t.area_code.as_deref()),
        Some("SR")
    );
    assert_eq!(
        cat.get("di-7-01").and_then(|t| t.area_code.as_deref()),
        Some("ĢVPA")
    );
    assert_eq!(
        cat.get("di-1-07").map(|t| t.source.as_str()),
        Some("seed 000 L4138")
    );
}

#[test]
fn every_unit_and_every_recipient_is_used() {
    let cat = builtin();
    for unit in Unit::ALL {
        assert!(cat.iter().any(|t| t.unit == unit), "{unit} is used");
    }
    for recipient in Recipient::ALL {
        assert!(
            cat.iter().any(|t| t.recipient == recipient),
            "{} is used",
            recipient.code()
        );
    }
    assert!(cat
        .iter()
        .all(|t| !t.name_lv.trim().is_empty() && !t.name_en.trim().is_empty()));
}
