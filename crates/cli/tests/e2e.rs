//! End to end in real headless Chromium (Debian `chromium` + `chromium-driver`, installed
//! by scripts/test): `ampmatch serve` runs as a process, ChromeDriver drives the browser
//! over the W3C WebDriver protocol. Search and pick an amp and a headphone, see the verdict
//! and a chart, change the target and see the numbers change, open the shared URL in a new
//! page and see the same state. A screenshot is saved to target/e2e/page.png.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

mod flows;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Driver {
    base: String,
    session: String,
}

impl Driver {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let req = ureq::request(method, &url).timeout(Duration::from_secs(30));
        let resp = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match resp {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(code, r)) => panic!(
                "webdriver {method} {path}: {code} {}",
                r.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("webdriver {method} {path}: {e}"),
        }
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn js(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    fn find(&self, css: &str) -> Option<String> {
        let url = format!("{}/session/{}/element", self.base, self.session);
        match ureq::post(&url).send_json(json!({ "using": "css selector", "value": css })) {
            Ok(r) => r.into_json::<Value>().ok()?["value"]
                .as_object()?
                .values()
                .next()?
                .as_str()
                .map(str::to_string),
            Err(_) => None,
        }
    }

    fn text(&self, css: &str) -> String {
        let id = wait_until(css, Duration::from_secs(20), || self.find(css));
        self.call("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = wait_until(css, Duration::from_secs(20), || self.find(css));
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let id = wait_until(css, Duration::from_secs(20), || self.find(css));
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// The viewport's screenshot, written to target/e2e/NAME.png.
    fn screenshot(&self, name: &str) {
        let png = self.call("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("{name}.png")), &bytes).unwrap();
    }

    fn quit(&self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
    }
}

/// `ampmatch serve` on a free port, as a user starts it; its base URL.
fn start_server() -> (Killed, String) {
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_ampmatch"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    (server, base)
}

/// ChromeDriver on a free port; its URL.
fn start_chromedriver() -> (Killed, String) {
    let port = free_port();
    let driver = Killed(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (scripts/test installs it)"),
    );
    let wd = format!("http://127.0.0.1:{port}");
    wait_until("chromedriver", Duration::from_secs(20), || {
        ureq::get(&format!("{wd}/status")).call().ok()
    });
    (driver, wd)
}

/// The two screens every flow is driven at.
#[derive(Clone, Copy, PartialEq)]
enum Screen {
    /// A 1100 × 900 browser window.
    Desktop,
    /// A 390 × 844 CSS-pixel phone (Chromium's mobile emulation, 2× pixels).
    Phone,
}

impl Screen {
    fn name(self) -> &'static str {
        match self {
            Screen::Desktop => "desktop",
            Screen::Phone => "phone",
        }
    }
}

/// A fresh headless Chromium session at `screen`, with its own profile.
fn session(wd: &str, screen: Screen, profile: &std::path::Path) -> Driver {
    let mut options = json!({
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1100,900",
                 format!("--user-data-dir={}", profile.display())]
    });
    if screen == Screen::Phone {
        options["mobileEmulation"] = json!({ "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true } });
    }
    let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": options } } });
    let session: Value = ureq::post(&format!("{wd}/session"))
        .timeout(Duration::from_secs(60))
        .send_json(caps)
        .unwrap()
        .into_json()
        .unwrap();
    Driver {
        base: wd.to_string(),
        session: session["value"]["sessionId"].as_str().unwrap().to_string(),
    }
}

#[test]
fn pick_devices_see_verdict_change_target_share_link() {
    let (mut server, base) = start_server();
    let (_driver, wd) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let d = session(&wd, Screen::Desktop, profile.path());

    d.go(&format!("{base}/"));
    // Search as you type: the amp box offers catalog names.
    d.type_into("input[name=amp]", "Objective");
    let offered = wait_until("amp suggestions", Duration::from_secs(20), || {
        let v = d.js(
            "return [...document.querySelectorAll('#amp-list option')].map(o => o.value)",
            json!([]),
        );
        v.as_array().filter(|a| !a.is_empty()).cloned()
    });
    assert!(
        offered.iter().any(|o| o == "NwAvGuy Objective2 (O2)"),
        "{offered:?}"
    );
    // Pick it (what choosing from the list does: the box takes the option's value).
    d.type_into("input[name=amp]", "NwAvGuy Objective2 (O2)");
    d.type_into("input[name=load]", "HD60");
    let offered = wait_until("load suggestions", Duration::from_secs(20), || {
        let v = d.js(
            "return [...document.querySelectorAll('#load-list option')].map(o => o.value)",
            json!([]),
        );
        v.as_array().filter(|a| !a.is_empty()).cloned()
    });
    assert!(
        offered.iter().any(|o| o == "Sennheiser HD600"),
        "{offered:?}"
    );
    d.type_into("input[name=load]", "Sennheiser HD600");
    let button = d.find("button[type=submit]").unwrap();
    d.call("POST", &format!("/element/{button}/click"), Some(json!({})));

    // The verdict and a chart.
    assert_eq!(d.text("#verdict").to_lowercase(), "good");
    assert!(d.find("#chart-impedance svg").is_some());
    let numbers = d.text("#numbers");
    assert!(numbers.contains("110 dB SPL peak"), "{numbers}");
    // 97 dB/V at 110 dB needs 10^(13/20) = 4.467 V.
    assert!(numbers.contains("4.47 V"), "{numbers}");

    // Change the target: the page updates itself (the field submits on change).
    d.type_into("#target", "115");
    d.js(
        "document.getElementById('target').dispatchEvent(new Event('change'))",
        json!([]),
    );
    wait_until("new target in the URL", Duration::from_secs(20), || {
        d.url().contains("target=115").then_some(())
    });
    let numbers = d.text("#numbers");
    // 115 dB needs 10^(18/20) = 7.943 V, more than the O2's 7.24 V: insufficient.
    assert!(
        numbers.contains("115 dB SPL peak") && numbers.contains("7.94 V"),
        "{numbers}"
    );
    assert_eq!(d.text("#verdict").to_lowercase(), "insufficient");

    // The shared link reproduces the view in a fresh page.
    let shared = d.url();
    d.go("about:blank");
    d.go(&shared);
    assert_eq!(d.text("#verdict").to_lowercase(), "insufficient");
    assert!(d.text("#numbers").contains("115 dB SPL peak"));
    let share_href = d.js("return document.getElementById('share').href", json!([]));
    assert!(share_href.as_str().unwrap().contains("target=115"));

    // A screenshot, kept as a test artifact.
    d.screenshot("page");
    d.quit();

    // Graceful shutdown on SIGTERM.
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = wait_until("server exit", Duration::from_secs(10), || {
        server.0.try_wait().unwrap()
    });
    assert!(status.success(), "{status:?}");
}
