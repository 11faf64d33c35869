//! The sign-in tests' provider process and browser: cookies kept per site, redirects followed by
//! hand, the login at the provider done by `login_hint` (see `tests/js/oidc-provider.mjs`).

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use motcua_web::oidc::SignIns;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{StatusCode, Url};

use crate::files::{Part, multipart};
use crate::harness::TestApp;

/// Where the provider sends the browser back (registered with it; the test maps it to the app).
const SITE: &str = "http://motcua.test";
pub const CITIZEN_CB: &str = "http://motcua.test/dang-nhap/vneid/ve";
pub const STAFF_PATH: &str = "/can-bo/dang-nhap/oidc/ve";

/// The provider, a `node` process, stopped when dropped.
pub struct Provider {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    pub issuer: String,
}

impl Provider {
    pub fn start() -> Provider {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/js/oidc-provider.mjs");
        let staff_cb = format!("{SITE}{STAFF_PATH}");
        let mut child = Command::new("node")
            .args([script, CITIZEN_CB, &staff_cb])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (scripts/setup installs it, and tests/js with `npm ci --prefix tests/js`)");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let Some(issuer) = line.trim().strip_prefix("issuer=").map(str::to_string) else {
            let _ = child.kill();
            panic!("the provider did not start (run `npm ci --prefix tests/js`): {line:?}");
        };
        Provider { child, _stdout: stdout, issuer }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The application's providers: citizens always, staff when `staff`.
pub fn sign_ins(issuer: &str, staff: bool) -> SignIns {
    let staff_cb = format!("{SITE}{STAFF_PATH}");
    SignIns::from_vars(|name| {
        let v = match name {
            "MOTCUA_OIDC_ISSUER" => issuer,
            "MOTCUA_OIDC_CLIENT_ID" => "motcua",
            "MOTCUA_OIDC_CLIENT_SECRET" => "motcua-secret",
            "MOTCUA_OIDC_REDIRECT_URL" => CITIZEN_CB,
            "MOTCUA_OIDC_IDENTITY_CLAIM" => "cccd",
            "MOTCUA_STAFF_OIDC_ISSUER" if staff => issuer,
            "MOTCUA_STAFF_OIDC_CLIENT_ID" => "motcua-staff",
            "MOTCUA_STAFF_OIDC_CLIENT_SECRET" => "motcua-staff-secret",
            "MOTCUA_STAFF_OIDC_REDIRECT_URL" => staff_cb.as_str(),
            _ => return None,
        };
        Some(v.to_string())
    })
    .unwrap()
}

/// Rows in `table`.
pub async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(app.db.pool()).await.unwrap()
}

type Jar = Vec<(String, String)>;

/// A browser without JavaScript: one cookie jar for the application, one for the provider.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    issuer: String,
    app: Jar,
    op: Jar,
}

fn header(jar: &Jar) -> String {
    jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
}

fn absorb(jar: &mut Jar, r: &reqwest::Response) {
    for c in r.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
        let first = c.split(';').next().unwrap_or_default();
        let Some((name, value)) = first.split_once('=') else { continue };
        jar.retain(|(k, _)| k != name.trim());
        if !value.is_empty() && !c.contains("Max-Age=0") {
            jar.push((name.trim().to_string(), value.to_string()));
        }
    }
}

impl Browser {
    pub fn new(app: &TestApp, op: &Provider) -> Browser {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { client, base: app.base.clone(), issuer: op.issuer.clone(), app: Vec::new(), op: Vec::new() }
    }

    fn jar(&mut self, url: &str) -> &mut Jar {
        if url.starts_with(&self.issuer) { &mut self.op } else { &mut self.app }
    }

    /// `GET url` with this site's cookies, keeping the ones it sets.
    pub async fn get(&mut self, url: &str) -> reqwest::Response {
        let cookies = header(self.jar(url));
        let r = self.client.get(url).header(COOKIE, cookies).send().await.unwrap();
        absorb(self.jar(url), &r);
        r
    }

    /// An application page: (status, HTML).
    pub async fn page(&mut self, path: &str) -> (StatusCode, String) {
        let r = self.get(&format!("{}{path}", self.base)).await;
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form to the application: (status, where it redirects).
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let url = format!("{}{path}", self.base);
        let r = self.client.post(&url).header(COOKIE, header(&self.app)).form(form).send().await.unwrap();
        absorb(&mut self.app, &r);
        let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        (r.status(), location)
    }

    /// Posts a multipart form (the portal's filing form) to the application: (status, HTML).
    pub async fn post_multipart(&self, url: &str, parts: &[Part<'_>]) -> (StatusCode, String) {
        let (ct, body) = multipart(parts);
        let r = self.client.post(url).header("content-type", ct).header(COOKIE, header(&self.app)).body(body);
        let r = r.send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub fn app_cookie(&self, name: &str) -> Option<String> {
        self.app.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    pub fn set_app_cookie(&mut self, name: &str, value: &str) {
        self.app.retain(|(k, _)| k != name);
        self.app.push((name.into(), value.into()));
    }

    /// Starts a sign-in at `start` on the application and signs `account` in at the provider
    /// (after `tamper` has had the authorization URL); returns the application URL the provider
    /// sends the browser back to (not visited yet), and the authorization URL.
    pub async fn authorize(
        &mut self,
        start: &str,
        account: &str,
        tamper: impl Fn(String) -> String,
    ) -> (String, String) {
        // A fresh session at the provider, so that `account` (not the last one) signs in.
        self.op.clear();
        let r = self.get(&format!("{}{start}", self.base)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{start}: {}", r.text().await.unwrap());
        let authorize = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(authorize.starts_with(&format!("{}/auth?", self.issuer)), "{authorize}");
        assert_eq!(param(&authorize, "response_type").as_deref(), Some("code"));
        assert_eq!(param(&authorize, "code_challenge_method").as_deref(), Some("S256"), "PKCE");
        assert!(param(&authorize, "state").is_some() && param(&authorize, "nonce").is_some());
        let mut url = with_param(&tamper(authorize.clone()), "login_hint", account);
        for _ in 0..10 {
            let r = self.get(&url).await;
            let status = r.status();
            let Some(next) = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string()) else {
                panic!("the provider stopped at {url} ({status}): {}", r.text().await.unwrap());
            };
            let next = if next.starts_with('/') { format!("{}{next}", self.issuer) } else { next };
            if let Some(rest) = next.strip_prefix(SITE) {
                return (format!("{}{rest}", self.base), authorize);
            }
            url = next;
        }
        panic!("the provider redirected too many times");
    }
}

/// The value of query parameter `name`.
pub fn param(url: &str, name: &str) -> Option<String> {
    Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// `url` with parameter `name` set to `value` (replaced, or added).
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut u = Url::parse(url).unwrap();
    let mut pairs: Vec<(String, String)> =
        u.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.push((name.into(), value.into()));
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}

/// `url` without parameter `name`.
pub fn without_param(url: &str, name: &str) -> String {
    let mut u = Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> =
        u.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}
