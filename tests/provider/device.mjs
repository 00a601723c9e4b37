// The person approving (or denying) a device code, without a person.
//
//   node tests/provider/device.mjs <verification_uri> <user_code> [--deny]
//
// GETs the verification page (cookie jar), reads the hidden `xsrf` input and the form action,
// POSTs xsrf + user_code + confirm=yes (or abort=yes with --deny), then follows redirects
// through the provider's interaction (which logs in as alice automatically) to the end.
// Exit: 0 success page reached (with --deny: denial page reached), 1 anything else,
// 2 overall timeout (30 s), 64 usage. Env BROWSER_LOG: append one line per hop to this file.

import {
  CookieJar, hopLogger, isRedirect, request,
} from './http-client.mjs';

const MAX_REDIRECTS = 20;
const TIMEOUT_MS = 30_000;

process.stderr.on('error', () => {});
const log = (message) => { try { process.stderr.write(`device.mjs: ${message}\n`); } catch { /* ignore */ } };

setTimeout(() => {
  log(`timed out after ${TIMEOUT_MS} ms`);
  process.exit(2);
}, TIMEOUT_MS);

const hop = hopLogger(process.env.BROWSER_LOG);

// Follows same-origin redirects starting from an already received response.
async function settle(jar, url, response) {
  for (let redirects = 0; isRedirect(response.status); redirects += 1) {
    if (redirects >= MAX_REDIRECTS) throw new Error(`too many redirects (${MAX_REDIRECTS})`);
    const location = response.headers.get('location');
    if (!location) break;
    await response.body?.cancel();
    const next = new URL(location, url).href;
    if (new URL(next).origin !== new URL(url).origin) {
      throw new Error(`unexpected redirect away from the provider: ${next}`);
    }
    url = next;
    response = await request(jar, url);
    hop('GET', url, response.status);
  }
  return { url, response, html: await response.text() };
}

function attribute(tag, name) {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

function decodeEntities(text) {
  return text
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function resultOf(html) {
  const meta = html.match(/<meta[^>]*name=["']authdeck-device-result["'][^>]*>/i);
  if (meta) return attribute(meta[0], 'content');
  if (/Sign-in Success/i.test(html)) return 'success';
  if (/interrupted|access_denied/i.test(html)) return 'denied';
  return 'unknown';
}

function excerpt(html) {
  return html.replace(/<style[\s\S]*?<\/style>/gi, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

async function main() {
  const args = process.argv.slice(2);
  const deny = args.includes('--deny');
  const [verificationUri, userCode] = args.filter((a) => a !== '--deny');
  if (!verificationUri || !userCode || !URL.canParse(verificationUri)) {
    log('usage: device.mjs <verification_uri> <user_code> [--deny]');
    return 64;
  }

  const jar = new CookieJar();
  const first = await request(jar, verificationUri);
  hop('GET', verificationUri, first.status);
  const page = await settle(jar, verificationUri, first);
  if (page.response.status !== 200) {
    log(`verification page answered ${page.response.status}: ${excerpt(page.html)}`);
    return 1;
  }

  const xsrfTag = [...page.html.matchAll(/<input\b[^>]*>/gi)]
    .map((m) => m[0])
    .find((tag) => attribute(tag, 'name') === 'xsrf');
  const xsrf = xsrfTag && attribute(xsrfTag, 'value');
  if (!xsrf) {
    log(`no xsrf field on the verification page: ${excerpt(page.html)}`);
    return 1;
  }
  const formTag = page.html.match(/<form\b[^>]*>/i)?.[0];
  const action = new URL(decodeEntities(attribute(formTag ?? '', 'action') ?? page.url), page.url).href;

  const form = { xsrf: decodeEntities(xsrf), user_code: userCode };
  if (deny) form.abort = 'yes';
  else form.confirm = 'yes';
  const posted = await request(jar, action, { method: 'POST', form });
  hop('POST', action, posted.status);
  const done = await settle(jar, action, posted);

  const result = resultOf(done.html);
  const expected = deny ? 'denied' : 'success';
  if (result === expected) {
    log(`${expected} (${done.response.status} at ${done.url})`);
    return 0;
  }
  log(`expected ${expected}, got ${result} (${done.response.status} at ${done.url}): ${excerpt(done.html)}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`error: ${err?.cause?.message ?? err?.message ?? err}`);
    process.exit(1);
  },
);
