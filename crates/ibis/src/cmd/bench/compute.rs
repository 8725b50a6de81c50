//! Budget computation: explained budgets per second (`PolicySet::compute`) for a generated
//! population, side by side with a loop that only sums the same budgets' lines.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ibis_core::money::Money;
use ibis_core::outcome::Outcome;
use ibis_core::policy::PolicySet;

/// The assessment outcomes of a generated population of `people` (`ibis_core::generate`,
/// seed 8, the documents' proportions, 12 months before `on`): every budget of every person,
/// with the day its budget is computed for (the first day of its period).
pub fn outcomes(
    policies: &PolicySet,
    people: usize,
    on: time::Date,
) -> Result<Vec<(Outcome, time::Date)>, String> {
    let people = u32::try_from(people).map_err(|_| "--compute-people: too many".to_owned())?;
    let spec = ibis_core::generate::GenerateSpec::new(8, people, 12, on);
    let population = ibis_core::generate::generate(&spec, policies)
        .map_err(|e| format!("--compute-people: {e}"))?;
    Ok(population
        .persons
        .iter()
        .flat_map(|p| p.budgets.iter().map(|b| (b.outcome.clone(), b.period.from)))
        .collect())
}

/// The figures for one population size.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComputeFigures {
    /// People in the population.
    pub people: usize,
    /// Their budgets (some adults have two).
    pub budgets: usize,
    /// Explained budgets computed per second.
    pub budgets_per_s: f64,
    /// Budgets whose lines the baseline loop summed per second.
    pub sum_per_s: f64,
    /// `budgets_per_s / sum_per_s`.
    pub ratio: f64,
    /// Outcomes a policy refused (none for a generated population).
    pub refused: usize,
    /// Budget lines per budget, on average.
    pub lines_per_budget: f64,
}

/// Computes every outcome's budget on its day, and sums the same lines, in `rounds`
/// alternating rounds. `people` is the size of the population the outcomes are of.
pub fn measure(
    policies: &PolicySet,
    people: usize,
    population: &[(Outcome, time::Date)],
    rounds: usize,
) -> ComputeFigures {
    // The lines of every budget, for the baseline (not timed).
    let mut refused = 0;
    let lines: Vec<Vec<Money>> = population
        .iter()
        .filter_map(|(o, on)| match policies.compute(o, *on) {
            Ok(b) => Some(b.lines.iter().map(|l| l.amount_eur).collect()),
            Err(_) => {
                refused += 1;
                None
            }
        })
        .collect();
    let (mut t_compute, mut t_sum) = (Duration::ZERO, Duration::ZERO);
    let (mut n_compute, mut n_sum) = (0usize, 0usize);
    for round in 0..rounds.max(1) {
        // Each budget is computed and dropped at once, as a page or an API answer would use
        // it, so the figure does not depend on how many budgets are held in memory.
        let t = Instant::now();
        for (o, on) in population {
            let _ = black_box(policies.compute(black_box(o), *on));
        }
        t_compute += t.elapsed();
        n_compute += population.len();
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
        people,
        budgets: population.len(),
        budgets_per_s,
        sum_per_s,
        ratio: budgets_per_s / sum_per_s,
        refused,
        lines_per_budget: lines.iter().map(Vec::len).sum::<usize>() as f64
            / lines.len().max(1) as f64,
    }
}
