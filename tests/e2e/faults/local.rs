//! Local faults: the keyring goes away, the config file is corrupted or cannot be
//! written, the disk is full. Each gives a clear error and a documented exit code, and
//! leaves the keyring entries (read with `secret-tool`) and every file byte for byte as
//! they were.

use std::path::{Path, PathBuf};
use std::process::Command;

use authdeck_e2e::{token_in_entry, Env, Provider};

/// Every file under the environment's directories with its bytes (lock files excepted:
/// they are empty and may be created by any command; and the accounts' activity, which
/// records a failure as it should).
pub(crate) fn snapshot(env: &Env) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![env.root.path().to_owned()];
    // The accounts' activity records failures too, by design (e2e/activity.rs).
    let activity = env.dir("state").join("activity");
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path == activity {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".lock"))
            {
                let bytes = std::fs::read(&path).expect("read file");
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

/// The keyring entries of the environment: (user, value).
pub(crate) fn keyring(env: &Env) -> Vec<(String, Option<String>)> {
    env.keyring_users()
        .into_iter()
        .map(|u| {
            let v = env.keyring_lookup(&u);
            (u, v)
        })
        .collect()
}

/// A client-credentials service against the real provider, logged in.
fn logged_in(p: &Provider, env: &Env) -> String {
    env.ok(
        &[
            "service",
            "add",
            "svc",
            "--token-url",
            &format!("{}/token", p.issuer),
            "--client-id",
            "machine-basic",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--scope",
            "api:read",
        ],
        "machine-basic-secret\n",
    );
    env.ok(&["token", "svc"], "").trim_end().to_owned()
}

fn add_second_service(env: &Env) -> authdeck_e2e::Outcome {
    env.run(
        &[
            "service",
            "add",
            "second",
            "--token-url",
            "https://id.example.test/token",
            "--client-id",
            "c2",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
        ],
        "second-secret-value\n",
    )
}

#[test]
fn keyring_gone_mid_session_is_exit_5_and_changes_nothing() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let token = logged_in(&p, &env);
    let (files, entries) = (snapshot(&env), keyring(&env));
    for args in [
        &["token", "svc"][..],
        &["token", "svc", "--min-valid", "999999"],
        &["logout", "svc"],
    ] {
        let mut cmd = env.authdeck();
        cmd.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/authdeck-test-bus",
        )
        .env_remove("DISPLAY");
        let out = env.run_with(cmd, args, "");
        assert_eq!(out.code, 5, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("the D-Bus session named by DBUS_SESSION_BUS_ADDRESS is not running"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains(&token), "{args:?}: the token leaked");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert_eq!(snapshot(&env), files, "{args:?}: files changed");
        assert_eq!(keyring(&env), entries, "{args:?}: keyring changed");
    }
    // With the keyring back, the same token is handed out.
    assert_eq!(env.ok(&["token", "svc"], "").trim_end(), token);
}

#[test]
fn a_config_corrupted_mid_session_is_reported_and_nothing_is_touched() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let token = logged_in(&p, &env);
    let path = env.dir("config").join("services.toml");
    let mut text = std::fs::read(&path).expect("config");
    text.extend_from_slice(b"\n[services.svc\nflow = \xff\n");
    std::fs::write(&path, &text).expect("corrupt");
    let (files, entries) = (snapshot(&env), keyring(&env));
    for args in [
        &["token", "svc"][..],
        &["status"],
        &["logout", "svc"],
        &["service", "remove", "svc"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("services.toml"),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(snapshot(&env), files, "{args:?}: files changed");
        assert_eq!(keyring(&env), entries, "{args:?}: keyring changed");
    }
    let out = add_second_service(&env);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(snapshot(&env), files);
    assert_eq!(keyring(&env), entries, "no secret stored for a failed add");
    // Repaired by hand, everything is as before.
    std::fs::write(
        &path,
        &text[..text.len() - b"\n[services.svc\nflow = \xff\n".len()],
    )
    .expect("repair");
    assert_eq!(env.ok(&["token", "svc"], "").trim_end(), token);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Makes a directory read-only for the duration: mode 0555, and for root (whom modes do
/// not stop) the immutable attribute.
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn new(dir: &Path) -> Option<ReadOnly> {
        let status = Command::new("chmod").arg("0555").arg(dir).status().ok()?;
        assert!(status.success());
        let guard = ReadOnly(dir.to_owned());
        if is_root() {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return None; // no way to stop root writing here: the test cannot run
            }
        }
        Some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        let _ = Command::new("chmod").arg("0700").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_config_dir_is_a_clear_error_and_the_keyring_is_restored() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let token = logged_in(&p, &env);
    let Some(_ro) = ReadOnly::new(&env.dir("config")) else {
        eprintln!("skipped: cannot make a directory read-only for root here (chattr)");
        return;
    };
    let (files, entries) = (snapshot(&env), keyring(&env));
    let out = add_second_service(&env);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("services.toml") || out.stderr.contains("config"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("ermission denied") || out.stderr.contains("not permitted"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("second-secret-value"));
    assert_eq!(snapshot(&env), files, "files changed");
    assert_eq!(
        keyring(&env),
        entries,
        "the secret of the failed add stayed behind"
    );
    // Reading still works.
    assert_eq!(env.ok(&["token", "svc"], "").trim_end(), token);
}

/// A tiny tmpfs mounted over a directory (root only), unmounted when dropped.
pub(super) struct TinyFs(PathBuf);

impl TinyFs {
    pub(super) fn mount(dir: &Path) -> Option<TinyFs> {
        if !is_root() {
            return None;
        }
        std::fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k,mode=0700", "authdeck-test"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| TinyFs(dir.to_owned()))
    }

    /// Fills the file system up to the last byte.
    pub(super) fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.0.join("filler")).expect("filler");
        let block = [0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let byte = [0u8; 1];
        while f.write_all(&byte).is_ok() {}
        let _ = f.sync_all();
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_changes_nothing() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let Some(fs) = TinyFs::mount(&env.dir("config")) else {
        eprintln!("skipped: simulating a full disk needs root (a tmpfs mount)");
        return;
    };
    let token = logged_in(&p, &env);
    fs.fill();
    let (files, entries) = (snapshot(&env), keyring(&env));
    let out = add_second_service(&env);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("second-secret-value"));
    assert_eq!(
        snapshot(&env),
        files,
        "files changed (or a temp file was left)"
    );
    assert_eq!(
        keyring(&env),
        entries,
        "the secret of the failed add stayed behind"
    );
    assert_eq!(env.ok(&["token", "svc"], "").trim_end(), token);
}

/// A keyring of its own (a nested D-Bus session with its own gnome-keyring, files in a
/// temp dir), so locking it does not disturb the tests sharing the suite's keyring.
pub(crate) struct PrivateKeyring {
    session: std::process::Child,
    pub(crate) bus: String,
    home: tempfile::TempDir,
}

impl PrivateKeyring {
    pub(crate) fn start() -> PrivateKeyring {
        use std::io::BufRead;
        let home = tempfile::tempdir().expect("tempdir");
        for d in ["data", "run"] {
            std::fs::create_dir(home.path().join(d)).expect("mkdir");
        }
        let _ = Command::new("chmod")
            .arg("0700")
            .arg(home.path().join("run"))
            .status();
        // The session lives until its stdin closes (when this value is dropped).
        let mut session = Command::new("dbus-run-session")
            .args([
                "--",
                "sh",
                "-c",
                "eval \"$(printf %s pw | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null; \
                 echo \"$DBUS_SESSION_BUS_ADDRESS\"; read _",
            ])
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", home.path().join("run"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            // No display: gnome-keyring must not put an unlock prompt on the suite's Xvfb,
            // where nobody answers it (the locked keyring would then wait forever).
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-run-session");
        let mut line = String::new();
        std::io::BufReader::new(session.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("bus address");
        let bus = line.trim().to_owned();
        assert!(bus.starts_with("unix:"), "no private bus: {line:?}");
        PrivateKeyring { session, bus, home }
    }

    pub(crate) fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env_remove("DISPLAY");
        cmd
    }

    /// Locks the `login` collection (secret-tool may crash on the way out; callers check
    /// that the lock took).
    pub(crate) fn lock(&self) {
        let _ = self
            .command("secret-tool")
            .args(["lock", "--collection=login"])
            .stderr(std::process::Stdio::null())
            .status();
    }

    /// Unlocks it again the way a login does: a new daemon replaces the running one,
    /// unlocked with the password (an unlock request would need a prompt).
    pub(crate) fn unlock(&self) {
        use std::io::Write;
        let mut child = self
            .command("gnome-keyring-daemon")
            .args(["--replace", "--unlock", "--components=secrets"])
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_RUNTIME_DIR", self.home.path().join("run"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon --replace");
        let _ = child.stdin.take().expect("stdin").write_all(b"pw");
        let _ = child.wait();
    }

    fn lookup(&self, env: &Env, user: &str) -> std::process::Output {
        self.command("secret-tool")
            .args(["lookup", "service", &env.namespace, "username", user])
            .output()
            .expect("secret-tool")
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        drop(self.session.stdin.take());
        let _ = self.session.wait();
    }
}

#[test]
fn a_keyring_locked_mid_session_is_exit_5_and_changes_nothing() {
    let keyring = PrivateKeyring::start();
    let env = Env::new();
    let run = |args: &[&str], stdin: &str| {
        let mut cmd = env.authdeck();
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &keyring.bus)
            .env_remove("DISPLAY");
        env.run_with(cmd, args, stdin)
    };
    let out = run(&["service", "add", "p", "--flow", "bearer"], "");
    assert_eq!(out.code, 0, "{out:?}");
    // A pasted JWT that expires in 2100: no network needed.
    let token = "eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.bG9ja2VkLXRlc3Q";
    let out = run(&["login", "p", "--token-stdin"], &format!("{token}\n"));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(run(&["token", "p"], "").stdout.trim_end(), token);
    let stored = keyring.lookup(&env, "p/default/tokens");
    assert_eq!(
        token_in_entry(&String::from_utf8_lossy(&stored.stdout), "access_token").as_deref(),
        Some(token)
    );

    // Lock it (secret-tool may crash on the way out; whether the lock took is checked).
    let _ = keyring
        .command("secret-tool")
        .args(["lock", "--collection=login"])
        .stderr(std::process::Stdio::null())
        .status();
    let locked = keyring
        .command("secret-tool")
        .args(["search", "--all", "service", &env.namespace])
        .output()
        .expect("secret-tool search");
    assert!(
        String::from_utf8_lossy(&locked.stderr).contains("locked"),
        "the keyring did not lock: {locked:?}"
    );
    let files = snapshot(&env);
    for args in [&["token", "p"][..], &["logout", "p"], &["status"]] {
        let out = run(args, "");
        if args[0] == "status" {
            // status reads no secret: it still works.
            assert_eq!(out.code, 0, "{out:?}");
            continue;
        }
        assert_eq!(out.code, 5, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("keyring is locked") && out.stderr.contains("unlock"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert_eq!(snapshot(&env), files, "{args:?}: files changed");
    }
    // The entry is still there (its value cannot be read while the keyring is locked).
    let listed = keyring
        .command("secret-tool")
        .args(["search", "--all", "service", &env.namespace])
        .output()
        .expect("secret-tool search");
    let text = String::from_utf8_lossy(&listed.stdout).into_owned()
        + &String::from_utf8_lossy(&listed.stderr);
    assert!(text.contains("username = p/default/tokens"), "{listed:?}");
}
