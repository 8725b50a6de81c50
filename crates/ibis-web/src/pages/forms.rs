//! Reading forms and query strings leniently (a page never fails on an odd parameter), and
//! showing field errors in the page's language.

use ibis_core::field::FieldError;
use serde::Serialize;

use super::i18n::{tr, Lang};

/// Fields of a form body or a query string, in order; when a name repeats, the last one counts.
#[derive(Debug, Clone, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Reads `application/x-www-form-urlencoded` bytes (a body or a query string).
    pub fn parse(bytes: &[u8]) -> Form {
        Form(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Reads an optional query string.
    pub fn query(raw: Option<&str>) -> Form {
        Form::parse(raw.unwrap_or("").as_bytes())
    }

    /// A field as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field as sent, or empty text.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }

    /// A field trimmed; empty is none.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// A page number (1 or more; anything else is 1).
    pub fn page_no(&self) -> i64 {
        self.get("page")
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }
}

/// A problem with a field as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The field's name (the input's id is `f-` and the name); empty when it is no field of
    /// the form.
    pub field: String,
    /// The field's label in the page's language.
    pub label: String,
    /// What is wrong, in the page's language.
    pub message: String,
    /// The detail in English, when the message is a Latvian summary of it (shown with
    /// `lang="en"`).
    pub detail: Option<String>,
}

/// Field errors from the core or the store, in the page's language. `fields` are the form's
/// fields with their labels; an error about another field is shown without a link.
pub fn problems(lang: Lang, errors: &[FieldError], fields: &[(&str, String)]) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| {
            let field = fields.iter().find(|(f, _)| *f == e.field);
            let (message, detail) = message(lang, &e.message);
            Problem {
                field: field.map(|(f, _)| (*f).to_owned()).unwrap_or_default(),
                label: field
                    .map(|(_, l)| l.clone())
                    .unwrap_or_else(|| e.field.clone()),
                message,
                detail,
            }
        })
        .collect()
}

/// The message for an error text of the core or the store. The core writes English; what it
/// says often is known and has a translation, otherwise a Latvian page says "check the value"
/// and shows the English detail beside it.
fn message(lang: Lang, english: &str) -> (String, Option<String>) {
    let known = if english == "is required" {
        Some(tr(lang, "error-required"))
    } else if english.contains("already registered") {
        Some(tr(lang, "error-personal-code-taken"))
    } else if english.starts_with("you may register people of") {
        Some(tr(lang, "error-own-municipality-only"))
    } else if english.contains("is not allowed; allowed:")
        || english.contains("is not a municipality code")
    {
        Some(tr(lang, "error-choose-from-list"))
    } else {
        None
    };
    match (known, lang) {
        (Some(m), _) => (m, None),
        (None, Lang::En) => (capitalise(english), None),
        (None, Lang::Lv) => (tr(lang, "error-check-value"), Some(english.to_owned())),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => {
            first.to_uppercase().chain(c).collect::<String>()
                + if s.ends_with('.') { "" } else { "." }
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_read_leniently() {
        let f = Form::parse(b"q=B%C4%93rzi%C5%86%C5%A1&page=x&q=last&empty=+");
        assert_eq!(f.get("q"), Some("last"));
        assert_eq!(f.page_no(), 1);
        assert_eq!(f.opt("empty"), None);
        assert_eq!(Form::query(Some("page=3")).page_no(), 3);
    }

    #[test]
    fn messages_in_both_languages() {
        let errors = vec![
            FieldError::new("given_name", "is required"),
            FieldError::new(
                "personal_code",
                "must have 11 digits (DDMMYY-NNNNN); found 3",
            ),
            FieldError::new("(input)", "incomplete"),
        ];
        let fields = [
            ("given_name", "Vārds".to_owned()),
            ("personal_code", "Personas kods".to_owned()),
        ];
        let lv = problems(Lang::Lv, &errors, &fields);
        assert_eq!(lv[0].message, tr(Lang::Lv, "error-required"));
        assert_eq!(lv[1].message, tr(Lang::Lv, "error-check-value"));
        assert!(lv[1]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("11 digits")));
        assert_eq!(lv[2].field, "");
        let en = problems(Lang::En, &errors, &fields);
        assert_eq!(
            en[1].message,
            "Must have 11 digits (DDMMYY-NNNNN); found 3."
        );
        assert_eq!(en[1].detail, None);
    }
}
