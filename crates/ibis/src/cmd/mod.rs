//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<(), String>`;
//! the error string is printed as one line and the process exits non-zero.

pub mod audit;
pub mod backup;
pub mod bench;
pub mod bench_dashboards;
pub mod budget;
pub mod calendar;
pub mod generate;
pub mod policies;
pub mod policy;
pub mod serve;
pub mod simulate;

pub use calendar::Lang;

/// Today's date in Riga (Europe/Riga: UTC+2, UTC+3 in summer time).
pub fn riga_today() -> time::Date {
    ibis_core::period::riga_date(time::OffsetDateTime::now_utc())
}

/// Writes to standard output; a closed pipe (`ibis ... | head`) ends quietly instead of
/// panicking.
pub fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write output: {e}"))
        }
        _ => Ok(()),
    }
}
