//! The e-receipt (biên lai điện tử) of a paid fee: the unit, the payer, the dossier code, the fee
//! lines, the total in figures and in Vietnamese words, the method and its reference, and a QR
//! code opening the dossier's lookup to verify it. Everything arrives formatted (`pages/payment.rs`).

use super::{Align, Sheet};

/// What the receipt shows.
#[derive(Debug, Clone)]
pub struct ReceiptFacts {
    pub unit: String,
    pub body_above: String,
    pub place_and_date: String,
    pub reference: String,
    pub payer: String,
    pub id_number: String,
    pub dossier_code: String,
    pub procedure: String,
    /// (name, copies, amount) with the amount formatted.
    pub lines: Vec<(String, String, String)>,
    pub total: String,
    pub total_words: String,
    pub method: String,
    pub gateway_txn: Option<String>,
    pub paid_at: String,
    pub verify_url: String,
}

/// The receipt as a [`Sheet`].
pub fn receipt(f: &ReceiptFacts) -> Sheet {
    let mut s = Sheet::new(&format!("Biên lai thu phí, lệ phí – {}", f.reference), "vi");
    s.national_header(&f.body_above, &f.unit);
    s.gap(4.0).text(&f.place_and_date, 10.5, Align::Right).gap(6.0);
    s.title("BIÊN LAI THU PHÍ, LỆ PHÍ").text("Electronic receipt of fees", 9.0, Align::Center);
    s.bold(&format!("Số: {}", f.reference), 11.0, Align::Center).gap(8.0);
    s.field("Người nộp", &f.payer).field("Số định danh cá nhân", &f.id_number);
    s.field("Mã hồ sơ", &f.dossier_code).field("Thủ tục", &f.procedure);
    for (name, copies, amount) in &f.lines {
        s.field(&format!("{name} ({copies})"), amount);
    }
    s.rule();
    s.field("Tổng cộng", &f.total).field("Bằng chữ", &f.total_words);
    s.field("Hình thức thanh toán", &f.method);
    if let Some(t) = &f.gateway_txn {
        s.field("Mã giao dịch", t);
    }
    s.field("Thời điểm thanh toán", &f.paid_at);
    s.gap(10.0).qr(&f.verify_url, &format!("Quét mã để kiểm tra / Scan to verify: {}", f.verify_url));
    s
}
