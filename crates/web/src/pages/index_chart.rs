//! Inline SVG charts drawn on the server (no JavaScript): bars (points against the maximum) and
//! a trend line. Each chart comes with a data table on its page, so nothing is only visual.

/// One horizontal bar: its label above it, the value's share of the row, and the figure.
pub struct Bar {
    pub label: String,
    pub figure: String,
    /// Top of the row.
    pub y: u32,
    /// Width of the filled part (the whole row is [`WIDTH`]).
    pub fill: f64,
}

pub const WIDTH: f64 = 300.0;
const ROW: u32 = 44;

pub struct BarChart {
    pub title: String,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// Bars for `(label, value, max)`: each filled in proportion to its own maximum.
pub fn bars(title: &str, items: &[(String, f64, f64)]) -> BarChart {
    BarChart {
        title: title.into(),
        height: ROW * items.len() as u32 + 4,
        bars: items
            .iter()
            .enumerate()
            .map(|(i, (label, value, max))| Bar {
                label: label.clone(),
                figure: format!("{} / {}", points(*value), points(*max)),
                y: ROW * i as u32,
                fill: if *max > 0.0 { (value / max).clamp(0.0, 1.0) * WIDTH } else { 0.0 },
            })
            .collect(),
    }
}

/// A point of the trend, in chart coordinates.
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub figure: String,
}

pub struct TrendChart {
    pub title: String,
    /// The polyline's `points` attribute.
    pub line: String,
    pub dots: Vec<Dot>,
}

/// A line of totals (0–100 points) over periods, oldest first.
pub fn trend(title: &str, items: &[(String, f64)]) -> TrendChart {
    let n = items.len().max(1) as f64;
    let dots: Vec<Dot> = items
        .iter()
        .enumerate()
        .map(|(i, (label, v))| Dot {
            x: 24.0 + (WIDTH - 48.0) * if n > 1.0 { i as f64 / (n - 1.0) } else { 0.5 },
            y: 130.0 - v.clamp(0.0, 100.0) * 1.1,
            label: label.clone(),
            figure: points(*v),
        })
        .collect();
    let line = dots.iter().map(|d| format!("{:.1},{:.1}", d.x, d.y)).collect::<Vec<_>>().join(" ");
    TrendChart { title: title.into(), line, dots }
}

/// Points with up to two decimals and a decimal comma (`17,5`).
pub fn points(v: f64) -> String {
    let s = format!("{:.2}", (v * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

/// A rate as a percentage with one decimal (`87,5%`), or "—" when nothing is in scope.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".into(), |r| format!("{:.1}%", r * 100.0).replace('.', ","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_their_own_maximum_and_numbers_read_the_vietnamese_way() {
        let c = bars("t", &[("A".into(), 9.0, 18.0), ("B".into(), 20.0, 20.0), ("C".into(), 0.0, 0.0)]);
        assert_eq!((c.bars[0].fill, c.bars[1].fill, c.bars[2].fill), (150.0, 300.0, 0.0));
        assert_eq!(c.bars[0].figure, "9 / 18");
        assert_eq!(
            (points(17.5), points(6.666), percent(Some(0.875)), percent(None)),
            ("17,5".into(), "6,67".into(), "87,5%".into(), "—".into())
        );
        let t = trend("t", &[("10".into(), 0.0), ("11".into(), 100.0)]);
        assert_eq!(t.line, "24.0,130.0 276.0,20.0");
    }
}
