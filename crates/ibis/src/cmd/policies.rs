//! Where the allocation policies come from: the shipped set, or a directory of reviewed files.

use std::path::{Path, PathBuf};

use ibis_core::catalogue::Catalogue;
use ibis_core::policy::{PolicySet, BUILTIN_FILES};

/// The policy files `(name, text)` shipped with ibis.
pub fn builtin_files() -> Vec<(String, String)> {
    BUILTIN_FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// Every `*.toml` file under `dir`, recursively, in path order.
pub fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths).map_err(|e| format!("--policies: cannot read {}: {e}", dir.display()))?;
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read_to_string(&p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| format!("cannot read {}: {e}", p.display()))
        })
        .collect()
}

/// The policy files: the shipped ones, or those under `--policies DIR`.
pub fn files(dir: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    match dir {
        None => Ok(builtin_files()),
        Some(dir) => read_dir_files(dir),
    }
}

/// The policy set: the shipped one, or the files under `--policies DIR`.
pub fn load(dir: Option<&Path>) -> Result<PolicySet, String> {
    let files = files(dir)?;
    let catalogue = Catalogue::builtin().map_err(|e| e.to_string())?;
    PolicySet::load(catalogue, files).map_err(|e| e.to_string())
}

/// `files` with `file` put in (the rule lives in `ibis_core::simulate::with_file`).
pub fn with_file(files: Vec<(String, String)>, file: (String, String)) -> Vec<(String, String)> {
    ibis_core::simulate::with_file(files, file)
}
