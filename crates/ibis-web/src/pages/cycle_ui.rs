//! What the pages of the cycle (assessments, decisions, plans, worklist) share: the caller
//! for [`crate::cycle`], refusals turned into error pages or field errors, field paths of the
//! core (`lines[2].quantity_per_month`) turned into the form's field names
//! (`lines-<row>-quantity_per_month`, where `<row>` is the row shown on the form, empty rows
//! being skipped), and the messages of the cycle in the page's language.
//!
//! Form fields of these pages are named so that the name is also a valid `id` and fragment:
//! the core's path with `.` and `[n]` written as `-` and `-n`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use ibis_core::access::{Action, Role};
use ibis_core::assessment::TeamRole;
use ibis_core::field::FieldError;
use ibis_core::money::Money;
use serde::Serialize;

use super::forms::{problems, Form, Problem};
use super::i18n::{date, euro, tr, tr_args, Lang};
use super::visitor::{Fail, SignedIn, Visitor};
use crate::auth::Caller;
use crate::error::ApiError;

/// Roles that see the records of the cycle (assessments, decisions, plans) of the people in
/// their scope ([`Action::SeeCycle`]). Provider staff, analysts and administrators do not.
pub const CASE_ROLES: &[Role] = Action::SeeCycle.roles();

/// The caller of the cycle's steps for a signed-in visitor.
pub fn caller(v: &Visitor, who: &SignedIn) -> Caller {
    Caller {
        user: who.user.clone(),
        remote: v.remote.clone(),
    }
}

/// Whether the signed-in user's role is one of `roles`.
pub fn has_role(who: &SignedIn, roles: &[Role]) -> bool {
    roles.contains(&who.user.role)
}

/// [`Fail::Forbidden`] unless the role may take the action (the rule is in
/// [`ibis_core::access`]).
pub fn require_to(who: &SignedIn, action: Action) -> Result<(), Fail> {
    if who.may(action) {
        Ok(())
    } else {
        Err(Fail::Forbidden)
    }
}

/// [`Fail::Forbidden`] unless the role is one of `roles`.
pub fn require(who: &SignedIn, roles: &[Role]) -> Result<(), Fail> {
    if has_role(who, roles) {
        Ok(())
    } else {
        Err(Fail::Forbidden)
    }
}

/// An id from a path: a positive number, or the 404 page.
pub fn parse_id(raw: &str) -> Result<i64, Fail> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Fail::NotFound)
}

/// The query string of the visitor's path.
pub fn query(v: &Visitor) -> Form {
    Form::query(v.path.split_once('?').map(|(_, q)| q))
}

/// The language of the core's texts that matches a page language.
pub fn core_lang(lang: Lang) -> ibis_core::lang::Lang {
    match lang {
        Lang::Lv => ibis_core::lang::Lang::Lv,
        Lang::En => ibis_core::lang::Lang::En,
    }
}

/// An amount as the pages write it (`862,68 EUR`, `EUR 862.68`).
pub fn money(lang: Lang, m: Money) -> String {
    euro(lang, &m.to_string())
}

/// A decimal number with the page language's separator.
pub fn number(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Lv => text.replace('.', ","),
        Lang::En => text.to_owned(),
    }
}

/// A date as the pages write it.
pub fn day(lang: Lang, d: time::Date) -> String {
    date(lang, &d.to_string())
}

/// The first day of the month after `today`: where a budget period usually starts.
pub fn next_month_start(today: time::Date) -> time::Date {
    let first = today.replace_day(1).unwrap_or(today);
    ibis_core::review::add_months(first, 1)
}

/// The failure page for an error of the cycle.
pub fn fail_of(e: ApiError) -> Fail {
    match e.status {
        StatusCode::NOT_FOUND => Fail::NotFound,
        StatusCode::FORBIDDEN => Fail::Forbidden,
        s if s.is_client_error() => Fail::BadRequest,
        _ => Fail::Server(e.message),
    }
}

/// The field errors of a refusal a form can show (422, or 409 when someone else changed the
/// record), or the failure page for any other error.
pub fn refused(e: ApiError) -> Result<Vec<FieldError>, Fail> {
    match e.status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => Ok(if e.fields.is_empty() {
            vec![FieldError::new("", e.message)]
        } else {
            e.fields
        }),
        _ => Err(fail_of(e)),
    }
}

/// Rows of a form: for each item sent to the core (by its index), the row it came from on the
/// form (empty rows are not sent).
#[derive(Debug, Clone)]
pub struct RowMap {
    /// The list's name in the core's paths (`lines`).
    pub prefix: &'static str,
    /// `shown[i]` is the form row of item `i`.
    pub shown: Vec<usize>,
}

impl RowMap {
    /// No rows yet.
    pub fn new(prefix: &'static str) -> Self {
        RowMap {
            prefix,
            shown: Vec::new(),
        }
    }
}

/// The form field a core path names: `lines[2].quantity_per_month` becomes
/// `lines-5-quantity_per_month` when item 2 came from row 5; other dots become dashes
/// (`ratings.physical.note` → `ratings-physical-note`).
pub fn key_of(path: &str, rows: &[RowMap]) -> String {
    if let Some((prefix, rest)) = path.split_once('[') {
        if let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse::<usize>() {
                let row = rows
                    .iter()
                    .find(|r| r.prefix == prefix)
                    .and_then(|r| r.shown.get(i).copied())
                    .unwrap_or(i);
                let after = after.trim_start_matches('.').replace('.', "-");
                return if after.is_empty() {
                    format!("{prefix}-{row}")
                } else {
                    format!("{prefix}-{row}-{after}")
                };
            }
        }
    }
    path.replace('.', "-")
}

/// The row number and the field of a row key (`lines-5-service` → `("lines", 5, "service")`).
pub fn row_key(key: &str) -> Option<(&str, usize, &str)> {
    let (prefix, rest) = key.split_once('-')?;
    let (row, field) = rest.split_once('-').unwrap_or((rest, ""));
    Some((prefix, row.parse().ok()?, field))
}

/// How a form shows the problems found: the summary, and the problems of each field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Shown {
    /// Every problem, for the summary at the top.
    pub problems: Vec<Problem>,
    /// The problems of each field, by the field's name.
    pub errors: BTreeMap<String, Vec<Problem>>,
}

/// A field's label for the problems: `Some((label, true))` for a field of the form (the summary
/// links to it), `Some((label, false))` for something else named by the error (shown without a
/// link), `None` when unknown (shown as a general problem).
pub type Labeller<'a> = &'a dyn Fn(&str) -> Option<(String, bool)>;

/// Field errors of the core as the form shows them: paths mapped to the form's fields (through
/// `rows` and `alias`), labels from `label`, and the cycle's messages in the page's language.
pub fn show_errors(
    lang: Lang,
    errors: &[FieldError],
    rows: &[RowMap],
    alias: &dyn Fn(&str) -> String,
    label: Labeller<'_>,
) -> Shown {
    let converted: Vec<FieldError> = errors
        .iter()
        .map(|e| FieldError::new(alias(&key_of(&e.field, rows)), e.message.clone()))
        .collect();
    let labels: Vec<(String, Option<(String, bool)>)> = converted
        .iter()
        .map(|e| (e.field.clone(), label(&e.field)))
        .collect();
    let fields: Vec<(&str, String)> = labels
        .iter()
        .filter_map(|(k, l)| match l {
            Some((text, true)) => Some((k.as_str(), text.clone())),
            _ => None,
        })
        .collect();
    let mut shown = problems(lang, &converted, &fields);
    for ((p, (_, l)), original) in shown.iter_mut().zip(&labels).zip(errors) {
        match l {
            Some((_, true)) => {}
            Some((text, false)) => p.label = text.clone(),
            None => p.label = tr(lang, "problem-general"),
        }
        if let Some(m) = cycle_message(lang, &original.message) {
            p.message = m;
            p.detail = None;
        }
    }
    let mut by_field: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for p in shown.iter().filter(|p| !p.field.is_empty()) {
        by_field.entry(p.field.clone()).or_default().push(p.clone());
    }
    Shown {
        problems: shown,
        errors: by_field,
    }
}

/// Labels of things errors name that are no field of a form.
pub fn general_label(lang: Lang, key: &str) -> Option<(String, bool)> {
    let k = match key {
        "approver" => "problem-approver",
        "assessment" => "problem-assessment",
        "decision" => "problem-decision",
        "state" => "problem-state",
        "status" => "problem-status",
        "version" => "problem-version",
        "kind" => "problem-kind",
        "action" => "problem-action",
        _ => return None,
    };
    Some((tr(lang, k), false))
}

/// The text between `start` and `end` in `s`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

fn money_arg(lang: Lang, text: &str) -> Option<String> {
    text.trim().parse::<Money>().ok().map(|m| money(lang, m))
}

/// The cycle's messages of the core and of these pages in the page's language; `None` for a
/// message the general translation (see [`super::forms::problems`]) handles.
pub fn cycle_message(lang: Lang, english: &str) -> Option<String> {
    use fluent_bundle::FluentArgs;
    if let (Some(total), Some(over), Some(budget)) = (
        between(english, "the lines cost ", " EUR a month,"),
        between(english, "a month, ", " EUR more than the budget"),
        between(english, "the budget of ", " EUR"),
    ) {
        let mut args = FluentArgs::new();
        args.set("total", money_arg(lang, total)?);
        args.set("over", money_arg(lang, over)?);
        args.set("budget", money_arg(lang, budget)?);
        return Some(tr_args(lang, "error-plan-over-budget", Some(&args)));
    }
    if let Some(amount) = between(english, "this line costs ", " EUR a month") {
        let mut args = FluentArgs::new();
        args.set("amount", money_arg(lang, amount)?);
        return Some(tr_args(lang, "error-line-cost", Some(&args)));
    }
    if english.starts_with("is required (a rating") {
        return Some(tr(lang, "error-choose-rating"));
    }
    if let Some(missing) = english.strip_prefix(
        "the team must include a social worker, a psychologist and an occupational therapist; missing: ",
    ) {
        let names: Vec<String> = missing
            .split(", ")
            .map(|m| {
                TeamRole::ALL
                    .iter()
                    .find(|r| r.name_en() == m)
                    .map(|r| lang.pick(r.name_lv(), r.name_en()).to_owned())
                    .unwrap_or_else(|| m.to_owned())
            })
            .collect();
        let mut args = FluentArgs::new();
        args.set("missing", names.join(", "));
        return Some(tr_args(lang, "error-team-missing", Some(&args)));
    }
    if english.starts_with("at least one goal is required") {
        return Some(tr(lang, "error-goal-required"));
    }
    if english == NOT_A_NUMBER {
        return Some(tr(lang, "error-not-a-number"));
    }
    if english == NO_GOAL_REVIEWED {
        return Some(tr(lang, "error-no-goal-reviewed"));
    }
    if english == NOT_A_CHOICE {
        return Some(tr(lang, "error-choose-from-list"));
    }
    if english.starts_with("current version is") || english.contains("changed by someone else") {
        return Some(tr(lang, "error-changed-meanwhile"));
    }
    if english.contains("brokers or supports") || english.contains("may not approve") {
        return Some(tr(lang, "error-approver-not-independent"));
    }
    None
}

/// The message of these pages for a number that cannot be read.
pub const NOT_A_NUMBER: &str = "is not a number";
/// The message of these pages for a goal review form sent without any goal reviewed.
pub const NO_GOAL_REVIEWED: &str = "no goal was reviewed";
/// The message of these pages for a choice that is not on the list.
pub const NOT_A_CHOICE: &str = "is not one of the choices";

/// One choice of a group of radio buttons or a select, for the cycle's macros (which compare
/// the value with the field's value themselves).
#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    /// The value sent.
    pub value: String,
    /// The text shown.
    pub label: String,
}

impl Opt {
    /// A choice.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Opt {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A group of choices (an `<optgroup>`).
#[derive(Debug, Clone, Serialize)]
pub struct OptGroup {
    /// The group's label.
    pub label: String,
    /// Its choices.
    pub options: Vec<Opt>,
}

/// The values of a form's fields by name, read from what was sent for the names given.
pub fn values_of(form: &Form, keys: &[String]) -> BTreeMap<String, String> {
    keys.iter()
        .filter_map(|k| form.get(k).map(|v| (k.clone(), v.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_the_rows_shown() {
        let rows = [RowMap {
            prefix: "lines",
            shown: vec![0, 3, 5],
        }];
        assert_eq!(
            key_of("lines[2].quantity_per_month", &rows),
            "lines-5-quantity_per_month"
        );
        assert_eq!(key_of("lines[1]", &rows), "lines-3");
        assert_eq!(key_of("goals[1].text", &rows), "goals-1-text");
        assert_eq!(
            key_of("ratings.physical.rating", &rows),
            "ratings-physical-rating"
        );
        assert_eq!(key_of("period_to", &rows), "period_to");
        assert_eq!(
            row_key("lines-5-quantity_per_month"),
            Some(("lines", 5, "quantity_per_month"))
        );
        assert_eq!(row_key("period_to"), None);
    }

    #[test]
    fn the_overage_is_told_in_both_languages() {
        let m = "the lines cost 865.18 EUR a month, 2.50 EUR more than the budget of 862.68 EUR";
        let lv = cycle_message(Lang::Lv, m).unwrap_or_default();
        assert!(
            lv.contains("865,18 EUR") && lv.contains("2,50 EUR") && lv.contains("862,68 EUR"),
            "{lv}"
        );
        let en = cycle_message(Lang::En, m).unwrap_or_default();
        assert!(en.contains("EUR 2.50") && en.contains("EUR 862.68"), "{en}");
        let line = cycle_message(Lang::Lv, "this line costs 42.50 EUR a month").unwrap_or_default();
        assert!(line.contains("42,50 EUR"), "{line}");
        let team = cycle_message(
            Lang::Lv,
            "the team must include a social worker, a psychologist and an occupational therapist; missing: psychologist",
        )
        .unwrap_or_default();
        assert!(team.contains("psihologs"), "{team}");
        assert_eq!(cycle_message(Lang::Lv, "something else"), None);
    }

    #[test]
    fn errors_are_shown_at_their_rows() {
        let errors = vec![
            FieldError::new(
                "lines[1].quantity_per_month",
                "this line costs 5.00 EUR a month",
            ),
            FieldError::new("approver", "x"),
            FieldError::new("odd", "y"),
        ];
        let rows = [RowMap {
            prefix: "lines",
            shown: vec![0, 4],
        }];
        let label = |k: &str| -> Option<(String, bool)> {
            if k.starts_with("lines-") {
                Some(("Line".into(), true))
            } else {
                general_label(Lang::En, k)
            }
        };
        let s = show_errors(Lang::En, &errors, &rows, &|k| k.to_owned(), &label);
        assert_eq!(s.problems.len(), 3);
        assert_eq!(s.problems[0].field, "lines-4-quantity_per_month");
        assert!(s.errors.contains_key("lines-4-quantity_per_month"));
        assert_eq!(s.problems[1].field, "");
        assert_eq!(s.problems[1].label, tr(Lang::En, "problem-approver"));
        assert_eq!(s.problems[2].label, tr(Lang::En, "problem-general"));
    }
}
