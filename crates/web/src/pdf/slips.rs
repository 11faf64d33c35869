//! The one-stop slips of Circular 01/2018/TT-VPCP (DOMAIN §2.1), each with a QR code opening
//! the citizen lookup prefilled with the dossier code:
//! Mẫu 01 receipt and appointment, Mẫu 02 supplementation request, Mẫu 03 refusal with
//! reasons, Mẫu 04 apology and new appointment for a late dossier.
//!
//! The wording is the form's (Vietnamese, the official language of the slip) with a small
//! English line under each title. Everything is given already formatted by the page
//! (`pages/slips.rs`), so this file only draws.

use super::{Align, Sheet};

/// Which slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    Supplement,
    /// Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology,
}

impl Form {
    /// From the number in the URL (`01`…`04`).
    pub fn parse(s: &str) -> Option<Form> {
        match s {
            "01" => Some(Form::Receipt),
            "02" => Some(Form::Supplement),
            "03" => Some(Form::Refusal),
            "04" => Some(Form::Apology),
            _ => None,
        }
    }

    pub fn number(self) -> &'static str {
        match self {
            Form::Receipt => "01",
            Form::Supplement => "02",
            Form::Refusal => "03",
            Form::Apology => "04",
        }
    }

    pub fn title_vi(self) -> &'static str {
        match self {
            Form::Receipt => "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            Form::Supplement => "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            Form::Refusal => "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            Form::Apology => "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            Form::Receipt => "Receipt and appointment",
            Form::Supplement => "Request to supplement the dossier",
            Form::Refusal => "Refusal to receive the dossier",
            Form::Apology => "Apology and new appointment",
        }
    }
}

/// What a slip says, formatted (dates in Vietnam time, money in đồng).
#[derive(Debug, Clone, Default)]
pub struct SlipFacts {
    /// The body above the unit, e.g. `UBND TỈNH VĨNH LONG`.
    pub body_above: String,
    /// The receiving unit as headed, e.g. `UBND PHƯỜNG AN HỘI`.
    pub unit: String,
    /// The receiving unit in a sentence, e.g. `UBND Phường An Hội`.
    pub unit_text: String,
    /// `Phường An Hội, ngày 23 tháng 11 năm 2026`.
    pub place_and_date: String,
    pub code: String,
    pub applicant: String,
    pub id_number: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub procedure: String,
    pub components: Vec<String>,
    pub fees: Vec<(String, String)>,
    pub statutory_time: String,
    pub received_at: String,
    pub due_at: String,
    /// What is missing (Mẫu 02), why refused (Mẫu 03), why late (Mẫu 04).
    pub reason: String,
    /// The new appointment (Mẫu 04).
    pub new_due_at: String,
    /// The assisted-submission note, when an officer helped.
    pub assisted: Option<String>,
    pub officer: String,
    pub lookup_url: String,
    /// The VietQR bank-transfer payload for the fees still owed (Mẫu 01), when the unit has an account.
    pub transfer_qr: Option<String>,
}

/// The slip as a [`Sheet`].
pub fn slip(form: Form, f: &SlipFacts) -> Sheet {
    let mut s = Sheet::new(&format!("Mẫu {} – {}", form.number(), form.title_vi()), "vi");
    s.national_header(&f.body_above, &f.unit);
    s.columns(&[("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", false)], &[]);
    s.gap(4.0).text(&f.place_and_date, 10.5, Align::Right).gap(6.0);
    s.text(&format!("Mẫu số {}", form.number()), 9.0, Align::Right);
    s.title(form.title_vi()).text(form.title_en(), 9.0, Align::Center);
    s.bold(&format!("Mã hồ sơ: {}", f.code), 11.0, Align::Center).gap(8.0);
    match form {
        Form::Receipt => receipt(&mut s, f),
        Form::Supplement => supplement(&mut s, f),
        Form::Refusal => refusal(&mut s, f),
        Form::Apology => apology(&mut s, f),
    }
    s.gap(10.0).qr(&f.lookup_url, &format!("Quét mã để tra cứu hồ sơ / Scan to look up: {}", f.lookup_url));
    s
}

fn applicant(s: &mut Sheet, f: &SlipFacts) {
    s.field("Ông/Bà", &f.applicant).field("Số định danh cá nhân", &f.id_number);
    if let Some(a) = &f.address {
        s.field("Địa chỉ", a);
    }
    if let Some(p) = &f.phone {
        s.field("Số điện thoại", p);
    }
    if let Some(e) = &f.email {
        s.field("Thư điện tử", e);
    }
    s.field("Nội dung yêu cầu giải quyết", &f.procedure);
}

fn signatures(s: &mut Sheet, left: &str, right: &str, right_name: &str) {
    s.gap(10.0).columns(
        &[(left, true), ("(Ký, ghi rõ họ tên)", false)],
        &[(right, true), ("(Ký, ghi rõ họ tên)", false), ("", false), ("", false), (right_name, true)],
    );
}

fn receipt(s: &mut Sheet, f: &SlipFacts) {
    s.paragraph(&format!("{} tiếp nhận hồ sơ của:", f.unit_text));
    applicant(s, f);
    s.bold("1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:", 11.0, Align::Left);
    for (i, c) in f.components.iter().enumerate() {
        s.paragraph(&format!("   {}. {c}", i + 1));
    }
    s.field("2. Số lượng hồ sơ", "01 (bộ)");
    s.field("3. Thời gian giải quyết hồ sơ theo quy định", &f.statutory_time);
    s.field("4. Thời gian nhận hồ sơ", &f.received_at);
    s.field("5. Thời gian trả kết quả giải quyết hồ sơ", &f.due_at);
    if !f.fees.is_empty() {
        s.bold("6. Phí, lệ phí:", 11.0, Align::Left);
        for (name, amount) in &f.fees {
            s.paragraph(&format!("   {name}: {amount}"));
        }
    }
    if let Some(payload) = &f.transfer_qr {
        s.qr(payload, "Quét mã VietQR bằng ứng dụng ngân hàng để nộp phí, lệ phí / Scan to pay by bank transfer");
    }
    if let Some(a) = &f.assisted {
        s.field("Hỗ trợ nộp hồ sơ", a);
    }
    s.paragraph("Vào sổ theo dõi hồ sơ, Quyển số: 01. Số thứ tự theo mã hồ sơ.");
    signatures(s, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", &f.officer);
}

fn supplement(s: &mut Sheet, f: &SlipFacts) {
    s.paragraph(&format!("{} tiếp nhận hồ sơ của:", f.unit_text));
    applicant(s, f);
    s.field("Ngày tiếp nhận", &f.received_at);
    s.bold("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", 11.0, Align::Left);
    s.paragraph(&f.reason);
    s.paragraph(
        "Thời hạn giải quyết tạm dừng từ khi có yêu cầu này cho đến khi nhận đủ hồ sơ bổ sung. Trong quá trình \
         hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ Bộ phận tiếp nhận và trả kết quả để được hướng dẫn.",
    );
    signatures(s, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI HƯỚNG DẪN", &f.officer);
}

fn refusal(s: &mut Sheet, f: &SlipFacts) {
    s.paragraph(&format!("{} tiếp nhận hồ sơ của:", f.unit_text));
    applicant(s, f);
    s.paragraph(
        "Qua xem xét, cơ quan, đơn vị thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
    );
    s.bold(&f.reason, 11.0, Align::Left);
    s.paragraph("Xin thông báo để ông/bà được biết và thực hiện.");
    signatures(s, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", &f.officer);
}

fn apology(s: &mut Sheet, f: &SlipFacts) {
    s.paragraph(&format!(
        "Lúc {}, {} tiếp nhận giải quyết hồ sơ của ông/bà {}. Nội dung yêu cầu giải quyết: {}.",
        f.received_at, f.unit_text, f.applicant, f.procedure
    ));
    s.field("Thời hạn trả kết quả giải quyết hồ sơ", &f.due_at);
    s.paragraph(&format!("Tuy nhiên đến nay, {} chưa trả kết quả giải quyết hồ sơ của ông/bà.", f.unit_text));
    s.field("Lý do", &f.reason);
    s.paragraph(
        "Sự chậm trễ này đã gây phiền hà cho ông/bà. Chúng tôi xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ \
         vào thời gian dưới đây.",
    );
    s.field("Thời gian hẹn trả kết quả mới", &f.new_due_at);
    s.paragraph("Xin trân trọng cảm ơn.");
    signatures(s, "NGƯỜI NHẬN PHIẾU", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", &f.officer);
}
