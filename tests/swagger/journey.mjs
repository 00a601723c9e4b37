// What a person does with a token in Swagger UI, in a real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core): open the page, click "Authorize", paste
// the token into the scheme's box, "Authorize", "Close", open a protected operation,
// "Try it out", "Execute", and read the response status Swagger UI shows.
//
//   node journey.mjs --page URL --scheme NAME --method get --path /version \
//                    --artifacts DIR --name PREFIX   < token
//
// The token comes on stdin (never on the command line) and is pasted through the
// clipboard, as a user pastes what Authdeck copied. Screenshots go to
// DIR/PREFIX-{1-page,2-authorize,3-response}.png (DIR/PREFIX-failed.png on failure).
// Prints one JSON line: {"status":200,"sentAuthorization":true,"screenshots":[…]} and
// exits 0, or {"error":"…"} and exits 1. The token is never printed.
//
// With --no-authorize (a page served through `authdeck proxy`, whose document has no
// security schemes) there is nothing to paste: the journey checks that the page has no
// "Authorize" button, executes, and also reports the response body Swagger UI shows
// ("body", its first 2000 characters). Screenshots: PREFIX-{1-page,3-response}.png.

import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opts } = parseArgs({
  options: {
    page: { type: 'string' },
    scheme: { type: 'string' },
    method: { type: 'string', default: 'get' },
    path: { type: 'string' },
    artifacts: { type: 'string' },
    name: { type: 'string', default: 'journey' },
    timeout: { type: 'string', default: '90' },
    'no-authorize': { type: 'boolean', default: false },
    chromium: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
});
const noAuthorize = opts['no-authorize'];
for (const required of noAuthorize ? ['page', 'path', 'artifacts'] : ['page', 'scheme', 'path', 'artifacts']) {
  if (!opts[required]) {
    console.log(JSON.stringify({ error: `--${required} is required` }));
    process.exit(2);
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const token = await readStdin();
const STEP_MS = 20_000;
const screenshots = [];
let context;
let userDataDir;

// The whole journey has a deadline: a stuck page never leaves Chromium behind.
const deadline = setTimeout(() => finish({ error: `journey timed out after ${opts.timeout} s` }, 1), Number(opts.timeout) * 1000);

async function finish(result, code) {
  clearTimeout(deadline);
  await context?.close().catch(() => {});
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  console.log(JSON.stringify(result));
  process.exit(code);
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => finish({ error: `killed by ${signal}` }, 1));
}

async function shot(page, step) {
  const file = join(opts.artifacts, `${opts.name}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  screenshots.push(file);
}

let page;
try {
  await mkdir(opts.artifacts, { recursive: true });
  userDataDir = await mkdtemp(join(tmpdir(), 'authdeck-swagger-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.chromium,
    headless: true,
    // Without the background-networking flags Chromium keeps dialling Google's hosts.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(STEP_MS);
  page = context.pages()[0] ?? (await context.newPage());
  const origin = new URL(opts.page).origin;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });

  await page.goto(opts.page);
  const authorize = page.locator('.btn.authorize');
  if (!noAuthorize) await authorize.waitFor();
  // The operation list is rendered from the document: wait for the protected operation.
  const operation = page
    .locator(`.opblock.opblock-${opts.method.toLowerCase()}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${opts.path}"]`) });
  await operation.waitFor();
  await shot(page, '1-page');
  const authorizeButton = (await authorize.count()) > 0;
  if (noAuthorize) {
    await execute(operation, authorizeButton);
  }

  // Authorize: the scheme's box in the dialog; paste from the clipboard.
  await authorize.click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  const box = dialog
    .locator('.auth-container')
    .filter({ has: page.locator('h4', { hasText: new RegExp(`^${opts.scheme}\\b`) }) });
  const input = box.locator('input');
  await input.waitFor();
  await page.evaluate((text) => navigator.clipboard.writeText(text), token);
  await input.focus();
  await page.keyboard.press('ControlOrMeta+V');
  const pasted = await input.inputValue();
  if (pasted !== token) {
    throw new Error(`the pasted value is not the token (${pasted.length} of ${token.length} characters)`);
  }
  await box.locator('button.btn.modal-btn.auth.authorize').click();
  // Once authorized, the box shows the scheme as authorized and offers "Logout".
  await box.locator('button.btn.modal-btn.auth', { hasText: 'Logout' }).waitFor();
  await shot(page, '2-authorize');
  await dialog.locator('button.btn.modal-btn.auth.btn-done', { hasText: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  await execute(operation, authorizeButton);
} catch (err) {
  if (page) await shot(page, 'failed').catch(() => {});
  let message = String(err?.message ?? err).split('\n')[0];
  if (token.length >= 8) message = message.split(token).join('<token>');
  await finish({ error: message, screenshots }, 1);
}

// The protected operation: expand, "Try it out", "Execute"; then finish with what
// Swagger UI shows.
async function execute(operation, authorizeButton) {
  await operation.locator('.opblock-summary-control').click();
  await operation.locator('.try-out__btn').click();
  await operation.locator('.btn.execute').click();
  const live = operation.locator('.responses-table.live-responses-table .response');
  const statusCell = live.locator('.response-col_status').first();
  await statusCell.waitFor();
  const statusText = (await statusCell.innerText()).trim();
  const curl = await operation.locator('.curl-command').innerText().catch(() => '');
  const sentAuthorization = /-H ['"]Authorization: Bearer /i.test(curl) && curl.includes(token);
  await live.first().scrollIntoViewIfNeeded();
  await shot(page, '3-response');

  const status = Number.parseInt(statusText, 10);
  if (!Number.isInteger(status)) {
    throw new Error(`Swagger UI shows no status code (${JSON.stringify(statusText.slice(0, 80))})`);
  }
  const result = { status, sentAuthorization, authorizeButton, screenshots };
  if (noAuthorize) {
    result.body = (await live.locator('.response-col_description').first().innerText()).slice(0, 2000);
  }
  await finish(result, 0);
}
