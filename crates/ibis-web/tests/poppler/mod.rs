//! Checks of PDF files with Debian's poppler-utils (`pdfinfo`, `pdftoppm`): the file parses,
//! its pages are A4, and a page rendered to an image. When the tools are missing the check is
//! skipped with a notice, unless `CI` is set, where it fails (`.ci/run` installs them).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether poppler-utils are here; `None` (with a printed notice) when the check is skipped.
pub fn available(test: &str) -> Option<()> {
    let ok = Command::new("pdftoppm").arg("-v").output().is_ok()
        && Command::new("pdfinfo").arg("-v").output().is_ok();
    if ok {
        return Some(());
    }
    let ci = std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false")
        .unwrap_or(false);
    assert!(
        !ci,
        "{test}: pdftoppm/pdfinfo are missing; install them with `apt-get install -y poppler-utils`"
    );
    eprintln!("NOTICE: {test} skipped: poppler-utils (pdftoppm, pdfinfo) are not installed");
    None
}

/// A fresh directory for a test's files (under the target directory).
pub fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pdf-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `pdfinfo` on a file: fails the test when poppler cannot parse it or prints errors; returns
/// its report.
pub fn info(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pdfinfo failed: {err}");
    assert!(err.trim().is_empty(), "pdfinfo complained: {err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The page size line of `pdfinfo` says A4 (595 x 842 pt).
pub fn assert_a4(pdf: &Path) {
    let i = info(pdf);
    let size = i
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_default()
        .to_owned();
    assert!(size.contains("595 x 842 pts"), "{size}");
}

/// A page rendered in grey: width, height and one byte per pixel (0 black, 255 white).
pub struct Grey {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Pixels, row by row.
    pub pixels: Vec<u8>,
}

impl Grey {
    /// Whether the pixel is ink.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        self.pixels[y * self.width + x] < 128
    }

    /// How many pixels are ink.
    pub fn ink(&self) -> usize {
        self.pixels.iter().filter(|p| **p < 128).count()
    }
}

/// Renders page 1 of a PDF at a resolution with `pdftoppm -gray` and reads the PGM.
pub fn render(pdf: &Path, dpi: u32) -> Grey {
    let stem = pdf.with_extension("");
    let out = Command::new("pdftoppm")
        .args(["-gray", "-f", "1", "-l", "1", "-singlefile", "-r"])
        .arg(dpi.to_string())
        .arg(pdf)
        .arg(&stem)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(stem.with_extension("pgm")).unwrap();
    parse_pgm(&bytes)
}

fn parse_pgm(b: &[u8]) -> Grey {
    // P5 <ws> width <ws> height <ws> maxval <single ws> data
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&b[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "a binary grey map");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    let pixels = b[i + 1..i + 1 + width * height].to_vec();
    Grey {
        width,
        height,
        pixels,
    }
}
