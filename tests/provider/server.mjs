// A real, certified OpenID provider (npm `oidc-provider`) for Authdeck's integration tests.
//
//   node tests/provider/server.mjs
//
// Listens on 127.0.0.1:$PORT (default 0 = any free port). Once listening it prints exactly one
// line of JSON to stdout and nothing else afterwards (all logs go to stderr):
//   {"issuer":"http://127.0.0.1:<port>","port":<port>}
// Exits on SIGTERM, SIGINT and when stdin closes (so a crashed parent never leaves it behind).
//
// Clients (fixed ids and secrets):
//   id             secret                 token endpoint auth   grant types
//   native-app     -                      none (public)         authorization_code, refresh_token, device_code, password
//   conf-basic     conf-basic-secret      client_secret_basic   authorization_code, refresh_token, device_code, password
//   conf-post      conf-post-secret       client_secret_post    authorization_code, refresh_token, device_code, password
//   machine-basic  machine-basic-secret   client_secret_basic   client_credentials (scope "api:read api:write")
//   machine-post   machine-post-secret    client_secret_post    client_credentials (scope "api:read api:write")
//   introspector   introspector-secret    client_secret_basic   client_credentials; may introspect any client's tokens
//   jwt-secret     jwt-secret-…-32-bytes  client_secret_jwt     authorization_code, refresh_token, client_credentials
//   key-jwt        -                      private_key_jwt       authorization_code, refresh_token, client_credentials
//   dpop-app       -                      none (public)         authorization_code, refresh_token, device_code;
//                                                               its access tokens must be DPoP-bound (RFC 9449:
//                                                               `dpop_bound_access_tokens`), a token request
//                                                               without a proof is refused: invalid_grant with
//                                                               error_description "DPoP proof JWT not provided"
//                                                               (oidc-provider keeps that text in its
//                                                               error_detail; this server puts it in the answer,
//                                                               as providers that name the missing proof do)
//   jar-secret     jar-secret-…-32-bytes  client_secret_jwt     authorization_code, refresh_token; requires signed
//                                                               request objects (JAR, RFC 9101; HS256 with its secret)
//   exchanger      exchanger-secret       client_secret_basic   token exchange only (see below)
// jwt-secret's secret is `jwt-secret-client-secret-of-32-bytes`, jar-secret's
// `jar-secret-client-secret-of-32-bytes`. Request objects (`features.requestObjects`) are on
// for every client; jar-secret takes no authorization request without one (in the browser's
// URL or pushed), and the provider checks their `iss`, `aud`, `exp` and signature. key-jwt's public keys are
// the JWKS in the file CLIENT_JWKS_FILE, read at each fetch of its jwks_uri (GET /test/jwks,
// fresh for 60 s), so a test can start the provider, make a key with Authdeck and register
// its printed JWKS by writing the file before the first request.
// The first three are `application_type: native` with redirect_uris http://127.0.0.1/callback,
// http://localhost/callback and http://127.0.0.1/ (any port is accepted, RFC 8252).
//
// Users (password grant; the browser login accepts any login_hint): alice / alice-password,
// bob / bob-password. Authorization requests log in as `login_hint` (default alice) without a
// person; `login_hint=deny` ends the request with error=access_denied.
//
// Environment (all optional):
//   PORT                    listen port (default 0 = any free port)
//   ACCESS_TOKEN_TTL        seconds (default 3600)
//   REFRESH_TOKEN_TTL       seconds (default 86400)
//   DEVICE_CODE_TTL         seconds (default 600)
//   CLIENT_CREDENTIALS_TTL  seconds (default ACCESS_TOKEN_TTL)
//   DEVICE_INTERVAL         seconds; when set, added as `interval` to device authorization
//                           responses (oidc-provider itself sends none, so clients default to 5)
//   DISCOVERY=oauth-only    /.well-known/openid-configuration answers 404; the same metadata is
//                           served at /.well-known/oauth-authorization-server (RFC 8414).
//                           Without it both paths serve the metadata.
//   CLIENT_JWKS_FILE        the public JWKS of client key-jwt (see above); 404 until it exists
//   REQUIRE_PAR=1           every authorization request must be pushed first (RFC 9126;
//                           PAR itself is always on, as in oidc-provider 9)
//   CLIENT_AUTH=lenient     accept a secret sent with basic for a *_post client and vice versa
//                           (oidc-provider's own behaviour). Default: strict, the registered
//                           token_endpoint_auth_method must be used, else 401 invalid_client.
//   DPOP_NONCE=1            DPoP proofs must carry a server nonce: at the token endpoint
//                           (oidc-provider's `features.dPoP.nonceSecret`/`requireNonce`: 400
//                           use_dpop_nonce with a DPoP-Nonce header) and at GET /test/api (401
//                           WWW-Authenticate: DPoP error="use_dpop_nonce" with DPoP-Nonce).
//                           DPoP itself is always on (ES256 in dpop_signing_alg_values_supported).
//
// Token exchange (RFC 8693; oidc-provider has none built in, registered below): the grant
// `urn:ietf:params:oauth:grant-type:token-exchange` is allowed to native-app, conf-basic,
// conf-post, jwt-secret and key-jwt. The subject_token must be an access token of this
// provider (AccessToken.find: known, not expired, not revoked) issued to the same client
// (or to any of those clients when the exchanging client is `exchanger`, a
// client_secret_basic client with secret `exchanger-secret` that may only exchange).
// The target is `audience` (else `resource`) and must be one of EXCHANGE_AUDIENCES, else
// invalid_target; the scopes asked for must be granted to the subject token and offered by
// the target, else invalid_scope (none asked: the subject's scopes the target offers). The
// issued access token is opaque, has `aud` = the target, the subject's account and grant.
//   https://billing.example.test   offers api:read
//   https://reports.example.test   offers api:read api:write
//
// GET /test/grants answers the counts of token-endpoint successes by grant type and of
// errors by code since start (tests check "zero invalid_grant" from the provider's side),
// `par`: the pushed authorization requests accepted, `dpop_jkt`: those that carried a
// dpop_jkt, and `api`: GET /test/api's answers by outcome (`ok`, `nonce`, `refused`).
//
// GET /test/api is a small protected resource that takes only DPoP-bound access tokens of
// this provider, checked as RFC 9449 §7 says: `Authorization: DPoP <token>` and one `DPoP`
// proof, `typ` dpop+jwt, ES256 signature by the proof's `jwk`, `htm` GET, `htu` this URL
// (no query), `iat` within 60 s, `ath` = SHA-256 of the token, a `jti` not seen before,
// and the token's `cnf.jkt` (oidc-provider's AccessToken.find) = the RFC 7638 thumbprint of
// the proof's key. 200 {"sub","client_id","jkt"}; else 401 with WWW-Authenticate: DPoP.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

// oidc-provider prints its notices with console.info, i.e. to stdout. Stdout carries only the
// one JSON line, so route every console method to stderr before anything can log.
for (const name of ['log', 'info', 'debug']) {
  console[name] = (...args) => console.error(...args);
}

const { default: Provider, errors } = await import('oidc-provider');

function seconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`server.mjs: ${name} must be a positive integer number of seconds, got ${JSON.stringify(raw)}`);
    process.exit(64);
  }
  return value;
}

const ACCESS_TOKEN_TTL = seconds('ACCESS_TOKEN_TTL', 3600);
const REFRESH_TOKEN_TTL = seconds('REFRESH_TOKEN_TTL', 86400);
const DEVICE_CODE_TTL = seconds('DEVICE_CODE_TTL', 600);
const CLIENT_CREDENTIALS_TTL = seconds('CLIENT_CREDENTIALS_TTL', ACCESS_TOKEN_TTL);
const DEVICE_INTERVAL = process.env.DEVICE_INTERVAL ? seconds('DEVICE_INTERVAL', 5) : undefined;
const LENIENT_CLIENT_AUTH = process.env.CLIENT_AUTH === 'lenient';
const OAUTH_ONLY = process.env.DISCOVERY === 'oauth-only';
const CLIENT_JWKS_FILE = process.env.CLIENT_JWKS_FILE || '';
const REQUIRE_PAR = process.env.REQUIRE_PAR === '1';
const DPOP_NONCE = process.env.DPOP_NONCE === '1';
const PORT = process.env.PORT ? Number(process.env.PORT) : 0;
// Holds back the answer to a refresh_token grant this long after the grant is done (the
// old refresh token already spent): the window in which a client that stops loses the
// rotated one unless it finishes the request.
const REFRESH_ANSWER_DELAY_MS = Number(process.env.REFRESH_ANSWER_DELAY_MS || 0);
// Long enough that grants, sessions and interactions never expire before the tokens do.
const LONG_TTL = Math.max(REFRESH_TOKEN_TTL, ACCESS_TOKEN_TTL, CLIENT_CREDENTIALS_TTL, 14 * 24 * 3600);

const SCOPES = ['openid', 'profile', 'email', 'offline_access', 'api:read', 'api:write'];

const USERS = {
  alice: { password: 'alice-password', name: 'Alice Example', email: 'alice@example.test' },
  bob: { password: 'bob-password', name: 'Bob Example', email: 'bob@example.test' },
};

function account(accountId) {
  const user = USERS[accountId];
  return {
    accountId,
    async claims() {
      return {
        sub: accountId,
        name: user?.name ?? accountId,
        preferred_username: accountId,
        email: user?.email ?? `${accountId}@example.test`,
        email_verified: true,
      };
    },
  };
}

const loopbackRedirects = [
  'http://127.0.0.1/callback',
  'http://localhost/callback',
  'http://127.0.0.1/',
];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const interactive = {
  application_type: 'native',
  redirect_uris: loopbackRedirects,
  response_types: ['code'],
  grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT, 'password', TOKEN_EXCHANGE],
};
const machine = {
  redirect_uris: [],
  response_types: [],
  grant_types: ['client_credentials'],
  scope: 'api:read api:write',
};

const clients = [
  { client_id: 'native-app', token_endpoint_auth_method: 'none', ...interactive },
  { client_id: 'conf-basic', client_secret: 'conf-basic-secret', token_endpoint_auth_method: 'client_secret_basic', ...interactive },
  { client_id: 'conf-post', client_secret: 'conf-post-secret', token_endpoint_auth_method: 'client_secret_post', ...interactive },
  { client_id: 'machine-basic', client_secret: 'machine-basic-secret', token_endpoint_auth_method: 'client_secret_basic', ...machine },
  { client_id: 'machine-post', client_secret: 'machine-post-secret', token_endpoint_auth_method: 'client_secret_post', ...machine },
  { client_id: 'introspector', client_secret: 'introspector-secret', token_endpoint_auth_method: 'client_secret_basic', ...machine },
  { client_id: 'exchanger', client_secret: 'exchanger-secret', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], response_types: [], grant_types: [TOKEN_EXCHANGE] },
];

// Bind first: with PORT=0 the issuer (which contains the port) is only known once listening.
let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
try {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, '127.0.0.1', resolve);
  });
} catch (err) {
  console.error(`server.mjs: cannot listen on 127.0.0.1:${PORT}: ${err.code ?? err.message}`);
  process.exit(1);
}
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

// The clients that authenticate with signed JWTs (RFC 7523): both log in in the browser,
// refresh, and use client credentials.
const jwtClient = {
  ...interactive,
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE],
};
clients.push(
  {
    client_id: 'dpop-app', token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true,
    ...interactive, grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
  },
  { client_id: 'jwt-secret', client_secret: 'jwt-secret-client-secret-of-32-bytes', token_endpoint_auth_method: 'client_secret_jwt', ...jwtClient },
  { client_id: 'key-jwt', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${issuer}/test/jwks`, ...jwtClient },
  {
    client_id: 'jar-secret',
    client_secret: 'jar-secret-client-secret-of-32-bytes',
    token_endpoint_auth_method: 'client_secret_jwt',
    require_signed_request_object: true,
    ...interactive,
    grant_types: ['authorization_code', 'refresh_token'],
  },
);

// Node 20 can deadlock when a key straight from generateKeyPairSync is exported: a
// garbage collection during the export runs the key job's destructor, which waits for the
// lock the export holds (seen in CI: this server listened but never printed its ready
// line). Generating PEM text and exporting a key object made from it avoids the shared lock.
const { privateKey: signingPem } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const signingKey = crypto.createPrivateKey(signingPem).export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...signingKey, kid: 'authdeck-test-rs256', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  scopes: SCOPES,
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  responseTypes: ['code'],
  findAccount: async (_ctx, sub) => (sub ? account(sub) : undefined),
  features: {
    devInteractions: { enabled: false },
    deviceFlow: {
      enabled: true,
      // Plain pages (no external fonts) with a machine-readable result marker for device.mjs.
      userCodeInputSource: async (ctx, form, _out, err) => {
        let result = 'input';
        let message = 'Enter the code displayed on your device';
        if (err?.name === 'AbortedError') {
          result = 'denied';
          message = 'The Sign-in request was interrupted (denied)';
        } else if (err && (err.userCode || err.name === 'NoCodeError')) {
          result = 'error';
          message = 'The code you entered is incorrect. Try again';
        } else if (err) {
          result = 'error';
          message = `There was an error processing your request (${err.name})`;
        }
        page(ctx, 'Sign-in', result, `<p>${escapeHtml(message)}</p>${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
      },
      userCodeConfirmSource: async (ctx, form, client, _deviceInfo, userCode) => {
        page(ctx, 'Confirm Device', 'confirm', `<p><strong>${escapeHtml(client.clientName || client.clientId)}</strong></p>`
          + `<p>The following code should be displayed on your device: <code>${escapeHtml(userCode)}</code></p>${form}`
          + '<button type="submit" form="op.deviceConfirmForm">Continue</button>'
          + '<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button>');
      },
      successSource: async (ctx) => {
        page(ctx, 'Sign-in Success', 'success', '<p>Your sign-in was successful, you can now close this page.</p>');
      },
    },
    revocation: { enabled: true },
    dPoP: DPOP_NONCE
      ? { enabled: true, nonceSecret: crypto.randomBytes(32), requireNonce: () => true }
      : { enabled: true },
    clientCredentials: { enabled: true },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: REQUIRE_PAR },
    requestObjects: { enabled: true },
    introspection: {
      enabled: true,
      // `introspector` may introspect anything; a public client only its own tokens; any other
      // (authenticated) client any token as well, as in oidc-provider's default policy.
      allowedPolicy: async (_ctx, client, token) => {
        if (client.clientId === 'introspector') return true;
        if (client.clientAuthMethod === 'none' && token.clientId !== client.clientId) return false;
        return true;
      },
    },
    // Resource indicators (RFC 8707) stay on, but every absolute `resource` URI is accepted as a
    // resource server offering the api:* scopes (opaque tokens with `aud` = that URI). Without
    // this, oidc-provider answers invalid_target to any `resource` parameter.
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (_ctx, resourceIndicator) => ({
        audience: resourceIndicator,
        scope: 'api:read api:write',
        accessTokenFormat: 'opaque',
      }),
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // A refresh token for every client allowed the refresh_token grant, without offline_access.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  expiresWithSession: async () => false,
  ttl: {
    AccessToken: ACCESS_TOKEN_TTL,
    ClientCredentials: CLIENT_CREDENTIALS_TTL,
    RefreshToken: REFRESH_TOKEN_TTL,
    DeviceCode: DEVICE_CODE_TTL,
    AuthorizationCode: 60,
    IdToken: ACCESS_TOKEN_TTL,
    Interaction: 3600,
    Session: LONG_TTL,
    Grant: LONG_TTL,
  },
  clientBasedCORS: () => true,
  // oidc-provider refuses to fetch from loopback addresses (SSRF protection); the one
  // loopback URL it may fetch is this server's own test JWKS of client key-jwt.
  fetch: (url, options) => {
    if (String(url) === `${issuer}/test/jwks`) {
      const { dispatcher: _ssrfGuard, ...rest } = options;
      return fetch(url, rest);
    }
    return fetch(url, options);
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><title>oops! something went wrong</title></head><body><h1>oops! something went wrong</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre></body></html>`;
  },
});

function page(ctx, title, result, content) {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title>`
    + `<meta name="authdeck-device-result" content="${result}"></head>`
    + `<body><h1>${title}</h1>${content}</body></html>`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------------------------------------
// oidc-provider treats client_secret_basic and client_secret_post as interchangeable. Tests want
// to know that the app uses the registered method, so a secret sent the other way fails like a
// wrong secret (401 invalid_client) unless CLIENT_AUTH=lenient.
if (!LENIENT_CLIENT_AUTH) {
  const compare = provider.Client.prototype.compareClientSecret;
  provider.Client.prototype.compareClientSecret = function strictCompareClientSecret(secret) {
    const ctx = Provider.ctx;
    if (ctx) {
      const used = ctx.oidc?.params?.client_secret ? 'client_secret_post' : 'client_secret_basic';
      if (used !== this.clientAuthMethod) {
        console.error(`client ${this.clientId} is registered for ${this.clientAuthMethod} but used ${used}; rejected`);
        return false;
      }
    }
    return compare.call(this, secret);
  };
}

// ---------------------------------------------------------------------------------------------
// Resource owner password credentials grant (not built into oidc-provider).
async function passwordGrant(ctx) {
  const { client, params } = ctx.oidc;
  if (!params.username || !params.password) {
    throw new errors.InvalidRequest('missing required parameter(s) (username, password)');
  }
  const user = USERS[params.username];
  if (!user || user.password !== params.password) {
    const err = new errors.InvalidGrant('invalid resource owner credentials');
    err.error_description = 'invalid username or password';
    throw err;
  }

  const allowed = new Set(client.scope ? client.scope.split(' ') : SCOPES);
  const requested = params.scope ? params.scope.split(' ').filter(Boolean) : ['openid'];
  for (const scope of requested) {
    if (!allowed.has(scope)) {
      throw new errors.InvalidScope('requested scope is not allowed', scope);
    }
  }
  const scope = [...new Set(requested)].join(' ');
  const accountId = params.username;

  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  ctx.oidc.entity('Grant', grant);
  ctx.oidc.entity('Account', account(accountId));

  const authTime = Math.floor(Date.now() / 1000);
  const at = new provider.AccessToken({ accountId, client, grantId, gty: 'password', scope });
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  const body = {
    access_token: accessToken,
    token_type: at.tokenType,
    expires_in: at.expiration,
    scope,
  };

  if (client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId, client, grantId, gty: 'password', scope, rotations: 0, authTime,
    });
    ctx.oidc.entity('RefreshToken', rt);
    body.refresh_token = await rt.save();
  }

  if (requested.includes('openid')) {
    const idToken = new provider.IdToken(
      { ...(await account(accountId).claims()), auth_time: authTime },
      { ctx },
    );
    idToken.scope = scope;
    body.id_token = await idToken.issue({ use: 'idtoken' });
  }

  ctx.body = body;
}
provider.registerGrantType('password', passwordGrant, ['username', 'password', 'scope']);

// ---------------------------------------------------------------------------------------------
// Token exchange (RFC 8693), as described in the header.
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const EXCHANGE_AUDIENCES = {
  'https://billing.example.test': ['api:read'],
  'https://reports.example.test': ['api:read', 'api:write'],
};
async function tokenExchangeGrant(ctx) {
  const { client, params } = ctx.oidc;
  if (!params.subject_token || !params.subject_token_type) {
    throw new errors.InvalidRequest('missing required parameter(s) (subject_token, subject_token_type)');
  }
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest('only access tokens can be exchanged (subject_token_type)');
  }
  if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest('only access tokens are issued (requested_token_type)');
  }
  if (params.actor_token) {
    throw new errors.InvalidRequest('delegation (actor_token) is not supported');
  }
  const subject = await provider.AccessToken.find(params.subject_token);
  if (!subject || subject.isExpired) {
    throw new errors.InvalidGrant('subject token is invalid, expired or revoked');
  }
  if (subject.clientId !== client.clientId && client.clientId !== 'exchanger') {
    throw new errors.InvalidGrant('subject token was issued to another client');
  }
  const target = params.audience ?? params.resource;
  if (!target) {
    throw new errors.InvalidTarget('an audience or resource is required');
  }
  const offered = EXCHANGE_AUDIENCES[target];
  if (!offered) {
    throw new errors.InvalidTarget(`tokens are not issued for ${target}`);
  }
  const held = new Set(String(subject.scope ?? '').split(' ').filter(Boolean));
  const allowed = offered.filter((scope) => held.has(scope));
  const requested = params.scope ? params.scope.split(' ').filter(Boolean) : allowed;
  for (const scope of requested) {
    if (!allowed.includes(scope)) {
      throw new errors.InvalidScope('requested scope is not allowed for this subject and audience', scope);
    }
  }
  const scope = [...new Set(requested)].join(' ');
  const at = new provider.AccessToken({
    accountId: subject.accountId,
    client,
    grantId: subject.grantId,
    gty: 'token_exchange',
    scope,
  });
  at.setAudience(target);
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();
  ctx.body = {
    access_token: accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: at.tokenType,
    expires_in: at.expiration,
    scope,
  };
}
provider.registerGrantType(TOKEN_EXCHANGE, tokenExchangeGrant, [
  'subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'resource', 'scope',
  'actor_token', 'actor_token_type',
]);

// ---------------------------------------------------------------------------------------------
// Interactions finish without a person: log in as login_hint (default alice), grant everything.
async function autoFinishInteraction(ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params } = details;
  const hint = typeof params.login_hint === 'string' && params.login_hint ? params.login_hint : 'alice';

  let result;
  if (hint === 'deny') {
    result = { error: 'access_denied', error_description: 'The user denied the request' };
  } else {
    const accountId = details.session?.accountId && prompt.name !== 'login' && !params.login_hint
      ? details.session.accountId
      : hint;
    let grant;
    if (details.grantId) grant = await provider.Grant.find(details.grantId);
    if (!grant || grant.accountId !== accountId) {
      grant = new provider.Grant({ accountId, clientId: params.client_id });
    }
    const scopes = new Set(String(params.scope ?? '').split(' ').filter(Boolean));
    for (const scope of prompt.details.missingOIDCScope ?? []) scopes.add(scope);
    if (scopes.size) grant.addOIDCScope([...scopes].join(' '));
    if (prompt.details.missingOIDCClaims?.length) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const resources = [params.resource ?? []].flat();
    for (const resource of resources) grant.addResourceScope(resource, [...scopes].join(' '));
    for (const [resource, missing] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, missing.join(' '));
    }
    const grantId = await grant.save();
    result = { login: { accountId }, consent: { grantId } };
  }

  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/health') {
    ctx.type = 'text';
    ctx.body = 'ok';
    return;
  }
  if (ctx.method === 'GET' && ctx.path === '/test/grants') {
    ctx.type = 'json';
    ctx.body = grantCounts;
    return;
  }
  if (ctx.method === 'GET' && ctx.path === '/test/api') {
    await protectedApi(ctx);
    return;
  }
  if (ctx.method === 'GET' && ctx.path === '/test/jwks') {
    let text;
    try {
      text = CLIENT_JWKS_FILE ? fs.readFileSync(CLIENT_JWKS_FILE, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      ctx.status = 404;
      return;
    }
    ctx.type = 'json';
    ctx.body = text;
    return;
  }
  if (ctx.method === 'GET' && /^\/interaction\/[^/]+\/?$/.test(ctx.path)) {
    await autoFinishInteraction(ctx);
    return;
  }
  if (ctx.path === '/.well-known/openid-configuration' && OAUTH_ONLY) {
    ctx.status = 404;
    ctx.type = 'json';
    ctx.body = { error: 'not_found', error_description: 'OpenID discovery is disabled (DISCOVERY=oauth-only)' };
    return;
  }
  if (ctx.path === '/.well-known/oauth-authorization-server') {
    ctx.path = '/.well-known/openid-configuration';
  }
  await next();
  if (dpopMissing.has(ctx) && ctx.body && typeof ctx.body === 'object') {
    ctx.body.error_description = 'DPoP proof JWT not provided';
  }
  if (REFRESH_ANSWER_DELAY_MS && ctx.oidc?.route === 'token'
      && ctx.oidc?.params?.grant_type === 'refresh_token') {
    await new Promise((resolve) => setTimeout(resolve, REFRESH_ANSWER_DELAY_MS));
  }
  if (DEVICE_INTERVAL && ctx.oidc?.route === 'device_authorization' && ctx.status === 200
      && ctx.body && typeof ctx.body === 'object') {
    ctx.body.interval = DEVICE_INTERVAL;
  }
});

// What the token endpoint did, for tests that check a whole run from the provider's side:
// GET /test/grants -> {"success":{"<grant_type>":n,…},"error":{"<error code>":n,…}}.
const grantCounts = { success: {}, error: {}, par: 0, dpop_jkt: 0, api: {} };
provider.on('pushed_authorization_request.success', (ctx) => {
  grantCounts.par += 1;
  if (ctx.oidc?.params?.dpop_jkt) grantCounts.dpop_jkt += 1;
});
provider.on('grant.success', (ctx) => {
  const type = String(ctx.oidc?.params?.grant_type ?? 'unknown');
  grantCounts.success[type] = (grantCounts.success[type] ?? 0) + 1;
});
// Token requests refused for want of a DPoP proof (their answer says so, see the header).
const dpopMissing = new WeakSet();
provider.on('grant.error', (ctx, err) => {
  if (err.error_detail === 'DPoP proof JWT not provided') dpopMissing.add(ctx);
  const code = String(err.error ?? err.name ?? 'unknown');
  grantCounts.error[code] = (grantCounts.error[code] ?? 0) + 1;
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));
for (const event of [
  'grant.error', 'authorization.error', 'introspection.error', 'revocation.error',
  'device_authorization.error', 'code_verification.error', 'userinfo.error',
  'pushed_authorization_request.error',
]) {
  provider.on(event, (_ctx, err) => {
    console.error(`${event}: ${err.error ?? err.name}${err.error_description ? ` (${err.error_description})` : ''}${err.error_detail ? ` - ${err.error_detail}` : ''}`);
  });
}

// ---------------------------------------------------------------------------------------------
// GET /test/api: a resource server that checks DPoP-bound tokens itself (see the header).
const seenJti = new Set();
// The resource server's own nonces (DPOP_NONCE=1): any it handed out is accepted.
const apiNonces = new Set();

function b64json(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function jwkThumbprint(jwk) {
  const members = jwk.kty === 'EC'
    ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
    : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function apiOutcome(ctx, outcome, status, body, challenge) {
  grantCounts.api[outcome] = (grantCounts.api[outcome] ?? 0) + 1;
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = body;
  if (challenge) ctx.set('WWW-Authenticate', challenge);
}

async function protectedApi(ctx) {
  const refuse = (why) => {
    console.error(`GET /test/api refused: ${why}`);
    apiOutcome(ctx, 'refused', 401, { error: 'invalid_token', error_description: why },
      `DPoP algs="ES256", error="invalid_token", error_description="${why}"`);
  };
  const auth = ctx.get('authorization');
  const proof = ctx.get('dpop');
  if (!auth.startsWith('DPoP ')) return refuse('the token must be sent as Authorization: DPoP');
  if (!proof || proof.includes(',')) return refuse('exactly one DPoP proof is required');
  const token = auth.slice('DPoP '.length).trim();
  const parts = proof.split('.');
  if (parts.length !== 3) return refuse('the proof is not a compact JWS');
  let header;
  let claims;
  try {
    header = b64json(parts[0]);
    claims = b64json(parts[1]);
  } catch {
    return refuse('the proof is not readable');
  }
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256' || !header.jwk || header.jwk.d) {
    return refuse('bad proof header');
  }
  let key;
  try {
    key = crypto.createPublicKey({ key: header.jwk, format: 'jwk' });
  } catch {
    return refuse('bad proof jwk');
  }
  const valid = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(parts[2], 'base64url'));
  if (!valid) return refuse('bad proof signature');
  if (claims.htm !== 'GET') return refuse('htm mismatch');
  if (claims.htu !== `${issuer}/test/api`) return refuse('htu mismatch');
  if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > 60) return refuse('iat not recent');
  const ath = crypto.createHash('sha256').update(token).digest('base64url');
  if (claims.ath !== ath) return refuse('ath mismatch');
  if (typeof claims.jti !== 'string' || !claims.jti || seenJti.has(claims.jti)) return refuse('jti missing or replayed');
  seenJti.add(claims.jti);
  if (DPOP_NONCE && !apiNonces.has(claims.nonce)) {
    const nonce = crypto.randomBytes(16).toString('base64url');
    apiNonces.add(nonce);
    ctx.set('DPoP-Nonce', nonce);
    return apiOutcome(ctx, 'nonce', 401, { error: 'use_dpop_nonce' },
      'DPoP algs="ES256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"');
  }
  const at = await provider.AccessToken.find(token);
  if (!at) return refuse('unknown or expired access token');
  const jkt = jwkThumbprint(header.jwk);
  if (at.jkt !== jkt) return refuse('the token is not bound to the proof key (cnf.jkt mismatch)');
  return apiOutcome(ctx, 'ok', 200, { sub: at.accountId, client_id: at.clientId, jkt });
}

handler = provider.callback();
process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
console.error(`oidc-provider listening on ${issuer}`);

let closing = false;
function shutdown(why) {
  if (closing) return;
  closing = true;
  console.error(`server.mjs: shutting down (${why})`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('close', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));
process.stdin.resume();
