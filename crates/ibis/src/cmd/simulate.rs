//! `ibis simulate --draft DIR [--db URL | --synthetic --people N --seed S] [--on DATE]`: runs a
//! draft policy over the current population (the budget decisions in force in a database) or a
//! synthetic one, and prints the totals now and under the draft, by municipality, by level, and
//! who gains and who loses with why.

use std::path::PathBuf;
use std::time::Instant;

use ibis_core::catalogue::Catalogue;
use ibis_core::money::Money;
use ibis_core::policy::{parse_date, PolicySet};
use ibis_core::simulate::{self, Reason, Simulation, Subject, SubjectResult, Totals};

use super::{policies, Lang};

/// Arguments of `ibis simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The draft: a directory of policy and tariff files, each taking the place of the file of
    /// the same kind and id in the policies in force.
    #[arg(long, value_name = "DIR")]
    pub draft: PathBuf,
    /// Run over the budget decisions in force in this database (sqlite://PATH or
    /// postgres://...); prints aggregates only, with groups under 5 people withheld.
    #[arg(long, env = "IBIS_DB", conflicts_with = "synthetic")]
    pub db: Option<String>,
    /// Run over a synthetic population from the generator instead.
    #[arg(long)]
    pub synthetic: bool,
    /// How many synthetic people.
    #[arg(long, default_value_t = 1000, requires = "synthetic")]
    pub people: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 1, requires = "synthetic")]
    pub seed: u64,
    /// The day simulated (YYYY-MM-DD); today in Riga if left out.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
    /// Print one JSON object (every person) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text output.
    #[arg(long, value_enum, default_value = "lv")]
    pub lang: Lang,
    /// How many gainers and losers the text lists (largest change first).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Print to standard error how long the simulation took, beside a plain loop that only sums
    /// the same budget lines for the same people (a benchmark, not a test).
    #[arg(long)]
    pub timing: bool,
    /// Use the policy files in this directory instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let on = match &args.on {
        Some(s) => parse_date(s).map_err(|m| format!("--on: {m}"))?,
        None => super::riga_today(),
    };
    if args.db.is_none() && !args.synthetic {
        return Err(
            "give --db URL (the current population) or --synthetic --people N --seed S".into(),
        );
    }
    let base_files = policies::files(args.policies.as_deref())?;
    let base = policies::load(args.policies.as_deref())?;
    let draft_files =
        policies::read_dir_files(&args.draft).map_err(|e| e.replace("--policies", "--draft"))?;
    if draft_files.is_empty() {
        return Err(format!(
            "--draft: {} holds no .toml files",
            args.draft.display()
        ));
    }
    let catalogue = Catalogue::builtin().map_err(|e| e.to_string())?;
    let draft = simulate::load_draft(catalogue, base_files.clone(), draft_files)
        .map_err(|e| format!("--draft: {e}"))?;

    let reading = Instant::now();
    let (current, subjects, aggregates_only) = match &args.db {
        Some(url) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start: {e}"))?;
            runtime.block_on(from_db(url, &base, &base_files, on))?
        }
        None => {
            let spec = ibis_core::generate::GenerateSpec::new(args.seed, args.people, 1, on);
            let population =
                ibis_core::generate::generate(&spec, &base).map_err(|e| format!("--{e}"))?;
            (
                base.clone(),
                simulate::synthetic_subjects(&population),
                false,
            )
        }
    };
    let read = reading.elapsed();
    let changes = simulate::draft_changes(&base, &draft, on);
    let draft_set =
        simulate::apply_changes(&current, &changes, on).map_err(|e| format!("--on: {e}"))?;

    let started = Instant::now();
    let mut sim = simulate::simulate(&current, &draft_set, &subjects, on);
    let simulated = started.elapsed();
    if args.timing {
        let started = Instant::now();
        let (c, d) = simulate::plain_totals(&current, &draft_set, &subjects, on);
        let plain = started.elapsed();
        eprintln!(
            "simulate: {} people in {:.1} ms; plain loop over the same lines: {:.1} ms (ratio {:.1}); totals agree: {}",
            subjects.len(),
            simulated.as_secs_f64() * 1000.0,
            plain.as_secs_f64() * 1000.0,
            simulated.as_secs_f64() / plain.as_secs_f64().max(1e-9),
            c == sim.totals.current_monthly_eur && d == sim.totals.draft_monthly_eur
        );
        eprintln!(
            "population {} in {:.1} ms",
            if args.db.is_some() {
                "read from the database"
            } else {
                "generated"
            },
            read.as_secs_f64() * 1000.0
        );
    }
    if aggregates_only {
        sim = sim.aggregates_only();
    }
    let text = if args.json {
        let out = serde_json::json!({
            "changes": changes.summary(&current, on),
            "simulation": sim,
        });
        serde_json::to_string_pretty(&out).map_err(|e| e.to_string())? + "\n"
    } else {
        render(&sim, &changes.summary(&current, on), args.lang, args.top)
    };
    super::print_out(&text)
}

/// The policies in force in a database (the shipped or given set with every adoption) and its
/// population on a day, read for aggregates only.
async fn from_db(
    url: &str,
    base: &PolicySet,
    base_files: &[(String, String)],
    on: time::Date,
) -> Result<(PolicySet, Vec<Subject>, bool), String> {
    let store = ibis_store::Store::open(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut adoptions = Vec::new();
    for (a, files) in store.policy_adoptions().await.map_err(|e| e.to_string())? {
        adoptions.push(simulate::Adoption {
            from: parse_date(&a.valid_from)?,
            files,
        });
    }
    let current = simulate::in_force(base, base_files, &adoptions)?;
    let subjects = store
        .simulation_population(
            &ibis_store::Auditor::system("cli"),
            &ibis_store::simulator::PopulationScope::Aggregates,
            on,
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok((current, subjects, true))
}

fn signed(m: Money) -> String {
    if m.is_negative() || m.is_zero() {
        m.to_string()
    } else {
        format!("+{m}")
    }
}

fn reason_text(r: &Reason, lang: Lang) -> String {
    let t = |lv: &'static str, en: &'static str| if lang == Lang::Lv { lv } else { en };
    match r {
        Reason::Level {
            current,
            draft,
            score,
            current_band,
            draft_band,
        } => match (score, current_band, draft_band) {
            (Some(s), Some(cb), Some(db)) => format!(
                "{} {s}: {} {cb} ({} {current}) → {db} ({} {draft})",
                t("punkti", "score"),
                t("josla", "band"),
                t("līmenis", "level"),
                t("līmenis", "level")
            ),
            _ => format!("{} {current} → {draft}", t("līmenis", "level")),
        },
        Reason::Band {
            score,
            current_band,
            draft_band,
        } => format!(
            "{} {score}: {} {current_band} → {draft_band}",
            t("punkti", "score"),
            t("josla", "band")
        ),
        Reason::Line(l) => {
            let name = if lang == Lang::Lv {
                &l.name_lv
            } else {
                &l.name_en
            };
            let q = |q: Option<ibis_core::money::Quantity>| {
                q.map(|q| q.to_string()).unwrap_or_else(|| "0".into())
            };
            let p = |p: Option<ibis_core::money::UnitPrice>| {
                p.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
            };
            format!(
                "{name}: {} x {} → {} x {} ({})",
                q(l.current_quantity),
                p(l.current_price),
                q(l.draft_quantity),
                p(l.draft_price),
                signed(l.difference_eur)
            )
        }
        Reason::Cap {
            services,
            current,
            draft,
        } => format!(
            "{} {}: {} → {}",
            t("ierobežojums", "cap"),
            services.join("+"),
            current.as_deref().unwrap_or("-"),
            draft.as_deref().unwrap_or("-")
        ),
    }
}

/// The simulation as text.
fn render(sim: &Simulation, changes: &simulate::ChangeSummary, lang: Lang, top: usize) -> String {
    use std::fmt::Write;
    let t = |lv: &'static str, en: &'static str| if lang == Lang::Lv { lv } else { en };
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", t("Simulācija uz", "Simulation on"), sim.on);
    let _ = writeln!(out, "{}", t("Projekts maina:", "The draft changes:"));
    if changes.policies.is_empty() && changes.prices.is_empty() && changes.new_tables.is_empty() {
        let _ = writeln!(out, "  {}", t("neko", "nothing"));
    }
    for p in &changes.policies {
        let _ = writeln!(
            out,
            "  {} {}: v{} → v{}",
            t("politika", "policy"),
            p.id,
            p.current_version.as_deref().unwrap_or("-"),
            p.draft_version
        );
    }
    for p in &changes.prices {
        let _ = writeln!(
            out,
            "  {} {}{}: {} → {} EUR",
            t("cena", "price"),
            p.service,
            p.variant
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default(),
            p.current_price
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into()),
            p.draft_price
        );
    }
    let header = format!(
        "{:<34} {:>7} {:>13} {:>13} {:>11} {:>14} {:>14} {:>12} {:>6} {:>6}",
        "",
        t("cilvēki", "people"),
        t("tagad/mēn.", "now/month"),
        t("projekts/mēn.", "draft/month"),
        t("izmaiņa", "change"),
        t("tagad/gadā", "now/year"),
        t("projekts/gadā", "draft/year"),
        t("izmaiņa", "change"),
        t("iegūst", "gain"),
        t("zaudē", "lose")
    );
    let row = |out: &mut String, name: &str, tot: Option<&Totals>| {
        let name: String = name.chars().take(34).collect();
        match tot {
            Some(x) => {
                let _ = writeln!(
                    out,
                    "{name:<34} {:>7} {:>13} {:>13} {:>11} {:>14} {:>14} {:>12} {:>6} {:>6}",
                    x.people,
                    x.current_monthly_eur.to_string(),
                    x.draft_monthly_eur.to_string(),
                    signed(x.difference_monthly_eur),
                    x.current_yearly_eur.to_string(),
                    x.draft_yearly_eur.to_string(),
                    signed(x.difference_yearly_eur),
                    x.gainers,
                    x.losers
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "{name:<34} {}",
                    t(
                        "mazāk par 5 cilvēkiem: netiek rādīts",
                        "fewer than 5 people: withheld"
                    )
                );
            }
        }
    };
    let _ = writeln!(out, "\n{}", t("Kopā (EUR)", "Totals (EUR)"));
    let _ = writeln!(out, "{header}");
    row(&mut out, t("visi", "everyone"), Some(&sim.totals));
    if sim.failed > 0 {
        let _ = writeln!(
            out,
            "{} {}",
            sim.failed,
            t(
                "cilvēku budžetus nevarēja aprēķināt; tie nav kopsummās",
                "people's budgets could not be computed; left out of the totals"
            )
        );
    }
    let _ = writeln!(out, "\n{}", t("Pa pašvaldībām", "By municipality"));
    let _ = writeln!(out, "{header}");
    for m in &sim.by_municipality {
        row(&mut out, &m.municipality, m.totals.as_ref());
    }
    let _ = writeln!(out, "\n{}", t("Pa līmeņiem", "By level"));
    let _ = writeln!(out, "{header}");
    for l in &sim.by_level {
        row(
            &mut out,
            &format!("{} {}", l.group, l.level),
            l.totals.as_ref(),
        );
    }
    if sim.aggregates_only {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                "Tikai kopsummas: personas netiek rādītas.",
                "Aggregates only: no person is shown."
            )
        );
        return out;
    }
    let list = |out: &mut String, title: &str, people: Vec<&SubjectResult>| {
        let _ = writeln!(out, "\n{title} ({})", people.len());
        for p in people.iter().take(top) {
            let reasons: Vec<String> = p.reasons.iter().map(|r| reason_text(r, lang)).collect();
            let _ = writeln!(
                out,
                "  {:<10} {:<14} {:>10} → {:>10} {:>10}  {}",
                p.person,
                p.municipality,
                p.current_eur.map(|m| m.to_string()).unwrap_or_default(),
                p.draft_eur.map(|m| m.to_string()).unwrap_or_default(),
                signed(p.difference_eur),
                reasons.join("; ")
            );
        }
        if people.len() > top {
            let _ = writeln!(
                out,
                "  … {} {}",
                people.len() - top,
                t("vēl (--top N vai --json)", "more (--top N or --json)")
            );
        }
    };
    list(&mut out, t("Iegūst", "Gain"), sim.gainers());
    list(&mut out, t("Zaudē", "Lose"), sim.losers());
    out
}
