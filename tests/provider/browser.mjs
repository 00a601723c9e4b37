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
// Env: BROWSER_DELAY_MS sleep before starting; BROWSER_LOG append one line per hop to this file;
// BROWSER_APPROVE=1 submits a consent page's form with its `id="approve"` button (demo-idp's
// Approve/Deny pages), as a person clicking "Approve" would; BROWSER_DENY=1 clicks "Deny" instead.

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
    let location = response.headers.get('location');
    let current = url;
    if (!isRedirect(response.status) || !location) {
      const text = await response.text();
      const button = process.env.BROWSER_DENY === '1' ? 'deny' : process.env.BROWSER_APPROVE === '1' ? 'approve' : null;
      const consent = button ? consentForm(text, url, button) : null;
      if (!consent) {
        log(`stopped at ${redact(url)} with status ${response.status} (no redirect to the app): ${text.slice(0, 200)}`);
        return 1;
      }
      // A consent page: click "Approve" (or "Deny") like a person would.
      const answer = await request(jar, consent.action, { method: 'POST', form: consent.fields });
      hop('POST', consent.action, answer.status);
      location = answer.headers.get('location');
      current = consent.action;
      if (!isRedirect(answer.status) || !location) {
        log(`approving at ${redact(consent.action)} gave status ${answer.status}, not a redirect`);
        return 1;
      }
      await answer.body?.cancel();
    }
    if (current === url) await response.body?.cancel();
    const next = new URL(location, current).href;
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

/** The POST form holding the `id="<button>"` button, with its hidden fields and the button's value. */
function consentForm(html, pageUrl, button) {
  const form = html.match(/<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i);
  if (!form || !form[2].includes(`id="${button}"`)) return null;
  const unescape = (v) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const fields = {};
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = input[0].match(/name="([^"]*)"/);
    const value = input[0].match(/value="([^"]*)"/);
    if (name) fields[unescape(name[1])] = value ? unescape(value[1]) : '';
  }
  const tag = form[2].match(new RegExp(`<button[^>]*id="${button}"[^>]*>`, 'i'))[0];
  const bname = tag.match(/name="([^"]*)"/);
  const bvalue = tag.match(/value="([^"]*)"/);
  if (bname) fields[bname[1]] = bvalue ? bvalue[1] : '';
  return { action: new URL(unescape(form[1]), pageUrl).href, fields };
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`error: ${err?.cause?.message ?? err?.message ?? err}`);
    process.exit(1);
  },
);
