//! Printable documents as PDF: a small A4 layout engine over `krilla` with the embedded
//! DejaVu Sans fonts (`data/fonts`, Vietnamese glyphs, licence shipped beside them) and QR
//! codes drawn as rectangles (no image dependency).
//!
//! A document is a [`Sheet`]: blocks added top to bottom (the national header, centred titles,
//! labelled fields, paragraphs, a QR code, signature columns), laid out on A4 pages with
//! automatic line wrapping and page breaks by [`Sheet::finish`]. Each document lives in its own
//! file (`slips.rs` for Mẫu 01–04, `receipt.rs` for the e-receipt) and answers with
//! [`pdf_response`].

mod layout;
pub mod receipt;
pub mod slips;

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use unicode_normalization::UnicodeNormalization;

pub use layout::Align;

/// The regular face (DejaVu Sans, see `data/fonts/LICENSE`).
pub(crate) static REGULAR: &[u8] = include_bytes!("../../../../data/fonts/DejaVuSans.ttf");
/// The bold face.
pub(crate) static BOLD: &[u8] = include_bytes!("../../../../data/fonts/DejaVuSans-Bold.ttf");

/// One block of a [`Sheet`], laid out top to bottom.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Text { text: String, size: f32, bold: bool, align: Align },
    Field { label: String, value: String, size: f32 },
    Columns { left: Vec<(String, bool)>, right: Vec<(String, bool)>, size: f32 },
    Qr { data: String, caption: String, module: f32 },
    Rule,
    Gap(f32),
}

/// A document being written: blocks added in reading order, then [`Sheet::finish`]ed to PDF bytes.
#[derive(Debug, Clone)]
pub struct Sheet {
    title: String,
    lang: String,
    pub(crate) blocks: Vec<Block>,
}

/// Why a document could not be made (only on a bug: the fonts are embedded).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font could not be read")]
    Font,
    #[error("the QR code could not hold {0} bytes")]
    Qr(usize),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Text as drawn: NFC (the fonts have precomposed Vietnamese letters) without control characters.
pub(crate) fn clean(s: &str) -> String {
    s.nfc().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

impl Sheet {
    /// A new document; `title` goes into the PDF's metadata, `lang` is its language (`vi`).
    pub fn new(title: &str, lang: &str) -> Sheet {
        Sheet { title: clean(title), lang: lang.into(), blocks: Vec::new() }
    }

    /// A line (wrapped if long) in regular type.
    pub fn text(&mut self, text: &str, size: f32, align: Align) -> &mut Sheet {
        self.blocks.push(Block::Text { text: clean(text), size, bold: false, align });
        self
    }

    /// A line (wrapped if long) in bold type.
    pub fn bold(&mut self, text: &str, size: f32, align: Align) -> &mut Sheet {
        self.blocks.push(Block::Text { text: clean(text), size, bold: true, align });
        self
    }

    /// A centred bold title.
    pub fn title(&mut self, text: &str) -> &mut Sheet {
        self.bold(text, 14.0, Align::Center)
    }

    /// `label: value`, the label in bold, the value wrapped under it when long.
    pub fn field(&mut self, label: &str, value: &str) -> &mut Sheet {
        self.blocks.push(Block::Field { label: format!("{}: ", clean(label)), value: clean(value), size: 11.0 });
        self
    }

    /// A paragraph of regular text, wrapped to the page.
    pub fn paragraph(&mut self, text: &str) -> &mut Sheet {
        self.text(text, 11.0, Align::Left)
    }

    /// Two columns of centred lines side by side (`bool`: bold), e.g. the national header or
    /// the signature blocks.
    pub fn columns(&mut self, left: &[(&str, bool)], right: &[(&str, bool)]) -> &mut Sheet {
        let own = |v: &[(&str, bool)]| v.iter().map(|(t, b)| (clean(t), *b)).collect();
        self.blocks.push(Block::Columns { left: own(left), right: own(right), size: 10.5 });
        self
    }

    /// The header of every administrative form: the issuing body on the left, the national
    /// name and motto on the right.
    pub fn national_header(&mut self, body_above: &str, body: &str) -> &mut Sheet {
        self.columns(
            &[(body_above, false), (body, true)],
            &[("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true), ("Độc lập - Tự do - Hạnh phúc", true)],
        )
    }

    /// A QR code of `data` (a URL), centred, with a caption under it.
    pub fn qr(&mut self, data: &str, caption: &str) -> &mut Sheet {
        self.blocks.push(Block::Qr { data: data.into(), caption: clean(caption), module: 2.5 });
        self
    }

    /// A thin horizontal line across the page.
    pub fn rule(&mut self) -> &mut Sheet {
        self.blocks.push(Block::Rule);
        self
    }

    /// Vertical space, in points.
    pub fn gap(&mut self, points: f32) -> &mut Sheet {
        self.blocks.push(Block::Gap(points));
        self
    }

    /// The PDF bytes.
    pub fn finish(&self) -> Result<Vec<u8>, PdfError> {
        layout::render(self, &self.title, &self.lang)
    }
}

/// A PDF answer shown in the browser (`inline`), saved as `file_name` when downloaded.
pub fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let disposition = format!("inline; filename=\"{}\"", file_name.replace(|c: char| !c.is_ascii_graphic(), "_"));
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_becomes_a_pdf_with_its_fonts() {
        let mut s = Sheet::new("Giấy tiếp nhận", "vi");
        s.national_header("UBND TỈNH VĨNH LONG", "UBND PHƯỜNG AN HỘI")
            .title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
            .field("Họ và tên", "Trần Thị Bình")
            .paragraph(&"Nội dung rất dài được ngắt dòng tự động. ".repeat(40))
            .qr("http://localhost/tra-cuu?ma=X", "Quét mã để tra cứu");
        let pdf = s.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 2_000);
    }

    #[test]
    fn clean_composes_and_drops_controls() {
        assert_eq!(clean("Tra\u{0302}\u{0300}n\tA"), "Trần A");
    }
}
