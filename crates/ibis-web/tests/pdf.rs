//! The printed documents' PDF writer: A4 pages that poppler parses, and Latvian letters that
//! print as letters. Each Latvian letter is drawn in its own cell next to a sheet with the
//! same cells holding its base letter (`ā` / `a`, `ī` / dotless `ı`, ...): rendered with
//! `pdftoppm`, the accented cell must contain the base letter's ink and have more ink outside
//! the base letter's rows (the diacritic). A missing glyph (an empty box, a `?`, nothing)
//! fails this.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod poppler;

use ibis_web::pdf::{glyph_sheet, render, Block, Document};

const LATVIAN: &str = "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ";
const BASE: &str = "acegıklnsuzACEGIKLNSUZ";

#[test]
fn latvian_letters_print_with_their_diacritics() {
    let Some(()) = poppler::available("latvian_letters_print_with_their_diacritics") else {
        return;
    };
    assert_eq!(LATVIAN.chars().count(), BASE.chars().count());
    let dir = poppler::dir("glyphs");
    let dpi = 144;
    let scale = dpi as f32 / 72.0;
    let mut sheets = Vec::new();
    for (name, text) in [("latvian", LATVIAN), ("base", BASE)] {
        // Eleven cells fit a line; two sheets per alphabet half.
        let chars: Vec<char> = text.chars().collect();
        for (k, part) in chars.chunks(11).enumerate() {
            let s: String = part.iter().collect();
            let path = dir.join(format!("{name}-{k}.pdf"));
            std::fs::write(&path, glyph_sheet(&s).unwrap()).unwrap();
            poppler::assert_a4(&path);
            sheets.push(((name, k), poppler::render(&path, dpi)));
        }
    }
    let sheet = |name: &str, k: usize| &sheets.iter().find(|(n, _)| *n == (name, k)).unwrap().1;
    let mut checked = 0;
    for (i, (lv, base)) in LATVIAN.chars().zip(BASE.chars()).enumerate() {
        let (k, cell) = (i / 11, i % 11);
        let (a, b) = (sheet("latvian", k), sheet("base", k));
        // The cell: x from 60 + 40 cell pt, 36 pt wide; y from 40 pt above the baseline at
        // 700 pt to 14 pt below it.
        let x0 = ((60.0 + 40.0 * cell as f32) * scale) as usize;
        let x1 = x0 + (36.0 * scale) as usize;
        let y0 = ((842.0 - 740.0) * scale) as usize;
        let y1 = ((842.0 - 686.0) * scale) as usize;
        let mut base_ink = 0;
        let mut kept = 0;
        let (mut top, mut bottom) = (usize::MAX, 0);
        for y in y0..y1 {
            for x in x0..x1 {
                if b.dark(x, y) {
                    base_ink += 1;
                    top = top.min(y);
                    bottom = bottom.max(y);
                    if a.dark(x, y) {
                        kept += 1;
                    }
                }
            }
        }
        assert!(base_ink > 20, "{base}: the base letter printed");
        let mut outside = 0;
        for y in (y0..y1).filter(|y| *y + 1 < top || *y > bottom + 1) {
            for x in x0..x1 {
                if a.dark(x, y) {
                    outside += 1;
                }
            }
        }
        assert!(
            kept * 10 >= base_ink * 9,
            "{lv}: holds the shape of {base} ({kept} of {base_ink} pixels)"
        );
        assert!(
            outside >= 6,
            "{lv}: has a diacritic outside the rows of {base} ({outside} pixels)"
        );
        checked += 1;
    }
    assert_eq!(checked, 22);
}

#[test]
fn a_document_prints_on_a4_and_is_not_blank() {
    let Some(()) = poppler::available("a_document_prints_on_a4_and_is_not_blank") else {
        return;
    };
    let doc = Document {
        title: "Atbalsta plāns – Ģirts Ķļaviņš".into(),
        lang: "lv".into(),
        blocks: vec![
            Block::Field {
                label: "Persona".into(),
                value: "Ģirts Ķļaviņš".into(),
            },
            Block::Heading {
                text: "Mērķi".into(),
            },
            Block::Bullet {
                text: "Iemācīties braukt ar autobusu uz darbnīcu".into(),
            },
            Block::Signatures {
                signers: vec!["Persona vai likumiskais pārstāvis".into()],
                date_label: "Datums".into(),
                sign_label: "Paraksts".into(),
            },
        ],
        footer: "ibis".into(),
        page_of: "Lapa {n} no {total}".into(),
    };
    let dir = poppler::dir("doc");
    let path = dir.join("plan.pdf");
    std::fs::write(&path, render(&doc).unwrap()).unwrap();
    poppler::assert_a4(&path);
    let info = poppler::info(&path);
    assert!(info.contains("Pages:           1"), "{info}");
    let page = poppler::render(&path, 72);
    assert_eq!((page.width, page.height), (595, 842));
    assert!(
        page.ink() > 500,
        "the page has text on it ({} dark pixels)",
        page.ink()
    );
    // The text can be copied out as it was written (the ToUnicode map).
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Ģirts Ķļaviņš"), "{text}");
    assert!(text.contains("Iemācīties braukt"), "{text}");
}
