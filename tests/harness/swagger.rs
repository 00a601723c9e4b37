//! The real Swagger UI in a real browser: `tests/swagger/serve.mjs` serves the
//! `swagger-ui-dist` package for one OpenAPI document, and `tests/swagger/journey.mjs`
//! drives Debian's headless Chromium through `playwright-core` the way a person pastes a
//! token (Authorize, paste, Close, Try it out, Execute) and reports the status Swagger UI
//! shows. Both node processes are stopped when their handles are dropped (a panic too).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tests_dir;

/// How long one journey may take before it is stopped (the script has its own, shorter,
/// deadline; this one only catches a node process that hangs).
const JOURNEY_LIMIT: Duration = Duration::from_secs(150);

/// The directory for screenshots of the Swagger UI journeys: `<repo>/artifacts/swagger`.
pub fn artifacts_dir() -> PathBuf {
    let repo = tests_dir().parent().expect("repo root").to_owned();
    repo.join("artifacts").join("swagger")
}

/// A child process that is asked to stop (SIGTERM, so Playwright closes Chromium), then
/// killed, when dropped.
#[derive(Debug)]
struct Reaped(Child);

impl Reaped {
    fn stop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let start = Instant::now();
            while matches!(self.0.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(5)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `tests/swagger/serve.mjs` serving Swagger UI for `spec_url`; stopped when dropped.
#[derive(Debug)]
pub struct SwaggerUi {
    /// The page, `http://127.0.0.1:<port>/`.
    pub url: String,
    _child: Reaped,
}

impl SwaggerUi {
    pub fn start(spec_url: &str) -> SwaggerUi {
        let mut child = Reaped(
            Command::new("node")
                .arg(tests_dir().join("swagger").join("serve.mjs"))
                .env("SPEC_URL", spec_url)
                .env("PORT", "0")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start node tests/swagger/serve.mjs (is node installed?)"),
        );
        let stdout = child.0.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read serve.mjs's ready line");
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("serve.mjs did not start (got {line:?}: {e}); run `npm ci` in tests/")
        });
        let url = ready["url"].as_str().expect("url").to_owned();
        SwaggerUi { url, _child: child }
    }
}

/// One pass through Swagger UI: which security scheme gets the token, which operation is
/// executed, and where the screenshots go (`<artifacts>/<name>-<step>.png`).
#[derive(Debug, Clone)]
pub struct Journey {
    /// The security scheme's name in the document (`components.securitySchemes`).
    pub scheme: String,
    pub method: String,
    /// The operation's path as the document lists it, e.g. `/version`.
    pub path: String,
    pub artifacts: PathBuf,
}

/// What Swagger UI showed.
#[derive(Debug)]
pub struct JourneyResult {
    /// The live response's status code in Swagger UI's "Server response" table.
    pub status: u16,
    /// The curl command Swagger UI shows carries `Authorization: Bearer <the token>`.
    pub sent_authorization: bool,
    /// The page has an "Authorize" button.
    pub authorize_button: bool,
    /// The response body Swagger UI shows (journeys through the proxy only).
    pub body: String,
    pub screenshots: Vec<PathBuf>,
}

impl Journey {
    /// Runs the journey on `page` pasting `token` (handed to the script on stdin); the
    /// screenshots are named `<name>-1-page.png`, `-2-authorize.png`, `-3-response.png`.
    /// Panics with the script's error (and its failure screenshot) when a step fails.
    pub fn run(&self, page: &str, token: &str, name: &str) -> JourneyResult {
        self.run_with(page, token, name, &["--scheme", &self.scheme])
    }

    /// The journey on a page served by `authdeck proxy`: nothing to paste (`scheme` is
    /// not used); the screenshots are `<name>-1-page.png` and `<name>-3-response.png`.
    pub fn run_without_authorize(&self, page: &str, name: &str) -> JourneyResult {
        self.run_with(page, "", name, &["--no-authorize"])
    }

    fn run_with(&self, page: &str, token: &str, name: &str, mode: &[&str]) -> JourneyResult {
        let mut child = Reaped(
            Command::new("node")
                .arg(tests_dir().join("swagger").join("journey.mjs"))
                .args(["--page", page])
                .args(mode)
                .args(["--method", &self.method, "--path", &self.path])
                .arg("--artifacts")
                .arg(&self.artifacts)
                .args(["--name", name])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start node tests/swagger/journey.mjs"),
        );
        {
            let mut stdin = child.0.stdin.take().expect("stdin");
            stdin.write_all(token.as_bytes()).expect("write the token");
        }
        let stdout = child.0.stdout.take().expect("stdout");
        let start = Instant::now();
        while matches!(child.0.try_wait(), Ok(None)) {
            assert!(
                start.elapsed() < JOURNEY_LIMIT,
                "journey.mjs ({name}) still running after {JOURNEY_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let result = read_result(stdout, name);
        if let Some(error) = result["error"].as_str() {
            panic!(
                "the Swagger UI journey ({name}) failed: {error}; screenshots: {}",
                result["screenshots"]
            );
        }
        JourneyResult {
            status: result["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or_else(|| panic!("journey.mjs ({name}): no status in {result}")),
            sent_authorization: result["sentAuthorization"] == true,
            authorize_button: result["authorizeButton"] == true,
            body: result["body"].as_str().unwrap_or_default().to_owned(),
            screenshots: result["screenshots"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(|p| Path::new(p).to_owned()))
                .collect(),
        }
    }
}

fn read_result(mut stdout: ChildStdout, name: &str) -> serde_json::Value {
    let mut text = String::new();
    stdout
        .read_to_string(&mut text)
        .expect("read journey.mjs's output");
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!("journey.mjs ({name}) printed no result (got {text:?}: {e}); run `npm ci` in tests/")
    })
}
