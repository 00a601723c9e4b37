//! The CLI's contract: usage errors, config errors with positions, exit codes, and a
//! keyring that is not there.

use authdeck_e2e::Env;

#[test]
fn usage_and_config_errors_exit_2() {
    let env = Env::new();
    assert_eq!(env.run(&["frobnicate"], "").code, 2);
    let out = env.run(&["token", "nosuch"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no service 'nosuch'"), "{}", out.stderr);
    let out = env.run(
        &[
            "service",
            "add",
            "x",
            "--client-id",
            "a",
            "--flow",
            "auth-code",
        ],
        "",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--issuer"), "{}", out.stderr);
    let out = env.run(
        &[
            "service",
            "add",
            "Bad Id",
            "--issuer",
            "https://id.test",
            "--client-id",
            "a",
            "--flow",
            "device",
        ],
        "",
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not a valid service id"),
        "{}",
        out.stderr
    );
    let out = env.run(
        &[
            "service",
            "add",
            "cc",
            "--issuer",
            "https://id.test",
            "--client-id",
            "a",
            "--flow",
            "client-credentials",
        ],
        "",
    );
    assert_eq!(out.code, 2, "a client secret is required: {out:?}");
    assert!(
        out.stderr.contains("--client-secret-stdin"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_malformed_config_is_reported_with_position_and_never_overwritten() {
    let env = Env::new();
    let path = env.dir("config").join("services.toml");
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    let text = "[services.a]\nflow = \"device\"\nclient_id = \"x\"\nissuer = \"https://id.test\"\nscope = [\"typo\"]\n";
    std::fs::write(&path, text).expect("write");
    let out = env.run(&["status"], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("services.toml:5:1"), "{}", out.stderr);
    assert!(out.stderr.contains("scope"), "{}", out.stderr);
    let out = env.run(
        &[
            "service",
            "add",
            "b",
            "--issuer",
            "https://id.test",
            "--client-id",
            "y",
            "--flow",
            "device",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "the broken file must stay as it was"
    );
}

#[test]
fn service_list_show_remove() {
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "one",
            "--issuer",
            "https://id.example.test",
            "--client-id",
            "c1",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
            "--docs-url",
            "https://api.example.test/docs",
            "--api-base",
            "https://api.example.test",
        ],
        "one-secret-value\n",
    );
    let list = env.ok(&["service", "list"], "");
    assert!(
        list.contains("one") && list.contains("client-credentials"),
        "{list}"
    );
    let show = env.ok(&["service", "show", "one"], "");
    assert!(
        show.contains("client secret: stored in the keyring"),
        "{show}"
    );
    assert!(!show.contains("one-secret-value"), "{show}");
    let config = std::fs::read_to_string(env.dir("config").join("services.toml")).expect("config");
    assert!(!config.contains("one-secret-value"), "{config}");
    assert_eq!(env.keyring_users(), vec!["one/client_secret".to_owned()]);
    let status = env.ok(&["status"], "");
    assert!(status.contains("not logged in"), "{status}");
    env.ok(&["service", "remove", "one"], "");
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
    assert!(env
        .ok(&["service", "list"], "")
        .contains("No services configured"));
}

#[test]
fn no_keyring_is_exit_5_with_a_clear_message() {
    let env = Env::new();
    let mut cmd = env.authdeck();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/authdeck-test-bus",
    )
    .env_remove("DISPLAY");
    let out = env.run_with(
        cmd,
        &[
            "service",
            "add",
            "k",
            "--issuer",
            "https://id.test",
            "--client-id",
            "c",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
        ],
        "k-secret-value\n",
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert!(
        out.stderr.contains("keyring") || out.stderr.contains("D-Bus"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("k-secret-value"));
    // Nothing was configured either: the secret goes first, and it failed.
    assert!(!env.dir("config").join("services.toml").exists());
}

/// A token pasted at a terminal prompt is read without echo: it never shows on screen,
/// and it reaches the keyring.
#[test]
fn a_secret_typed_at_a_terminal_is_not_echoed() {
    let env = Env::new();
    env.ok(
        &[
            "service",
            "add",
            "tok",
            "--flow",
            "bearer",
            "--api-base",
            "https://api.example.org",
        ],
        "",
    );
    let secret = "typed-secret-4fj29dk";
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(authdeck_e2e::tests_dir().join("pty/type_secret.py"))
        .arg(secret)
        .arg(authdeck_e2e::authdeck_bin())
        .args(["login", "tok"]);
    let out = env.run_with(
        {
            let base = env.authdeck();
            for (k, v) in base.get_envs() {
                match v {
                    Some(v) => cmd.env(k, v),
                    None => cmd.env_remove(k),
                };
            }
            cmd
        },
        &[],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Paste the token"), "{}", out.stdout);
    assert!(out.stdout.contains("Stored the token"), "{}", out.stdout);
    assert!(
        !out.stdout.contains(secret),
        "the terminal showed the secret: {}",
        out.stdout
    );
    assert_eq!(env.ok(&["token", "tok"], "").trim(), secret);
}
