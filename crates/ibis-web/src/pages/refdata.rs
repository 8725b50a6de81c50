//! Reference data for the pages in the page's language: municipalities, service types, and
//! paging links.

use std::collections::HashMap;

use ibis_core::catalogue::{Category, Unit};
use ibis_store::reference::ServiceTypeRow;
use ibis_store::PageRequest;
use serde::Serialize;

use super::i18n::{code_name, Lang};
use super::visitor::Fail;
use crate::AppState;

/// One choice of a `<select>`.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// The text shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// Municipalities: names by code, and the choices sorted by name in the page's language.
pub struct Municipalities {
    names: HashMap<String, String>,
    sorted: Vec<(String, String)>,
}

impl Municipalities {
    /// Loads them.
    pub async fn load(state: &AppState, lang: Lang) -> Result<Self, Fail> {
        let rows = state.store.municipalities().await?;
        let mut sorted: Vec<(String, String)> = rows
            .into_iter()
            .map(|m| (m.code, lang.pick(&m.name_lv, &m.name_en).to_owned()))
            .collect();
        sorted.sort_by_cached_key(|a| collate(&a.1));
        Ok(Municipalities {
            names: sorted.iter().cloned().collect(),
            sorted,
        })
    }

    /// The name of a municipality (its code when unknown).
    pub fn name(&self, code: &str) -> String {
        self.names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// Whether the code is a municipality.
    pub fn contains(&self, code: &str) -> bool {
        self.names.contains_key(code)
    }

    /// The choices, with one selected.
    pub fn choices(&self, selected: &str) -> Vec<Choice> {
        self.sorted
            .iter()
            .map(|(code, name)| Choice {
                value: code.clone(),
                label: name.clone(),
                selected: code == selected,
            })
            .collect()
    }
}

/// A sort key in Latvian alphabetical order: long vowels sort with their short vowel, and
/// č, ģ, ķ, ļ, ņ, š, ž are letters of their own after c, g, k, l, n, s, z.
pub fn collate(s: &str) -> String {
    let mut key = String::with_capacity(s.len() + 4);
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ā' => key.push('a'),
            'ē' => key.push('e'),
            'ī' => key.push('i'),
            'ū' => key.push('u'),
            'č' | 'ģ' | 'ķ' | 'ļ' | 'ņ' | 'š' | 'ž' => {
                let base = match c {
                    'č' => 'c',
                    'ģ' => 'g',
                    'ķ' => 'k',
                    'ļ' => 'l',
                    'ņ' => 'n',
                    'š' => 's',
                    _ => 'z',
                };
                key.push(base);
                key.push('\u{7f}');
            }
            c => key.push(c),
        }
    }
    key.push('\u{0}');
    key.push_str(s);
    key
}

/// Every service type matching the filters (the catalogue is a few hundred rows).
pub async fn service_types(
    state: &AppState,
    category: Option<&str>,
    q: Option<&str>,
) -> Result<Vec<ServiceTypeRow>, Fail> {
    let mut all = Vec::new();
    loop {
        let page = state
            .store
            .service_types(
                category,
                q,
                PageRequest::new(Some(200), Some(all.len() as i64)),
            )
            .await?;
        let got = page.items.len();
        all.extend(page.items);
        if got == 0 || all.len() as i64 >= page.total {
            return Ok(all);
        }
    }
}

/// A service type as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    /// Code.
    pub code: String,
    /// Name in the page's language.
    pub name: String,
    /// Unit in words.
    pub unit: String,
    /// Recipient in words.
    pub recipient: String,
    /// Category code.
    pub category: String,
}

impl ServiceView {
    /// The view of a row.
    pub fn of(lang: Lang, t: &ServiceTypeRow) -> ServiceView {
        ServiceView {
            code: t.code.clone(),
            name: lang.pick(&t.name_lv, &t.name_en).to_owned(),
            unit: unit_name(lang, &t.unit),
            recipient: code_name(lang, "recipient", &t.recipient),
            category: t.category.clone(),
        }
    }
}

/// A unit in words.
pub fn unit_name(lang: Lang, code: &str) -> String {
    match code.parse::<Unit>() {
        Ok(u) => lang.pick(u.name_lv(), u.name_en()).to_owned(),
        Err(_) => code.to_owned(),
    }
}

/// A category's name with its number.
pub fn category_name(lang: Lang, c: Category) -> String {
    format!("{}. {}", c.group_no(), lang.pick(c.name_lv(), c.name_en()))
}

/// The day before a `YYYY-MM-DD` date: the last day of a period whose end is stored as the
/// first day after it. Anything else is given back as it is.
pub fn day_before(iso: &str) -> String {
    match ibis_core::policy::parse_date(iso) {
        Ok(d) => d
            .previous_day()
            .map(|p| p.to_string())
            .unwrap_or_else(|| iso.to_owned()),
        Err(_) => iso.to_owned(),
    }
}

/// Links to the previous and next page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// This page, from 1.
    pub page: i64,
    /// How many pages.
    pub pages: i64,
    /// The previous page's URL.
    pub prev: Option<String>,
    /// The next page's URL.
    pub next: Option<String>,
}

impl Pager {
    /// Paging of `total` rows, `size` a page, keeping the filters in `params`.
    pub fn new(
        path: &str,
        params: &[(&str, Option<String>)],
        page: i64,
        size: i64,
        total: i64,
    ) -> Pager {
        let pages = ((total + size - 1) / size).max(1);
        let url = |p: i64| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params {
                if let Some(v) = v {
                    s.append_pair(k, v);
                }
            }
            if p > 1 {
                s.append_pair("page", &p.to_string());
            }
            let q = s.finish();
            if q.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{q}")
            }
        };
        Pager {
            page,
            pages,
            prev: (page > 1).then(|| url(page - 1)),
            next: (page < pages).then(|| url(page + 1)),
        }
    }

    /// The request for a page.
    pub fn request(page: i64, size: i64) -> PageRequest {
        PageRequest::new(Some(size), Some((page - 1) * size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ends_the_day_before_its_stored_end() {
        assert_eq!(day_before("2027-03-01"), "2027-02-28");
        assert_eq!(day_before("odd"), "odd");
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let p = Pager::new(
            "/people",
            &[("q", Some("Bērziņš".into())), ("x", None)],
            2,
            25,
            60,
        );
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/people?q=B%C4%93rzi%C5%86%C5%A1"));
        assert_eq!(
            p.next.as_deref(),
            Some("/people?q=B%C4%93rzi%C5%86%C5%A1&page=3")
        );
        let one = Pager::new("/people", &[], 1, 25, 0);
        assert_eq!((one.pages, one.prev, one.next), (1, None, None));
    }

    #[test]
    fn latvian_letters_sort_beside_their_base() {
        let mut v = vec!["Ķekavas", "Kuldīgas", "Cēsu", "Čaks", "Dobeles"];
        v.sort_by_key(|s| collate(s));
        assert_eq!(v, ["Cēsu", "Čaks", "Dobeles", "Kuldīgas", "Ķekavas"]);
    }
}
