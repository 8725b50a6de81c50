//! Monitoring pages: the dashboard (`GET /monitoring`), the service-gap map
//! (`GET /monitoring/gaps`), the people behind a figure (`GET /monitoring/rows`) and every one
//! of them as CSV or XLSX (`GET /monitoring/export`). Filters are a plain GET form (area,
//! period), charts are server-drawn SVG with a data table beside each; no JavaScript.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ibis_core::monitoring::{Area, Disclosure, Figure, ESSENTIAL_SERVICES};
use minijinja::context;
use serde::Serialize;

use super::cycle_ui::{caller, day, fail_of, money, query, require};
use super::i18n::{code_name, tr, Lang};
use super::visitor::{Fail, PageResult, Visitor};
use crate::charts::{bar_chart, Bar};
use crate::exports;
use crate::monitoring::{
    self, dashboard_report, gaps_report, rows_report, sections, Filter, Names, Report,
    MONITORING_ROLES,
};
use crate::AppState;

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct ChoiceGroup {
    label: String,
    choices: Vec<Choice>,
}

/// The query string of a filter, with extra pairs.
fn qs(f: &Filter, extra: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("area", &f.area.code());
    s.append_pair("from", &f.period.from.to_string());
    if let Some(to) = f.period.to {
        s.append_pair("to", &to.to_string());
    }
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    s.finish()
}

async fn area_choices(state: &AppState, lang: Lang, f: &Filter) -> Result<Vec<ChoiceGroup>, Fail> {
    let all = state.store.municipalities().await?;
    let mut groups = vec![ChoiceGroup {
        label: tr(lang, "monitoring-area-country"),
        choices: vec![Choice {
            value: "country".into(),
            label: tr(lang, "monitoring-area-country"),
            selected: f.area == Area::Country,
        }],
    }];
    for r in ibis_core::municipality::PlanningRegion::ALL {
        let mut choices = vec![Choice {
            value: format!("region:{}", r.code()),
            label: lang.pick(r.name_lv(), r.name_en()).to_owned(),
            selected: f.area == Area::Region(r),
        }];
        for m in all.iter().filter(|m| m.region == r.code()) {
            choices.push(Choice {
                value: m.code.clone(),
                label: lang.pick(&m.name_lv, &m.name_en).to_owned(),
                selected: f.area == Area::Municipality(m.code.clone()),
            });
        }
        groups.push(ChoiceGroup {
            label: lang.pick(r.name_lv(), r.name_en()).to_owned(),
            choices,
        });
    }
    Ok(groups)
}

async fn read_filter(state: &AppState, v: &Visitor) -> Result<Filter, Fail> {
    let who = v.signed_in()?;
    require(who, MONITORING_ROLES)?;
    let q = query(v);
    monitoring::filter(
        state,
        &caller(v, who),
        q.opt("area").as_deref(),
        q.opt("from").as_deref(),
        q.opt("to").as_deref(),
    )
    .await
    .map_err(fail_of)
}

#[derive(Debug, Serialize)]
struct ShownRow {
    label: String,
    cells: Vec<String>,
    link: String,
}

#[derive(Debug, Serialize)]
struct ShownSection {
    id: String,
    title: String,
    headers: Vec<String>,
    rows: Vec<ShownRow>,
    chart: String,
}

fn cells(lang: Lang, f: &Figure, shows: [bool; 4]) -> Vec<String> {
    let shown = |v: Option<String>| {
        if f.suppressed {
            tr(lang, "monitoring-suppressed")
        } else {
            v.unwrap_or_default()
        }
    };
    let mut out = Vec::new();
    if shows[0] {
        out.push(shown(f.people.map(|n| n.to_string())));
    }
    if shows[1] {
        out.push(shown(f.amount.map(|m| money(lang, m))));
    }
    if shows[2] {
        out.push(shown(f.extra.map(|m| money(lang, m))));
    }
    if shows[3] {
        out.push(shown(f.count.map(|n| n.to_string())));
    }
    out
}

/// Which sections get a chart, and of what.
fn chart_of(lang: Lang, id: &str, title: &str, rows: &[(String, Figure, String)]) -> String {
    let (money_chart, limit) = match id {
        "target-group" | "level" | "age" | "living" | "goals" => (false, 20),
        "budgets" | "category" => (true, 20),
        "service" => (true, 15),
        _ => return String::new(),
    };
    let bars: Vec<Bar> = rows
        .iter()
        .filter(|(_, f, _)| !f.suppressed)
        .take(limit)
        .map(|(label, f, _)| Bar {
            label: label.clone(),
            value: if money_chart {
                f.amount.map(|m| m.cents() as f64 / 100.0).unwrap_or(0.0)
            } else if id == "goals" {
                f.count.unwrap_or(0) as f64
            } else {
                f.people.unwrap_or(0) as f64
            },
            highlight: false,
        })
        .collect();
    let unit = if money_chart {
        tr(lang, "monitoring-chart-euro")
    } else if id == "goals" {
        tr(lang, "monitoring-chart-goals")
    } else {
        tr(lang, "monitoring-chart-people")
    };
    bar_chart(
        &format!("chart-{id}"),
        title,
        &tr(lang, "monitoring-chart-desc"),
        &unit,
        &bars,
    )
}

/// `GET /monitoring?area=&from=&to=`: the dashboard.
pub async fn page(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(dashboard_page(&state, &v).await)
}

async fn dashboard_page(state: &AppState, v: &Visitor) -> PageResult {
    let f = read_filter(state, v).await?;
    let who = v.signed_in()?;
    let lang = v.lang;
    let d = monitoring::dashboard(state, &caller(v, who), &f)
        .await
        .map_err(fail_of)?;
    let names = Names::load(state, lang).await.map_err(fail_of)?;
    let header_keys = [
        "monitoring-col-people",
        "monitoring-col-amount",
        "monitoring-col-co-payment",
        "monitoring-col-count",
    ];
    let rows_allowed = d.disclosure == Disclosure::Rows;
    let shown: Vec<ShownSection> = sections(&d, &names)
        .into_iter()
        .map(|s| {
            let mut headers = vec![tr(lang, "monitoring-col-item")];
            for (i, k) in header_keys.iter().enumerate() {
                if s.shows[i] {
                    headers.push(tr(lang, k));
                }
            }
            ShownSection {
                chart: chart_of(lang, &s.id, &s.title, &s.rows),
                rows: s
                    .rows
                    .iter()
                    .map(|(label, fig, key)| ShownRow {
                        label: label.clone(),
                        cells: cells(lang, fig, s.shows),
                        link: if rows_allowed && fig.people.unwrap_or(0) > 0 {
                            format!("/monitoring/rows?{}", qs(&f, &[("figure", key)]))
                        } else {
                            String::new()
                        },
                    })
                    .collect(),
                id: s.id,
                title: s.title,
                headers,
            }
        })
        .collect();
    let providers: Vec<ShownRow> = d
        .providers
        .iter()
        .map(|c| ShownRow {
            label: names.municipality(&c.municipality),
            cells: vec![names.service(&c.service), c.providers.to_string()],
            link: String::new(),
        })
        .collect();
    v.page(
        "monitoring.html",
        "monitoring",
        context! {
            areas => area_choices(state, lang, &f).await?,
            from => f.period.from.to_string(),
            to => f.period.to.map(|t| t.to_string()).unwrap_or_default(),
            area_name => names.area(&f.area),
            period => format!("{} – {}", day(lang, f.period.from), f.period.to.and_then(|t| t.previous_day()).map(|t| day(lang, t)).unwrap_or_default()),
            as_of => day(lang, d.as_of),
            aggregates_only => !rows_allowed,
            sections => shown,
            providers => providers,
            csv => format!("/monitoring/export?{}", qs(&f, &[("report", "dashboard"), ("format", "csv")])),
            xlsx => format!("/monitoring/export?{}", qs(&f, &[("report", "dashboard"), ("format", "xlsx")])),
            gaps => format!("/monitoring/gaps?{}", qs(&f, &[])),
        },
    )
}

#[derive(Debug, Serialize)]
struct GapShown {
    municipality: String,
    service: String,
    essential: String,
    needed: String,
    not_received: String,
    providers: u64,
    barriers: String,
    link: String,
}

/// `GET /monitoring/gaps?area=&from=&to=`: the service-gap map.
pub async fn gaps(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(gaps_page(&state, &v).await)
}

async fn gaps_page(state: &AppState, v: &Visitor) -> PageResult {
    let f = read_filter(state, v).await?;
    let who = v.signed_in()?;
    let lang = v.lang;
    let g = monitoring::gaps(state, &caller(v, who), &f)
        .await
        .map_err(fail_of)?;
    let names = Names::load(state, lang).await.map_err(fail_of)?;
    let rows_allowed =
        Disclosure::for_caller(who.user.role, &who.scope(), &f.area) == Some(Disclosure::Rows);
    let withheld = || tr(lang, "monitoring-suppressed");
    let essential_name = |e: &str| code_name(lang, "monitoring-essential", e);
    let rows: Vec<GapShown> = g
        .rows
        .iter()
        .map(|r| GapShown {
            municipality: names.municipality(&r.municipality),
            service: names.service(&r.service),
            essential: r
                .essential
                .as_deref()
                .map(essential_name)
                .unwrap_or_default(),
            needed: r
                .needed_not_available
                .map(|n| n.to_string())
                .unwrap_or_else(withheld),
            not_received: r
                .available_not_received
                .map(|n| n.to_string())
                .unwrap_or_else(withheld),
            providers: r.providers,
            barriers: r
                .barriers
                .iter()
                .map(|(b, n)| format!("{b} ({n})"))
                .collect::<Vec<_>>()
                .join("; "),
            link: if rows_allowed {
                format!(
                    "/monitoring/rows?{}",
                    qs(
                        &f,
                        &[("figure", &format!("gap:needed-not-available:{}", r.service))]
                    )
                )
            } else {
                String::new()
            },
        })
        .collect();
    let ranked: Vec<(String, String, bool)> = g
        .ranked
        .iter()
        .map(|fig| {
            (
                names.service(&fig.key),
                fig.people.map(|n| n.to_string()).unwrap_or_else(withheld),
                ibis_core::monitoring::essential_of(&fig.key).is_some(),
            )
        })
        .collect();
    let bars: Vec<Bar> = g
        .ranked
        .iter()
        .filter(|fig| !fig.suppressed)
        .take(20)
        .map(|fig| Bar {
            label: names.service(&fig.key),
            value: fig.people.unwrap_or(0) as f64,
            highlight: ibis_core::monitoring::essential_of(&fig.key).is_some(),
        })
        .collect();
    let title = tr(lang, "monitoring-gaps-chart");
    let chart = bar_chart(
        "chart-gaps",
        &title,
        &tr(lang, "monitoring-gaps-chart-desc"),
        &tr(lang, "monitoring-chart-people"),
        &bars,
    );
    let missing: Vec<(String, String)> = g
        .essential_missing
        .iter()
        .map(|(m, e)| (names.municipality(m), essential_name(e)))
        .collect();
    let coverage: Vec<(String, Vec<(String, bool)>)> = g
        .essential_coverage
        .iter()
        .map(|(m, counts)| {
            (
                names.municipality(m),
                counts
                    .iter()
                    .map(|n| {
                        if *n == 0 {
                            (tr(lang, "monitoring-none"), true)
                        } else {
                            (n.to_string(), false)
                        }
                    })
                    .collect(),
            )
        })
        .collect();
    let essentials: Vec<String> = ESSENTIAL_SERVICES
        .iter()
        .map(|(e, _)| essential_name(e))
        .collect();
    v.page(
        "monitoring_gaps.html",
        "monitoring",
        context! {
            areas => area_choices(state, lang, &f).await?,
            from => f.period.from.to_string(),
            to => f.period.to.map(|t| t.to_string()).unwrap_or_default(),
            area_name => names.area(&f.area),
            aggregates_only => !rows_allowed,
            rows => rows,
            ranked => ranked,
            chart => chart,
            chart_title => title,
            missing => missing,
            coverage => coverage,
            essential_names => essentials.clone(),
            essentials => essentials.join(", "),
            csv => format!("/monitoring/export?{}", qs(&f, &[("report", "gaps"), ("format", "csv")])),
            xlsx => format!("/monitoring/export?{}", qs(&f, &[("report", "gaps"), ("format", "xlsx")])),
            dashboard => format!("/monitoring?{}", qs(&f, &[])),
        },
    )
}

/// `GET /monitoring/rows?area=&from=&to=&figure=`: the people behind a figure (social workers
/// and approvers, their own municipality; each person shown is audited).
pub async fn rows(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(rows_page(&state, &v).await)
}

async fn rows_page(state: &AppState, v: &Visitor) -> PageResult {
    let f = read_filter(state, v).await?;
    let who = v.signed_in()?;
    let lang = v.lang;
    let figure = query(v).text("figure");
    let people = monitoring::rows(state, &caller(v, who), &f, &figure)
        .await
        .map_err(fail_of)?;
    let names = Names::load(state, lang).await.map_err(fail_of)?;
    let report = rows_report(&people, &names, &figure);
    let shown: Vec<(i64, Vec<String>)> = people
        .iter()
        .zip(&report.rows)
        .map(|(p, r)| {
            (
                p.person_id,
                r.iter().skip(1).map(|c| cell_text(lang, c)).collect(),
            )
        })
        .collect();
    v.page(
        "monitoring_rows.html",
        "monitoring",
        context! {
            figure => figure,
            headers => report.headers.iter().skip(1).cloned().collect::<Vec<_>>(),
            rows => shown,
            area_name => names.area(&f.area),
            csv => format!("/monitoring/export?{}", qs(&f, &[("report", "rows"), ("format", "csv"), ("figure", &figure)])),
            xlsx => format!("/monitoring/export?{}", qs(&f, &[("report", "rows"), ("format", "xlsx"), ("figure", &figure)])),
            dashboard => format!("/monitoring?{}", qs(&f, &[])),
        },
    )
}

fn cell_text(lang: Lang, c: &monitoring::Cell) -> String {
    match c {
        monitoring::Cell::Text(t) => t.clone(),
        monitoring::Cell::Count(n) => n.to_string(),
        monitoring::Cell::Money(m) => money(lang, *m),
        monitoring::Cell::Suppressed => tr(lang, "monitoring-suppressed"),
        monitoring::Cell::Empty => String::new(),
    }
}

/// `GET /monitoring/export?report=dashboard|gaps|rows&format=csv|xlsx&area=&from=&to=[&figure=]`:
/// a report as a file, headers in the page's language.
pub async fn export(State(state): State<AppState>, v: Visitor) -> Response {
    v.finish(export_file(&state, &v).await)
}

async fn export_file(state: &AppState, v: &Visitor) -> PageResult {
    let f = read_filter(state, v).await?;
    let who = v.signed_in()?;
    let lang = v.lang;
    let q = query(v);
    let c = caller(v, who);
    let names = Names::load(state, lang).await.map_err(fail_of)?;
    let report: Report = match q.text("report").as_str() {
        "dashboard" => {
            let d = monitoring::dashboard(state, &c, &f)
                .await
                .map_err(fail_of)?;
            dashboard_report(&d, &names, &f.area)
        }
        "gaps" => {
            let g = monitoring::gaps(state, &c, &f).await.map_err(fail_of)?;
            gaps_report(&g, &names)
        }
        "rows" => {
            let figure = q.text("figure");
            let people = monitoring::rows(state, &c, &f, &figure)
                .await
                .map_err(fail_of)?;
            rows_report(&people, &names, &figure)
        }
        _ => return Err(Fail::BadRequest),
    };
    let stem = format!(
        "ibis-{}-{}-{}",
        q.text("report"),
        f.area.code().replace(':', "-"),
        f.period.from
    );
    match q.text("format").as_str() {
        "csv" => {
            let bytes = exports::csv(&report, lang).map_err(|e| Fail::Server(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.csv\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        "xlsx" => {
            let bytes = exports::xlsx(&report).map_err(|e| Fail::Server(e.to_string()))?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(Fail::BadRequest),
    }
}
