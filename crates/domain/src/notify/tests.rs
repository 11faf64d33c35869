use std::collections::BTreeMap;

use super::sms::{Encoding, SmsSize, normalize_phone, size, strip_diacritics};
use super::template::{Template, TemplateError};
use super::*;

#[test]
fn diacritics_are_stripped_case_kept() {
    assert_eq!(
        strip_diacritics("Hồ sơ Đăng ký khai sinh đã được tiếp nhận"),
        "Ho so Dang ky khai sinh da duoc tiep nhan"
    );
    assert_eq!(strip_diacritics("ỨNG DỤNG"), "UNG DUNG");
}

#[test]
fn gsm7_segments_are_160_then_153() {
    assert_eq!(size(&"a".repeat(160)), SmsSize { encoding: Encoding::Gsm7, units: 160, segments: 1 });
    assert_eq!(size(&"a".repeat(161)).segments, 2);
    assert_eq!(size(&"a".repeat(306)).segments, 2);
    assert_eq!(size(&"a".repeat(307)).segments, 3);
    // Extension characters take two septets.
    assert_eq!(size(&"€".repeat(80)).units, 160);
    assert_eq!(size(&"€".repeat(81)).segments, 2);
    assert_eq!(size("").segments, 1);
}

#[test]
fn vietnamese_with_diacritics_is_ucs2_70_then_67() {
    let s = "ồ".repeat(70);
    assert_eq!(size(&s), SmsSize { encoding: Encoding::Ucs2, units: 70, segments: 1 });
    assert_eq!(size(&"ồ".repeat(71)).segments, 2);
    assert_eq!(size(&"ồ".repeat(134)).segments, 2);
    assert_eq!(size(&"ồ".repeat(135)).segments, 3);
    // The same text without diacritics fits GSM-7.
    assert_eq!(size(&strip_diacritics("Hồ sơ đã có kết quả")).encoding, Encoding::Gsm7);
}

#[test]
fn phones_are_normalized_or_refused() {
    assert_eq!(normalize_phone("0912 345 678").unwrap(), "84912345678");
    assert_eq!(normalize_phone("+84.912.345.678").unwrap(), "84912345678");
    assert_eq!(normalize_phone("84912345678").unwrap(), "84912345678");
    for bad in ["", "091234567", "09123456789", "0012345678", "09a2345678", "+1 912 345 678"] {
        let e = normalize_phone(bad).unwrap_err();
        assert_eq!(crate::Described::code(&e), "INVALID_PHONE", "{bad}");
    }
}

#[test]
fn default_templates_are_valid_and_render_vietnamese() {
    for kind in NoticeKind::ALL {
        let t = Template::default_for(kind);
        assert_eq!(Template::parse(kind, &t.subject, &t.body, &t.sms), Ok(t.clone()), "{kind:?}");
        assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
    }
    let params: BTreeMap<String, String> = [
        ("code", "000.00.12.H62-251126-0001"),
        ("name", "Nguyễn Văn An"),
        ("due", "16:30 03/12/2026"),
        ("link", "https://motcua.example/tra-cuu/000.00.12.H62-251126-0001"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let r = Template::default_for(NoticeKind::Received).render(&params);
    assert_eq!(r.subject, "Hồ sơ 000.00.12.H62-251126-0001 đã được tiếp nhận");
    assert!(r.text.contains("Kính gửi Ông/Bà Nguyễn Văn An"));
    assert!(r.text.contains("Ngày hẹn trả kết quả: 16:30 03/12/2026"));
    assert!(r.html.contains("<p>Kính gửi Ông/Bà Nguyễn Văn An,</p>"));
    assert!(r.sms.starts_with("Ho so 000.00.12.H62-251126-0001 da duoc tiep nhan, hen tra ket qua 16:30 03/12/2026"));
}

#[test]
fn templates_with_unknown_or_unclosed_placeholders_are_refused() {
    let k = NoticeKind::Received;
    assert_eq!(
        Template::parse(k, "Hồ sơ {code}", "Lý do {reason}", "x"),
        Err(TemplateError::UnknownPlaceholder("reason".into()))
    );
    assert_eq!(Template::parse(k, "Hồ sơ {code", "b", "x"), Err(TemplateError::Unclosed));
    assert_eq!(Template::parse(k, "  ", "b", "x"), Err(TemplateError::Empty("subject")));
}

#[test]
fn html_is_escaped() {
    let t = Template::parse(NoticeKind::Refused, "s", "Lý do: {reason}", "x").unwrap();
    let params = BTreeMap::from([("reason".to_string(), "<script>&".to_string())]);
    assert!(t.render(&params).html.contains("Lý do: &lt;script&gt;&amp;"));
}

#[test]
fn amounts_and_times_read_the_vietnamese_way() {
    assert_eq!(dong(1_250_000), "1.250.000 đồng");
    assert_eq!(dong(500), "500 đồng");
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 3, 9, 30, 0).unwrap();
    assert_eq!(local_time(at), "16:30 03/12/2026");
}
