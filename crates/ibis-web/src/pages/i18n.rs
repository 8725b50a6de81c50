//! Languages of the pages: Latvian (the default) and English. The texts live in one Fluent file
//! per language at `locales/` (`lv.ftl`, `en.ftl`), embedded in the binary. Templates call
//! `t("key", name=value)`; Rust code calls [`tr`] and [`tr_args`]. Names of things that come
//! with the data (services, municipalities, categories, units, living situations) are taken
//! from the data in the page's language; codes without names in the core (roles, relations,
//! target groups, ...) have keys of the form `prefix-code` here.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use ibis_core::access::Role;

/// The Latvian texts.
pub const LV_FTL: &str = include_str!("../../../../locales/lv.ftl");
/// The English texts.
pub const EN_FTL: &str = include_str!("../../../../locales/en.ftl");

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Latvian (latviešu valoda), the default.
    #[default]
    Lv,
    /// English.
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::Lv, Lang::En];

    /// The code, also used as the HTML `lang`: `lv` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Lv => "lv",
            Lang::En => "en",
        }
    }

    /// Reads a code; anything but `lv` or `en` is none.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "lv" => Some(Lang::Lv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (what the language switch offers).
    pub fn other(self) -> Lang {
        match self {
            Lang::Lv => Lang::En,
            Lang::En => Lang::Lv,
        }
    }

    /// Picks the Latvian or the English of a pair of names.
    pub fn pick<'a>(self, lv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Lv => lv,
            Lang::En => en,
        }
    }
}

struct Bundles {
    lv: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
            tracing::error!(
                lang = lang.code(),
                ?errors,
                "the locale file has syntax errors; the rest of it is used"
            );
            resource
        });
    let mut bundle = FluentBundle::new_concurrent(vec![lang.code().parse().unwrap_or_default()]);
    // No Unicode isolation marks around placeables: the pages set `lang` and `dir` themselves.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            lang = lang.code(),
            ?errors,
            "the locale file defines a message twice"
        );
    }
    bundle
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles {
        lv: bundle(Lang::Lv, LV_FTL),
        en: bundle(Lang::En, EN_FTL),
    })
}

/// Whether a message exists in a language.
pub fn has(lang: Lang, key: &str) -> bool {
    let b = bundles();
    match lang {
        Lang::Lv => b.lv.has_message(key),
        Lang::En => b.en.has_message(key),
    }
}

/// The text of a message without arguments.
pub fn tr(lang: Lang, key: &str) -> String {
    tr_args(lang, key, None)
}

/// The text of a message with arguments. A missing message shows its key (and is logged), so a
/// page still renders; the unit tests make sure none is missing.
pub fn tr_args(lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
    let b = bundles();
    let bundle = match lang {
        Lang::Lv => &b.lv,
        Lang::En => &b.en,
    };
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::warn!(lang = lang.code(), key, "no such message");
        return key.to_owned();
    };
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    if !errors.is_empty() {
        tracing::warn!(
            lang = lang.code(),
            key,
            ?errors,
            "message formatted with errors"
        );
    }
    text
}

/// The `t(key, name=value, ...)` function of the templates: the page's language is the
/// template variable `lang`. Whole numbers are passed as numbers (for plural forms), everything
/// else as text.
pub fn template_t(
    state: &minijinja::State,
    key: &str,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default();
    let mut args = FluentArgs::new();
    let names: Vec<String> = kwargs.args().map(str::to_owned).collect();
    for name in names {
        let v: minijinja::Value = kwargs.get(&name)?;
        match i64::try_from(v.clone()) {
            Ok(n) if v.is_number() => args.set(name, n),
            _ => args.set(name, v.to_string()),
        }
    }
    kwargs.assert_all_used()?;
    Ok(tr_args(lang, key, Some(&args)))
}

/// The name of a role.
pub fn role_name(lang: Lang, role: Role) -> String {
    tr(lang, &format!("role-{}", role.code()))
}

/// The name of a coded value whose names live in the locale files, as `prefix-code`
/// (`relation-parent`, `group-child-ft`, `disability-group-1`, `recipient-sibling`,
/// `provider-kind-ngo`). An unknown code is shown as it is.
pub fn code_name(lang: Lang, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}-{code}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        code.to_owned()
    }
}

/// Consent purposes with names in the locale files (others are shown as written).
pub const CONSENT_PURPOSES: [&str; 2] = ["data-processing", "share-with-provider"];

/// Every `prefix-code` key the pages build at run time, for the tests.
pub fn dynamic_keys() -> Vec<String> {
    use ibis_core::catalogue::Recipient;
    use ibis_core::outcome::TargetGroup;
    use ibis_core::registry::{DisabilityKind, Relation};
    use ibis_store::providers::ProviderKind;
    let mut keys: Vec<String> = Role::ALL
        .iter()
        .map(|r| format!("role-{}", r.code()))
        .collect();
    keys.extend(
        Relation::ALL
            .iter()
            .map(|r| format!("relation-{}", r.code())),
    );
    keys.extend(
        TargetGroup::ALL
            .iter()
            .map(|g| format!("group-{}", g.code())),
    );
    keys.extend(
        DisabilityKind::ALL
            .iter()
            .map(|k| format!("disability-{}", k.code())),
    );
    keys.extend(
        Recipient::ALL
            .iter()
            .map(|r| format!("recipient-{}", r.code())),
    );
    keys.extend(
        ProviderKind::ALL
            .iter()
            .map(|k| format!("provider-kind-{}", k.code())),
    );
    // Consent purposes are free text; the usual ones have names.
    keys.extend(
        CONSENT_PURPOSES
            .iter()
            .map(|p| format!("consent-purpose-{p}")),
    );
    keys
}

/// Formats a `YYYY-MM-DD` date for people: `DD.MM.YYYY` in Latvian, as it is in English.
/// Anything else is shown as it is.
pub fn date(lang: Lang, iso: &str) -> String {
    let iso = iso.get(..10).unwrap_or(iso);
    match (lang, iso.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Lv, [y, m, d]) if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            format!("{d}.{m}.{y}")
        }
        _ => iso.to_owned(),
    }
}

/// Formats an amount in euro given as decimal text (`12.50`): `12,50 EUR` in Latvian,
/// `EUR 12.50` in English.
pub fn euro(lang: Lang, amount: &str) -> String {
    match lang {
        Lang::Lv => format!("{} EUR", amount.replace('.', ",")),
        Lang::En => format!("EUR {amount}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use super::*;

    /// Message ids of a Fluent file: lines that start with an identifier followed by `=`.
    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    /// The literal keys of `t("...")` calls in a template.
    pub(crate) fn template_keys(source: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let mut rest = source;
        while let Some(i) = rest.find("t(\"") {
            let before = rest[..i].chars().last();
            rest = &rest[i + 3..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_owned());
            }
        }
        keys
    }

    #[test]
    fn both_files_parse_and_have_the_same_keys() {
        for (lang, src) in [(Lang::Lv, LV_FTL), (Lang::En, EN_FTL)] {
            assert!(
                FluentResource::try_new(src.to_owned()).is_ok(),
                "{} has syntax errors",
                lang.code()
            );
        }
        let lv = ids(LV_FTL);
        let en = ids(EN_FTL);
        assert!(lv.len() > 50, "only {} keys", lv.len());
        let only_lv: Vec<_> = lv.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&lv).collect();
        assert!(
            only_lv.is_empty() && only_en.is_empty(),
            "missing in en: {only_lv:?}; missing in lv: {only_en:?}"
        );
        for key in &lv {
            for lang in Lang::ALL {
                assert!(has(lang, key), "{key} does not load in {}", lang.code());
            }
        }
    }

    #[test]
    fn every_key_a_template_uses_exists_in_both_languages() {
        let mut used = 0;
        for (name, src) in super::super::views::TEMPLATES {
            for key in template_keys(src) {
                used += 1;
                for lang in Lang::ALL {
                    assert!(
                        has(lang, &key),
                        "{name} uses {key}, which {} lacks",
                        lang.code()
                    );
                }
            }
        }
        assert!(used > 50, "only {used} keys found in templates");
    }

    #[test]
    fn every_key_the_code_builds_exists_in_both_languages() {
        let mut keys = dynamic_keys();
        // Literal keys passed to `tr(` in the pages' Rust code.
        for src in super::super::RUST_SOURCES {
            let mut rest = *src;
            while let Some(i) = rest.find("tr(") {
                rest = &rest[i + 3..];
                let call = &rest[..rest.find(')').unwrap_or(rest.len())];
                if let Some(q) = call.find('"') {
                    let lit = &call[q + 1..];
                    if let Some(end) = lit.find('"') {
                        keys.push(lit[..end].to_owned());
                    }
                }
            }
        }
        assert!(
            keys.iter().any(|k| k == "error-required"),
            "the scan of the Rust code found nothing"
        );
        for key in keys {
            for lang in Lang::ALL {
                assert!(
                    has(lang, &key),
                    "the code uses {key}, which {} lacks",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn templates_hold_no_bare_text() {
        // Text between tags must come from t(...) or data, never be written into a template.
        for (name, src) in super::super::views::TEMPLATES {
            let mut bare = (*src).to_owned();
            for (open, close) in [("{#", "#}"), ("{{", "}}"), ("{%", "%}")] {
                while let Some(a) = bare.find(open) {
                    let b = bare[a..]
                        .find(close)
                        .map(|b| a + b + 2)
                        .unwrap_or(bare.len());
                    bare.replace_range(a..b, " ");
                }
            }
            let mut rest = bare.as_str();
            while let Some(gt) = rest.find('>') {
                rest = &rest[gt + 1..];
                let text = &rest[..rest.find('<').unwrap_or(rest.len())];
                assert!(
                    !text.chars().any(char::is_alphabetic),
                    "{name} has bare text {:?}",
                    text.trim()
                );
            }
        }
    }

    #[test]
    fn latvian_plurals_and_arguments() {
        let mut args = FluentArgs::new();
        args.set("count", 1);
        assert_eq!(
            tr_args(Lang::Lv, "people-count", Some(&args)),
            "Atrasta 1 persona"
        );
        args.set("count", 21);
        assert_eq!(
            tr_args(Lang::Lv, "people-count", Some(&args)),
            "Atrasta 21 persona"
        );
        args.set("count", 12);
        assert_eq!(
            tr_args(Lang::Lv, "people-count", Some(&args)),
            "Atrastas 12 personas"
        );
        args.set("count", 0);
        assert_eq!(
            tr_args(Lang::Lv, "people-count", Some(&args)),
            "Nav atrasta neviena persona"
        );
        args.set("count", 3);
        assert_eq!(
            tr_args(Lang::En, "people-count", Some(&args)),
            "3 people found"
        );
    }

    #[test]
    fn dates_and_money() {
        assert_eq!(date(Lang::Lv, "2015-03-04"), "04.03.2015");
        assert_eq!(date(Lang::En, "2015-03-04"), "2015-03-04");
        assert_eq!(euro(Lang::Lv, "12.50"), "12,50 EUR");
        assert_eq!(euro(Lang::En, "12.50"), "EUR 12.50");
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
