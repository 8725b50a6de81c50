//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<(), String>`;
//! the error string is printed as one line and the process exits non-zero.

pub mod budget;
pub mod calendar;
pub mod policy;
