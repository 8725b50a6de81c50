//! Policy and tariff files: the shipped ones load; broken ones are refused with the field named.

#![allow(clippy::unwrap_used)]

use ibis_core::catalogue::Catalogue;
use ibis_core::policy::{PolicySet, PolicySetError, BUILTIN_FILES};

fn files_with(name: &str, text: String) -> Vec<(String, String)> {
    BUILTIN_FILES
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .chain(std::iter::once((name.to_owned(), text)))
        .collect()
}

fn load_err(name: &str, text: String) -> String {
    match PolicySet::load(Catalogue::builtin().unwrap(), files_with(name, text)) {
        Ok(_) => panic!("{name} should have been refused"),
        Err(PolicySetError::Files(f)) => f
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => e.to_string(),
    }
}

fn builtin(name: &str) -> String {
    BUILTIN_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1
        .to_owned()
}

const ADULT: &str = "policies/adult-grt/v1.toml";
const TARIFF: &str = "policies/tariffs/lv-ib.toml";

#[test]
fn shipped_policies_load() {
    let set = PolicySet::builtin().unwrap();
    assert_eq!(set.policies.len(), 3);
    assert!(set.tariffs.contains_key("lv-ib"));
}

#[test]
fn a_negative_quantity_is_named() {
    let text = builtin(ADULT).replace(
        r#"{ service = "workshop", quantity = "5" }"#,
        r#"{ service = "workshop", quantity = "-5" }"#,
    );
    let e = load_err(ADULT, text);
    assert!(e.contains("package[1] (level I, family/social-home).lines[1] (workshop).quantity: \"-5\" must not be negative"), "{e}");
}

#[test]
fn a_float_quantity_is_refused_with_a_hint() {
    let text = builtin(ADULT).replace(r#"quantity = "11.25""#, "quantity = 11.25");
    let e = load_err(ADULT, text);
    assert!(e.contains("lines[2] (group-sessions).quantity: 11.25 is written as a floating-point number; write it as a string"), "{e}");
}

#[test]
fn a_missing_price_is_named() {
    // Remove the mentor's price from the tariff table: every adult package loses a price.
    let tariff = builtin(TARIFF);
    let start = tariff.find("service = \"mentor\"").unwrap();
    let block_start = tariff[..start].rfind("\n[[price]]").unwrap();
    let block_end = start + tariff[start..].find("\n[[price]]").unwrap();
    let text = format!("{}{}", &tariff[..block_start], &tariff[block_end..]);
    let e = load_err(TARIFF, text);
    assert!(e.contains("policies/adult-grt/v1.toml: package[1] (level I).lines (mentor): missing price: tariff table lv-ib has no price for service \"mentor\""), "{e}");
}

#[test]
fn a_price_without_eur_is_named() {
    let text = builtin(TARIFF).replace("eur = \"14.29\"\n", "");
    let e = load_err(TARIFF, text);
    assert!(
        e.contains("price[1] (respite).eur: the price is missing"),
        "{e}"
    );
}

#[test]
fn a_wrong_stated_total_is_caught() {
    let text = builtin(ADULT).replace("\"862.68\"", "\"862.69\"");
    let e = load_err(ADULT, text);
    assert!(
        e.contains("the lines come to 862.68 EUR, not the stated 862.69 EUR"),
        "{e}"
    );
}

#[test]
fn unknown_service_level_and_living_are_named() {
    let text = builtin(ADULT)
        .replace(
            "service = \"mentor\", quantity = \"20\"",
            "service = \"mentorz\", quantity = \"20\"",
        )
        .replace("living = [\"family\"]", "living = [\"home\"]")
        .replace(
            "level = \"IV\"\nliving = [\"group-flat\"]",
            "level = \"V\"\nliving = [\"group-flat\"]",
        );
    let e = load_err(ADULT, text);
    assert!(
        e.contains("(mentorz).service: \"mentorz\" is not a service type in the catalogue"),
        "{e}"
    );
    assert!(e.contains(".living: \"home\" is not allowed; allowed: family, social-home, group-flat, institution"), "{e}");
    assert!(
        e.contains(".level: level \"V\" is not one of the policy's levels: I, II, III, IV"),
        "{e}"
    );
}

#[test]
fn a_package_over_its_cap_is_refused() {
    let text = builtin("policies/support-person/v1.toml")
        .replace("quantity = \"7.5\"", "quantity = \"8\"")
        .replace("\"37.50\"", "\"40.00\"");
    let e = load_err("policies/support-person/v1.toml", text);
    assert!(
        e.contains("8 units a month of support-person exceed the cap of 7.5 a month"),
        "{e}"
    );
}

#[test]
fn calibration_drift_is_caught() {
    let text = builtin("policies/child-ft/v1.toml")
        .replace(
            "{ service = \"child-social-care\", quantity = \"130\" }",
            "{ service = \"child-social-care\", quantity = \"200\" }",
        )
        .replace("\"812.18\"", "\"1071.72\"");
    let e = load_err("policies/child-ft/v1.toml", text);
    assert!(e.contains("calibration: the mix averages"), "{e}");
}

#[test]
fn unknown_fields_and_bad_toml_are_refused() {
    let e = load_err(
        ADULT,
        builtin(ADULT).replace(
            "illustrative = false",
            "illustrative = false\nilustrative = true",
        ),
    );
    assert!(e.contains("unknown field `ilustrative`"), "{e}");
    let e = load_err(ADULT, "kind = \"allocation-policy\"\nid = [".into());
    assert!(e.contains("not valid TOML"), "{e}");
    let e = load_err(ADULT, "kind = \"budget\"\n".into());
    assert!(
        e.contains("kind: \"budget\" is not allowed; allowed: allocation-policy, tariff-table"),
        "{e}"
    );
}

#[test]
fn two_prices_on_one_day_are_refused() {
    let text = format!(
        "{}\n[[price]]\nservice = \"respite\"\nunit = \"day\"\neur = \"15.00\"\nfrom = \"2019-11-01\"\n",
        builtin(TARIFF)
    );
    let e = load_err(TARIFF, text);
    assert!(e.contains("a price for this service already starts on 2019-11-01 (14.29 EUR); a new price needs a new date"), "{e}");
}

#[test]
fn a_new_version_supersedes_from_its_date() {
    let v2 = builtin(ADULT)
        .replace("version = \"1\"", "version = \"2\"")
        .replace("valid_from = \"2019-11-01\"", "valid_from = \"2027-01-01\"");
    let mut files = files_with(ADULT, builtin(ADULT));
    files.push(("policies/adult-grt/v2.toml".into(), v2));
    let set = PolicySet::load(Catalogue::builtin().unwrap(), files).unwrap();
    let on = |d| {
        set.select(ibis_core::outcome::BudgetGroup::AdultGrt, d)
            .unwrap()
            .version
            .clone()
    };
    assert_eq!(on(time::macros::date!(2026 - 12 - 31)), "1");
    assert_eq!(on(time::macros::date!(2027 - 01 - 01)), "2");
}
