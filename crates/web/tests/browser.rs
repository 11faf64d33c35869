//! End-to-end tests in real headless Chromium (Debian's `chromium` + `chromium-driver`), driven
//! over WebDriver by fantoccini: the app runs on port 0 with a fresh SQLite database (the API
//! tests' harness), chromedriver on a free port. Each test asserts what the person sees and
//! saves screenshots at 360 px and 1280 px wide to `target/screenshots/`. Every page a test
//! reaches is checked with axe-core (from `tests/js`, installed by `scripts/setup`): no serious
//! or critical accessibility violation is allowed.

#[expect(dead_code, reason = "shared with the API tests, which use more of it")]
#[path = "api/harness.rs"]
mod harness;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use harness::{Backend, PASSWORD, TestApp};
use motcua_domain::staff::Role;
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

/// Saves the current page at 360 px and 1280 px wide as `{name}-360.png` and `{name}-1280.png`,
/// checking it with axe-core at each width.
async fn screenshots(c: &Client, name: &str) {
    for (width, height) in [(360, 780), (1280, 900)] {
        c.set_window_size(width, height).await.unwrap();
        axe(c).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}-{width}.png")), png).unwrap();
    }
}

/// axe-core's source, as installed by `npm ci --prefix tests/js` (never copied into the repository).
fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/js/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup (npm ci --prefix tests/js)", path.display()))
    })
}

/// Runs axe-core on the current page and fails on any serious or critical violation (minor and
/// moderate ones are printed, to be seen with `--nocapture`).
async fn axe(c: &Client) {
    c.execute(axe_source(), vec![]).await.expect("axe-core loads");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const say = v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`;
             const grave = v => v.impact === 'serious' || v.impact === 'critical';
             axe.run(document)
               .then(r => done({
                 passes: r.passes.length,
                 grave: r.violations.filter(grave).map(say),
                 other: r.violations.filter(v => !grave(v)).map(say),
               }))
               .catch(e => done({ passes: 0, grave: [`axe failed: ${e}`], other: [] }));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
    let list = |key: &str| -> Vec<String> { serde_json::from_value(found[key].clone()).unwrap() };
    let (grave, other) = (list("grave"), list("other"));
    assert!(grave.is_empty(), "accessibility violations on {url}:\n{}", grave.join("\n"));
    assert!(found["passes"].as_u64() > Some(10), "axe-core checked {url}: {found}");
    for v in other {
        eprintln!("axe, {url}: {v}");
    }
}

/// Opens `url` and checks the page with axe-core.
async fn visit(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    c.wait().for_element(Locator::Css("footer")).await.unwrap();
    axe(c).await;
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
    axe(c).await;
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
    visit(c, &format!("{}/can-bo/dang-nhap", app.base)).await;
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
    act_with(c, app, username, code, action, None, shot).await;
}

/// Like [`act`], first writing `text` (what is missing, a reason) in the action's field `#noi-dung-{name}`.
async fn act_with(
    c: &Client,
    app: &TestApp,
    username: &str,
    code: &str,
    action: &str,
    text: Option<(&str, &str)>,
    shot: Option<&str>,
) {
    sign_in(c, app, username).await;
    open(c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    if let Some((name, value)) = text {
        fill(c, &format!("#noi-dung-{name}"), value).await;
    }
    if let Some(name) = shot {
        screenshots(c, name).await;
    }
    press(c, action).await;
    let page = body(c).await;
    assert!(page.contains(&format!("Đã thực hiện: {action}")), "{action}: {page}");
    sign_out(c).await;
}

/// The citizen looks up dossier `code` with `secret`.
async fn look_up(c: &Client, app: &TestApp, code: &str, secret: &str) {
    visit(c, &format!("{}/tra-cuu", app.base)).await;
    fill(c, "#ma", code).await;
    fill(c, "#bi-mat", secret).await;
    press(c, "Tra cứu").await;
}

/// A due date as the lookup shows it (`16:30 ngày 25/11/2026`).
fn due(shown: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(shown.trim(), "%H:%M ngày %d/%m/%Y")
        .unwrap_or_else(|e| panic!("due date {shown:?}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_files_online_and_staff_carry_it_to_the_result() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let driver = Driver::start();
    let c = driver.client().await;

    // A citizen finds the procedure by typing without tones.
    visit(&c, &app.base).await;
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
    // Post/redirect/get: the confirmation is its own page, with nothing secret in its address.
    assert_eq!(c.current_url().await.unwrap().path(), "/da-nop");
    assert_eq!(text(&c, "h1").await, "Đã nộp hồ sơ");
    let code = text(&c, "#ma-ho-so").await;
    let secret = text(&c, "#ma-bi-mat").await;
    assert_eq!(secret.len(), 10, "secret {secret:?}");
    assert!(!c.current_url().await.unwrap().as_str().contains(&secret));
    let page = body(&c).await;
    assert!(page.contains("Dự kiến có kết quả") && page.contains("Việc tiếp theo"), "{page}");
    screenshots(&c, "04-confirmation").await;
    // Refreshing shows the confirmation again, without the secret, and files nothing twice.
    c.refresh().await.unwrap();
    c.wait().for_element(Locator::Css("footer")).await.unwrap();
    axe(&c).await;
    assert_eq!(text(&c, "#ma-ho-so").await, code);
    assert!(c.find(Locator::Css("#ma-bi-mat")).await.is_err(), "the secret is shown once");
    assert!(text(&c, "#da-hien-bi-mat").await.contains("Mã bí mật đã hiện một lần"));
    screenshots(&c, "04b-confirmation-refreshed").await;
    let staff = app.token("28777", Role::IntakeOfficer).await;
    let (_, list) = app.get("/api/v1/dossiers", Some(&staff)).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "one dossier after a refresh: {list}");

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
    look_up(&c, &app, &code, &secret).await;
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

    look_up(&c, &app, &code, "AAAAAAAAAA").await;
    let page = body(&c).await;
    assert!(page.contains("Không tìm thấy hồ sơ, hoặc mã bí mật không đúng"), "{page}");
    assert!(!page.contains("Trần Thị Bình"));

    press(&c, "English").await;
    assert_eq!(text(&c, "h1").await, "Look up a dossier");
    visit(&c, &app.base).await;
    assert_eq!(text(&c, "h1").await, "Which service do you need?", "the choice is remembered");

    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplementation_round_pauses_the_clock_and_moves_the_due_date() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", None).await;
    look_up(&c, &app, &code, &secret).await;
    let first_due = due(&text(&c, "#han").await);
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;
    let missing = "Bản chính Giấy chứng sinh do bệnh viện cấp";
    act_with(
        &c,
        &app,
        "28777.specialist",
        &code,
        "Yêu cầu bổ sung",
        Some(("request_supplement", missing)),
        Some("09-dossier-request-supplement"),
    )
    .await;

    // The citizen sees that something is missing, and what.
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Yêu cầu bổ sung giấy tờ");
    let note = text(&c, "#ghi-chu").await;
    assert!(note.contains("Giấy tờ cần bổ sung") && note.contains(missing), "{note}");
    assert!(body(&c).await.contains("Bạn cần bổ sung giấy tờ"));
    screenshots(&c, "10-lookup-supplement").await;

    // A working day later the citizen brings the paper; the officer records it.
    app.clock.advance(chrono::Duration::days(1));
    act(&c, &app, "28777.intake_officer", &code, "Đã nhận đủ bổ sung", None).await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    assert!(c.find(Locator::Css("#ghi-chu")).await.is_err(), "nothing is missing any more");
    let new_due = due(&text(&c, "#han").await);
    assert!(new_due > first_due, "the due date moves by the paused time: {first_due} → {new_due}");
    assert!(body(&c).await.contains("Đã nhận bổ sung; hẹn trả mới lúc"));
    screenshots(&c, "11-lookup-after-supplement").await;

    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_shows_its_reasons_and_other_communes_see_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    // Staff of Phú Khương can neither open An Hội's dossier nor act on it.
    sign_in(&c, &app, "28756.intake_officer").await;
    assert!(!body(&c).await.contains(&code), "not in their inbox");
    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    let page = body(&c).await;
    assert!(page.contains("Không tìm thấy hồ sơ"), "{page}");
    assert!(!page.contains("Trần Thị Bình"));
    screenshots(&c, "12-other-commune").await;
    let status = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const csrf = document.querySelector('input[name=csrf]').value;
             fetch(arguments[0], { method: 'POST', body: new URLSearchParams({ csrf }), redirect: 'manual' })
               .then(r => done(r.status)).catch(e => done(String(e)));",
            vec![json!(format!("/can-bo/ho-so/{code}/receive"))],
        )
        .await
        .unwrap();
    assert!(matches!(status.as_u64(), Some(403 | 404)), "another commune may not receive it: {status}");
    let http = reqwest::Client::new();
    let r = http.get(format!("{}/can-bo/ho-so/{code}", app.base)).send().await.unwrap();
    assert!(r.url().path().ends_with("/can-bo/dang-nhap"), "signed out, staff pages ask to sign in");
    sign_out(&c).await;

    // An Hội's intake officer refuses it with reasons; the citizen reads them.
    let reasons = "Tờ khai chưa có chữ ký của người đi đăng ký; Giấy chứng sinh là bản chụp không rõ nét";
    act_with(
        &c,
        &app,
        "28777.intake_officer",
        &code,
        "Từ chối tiếp nhận",
        Some(("refuse", reasons)),
        Some("13-dossier-refuse"),
    )
    .await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Không được tiếp nhận");
    let note = text(&c, "#ghi-chu").await;
    assert!(note.contains("Lý do không tiếp nhận") && note.contains(reasons), "{note}");
    assert!(body(&c).await.contains("Hồ sơ không được giải quyết tiếp"));
    screenshots(&c, "14-lookup-refused").await;

    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_gets_a_page_and_the_api_keeps_its_json() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let driver = Driver::start();
    let c = driver.client().await;

    visit(&c, &format!("{}/khong-co-trang-nay", app.base)).await;
    assert_eq!(text(&c, "h1").await, "Không tìm thấy trang");
    assert!(body(&c).await.contains("Tra cứu hồ sơ đã nộp"));
    screenshots(&c, "15-not-found").await;
    press(&c, "English").await;
    assert_eq!(text(&c, "h1").await, "Page not found");

    let http = reqwest::Client::new();
    let page = http.get(format!("{}/khong-co-trang-nay", app.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.headers().contains_key("content-security-policy"));
    let (status, api) = app.get("/api/v1/khong-co", None).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    assert_eq!(api["code"], "ROUTE_NOT_FOUND", "{api}");
    let json = http.get(format!("{}/khong-co", app.base)).header("accept", "application/json").send().await.unwrap();
    assert_eq!(json.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(json.headers()["content-type"].to_str().unwrap().starts_with("application/json"));

    c.close().await.unwrap();
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_are_asked_and_confirmed_and_a_dossier_is_transferred() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (code, secret) = app.submit_birth().await;
    let driver = Driver::start();
    let c = driver.client().await;

    act(&c, &app, "28777.intake_officer", &code, "Tiếp nhận hồ sơ", None).await;
    act(&c, &app, "28777.specialist", &code, "Bắt đầu xử lý", None).await;

    // A wrong amount is explained and nothing changes; a right one asks the citizen to pay.
    sign_in(&c, &app, "28777.specialist").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    fill(&c, "#khoan-thu", "Lệ phí cấp bản sao trích lục khai sinh").await;
    fill(&c, "#so-tien", "tám nghìn").await;
    press(&c, "Yêu cầu nộp phí, lệ phí").await;
    assert!(text(&c, ".error-summary").await.contains("Số tiền phải là số nguyên dương"));
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    fill(&c, "#khoan-thu", "Lệ phí cấp bản sao trích lục khai sinh").await;
    fill(&c, "#so-tien", "8.000").await;
    fill(&c, "#so-ban", "2").await;
    screenshots(&c, "16-dossier-ask-fees").await;
    press(&c, "Yêu cầu nộp phí, lệ phí").await;
    let page = body(&c).await;
    assert!(page.contains("Đã thực hiện: Yêu cầu nộp phí, lệ phí"), "{page}");
    assert!(page.contains("16.000 đồng"), "{page}");
    sign_out(&c).await;
    look_up(&c, &app, &code, &secret).await;
    assert_eq!(text(&c, "#trang-thai").await, "Yêu cầu thực hiện nghĩa vụ tài chính");
    assert!(body(&c).await.contains("Bạn cần nộp phí, lệ phí"));

    // The officer records the payment; processing continues.
    sign_in(&c, &app, "28777.intake_officer").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    click(&c, "#thanh-toan option[value='0']").await;
    press(&c, "Đã nộp đủ phí, lệ phí").await;
    assert!(body(&c).await.contains("Đã thực hiện: Đã nộp đủ phí, lệ phí"));
    assert_eq!(text(&c, "#trang-thai").await, "Đang xử lý");
    sign_out(&c).await;

    // The specialist finds it belongs to Phú Khương and transfers it there, with the reason.
    sign_in(&c, &app, "28777.specialist").await;
    open(&c, &format!("a[href='/can-bo/ho-so/{code}']")).await;
    click(&c, "#don-vi-transfer option[value='28756']").await;
    fill(&c, "#noi-dung-transfer", "Nơi cư trú của người đăng ký thuộc phường Phú Khương").await;
    screenshots(&c, "17-dossier-transfer").await;
    press(&c, "Chuyển đơn vị khác").await;
    assert!(body(&c).await.contains("Đã thực hiện: Chuyển đơn vị khác"));
    sign_out(&c).await;
    sign_in(&c, &app, "28756.specialist").await;
    visit(&c, &format!("{}/can-bo/ho-so/{code}", app.base)).await;
    let page = body(&c).await;
    assert!(page.contains("Trần Thị Bình") && page.contains("Nơi cư trú của người đăng ký"), "{page}");

    c.close().await.unwrap();
    app.stop().await;
}
