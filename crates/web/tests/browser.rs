//! End-to-end tests in real headless Chromium (Debian's `chromium` + `chromium-driver`), driven
//! over WebDriver by fantoccini: the app runs on port 0 with a fresh SQLite database (the API
//! tests' harness), chromedriver on a free port. Each test asserts what the person sees and
//! saves screenshots at 360 px and 1280 px wide to `target/screenshots/`.

#[expect(dead_code, reason = "shared with the API tests, which use more of it")]
#[path = "api/harness.rs"]
mod harness;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use harness::{Backend, PASSWORD, TestApp};
use serde_json::json;

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (apt-get install -y chromium chromium-driver; see scripts/setup)");
        let profile = std::env::temp_dir().join(format!("motcua-chromium-{}-{port}", std::process::id()));
        Driver { child, port, profile }
    }

    async fn client(&self) -> Client {
        let caps = json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                    "--window-size=1280,900", format!("--user-data-dir={}", self.profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let url = format!("http://127.0.0.1:{}", self.port);
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            if let Ok(c) = ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer on {url}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_dir_all(&self.profile).ok();
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves the current page at 360 px and 1280 px wide as `{name}-360.png` and `{name}-1280.png`.
async fn screenshots(c: &Client, name: &str) {
    for (width, height) in [(360, 780), (1280, 900)] {
        c.set_window_size(width, height).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}-{width}.png")), png).unwrap();
    }
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

async fn body(c: &Client) -> String {
    text(c, "body").await
}

async fn fill(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// Clicks `element` and waits until the page it leads to has replaced the current one.
async fn follow(c: &Client, element: fantoccini::elements::Element) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    element.click().await.unwrap();
    for _ in 0..500 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    c.wait().for_element(Locator::Css("footer")).await.unwrap();
}

/// Follows the link matching `css` to its page.
async fn open(c: &Client, css: &str) {
    let link = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    follow(c, link).await;
}

/// Presses the button (or follows the link) whose text is exactly `label`, and waits for the next page.
async fn press(c: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}'] | //a[normalize-space()='{label}']");
    let target = c.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("{label}: {e}"));
    follow(c, target).await;
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&format!("{}/can-bo/dang-nhap", app.base)).await.unwrap();
    fill(c, "#ten-dang-nhap", username).await;
    fill(c, "#mat-khau", PASSWORD).await;
    press(c, "Đăng nhập").await;
    assert!(body(c).await.contains("Hồ sơ cần xử lý"), "{username} reaches the inbox");
}

async fn sign_out(c: &Client) {
    press(c, "Đăng xuất").await;
    assert!(body(c).await.contains("Đăng nhập cán bộ"));
}

/// Signs in as `username`, opens dossier `code` from the inbox and presses `action`.
async fn act(c: &Client, app: &TestApp, username: &str, code: &str, action: &str, shot: Option<&str>) {
    sign_in(c, app, username).await;
    open(c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    if let Some(name) = shot {
        screenshots(c, name).await;
    }
    press(c, action).await;
    let page = body(c).await;
    assert!(page.contains(&format!("Đã thực hiện: {action}")), "{action}: {page}");
    sign_out(c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_files_online_and_staff_carry_it_to_the_result() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let driver = Driver::start();
    let c = driver.client().await;

    // A citizen finds the procedure by typing without tones.
    c.goto(&app.base).await.unwrap();
    screenshots(&c, "01-home").await;
    fill(&c, "#q", "dang ky khai sinh").await;
    press(&c, "Tìm kiếm").await;
    press(&c, "Đăng ký khai sinh").await;
    assert_eq!(text(&c, "h1").await, "Đăng ký khai sinh");
    assert!(body(&c).await.contains("Tờ khai đăng ký khai sinh"));
    screenshots(&c, "02-procedure").await;

    // The online form: province, then commune and details; a wrong ID number keeps the rest.
    press(&c, "Nộp hồ sơ trực tuyến").await;
    click(&c, "#tinh option[value='86']").await;
    press(&c, "Chọn tỉnh").await;
    click(&c, "#don-vi option[value='28777']").await;
    fill(&c, "#ho-ten", "Trần Thị Bình").await;
    fill(&c, "#so-dinh-danh", "12345").await;
    fill(&c, "#dien-thoai", "0912 345 678").await;
    press(&c, "Gửi hồ sơ").await;
    let summary = text(&c, ".error-summary").await;
    assert!(summary.contains("Vui lòng sửa các lỗi sau"), "{summary}");
    let link = c.find(Locator::Css(".error-summary a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#so-dinh-danh"));
    let kept = c.find(Locator::Css("#ho-ten")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Trần Thị Bình"));
    screenshots(&c, "03-form-error").await;
    fill(&c, "#so-dinh-danh", "086190012345").await;
    for checkbox in c.find_all(Locator::Css("input[name=thanh_phan]")).await.unwrap() {
        if !checkbox.is_selected().await.unwrap() {
            checkbox.click().await.unwrap();
        }
    }
    press(&c, "Gửi hồ sơ").await;
    assert_eq!(text(&c, "h1").await, "Đã nộp hồ sơ");
    let code = text(&c, "#ma-ho-so").await;
    let secret = text(&c, "#ma-bi-mat").await;
    assert_eq!(secret.len(), 10, "secret {secret:?}");
    screenshots(&c, "04-confirmation").await;

    // The intake officer sees it in the inbox and receives it.
    sign_in(&c, &app, "28777.intake_officer").await;
    assert!(body(&c).await.contains(&code));
    screenshots(&c, "05-inbox").await;
    sign_out(&c).await;
    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", Some("06-dossier-intake")).await;
    // The specialist processes it and forwards it; the leader approves; the officer returns it.
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;
    act(&c, &app, "28777.specialist", &code, "Trình lãnh đạo phê duyệt", None).await;
    act(&c, &app, "28777.leader", &code, "Phê duyệt", Some("07-dossier-leader")).await;
    act(&c, &app, "28777.intake_officer", &code, "Trả kết quả", None).await;

    // The citizen looks it up.
    c.goto(&format!("{}/tra-cuu", app.base)).await.unwrap();
    fill(&c, "#ma", &code).await;
    fill(&c, "#bi-mat", &secret).await;
    press(&c, "Tra cứu").await;
    assert_eq!(text(&c, "#trang-thai").await, "Đã trả kết quả");
    assert!(body(&c).await.contains("Lãnh đạo phê duyệt; đã có kết quả"));
    screenshots(&c, "08-lookup").await;

    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_reveals_nothing_and_english_is_one_click_away() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (code, _secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    c.goto(&format!("{}/tra-cuu", app.base)).await.unwrap();
    fill(&c, "#ma", &code).await;
    fill(&c, "#bi-mat", "AAAAAAAAAA").await;
    press(&c, "Tra cứu").await;
    let page = body(&c).await;
    assert!(page.contains("Không tìm thấy hồ sơ, hoặc mã bí mật không đúng"), "{page}");
    assert!(!page.contains("Trần Thị Bình"));

    press(&c, "English").await;
    assert_eq!(text(&c, "h1").await, "Look up a dossier");
    c.goto(&app.base).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Which service do you need?", "the choice is remembered");

    c.close().await.unwrap();
    app.stop().await;
}
