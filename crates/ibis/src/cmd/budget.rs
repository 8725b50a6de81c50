//! `ibis budget`: computes and prints an explained budget from an assessment outcome.

use std::path::PathBuf;

use ibis_core::budget::{ExplainedBudget, LevelBasis};
use ibis_core::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome};
use ibis_core::policy::{parse_date, CapSpan};

use super::{policies, Lang};

/// Arguments of `ibis budget`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scheme: adult-grt, support-person or child-ft.
    #[arg(long)]
    pub group: String,
    /// The level: care level I-IV (adult-grt) or support level 1-3 (support-person). For
    /// child-ft the level follows from the four ratings.
    #[arg(long)]
    pub level: Option<String>,
    /// Living situation: family, social-home, group-flat or institution.
    #[arg(long)]
    pub living: Option<String>,
    /// child-ft: physical development rating, 0-4.
    #[arg(long, value_name = "0-4")]
    pub physical: Option<u8>,
    /// child-ft: intellectual development rating, 0-4.
    #[arg(long, value_name = "0-4")]
    pub intellectual: Option<u8>,
    /// child-ft: social skills rating, 0-4.
    #[arg(long, value_name = "0-4")]
    pub social: Option<u8>,
    /// child-ft: behaviour rating, 0-4.
    #[arg(long, value_name = "0-4")]
    pub behaviour: Option<u8>,
    /// The day whose policy and prices apply (YYYY-MM-DD); today in Riga if left out.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text output.
    #[arg(long, value_enum, default_value = "lv")]
    pub lang: Lang,
    /// Use the policy files in this directory instead of the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

/// Builds the outcome from the flags, naming the flag that is wrong.
fn outcome(args: &Args) -> Result<Outcome, String> {
    let group: BudgetGroup = args.group.parse().map_err(|e| format!("--{e}"))?;
    let living = args
        .living
        .as_deref()
        .map(str::parse::<LivingSituation>)
        .transpose()
        .map_err(|e| format!("--{e}"))?;
    let given = [
        args.physical,
        args.intellectual,
        args.social,
        args.behaviour,
    ];
    let ratings = match (group, given) {
        (BudgetGroup::ChildFt, [Some(p), Some(i), Some(s), Some(b)]) => {
            Some(DomainRatings::new(p, i, s, b).map_err(|e| format!("--{e}"))?)
        }
        (BudgetGroup::ChildFt, _) if args.level.is_none() => {
            let missing: Vec<&str> = ["--physical", "--intellectual", "--social", "--behaviour"]
                .into_iter()
                .zip(given)
                .filter(|(_, v)| v.is_none())
                .map(|(f, _)| f)
                .collect();
            return Err(format!(
                "{}: required for child-ft (each a rating 0-4), or give --level 1-4",
                missing.join(", ")
            ));
        }
        (BudgetGroup::ChildFt, _) => None,
        (_, g) if g.iter().any(Option::is_some) => {
            return Err(format!(
                "--physical, --intellectual, --social, --behaviour: only for --group child-ft, not {group}"
            ))
        }
        _ => None,
    };
    Ok(Outcome {
        group,
        level: args.level.clone(),
        living,
        ratings,
    })
}

/// Runs the subcommand.
pub fn run(args: Args) -> Result<(), String> {
    let outcome = outcome(&args)?;
    let on = match &args.on {
        Some(s) => parse_date(s).map_err(|m| format!("--on: {m}"))?,
        None => super::riga_today(),
    };
    let set = policies::load(args.policies.as_deref())?;
    let budget = set.compute(&outcome, on).map_err(|e| e.to_string())?;
    let text = if args.json {
        serde_json::to_string_pretty(&budget).map_err(|e| e.to_string())? + "\n"
    } else {
        render(&budget, args.lang)
    };
    super::print_out(&text)
}

/// The explained budget as text for a person to read.
pub fn render(b: &ExplainedBudget, lang: Lang) -> String {
    use std::fmt::Write;
    let t = |lv: &'static str, en: &'static str| if lang == Lang::Lv { lv } else { en };
    let mut out = String::new();
    let title = if lang == Lang::Lv {
        &b.policy.title_lv
    } else {
        &b.policy.title_en
    };
    let _ = writeln!(
        out,
        "{} {} EUR {}",
        t("Budžets:", "Budget:"),
        b.total_eur,
        t("mēnesī", "a month")
    );
    let _ = writeln!(
        out,
        "{} {} v{} — {} ({} {})",
        t("Politika:", "Policy:"),
        b.policy.id,
        b.policy.version,
        title,
        t("spēkā no", "in force from"),
        b.policy.valid_from
    );
    if b.policy.illustrative {
        let _ = writeln!(
            out,
            "{}",
            t(
                "UZMANĪBU: ilustratīva politika, nevis apstiprināta metodika.",
                "NOTE: an illustrative policy, not an adopted methodology."
            )
        );
    }
    let _ = writeln!(
        out,
        "{} {} v{}, {} {}",
        t("Tarifi:", "Tariffs:"),
        b.tariff.id,
        b.tariff.version,
        t("cenas uz", "prices on"),
        b.on
    );
    let group = if lang == Lang::Lv {
        b.group.name_lv()
    } else {
        b.group.name_en()
    };
    let _ = write!(
        out,
        "{} {group}; {} {}",
        t("Grupa:", "Group:"),
        t("līmenis", "level"),
        b.level
    );
    if let Some(l) = b.living {
        let _ = write!(
            out,
            "; {}",
            if lang == Lang::Lv {
                l.name_lv()
            } else {
                l.name_en()
            }
        );
    }
    let _ = writeln!(out);
    if let LevelBasis::Score {
        ratings,
        score,
        band_min,
        band_max,
        level,
    } = &b.level_basis
    {
        let _ = writeln!(
            out,
            "{} {}+{}+{}+{} = {score} ({} {band_min}-{band_max} → {level})",
            t(
                "Novērtējums (fiziskā, intelektuālā, sociālā, uzvedība):",
                "Assessment (physical, intellectual, social, behaviour):"
            ),
            ratings.physical,
            ratings.intellectual,
            ratings.social,
            ratings.behaviour,
            t("josla", "band"),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<44} {:>8} {:<14} {:>9} {:>9}",
        t("Pakalpojums", "Service"),
        t("Daudzums", "Quantity"),
        t("Vienība", "Unit"),
        t("Cena", "Price"),
        t("Summa", "Amount")
    );
    for l in &b.lines {
        let mut name = if lang == Lang::Lv {
            l.name_lv.clone()
        } else {
            l.name_en.clone()
        };
        if name.chars().count() > 44 {
            name = name.chars().take(43).collect::<String>() + "…";
        }
        let unit = if lang == Lang::Lv {
            l.unit.name_lv()
        } else {
            l.unit.name_en()
        };
        let _ = writeln!(
            out,
            "{name:<44} {:>8} {unit:<14} {:>9} {:>9}",
            l.quantity.to_string(),
            l.unit_price_eur.to_string(),
            l.amount_eur.to_string()
        );
        if let Some(pct) = l.price_basis.employer_contribution_percent {
            let _ = writeln!(
                out,
                "    {} {} EUR + {pct} % {} = {} EUR",
                t("cena:", "price:"),
                l.price_basis.base_eur,
                t("darba devēja VSAOI", "employer's social insurance"),
                l.unit_price_eur
            );
        }
    }
    let _ = writeln!(
        out,
        "{:<44} {:>43}",
        t("Kopā mēnesī", "Total a month"),
        b.total_eur.to_string()
    );
    for c in &b.caps {
        let per = match (c.per, lang) {
            (CapSpan::Month, Lang::Lv) => "mēnesī",
            (CapSpan::Year, Lang::Lv) => "gadā",
            (CapSpan::Month, Lang::En) => "a month",
            (CapSpan::Year, Lang::En) => "a year",
        };
        let _ = writeln!(
            out,
            "{} {}: {} {} {per} ({})",
            t("Ierobežojums", "Cap"),
            c.services.join(", "),
            t("ne vairāk kā", "at most"),
            c.max,
            c.source
        );
    }
    if let Some(share) = b.grant_halve_below_share {
        let _ = writeln!(
            out,
            "{} {}",
            t(
                "Mēneša finansējumu samazina uz pusi, ja pakalpojumi sniegti mazāk nekā",
                "The month's grant is halved when services ran on fewer than"
            ),
            format_args!(
                "{}% {}",
                (share * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
                t("no mēneša darba dienām.", "of the month's working days.")
            )
        );
    }
    out
}
