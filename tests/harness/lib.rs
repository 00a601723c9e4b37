//! Test harness for Authdeck's end-to-end tests: the real `oidc-provider` as a child
//! process, an isolated Authdeck environment (its own directories and keyring
//! namespace), the real `authdeck` binary, the real Secret Service through `secret-tool`,
//! a small fault server that misbehaves on purpose, and a recording desktop notification
//! server (`notifications.rs`).
//!
//! Run the suite through the README's test command: it starts a private D-Bus session
//! with an unlocked gnome-keyring. Without one, the tests fail with a clear message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub mod auth_http;
pub mod faults;
pub mod notifications;
pub mod swagger;
pub mod upstream;

/// The `tests/` directory (node fixtures live under it).
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built `authdeck` binary, next to the test executable's `deps/` directory.
pub fn authdeck_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join(format!("authdeck{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it first (`cargo build -p authdeck-cli`; the README's test command does)",
        bin.display()
    );
    bin
}

/// The directory of Swagger UI's files the proxies of the tests serve (through
/// `AUTHDECK_SWAGGER_UI_DIR`, in [`Env::app_env`]): prepared once per run from
/// `tests/node_modules/swagger-ui-dist` by `scripts/swagger-ui-files.sh`, gzip-compressed
/// as the Debian package installs them.
pub fn swagger_ui_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let out = authdeck_bin()
            .parent()
            .expect("target dir")
            .join("swagger-ui-e2e");
        let script = tests_dir().join("../scripts/swagger-ui-files.sh");
        let status = Command::new("bash")
            .arg(&script)
            .arg(tests_dir().join("node_modules/swagger-ui-dist"))
            .arg(&out)
            .status()
            .expect("run scripts/swagger-ui-files.sh");
        assert!(status.success(), "scripts/swagger-ui-files.sh failed");
        out
    })
    .clone()
}

/// Fails the test with a clear message when there is no Secret Service to test against.
pub fn require_keyring() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    assert!(
        !bus.is_empty(),
        "no D-Bus session: run the suite with the README's test command (scripts/test.sh), which starts dbus-run-session with gnome-keyring"
    );
}

/// A running oidc-provider; killed when dropped.
#[derive(Debug)]
pub struct Provider {
    pub issuer: String,
    child: Child,
}

impl Provider {
    /// Starts the provider with extra environment (TTLs, DISCOVERY, …).
    pub fn start(env: &[(&str, &str)]) -> Provider {
        let script = tests_dir().join("provider").join("server.mjs");
        let mut cmd = Command::new("node");
        cmd.arg(&script)
            .env("PORT", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect(
            "start node tests/provider/server.mjs (is node installed and `npm ci` run in tests/?)",
        );
        let stdout = child.stdout.take().expect("stdout");
        // The ready line is read on a thread so a provider that hangs while starting fails
        // this test with its threads' stacks instead of stalling the whole run.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = ready_tx.send(read);
        });
        let line = match ready_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(read) => read.expect("read provider's ready line"),
            Err(_) => {
                let pid = child.id();
                let stacks = Command::new("sh")
                    .arg("-c")
                    .arg(format!(
                        "command -v gdb >/dev/null && gdb -p {pid} -batch -ex 'thread apply all bt 12' 2>/dev/null | grep '^#' | head -60"
                    ))
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                    .unwrap_or_default();
                let _ = child.kill();
                panic!("provider {pid} printed no ready line within 60 s; its stacks:\n{stacks}");
            }
        };
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("provider did not start (got {line:?}: {e}); run `npm ci` in tests/")
        });
        let issuer = ready["issuer"].as_str().expect("issuer").to_owned();
        Provider { issuer, child }
    }

    /// The token endpoint's counts, `{"success": {grant_type: n}, "error": {code: n}}`
    /// (`GET /test/grants`).
    pub fn grants(&self) -> serde_json::Value {
        reqwest::blocking::get(format!("{}/test/grants", self.issuer))
            .expect("grant counts")
            .json()
            .expect("grant counts JSON")
    }

    /// Asks the provider whether `token` is active (RFC 7662, as the `introspector` client).
    pub fn introspect(&self, token: &str) -> serde_json::Value {
        let resp = reqwest::blocking::Client::new()
            .post(format!("{}/token/introspection", self.issuer))
            .basic_auth("introspector", Some("introspector-secret"))
            .form(&[("token", token)])
            .send()
            .expect("introspection request");
        resp.json().expect("introspection JSON")
    }

    /// Sends a raw refresh request (as `client_id`, public), returning status and body.
    pub fn raw_refresh(&self, client_id: &str, refresh_token: &str) -> (u16, serde_json::Value) {
        let resp = reqwest::blocking::Client::new()
            .post(format!("{}/token", self.issuer))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", client_id),
            ])
            .send()
            .expect("refresh request");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(serde_json::Value::Null))
    }

    /// Approves (or denies) a device code the way a person would, with the fixture's helper.
    pub fn approve_device(&self, verification_uri: &str, user_code: &str, deny: bool) {
        let mut cmd = Command::new("node");
        cmd.arg(tests_dir().join("provider").join("device.mjs"))
            .arg(verification_uri)
            .arg(user_code);
        if deny {
            cmd.arg("--deny");
        }
        let status = cmd.status().expect("run device.mjs");
        assert!(status.success(), "device.mjs failed: {status}");
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// An isolated Authdeck: its own config/state/cache directories and keyring namespace.
#[derive(Debug)]
pub struct Env {
    pub root: tempfile::TempDir,
    pub namespace: String,
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

impl Env {
    pub fn new() -> Env {
        require_keyring();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        Env {
            root: tempfile::tempdir().expect("tempdir"),
            namespace: format!("authdeck-test-{}-{n}", std::process::id()),
        }
    }

    pub fn dir(&self, which: &str) -> PathBuf {
        self.root.path().join(which)
    }

    /// The `authdeck` command in this environment; the "browser" is the fixture's
    /// redirect-following stand-in.
    pub fn authdeck(&self) -> Command {
        let mut cmd = Command::new(authdeck_bin());
        cmd.envs(self.app_env())
            .env(
                "AUTHDECK_BROWSER",
                format!(
                    "node {}",
                    tests_dir().join("provider").join("browser.mjs").display()
                ),
            )
            .env_remove("AUTHDECK_LOG")
            .env_remove("AUTHDECK_HTTP_TIMEOUT")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `authdeck args…` with `stdin`, returning (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str], stdin: &str) -> Outcome {
        self.run_with(self.authdeck(), args, stdin)
    }

    /// Like [`Env::run`], with a prepared command (extra env).
    pub fn run_with(&self, mut cmd: Command, args: &[&str], stdin: &str) -> Outcome {
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn authdeck");
        // No command here takes minutes: one that does is hung, and fails with its stacks.
        let _watchdog = Watchdog::new(child.id(), Duration::from_secs(180));
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("authdeck output");
        let outcome = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_no_known_secret(&format!("stderr of authdeck {args:?}"), &outcome.stderr);
        outcome
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert_eq!(out.code, 0, "authdeck {args:?} failed: {out:?}");
        out.stdout
    }

    /// The variables that point an Authdeck process (CLI or app) at this environment's
    /// directories and keyring namespace.
    /// (And Swagger UI's files, [`swagger_ui_dir`].)
    pub fn app_env(&self) -> [(&'static str, std::ffi::OsString); 5] {
        [
            ("AUTHDECK_SWAGGER_UI_DIR", swagger_ui_dir().into_os_string()),
            ("AUTHDECK_CONFIG_DIR", self.dir("config").into_os_string()),
            ("AUTHDECK_STATE_DIR", self.dir("state").into_os_string()),
            ("AUTHDECK_CACHE_DIR", self.dir("cache").into_os_string()),
            ("AUTHDECK_KEYRING_NAMESPACE", self.namespace.clone().into()),
        ]
    }

    /// Adds service `id`: auth code + PKCE for the provider's public client `native-app`
    /// (scope `openid`), and logs it in (the provider logs `alice` in without a person).
    pub fn logged_in_auth_code(&self, p: &Provider, id: &str) {
        self.ok(
            &[
                "service",
                "add",
                id,
                "--issuer",
                &p.issuer,
                "--client-id",
                "native-app",
                "--flow",
                "auth-code",
                "--scope",
                "openid",
            ],
            "",
        );
        self.ok(&["login", id], "");
    }

    /// Adds service `id`: the password grant for `alice` at the provider's public client
    /// `native-app` (scope `openid`), and logs it in.
    pub fn logged_in_password(&self, p: &Provider, id: &str) {
        self.ok(
            &[
                "service",
                "add",
                id,
                "--issuer",
                &p.issuer,
                "--client-id",
                "native-app",
                "--flow",
                "password",
                "--username",
                "alice",
                "--password-stdin",
                "--scope",
                "openid",
            ],
            "alice-password\n",
        );
        self.ok(&["login", id], "");
    }

    /// A stored secret, read independently with `secret-tool`: the entry `user`, or, for
    /// `service/account/access_token` (`refresh_token`, `id_token`) when there is no
    /// such entry, that token from the account's one `service/account/tokens` entry (the
    /// layout Authdeck writes; see `vault/tokens.rs`).
    pub fn keyring_lookup(&self, user: &str) -> Option<String> {
        if let Some(value) = self.keyring_entry(user) {
            return Some(value);
        }
        let (account, field) = user.rsplit_once('/')?;
        if !["access_token", "refresh_token", "id_token"].contains(&field) {
            return None;
        }
        token_in_entry(&self.keyring_entry(&format!("{account}/tokens"))?, field)
    }

    /// The value of the keyring entry `user`, read with `secret-tool`.
    pub fn keyring_entry(&self, user: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", &self.namespace, "username", user])
            .output()
            .expect("run secret-tool (libsecret-tools)");
        if out.status.success() && !out.stdout.is_empty() {
            Some(
                String::from_utf8_lossy(&out.stdout)
                    .trim_end_matches('\n')
                    .to_owned(),
            )
        } else {
            None
        }
    }

    /// The `username` attributes of every keyring entry in this namespace.
    pub fn keyring_users(&self) -> Vec<String> {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", &self.namespace])
            .output()
            .expect("run secret-tool");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let mut users: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("attribute.username = "))
            .map(str::to_owned)
            .collect();
        users.sort();
        users
    }

    /// Every file under the config, state and cache dirs that contains `needle`.
    pub fn files_containing(&self, needle: &str) -> Vec<PathBuf> {
        assert!(needle.len() >= 8, "needle too short to be meaningful");
        let mut hits = Vec::new();
        let mut stack = vec![self.root.path().to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let mut bytes = Vec::new();
                    if let Ok(mut f) = std::fs::File::open(&path) {
                        let _ = f.read_to_end(&mut bytes);
                    }
                    if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                        hits.push(path);
                    }
                }
            }
        }
        hits
    }

    /// Starts `authdeck args…` in the background with stdout piped (for logins).
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.authdeck()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn authdeck")
    }
}

/// The fixed secrets of the test providers (oidc-provider's clients and users, demo-idp's
/// credentials). Every `authdeck` run through [`Env::run`] has its stderr (messages and
/// logs) searched for them, so the whole end-to-end suite checks that no error message
/// or log line carries one.
pub const KNOWN_SECRETS: &[&str] = &[
    "conf-basic-secret",
    "conf-post-secret",
    "machine-basic-secret",
    "machine-post-secret",
    "introspector-secret",
    "jwt-secret-client-secret-of-32-bytes",
    "alice-password",
    "bob-password",
    demo_idp::credentials::QUAMOTION_CLIENT_SECRET,
    demo_idp::credentials::QUAMOTION_EXPIRED_CLIENT_SECRET,
    demo_idp::credentials::AUTOLAB_CLIENT_SECRET,
    demo_idp::credentials::PLANTPREDICT_CLIENT_SECRET,
    demo_idp::credentials::PLANTPREDICT_PASSWORD,
    demo_idp::credentials::NOMAD_PASSWORD,
];

/// Fails when `text` holds one of [`KNOWN_SECRETS`].
pub fn assert_no_known_secret(what: &str, text: &str) {
    for secret in KNOWN_SECRETS {
        assert!(
            !text.contains(secret),
            "{what} holds a secret ({}…):\n{text}",
            &secret[..4]
        );
    }
}

/// What a finished command did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Reads JSON lines from a child's stdout until one has `"event": event`.
pub fn wait_for_event(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    event: &str,
) -> serde_json::Value {
    for line in lines {
        let line = line.expect("read line");
        let value: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not a JSON line: {line:?} ({e})"));
        if value["event"] == event {
            return value;
        }
        assert_ne!(value["event"], "error", "login failed: {value}");
    }
    panic!("the process ended before the '{event}' event");
}

/// Sends `signal` to process `pid` straight from this process (no `kill` command).
pub fn send_signal(pid: u32, signal: rustix::process::Signal) -> std::io::Result<()> {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or_else(|| std::io::Error::other(format!("{pid} is not a process id")))?;
    rustix::process::kill_process(pid, signal).map_err(std::io::Error::from)
}

/// Sends SIGINT to process `pid`, as a terminal's Ctrl-C does: at once, with no `kill`
/// command started in between to give the process time.
pub fn interrupt(pid: u32) {
    send_signal(pid, rustix::process::Signal::INT).expect("send SIGINT");
}

/// Kills process `pid` if it is still running after `limit`, first printing what each of
/// its threads was waiting in (and their stacks, where gdb is installed), so a hung
/// process fails its test with a diagnosis instead of hanging the whole run. Dropping the
/// watchdog disarms it.
#[derive(Debug)]
pub struct Watchdog {
    disarm: Option<std::sync::mpsc::Sender<()>>,
}

impl Watchdog {
    pub fn new(pid: u32, limit: Duration) -> Self {
        let (disarm, disarmed) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if disarmed.recv_timeout(limit) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            eprintln!(
                "watchdog: process {pid} still runs after {limit:?}: its threads, then SIGKILL"
            );
            let threads = format!(
                "for t in /proc/{pid}/task/*; do echo \"$t $(cat $t/comm) wchan=$(cat $t/wchan)\"; done; \
                 command -v gdb >/dev/null && gdb -p {pid} -batch -ex 'thread apply all bt 25' 2>/dev/null"
            );
            let _ = Command::new("sh").args(["-c", &threads]).status();
            let _ = send_signal(pid, rustix::process::Signal::KILL);
        });
        Watchdog {
            disarm: Some(disarm),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(disarm) = self.disarm.take() {
            let _ = disarm.send(());
        }
    }
}

/// A free loopback port that is then held busy until the listener is dropped.
pub fn occupy_port() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    (l, port)
}

/// A child process that gets SIGTERM (and is waited for) when dropped: a test that fails
/// halfway leaves no process behind — one still holding the test runner's output open
/// would keep the whole run from finishing.
#[derive(Debug)]
pub struct StopOnDrop {
    child: Child,
    stopped: bool,
}

impl StopOnDrop {
    pub fn new(child: Child) -> Self {
        StopOnDrop {
            child,
            stopped: false,
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits for the exit (once).
    pub fn stop(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        let _ = send_signal(self.child.id(), rustix::process::Signal::TERM);
        let _ = self.child.wait();
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `f` until it returns `Some`, for up to `timeout`.
pub fn eventually<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The five seed services' emulation (`demo-idp`), served in-process on its own runtime.
#[derive(Debug)]
pub struct Demo {
    pub base: String,
    runtime: Option<tokio::runtime::Runtime>,
    server: Option<demo_idp::DemoIdp>,
}

impl Demo {
    pub fn start(config: demo_idp::DemoConfig) -> Demo {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(demo_idp::DemoIdp::start(config))
            .expect("start demo-idp");
        Demo {
            base: server.base_url(),
            runtime: Some(runtime),
            server: Some(server),
        }
    }

    pub fn set_auto_approve(&self, on: bool) {
        if let Some(s) = &self.server {
            s.set_auto_approve(on);
        }
    }

    /// GET `path` on the demo server with an optional bearer token; the status code.
    pub fn get_status(&self, path: &str, bearer: Option<&str>) -> u16 {
        let mut req = reqwest::blocking::Client::new().get(format!("{}{path}", self.base));
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        req.send().expect("request to demo-idp").status().as_u16()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let (Some(rt), Some(server)) = (self.runtime.take(), self.server.take()) {
            rt.block_on(server.shutdown());
            rt.shutdown_background();
        }
    }
}

/// One token (`access_token`, `refresh_token`, `id_token`) from the text of an account's
/// `service/account/tokens` keyring entry.
pub fn token_in_entry(text: &str, field: &str) -> Option<String> {
    let bundle: serde_json::Value =
        serde_json::from_str(text.trim_end_matches('\n')).expect("the tokens entry is JSON");
    assert_eq!(bundle["v"], 1, "tokens entry format version");
    bundle[field].as_str().map(str::to_owned)
}

#[cfg(test)]
mod watchdog_tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn a_watchdog_kills_a_process_that_outlives_its_limit() {
        let mut child = Command::new("sleep").arg("30").spawn().expect("sleep");
        let _watchdog = Watchdog::new(child.id(), Duration::from_millis(300));
        let status = child.wait().expect("wait");
        assert_eq!(status.signal(), Some(9), "{status:?}");
    }

    #[test]
    fn a_disarmed_watchdog_leaves_the_process_alone() {
        let mut child = Command::new("sleep").arg("1").spawn().expect("sleep");
        drop(Watchdog::new(child.id(), Duration::from_millis(100)));
        let status = child.wait().expect("wait");
        assert!(status.success(), "{status:?}");
    }
}
