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
    /// Generate, import or show a service's private key for `private_key_jwt` (kept in
    /// the keyring; only the public key is ever printed).
    #[command(subcommand)]
    Key(KeyCommand),
    /// List or show the built-in service templates (the five seed services).
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Serve tokens from memory on a user-only Unix socket, so `authdeck token` needs no
    /// keyring read (runs in the foreground until stopped).
    Agent(AgentArgs),
    /// Run the demo server in the foreground (started automatically by --demo).
    #[command(hide = true)]
    DemoServer(DemoServerArgs),
}

#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Print the socket path and exit.
    #[arg(long)]
    pub print_socket: bool,
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
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// The service's Swagger / OpenAPI documentation page.
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,
    /// Base URL of the service's API.
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
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
}

/// "3600", "90s", "90m", "12h", "7d" → seconds.
pub fn duration_secs(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration: write e.g. 3600, 90m, 12h or 7d"))?;
    let factor = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("'{s}': unknown unit '{unit}' (use s, m, h or d)")),
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("'{s}' is too long"))
}

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
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
}
