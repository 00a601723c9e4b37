//! A full disk while a refresh writes the account's state file (a 64 KiB tmpfs over the
//! state directory, root only). The refresh has already spent the old refresh token at
//! the provider (rotation), so the new one must not be lost: it stays in the keyring,
//! the old state file stays intact (it is behind the keyring, never ahead: its expiry is
//! the old token's), no temp file is left, the user gets a clear error, and once there
//! is space again the account refreshes with the stored token — no `invalid_grant`.

use std::os::unix::fs::MetadataExt;

use authdeck_e2e::{Env, Provider};

use super::local::{keyring, TinyFs};

fn temp_files(env: &Env) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![env.dir("state")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(".tmp"))
            {
                hits.push(path);
            }
        }
    }
    hits
}

#[test]
fn a_full_disk_during_a_refresh_keeps_the_rotated_refresh_token() {
    let p = Provider::start(&[]);
    let env = Env::new();
    let Some(fs) = TinyFs::mount(&env.dir("state")) else {
        eprintln!("skipped: simulating a full disk needs root (a tmpfs mount)");
        return;
    };
    env.logged_in_auth_code(&p, "rot");
    let state_file = env.dir("state").join("accounts/rot/default.json");
    let old_state = std::fs::read(&state_file).expect("state file");
    let old_inode = std::fs::metadata(&state_file).expect("state file").ino();
    let old_rt = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("refresh token");
    let old_at = env
        .keyring_lookup("rot/default/access_token")
        .expect("access token");
    fs.fill();

    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT", "0");
    let out = env.run_with(cmd, &["token", "rot", "--min-valid", "999999"], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("No space left on device")
            && out.stderr.contains("safe in the keyring")
            && out.stderr.contains("default.json")
            && !out.stderr.contains(".authdeck-"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let new_rt = env
        .keyring_lookup("rot/default/refresh_token")
        .expect("a refresh token in the keyring");
    for secret in [&old_rt, &old_at, &new_rt] {
        assert!(
            !out.stderr.contains(secret.as_str()),
            "a token in the message"
        );
    }
    assert_eq!(
        std::fs::read(&state_file).expect("state file"),
        old_state,
        "the state file changed"
    );
    assert!(temp_files(&env).is_empty(), "{:?}", temp_files(&env));
    // The rotation happened: the keyring holds the provider's current refresh token; the
    // spent one would have revoked the grant if it had been kept.
    assert_ne!(new_rt, old_rt, "the rotated refresh token was not stored");
    assert_eq!(p.introspect(&new_rt)["active"], true);
    assert_eq!(p.introspect(&old_rt)["active"], false);
    // The state still says what the keyring has: an access and a refresh token.
    let state: serde_json::Value = serde_json::from_slice(&old_state).expect("state JSON");
    let old_obtained_at = state["obtained_at"].as_u64();
    assert!(old_obtained_at.is_some(), "{state}");
    assert_eq!(state["has_refresh_token"], true);
    assert_eq!(state["has_access_token"], true);
    let entries = keyring(&env);
    assert!(
        entries
            .iter()
            .any(|(u, v)| u == "rot/default/tokens" && v.is_some()),
        "{entries:?}"
    );
    // Still full: the token handed out (its old expiry is still ahead) is a live one.
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT", "0");
    let out = env.run_with(cmd, &["token", "rot"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.introspect(out.stdout.trim())["active"], true);

    // Space again: the stored refresh token refreshes, the state is written.
    std::fs::remove_file(env.dir("state").join("filler")).expect("free space");
    let mut cmd = env.authdeck();
    cmd.env("AUTHDECK_AGENT", "0");
    let out = env.run_with(cmd, &["token", "rot", "--min-valid", "999999"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(p.introspect(out.stdout.trim())["active"], true);
    // The state is written by an atomic rename, so a rewrite is a new inode. (Its text can
    // be the same as before: expiry and time of issue have a resolution of one second,
    // and the whole test can run inside one.)
    let rewritten = std::fs::metadata(&state_file).expect("state file").ino();
    assert_ne!(
        rewritten, old_inode,
        "the state was not written once there was space"
    );
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_file).expect("state file"))
            .expect("state JSON");
    assert!(state["obtained_at"].as_u64() >= old_obtained_at, "{state}");
    assert_eq!(p.introspect(&new_rt)["active"], false, "rotated again");
    assert!(temp_files(&env).is_empty());
}
