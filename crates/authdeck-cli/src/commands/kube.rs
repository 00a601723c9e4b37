//! `authdeck kube-credential SERVICE`: a kubectl exec credential plugin (client-go's
//! `client.authentication.k8s.io`), printing an `ExecCredential` with a valid token and
//! its expiry, which kubectl caches until then.
//!
//! kubectl says what it wants in `KUBERNETES_EXEC_INFO` (an `ExecCredential` with
//! `apiVersion` and `spec.interactive`): the answer has the same `apiVersion` (`v1`, or
//! `v1beta1` for kubectl before 1.22); another version is refused. The plugin never
//! prompts — a login required fails with what to run — so it suits `interactiveMode:
//! Never` and answers the same whether `interactive` is true or false.

use std::process::ExitCode;

use authdeck_core::activity::HandOut;
use authdeck_core::{Error, Result};

use crate::args::KubeCredentialArgs;
use crate::valid_token::{self, Wanted};

/// The variable kubectl passes its request in.
const EXEC_INFO_ENV: &str = "KUBERNETES_EXEC_INFO";
const GROUP: &str = "client.authentication.k8s.io";
/// The versions answered, newest first (the first is used without `KUBERNETES_EXEC_INFO`).
const VERSIONS: [&str; 2] = ["v1", "v1beta1"];

pub fn run(demo: bool, args: &KubeCredentialArgs) -> ExitCode {
    super::token::exit_code(credential(demo, args))
}

fn credential(demo: bool, args: &KubeCredentialArgs) -> Result<()> {
    let info = std::env::var(EXEC_INFO_ENV).ok();
    let api_version = requested_version(info.as_deref()).map_err(Error::Config)?;
    let wanted = Wanted {
        service: args.service.clone(),
        account: args.account.clone(),
        min_valid: args.min_valid.max(0),
    };
    let (tokens, _config) =
        valid_token::fetch_all(demo, std::slice::from_ref(&wanted), HandOut::Kube)?;
    let token = tokens
        .first()
        .ok_or_else(|| Error::Local("no token was fetched".into()))?;
    println!(
        "{}",
        render(&api_version, token.access_token.expose(), token.expires_at)
    );
    Ok(())
}

/// The `apiVersion` to answer in, from `KUBERNETES_EXEC_INFO` (absent: the newest).
pub fn requested_version(info: Option<&str>) -> std::result::Result<String, String> {
    let Some(info) = info.filter(|i| !i.trim().is_empty()) else {
        return Ok(format!("{GROUP}/{}", VERSIONS[0]));
    };
    let info: serde_json::Value = serde_json::from_str(info)
        .map_err(|e| format!("{EXEC_INFO_ENV} is not JSON ({e}): is kubectl calling?"))?;
    let asked = info["apiVersion"].as_str().unwrap_or_default();
    let known = asked
        .strip_prefix(GROUP)
        .and_then(|v| v.strip_prefix('/'))
        .is_some_and(|v| VERSIONS.contains(&v));
    if known {
        Ok(asked.to_owned())
    } else {
        Err(format!(
            "kubectl asks for an ExecCredential of apiVersion '{asked}'; authdeck answers {}: set the kubeconfig's exec apiVersion to {GROUP}/v1",
            VERSIONS.map(|v| format!("{GROUP}/{v}")).join(" or ")
        ))
    }
}

/// The `ExecCredential` with `token`, and its expiry when known (RFC 3339, UTC).
pub fn render(api_version: &str, token: &str, expires_at: Option<i64>) -> String {
    let mut status = serde_json::json!({ "token": token });
    if let Some(at) = expires_at {
        status["expirationTimestamp"] = authdeck_core::token::rfc3339(at).into();
    }
    serde_json::json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "status": status,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_documented_exec_credential() {
        let text = render(
            "client.authentication.k8s.io/v1",
            "tok",
            Some(1_800_000_000),
        );
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "apiVersion": "client.authentication.k8s.io/v1",
                "kind": "ExecCredential",
                "status": {"token": "tok", "expirationTimestamp": "2027-01-15T08:00:00Z"},
            })
        );
        let v: serde_json::Value =
            serde_json::from_str(&render("client.authentication.k8s.io/v1beta1", "t", None))
                .expect("json");
        assert_eq!(v["status"], serde_json::json!({"token": "t"}));
    }

    #[test]
    fn answers_in_the_version_kubectl_asks_for() {
        assert_eq!(
            requested_version(None).expect("default"),
            "client.authentication.k8s.io/v1"
        );
        let info = |v: &str| {
            format!(
                r#"{{"kind":"ExecCredential","apiVersion":"{v}","spec":{{"interactive":false}}}}"#
            )
        };
        for v in [
            "client.authentication.k8s.io/v1",
            "client.authentication.k8s.io/v1beta1",
        ] {
            assert_eq!(requested_version(Some(&info(v))).expect(v), v);
        }
        for v in [
            "client.authentication.k8s.io/v1alpha1",
            "other.io/v1",
            "",
            "client.authentication.k8s.io/",
        ] {
            let e = requested_version(Some(&info(v))).expect_err(v);
            assert!(e.contains("client.authentication.k8s.io/v1"), "{e}");
        }
        assert!(requested_version(Some("not json")).is_err());
    }
}
