// A small loopback API for bench/proxy.py: answers every request with a short JSON body
// (keep-alive), and says in `x-saw-authorization` whether the request carried an
// Authorization header (so the bench checks that the proxy injected one). Prints one
// JSON line {"url":"http://127.0.0.1:<port>"} once listening; exits when stdin closes.

import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true}\n');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'x-saw-authorization': req.headers.authorization ? 'yes' : 'no',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
