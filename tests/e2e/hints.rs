//! Every hint the CLI prints is a command that works as printed: each is provoked, the
//! `authdeck …` command is read back from stderr and run as is — in the same mode
//! (`--demo` kept, so it never acts on the user's own configuration) and on the same
//! account — and it does what the hint said.

use std::process::Command;

use authdeck_e2e::{Env, Outcome};
use demo_idp::credentials as creds;

use crate::refusals::printed_command;

/// `authdeck --demo …` runs in `env`, sharing one background demo server.
struct DemoMode<'a> {
    env: &'a Env,
    port: String,
}

impl<'a> DemoMode<'a> {
    fn new(env: &'a Env) -> Self {
        let (listener, port) = authdeck_e2e::occupy_port();
        drop(listener);
        DemoMode {
            env,
            port: port.to_string(),
        }
    }

    fn command(&self) -> Command {
        let mut cmd = self.env.authdeck();
        cmd.env("AUTHDECK_DEMO_PORT", &self.port)
            .env("AUTHDECK_DEMO_AUTO_APPROVE", "1")
            .env("AUTHDECK_DEMO_SERVER_LIFETIME", "120");
        cmd
    }

    /// `authdeck --demo <args>`.
    fn run(&self, args: &[&str], stdin: &str) -> Outcome {
        let mut all = vec!["--demo"];
        all.extend_from_slice(args);
        self.env.run_with(self.command(), &all, stdin)
    }

    /// Runs the command a hint printed, as printed (its `--demo` included).
    fn run_printed(&self, printed: &[String], stdin: &str) -> Outcome {
        assert_eq!(printed[0], "authdeck", "{printed:?}");
        let args: Vec<&str> = printed[1..].iter().map(String::as_str).collect();
        self.env.run_with(self.command(), &args, stdin)
    }
}

/// The hint's command, which must keep `--demo`.
fn demo_hint(out: &Outcome, expected: &str) -> Vec<String> {
    assert!(
        out.stderr.contains(&format!("`{expected}`")),
        "expected the hint `{expected}` in: {}",
        out.stderr
    );
    let printed = printed_command(&out.stderr);
    assert_eq!(
        printed.get(1).map(String::as_str),
        Some("--demo"),
        "{printed:?}"
    );
    printed
}

#[test]
fn demo_mode_hints_keep_demo_and_the_account_and_work_as_printed() {
    let env = Env::new();
    let demo = DemoMode::new(&env);

    // Not logged in (issue 17): the login hint is a demo login.
    let out = demo.run(&["token", "oqtant"], "");
    assert_eq!(out.code, 3, "{out:?}");
    let login = demo_hint(&out, "authdeck --demo login oqtant");
    let done = demo.run_printed(&login, "");
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(demo.run(&["token", "oqtant"], "").code, 0);

    // An account that does not exist yet: the hint logs in to that account.
    let out = demo.run(&["token", "oqtant", "--account", "work"], "");
    assert_eq!(out.code, 2, "{out:?}");
    let login = demo_hint(&out, "authdeck --demo login oqtant --account work");
    assert_eq!(demo.run_printed(&login, "").code, 0);
    assert_eq!(
        demo.run(&["token", "oqtant", "--account", "work"], "").code,
        0
    );

    // A wrong password: store the right one with the printed command.
    demo.run(
        &["service", "secret", "nomad", "--password-stdin"],
        "wrong-password\n",
    );
    let out = demo.run(&["token", "nomad"], "");
    assert_eq!(out.code, 3, "{out:?}");
    let store = demo_hint(
        &out,
        "authdeck --demo service secret nomad --password-stdin",
    );
    let done = demo.run_printed(&store, &format!("{}\n", creds::NOMAD_PASSWORD));
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(demo.run(&["token", "nomad"], "").code, 0);

    // A wrong client secret: the same for the client secret.
    demo.run(
        &["service", "secret", "quamotion", "--client-secret-stdin"],
        "wrong-secret-value\n",
    );
    let out = demo.run(&["token", "quamotion"], "");
    assert_eq!(out.code, 2, "{out:?}");
    let store = demo_hint(
        &out,
        "authdeck --demo service secret quamotion --client-secret-stdin",
    );
    let done = demo.run_printed(&store, &format!("{}\n", creds::QUAMOTION_CLIENT_SECRET));
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(demo.run(&["token", "quamotion"], "").code, 0);

    // An unknown service: the list of the demo's services.
    let out = demo.run(&["token", "nope"], "");
    assert_eq!(out.code, 2, "{out:?}");
    let list = demo_hint(&out, "authdeck --demo service list");
    let listed = demo.run_printed(&list, "");
    assert_eq!(listed.code, 0, "{listed:?}");
    assert!(listed.stdout.contains("oqtant"), "{}", listed.stdout);

    // A service that exists: the printed removal removes the demo's one.
    let out = demo.run(&["service", "add", "oqtant", "--preset", "oqtant"], "");
    assert_eq!(out.code, 2, "{out:?}");
    let remove = demo_hint(&out, "authdeck --demo service remove oqtant");
    assert_eq!(demo.run_printed(&remove, "").code, 0);

    // Nothing of this touched the user's own configuration or keyring.
    assert!(env.keyring_users().is_empty(), "{:?}", env.keyring_users());
    assert!(
        !env.dir("config").join("services.toml").exists(),
        "the user's services.toml was written"
    );
}

#[test]
fn hints_outside_demo_mode_work_as_printed() {
    let env = Env::new();
    // A pasted-token service with nothing pasted: the hint pastes one.
    env.ok(&["service", "add", "lab", "--flow", "bearer"], "");
    let out = env.run(&["token", "lab"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("`authdeck login lab`"),
        "{}",
        out.stderr
    );
    let printed = printed_command(&out.stderr);
    let args: Vec<&str> = printed[1..].iter().map(String::as_str).collect();
    let done = env.run(&args, "pasted-token-value-123\n");
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(
        env.ok(&["token", "lab"], "").trim_end(),
        "pasted-token-value-123"
    );

    // A document without security schemes: the hint shows how to add one by hand.
    let doc = env.dir("doc.json");
    std::fs::write(
        &doc,
        r#"{"openapi":"3.0.3","info":{"title":"Bare","version":"1"},"paths":{}}"#,
    )
    .expect("write doc");
    let out = env.run(
        &["service", "import", doc.to_str().expect("utf-8 path")],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    let printed = printed_command(&out.stderr);
    assert_eq!(printed, ["authdeck", "service", "add", "--help"]);
    assert_eq!(env.run(&["service", "add", "--help"], "").code, 0);
}
