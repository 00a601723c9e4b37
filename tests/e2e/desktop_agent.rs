//! The desktop app hosts the token agent: with the real window running (through
//! tauri-driver, not demo mode), `authdeck token` gets its token from the app over the
//! user-only socket, with no D-Bus session in the CLI's environment at all; the app quits
//! cleanly and removes its socket; and an `authdeck agent` that already serves the socket
//! is left alone (not stolen, not deleted) by an app started after it.

use std::net::TcpStream;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::window::{desktop_bin, free_port};
use authdeck_e2e::{eventually, Env, Outcome, Provider, StopOnDrop};
use fantoccini::{Client, ClientBuilder, Locator};

/// tauri-driver (with WebKitWebDriver and the app) in a process group of its own.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(env: &Env) -> Driver {
        let (port, native_port) = (free_port(), free_port());
        let mut cmd = Command::new("tauri-driver");
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(env.app_env())
            .env("AUTHDECK_LOG", "authdeck_desktop=info")
            .env_remove("AUTHDECK_AGENT_SOCKET")
            .env_remove("AUTHDECK_DESKTOP_AGENT")
            .env("NO_AT_BRIDGE", "1")
            .env("GTK_USE_PORTAL", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tauri-driver (cargo install tauri-driver)");
        let driver = Driver { child, port };
        eventually(Duration::from_secs(10), || {
            TcpStream::connect(("127.0.0.1", port)).ok()
        })
        .expect("tauri-driver listens");
        driver
    }

    /// A WebDriver session: starts the app (not in demo mode).
    async fn session(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": desktop_bin(), "args": [] }),
        );
        ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("WebDriver session")
    }
}

impl Driver {
    /// The app's pid: the `authdeck-desktop` process in tauri-driver's process group.
    fn app_pid(&self) -> Option<u32> {
        let group = self.child.id().to_string();
        std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
            // After the name: state, ppid, pgrp.
            let pgrp = rest.split_whitespace().nth(2)?;
            if name.starts_with("authdeck-deskto") && pgrp == group {
                e.file_name().to_str()?.parse().ok()
            } else {
                None
            }
        })
    }

    /// Quits the app the way a session's end does (SIGTERM; WebKitWebDriver's own end of
    /// a session kills the app outright) and waits until it has exited.
    fn quit_app(&self) {
        let pid = self.app_pid().expect("the app's process");
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let exited = eventually(Duration::from_secs(30), || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
            // Gone, or a zombie its parent has not reaped yet.
            stat.map_or(true, |s| s.contains(") Z ")).then_some(())
        });
        assert!(exited.is_some(), "the app did not quit on SIGTERM");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The window is up and shows the service list with `pw`.
async fn wait_for_list(c: &Client) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid='service-pw']"))
        .await
        .unwrap_or_else(|e| panic!("the app's window shows no service 'pw': {e}"));
}

/// The socket `authdeck agent` (and so the app) serves for this environment.
fn socket_of(env: &Env) -> PathBuf {
    let out = env.ok(&["agent", "--print-socket"], "");
    PathBuf::from(out.trim_end())
}

fn answers(socket: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(socket).is_ok()
}

/// `authdeck token pw` with no D-Bus session (and no display) in its environment, so
/// only an agent can give it a token.
fn token_without_dbus(env: &Env) -> Outcome {
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_LOG", "authdeck=debug,authdeck_core=debug")
        .env_remove("AUTHDECK_AGENT_SOCKET")
        .env_remove("AUTHDECK_AGENT")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    env.run_with(cmd, &["token", "pw"], "")
}

#[test]
fn desktop_app_serves_tokens_to_the_cli_without_dbus() {
    assert!(
        std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty()),
        "no DISPLAY: run the suite with scripts/test.sh (it starts Xvfb)"
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let p = Provider::start(&[]);
    let env = Env::new();
    env.logged_in_password(&p, "pw");
    let t0 = env.ok(&["token", "pw"], "").trim_end().to_owned();
    let socket = socket_of(&env);
    assert!(!socket.exists(), "no agent yet: {}", socket.display());

    // Without the app, no D-Bus means no token (the keyring is out of reach): exit 5.
    let out = token_without_dbus(&env);
    assert_eq!(out.code, 5, "{out:?}");

    let driver = Driver::start(&env);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let c = driver.session().await;
        wait_for_list(&c).await;
        let up = eventually(Duration::from_secs(30), || answers(&socket).then_some(()));
        assert!(
            up.is_some(),
            "the app serves no agent on {}",
            socket.display()
        );

        // The app answers; the CLI has no D-Bus session at all.
        let out = token_without_dbus(&env);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains("served by the agent"), "{out:?}");
        assert_eq!(out.stdout.trim_end(), t0);

        // Quitting the app stops its agent and removes the socket.
        driver.quit_app();
        let _ = c.close().await;
    });
    assert!(!socket.exists(), "the app left {} behind", socket.display());
    assert_eq!(
        token_without_dbus(&env).code,
        5,
        "no agent after the app quit"
    );

    // A user-started `authdeck agent` already serves: an app started after it leaves it be.
    let mut agent = StopOnDrop::new(
        env.authdeck()
            .arg("agent")
            .env_remove("AUTHDECK_AGENT_SOCKET")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn authdeck agent"),
    );
    let up = eventually(Duration::from_secs(10), || answers(&socket).then_some(()));
    assert!(up.is_some(), "authdeck agent did not start");
    let inode = std::fs::metadata(&socket).expect("socket").ino();
    drop(driver);
    let driver = Driver::start(&env);
    rt.block_on(async {
        let c = driver.session().await;
        wait_for_list(&c).await;
        let out = token_without_dbus(&env);
        assert_eq!(out.code, 0, "{out:?}");
        // The app quits the normal way, running its cleanup.
        driver.quit_app();
        let _ = c.close().await;
    });
    let still = std::fs::metadata(&socket).map(|m| m.ino()).ok();
    assert_eq!(
        still,
        Some(inode),
        "the app replaced or removed the agent's socket"
    );
    let out = token_without_dbus(&env);
    assert_eq!(out.code, 0, "the user's agent no longer serves: {out:?}");
    assert!(out.stderr.contains("served by the agent"), "{out:?}");
    agent.stop();
}
