//! The HTML helpers the page tests share: attributes and tags read from a page's text, and
//! `check_page`, the structure every page must have. One copy for every test binary (it was
//! copied into seven files); each checks the union of what the copies checked.

#![allow(dead_code)]

use std::collections::HashSet;

/// The value of attribute `name` in the tag that contains `marker`.
pub fn attr_after(html: &str, marker: &str, name: &str) -> Option<String> {
    let at = html.find(marker)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    attr(&html[start..end], name)
}

/// The value of an attribute in one tag's text.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    Some(tag[i..i + tag[i..].find('"')?].to_owned())
}

/// Every tag with this name, as its text from `<` to `>` (`<name>`, `<name attr…>` across
/// lines, and `<name/>`).
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap_or(after.len());
        if after.starts_with([' ', '>', '\n', '/']) {
            out.push(&rest[i..i + open.len() + end + 1]);
        }
        rest = &after[end..];
    }
    out
}

/// The structure every page must have: `lang` (Latvian or English), a title, a skip link to
/// `<main id="main">` as the first link, landmarks, labels for every field (selects and
/// textareas too), unique ids, `aria-describedby` and `aria-labelledby` that point at
/// something, a legend in every fieldset, captions and scoped headers in tables, no inline
/// style or script.
pub fn check_page(path: &str, html: &str) {
    let html_tag = tags(html, "html");
    assert!(
        html_tag.len() == 1 && attr(html_tag[0], "lang").is_some_and(|l| l == "lv" || l == "en"),
        "{path}: <html lang>"
    );
    let title = &html[html
        .find("<title>")
        .unwrap_or_else(|| panic!("{path}: no <title>"))
        + 7..];
    assert!(
        title[..title.find("</title>").unwrap()]
            .trim()
            .chars()
            .any(char::is_alphabetic),
        "{path}: empty <title>"
    );
    let main = html
        .find("<main id=\"main\"")
        .unwrap_or_else(|| panic!("{path}: no <main id=\"main\">"));
    let skip = html
        .find("href=\"#main\"")
        .unwrap_or_else(|| panic!("{path}: no skip link"));
    let body = html.find("<body>").unwrap();
    assert!(
        skip > body && skip < main && html[body..skip].matches("<a ").count() == 1,
        "{path}: the skip link is not the first link"
    );
    assert!(
        html.contains("<header") && html.contains("<footer") && html.contains("</main>"),
        "{path}: landmarks"
    );
    let ids: Vec<String> = html
        .match_indices(" id=\"")
        .map(|(i, _)| html[i + 5..i + 5 + html[i + 5..].find('"').unwrap()].to_owned())
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{path}: duplicate ids");
    for tag in tags(html, "input")
        .into_iter()
        .chain(tags(html, "select"))
        .chain(tags(html, "textarea"))
    {
        let kind = attr(tag, "type").unwrap_or_default();
        if kind == "hidden" || kind == "submit" {
            continue;
        }
        let id = attr(tag, "id").unwrap_or_else(|| panic!("{path}: field without id: {tag}"));
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{path}: no <label for=\"{id}\">"
        );
        if let Some(described) = attr(tag, "aria-describedby") {
            for d in described.split_whitespace() {
                assert!(
                    unique.contains(&d.to_owned()),
                    "{path}: aria-describedby {d} points at nothing"
                );
            }
        }
    }
    for tag in tags(html, "fieldset")
        .into_iter()
        .chain(tags(html, "svg"))
        .chain(tags(html, "section"))
    {
        for a in ["aria-labelledby", "aria-describedby"] {
            if let Some(described) = attr(tag, a) {
                for d in described.split_whitespace() {
                    assert!(
                        unique.contains(&d.to_owned()),
                        "{path}: {a} {d} points at nothing"
                    );
                }
            }
        }
    }
    assert_eq!(
        html.matches("<fieldset").count(),
        html.matches("<legend").count(),
        "{path}: every fieldset has a legend"
    );
    for (i, _) in html.match_indices("<table") {
        let table = &html[i..i + html[i..].find("</table>").unwrap()];
        assert!(
            table.contains("<caption"),
            "{path}: a table without <caption>"
        );
        for th in tags(table, "th") {
            assert!(
                attr(th, "scope").is_some(),
                "{path}: <th> without scope: {th}"
            );
        }
    }
    assert!(
        !html.contains(" style=\""),
        "{path}: inline style (the CSP forbids it)"
    );
    assert!(!html.contains("<script"), "{path}: script");
}

/// `check_page`, and the page is in exactly this language (`<html lang>`).
pub fn check_page_in(path: &str, html: &str, lang: &str) {
    let html_tag = tags(html, "html");
    assert_eq!(html_tag.len(), 1, "{path}: one <html>");
    assert_eq!(
        attr(html_tag[0], "lang").as_deref(),
        Some(lang),
        "{path}: <html lang>"
    );
    check_page(path, html);
}
