// Shared by browser.mjs and device.mjs: a small cookie jar (per origin, with cookie paths and
// expiry) and a fetch wrapper that never follows redirects by itself.

import { appendFileSync } from 'node:fs';

export class CookieJar {
  #cookies = new Map(); // key `${origin} ${path} ${name}` -> { origin, path, name, value }

  store(url, response) {
    const { origin, pathname } = new URL(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(pathname);
      let expired = false;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attrValue = rest.join('=').trim();
        if (key === 'path' && attrValue.startsWith('/')) path = attrValue;
        if (key === 'max-age' && Number(attrValue) <= 0) expired = true;
        if (key === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
      }
      const key = `${origin} ${path} ${name}`;
      if (expired) {
        this.#cookies.delete(key);
      } else {
        this.#cookies.set(key, { origin, path, name, value });
      }
    }
  }

  header(url) {
    const { origin, pathname } = new URL(url);
    const matching = [...this.#cookies.values()]
      .filter((c) => c.origin === origin && pathMatches(pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

function defaultPath(pathname) {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has('code')) parsed.searchParams.set('code', 'REDACTED');
    return parsed.href;
  } catch {
    return String(url);
  }
}

export function hopLogger(path) {
  return (method, url, status) => {
    if (!path) return;
    try {
      appendFileSync(path, `${new Date().toISOString()} ${process.pid} ${method} ${redact(url)}${status === undefined ? '' : ` -> ${status}`}\n`);
    } catch {
      // Debug output only; never fail the run because of it.
    }
  };
}

// One request without following redirects; cookies are sent and stored.
export async function request(jar, url, { method = 'GET', form, signal } = {}) {
  const headers = { 'user-agent': 'authdeck-test-browser/1.0', accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
  jar.store(url, response);
  return response;
}

export function isRedirect(status) {
  return [301, 302, 303, 307, 308].includes(status);
}

export function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}
