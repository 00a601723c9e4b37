// A headless stand-in for the system browser, used as AUTHDECK_BROWSER in tests.
//
//   node tests/provider/browser.mjs [ignored args...] <url>
//
// GETs <url> (the last argument) with a cookie jar and follows redirects manually while they
// stay on the provider's origin (the origin of <url>). The first redirect to another origin
// (the app's loopback listener, e.g. http://127.0.0.1:8123/callback?code=..&state=..) is
// requested once; the status and the first 200 characters of its body go to stderr.
// Exit: 0 final response 2xx, 1 anything else (non-2xx, provider page instead of a redirect,
// too many redirects, network error), 2 overall timeout (30 s), 64 usage.
// Env: BROWSER_DELAY_MS sleep before starting; BROWSER_LOG append one line per hop to this file.

import {
  CookieJar, hopLogger, isRedirect, redact, request, sleep,
} from './http-client.mjs';

const MAX_REDIRECTS = 20;
const TIMEOUT_MS = 30_000;

// Launched detached, stderr may be a closed pipe: never crash or hang on writing to it.
process.stderr.on('error', () => {});
process.stdout.on('error', () => {});

const log = (message) => { try { process.stderr.write(`browser.mjs: ${message}\n`); } catch { /* ignore */ } };

setTimeout(() => {
  log(`timed out after ${TIMEOUT_MS} ms`);
  process.exit(2);
}, TIMEOUT_MS);

async function main() {
  const target = process.argv.at(-1);
  if (process.argv.length < 3 || !URL.canParse(target)) {
    log('usage: browser.mjs <url>');
    return 64;
  }
  const delay = Number(process.env.BROWSER_DELAY_MS || 0);
  if (delay > 0) await sleep(delay);

  const hop = hopLogger(process.env.BROWSER_LOG);
  const jar = new CookieJar();
  const providerOrigin = new URL(target).origin;
  let url = target;

  for (let redirects = 0; ; redirects += 1) {
    const response = await request(jar, url);
    hop('GET', url, response.status);
    const location = response.headers.get('location');
    if (!isRedirect(response.status) || !location) {
      const text = await response.text();
      log(`stopped at ${redact(url)} with status ${response.status} (no redirect to the app): ${text.slice(0, 200)}`);
      return 1;
    }
    await response.body?.cancel();
    const next = new URL(location, url).href;
    if (new URL(next).origin !== providerOrigin) {
      url = next;
      break;
    }
    if (redirects + 1 >= MAX_REDIRECTS) {
      log(`too many redirects (${MAX_REDIRECTS}), last ${redact(next)}`);
      return 1;
    }
    url = next;
  }

  const final = await request(jar, url);
  hop('GET', url, final.status);
  const body = await final.text();
  log(`final ${redact(url)} -> ${final.status}: ${body.slice(0, 200)}`);
  return final.status >= 200 && final.status < 300 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`error: ${err?.cause?.message ?? err?.message ?? err}`);
    process.exit(1);
  },
);
