//! A real headless Chromium driven over WebDriver: Debian's `chromedriver` started on a free
//! loopback port with a fresh profile directory, a [`fantoccini`] client connected to it, and the
//! few waits the tests need (pages load through htmx, so a click is followed by polling).
//!
//! Without `chromium` and `chromedriver` on the `PATH` the browser tests are skipped with a
//! printed reason, or fail when `RAMPART_REQUIRE_BROWSER=1` (as `scripts/test` sets).

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running chromedriver and the browser session it drives; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; `None` (with the reason printed) when they are
    /// not installed and not required.
    pub async fn start() -> Option<Browser> {
        let (Some(chromium), Some(driver)) = (on_path("chromium"), on_path("chromedriver")) else {
            let reason = "chromium and chromedriver are not both on the PATH \
                          (Debian: apt-get install chromium chromium-driver)";
            assert!(
                std::env::var("RAMPART_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "RAMPART_REQUIRE_BROWSER=1 but {reason}"
            );
            eprintln!("browser test skipped: {reason}");
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("a profile directory");
        let client = connect(port, &chromium, profile.path()).await;
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// The element `css` selects, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        let found = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => element,
            Err(e) => panic!(
                "no {css:?} on {}: {e}\n{}",
                self.url().await,
                self.main().await
            ),
        }
    }

    /// Types `text` into the field `css` selects, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear a field");
        field.send_keys(text).await.expect("type into a field");
    }

    /// Clicks what `css` selects.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// The text of what `css` selects.
    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .expect("text of an element")
    }

    /// Waits until the text of `css` satisfies `ok`; returns it.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{css:?} on {} never fit, last {text:?}\n{}",
                self.url().await,
                self.main().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the page heading to start with `prefix`; returns the whole heading.
    pub async fn heading(&self, prefix: &str) -> String {
        self.wait_text("main h1", |h| h.starts_with(prefix)).await
    }

    /// Opens `url` and waits for its heading.
    pub async fn open(&self, url: &str, heading: &str) {
        self.client.goto(url).await.expect("open a page");
        self.heading(heading).await;
    }

    /// Runs `script` in the page; returns what it hands to its callback (the last argument).
    pub async fn run_async(&self, script: &str) -> serde_json::Value {
        self.client
            .execute_async(script, Vec::new())
            .await
            .expect("run a script in the page")
    }

    /// Sizes the window (CSS pixels) and saves a PNG of what it shows at `path`.
    pub async fn screenshot(&self, width: u32, height: u32, path: &Path) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("size the window");
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(path, png).expect("save the screenshot");
        println!("screenshot: {}", path.display());
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    async fn main(&self) -> String {
        match self.client.find(Locator::Css("main")).await {
            Ok(main) => main.text().await.unwrap_or_default(),
            Err(_) => self.client.source().await.unwrap_or_default(),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that fails never closes its session: end the driver's whole process group, so
        // its Chromium goes too instead of living on as an orphan.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A session on the chromedriver at `port`, retried while the driver is still starting.
async fn connect(port: u16, chromium: &Path, profile: &Path) -> Client {
    let args = [
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--window-size=1280,1000".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({ "binary": chromium, "args": args }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let attempt = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await;
        match attempt {
            Ok(client) => return client,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no WebDriver session from chromedriver at {url}: {e}"),
        }
    }
}
