//! Charts drawn on the server by `plotters` (SVG backend only), so the pages need no JavaScript.
//! Every chart is an SVG with `role="img"`, a `<title>` and a `<desc>` naming what it shows for
//! screen readers; the pages put the chart's data table beside it, and the print style sheet
//! keeps both.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// One bar: its label, its value, and whether it is highlighted (an essential service).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The label (cut to 45 characters in the chart; the table beside it has it whole).
    pub label: String,
    /// The value.
    pub value: f64,
    /// Drawn in the highlight colour, and its label marked with `●`.
    pub highlight: bool,
}

const BAR: RGBColor = RGBColor(0x1d, 0x5b, 0x8f);
const HIGHLIGHT: RGBColor = RGBColor(0xa3, 0x3b, 0x0b);
const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn short(label: &str, highlight: bool) -> String {
    let mark = if highlight { "● " } else { "" };
    let mut s: String = label.chars().take(45).collect();
    if label.chars().count() > 45 {
        s.push('…');
    }
    format!("{mark}{s}")
}

/// A horizontal bar chart, bars in the order given from the top, as an SVG document with
/// `id`-based `<title>` and `<desc>`. An empty list gives an empty string (no chart).
pub fn bar_chart(id: &str, title: &str, desc: &str, x_label: &str, bars: &[Bar]) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let n = bars.len();
    let height = u32::try_from(70 + 30 * n).unwrap_or(4000);
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    // Whole numbers (people, goals) get whole ticks; amounts get a little room on the right.
    let whole = bars.iter().all(|b| b.value.fract() == 0.0);
    let max = if max <= 0.0 {
        1.0
    } else if whole {
        max.ceil() + 1.0
    } else {
        max * 1.1
    };
    let ticks = if whole {
        (max as usize).clamp(2, 10)
    } else {
        8
    };
    let labels: Vec<String> = bars.iter().map(|b| short(&b.label, b.highlight)).collect();
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let n_i = i32::try_from(n).unwrap_or(i32::MAX);
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(330)
            .build_cartesian_2d(0f64..max, (0..n_i).into_segmented())?;
        let label_of = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(n_i - 1 - *i)
                .ok()
                .and_then(|k| labels.get(k).cloned())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&label_of)
            .x_labels(ticks)
            .x_label_formatter(&|v| {
                if whole {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            })
            .x_desc(x_label)
            .label_style(("sans-serif", 15).into_font().color(&INK))
            .axis_desc_style(("sans-serif", 15).into_font().color(&INK))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(k, b)| {
            let i = n_i - 1 - i32::try_from(k).unwrap_or(0);
            let colour = if b.highlight { HIGHLIGHT } else { BAR };
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (b.value, SegmentValue::Exact(i + 1)),
                ],
                colour.filled(),
            );
            r.set_margin(4, 4, 0, 0);
            r
        }))?;
        root.present()?;
        Ok(())
    })();
    if let Err(e) = drawn {
        tracing::error!(error = %e, chart = id, "the chart could not be drawn");
        return String::new();
    }
    let head = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" ",
        id = escape(id)
    );
    let inner = format!(
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc),
        id = escape(id)
    );
    let mut out = svg.replacen("<svg ", &head, 1);
    if let Some(end) = out.find('>') {
        out.insert_str(end + 1, &inner);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_title_a_description_and_its_bars() {
        let svg = bar_chart(
            "c1",
            "Gaps & needs",
            "People per service",
            "people",
            &[
                Bar {
                    label: "Physiotherapy".into(),
                    value: 12.0,
                    highlight: true,
                },
                Bar {
                    label: "Respite".into(),
                    value: 3.0,
                    highlight: false,
                },
            ],
        );
        assert!(svg.starts_with("<svg role=\"img\" aria-labelledby=\"c1-title c1-desc\""));
        assert!(svg.contains("<title id=\"c1-title\">Gaps &amp; needs</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">People per service</desc>"));
        assert!(svg.contains("● Physiotherapy"));
        assert!(svg.contains("Respite"));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
        assert!(svg.matches("<rect").count() >= 2);
        assert!(bar_chart("c2", "t", "d", "x", &[]).is_empty());
    }
}
