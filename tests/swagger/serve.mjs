// Serves the real Swagger UI (the `swagger-ui-dist` npm package, pinned in tests/package.json)
// on 127.0.0.1, with a swagger-initializer.js of our own that loads one OpenAPI document:
// the page's `?url=` query parameter if given, else $SPEC_URL.
//
// The document's API is called from the browser on its own origin (demo-idp serves CORS),
// so this server only serves static files.
//
// Environment:
//   SPEC_URL   the OpenAPI document to show (e.g. http://127.0.0.1:4000/quamotion/openapi.json)
//   PORT       listen port (default 0 = any free port)
//
// Once listening it prints exactly one JSON line on stdout: {"url":"http://127.0.0.1:<port>/"}.
// Exits on SIGTERM, SIGINT and when stdin closes (so a crashed parent never leaves it behind).

import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

const require = createRequire(import.meta.url);
const DIST = dirname(require.resolve('swagger-ui-dist/package.json'));
const SPEC_URL = process.env.SPEC_URL ?? '';
const PORT = Number(process.env.PORT ?? 0);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
};

// Only the package's own top-level files are served: no path ever reaches the file system.
const FILES = new Set((await readdir(DIST)).filter((name) => extname(name) in TYPES));

// Our initializer: no online validator badge (it would call validator.swagger.io), no deep
// links, and "Try it out" left for the user to click.
const INITIALIZER = `window.onload = function () {
  var params = new URLSearchParams(window.location.search);
  window.ui = SwaggerUIBundle({
    url: params.get('url') || ${JSON.stringify(SPEC_URL)},
    dom_id: '#swagger-ui',
    deepLinking: false,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain', 'Method Not Allowed');
  }
  const path = new URL(req.url, 'http://localhost').pathname;
  const name = path === '/' ? 'index.html' : path.slice(1);
  if (name === 'swagger-initializer.js') {
    return send(res, 200, TYPES['.js'], INITIALIZER);
  }
  if (!FILES.has(name)) {
    return send(res, 404, 'text/plain', 'Not Found');
  }
  try {
    send(res, 200, TYPES[extname(name)], await readFile(join(DIST, name)));
  } catch (err) {
    send(res, 500, 'text/plain', `cannot read ${name}: ${err.code ?? err.message}`);
  }
});

server.on('error', (err) => {
  console.error(`serve.mjs: cannot listen on 127.0.0.1:${PORT}: ${err.code ?? err.message}`);
  process.exit(1);
});
server.listen(PORT, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(JSON.stringify({ url }));
  console.error(`swagger-ui-dist ${require('swagger-ui-dist/package.json').version} on ${url}`);
});

function shutdown() {
  server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
