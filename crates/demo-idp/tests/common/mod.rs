//! Helpers shared by the demo-idp integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use demo_idp::{DemoConfig, DemoIdp};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Real behaviour, but short Autolab rate-limit windows.
pub fn config() -> DemoConfig {
    DemoConfig {
        autolab_poll_min_interval: Duration::from_millis(300),
        autolab_init_min_interval: Duration::from_millis(300),
        ..DemoConfig::default()
    }
}

pub async fn start(config: DemoConfig) -> DemoIdp {
    DemoIdp::start(config).await.expect("demo-idp starts")
}

/// A client that never follows redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A PKCE pair (verifier, S256 challenge) computed here, independently of the server.
pub fn pkce() -> (String, String) {
    let verifier = format!("demo-verifier-{}", "x".repeat(40));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// The query parameters of an absolute or relative URL.
pub fn query_of(url: &str) -> HashMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The `content` of `<meta name="demo-idp-result">`, if any.
pub fn page_result(html: &str) -> Option<String> {
    let marker = "<meta name=\"demo-idp-result\" content=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The value of `<input type="hidden" name="NAME" value="…">`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The claims of a JWT (no signature check).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.expect("a JSON body")
}

/// GET `url` with an optional bearer token; returns the status.
pub async fn get_status(client: &reqwest::Client, url: &str, token: Option<&str>) -> u16 {
    let mut req = client.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().status().as_u16()
}

// ---- one token of each service, the shortest way -------------------------------------

pub async fn oqtant_token(c: &reqwest::Client, base: &str) -> String {
    // Needs auto-approve on the server.
    let (verifier, challenge) = pkce();
    let resp = c
        .get(format!("{base}/oqtant/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", demo_idp::credentials::OQTANT_CLIENT_ID),
            ("redirect_uri", "http://localhost:8080"),
            ("audience", demo_idp::credentials::OQTANT_AUDIENCE),
            ("scope", demo_idp::credentials::OQTANT_SCOPE),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let code = query_of(&location(&resp))["code"].clone();
    let resp = c
        .post(format!("{base}/oqtant/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", demo_idp::credentials::OQTANT_CLIENT_ID),
            ("code_verifier", verifier.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", "http://localhost:8080"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn quamotion_token(c: &reqwest::Client, base: &str) -> String {
    let resp = c
        .post(format!("{base}/quamotion/common/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", demo_idp::credentials::QUAMOTION_CLIENT_ID),
            (
                "client_secret",
                demo_idp::credentials::QUAMOTION_CLIENT_SECRET,
            ),
            ("resource", demo_idp::credentials::QUAMOTION_RESOURCE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Device flow with auto-approve on the server: init, poll, exchange.
pub async fn autolab_tokens(c: &reqwest::Client, base: &str) -> Value {
    let init = json(
        c.get(format!("{base}/autolab/oauth/device_flow_init"))
            .query(&[("client_id", demo_idp::credentials::AUTOLAB_CLIENT_ID)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let resp = c
        .get(format!("{base}/autolab/oauth/device_flow_authorize"))
        .query(&[
            ("client_id", demo_idp::credentials::AUTOLAB_CLIENT_ID),
            ("device_code", init["device_code"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let code = json(resp).await["code"].as_str().unwrap().to_owned();
    let resp = c
        .post(format!("{base}/autolab/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", demo_idp::credentials::AUTOLAB_CLIENT_ID),
            (
                "client_secret",
                demo_idp::credentials::AUTOLAB_CLIENT_SECRET,
            ),
            ("code", code.as_str()),
            (
                "redirect_uri",
                &format!("{base}/autolab/device_flow_auth_cb"),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp).await
}

pub async fn plantpredict_token(c: &reqwest::Client, base: &str) -> String {
    let resp = c
        .post(format!("{base}/plantpredict/oauth2/token"))
        .query(&[
            ("grant_type", "client_credentials"),
            ("scope", demo_idp::credentials::PLANTPREDICT_SCOPE),
            ("client_id", demo_idp::credentials::PLANTPREDICT_CLIENT_ID),
            (
                "client_secret",
                demo_idp::credentials::PLANTPREDICT_CLIENT_SECRET,
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn nomad_tokens(c: &reqwest::Client, base: &str) -> Value {
    let resp = c
        .post(format!("{base}/nomad/api/v1/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", demo_idp::credentials::NOMAD_USERNAME),
            ("password", demo_idp::credentials::NOMAD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    json(resp).await
}
