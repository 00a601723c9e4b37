use url::Url;

use super::*;
use crate::config::{ClientAuth, Flow, KeyLocation, SwaggerKind};

fn url(s: &str) -> Url {
    Url::parse(s).expect("test url")
}

const SWAGGER2: &str = r#"{
  "swagger": "2.0",
  "info": {"title": "Pet Store", "version": "1"},
  "host": "pets.example.org",
  "basePath": "/v2",
  "schemes": ["http", "https"],
  "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}},
  "securityDefinitions": {
    "petstore_auth": {
      "type": "oauth2", "flow": "accessCode",
      "authorizationUrl": "https://id.example.org/authorize",
      "tokenUrl": "https://id.example.org/token",
      "scopes": {"read:pets": "read your pets", "write:pets": "modify pets"}
    },
    "machine": {"type": "oauth2", "flow": "application", "tokenUrl": "/oauth/token", "scopes": {}},
    "api_key": {"type": "apiKey", "name": "Authorization", "in": "header"},
    "basic": {"type": "basic"}
  }
}"#;

#[test]
fn swagger2_schemes_base_and_relative_token_url() {
    let doc = parse(
        SWAGGER2,
        Some(&url("https://docs.example.org/swagger.json")),
    )
    .expect("parses");
    assert_eq!(doc.version, SpecVersion::Swagger2);
    assert_eq!(doc.title.as_deref(), Some("Pet Store"));
    assert_eq!(
        doc.api_base.as_ref().map(|u| u.as_str()),
        Some("https://pets.example.org/v2")
    );
    assert_eq!(doc.schemes.len(), 3, "basic is skipped: {:?}", doc.warnings);
    assert!(
        doc.warnings.iter().any(|w| w.contains("'basic'")),
        "{:?}",
        doc.warnings
    );
    let SchemeKind::OAuth2 { flows, .. } = &doc.schemes[0].kind else {
        panic!("oauth2 expected: {:?}", doc.schemes[0]);
    };
    assert_eq!(flows[0].grant, Grant::AuthorizationCode);
    assert_eq!(flows[0].scopes.len(), 2);
    // Relative to the API server (as a directory), not the document.
    let SchemeKind::OAuth2 { flows, .. } = &doc.schemes[1].kind else {
        panic!("oauth2 expected");
    };
    assert_eq!(
        flows[0].token_url.as_ref().map(|u| u.as_str()),
        Some("https://pets.example.org/oauth/token")
    );
    assert_eq!(
        doc.schemes[2].kind,
        SchemeKind::ApiKey {
            param: "Authorization".into(),
            location: KeyLocation::Header
        }
    );

    let proposals = propose(&doc);
    let ids: Vec<&str> = proposals.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pet-store-petstore-auth",
            "pet-store-machine",
            "pet-store-api-key"
        ]
    );
    assert_eq!(proposals[0].service.flow, Flow::AuthCode);
    assert_eq!(proposals[1].service.flow, Flow::ClientCredentials);
    assert_eq!(proposals[2].service.flow, Flow::ApiKey);
    // An oauth2 service's token goes into the apiKey box named Authorization: "Bearer …".
    assert_eq!(
        proposals[0].paste_hint,
        PasteHint::BearerPrefix {
            scheme: Some("api_key".into())
        }
    );
    // The API key itself goes in as is.
    assert!(matches!(proposals[2].paste_hint, PasteHint::AsIs { .. }));
}

const OPENAPI30_YAML: &str = r#"
openapi: 3.0.3
info:
  title: "Lab API: v1"
servers:
  - url: /api/{version}
    variables:
      version: {default: v1}
paths:
  /things:
    get:
      responses:
        200:
          description: ok
components:
  securitySchemes:
    bearer:
      type: http
      scheme: Bearer
      bearerFormat: JWT
"#;

#[test]
fn openapi30_yaml_relative_server_with_variables_and_bearer() {
    let doc = parse(
        OPENAPI30_YAML,
        Some(&url("https://lab.example.edu/docs/openapi.yaml")),
    )
    .expect("parses");
    assert_eq!(doc.version, SpecVersion::OpenApi3("3.0.3".into()));
    assert_eq!(
        doc.api_base.as_ref().map(|u| u.as_str()),
        Some("https://lab.example.edu/api/v1")
    );
    let proposals = propose(&doc);
    assert_eq!(proposals.len(), 1);
    let p = &proposals[0];
    assert_eq!(p.id, "lab-api-v1");
    assert_eq!(p.service.flow, Flow::Bearer);
    assert_eq!(p.needs, [Need::Token]);
    assert_eq!(
        p.paste_hint,
        PasteHint::RawToken {
            scheme: Some("bearer".into())
        }
    );
    let (id, service) = p
        .complete(&Completion::default())
        .expect("nothing to supply");
    assert_eq!(id.as_str(), "lab-api-v1");
    assert!(service.client_id.is_empty());
    assert_eq!(
        service.swagger.as_ref().map(|s| s.scheme),
        Some(SwaggerKind::HttpBearer)
    );
}

const OPENAPI31_JSON: &str = r#"{
  "openapi": "3.1.0",
  "info": {"title": "NOMAD"},
  "servers": [{"url": "https://nomad.example.org/api/v1"}],
  "components": {"securitySchemes": {
    "OAuth2PasswordBearer": {"type": "oauth2", "flows": {"password": {"scopes": {}, "tokenUrl": "auth/token"}}},
    "HTTPBearer": {"type": "http", "scheme": "bearer"},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.org/realms/x/.well-known/openid-configuration"}
  }}
}"#;

#[test]
fn openapi31_json_password_relative_to_server_directory_and_oidc() {
    let doc = parse(OPENAPI31_JSON, None).expect("parses");
    let SchemeKind::OAuth2 { flows, .. } = &doc.schemes[0].kind else {
        panic!("oauth2");
    };
    assert_eq!(
        flows[0].token_url.as_ref().map(|u| u.as_str()),
        Some("https://nomad.example.org/api/v1/auth/token")
    );
    let proposals = propose(&doc);
    let password = &proposals[0];
    assert_eq!(password.service.flow, Flow::Password);
    assert_eq!(password.grant, Some("password"));
    // The bearer box of the same document takes the password login's token.
    assert_eq!(
        password.paste_hint,
        PasteHint::RawToken {
            scheme: Some("HTTPBearer".into())
        }
    );
    // A public password client needs no client id; a user name it does need.
    let err = password
        .complete(&Completion::default())
        .expect_err("username");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::Supply {
            need: Need::Username
        })
    );
    assert!(!err.to_string().contains("--"), "{err}");
    let (_, service) = password
        .complete(&Completion {
            username: Some("me".into()),
            ..Completion::default()
        })
        .expect("complete");
    assert_eq!(service.accounts[0].username.as_deref(), Some("me"));

    let oidc = &proposals[2];
    assert_eq!(oidc.service.flow, Flow::AuthCode);
    assert_eq!(
        oidc.service.issuer.as_ref().map(|u| u.as_str()),
        Some("https://id.example.org/realms/x")
    );
}

#[test]
fn openapi32_device_authorization_and_implicit() {
    let text = r#"{
      "openapi": "3.2.0",
      "info": {"title": "Devices"},
      "servers": [{"url": "https://api.example.org"}],
      "components": {"securitySchemes": {
        "dev": {"type": "oauth2", "flows": {"deviceAuthorization": {
          "deviceAuthorizationUrl": "https://id.example.org/device",
          "tokenUrl": "https://id.example.org/token",
          "scopes": {"read": "Read"}}}},
        "old": {"type": "oauth2", "flows": {"implicit": {
          "authorizationUrl": "https://id.example.org/authorize", "scopes": {}}}}
      }}
    }"#;
    let doc = parse(text, None).expect("parses");
    let proposals = propose(&doc);
    let dev = &proposals[0];
    assert_eq!(dev.service.flow, Flow::Device);
    assert_eq!(
        dev.service
            .endpoints
            .device_authorization
            .as_ref()
            .map(|u| u.as_str()),
        Some("https://id.example.org/device")
    );
    assert_eq!(dev.scopes[0].name, "read");
    let (_, service) = dev
        .complete(&Completion {
            client_id: Some("cli".into()),
            scopes: Some(vec!["read".into()]),
            client_secret: true,
            ..Completion::default()
        })
        .expect("complete");
    assert_eq!(service.scopes, ["read"]);
    assert_eq!(
        service.effective_client_auth(),
        ClientAuth::ClientSecretBasic
    );
    // oauth2-only document: nothing to paste into.
    assert!(matches!(dev.paste_hint, PasteHint::CannotPaste { .. }));

    let implicit = &proposals[1];
    assert_eq!(implicit.service.flow, Flow::AuthCode);
    assert!(implicit.needs.contains(&Need::TokenUrl));
    let err = implicit
        .complete(&Completion {
            client_id: Some("c".into()),
            ..Completion::default()
        })
        .expect_err("token url");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::Supply {
            need: Need::TokenUrl
        })
    );
    assert!(!err.to_string().contains("--"), "{err}");
    implicit
        .complete(&Completion {
            client_id: Some("c".into()),
            token_url: Some("https://id.example.org/token".into()),
            ..Completion::default()
        })
        .expect("complete with token url");
}

#[test]
fn client_credentials_need_a_secret() {
    let doc = parse(
        SWAGGER2,
        Some(&url("https://docs.example.org/swagger.json")),
    )
    .expect("parses");
    let machine = &propose(&doc)[1];
    let err = machine
        .complete(&Completion {
            client_id: Some("c".into()),
            ..Completion::default()
        })
        .expect_err("secret");
    assert_eq!(
        err.hint(),
        Some(crate::Hint::Supply {
            need: Need::ClientSecret
        })
    );
    assert!(!err.to_string().contains("--"), "{err}");
}

#[test]
fn bad_documents_get_clear_errors() {
    let at = url("https://x.example.org/docs");
    let cases: &[(&str, &str)] = &[
        ("<html><body>Swagger UI</body></html>", "not an OpenAPI or Swagger document"),
        ("{\"info\": {}}", "no `openapi` or `swagger` field"),
        ("name: value\n", "no `openapi` or `swagger` field"),
        ("{\"openapi\": \"3.1.0\", \"paths\": {}}", "declares no security scheme"),
        ("{\"openapi\": \"2.5\"}", "does not read"),
        ("{\"swagger\": \"1.2\"}", "version other than 2.0"),
        ("{\"openapi\": ", "not valid JSON"),
        ("[1, 2]", "not an OpenAPI"),
        ("", "not an OpenAPI"),
        (
            "{\"openapi\": \"3.0.0\", \"components\": {\"securitySchemes\": {\"b\": {\"type\": \"http\", \"scheme\": \"basic\"}}}}",
            "carries no token",
        ),
    ];
    for (text, expected) in cases {
        let err = parse(text, Some(&at)).expect_err(text);
        let msg = err.to_string();
        assert!(msg.contains(expected), "{text}: {msg}");
        assert_eq!(err.kind(), crate::ErrorKind::Config);
        assert!(
            msg.contains("https://x.example.org/docs"),
            "names the URL: {msg}"
        );
    }
    // The body is never quoted in an error.
    let err = parse(
        "{\"openapi\": \"3.0\", \"info\": 5, \"x\": \"SECRET-LOOKING\"",
        Some(&at),
    )
    .expect_err("bad");
    assert!(!err.to_string().contains("SECRET-LOOKING"));
}

#[test]
fn relative_url_without_a_document_url_is_a_warning_not_a_panic() {
    let text = r#"{"openapi": "3.0.0", "components": {"securitySchemes": {
        "o": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/token", "scopes": {}}}},
        "b": {"type": "http", "scheme": "bearer"}}}}"#;
    let doc = parse(text, None).expect("bearer survives");
    assert_eq!(doc.schemes.len(), 1);
    assert!(doc.warnings[0].contains("relative"), "{:?}", doc.warnings);
}

#[test]
fn hostile_inputs_fail_cleanly() {
    let deep_json = format!(
        "{{\"openapi\": \"3.0.0\", \"info\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(parse(&deep_json, None).is_err());
    let deep_yaml = format!("openapi: 3.0.0\ninfo: {}\n", "[".repeat(100_000));
    assert!(parse(&deep_yaml, None).is_err());
    let laughs = "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\ninfo: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    let dashes = format!("openapi: 3.0.0\ninfo:\n  {}x\n", "- ".repeat(100_000));
    assert!(parse(&dashes, None).is_err());
    let deep_yaml = format!("openapi: 3.0.0\ninfo: {}\n", "[".repeat(1000));
    assert!(parse(&deep_yaml, None).is_err());
    assert!(parse(laughs, None).is_err());
    let big = format!(
        "{{\"openapi\": \"3.0.0\", \"x\": \"{}\"}}",
        "a".repeat(MAX_DOCUMENT)
    );
    assert!(parse(&big, None)
        .expect_err("too big")
        .to_string()
        .contains("MiB"));
    for text in [
        "\u{feff}",
        "{",
        "openapi: [",
        "openapi: 3.0.0\ncomponents: 5",
        "openapi: 3.0.0\ncomponents:\n  securitySchemes: {a: 1, b: {type: oauth2, flows: 7}}",
    ] {
        let _ = parse(text, None);
    }
}

#[test]
fn slugs_are_valid_ids() {
    for (text, want) in [
        ("Quamotion Cloud", "quamotion-cloud"),
        ("  ", "api"),
        ("Ünïcode — API!", "n-code-api"),
        (&"x".repeat(200), &"x".repeat(48)),
    ] {
        assert_eq!(slug(text), want);
        assert!(crate::config::ServiceId::parse(&slug(text)).is_ok());
    }
}

#[test]
fn paste_hint_of_presets() {
    use crate::config::presets;
    let hint = |name: &str, sets: &[(&str, &str)]| {
        let settings: Vec<(String, String)> = sets
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        paste_hint(
            &presets::find(name)
                .expect("preset")
                .build(&settings)
                .expect("builds"),
        )
    };
    assert!(matches!(hint("oqtant", &[]), PasteHint::RawToken { .. }));
    assert!(matches!(
        hint(
            "autolab",
            &[("base_url", "https://a.example.edu"), ("client_id", "x")]
        ),
        PasteHint::CannotPaste { .. }
    ));
    assert!(matches!(
        hint("nomad", &[("username", "u")]),
        PasteHint::RawToken { .. }
    ));
}

#[test]
fn a_document_of_a_preset_deployment_gets_the_presets_login() {
    let text = r#"{"openapi": "3.0.3", "info": {"title": "Autolab"},
      "servers": [{"url": "https://autolab.example.edu/api/v1"}],
      "components": {"securitySchemes": {"oauth2": {"type": "oauth2", "flows": {"authorizationCode": {
        "authorizationUrl": "https://autolab.example.edu/oauth/authorize",
        "tokenUrl": "https://autolab.example.edu/oauth/token",
        "scopes": {"user_info": "Basic info"}}}}}}}"#;
    let doc = parse(text, None).expect("parses");
    let p = &propose(&doc)[0];
    assert_eq!(p.service.flow, Flow::Device, "{p:?}");
    let m = p.preset.as_ref().expect("autolab preset");
    assert_eq!(m.preset, "autolab");
    assert_eq!(
        m.settings,
        [(
            "base_url".to_owned(),
            "https://autolab.example.edu".to_owned()
        )]
    );
    assert_eq!(p.needs, [Need::ClientId, Need::ClientSecret]);
    let (_, service) = p
        .complete(&Completion {
            client_id: Some("abc".into()),
            client_secret: true,
            ..Completion::default()
        })
        .expect("complete");
    assert_eq!(service.client_id, "abc");
    assert_eq!(
        service.effective_client_auth(),
        ClientAuth::ClientSecretPost
    );
    // The docs' scheme is still oauth2-only: nothing to paste into.
    assert!(matches!(p.paste_hint, PasteHint::CannotPaste { .. }));

    // Same token path on another API base: no match, the document's own flow.
    let other = text.replace("/api/v1", "/v2");
    let p = &propose(&parse(&other, None).expect("parses"))[0];
    assert_eq!(p.service.flow, Flow::AuthCode);
    assert!(p.preset.is_none());
}

const OPENAPI32_METADATA: &str = r#"{
  "openapi": "3.2.0",
  "info": {"title": "Ledger", "version": "1"},
  "servers": [{"url": "https://ledger.example.org/api"}],
  "components": {"securitySchemes": {
    "discovered": {
      "type": "oauth2",
      "oauth2MetadataUrl": "https://id.example.org/.well-known/oauth-authorization-server/tenant-a",
      "x-tokenName": "id_token",
      "flows": {}
    },
    "both": {
      "type": "oauth2",
      "oauth2MetadataUrl": "https://id.example.org/tenant-b/.well-known/openid-configuration",
      "flows": {"authorizationCode": {
        "authorizationUrl": "https://id.example.org/tenant-b/authorize",
        "tokenUrl": "https://id.example.org/tenant-b/token",
        "x-tokenName": "weird_token",
        "scopes": {"read": "read"}
      }}
    },
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.org/.well-known/openid-configuration"}
  }}
}"#;

#[test]
fn oauth2_metadata_url_is_the_discovery_and_x_token_name_picks_the_token() {
    let doc = parse(OPENAPI32_METADATA, None).expect("parses");
    let SchemeKind::OAuth2 {
        flows,
        metadata_url,
    } = &doc.schemes[0].kind
    else {
        panic!("oauth2: {:?}", doc.schemes[0]);
    };
    assert!(flows.is_empty(), "all left to the metadata");
    assert_eq!(
        metadata_url.as_ref().map(|u| u.as_str()),
        Some("https://id.example.org/.well-known/oauth-authorization-server/tenant-a")
    );
    assert_eq!(doc.schemes[0].token_name.as_deref(), Some("id_token"));
    // On a flow too.
    assert_eq!(doc.schemes[1].token_name.as_deref(), Some("weird_token"));

    let proposals = propose(&doc);
    let discovered = &proposals[0];
    assert_eq!(discovered.service.flow, Flow::AuthCode);
    // RFC 8414: the well-known part sits between the origin and the issuer's path.
    assert_eq!(
        discovered.service.issuer.as_ref().map(|u| u.as_str()),
        Some("https://id.example.org/tenant-a")
    );
    assert_eq!(
        discovered.service.endpoints,
        crate::config::Endpoints::default()
    );
    assert_eq!(
        discovered.service.token_field,
        crate::config::TokenField::IdToken
    );
    assert_eq!(discovered.service.scopes, vec!["openid".to_owned()]);
    assert!(
        discovered.needs.contains(&Need::ClientId),
        "{:?}",
        discovered.needs
    );
    let (_, service) = discovered
        .complete(&Completion {
            client_id: Some("c".into()),
            ..Completion::default()
        })
        .expect("a service that discovers its endpoints");
    assert_eq!(service.token_field, crate::config::TokenField::IdToken);

    let both = &proposals[1];
    assert_eq!(
        both.service.issuer.as_ref().map(|u| u.as_str()),
        Some("https://id.example.org/tenant-b")
    );
    assert!(
        both.service.endpoints.token.is_some(),
        "the document's own URLs stay"
    );
    assert_eq!(
        both.service.token_field,
        crate::config::TokenField::AccessToken
    );
    assert!(
        both.notes.iter().any(|n| n.contains("weird_token")),
        "{:?}",
        both.notes
    );
    // Without the metadata URL (the feature off), nothing is discovered.
    let plain = OPENAPI32_METADATA.replace("oauth2MetadataUrl", "x-other");
    let doc = parse(&plain, None).expect("parses");
    assert!(propose(&doc)
        .iter()
        .all(|p| p.scheme == "oidc" || p.service.issuer.is_none()));
}

#[test]
fn the_strongest_client_authentication_the_provider_lists_is_proposed() {
    let doc = parse(OPENAPI32_METADATA, None).expect("parses");
    let proposals = propose(&doc);
    let oidc = proposals.iter().find(|p| p.scheme == "oidc").expect("oidc");
    assert!(oidc.metadata_url.is_some());
    let methods = |list: &[&str]| list.iter().map(|m| (*m).to_owned()).collect::<Vec<_>>();

    let mut keyed = oidc.clone();
    keyed.prefer_auth_methods(&methods(&[
        "none",
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
    ]));
    assert_eq!(keyed.service.client_auth, Some(ClientAuth::PrivateKeyJwt));
    assert!(keyed.needs.contains(&Need::ClientKey), "{:?}", keyed.needs);
    assert!(!keyed.needs.contains(&Need::ClientSecretIfConfidential));
    assert!(
        keyed
            .notes
            .iter()
            .any(|n| n.contains("private_key_jwt") && n.contains("key")),
        "{:?}",
        keyed.notes
    );
    assert!(
        keyed.notes.iter().all(|n| !n.contains("authdeck ")),
        "a note names no command: {:?}",
        keyed.notes
    );
    let input = Completion {
        client_id: Some("c".into()),
        ..Completion::default()
    };
    let (_, service) = keyed.complete(&input).expect("with a key");
    assert_eq!(service.client_auth, Some(ClientAuth::PrivateKeyJwt));
    // A user with a client secret gets the strongest secret-based method instead.
    let (_, service) = keyed
        .complete(&Completion {
            client_secret: true,
            ..input.clone()
        })
        .expect("with a secret");
    assert_eq!(service.client_auth, Some(ClientAuth::ClientSecretJwt));

    for (listed, expected) in [
        (
            &["client_secret_post", "client_secret_basic"][..],
            ClientAuth::ClientSecretBasic,
        ),
        (
            &["client_secret_post", "none"][..],
            ClientAuth::ClientSecretPost,
        ),
        (&["none"][..], ClientAuth::None),
    ] {
        let mut p = oidc.clone();
        p.prefer_auth_methods(&methods(listed));
        assert_eq!(p.service.client_auth, Some(expected), "{listed:?}");
        assert_eq!(
            p.needs.contains(&Need::ClientSecret),
            expected.needs_secret(),
            "{listed:?}: {:?}",
            p.needs
        );
    }
    // Nothing the provider lists that Authdeck knows: left as proposed.
    let mut p = oidc.clone();
    p.prefer_auth_methods(&methods(&["tls_client_auth"]));
    assert_eq!(p, *oidc);
}
