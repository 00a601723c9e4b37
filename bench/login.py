"""Bench item 3: login overhead. Imported by bench/bench.py.

A whole authorization-code + PKCE login through Authdeck's loopback listener against
tests/provider (oidc-provider logs `alice` in without a person), with the browser step
done by this script's own HTTP client (cookie jar, following the provider's redirects,
then one request to the loopback callback), so no browser process start is counted.

`authdeck login lo --no-browser --json` prints the authorization URL as an
`open_browser` event; the script times its browser step from reading that event to the
moment it sends the callback request (Authdeck answers the callback only once it has
exchanged the code, so the wait for that answer is Authdeck's time, token request
included). Interleaved with it, the script does the same login alone (the same
browser step against its own loopback listener, then the code-for-token request with the
PKCE verifier), timing the token request. Authdeck's own time per round is

    wall time of `authdeck login` - its browser step - the script's token request

(the provider's work on the token request is the same for both; Python's own cost of that
request stays on the script's side, so this slightly flatters Authdeck).
"""

import base64
import hashlib
import http.cookiejar
import http.server
import json
import os
import secrets
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser_step(url):
    """Follows the provider's redirects from `url`; requests the first URL on another
    origin (the app's callback) once. Returns that callback's status and the
    `time.perf_counter()` at which the callback request started: the callback's answer
    is the app's own work (Authdeck answers once it has exchanged the code), so it is not
    part of the browser step."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    origin = urllib.parse.urlsplit(url)[:2]
    for _ in range(20):
        try:
            with opener.open(url, timeout=30) as resp:
                body = resp.read(300)
                raise RuntimeError(f"browser step stopped at {url} ({resp.status}): {body!r}")
        except urllib.error.HTTPError as e:
            if e.code not in (301, 302, 303, 307, 308):
                raise RuntimeError(f"browser step: {e.code} at {url}") from None
            location = urllib.parse.urljoin(url, e.headers["Location"])
            e.read()
        url = location
        if urllib.parse.urlsplit(url)[:2] != origin:
            started = time.perf_counter()
            with opener.open(url, timeout=30) as resp:
                resp.read()
                return resp.status, started
    raise RuntimeError("browser step: too many redirects")


class _Callback(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        body = b"done"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def reference_login(meta, client_id):
    """The same login without Authdeck. Returns (browser step ms, token request ms)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Callback)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    redirect = f"http://127.0.0.1:{server.server_port}/callback"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()) \
        .rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    url = meta["authorization_endpoint"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect,
        "scope": "openid", "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256"})
    t0 = time.perf_counter()
    browser_step(url)
    t1 = time.perf_counter()
    thread.join(10)
    server.server_close()
    q = server.query
    if q.get("state") != [state]:
        raise RuntimeError(f"reference login: bad callback {q}")
    data = urllib.parse.urlencode({"grant_type": "authorization_code", "code": q["code"][0],
                                   "redirect_uri": redirect, "client_id": client_id,
                                   "code_verifier": verifier}).encode()
    t2 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(meta["token_endpoint"], data=data),
                                timeout=30) as resp:
        tokens = json.load(resp)
    t3 = time.perf_counter()
    if "access_token" not in tokens:
        raise RuntimeError("reference login: no access token")
    return (t1 - t0) * 1000, (t3 - t2) * 1000


def authdeck_login(cmd, env):
    """One `authdeck login --no-browser --json`; returns (wall ms, browser step ms)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    step = None
    for line in proc.stdout:
        event = json.loads(line)
        if event.get("event") == "open_browser":
            b0 = time.perf_counter()
            _, callback_sent = browser_step(event["url"])
            step = (callback_sent - b0) * 1000
    proc.wait()
    wall = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0 or step is None:
        raise RuntimeError(f"authdeck login failed ({proc.returncode}): {proc.stderr.read()}")
    proc.stderr.close()
    return wall, step


def run(ad, issuer, runs, rows, p95):
    """ad: bench.Authdeck; appends table rows."""
    ad.run("service", "add", "lo", "--issuer", issuer, "--client-id", "native-app",
           "--flow", "auth-code", "--scope", "openid")
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=30) as r:
        meta = json.load(r)
    cmd = ad.cmd("login", "lo", "--no-browser", "--json")
    env = ad.env_without_agent()
    for _ in range(2):  # warm-up
        authdeck_login(cmd, env)
        reference_login(meta, "native-app")
    walls, steps, refs, ref_tokens, own = [], [], [], [], []
    for i in range(runs):
        # Alternate which goes first, so drift hits both alike.
        if i % 2 == 0:
            a = authdeck_login(cmd, env)
            r = reference_login(meta, "native-app")
        else:
            r = reference_login(meta, "native-app")
            a = authdeck_login(cmd, env)
        walls.append(a[0])
        steps.append(a[1])
        refs.append(r[0] + r[1])
        ref_tokens.append(r[1])
        own.append(a[0] - a[1] - r[1])
    med = statistics.median
    ref = med(refs)
    item = "3 login (auth code + PKCE)"
    rows += [
        (item, "Authdeck's own time (login - browser step - token request)", runs,
         f"{med(own):.2f}", f"{p95(own):.2f}", "-", "< 10 ms"),
        (item, "authdeck login, whole (loopback listener)", runs, f"{med(walls):.2f}",
         f"{p95(walls):.2f}", f"{med(walls) / ref:.2f}x", ""),
        (item, "  its browser step (bench's HTTP client)", runs, f"{med(steps):.2f}",
         f"{p95(steps):.2f}", "-", ""),
        (item, "same login by the bench script alone", runs, f"{ref:.2f}", f"{p95(refs):.2f}",
         "1.00x (ref)", ""),
        (item, "  its token request", runs, f"{med(ref_tokens):.2f}", f"{p95(ref_tokens):.2f}",
         "-", ""),
    ]
