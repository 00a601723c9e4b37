//! The CLI's contract where no keyring or provider is involved: usage, presets, config
//! errors and exit codes. (Flows against a real provider and keyring are in `tests/`.)

use assert_cmd::Command;
use predicates::prelude::*;

fn authdeck(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("authdeck").expect("binary");
    cmd.env("AUTHDECK_CONFIG_DIR", dir.path().join("config"))
        .env("AUTHDECK_STATE_DIR", dir.path().join("state"))
        .env("AUTHDECK_CACHE_DIR", dir.path().join("cache"))
        // No keyring is reachable: a command that touched it would fail with exit 5.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env_remove("DISPLAY");
    cmd
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir).arg("frobnicate").assert().code(2);
    authdeck(&dir)
        .args(["token", "x", "--expires-in", "7d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--app-token"));
    authdeck(&dir)
        .args(["token", "x", "--app-token", "--expires-in", "7x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown unit"));
    authdeck(&dir)
        .args(["service", "add", "x", "--flow", "device"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--client-id"));
}

#[test]
fn unknown_service_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir)
        .args(["token", "nosuch"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no service 'nosuch'"));
}

#[test]
fn empty_status_and_list_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir)
        .arg("status")
        .assert()
        .success()
        .stdout(predicate::str::contains("authdeck service add"));
    authdeck(&dir)
        .args(["status", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn presets_are_listed_and_shown_with_overrides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = authdeck(&dir).args(["preset", "list"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for name in [
        "oqtant",
        "quamotion",
        "quamotion-v2",
        "autolab",
        "plantpredict",
        "plantpredict-legacy",
        "nomad",
        "nomad-legacy",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{text}"
        );
    }
    authdeck(&dir)
        .args([
            "preset",
            "show",
            "nomad",
            "--set",
            "api_base=http://oasis.test/api",
            "--set",
            "username=u",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "endpoints.token = \"http://oasis.test/api/v1/auth/token\"",
        ))
        .stdout(predicate::str::contains(
            "endpoints.refresh = \"https://nomad-lab.eu/fairdi/keycloak",
        ));
    authdeck(&dir)
        .args([
            "preset",
            "show",
            "quamotion",
            "--set",
            "tenant=contoso.onmicrosoft.com",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/token",
        ))
        .stdout(predicate::str::contains(
            "token_params.resource = \"https://cloud.quamotion.mobi/\"",
        ));
    authdeck(&dir)
        .args(["preset", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no preset 'nope'"));
}

#[test]
fn preset_add_asks_for_what_is_missing_before_touching_the_keyring() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir)
        .args([
            "service",
            "add",
            "lab",
            "--preset",
            "autolab",
            "--client-secret-stdin",
        ])
        .write_stdin("s\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set base_url="));
    authdeck(&dir)
        .args([
            "service",
            "add",
            "n",
            "--preset",
            "nomad",
            "--username",
            "u",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--password-stdin"));
    authdeck(&dir)
        .args([
            "service",
            "add",
            "n",
            "--preset",
            "nomad",
            "--set",
            "endpoints.tokn=http://x",
            "--username",
            "u",
            "--password-stdin",
        ])
        .write_stdin("p\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tokn"));
}

#[test]
fn a_malformed_config_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(
        config.join("services.toml"),
        "[services.a]\nflow = \"device\"\nclient_id = 3\n",
    )
    .expect("write");
    authdeck(&dir)
        .arg("status")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("services.toml:3:13"));
}

#[test]
fn the_keyring_being_unreachable_is_exit_5() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir)
        .args([
            "service",
            "add",
            "cc",
            "--token-url",
            "https://id.test/token",
            "--client-id",
            "c",
            "--flow",
            "client-credentials",
            "--client-secret-stdin",
        ])
        .write_stdin("a-secret-value\n")
        .assert()
        .code(5)
        .stderr(predicate::str::contains("a-secret-value").not());
}

/// `authdeck` is a front that hands most command lines to `authdeck-full` beside it:
/// usage lines still say `authdeck`, and a missing `authdeck-full` is a clear error.
#[cfg(unix)]
#[test]
fn the_front_hands_over_to_authdeck_full_or_says_it_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    authdeck(&dir)
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: authdeck "));
    authdeck(&dir)
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("authdeck "));

    let alone = dir.path().join("bin");
    std::fs::create_dir(&alone).expect("dir");
    let front = assert_cmd::cargo::cargo_bin("authdeck");
    std::fs::copy(&front, alone.join("authdeck")).expect("copy the front");
    let mut cmd = Command::new(alone.join("authdeck"));
    cmd.args(["status"])
        .env("AUTHDECK_CONFIG_DIR", dir.path().join("config"))
        .env("AUTHDECK_STATE_DIR", dir.path().join("state"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot start"))
        .stderr(predicate::str::contains("authdeck-full"))
        .stderr(predicate::str::contains("same directory"));
}
