//! The command line, declared with clap.

use authdeck_core::config::Flow;
use authdeck_core::ids::{AccountName, ServiceId};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Get valid API tokens for the services you use — from scripts, terminals and Swagger
/// "Authorize" dialogs — with every secret kept in the OS keyring.
#[derive(Debug, Parser)]
#[command(name = "authdeck", version, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 ok, 2 usage or config error, 3 login required, 4 provider or network error, 5 keyring unavailable, 130 cancelled.\n\
Environment: AUTHDECK_CONFIG_DIR, AUTHDECK_STATE_DIR, AUTHDECK_CACHE_DIR (directories), AUTHDECK_BROWSER (command that opens URLs), AUTHDECK_LOG (log filter, e.g. debug), AUTHDECK_AGENT=0 (do not ask a running agent), AUTHDECK_AGENT_SOCKET (the agent's socket)."
)]
pub struct Cli {
    /// Use the offline demo: the five seed services emulated on loopback, with their own
    /// configuration and keyring namespace.
    #[arg(long, global = true)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, show or remove services.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// Log in to a service (browser, device code, client credentials or password).
    Login(LoginArgs),
    /// Print a valid token (refreshing it if needed) and nothing else.
    Token(TokenArgs),
    /// Show every account with its state and expiry.
    Status(StatusArgs),
    /// Revoke an account's tokens and forget them.
    Logout(AccountArgs),
    /// Show what happened to an account: logins, refreshes, re-fetches, hand-outs and
    /// failures, newest first.
    Log(LogArgs),
    /// Ask the provider whether an account's token is still active (RFC 7662
    /// introspection), and what it says the token is for.
    Introspect(IntrospectArgs),
    /// Revoke one of an account's tokens at the provider (RFC 7009) and forget it,
    /// without logging out: a revoked access token is renewed at the next use; without
    /// its refresh token the account cannot refresh.
    Revoke(RevokeArgs),
    /// Generate, import or show a service's private key for `private_key_jwt` (kept in
    /// the keyring; only the public key is ever printed).
    #[command(subcommand)]
    Key(KeyCommand),
    /// List or show the built-in service templates (the five seed services).
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Run a command with valid tokens in its environment (never in its arguments).
    #[command(after_help = EXEC_HELP)]
    Exec(ExecArgs),
    /// Git credential helper: answers `git credential` requests for a service's host.
    #[command(name = "git-credential", after_help = GIT_CREDENTIAL_HELP)]
    GitCredential(GitCredentialArgs),
    /// Set git up to take a service's tokens for a host (global git config).
    #[command(subcommand)]
    Git(GitCommand),
    /// kubectl exec credential plugin: prints an ExecCredential with a valid token.
    #[command(name = "kube-credential", after_help = KUBE_CREDENTIAL_HELP)]
    KubeCredential(KubeCredentialArgs),
    /// Serve tokens from memory on a user-only Unix socket, so `authdeck token` needs no
    /// keyring read (runs in the foreground until stopped).
    Agent(AgentArgs),
    /// Serve a loopback proxy to a service's API that adds the token to every request;
    /// prints its base URL first (runs in the foreground until stopped).
    Proxy(ProxyArgs),
    /// Run the demo server in the foreground (started automatically by --demo).
    #[command(hide = true)]
    DemoServer(DemoServerArgs),
}

const EXEC_HELP: &str = "\
Examples:
  authdeck exec nomad -- python upload.py          (token in AUTHDECK_TOKEN, API base URL in AUTHDECK_API_BASE)
  authdeck exec -s nomad=NOMAD_TOKEN -s autolab=AUTOLAB_TOKEN -- ./sync.sh

Each token goes in its variable; a service with an API base URL also gets it in a second
variable: the token variable with its `_TOKEN` ending replaced by `_API_BASE`, or with
`_API_BASE` appended when it has no such ending (NOMAD_TOKEN -> NOMAD_API_BASE,
GITLAB_PAT -> GITLAB_PAT_API_BASE). Every token is fetched before COMMAND starts: a login
required exits with 3 and COMMAND does not run. COMMAND then replaces authdeck: its exit
status, signals and terminal are its own. 127: COMMAND not found; 126: not executable.";

const GIT_CREDENTIAL_HELP: &str = "\
git runs it (git config credential.https://HOST.helper; `authdeck git setup` writes that).
It answers `get` only for an https request (or http to a loopback address) to a host tied
to the service: its API base URL's host, or the --host given. Without --service it takes
the one service whose API base URL has the request's host. Anything else gets no answer,
so git asks its next helper. `store` and `erase` do nothing.";

const KUBE_CREDENTIAL_HELP: &str = "\
In a kubeconfig user entry:
  exec: {apiVersion: client.authentication.k8s.io/v1, command: authdeck,
         args: [kube-credential, SERVICE], interactiveMode: Never}
Answers in the apiVersion kubectl asks for in KUBERNETES_EXEC_INFO (v1 or v1beta1).";

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The service whose token COMMAND gets (in --env's variable).
    #[arg(value_name = "SERVICE", required_unless_present = "services")]
    pub service: Option<ServiceId>,
    /// Another service, with the variable for its token (default: its id in capitals,
    /// `-` as `_`, then `_TOKEN`); repeatable.
    #[arg(short = 's', long = "service", value_name = "SERVICE[=VAR]", value_parser = service_var)]
    pub services: Vec<(ServiceId, Option<String>)>,
    /// The account (default: each service's default account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// The variable that holds SERVICE's token.
    #[arg(long = "env", value_name = "VAR", default_value = "AUTHDECK_TOKEN", value_parser = env_name, requires = "service")]
    pub env: String,
    /// How the token is written in its variable.
    #[arg(long, value_enum, default_value_t = ExecFormat::Raw)]
    pub format: ExecFormat,
    /// Refresh a token with less time left than this (e.g. 60, 90s, 10m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "60", value_parser = duration_secs)]
    pub min_valid: u64,
    /// The command and its arguments (after `--`).
    #[arg(value_name = "COMMAND", last = true, required = true)]
    pub command: Vec<std::ffi::OsString>,
}

/// The forms a token takes in a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExecFormat {
    /// The token alone.
    Raw,
    /// `Bearer <token>`.
    Bearer,
    /// The header line that carries it (`Authorization: Bearer <token>`).
    Header,
}

impl ExecFormat {
    pub fn written(self) -> authdeck_core::format::TokenFormat {
        use authdeck_core::format::TokenFormat as F;
        match self {
            ExecFormat::Raw => F::Raw,
            ExecFormat::Bearer => F::Bearer,
            ExecFormat::Header => F::Header,
        }
    }
}

/// `SERVICE` or `SERVICE=VAR`.
fn service_var(s: &str) -> Result<(ServiceId, Option<String>), String> {
    match s.split_once('=') {
        Some((service, var)) => Ok((ServiceId::parse(service)?, Some(env_name(var)?))),
        None => Ok((ServiceId::parse(s)?, None)),
    }
}

/// An environment variable name a shell can use: letters, digits and `_`, not starting
/// with a digit.
pub fn env_name(s: &str) -> Result<String, String> {
    let ok = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if ok {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "'{s}' is not a variable name: use letters, digits and '_', not starting with a digit"
        ))
    }
}

#[derive(Debug, Args)]
pub struct GitCredentialArgs {
    /// The service whose token git gets (default: the one whose API base URL has the
    /// request's host).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<ServiceId>,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// A host (host[:port]) the service's token may also go to, besides its API base URL's.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// What git asks: get, store or erase.
    #[arg(value_name = "ACTION")]
    pub action: String,
}

#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Write the credential helper for HOST into your global git config (or remove it).
    Setup(GitSetupArgs),
}

#[derive(Debug, Args)]
pub struct GitSetupArgs {
    pub service: ServiceId,
    /// The git host: `git.example.org`, `git.example.org:8443`, or a URL (`http://` only
    /// for a loopback address).
    #[arg(long, value_name = "HOST")]
    pub host: String,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Remove the helper this command wrote.
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct KubeCredentialArgs {
    pub service: ServiceId,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Refresh a token with fewer seconds left than this.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::DEFAULT_MIN_VALID)]
    pub min_valid: i64,
}

#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Print the socket path and exit.
    #[arg(long)]
    pub print_socket: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The first line on stdout is the base URL to use (http://127.0.0.1:PORT/KEY/, the random KEY keeps other local users out), or the socket path with --socket. <base>openapi.json is the service's OpenAPI document pointing at the proxy, <base>docs a Swagger UI page for it that needs no Authorize step."
)]
pub struct ProxyArgs {
    pub service: ServiceId,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0, conflicts_with = "socket")]
    pub port: u16,
    /// Listen on a Unix socket at this path instead (0600, in a directory only you can enter).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<std::path::PathBuf>,
    /// The service's OpenAPI document, when its docs URL does not lead to it.
    #[arg(long, value_name = "URL")]
    pub openapi: Option<url::Url>,
    /// Fetch a newer token when the one in use has fewer seconds left than this.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::DEFAULT_MIN_VALID)]
    pub min_valid: i64,
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    #[arg(long, default_value_t = crate::demo::DEFAULT_PORT)]
    pub port: u16,
    #[arg(long)]
    pub auto_approve: bool,
    /// Lifetime of every access token, in seconds (default: each service's real one).
    #[arg(long)]
    pub access_ttl: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = crate::demo::SERVER_LIFETIME.as_secs())]
    pub lifetime: u64,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a new key pair (replacing the service's key) and print its public JWK.
    Generate(KeyGenerateArgs),
    /// Import a PEM private key from stdin (PKCS#8 EC P-256 or RSA, or PKCS#1 RSA),
    /// replacing the service's key, and print its public JWK.
    Import(KeyImportArgs),
    /// Print the public key as a JWK (or a JWKS), to register the client with.
    Show(KeyShowArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    pub service: ServiceId,
    /// The signature algorithm. Authdeck generates ES256 keys; for RS256 import an RSA
    /// key made with OpenSSL (`key import`).
    #[arg(long, value_enum, default_value_t = KeyAlgArg::Es256)]
    pub alg: KeyAlgArg,
    /// Print a JWKS (`{"keys": [...]}`) instead of the JWK.
    #[arg(long)]
    pub jwks: bool,
}

#[derive(Debug, Args)]
pub struct KeyImportArgs {
    pub service: ServiceId,
    /// Print a JWKS (`{"keys": [...]}`) instead of the JWK.
    #[arg(long)]
    pub jwks: bool,
}

#[derive(Debug, Args)]
pub struct KeyShowArgs {
    pub service: ServiceId,
    /// Print a JWKS (`{"keys": [...]}`) instead of the JWK.
    #[arg(long)]
    pub jwks: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgArg {
    #[value(name = "ES256", alias = "es256")]
    Es256,
    #[value(name = "RS256", alias = "rs256")]
    Rs256,
}

#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// List the presets.
    List,
    /// Show what a preset asks for and the service it makes.
    Show(PresetShowArgs),
}

#[derive(Debug, Args)]
pub struct PresetShowArgs {
    pub name: String,
    /// Preset inputs or overrides, as for `service add --set`.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
    pub settings: Vec<(String, String)>,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Add a service. Secrets are read from stdin, never from arguments.
    Add(Box<AddArgs>),
    /// List the configured services.
    List(JsonFlag),
    /// Show one service's settings, stored secrets and accounts.
    Show(ShowArgs),
    /// Remove a service with all its secrets and tokens.
    Remove(IdArg),
    /// Store a client secret or an account's password (read from stdin).
    Secret(SecretArgs),
    /// Import services from an OpenAPI / Swagger document (URL or file), or from a team
    /// file written by `service export`.
    Import(Box<ImportArgs>),
    /// Print service definitions as TOML, without secrets or accounts, for a team to share.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// An http(s) URL or a file: an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML) or a
    /// team file from `authdeck service export`.
    pub source: String,
    /// The security scheme to create a service for (its name in the document).
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// Service id (default: from the document's title).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The OAuth client id (an OpenAPI document never has one).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// A scope to request (repeat for several; default: none, the provider's default).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Token URL, for a document whose only flow (implicit) has none.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Do not ask: create what the arguments describe.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show what would be created, create nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace services of the same id.
    #[arg(long)]
    pub replace: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The services to export (default: all).
    pub ids: Vec<ServiceId>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Service id: lowercase letters, digits, '-' and '_'.
    pub id: ServiceId,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Issuer URL; the endpoints are discovered from it.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Token endpoint (overrides discovery).
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Authorization endpoint (overrides discovery).
    #[arg(long, value_name = "URL")]
    pub auth_url: Option<String>,
    /// Device authorization endpoint (overrides discovery).
    #[arg(long, value_name = "URL")]
    pub device_url: Option<String>,
    /// Revocation endpoint (overrides discovery).
    #[arg(long, value_name = "URL")]
    pub revoke_url: Option<String>,
    /// Start from a built-in preset (`authdeck preset list`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["issuer", "token_url", "auth_url", "device_url", "revoke_url", "flow"])]
    pub preset: Option<String>,
    /// A preset input (e.g. tenant=…, base_url=…) or any service setting to override
    /// (e.g. endpoints.token=https://…); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value, requires = "preset")]
    pub settings: Vec<(String, String)>,
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// How to log in (bearer and api-key: a pasted token, no OAuth client).
    #[arg(long, value_parser = flow_parser(), required_unless_present = "preset")]
    pub flow: Option<Flow>,
    /// A scope to request (repeat for several).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Extra authorization request parameter, e.g. audience=https://api (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = key_value)]
    pub params: Vec<(String, String)>,
    /// Extra token request parameter, e.g. resource=https://api/ (repeatable).
    #[arg(long = "token-param", value_name = "KEY=VALUE", value_parser = key_value)]
    pub token_params: Vec<(String, String)>,
    /// Loopback ports to try in order, e.g. 8080-8085; 0 for any free port.
    #[arg(long, value_name = "PORTS")]
    pub port: Option<String>,
    #[arg(long, value_name = "HOST")]
    pub redirect_host: Option<String>,
    /// Path of the redirect URI (default /callback; "" for none).
    #[arg(long, value_name = "PATH")]
    pub redirect_path: Option<String>,
    #[arg(long, value_enum)]
    pub client_auth: Option<ClientAuthArg>,
    /// The `aud` of client assertions (client-secret-jwt, private-key-jwt): the token
    /// endpoint (default), the issuer, or the URL of each endpoint called.
    #[arg(long, value_name = "AUD", value_parser = ["token-endpoint", "issuer", "endpoint"])]
    pub assertion_audience: Option<String>,
    /// Pushed authorization requests (RFC 9126) of the browser login: auto (when the
    /// provider requires them; default), always or never.
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub par: Option<String>,
    /// DPoP (RFC 9449): bind the accounts' tokens to a key of their own in the keyring:
    /// never (default), auto (when the provider's metadata offers ES256) or always.
    #[arg(long, value_name = "WHEN", value_parser = ["never", "auto", "always"])]
    pub dpop: Option<String>,
    /// Signed request objects (JAR, RFC 9101) of the browser login: auto (when the
    /// provider requires them; default), signed (with the client's private key, else
    /// HS256 with its client secret) or plain.
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "signed", "plain"])]
    pub request_object: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// The service's Swagger / OpenAPI documentation page.
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,
    /// Base URL of the service's API.
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// How long the provider's refresh tokens live when its answers do not say (e.g. 30d;
    /// a Keycloak realm's session length): tells when a login will be needed.
    #[arg(long, value_name = "DURATION")]
    pub refresh_token_lifetime: Option<String>,
    /// Replace an existing service of this id.
    #[arg(long)]
    pub replace: bool,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("'{s}' is not KEY=VALUE")),
    }
}

/// The credentials a new service comes with: the client secret and the password read
/// from stdin, and the user name of the password grant (`service add`, `service import`).
#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// Read the client secret from stdin (first line).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// User name of the password grant.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password from stdin (the line after the client secret, if both).
    #[arg(long)]
    pub password_stdin: bool,
}

/// `--flow`: core's flow names (`Flow::ALL`), so a new flow needs no CLI change.
fn flow_parser() -> impl TypedValueParser<Value = Flow> {
    PossibleValuesParser::new(Flow::ALL.map(Flow::as_str)).try_map(|s| s.parse::<Flow>())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ClientAuthArg {
    None,
    Basic,
    Post,
    /// A JWT assertion signed with the client secret (HS256).
    ClientSecretJwt,
    /// A JWT assertion signed with the service's private key (`authdeck key`).
    PrivateKeyJwt,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    pub id: ServiceId,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    pub id: ServiceId,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SecretArgs {
    pub id: ServiceId,
    /// The account whose password to store.
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    #[arg(long, required_unless_present = "password_stdin")]
    pub client_secret_stdin: bool,
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct AccountArgs {
    pub service: ServiceId,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    pub service: ServiceId,
    /// Account to log in (created if new; default: "default").
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Do not open a browser: print the URL to open elsewhere.
    #[arg(long)]
    pub no_browser: bool,
    /// One JSON event per line on stdout.
    #[arg(long)]
    pub json: bool,
    /// Give up waiting for the browser or device approval after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    /// Read the token (flow bearer) or API key (flow api-key) from stdin, without a prompt.
    #[arg(long)]
    pub token_stdin: bool,
}

#[derive(Debug, PartialEq, Args)]
pub struct TokenArgs {
    pub service: ServiceId,
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    #[arg(long, value_enum, default_value_t = TokenFormat::Raw)]
    pub format: TokenFormat,
    /// Refresh if the token has fewer seconds left than this.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::DEFAULT_MIN_VALID)]
    pub min_valid: i64,
    /// The account's app token (NOMAD) instead of its access token.
    #[arg(long)]
    pub app_token: bool,
    /// With --app-token: mint a new app token living this long (e.g. 3600, 90m, 12h, 7d).
    #[arg(long, value_name = "DURATION", requires = "app_token", value_parser = duration_secs)]
    pub expires_in: Option<u64>,
    /// For one request to URL with METHOD: print its header lines, `Authorization: DPoP
    /// <token>` and `DPoP: <proof>` for a DPoP-bound token (a proof is good for that one
    /// request, shortly), or the token's one header line for any other token. For scripts:
    /// `curl -H "$line1" -H "$line2" URL`.
    #[arg(long, num_args = 2, value_names = ["METHOD", "URL"], conflicts_with_all = ["format", "app_token"])]
    pub dpop_proof: Option<Vec<String>>,
    /// With --dpop-proof: the nonce the API asked for (its `DPoP-Nonce` header).
    #[arg(long, value_name = "NONCE", requires = "dpop_proof")]
    pub dpop_nonce: Option<String>,
    /// Exchange the account's token (RFC 8693) for a token for TARGET: an exchange target
    /// the service names in services.toml, else the audience itself.
    #[arg(long, value_name = "TARGET", conflicts_with_all = ["app_token", "dpop_proof"])]
    pub exchange_for: Option<String>,
    /// With --exchange-for: a scope to ask for (repeat for several), instead of the
    /// target's.
    #[arg(long = "scope", value_name = "SCOPE", requires = "exchange_for")]
    pub scopes: Vec<String>,
}

pub use authdeck_core::config::duration_secs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenFormat {
    /// The token alone (what Swagger's HTTPBearer dialog wants).
    Raw,
    /// `Bearer <token>`.
    Bearer,
    /// The request header line that carries it: `Authorization: Bearer <token>`, or an API
    /// key's own header (`X-API-Key: <key>`, `Cookie: <name>=<key>`).
    Header,
    /// A curl command line calling the service's API base URL (`api_base`) with the
    /// token in its header, query parameter or cookie.
    Curl,
    /// A JSON object with the token, its type, expiry and scopes.
    Json,
}

impl TokenFormat {
    /// Core's format, for all but `json` (the CLI's own structured output).
    pub fn written(self) -> Option<authdeck_core::format::TokenFormat> {
        use authdeck_core::format::TokenFormat as F;
        match self {
            TokenFormat::Raw => Some(F::Raw),
            TokenFormat::Bearer => Some(F::Bearer),
            TokenFormat::Header => Some(F::Header),
            TokenFormat::Curl => Some(F::Curl),
            TokenFormat::Json => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub service: ServiceId,
    /// The account (default: the service's default account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Show at most this many events.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per event and line, newest first.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IntrospectArgs {
    pub service: ServiceId,
    /// The account (default: the service's default account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Ask about the refresh token instead of the access token.
    #[arg(long)]
    pub refresh: bool,
    /// One JSON object: what the provider said.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["access", "refresh"]))]
pub struct RevokeArgs {
    pub service: ServiceId,
    /// The account (default: the service's default account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<AccountName>,
    /// Revoke the access token (the next use renews it).
    #[arg(long)]
    pub access: bool,
    /// Revoke the refresh token (the account can no longer refresh).
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
}
