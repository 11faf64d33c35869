//! Lays a [`Sheet`]'s blocks out on A4 pages (wrapping lines by the fonts' real advance widths,
//! breaking pages) and draws them with krilla.

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use qrcode::{Color, EcLevel, QrCode};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::{BOLD, Block, PdfError, REGULAR, Sheet};

/// How a line sits between the margins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 42.0;
const TOP: f32 = 42.0;
const BOTTOM: f32 = PAGE_H - 48.0;
const LEADING: f32 = 1.4;

/// Something to draw at a place on a page (y is the top of the line box).
enum Op {
    Text { x: f32, y: f32, text: String, size: f32, bold: bool },
    Rect { x: f32, y: f32, w: f32, h: f32 },
}

/// Advance widths of the two faces.
struct Measure<'a> {
    regular: FontRef<'a>,
    bold: FontRef<'a>,
}

impl Measure<'_> {
    fn new() -> Result<Measure<'static>, PdfError> {
        Ok(Measure {
            regular: FontRef::new(REGULAR).map_err(|_| PdfError::Font)?,
            bold: FontRef::new(BOLD).map_err(|_| PdfError::Font)?,
        })
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        let charmap = font.charmap();
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.6)).sum()
    }

    /// Greedy word wrap: the first line gets `first` points, the others `rest`.
    fn wrap(&self, text: &str, size: f32, bold: bool, first: f32, rest: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let room = |n: usize| if n == 0 { first } else { rest };
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if self.width(&candidate, size, bold) <= room(lines.len()) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than a line is cut where it must be.
            for c in word.chars() {
                line.push(c);
                if self.width(&line, size, bold) > room(lines.len()) && line.chars().count() > 1 {
                    let last = line.pop().expect("two characters");
                    lines.push(std::mem::replace(&mut line, last.to_string()));
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// The pages being filled: ops per page and the cursor.
struct Flow {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Flow {
    /// Makes room for `h` points, starting a new page if this one is full.
    fn room(&mut self, h: f32) -> f32 {
        if self.y + h > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
        let at = self.y;
        self.y += h;
        at
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }
}

fn place(m: &Measure, text: &str, size: f32, bold: bool, align: Align, (l, r): (f32, f32)) -> f32 {
    match align {
        Align::Left => l,
        Align::Center => l + ((r - l) - m.width(text, size, bold)).max(0.0) / 2.0,
        Align::Right => (r - m.width(text, size, bold)).max(l),
    }
}

fn lay_out(sheet: &Sheet, m: &Measure) -> Result<Vec<Vec<Op>>, PdfError> {
    let mut f = Flow { pages: vec![Vec::new()], y: TOP };
    for block in &sheet.blocks {
        match block {
            Block::Text { text, size, bold, align } => {
                for line in m.wrap(text, *size, *bold, RIGHT - LEFT, RIGHT - LEFT) {
                    let y = f.room(size * LEADING);
                    let x = place(m, &line, *size, *bold, *align, (LEFT, RIGHT));
                    f.push(Op::Text { x, y, text: line, size: *size, bold: *bold });
                }
            }
            Block::Field { label, value, size } => {
                let lw = m.width(label, *size, true);
                let y = f.room(size * LEADING);
                f.push(Op::Text { x: LEFT, y, text: label.clone(), size: *size, bold: true });
                let lines = m.wrap(value, *size, false, RIGHT - LEFT - lw, RIGHT - LEFT);
                for (i, line) in lines.into_iter().enumerate() {
                    let (x, y) = if i == 0 { (LEFT + lw, y) } else { (LEFT, f.room(size * LEADING)) };
                    f.push(Op::Text { x, y, text: line, size: *size, bold: false });
                }
            }
            Block::Columns { left, right, size } => {
                let mid = LEFT + (RIGHT - LEFT) * 0.42;
                let column = |lines: &[(String, bool)], span: (f32, f32)| -> Vec<(String, bool)> {
                    lines
                        .iter()
                        .flat_map(|(t, b)| {
                            m.wrap(t, *size, *b, span.1 - span.0, span.1 - span.0).into_iter().map(|l| (l, *b))
                        })
                        .collect()
                };
                let (a, b) = (column(left, (LEFT, mid)), column(right, (mid, RIGHT)));
                for i in 0..a.len().max(b.len()) {
                    let y = f.room(size * LEADING);
                    for (lines, span) in [(&a, (LEFT, mid)), (&b, (mid, RIGHT))] {
                        if let Some((t, bold)) = lines.get(i) {
                            let x = place(m, t, *size, *bold, Align::Center, span);
                            f.push(Op::Text { x, y, text: t.clone(), size: *size, bold: *bold });
                        }
                    }
                }
            }
            Block::Qr { data, caption, module } => {
                let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
                    .map_err(|_| PdfError::Qr(data.len()))?;
                let n = code.width();
                let side = n as f32 * module;
                let y = f.room(side + 4.0 * module + 14.0) + 2.0 * module;
                let x0 = LEFT + ((RIGHT - LEFT) - side) / 2.0;
                for (i, c) in code.to_colors().into_iter().enumerate() {
                    if c == Color::Dark {
                        let (cx, cy) = ((i % n) as f32, (i / n) as f32);
                        f.push(Op::Rect { x: x0 + cx * module, y: y + cy * module, w: *module, h: *module });
                    }
                }
                let x = place(m, caption, 9.0, false, Align::Center, (LEFT, RIGHT));
                f.push(Op::Text { x, y: y + side + 2.0 * module, text: caption.clone(), size: 9.0, bold: false });
            }
            Block::Rule => {
                let y = f.room(10.0);
                f.push(Op::Rect { x: LEFT, y: y + 4.5, w: RIGHT - LEFT, h: 0.6 });
            }
            Block::Gap(h) => {
                f.y += h;
            }
        }
    }
    Ok(f.pages)
}

/// Draws the sheet: one A4 page per page of ops.
pub(super) fn render(sheet: &Sheet, title: &str, lang: &str) -> Result<Vec<u8>, PdfError> {
    let m = Measure::new()?;
    let pages = lay_out(sheet, &m)?;
    let regular = Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?;
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(title.into()).language(lang.into()).creator("Motcua".into()));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Write("page size".into()))?;
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        surface.set_fill(Some(Fill::default()));
        let mut path = PathBuilder::new();
        for op in ops {
            match op {
                Op::Text { x, y, text, size, bold: b } => {
                    let font = if b { bold.clone() } else { regular.clone() };
                    surface.draw_text(Point::from_xy(x, y + size), font, size, &text, false, TextDirection::Auto);
                }
                Op::Rect { x, y, w, h } => {
                    if let Some(r) = Rect::from_xywh(x, y, w, h) {
                        path.push_rect(r);
                    }
                }
            }
        }
        if let Some(p) = path.finish() {
            surface.draw_path(&p);
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}
