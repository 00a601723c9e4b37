//! Authdeck behind the tools people already use: `authdeck exec` (tokens in a command's
//! environment, the process replaced), the git credential helper with the real `git`
//! cloning from a loopback server that demands the token, and the kubectl exec plugin
//! with the real `kubectl` against a loopback API that checks it. The tokens are demo-idp
//! Quamotion tokens (client credentials: a login needs no person), checked by the
//! servers against demo-idp's API.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use authdeck_e2e::auth_http::{self, AuthServer};
use authdeck_e2e::{eventually, Demo, Env, Outcome, StopOnDrop};
use demo_idp::credentials as creds;
use demo_idp::DemoConfig;

/// demo-idp's Quamotion API, which opens for a valid Quamotion token only.
const API: &str = "/quamotion/api/version";

/// demo-idp with two Quamotion services: `q` logged in (with its API base URL), and
/// `q2` logged in too when `both`, else added only (a login required).
fn setup(both: bool) -> (Demo, Env) {
    let demo = Demo::start(DemoConfig::default());
    let env = Env::new();
    for id in ["q", "q2"] {
        env.ok(
            &[
                "service",
                "add",
                id,
                "--preset",
                "quamotion",
                "--set",
                &format!("client_id={}", creds::QUAMOTION_CLIENT_ID),
                "--set",
                &format!(
                    "endpoints.token={}/quamotion/my-tenant/oauth2/token",
                    demo.base
                ),
                "--set",
                &format!("api_base={}/quamotion/api", demo.base),
                "--client-secret-stdin",
            ],
            &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET),
        );
    }
    env.ok(&["login", "q"], "");
    if both {
        env.ok(&["login", "q2"], "");
    }
    (demo, env)
}

fn token(env: &Env, id: &str) -> String {
    env.ok(&["token", id], "").trim_end().to_owned()
}

/// `authdeck exec ARGS…` (the command after `--` included), with `cmd`'s environment.
fn exec(env: &Env, cmd: Command, args: &[&str], stdin: &str) -> Outcome {
    env.run_with(cmd, &[&["exec"][..], args].concat(), stdin)
}

/// A running `authdeck agent` on `socket`, stopped when dropped.
fn agent(env: &Env, socket: &Path) -> StopOnDrop {
    let child = env
        .authdeck()
        .arg("agent")
        .env("AUTHDECK_AGENT_SOCKET", socket)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn authdeck agent");
    let agent = StopOnDrop::new(child);
    let up = eventually(Duration::from_secs(10), || {
        std::os::unix::net::UnixStream::connect(socket).ok()
    });
    assert!(up.is_some(), "the agent did not start");
    agent
}

/// The blocked and ignored standard signals (1-31) in a /proc/self/status text. (Signals
/// 32 and 33 are glibc's own, whose handlers a threaded process installs: they are left out.)
fn signal_state(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            let (name, mask) = l.split_once(':')?;
            if name != "SigBlk" && name != "SigIgn" {
                return None;
            }
            let mask = u64::from_str_radix(mask.trim(), 16).ok()? & 0x7fff_ffff;
            Some(format!("{name} {mask:#x}"))
        })
        .collect()
}

#[test]
fn exec_hands_tokens_through_the_environment_only() {
    let (demo, env) = setup(true);
    let t = token(&env, "q");
    let t2 = token(&env, "q2");
    let api_base = format!("{}/quamotion/api", demo.base);
    let socket = env.dir("run").join("agent.sock");
    let without_agent = || {
        let mut cmd = env.authdeck();
        cmd.env("AUTHDECK_AGENT_SOCKET", &socket);
        cmd
    };

    // One service: the token in AUTHDECK_TOKEN, the API base URL beside it; the token
    // opens the API. The exit status is the command's.
    let out = exec(
        &env,
        without_agent(),
        &[
            "q",
            "--",
            "sh",
            "-c",
            r#"printf '%s\n%s\n' "$AUTHDECK_TOKEN" "$AUTHDECK_API_BASE"; exit 7"#,
        ],
        "",
    );
    assert_eq!(out.code, 7, "{out:?}");
    assert_eq!(out.stdout, format!("{t}\n{api_base}\n"));
    assert_eq!(demo.get_status(API, Some(&t)), 200);

    // Several services, each in its variable; formats; stdin passes through.
    let out = exec(
        &env,
        without_agent(),
        &[
            "-s",
            "q",
            "-s",
            "q2=OTHER",
            "--format",
            "bearer",
            "--",
            "sh",
            "-c",
            r#"cat; printf '%s|%s|%s|%s\n' "$Q_TOKEN" "$Q_API_BASE" "$OTHER" "$OTHER_API_BASE""#,
        ],
        "from stdin\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        format!("from stdin\nBearer {t}|{api_base}|Bearer {t2}|{api_base}\n")
    );
    let out = exec(
        &env,
        without_agent(),
        &[
            "q",
            "--env",
            "API_TOKEN",
            "--format",
            "header",
            "--",
            "printenv",
            "API_TOKEN",
            "API_API_BASE",
        ],
        "",
    );
    assert_eq!(
        out.stdout,
        format!("Authorization: Bearer {t}\n{api_base}\n"),
        "{out:?}"
    );
    let out = exec(
        &env,
        without_agent(),
        &["-s", "q", "-s", "q=Q_TOKEN", "--", "true"],
        "",
    );
    assert_eq!(out.code, 2, "one variable for two services: {out:?}");

    // The token is in no process's arguments while the command runs.
    let out = exec(&env, without_agent(), &["q", "--", "ps", "-eo", "args"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("ps -eo args"), "{}", out.stdout);
    assert!(!out.stdout.contains(&t), "the token shows in ps");

    // Not found, not executable: a shell's statuses and messages.
    let out = exec(
        &env,
        without_agent(),
        &["q", "--", "authdeck-no-such-command"],
        "",
    );
    assert_eq!(out.code, 127, "{out:?}");
    assert!(
        out.stderr
            .contains("authdeck-no-such-command: command not found"),
        "{out:?}"
    );
    let script = env.dir("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\necho ran\n").expect("write");
    let out = exec(
        &env,
        without_agent(),
        &["q", "--", script.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(out.code, 126, "{out:?}");
    assert!(out.stderr.contains("Permission denied"), "{out:?}");

    // A login required: exit 3 with the hint, and the command never starts.
    env.ok(&["logout", "q2"], "");
    let marker = env.dir("ran");
    let out = exec(
        &env,
        without_agent(),
        &[
            "-s",
            "q",
            "-s",
            "q2",
            "--",
            "touch",
            marker.to_str().expect("utf-8"),
        ],
        "",
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("authdeck login q2"), "{out:?}");
    assert!(!marker.exists(), "the command ran without its tokens");

    // The command gets the descriptors authdeck was given and nothing else (no keyring
    // connection, no agent socket), and the signal mask and ignored signals a command
    // started directly gets — through the keyring, and through the agent.
    let bare = Command::new("grep")
        .args(["-E", "^Sig(Blk|Ign)", "/proc/self/status"])
        .stdin(Stdio::null())
        .output()
        .expect("grep");
    let bare = signal_state(&String::from_utf8_lossy(&bare.stdout));
    assert_eq!(bare.len(), 2, "{bare:?}");
    // The test's own descriptors (a child may inherit those that are not close-on-exec).
    let own: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .expect("fds")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for with_agent in [false, true] {
        let _agent = with_agent.then(|| agent(&env, &socket));
        let mut cmd = without_agent();
        if with_agent {
            // The agent answers: the CLI cannot reach the keyring at all.
            cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
        }
        let out = exec(&env, cmd, &["q", "--", "ls", "-l", "/proc/self/fd"], "");
        assert_eq!(out.code, 0, "{out:?}");
        // Only what the test itself holds (and `ls`'s own directory handle): no socket,
        // epoll or eventfd of authdeck's.
        for line in out.stdout.lines().filter(|l| l.contains(" -> ")) {
            let fd = line
                .split(" -> ")
                .next()
                .and_then(|l| l.split_whitespace().last());
            let fd = fd.expect("fd number");
            let target = line.split(" -> ").nth(1).unwrap_or("");
            assert!(
                !target.starts_with("socket:") && !target.starts_with("anon_inode:"),
                "agent {with_agent}: authdeck's descriptor leaked: {line}"
            );
            assert!(
                own.iter().any(|o| o == fd) || target.starts_with("/proc/"),
                "agent {with_agent}: a descriptor the test does not hold: {line}"
            );
        }
        let mut cmd = without_agent();
        if with_agent {
            cmd.env_remove("DBUS_SESSION_BUS_ADDRESS");
        }
        let out = exec(
            &env,
            cmd,
            &[
                "q",
                "--",
                "grep",
                "-E",
                "^Sig(Blk|Ign)",
                "/proc/self/status",
            ],
            "",
        );
        assert_eq!(signal_state(&out.stdout), bare, "agent {with_agent}");
    }
}

#[test]
fn exec_lets_ctrl_c_reach_the_command() {
    let (_demo, env) = setup(false);
    // Ctrl-C as a terminal delivers it: SIGINT at its default. A job started in the
    // background by a non-interactive shell (a CI runner's `… &`) inherits SIGINT
    // ignored, and exec keeps an ignored signal ignored, as a shell does.
    let mut child = Command::new("env")
        .arg("--default-signal=INT")
        .arg(authdeck_e2e::authdeck_bin())
        .envs(env.app_env())
        .args(["exec", "q", "--", "sleep", "120"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    // The process becomes `sleep` (exec: the same process, no parent left around).
    let became = eventually(Duration::from_secs(60), || {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        (comm.trim_end() == "sleep").then_some(())
    });
    assert!(became.is_some(), "authdeck exec did not become the command");
    authdeck_e2e::interrupt(pid);
    let status = child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(2),
        "the command died of SIGINT: {status:?}"
    );
    // A shell reports that as 130.
    let out = Command::new("env")
        .args([
            "--default-signal=INT",
            "sh",
            "-c",
            r#""$0" exec q -- sh -c 'kill -INT $$'; echo "status $?""#,
        ])
        .arg(authdeck_e2e::authdeck_bin())
        .envs(env.app_env())
        .stdin(Stdio::null())
        .output()
        .expect("sh");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "status 130\n",
        "{out:?}"
    );
}

/// A git at least `major.minor`, from PATH or /usr/local/bin; its path.
fn git_at_least(major: u32, minor: u32) -> Option<PathBuf> {
    ["git", "/usr/local/bin/git", "/usr/bin/git"]
        .into_iter()
        .map(PathBuf::from)
        .find(|git| git_version(git).is_some_and(|v| v >= (major, minor)))
}

fn git_version(git: &Path) -> Option<(u32, u32)> {
    let out = Command::new(git).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut parts = text.split_whitespace().nth(2)?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A bare repository with one commit; its directory's parent.
fn served_repository(env: &Env, git: &Path) -> PathBuf {
    let root = env.dir("git-served");
    let work = env.dir("git-work");
    std::fs::create_dir_all(&root).expect("mkdir");
    let run = |args: &[&str]| {
        let out = Command::new(git)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    let work_s = work.to_str().expect("utf-8");
    run(&["init", "-q", work_s]);
    std::fs::write(work.join("README"), "hello over authdeck\n").expect("write");
    run(&["-C", work_s, "add", "README"]);
    run(&[
        "-C",
        work_s,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "-m",
        "one",
    ]);
    let bare = root.join("repo.git");
    run(&[
        "clone",
        "-q",
        "--bare",
        work_s,
        bare.to_str().expect("utf-8"),
    ]);
    root
}

/// Whether `authorization` carries a token demo-idp's Quamotion API takes: as
/// `Bearer <token>`, or (with `basic`) as the password of `Basic`.
fn valid_credential(api: String, basic: bool) -> Arc<auth_http::Check> {
    Arc::new(move |authorization: &str| {
        use base64::Engine;
        let token = match authorization.split_once(' ') {
            Some(("Bearer", t)) if !basic => t.to_owned(),
            Some(("Basic", b)) if basic => {
                let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b) else {
                    return false;
                };
                let text = String::from_utf8_lossy(&raw).into_owned();
                match text.split_once(':') {
                    Some((_, password)) => password.to_owned(),
                    None => return false,
                }
            }
            _ => return false,
        };
        reqwest::blocking::Client::new()
            .get(&api)
            .bearer_auth(token)
            .send()
            .is_ok_and(|r| r.status().as_u16() == 200)
    })
}

/// `git clone` of `server`'s repository with `git`, this environment's global git
/// config in `home`; the outcome.
fn clone(env: &Env, git: &Path, home: &Path, server: &AuthServer, into: &str) -> Outcome {
    let dest = env.dir(into);
    let out = Command::new(git)
        .args(["clone", "-q", &format!("{}/repo.git", server.base)])
        .arg(&dest)
        .envs(env.app_env())
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .stdin(Stdio::null())
        .output()
        .expect("git clone");
    let outcome = Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    if outcome.code == 0 {
        let readme = std::fs::read_to_string(dest.join("README")).expect("cloned README");
        assert_eq!(readme, "hello over authdeck\n");
    }
    outcome
}

#[test]
fn git_clones_with_the_credential_helper_and_gives_other_hosts_nothing() {
    // git sends `capability[]=authtype` from 2.46 on; an older one gets the fallback.
    let new_git = git_at_least(2, 46);
    let git = new_git.clone().unwrap_or_else(|| PathBuf::from("git"));
    let (demo, env) = setup(false);
    let t = token(&env, "q");
    let api = format!("{}{API}", demo.base);
    let root = served_repository(&env, &git);
    let home = env.dir("git-home");
    std::fs::create_dir_all(&home).expect("home");
    let setup_git = |host: &str, extra: &[&str]| {
        let mut cmd = env.authdeck();
        cmd.env("HOME", &home)
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    git.parent().expect("dir").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            );
        env.run_with(
            cmd,
            &[&["git", "setup", "q", "--host", host][..], extra].concat(),
            "",
        )
    };

    // Bearer, through git's authtype capability.
    let bearer = AuthServer::start(
        "Bearer realm=\"authdeck-test\"",
        valid_credential(api.clone(), false),
        auth_http::git_http_backend(git.clone(), root.clone()),
    );
    let out = clone(&env, &git, &home, &bearer, "without-helper");
    assert_ne!(out.code, 0, "cloned without a credential: {out:?}");
    let out = setup_git(&bearer.base, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(".helper"), "{out:?}");
    // Idempotent: a second setup changes nothing.
    let before = std::fs::read_to_string(home.join(".gitconfig")).expect("gitconfig");
    let again = setup_git(&bearer.base, &[]);
    assert!(again.stdout.contains("already"), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(home.join(".gitconfig")).expect("gitconfig"),
        before
    );
    if new_git.is_some() {
        let out = clone(&env, &git, &home, &bearer, "bearer");
        assert_eq!(out.code, 0, "{out:?}");
        let schemes = bearer.schemes();
        assert!(schemes.contains(&"Bearer".to_owned()), "{schemes:?}");
        assert!(!schemes.contains(&"Basic".to_owned()), "{schemes:?}");
    } else {
        eprintln!("skipped the authtype clone: no git >= 2.46 on PATH or in /usr/local/bin");
    }

    // Basic with the token as password, for a git without authtype: Debian 12's git
    // 2.39 where installed, else the request without its capability lines.
    let basic = AuthServer::start(
        "Basic realm=\"authdeck-test\"",
        valid_credential(api.clone(), true),
        auth_http::git_http_backend(git.clone(), root.clone()),
    );
    let old_git = PathBuf::from("/usr/bin/git");
    let basic_git = if git_version(&old_git).is_some_and(|v| v < (2, 46)) {
        assert_eq!(setup_git(&basic.base, &[]).code, 0);
        old_git
    } else {
        let host = basic.base.trim_start_matches("http://");
        let helper = format!(
            "!f() {{ grep -v '^capability' | '{}' git-credential --service q --host {host} \"$@\"; }}; f",
            authdeck_e2e::authdeck_bin().display()
        );
        let key = format!("credential.{}.helper", basic.base);
        for value in ["", helper.as_str()] {
            let status = Command::new(&git)
                .args(["config", "--global", "--add", &key, value])
                .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
                .status()
                .expect("git config");
            assert!(status.success());
        }
        git.clone()
    };
    let out = clone(&env, &basic_git, &home, &basic, "basic");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        basic.schemes().contains(&"Basic".to_owned()),
        "{:?}",
        basic.schemes()
    );

    // Other hosts, plain http to another machine, other protocols: no answer at all.
    let host = bearer.base.trim_start_matches("http://").to_owned();
    let ask = |request: &str, args: &[&str]| {
        env.run(
            &[
                &["git-credential", "--service", "q", "--host", &host][..],
                args,
            ]
            .concat(),
            request,
        )
    };
    for request in [
        "protocol=https\nhost=evil.example\n\n".to_owned(),
        "protocol=http\nhost=127.0.0.2:1\n\n".to_owned(),
        format!("protocol=ftp\nhost={host}\n\n"),
        "protocol=http\nhost=quamotion.example\n\n".to_owned(),
    ] {
        let out = ask(&request, &["get"]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, ""),
            "{request:?}: {out:?}"
        );
    }
    // The right host gets it, in either form; store and erase do nothing.
    let out = ask(
        &format!("capability[]=authtype\nprotocol=http\nhost={host}\n\n"),
        &["get"],
    );
    assert!(
        out.stdout
            .contains(&format!("authtype=Bearer\ncredential={t}\n")),
        "{out:?}"
    );
    let out = ask(
        &format!("protocol=http\nhost={host}\nusername=alice\n"),
        &["get"],
    );
    assert!(
        out.stdout.starts_with(&format!(
            "username=alice\npassword={t}\npassword_expiry_utc="
        )),
        "{out:?}"
    );
    for action in ["store", "erase"] {
        let out = ask(
            &format!("protocol=http\nhost={host}\npassword={t}\n\n"),
            &[action],
        );
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, ""),
            "{action}: {out:?}"
        );
    }
    // Without --service: the one service whose API base URL has the host (two such
    // services: no answer, and a message saying so).
    let api_host = demo.base.trim_start_matches("http://");
    let request = format!("protocol=http\nhost={api_host}\n\n");
    let out = env.run(&["git-credential", "get"], &request);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{out:?}");
    assert!(out.stderr.contains("several services"), "{out:?}");
    env.ok(&["service", "remove", "q2"], "");
    let out = env.run(
        &["git-credential", "get"],
        &format!("protocol=http\nhost={api_host}\n\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!("password={t}")), "{out:?}");
    // A login required: a message, no answer, a failure.
    env.ok(&["logout", "q"], "");
    let out = ask(&format!("protocol=http\nhost={host}\n\n"), &["get"]);
    assert_eq!((out.code, out.stdout.as_str()), (3, ""), "{out:?}");
    assert!(out.stderr.contains("authdeck login q"), "{out:?}");

    // --remove takes the helper out again.
    let out = setup_git(&bearer.base, &["--remove"]);
    assert_eq!(out.code, 0, "{out:?}");
    let config = std::fs::read_to_string(home.join(".gitconfig")).expect("gitconfig");
    assert!(!config.contains(&host), "{config}");
}

/// A kubeconfig whose user runs `authdeck kube-credential q` (apiVersion `version`)
/// against `server` (kubectl runs exec plugins only for TLS servers).
fn kubeconfig(env: &Env, server: &AuthServer, version: &str) -> PathBuf {
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD
        .encode(server.certificate_pem.as_deref().expect("a TLS server"));
    let path = env.dir(&format!("kubeconfig-{version}"));
    let bin = authdeck_e2e::authdeck_bin();
    let text = format!(
        r#"apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: test
  user:
    exec:
      apiVersion: client.authentication.k8s.io/{version}
      command: {bin}
      args: [kube-credential, q]
      interactiveMode: Never
contexts:
- name: test
  context: {{cluster: test, user: test}}
current-context: test
"#,
        bin = bin.display(),
        server = server.base,
    );
    std::fs::write(&path, text).expect("kubeconfig");
    path
}

#[test]
fn kube_credential_prints_an_exec_credential_kubectl_uses() {
    let (demo, env) = setup(false);
    let t = token(&env, "q");
    // The schema, always: what kubectl asks for in KUBERNETES_EXEC_INFO is answered.
    for version in ["v1", "v1beta1"] {
        let mut cmd = env.authdeck();
        cmd.env(
            "KUBERNETES_EXEC_INFO",
            format!(r#"{{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/{version}","spec":{{"interactive":false}}}}"#),
        );
        let out = env.run_with(cmd, &["kube-credential", "q"], "");
        assert_eq!(out.code, 0, "{out:?}");
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        assert_eq!(
            v["apiVersion"],
            format!("client.authentication.k8s.io/{version}")
        );
        assert_eq!(v["kind"], "ExecCredential");
        assert_eq!(v["status"]["token"], t.as_str());
        let expiry = v["status"]["expirationTimestamp"].as_str().expect("expiry");
        assert!(
            expiry.len() == 20 && expiry.ends_with('Z') && expiry.as_bytes()[10] == b'T',
            "RFC 3339: {expiry}"
        );
    }
    let mut cmd = env.authdeck();
    cmd.env(
        "KUBERNETES_EXEC_INFO",
        r#"{"apiVersion":"client.authentication.k8s.io/v1alpha1"}"#,
    );
    let out = env.run_with(cmd, &["kube-credential", "q"], "");
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");

    // The real kubectl against a loopback API that checks the bearer token.
    let kubectl = PathBuf::from("kubectl");
    let Ok(version) = Command::new(&kubectl)
        .args(["version", "--client", "-o", "json"])
        .output()
    else {
        eprintln!("skipped: kubectl is not installed (scripts/test.sh installs it)");
        return;
    };
    let version: serde_json::Value = serde_json::from_slice(&version.stdout).unwrap_or_default();
    let minor: u32 = version["clientVersion"]["minor"]
        .as_str()
        .unwrap_or("0")
        .trim_end_matches('+')
        .parse()
        .unwrap_or(0);
    let api = AuthServer::start_tls(
        "Bearer",
        valid_credential(format!("{}{API}", demo.base), false),
        Arc::new(|request: &auth_http::HttpRequest| {
            if request.path == "/api" {
                auth_http::HttpResponse::ok(
                    "application/json",
                    br#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#
                        .to_vec(),
                )
            } else {
                auth_http::HttpResponse::not_found()
            }
        }),
    );
    // client.authentication.k8s.io/v1 needs kubectl 1.22 or later (Debian 12's is 1.20).
    let versions: &[&str] = if minor >= 22 {
        &["v1", "v1beta1"]
    } else {
        &["v1beta1"]
    };
    for version in versions {
        let config = kubeconfig(&env, &api, version);
        let out = Command::new(&kubectl)
            .args(["get", "--raw", "/api"])
            .env("KUBECONFIG", &config)
            .env("HOME", env.dir("kube-home"))
            .envs(env.app_env())
            .stdin(Stdio::null())
            .output()
            .expect("kubectl");
        assert!(out.status.success(), "kubectl {version}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("APIVersions"),
            "{out:?}"
        );
    }
    assert!(
        api.schemes().iter().all(|s| s == "Bearer"),
        "{:?}",
        api.schemes()
    );
    assert!(!api.schemes().is_empty());
}
