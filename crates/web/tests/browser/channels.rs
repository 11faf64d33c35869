//! The outreach and messaging pages in the browser: a director sets up a community support day
//! and a citizen finds it from the home page; a director previews and saves a notice template
//! (an unknown placeholder first); a PAKN officer transfers a petition to the competent commune;
//! "Hồ sơ của tôi" offers sign-in and the Zalo queue opens.

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{Backend, TestApp};
use crate::kit::*;

/// Sets a date or time input's value as the browser submits it (`2026-11-23`, `07:30`): typing
/// into such inputs depends on the browser's locale.
async fn set_value(c: &fantoccini::Client, css: &str, value: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    c.execute("document.querySelector(arguments[0]).value = arguments[1];", vec![json!(css), json!(value)])
        .await
        .unwrap();
}

/// At 360 px wide the page reflows: nothing makes it scroll sideways (WCAG 1.4.10).
async fn reflows(c: &fantoccini::Client) {
    c.set_window_size(360, 780).await.unwrap();
    let wide = c
        .execute(
            "const w = document.documentElement.clientWidth;
             const over = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.visually-hidden'))
               .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
             return [document.documentElement.scrollWidth, w, over];",
            vec![],
        )
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert!(
        wide[0].as_u64() <= wide[1].as_u64(),
        "{url} scrolls sideways at 360 px (too wide: [scroll, client, elements]): {wide}"
    );
    c.set_window_size(1280, 900).await.unwrap();
}

on_both!(a_director_schedules_a_support_day_and_a_citizen_finds_it_from_the_home_page);
async fn a_director_schedules_a_support_day_and_a_citizen_finds_it_from_the_home_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    sign_in(&c, &app, "28777.center_director").await;
    visit(&c, &format!("{}/can-bo/ho-tro-cong-dong", app.base)).await;
    assert_eq!(text(&c, "h1").await, "Ngày hỗ trợ cộng đồng");
    fill(&c, "#kp-ten", "Khu phố 3").await;
    fill(&c, "#kp-ghi-chu", "Nhiều người cao tuổi").await;
    press(&c, "Thêm khu phố, ấp").await;
    assert!(text(&c, ".notice").await.contains("Đã lưu"));
    // A helper without a name is refused, linked to the field; then added.
    press(&c, "Thêm người hỗ trợ").await;
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#nht-ten"));
    screenshots(&c, "support-01-helper-error").await;
    fill(&c, "#nht-ten", "Lê Văn An").await;
    click(&c, "#nht-to-chuc option[value='youth_union']").await;
    fill(&c, "#nht-dien-thoai", "0912345678").await;
    press(&c, "Thêm người hỗ trợ").await;
    assert!(text(&c, "#nguoi-ho-tro + ul").await.contains("Lê Văn An"));
    // A weekly Friday session with that helper shows in the coming weeks.
    fill(&c, "#buoi-dia-diem", "Nhà văn hóa khu phố 3").await;
    click(&c, "#buoi-thu option[value='fri']").await;
    set_value(&c, "#buoi-tu-ngay", "2026-11-23").await;
    set_value(&c, "#buoi-den-ngay", "2027-02-28").await;
    set_value(&c, "#buoi-bat-dau", "07:30").await;
    set_value(&c, "#buoi-ket-thuc", "11:00").await;
    click(&c, "#buoi-nguoi-ho-tro input[type='checkbox']").await;
    press(&c, "Thêm buổi hỗ trợ").await;
    let upcoming = text(&c, "#lich + table").await;
    assert!(upcoming.contains("Thứ Sáu 27/11/2026") && upcoming.contains("Lê Văn An"), "{upcoming}");
    reflows(&c).await;
    screenshots(&c, "support-02-staff-schedule").await;
    open(&c, "a[href='/can-bo/ho-tro-cong-dong/bao-cao']").await;
    screenshots(&c, "support-03-report").await;
    sign_out(&c).await;

    // The citizen follows the home page's link and chooses the commune.
    visit(&c, &app.base).await;
    open(&c, "main a[href='/ho-tro-cong-dong']").await;
    assert_eq!(text(&c, "h1").await, "Ngày hỗ trợ cộng đồng");
    click(&c, "#don-vi option[value='28777']").await;
    press(&c, "Xem lịch").await;
    let sessions = text(&c, "ul.results").await;
    assert!(
        sessions.contains("27/11/2026, 07:30")
            || (sessions.contains("27/11/2026") && sessions.contains("07:30") && sessions.contains("Khu phố 3")),
        "{sessions}"
    );
    assert!(sessions.contains("Nhà văn hóa khu phố 3") && sessions.contains("Lê Văn An"), "{sessions}");
    reflows(&c).await;
    screenshots(&c, "support-04-public").await;
    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_director_previews_and_saves_a_notice_template);
async fn a_director_previews_and_saves_a_notice_template(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let driver = Driver::start();
    let c = driver.client().await;

    sign_in(&c, &app, "28777.center_director").await;
    visit(&c, &format!("{}/can-bo/mau-thong-bao", app.base)).await;
    screenshots(&c, "notice-01-list").await;
    open(&c, "a[href='/can-bo/mau-thong-bao/received']").await;
    assert!(body(&c).await.contains("{due}"));
    assert!(c.find(Locator::XPath("//button[normalize-space()='Lưu mẫu này']")).await.is_err(), "preview first");
    fill(&c, "#tieu-de", "Hồ sơ {code} đã được tiếp nhận").await;
    fill(&c, "#noi-dung", "Kính gửi {name}, hẹn trả {due}. {link}").await;
    fill(&c, "#sms", "Ho so {code} hen {ngay_hen}").await;
    press(&c, "Xem trước").await;
    let summary = text(&c, ".error-summary").await;
    assert!(summary.contains("{ngay_hen}"), "{summary}");
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#sms"));
    let kept = c.find(Locator::Css("#noi-dung")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Kính gửi {name}, hẹn trả {due}. {link}"));
    reflows(&c).await;
    screenshots(&c, "notice-02-unknown-placeholder").await;
    fill(&c, "#sms", "Phường An Hội: hồ sơ {code} hẹn {due}").await;
    press(&c, "Xem trước").await;
    let preview = text(&c, "section.notice").await;
    assert!(preview.contains("Kính gửi Nguyễn Văn An, hẹn trả 16:30 04/12/2026."), "{preview}");
    assert!(text(&c, "#sms-size").await.contains("UCS-2"));
    reflows(&c).await;
    screenshots(&c, "notice-03-preview").await;
    press(&c, "Lưu mẫu này").await;
    assert!(text(&c, ".notice").await.contains("Đã lưu mẫu tin"));
    assert!(text(&c, "#mau-tin").await.contains("Của đơn vị"));
    c.close().await.unwrap();
    app.stop().await;
}

on_both!(a_pakn_officer_transfers_a_petition_to_the_competent_commune);
async fn a_pakn_officer_transfers_a_petition_to_the_competent_commune(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let petition = json!({"unit": "28777", "topic": "procedure", "title": "Hồ sơ trả chậm",
        "content": "Hồ sơ đăng ký khai sinh của con tôi đã quá hẹn hai ngày.",
        "name": "Võ Thị Em", "phone": "0987 654 321"});
    let (status, sent) = app.post("/api/v1/petitions", None, petition).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{sent}");
    let code = sent["petition"]["code"].as_str().unwrap().to_string();
    let driver = Driver::start();
    let c = driver.client().await;

    sign_in(&c, &app, "28777.specialist").await;
    visit(&c, &format!("{}/can-bo/phan-anh", app.base)).await;
    open(&c, &format!("a[href='/can-bo/phan-anh/{code}']")).await;
    // Its own commune is not a transfer: refused, nothing changes.
    fill(&c, "#don-vi", "28777").await;
    fill(&c, "#chuyen", "Thuộc phường Tân An.").await;
    press(&c, "Chuyển").await;
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#don-vi"));
    assert!(text(&c, ".error-summary").await.contains("Mã đơn vị \"28777\" không hợp lệ"));
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý", "nothing changed");
    screenshots(&c, "pakn-transfer-01-error").await;
    fill(&c, "#don-vi", "28756").await;
    fill(&c, "#chuyen", "Thuộc phường Tân An.").await;
    press(&c, "Chuyển").await;
    // The officer lands on the list, told where it went; it has left this commune's list.
    assert!(text(&c, "#da-chuyen").await.contains(code.as_str()));
    assert_eq!(text(&c, "#so-phan-anh").await, "0");
    sign_out(&c).await;

    // The competent commune sees where it came from and answers, then publishes it.
    sign_in(&c, &app, "28756.specialist").await;
    visit(&c, &format!("{}/can-bo/phan-anh", app.base)).await;
    assert_eq!(text(&c, "#so-phan-anh").await, "1");
    open(&c, &format!("a[href='/can-bo/phan-anh/{code}']")).await;
    assert!(text(&c, "#chuyen-tu").await.contains("28777"));
    fill(&c, "#tra-loi", "Đã xử lý xong.").await;
    press(&c, "Gửi trả lời").await;
    assert_eq!(text(&c, "#trang-thai").await, "Đã trả lời");
    press(&c, "Công khai").await;
    assert!(text(&c, "#han-cong-khai").await.contains("đã công khai đúng hạn"));
    reflows(&c).await;
    screenshots(&c, "pakn-transfer-03-published").await;
    c.close().await.unwrap();
    app.stop().await;
}

on_both!(my_dossiers_offers_sign_in_and_the_zalo_queue_opens);
async fn my_dossiers_offers_sign_in_and_the_zalo_queue_opens(backend: Backend) {
    // The OA of An Hội; the empty queue calls nothing at Zalo.
    let zalo =
        motcua_web::assistant::ZaloConfig::new("4318000000000000001", "oa-secret", "28777", "http://127.0.0.1:9");
    let app = TestApp::spawn_with(backend, |s| s.with_assistant(zalo)).await;
    let driver = Driver::start();
    let c = driver.client().await;

    visit(&c, &format!("{}/ho-so-cua-toi", app.base)).await;
    assert_eq!(text(&c, "h1").await, "Hồ sơ của tôi");
    let page = body(&c).await;
    assert!(page.contains("VNeID"), "{page}");
    screenshots(&c, "my-dossiers-01-signed-out").await;
    sign_in(&c, &app, "28777.intake_officer").await;
    visit(&c, &format!("{}/can-bo/tro-ly", app.base)).await;
    screenshots(&c, "assistant-01-queue").await;
    c.close().await.unwrap();
    app.stop().await;
}
