//! `ibis bench load`: the load generator, run by `ibis bench` as a second process on loopback.
//! Open loop: claim `i` is sent at `start + i / rate` whether or not earlier answers have come,
//! and its latency runs from that planned moment to the full answer, so a slow server cannot
//! hide its queue (no coordinated omission). Prints one JSON object on standard output.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Arguments of `ibis bench load`.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// The server, `http://127.0.0.1:PORT`.
    #[arg(long)]
    pub url: String,
    /// A JSON file with the array of claim bodies to send, in order.
    #[arg(long)]
    pub claims: PathBuf,
    /// Claims per second offered.
    #[arg(long)]
    pub rate: f64,
    /// The bearer token (from the environment, so it is not in the process list).
    #[arg(long, env = "IBIS_BENCH_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// The percentile `p` (0-1] of sorted values (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Runs the load generator.
pub fn run(args: LoadArgs) -> Result<(), String> {
    if args.rate.is_nan() || args.rate <= 0.0 {
        return Err("--rate: must be more than 0 claims per second".into());
    }
    let text = std::fs::read_to_string(&args.claims)
        .map_err(|e| format!("--claims: cannot read {}: {e}", args.claims.display()))?;
    let bodies: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        format!(
            "--claims: {} is not a JSON array: {e}",
            args.claims.display()
        )
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    let out = runtime.block_on(generate(args, bodies))?;
    super::super::print_out(&format!("{out}\n"))
}

async fn generate(
    args: LoadArgs,
    bodies: Vec<serde_json::Value>,
) -> Result<serde_json::Value, String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/api/v1/claims", args.url);
    let n = bodies.len();
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(n);
    for (i, body) in bodies.into_iter().enumerate() {
        let due = start + Duration::from_secs_f64(i as f64 / args.rate);
        tokio::time::sleep_until(due).await;
        let (client, url, token) = (client.clone(), url.clone(), args.token.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(&url)
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await;
            let status = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    // The answer counts once its whole body is read.
                    let _ = r.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            (status, due.into_std().elapsed())
        }));
    }
    let sent_in = Instant::now() - start.into_std();
    let mut latencies = Vec::with_capacity(n);
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for t in tasks {
        let (status, latency) = t.await.map_err(|e| e.to_string())?;
        *statuses
            .entry(if status == 0 {
                "no-answer".to_owned()
            } else {
                status.to_string()
            })
            .or_default() += 1;
        latencies.push(latency);
    }
    let all_in = Instant::now() - start.into_std();
    latencies.sort();
    Ok(serde_json::json!({
        "offered_per_s": args.rate,
        "sent": n,
        "seconds_sending": sent_in.as_secs_f64(),
        "achieved_per_s": n as f64 / all_in.as_secs_f64(),
        "statuses": statuses,
        "p50_ms": ms(percentile(&latencies, 0.50)),
        "p95_ms": ms(percentile(&latencies, 0.95)),
        "p99_ms": ms(percentile(&latencies, 0.99)),
        "max_ms": ms(latencies.last().copied().unwrap_or_default()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&v, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&v[..1], 0.95), Duration::from_millis(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
