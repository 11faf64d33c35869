//! Shared steps of the browser tests.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::harness::{Backend, PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// chromedriver on a free port, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Driver {
    pub(crate) fn start() -> Driver {
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

    pub(crate) async fn client(&self) -> Client {
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

pub(crate) fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

tokio::task_local! {
    /// The database the running test uses.
    static BACKEND: Backend;
}

/// Runs a test on `backend` (see `on_both!`).
pub(crate) async fn on(backend: Backend, test: impl std::future::Future<Output = ()>) {
    BACKEND.scope(backend, test).await;
}

/// Saves the current page at 360 px and 1280 px wide as `{name}-360.png` and `{name}-1280.png`,
/// checking it with axe-core at each width. The PostgreSQL run of a test shows the same pages and
/// skips them (axe still checks every page it reaches).
pub(crate) async fn screenshots(c: &Client, name: &str) {
    if BACKEND.try_with(|b| matches!(b, Backend::Postgres)).unwrap_or(false) {
        return;
    }
    for (width, height) in [(360, 780), (1280, 900)] {
        c.set_window_size(width, height).await.unwrap();
        axe(c).await;
        let png = c.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}-{width}.png")), png).unwrap();
    }
}

/// axe-core's source, as installed by `npm ci --prefix tests/js` (never copied into the repository).
pub(crate) fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/js/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup (npm ci --prefix tests/js)", path.display()))
    })
}

/// Runs axe-core on the current page and fails on any serious or critical violation (minor and
/// moderate ones are printed, to be seen with `--nocapture`).
pub(crate) async fn axe(c: &Client) {
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
pub(crate) async fn visit(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    c.wait().for_element(Locator::Css("footer")).await.unwrap();
    axe(c).await;
}

pub(crate) async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

pub(crate) async fn body(c: &Client) -> String {
    text(c, "body").await
}

pub(crate) async fn fill(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// Clicks `element` and waits until the page it leads to has replaced the current one.
pub(crate) async fn follow(c: &Client, element: fantoccini::elements::Element) {
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
pub(crate) async fn open(c: &Client, css: &str) {
    let link = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    follow(c, link).await;
}

/// Presses the button (or follows the link) whose text is exactly `label`, and waits for the next page.
pub(crate) async fn press(c: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}'] | //a[normalize-space()='{label}']");
    let target = c.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("{label}: {e}"));
    follow(c, target).await;
}

pub(crate) async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    visit(c, &format!("{}/can-bo/dang-nhap", app.base)).await;
    fill(c, "#ten-dang-nhap", username).await;
    fill(c, "#mat-khau", PASSWORD).await;
    press(c, "Đăng nhập").await;
    assert!(body(c).await.contains("Hồ sơ cần xử lý"), "{username} reaches the inbox");
}

pub(crate) async fn sign_out(c: &Client) {
    press(c, "Đăng xuất").await;
    assert!(body(c).await.contains("Đăng nhập cán bộ"));
}

/// Signs in as `username`, opens dossier `code` from the inbox and presses `action`.
pub(crate) async fn act(c: &Client, app: &TestApp, username: &str, code: &str, action: &str, shot: Option<&str>) {
    act_with(c, app, username, code, action, None, shot).await;
}

/// Like [`act`], first writing `text` (what is missing, a reason) in the action's field `#noi-dung-{name}`.
pub(crate) async fn act_with(
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
pub(crate) async fn look_up(c: &Client, app: &TestApp, code: &str, secret: &str) {
    visit(c, &format!("{}/tra-cuu", app.base)).await;
    fill(c, "#ma", code).await;
    fill(c, "#bi-mat", secret).await;
    press(c, "Tra cứu").await;
}

/// A due date as the lookup shows it (`16:30 ngày 25/11/2026`).
pub(crate) fn due(shown: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(shown.trim(), "%H:%M ngày %d/%m/%Y")
        .unwrap_or_else(|e| panic!("due date {shown:?}: {e}"))
}

/// A file on disk for an upload field, with `bytes` (PDF, JPEG or PNG headers are enough for the type check).
pub(crate) fn fixture(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-uploads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A small PDF whose content names `tag`.
pub(crate) fn pdf_bytes(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {tag}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").into_bytes()
}

/// Chooses the file at `path` in the file input `css`.
pub(crate) async fn attach(c: &Client, css: &str, path: &std::path::Path) {
    let input = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    input.send_keys(&path.display().to_string()).await.unwrap();
}

/// What `fetch` of `path` in the browser (with its cookies) answers: status, content type, size.
pub(crate) async fn fetch_in_browser(c: &Client, path: &str) -> (u64, String, u64) {
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b =>
               done([r.status, r.headers.get('content-type') || '', b.byteLength]))).catch(e => done([0, String(e), 0]));",
            vec![serde_json::json!(path)],
        )
        .await
        .unwrap();
    (v[0].as_u64().unwrap(), v[1].as_str().unwrap().to_string(), v[2].as_u64().unwrap())
}
