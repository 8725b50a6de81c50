//! Budget computation: explained budgets per second (`PolicySet::compute`) for a generated
//! population, side by side with a loop that only sums the same budgets' lines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ibis_core::money::Money;
use ibis_core::outcome::{BudgetGroup, DomainRatings, LivingSituation, Outcome};
use ibis_core::policy::PolicySet;

/// A deterministic population of `n` assessment outcomes over every scheme, level, living
/// situation and rating.
pub fn outcomes(n: usize) -> Vec<Outcome> {
    let living = LivingSituation::ALL;
    (0..n)
        .map(|i| match i % 3 {
            0 => Outcome {
                group: BudgetGroup::AdultGrt,
                level: Some(["I", "II", "III", "IV"][(i / 3) % 4].into()),
                living: Some(living[(i / 12) % living.len()]),
                ratings: None,
            },
            1 => Outcome {
                group: BudgetGroup::SupportPerson,
                level: Some(["1", "2", "3"][(i / 3) % 3].into()),
                living: None,
                ratings: None,
            },
            _ => {
                let r = |k: usize| ((i / 3 + k * 7) % 5) as u8;
                Outcome {
                    group: BudgetGroup::ChildFt,
                    level: None,
                    living: None,
                    ratings: DomainRatings::new(r(0), r(1), r(2), r(3)).ok(),
                }
            }
        })
        .collect()
}

/// The figures for one population size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComputeFigures {
    /// People in the population.
    pub people: usize,
    /// Explained budgets computed per second.
    pub budgets_per_s: f64,
    /// Budgets whose lines the baseline loop summed per second.
    pub sum_per_s: f64,
    /// `budgets_per_s / sum_per_s`.
    pub ratio: f64,
    /// Budgets computed (outcomes a policy refused are counted apart).
    pub computed: usize,
    /// Outcomes no policy took.
    pub refused: usize,
    /// Budget lines per budget, on average.
    pub lines_per_budget: f64,
}

/// Computes every outcome's budget on `on`, and sums the same lines, in `rounds` alternating
/// rounds.
pub fn measure(
    policies: &PolicySet,
    population: &[Outcome],
    on: time::Date,
    rounds: usize,
) -> ComputeFigures {
    let mut lines: Vec<Vec<Money>> = Vec::new();
    let mut refused = 0;
    let (mut t_compute, mut t_sum) = (Duration::ZERO, Duration::ZERO);
    let (mut n_compute, mut n_sum) = (0usize, 0usize);
    for round in 0..rounds.max(1) {
        let t = Instant::now();
        let mut these = Vec::with_capacity(population.len());
        for o in population {
            match policies.compute(black_box(o), on) {
                Ok(b) => these.push(b),
                Err(_) => {
                    if round == 0 {
                        refused += 1;
                    }
                }
            }
        }
        t_compute += t.elapsed();
        n_compute += population.len();
        if round == 0 {
            lines = these
                .iter()
                .map(|b| b.lines.iter().map(|l| l.amount_eur).collect())
                .collect();
        }
        drop(black_box(these));
        // The baseline: sum the same lines, repeated until it has run as long as one round of
        // computing or 1,000 times, whichever comes first.
        let t = Instant::now();
        let mut reps = 0;
        while reps == 0 || (t.elapsed() < t_compute / (round as u32 + 1) && reps < 1000) {
            for b in &lines {
                let mut total = Money::ZERO;
                for m in black_box(b) {
                    total += *m;
                }
                black_box(total);
            }
            reps += 1;
        }
        t_sum += t.elapsed();
        n_sum += reps * lines.len();
    }
    let budgets_per_s = n_compute as f64 / t_compute.as_secs_f64().max(1e-9);
    let sum_per_s = n_sum as f64 / t_sum.as_secs_f64().max(1e-9);
    ComputeFigures {
        people: population.len(),
        budgets_per_s,
        sum_per_s,
        ratio: budgets_per_s / sum_per_s,
        computed: lines.len(),
        refused,
        lines_per_budget: lines.iter().map(Vec::len).sum::<usize>() as f64
            / lines.len().max(1) as f64,
    }
}
