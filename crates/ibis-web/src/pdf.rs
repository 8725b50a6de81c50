//! Printed documents: a [`Document`] (title, headings, paragraphs, label–value fields, tables,
//! signature lines) laid out on A4 pages (595 x 842 pt) and written as a PDF with the DejaVu
//! Sans font embedded (subset to the glyphs used), so Latvian letters (ā č ē ģ ī ķ ļ ņ š ū ž)
//! print as they are. The same [`Document`] is shown as a print-friendly page (see
//! `templates/document.html`), so the page and the PDF say the same thing.
//!
//! The font files and their licence are in `crates/ibis-web/fonts/`.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use serde::Serialize;

/// DejaVu Sans (regular), embedded in the binary.
const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, embedded in the binary.
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 width in points.
pub const A4_WIDTH: f32 = 595.0;
/// A4 height in points.
pub const A4_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.35;

/// One block of a printed document, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// A section heading.
    Heading {
        /// Its text.
        text: String,
    },
    /// A paragraph of running text.
    Para {
        /// Its text.
        text: String,
    },
    /// A label and its value (`Persona: Anna Bērziņa`).
    Field {
        /// The label.
        label: String,
        /// The value.
        value: String,
    },
    /// A list item.
    Bullet {
        /// Its text.
        text: String,
    },
    /// A table with a caption and a header row; `right` marks columns of amounts.
    Table {
        /// The caption.
        caption: String,
        /// Column headers.
        head: Vec<String>,
        /// Rows of cells, as many as headers.
        rows: Vec<Vec<String>>,
        /// Each column's share of the width (summing to about 1).
        widths: Vec<f32>,
        /// Columns aligned right (amounts).
        right: Vec<bool>,
    },
    /// Lines to sign on: one per signer, each with its label and a date line.
    Signatures {
        /// Who signs, one label per line.
        signers: Vec<String>,
        /// The label under the date line.
        date_label: String,
        /// The label under the signature line.
        sign_label: String,
    },
}

/// A printed document: its title, language and blocks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title, printed at the top and stored in the PDF's metadata.
    pub title: String,
    /// The language code (`lv`, `en`), stored in the PDF's catalogue.
    pub lang: String,
    /// The blocks.
    pub blocks: Vec<Block>,
    /// A line printed at the foot of every page (with the page number).
    pub footer: String,
    /// The words around the page number: `Lapa {n} no {total}`, with `{n}` and `{total}`.
    pub page_of: String,
}

/// One of the two fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Weight {
    Regular,
    Bold,
}

struct Font {
    face: ttf_parser::Face<'static>,
    data: &'static [u8],
    units: f32,
}

impl Font {
    fn load(data: &'static [u8]) -> Option<Font> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let units = f32::from(face.units_per_em());
        Some(Font { face, data, units })
    }

    /// The glyph of a character: the font's own, or `?` when the font has none.
    fn glyph(&self, c: char) -> u16 {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map(|g| g.0)
            .unwrap_or(0)
    }

    fn advance(&self, gid: u16) -> f32 {
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        ) / self.units
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
    }
}

/// Whether the embedded font has a glyph of its own for every character of a text (spaces
/// and line breaks count as present).
pub fn font_covers(text: &str) -> bool {
    let Some(f) = Font::load(REGULAR) else {
        return false;
    };
    text.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| f.face.glyph_index(c).is_some())
}

/// Text drawn at a point: the glyph ids of the original font.
struct Run {
    weight: Weight,
    size: f32,
    x: f32,
    y: f32,
    glyphs: Vec<(u16, char)>,
}

/// A page being laid out: text runs and lines (x1, y1, x2, y2, width).
#[derive(Default)]
struct PageOps {
    runs: Vec<Run>,
    lines: Vec<(f32, f32, f32, f32, f32)>,
}

struct Layout {
    regular: Font,
    bold: Font,
    pages: Vec<PageOps>,
    y: f32,
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The embedded font could not be read.
    #[error("the embedded font cannot be read")]
    Font,
    /// The font could not be subset.
    #[error("the font cannot be subset: {0}")]
    Subset(String),
}

impl Layout {
    fn font(&self, w: Weight) -> &Font {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(PageOps::default());
        self.y = A4_HEIGHT - MARGIN;
    }

    /// Makes room for `h` points, starting a new page when the page is full.
    fn room(&mut self, h: f32) {
        if self.y - h < MARGIN + 20.0 {
            self.new_page();
        }
    }

    fn page(&mut self) -> &mut PageOps {
        if self.pages.is_empty() {
            self.new_page();
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn text_at(&mut self, w: Weight, size: f32, x: f32, y: f32, text: &str) {
        let f = self.font(w);
        let glyphs: Vec<(u16, char)> = text.chars().map(|c| (f.glyph(c), c)).collect();
        self.page().runs.push(Run {
            weight: w,
            size,
            x,
            y,
            glyphs,
        });
    }

    /// Breaks text into lines no wider than `width` (words, then characters of long words).
    fn wrap(&self, w: Weight, size: f32, text: &str, width: f32) -> Vec<String> {
        let f = self.font(w);
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if f.width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // A word wider than the line is broken by characters.
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if f.width(&next, size) > width && !line.is_empty() {
                        out.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            out.push(line);
        }
        out
    }

    /// Writes wrapped text from `x`, `width` wide, moving down.
    fn flow(&mut self, w: Weight, size: f32, x: f32, width: f32, text: &str) {
        let lh = size * LEADING;
        for line in self.wrap(w, size, text, width) {
            self.room(lh);
            self.y -= lh;
            self.text_at(w, size, x, self.y + size * 0.25, &line);
        }
    }

    fn block(&mut self, b: &Block) {
        let width = A4_WIDTH - 2.0 * MARGIN;
        match b {
            Block::Heading { text } => {
                self.room(BODY * 4.0);
                self.y -= BODY * 0.8;
                self.flow(Weight::Bold, 12.0, MARGIN, width, text);
                self.y -= BODY * 0.3;
            }
            Block::Para { text } => {
                self.flow(Weight::Regular, BODY, MARGIN, width, text);
                self.y -= BODY * 0.4;
            }
            Block::Bullet { text } => {
                let lh = BODY * LEADING;
                self.room(lh);
                let top = self.y;
                self.text_at(Weight::Regular, BODY, MARGIN, top - lh + BODY * 0.25, "•");
                self.flow(Weight::Regular, BODY, MARGIN + 12.0, width - 12.0, text);
            }
            Block::Field { label, value } => {
                let label_w = width * 0.38;
                let ll = self.wrap(Weight::Bold, BODY, label, label_w - 8.0);
                let vl = self.wrap(Weight::Regular, BODY, value, width - label_w);
                let lh = BODY * LEADING;
                let n = ll.len().max(vl.len());
                self.room(lh * n as f32);
                let top = self.y;
                for (i, l) in ll.iter().enumerate() {
                    let y = top - lh * (i as f32 + 1.0) + BODY * 0.25;
                    self.text_at(Weight::Bold, BODY, MARGIN, y, l);
                }
                for (i, l) in vl.iter().enumerate() {
                    let y = top - lh * (i as f32 + 1.0) + BODY * 0.25;
                    self.text_at(Weight::Regular, BODY, MARGIN + label_w, y, l);
                }
                self.y = top - lh * n as f32 - 2.0;
            }
            Block::Table {
                caption,
                head,
                rows,
                widths,
                right,
            } => {
                self.room(BODY * 6.0);
                self.y -= BODY * 0.5;
                self.flow(Weight::Bold, BODY, MARGIN, width, caption);
                self.y -= 2.0;
                self.row(head, widths, right, Weight::Bold);
                for r in rows {
                    self.row(r, widths, right, Weight::Regular);
                }
                self.y -= BODY * 0.6;
            }
            Block::Signatures {
                signers,
                date_label,
                sign_label,
            } => {
                for s in signers {
                    let need = BODY * 7.0;
                    self.room(need);
                    self.y -= BODY * 1.5;
                    self.flow(Weight::Bold, BODY, MARGIN, width, s);
                    self.y -= BODY * 2.6;
                    let y = self.y;
                    let sign_w = width * 0.6;
                    self.page().lines.push((MARGIN, y, MARGIN + sign_w, y, 0.7));
                    self.page()
                        .lines
                        .push((MARGIN + sign_w + 24.0, y, MARGIN + width, y, 0.7));
                    self.text_at(Weight::Regular, 8.0, MARGIN, y - 10.0, sign_label);
                    self.text_at(
                        Weight::Regular,
                        8.0,
                        MARGIN + sign_w + 24.0,
                        y - 10.0,
                        date_label,
                    );
                    self.y -= 14.0;
                }
            }
        }
    }

    fn row(&mut self, cells: &[String], widths: &[f32], right: &[bool], w: Weight) {
        let width = A4_WIDTH - 2.0 * MARGIN;
        let lh = BODY * LEADING;
        let cols: Vec<(f32, f32)> = {
            let mut x = MARGIN;
            widths
                .iter()
                .map(|share| {
                    let cw = share * width;
                    let c = (x, cw);
                    x += cw;
                    c
                })
                .collect()
        };
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(&cols)
            .map(|(c, (_, cw))| self.wrap(w, BODY, c, cw - 6.0))
            .collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lh * n as f32 + 4.0;
        self.room(h);
        let top = self.y;
        for (i, lines) in wrapped.iter().enumerate() {
            let (x, cw) = cols[i];
            let align_right = right.get(i).copied().unwrap_or(false);
            for (k, l) in lines.iter().enumerate() {
                let y = top - 2.0 - lh * (k as f32 + 1.0) + BODY * 0.25;
                let tx = if align_right {
                    x + cw - 3.0 - self.font(w).width(l, BODY)
                } else {
                    x
                };
                self.text_at(w, BODY, tx, y, l);
            }
        }
        self.y = top - h;
        let y = self.y;
        let gray = if w == Weight::Bold { 0.8 } else { 0.3 };
        self.page().lines.push((MARGIN, y, MARGIN + width, y, gray));
    }
}

/// The glyphs a font uses in the whole document, remapped to the subset's ids.
struct Subset {
    remapper: subsetter::GlyphRemapper,
    chars: BTreeMap<u16, char>,
}

/// Lays a document out on A4 pages and writes it as a PDF.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let regular = Font::load(REGULAR).ok_or(PdfError::Font)?;
    let bold = Font::load(BOLD).ok_or(PdfError::Font)?;
    let mut l = Layout {
        regular,
        bold,
        pages: Vec::new(),
        y: 0.0,
    };
    l.new_page();
    l.flow(
        Weight::Bold,
        16.0,
        MARGIN,
        A4_WIDTH - 2.0 * MARGIN,
        &doc.title,
    );
    l.y -= BODY;
    for b in &doc.blocks {
        l.block(b);
    }
    // Footers, now that the number of pages is known.
    let total = l.pages.len();
    for n in 0..total {
        let page_no = doc
            .page_of
            .replace("{n}", &(n + 1).to_string())
            .replace("{total}", &total.to_string());
        let f = l.font(Weight::Regular);
        let glyph_run = |text: &str, x: f32| Run {
            weight: Weight::Regular,
            size: 8.0,
            x,
            y: MARGIN - 24.0,
            glyphs: text.chars().map(|c| (f.glyph(c), c)).collect(),
        };
        let right_x = A4_WIDTH - MARGIN - f.width(&page_no, 8.0);
        let footer = glyph_run(&doc.footer, MARGIN);
        let number = glyph_run(&page_no, right_x);
        l.pages[n].runs.push(footer);
        l.pages[n].runs.push(number);
    }
    write(&l, doc)
}

fn write(l: &Layout, doc: &Document) -> Result<Vec<u8>, PdfError> {
    // Collect and remap the glyphs of each font.
    let mut subsets: BTreeMap<Weight, Subset> = BTreeMap::new();
    for p in &l.pages {
        for r in &p.runs {
            let s = subsets.entry(r.weight).or_insert_with(|| Subset {
                remapper: subsetter::GlyphRemapper::new(),
                chars: BTreeMap::new(),
            });
            for (g, c) in &r.glyphs {
                let new = s.remapper.remap(*g);
                s.chars.entry(new).or_insert(*c);
            }
        }
    }

    let mut next = Ref::new(1);
    let mut alloc = || next.bump();
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr(&doc.lang));
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .producer(TextStr("ibis"));

    // Fonts: Type0 with Identity-H encoding over a CIDFontType2 (TrueType) subset.
    let mut font_refs: BTreeMap<Weight, Ref> = BTreeMap::new();
    for (weight, s) in &subsets {
        let font = l.font(*weight);
        let (base, tag): (&str, &str) = match weight {
            Weight::Regular => ("DejaVuSans", "IBISAA"),
            Weight::Bold => ("DejaVuSans-Bold", "IBISAB"),
        };
        let name = format!("{tag}+{base}");
        let type0 = alloc();
        let cid = alloc();
        let descriptor = alloc();
        let file = alloc();
        let cmap_ref = alloc();
        font_refs.insert(*weight, type0);
        let data = subsetter::subset(font.data, 0, &s.remapper)
            .map_err(|e| PdfError::Subset(format!("{e:?}")))?;
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_ref);
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2)
            .base_font(Name(name.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = s
            .remapper
            .remapped_gids()
            .map(|old| font.advance(old) * 1000.0)
            .collect();
        c.widths().consecutive(0, widths);
        c.finish();
        let face = &font.face;
        let k = 1000.0 / font.units;
        let bb = face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(name.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bb.x_min) * k,
                f32::from(bb.y_min) * k,
                f32::from(bb.x_max) * k,
                f32::from(bb.y_max) * k,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * k)
            .descent(f32::from(face.descender()) * k)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * k)
            .stem_v(if *weight == Weight::Bold { 140.0 } else { 80.0 })
            .font_file2(file);
        pdf.stream(file, &data);
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
        for (g, ch) in &s.chars {
            cmap.pair(*g, *ch);
        }
        pdf.cmap(cmap_ref, cmap.finish().as_slice());
    }

    // Pages.
    let mut page_ids = Vec::new();
    for p in &l.pages {
        let page_id = alloc();
        let content_id = alloc();
        page_ids.push(page_id);
        let mut content = Content::new();
        for (x1, y1, x2, y2, gray) in &p.lines {
            content
                .set_stroke_gray(*gray)
                .set_line_width(0.6)
                .move_to(*x1, *y1)
                .line_to(*x2, *y2)
                .stroke();
        }
        content.set_fill_gray(0.0);
        for r in &p.runs {
            let Some(s) = subsets.get(&r.weight) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(r.glyphs.len() * 2);
            for (g, _) in &r.glyphs {
                let new = s.remapper.get(*g).unwrap_or(0);
                bytes.extend_from_slice(&new.to_be_bytes());
            }
            let font_name: &[u8] = match r.weight {
                Weight::Regular => b"F1",
                Weight::Bold => b"F2",
            };
            content
                .begin_text()
                .set_font(Name(font_name), r.size)
                .next_line(r.x, r.y)
                .show(Str(&bytes))
                .end_text();
        }
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, A4_WIDTH, A4_HEIGHT))
            .parent(tree)
            .contents(content_id);
        {
            let mut res = page.resources();
            let mut fonts = res.fonts();
            if let Some(f) = font_refs.get(&Weight::Regular) {
                fonts.pair(Name(b"F1"), *f);
            }
            if let Some(f) = font_refs.get(&Weight::Bold) {
                fonts.pair(Name(b"F2"), *f);
            }
        }
        page.finish();
        pdf.stream(content_id, content.finish().as_slice());
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(page_ids).count(count);
    Ok(pdf.finish())
}

/// A document of one line per character cell, for checking that glyphs print: every
/// character of `text` is drawn in its own cell at a fixed place (cell `i` at x = 60 + 40 i,
/// baseline 700, 24 pt), so two such documents can be compared cell by cell.
pub fn glyph_sheet(text: &str) -> Result<Vec<u8>, PdfError> {
    let regular = Font::load(REGULAR).ok_or(PdfError::Font)?;
    let bold = Font::load(BOLD).ok_or(PdfError::Font)?;
    let mut l = Layout {
        regular,
        bold,
        pages: Vec::new(),
        y: 0.0,
    };
    l.new_page();
    for (i, c) in text.chars().enumerate() {
        l.text_at(
            Weight::Regular,
            24.0,
            60.0 + 40.0 * i as f32,
            700.0,
            &c.to_string(),
        );
    }
    let doc = Document {
        title: "glyphs".into(),
        lang: "lv".into(),
        blocks: Vec::new(),
        footer: String::new(),
        page_of: String::new(),
    };
    write(&l, &doc)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn sample() -> Document {
        Document {
            title: "Lēmums par individuālo budžetu".into(),
            lang: "lv".into(),
            blocks: vec![
                Block::Field {
                    label: "Persona".into(),
                    value: "Ģirts Ķļaviņš-Žūriņa".into(),
                },
                Block::Para {
                    text: "Āčēģīķļņšūž ".repeat(40),
                },
                Block::Table {
                    caption: "Pakalpojumi".into(),
                    head: vec!["Pakalpojums".into(), "Summa".into()],
                    rows: (0..80)
                        .map(|i| vec![format!("Asistents {i}"), format!("{i},00 €")])
                        .collect(),
                    widths: vec![0.7, 0.3],
                    right: vec![false, true],
                },
                Block::Signatures {
                    signers: vec!["Persona".into(), "Sociālais darbinieks".into()],
                    date_label: "Datums".into(),
                    sign_label: "Paraksts".into(),
                },
            ],
            footer: "ibis".into(),
            page_of: "Lapa {n} no {total}".into(),
        }
    }

    #[test]
    fn a_document_is_a_pdf_on_a4_pages_with_the_font_embedded() {
        let pdf = render(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/MediaBox [0 0 595 842]"), "A4 media box");
        assert!(text.contains("/FontFile2"), "the font is embedded");
        assert!(
            text.contains("IBISAA+DejaVuSans"),
            "a subset of DejaVu Sans"
        );
        // Long enough for more than one page, and the subset keeps the file small.
        assert!(
            text.matches("/Type /Page\n").count() >= 2 || text.matches("/Type /Page").count() >= 3
        );
        assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
    }

    #[test]
    fn the_font_has_every_latvian_letter() {
        assert!(font_covers("āčēģīķļņšūž ĀČĒĢĪĶĻŅŠŪŽ €–"));
        assert!(!font_covers("\u{10FFFD}"));
    }

    #[test]
    fn long_words_are_broken_to_fit() {
        let l = Layout {
            regular: Font::load(REGULAR).unwrap(),
            bold: Font::load(BOLD).unwrap(),
            pages: Vec::new(),
            y: 0.0,
        };
        let lines = l.wrap(Weight::Regular, 10.0, &"ž".repeat(200), 100.0);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(l.regular.width(line, 10.0) <= 100.0);
        }
        assert_eq!(lines.concat(), "ž".repeat(200));
    }
}
