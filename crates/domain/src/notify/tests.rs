use std::collections::BTreeMap;

use super::sms::{Encoding, SmsSize, normalize_phone, size, strip_diacritics};
use super::template::{Template, TemplateError};
use super::*;
use crate::dossier::{Dossier, EventKind};

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

fn dossier(email: Option<&str>, phone: Option<&str>) -> Dossier {
    use crate::catalog::ProcedureCode;
    use crate::dossier::{Applicant, DossierCode, NewDossier, evolve};
    use crate::identity::ApplicantId;
    use crate::unit::UnitCode;
    let code = DossierCode::parse("000.00.12.H62-261127-0001").unwrap();
    let new = NewDossier {
        procedure: ProcedureCode::parse("1.001193").unwrap(),
        receiving_unit: UnitCode::parse("28777").unwrap(),
        channel: crate::dossier::Channel::Online,
        applicant: Applicant {
            name: "Lê Thị Cúc".into(),
            id_number: ApplicantId::parse("086090001234").unwrap(),
            phone: phone.map(str::to_string),
            email: email.map(str::to_string),
            address: None,
            birth_date: None,
        },
        components: Vec::new(),
        fees: Vec::new(),
        identity_verified: false,
    };
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 27, 2, 0, 0).unwrap();
    evolve(None, &code, at, &EventKind::Submitted { dossier: Box::new(new) })
}

#[test]
fn only_changes_that_concern_the_citizen_are_told_with_their_facts() {
    use crate::dossier::FeeLine;
    let d = dossier(None, None);
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 3, 9, 30, 0).unwrap();
    let n = notice_for(&d, &EventKind::Received { due_at: at, calendar_version: 1 }).unwrap();
    assert_eq!(
        (n.kind, n.params["due"].as_str(), n.params["name"].as_str()),
        (NoticeKind::Received, "16:30 03/12/2026", "Lê Thị Cúc")
    );
    assert_eq!(n.params["code"], "000.00.12.H62-261127-0001");
    let fees = vec![
        FeeLine { name: "Lệ phí".into(), amount: 8_000, copies: 2 },
        FeeLine { name: "Phí".into(), amount: 1_000_000, copies: 1 },
    ];
    let n = notice_for(&d, &EventKind::FinancialObligationRequested { fees }).unwrap();
    assert_eq!((n.kind, n.params["amount"].as_str()), (NoticeKind::Financial, "1.016.000 đồng"));
    assert_eq!(n.params["fees"], "Lệ phí: 16.000 đồng; Phí: 1.000.000 đồng");
    let n = notice_for(&d, &EventKind::ApologyIssued { new_due_at: at, reason: "Chờ xác minh".into() }).unwrap();
    assert_eq!(
        (n.kind, n.params["reason"].as_str(), n.params["new_due"].as_str()),
        (NoticeKind::Apology, "Chờ xác minh", "16:30 03/12/2026")
    );
    assert_eq!(notice_for(&d, &EventKind::ResultReturned).unwrap().kind, NoticeKind::ResultReady);
    assert_eq!(notice_for(&d, &EventKind::Decided { results: Vec::new() }).unwrap().kind, NoticeKind::ResultReady);
    let n = notice_for(&d, &EventKind::Refused { reason: "Sai thẩm quyền".into() }).unwrap();
    assert_eq!((n.kind, n.params["reason"].as_str()), (NoticeKind::Refused, "Sai thẩm quyền"));
    let n = notice_for(&d, &EventKind::SupplementRequested { missing: "Tờ khai".into() }).unwrap();
    assert_eq!((n.kind, n.params["missing"].as_str()), (NoticeKind::Supplement, "Tờ khai"));
    assert_eq!(notice_for(&d, &EventKind::ProcessingStarted), None);
    assert_eq!(notice_for(&d, &EventKind::ForwardedForApproval { summary: "x".into() }), None);
}

#[test]
fn email_comes_first_then_sms_as_fallback() {
    assert!(channels_for(&dossier(None, None)).is_empty());
    assert_eq!(channels_for(&dossier(None, Some("0912 345 678"))), [(Channel::Sms, "84912345678".to_string())]);
    assert_eq!(
        channels_for(&dossier(Some(" cuc@example.vn "), Some("0912345678"))),
        [(Channel::Email, "cuc@example.vn".to_string()), (Channel::Sms, "84912345678".to_string())]
    );
    assert!(channels_for(&dossier(Some("not-an-address"), Some("12"))).is_empty());
}

#[test]
fn a_chosen_channel_order_puts_zns_first_with_its_fallback() {
    let order = ChannelOrder::parse("ZNS, sms,email").unwrap();
    assert_eq!(order.as_string(), "zns,sms,email");
    assert_eq!(
        order.reach(Some("cuc@example.vn"), Some("0912345678")),
        [
            (Channel::Zns, "84912345678".to_string()),
            (Channel::Sms, "84912345678".to_string()),
            (Channel::Email, "cuc@example.vn".to_string())
        ]
    );
    assert_eq!(order.reach(Some("cuc@example.vn"), None), [(Channel::Email, "cuc@example.vn".to_string())]);
    for bad in ["", "zalo", "sms,sms", " , "] {
        let e = ChannelOrder::parse(bad).unwrap_err();
        assert_eq!(crate::error::Described::code(&e), "INVALID_CHANNEL_ORDER", "{bad:?}");
    }
}

#[test]
fn every_kind_has_a_default_template_and_a_sample_to_preview_it() {
    for kind in NoticeKind::ALL {
        let t = Template::default_for(kind);
        assert_eq!(Template::parse(kind, &t.subject, &t.body, &t.sms), Ok(t.clone()), "{kind:?}");
        let p = preview::Preview::of(kind, &t);
        assert!(!p.rendered.text.contains('{'), "{kind:?}: every placeholder has a sample: {}", p.rendered.text);
        assert_eq!(p.sms_ascii.encoding, Encoding::Gsm7, "{kind:?}");
        assert_eq!(NoticeKind::parse_named(kind.as_str()), Ok(kind));
    }
    let bad = NoticeKind::parse_named("khac").unwrap_err();
    assert_eq!(crate::error::Described::code(&bad), "UNKNOWN_NOTICE_KIND");
    let long = Template::parse(NoticeKind::ResultReady, "s", "b", &"Hồ sơ {code} đã có kết quả. ".repeat(3)).unwrap();
    let p = preview::Preview::of(NoticeKind::ResultReady, &long);
    assert_eq!((p.sms.encoding, p.sms.units, p.sms.segments), (Encoding::Ucs2, 140, 3), "{:?}", p.sms);
}
