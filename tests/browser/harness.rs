//! Runs the real app on a local port with a fresh database, and drives headless
//! Chromium through a chromedriver that each test starts itself.
//!
//! Chromium and chromedriver come from Debian (`.ci/browser-deps` installs them);
//! when they are missing the tests fail and say so — CI always has them.
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use kouza::services::demo::DemoAccount;
use kouza::state::AppState;
use rocket::figment::Figment;
use serde_json::json;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const PASSWORD: &str = "correct horse battery staple";
const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

fn unique(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// The project's root (for `docs/screenshots` and `tests/browser/node_modules`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh database URL: a new PostgreSQL database, or empty for the SQLite default.
async fn fresh_database_url() -> String {
    use sea_orm::{ConnectionTrait, Database};
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return String::new();
    };
    let name = unique("kouza_t");
    let admin = Database::connect(admin_url.as_str())
        .await
        .expect("TEST_DATABASE_URL is set but PostgreSQL cannot be reached");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    match admin_url.rfind('/') {
        Some(slash) => format!("{}/{name}", &admin_url[..slash]),
        None => panic!("TEST_DATABASE_URL must end with /<database>"),
    }
}

/// The app, listening on `base` with its own database and data directory.
pub struct App {
    pub base: String,
    pub state: AppStateHandle,
    data_dir: PathBuf,
    shutdown: rocket::Shutdown,
}

/// What tests reach into the app for: the database and the clock.
pub struct AppStateHandle {
    pub db: sea_orm::DatabaseConnection,
    pub clock: std::sync::Arc<kouza::clock::Clock>,
}

impl App {
    pub async fn start() -> App {
        App::start_with(|f| f).await
    }

    /// The app with extra configuration (e.g. Stripe keys pointing at a fake).
    pub async fn start_with(configure: impl FnOnce(Figment) -> Figment) -> App {
        let port = free_port();
        let data_dir = std::env::temp_dir().join(unique("kouza-browser"));
        let figment: Figment = kouza::config::AppConfig::figment()
            .merge(("data_dir", data_dir.display().to_string()))
            .merge(("database_url", fresh_database_url().await))
            .merge(("jwt_secret", JWT_SECRET))
            .merge(("db_max_connections", 4))
            .merge(("background_jobs", false))
            .merge(("log_level", "off"))
            // Fixtures are written through the services, beside the browser:
            // the public page cache would show them only after its TTL.
            .merge(("catalog_cache_ttl_ms", 0))
            .merge(("address", "127.0.0.1"))
            .merge(("port", port))
            .merge(("public_base_url", format!("http://127.0.0.1:{port}")))
            .merge(("shutdown.ctrlc", false))
            .merge(("workers", 4));
        let figment = configure(figment);
        let rocket = kouza::rocket_from(figment)
            .ignite()
            .await
            .expect("the app should ignite");
        let state = rocket.state::<AppState>().expect("state");
        let handle = AppStateHandle {
            db: state.db.clone(),
            clock: state.clock.clone(),
        };
        let shutdown = rocket.shutdown();
        tokio::spawn(rocket.launch());
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the app did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        App {
            base,
            state: handle,
            data_dir,
            shutdown,
        }
    }

    /// The demo data (a site, a helper course, a community course, a symposium,
    /// one account per role), loaded the way `kouza demo` loads it.
    pub async fn demo(&self) -> Demo {
        let accounts = kouza::services::demo::seed(&self.state.db, self.state.clock.now())
            .await
            .expect("demo data");
        Demo { accounts }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub struct Person {
    pub id: i64,
    pub email: String,
    pub password: String,
}

pub struct Demo {
    pub accounts: Vec<DemoAccount>,
}

impl Demo {
    pub fn person(&self, role: kouza::domain::Role) -> Person {
        let a = self
            .accounts
            .iter()
            .find(|a| a.role == role)
            .expect("a demo account for every role");
        Person {
            id: 0,
            email: a.email.clone(),
            password: a.password.clone(),
        }
    }
}

/// The two screen sizes the pages are checked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewport {
    /// 390×844, a common phone.
    Phone,
    /// 1280×800, a staff desk.
    Desktop,
}

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone",
            Viewport::Desktop => "desktop",
        }
    }
}

/// A headless Chromium session, with the chromedriver it talks to.
pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
}

impl Drop for Browser {
    /// Stops chromedriver even when a test fails half-way.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn require(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: the browser tests need Debian's {package} \
         (run .ci/browser-deps, which installs chromium and chromium-driver)"
    );
}

impl Browser {
    /// Starts chromedriver on a free port and opens headless Chromium at the given
    /// size, asking for pages in `lang` first.
    pub async fn open(app: &App, viewport: Viewport, lang: &str) -> Browser {
        Browser::open_with(app, viewport, lang, true).await
    }

    /// As [`Browser::open`]; `javascript: false` turns script off in the pages
    /// (Chromium's content setting), as some users and screen readers browse.
    pub async fn open_with(app: &App, viewport: Viewport, lang: &str, javascript: bool) -> Browser {
        // Both rustls crypto back-ends are in the dependency graph: pick one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        require(CHROMIUM, "chromium");
        require(CHROMEDRIVER, "chromium-driver");
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut options = json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                "--window-size=1280,800", format!("--lang={lang}"),
            ],
            "prefs": {"intl.accept_languages": lang},
        });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        if viewport == Viewport::Phone {
            // A tap makes chromedriver wait for two page timers, and timers
            // never fire with script off: without script the phone clicks.
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1.0, "touch": javascript},
                "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session through chromedriver");
        if viewport == Viewport::Desktop {
            // The window size counts the browser's own frame: make the page 1280×800.
            let frame = client
                .execute(
                    "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
                    vec![],
                )
                .await
                .expect("window frame");
            let dx = frame[0].as_u64().unwrap_or(0) as u32;
            let dy = frame[1].as_u64().unwrap_or(0) as u32;
            client
                .set_window_size(1280 + dx, 800 + dy)
                .await
                .expect("window size");
        }
        Browser {
            client,
            base: app.base.clone(),
            driver,
        }
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    pub async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        path
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no element {css} on {}: {e}\n{}",
                self.path_now().await,
                self.client.source().await.unwrap_or_default()
            ),
        }
    }

    async fn path_now(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Sets a field's value through script (date inputs take keys in the
    /// browser's locale format; this does not depend on it).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(value)],
            )
            .await
            .expect("set value");
    }

    pub async fn select(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.select_by_value(value).await.expect("select option");
    }

    /// Clicks an element after scrolling it to the middle of the screen (the
    /// roster's save bar sticks to the bottom edge, as on a real phone).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element).expect("element reference")],
            )
            .await
            .expect("scroll");
        element.click().await.expect("click");
    }

    /// Clicks a submit button and waits for the next page to have loaded (so a
    /// check that follows reads the answer, not the page the form was on).
    pub async fn submit(&self, css: &str) {
        self.client
            .execute("window.__kouzaBefore = true;", vec![])
            .await
            .expect("mark the page");
        self.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let loaded = self
                .client
                .execute(
                    "return window.__kouzaBefore === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after submitting {css}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the link or button whose visible text contains `text`, waiting
    /// for it to appear (the page may still be loading).
    pub async fn click_text(&self, css: &str, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default();
            for element in found {
                if element.text().await.unwrap_or_default().contains(text)
                    && element.click().await.is_ok()
                {
                    return;
                }
            }
            if Instant::now() > deadline {
                panic!("no {css} with text {text:?} on {}", self.path_now().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// The page's visible text.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    pub async fn assert_text(&self, needle: &str) {
        let text = self.page_text().await;
        assert!(
            text.contains(needle),
            "expected {needle:?} on {}; the page says:\n{text}",
            self.path_now().await
        );
    }

    pub async fn login(&self, person: &Person) {
        self.go("/login").await;
        self.fill("#f-email", &person.email).await;
        self.fill("#f-password", &person.password).await;
        self.click("main form button[type=submit]").await;
        self.wait_until_path_is_not("/login").await;
    }

    /// Signs up through the form as a newcomer, 佐藤 良子, and waits until
    /// the form has gone.
    pub async fn sign_up(&self) {
        self.go("/signup").await;
        self.fill("#f-family_name", "佐藤").await;
        self.fill("#f-given_name", "良子").await;
        self.fill("#f-family_name_kana", "サトウ").await;
        self.fill("#f-given_name_kana", "ヨシコ").await;
        self.fill("#f-email", "yoshiko.sato@example.jp").await;
        self.fill("#f-password", "my garden has tomatoes").await;
        self.click("main form button[type=submit]").await;
        self.wait_until_path_is_not("/signup").await;
    }

    pub async fn wait_until_path_is_not(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.path().await;
            if !now.starts_with(path) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "still on {now} after submitting; the page says:\n{}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs axe-core (WCAG 2.1 A/AA rules and best practices) in the page and
    /// returns its serious and critical violations, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.client
            .execute(&axe_source(), vec![])
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
                  .then(r => done(r.violations
                      .filter(v => v.impact === 'serious' || v.impact === 'critical')
                      .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' +
                           v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\s+/g, ' ') + ')').join('; '))))
                  .catch(e => done(['critical axe-error: ' + String(e)]));"#,
                vec![],
            )
            .await
            .expect("axe-core runs");
        let path = self.path().await;
        result
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("axe-core gave no list of violations: {result}"))
            .into_iter()
            .map(|v| format!("{path}: {}", v.as_str().unwrap_or_default()))
            .collect()
    }

    /// Fails on any serious or critical axe-core violation.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "{what} has serious or critical accessibility violations:\n{}",
            violations.join("\n")
        );
    }

    /// Saves a PNG of the whole page (not only what fits the screen) as
    /// `docs/screenshots/<name>-<viewport>.png`, through Chromium's own
    /// `Page.captureScreenshot` with `captureBeyondViewport`. Very long pages
    /// are cut at [`MAX_SHOT_HEIGHT`] so the files stay small.
    pub async fn screenshot(&self, name: &str, viewport: Viewport) {
        let size = self
            .client
            .execute(
                "return [document.documentElement.clientWidth, \
                 Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)];",
                vec![],
            )
            .await
            .expect("page size");
        let width = size[0].as_u64().unwrap_or(1280).max(1);
        let height = size[1].as_u64().unwrap_or(800).clamp(1, MAX_SHOT_HEIGHT);
        let shot = self
            .client
            .issue_cmd(Cdp::new(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                }),
            ))
            .await
            .expect("full-page screenshot");
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 screenshot");
        let dir = root().join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots");
        std::fs::write(dir.join(format!("{name}-{}.png", viewport.name())), png)
            .expect("write screenshot");
    }

    /// Bytes of the page's HTML plus its stylesheets and scripts, fetched again
    /// from the server the way the browser got them (uncompressed).
    pub async fn page_weight(&self) -> u64 {
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                const urls = [location.href];
                document.querySelectorAll('link[rel=stylesheet][href], script[src]')
                  .forEach(e => urls.push(e.href || e.src));
                Promise.all(urls.map(u => fetch(u, {credentials: 'same-origin'})
                    .then(r => r.arrayBuffer()).then(b => b.byteLength)))
                  .then(sizes => done(sizes.reduce((a, b) => a + b, 0)))
                  .catch(e => done(-1));"#,
                vec![],
            )
            .await
            .expect("measure the page");
        let bytes = result.as_i64().unwrap_or(-1);
        assert!(bytes > 0, "could not measure the page weight");
        bytes as u64
    }
}

/// The tallest screenshot kept, in CSS pixels.
pub const MAX_SHOT_HEIGHT: u64 = 3200;

/// A Chrome DevTools Protocol command sent through chromedriver's
/// `goog/cdp/execute` endpoint (what WebDriver itself cannot do).
#[derive(Debug)]
pub struct Cdp {
    body: String,
}

impl Cdp {
    pub fn new(cmd: &str, params: serde_json::Value) -> Cdp {
        Cdp {
            body: json!({"cmd": cmd, "params": params}).to_string(),
        }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}

fn axe_source() -> String {
    let path = root().join("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run .ci/browser-deps (npm ci in tests/browser installs axe-core)",
            path.display()
        )
    })
}
