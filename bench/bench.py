#!/usr/bin/env python3
"""Authdeck's benchmarks, side by side with a peer, in one run (see BENCHMARKS.md).

Run through bench/run.sh, which builds the release CLI and provides a private D-Bus
session with an unlocked gnome-keyring. Each item runs its contenders interleaved
(round-robin, order rotated every round) so machine noise hits all of them alike, and
reports median, p95 and the ratio of medians to the reference. No absolute numbers are
asserted anywhere: this prints a table and exits 0 unless something fails to *work*.

Items: 1 cached token (vs oidc-token), 2 one refresh (vs curl), 3 login overhead (auth
code + PKCE through the loopback listener; bench/login.py), 4 scale (status over 1,000
services / 2,000 accounts; 500 refreshes due at once through the agent; the desktop
list's first render, bench/desktop.py), 5 desktop cold start and idle memory
(bench/desktop.py), 6 `authdeck exec S -- true` vs `true` (bench/exec.py).
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHDECK = os.environ.get("AUTHDECK_BIN", os.path.join(ROOT, "target", "release", "authdeck"))
CLIENT, CLIENT_SECRET = "conf-basic", "conf-basic-secret"


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


class Provider:
    """tests/provider/server.mjs (oidc-provider) on a free loopback port."""

    def __init__(self, extra_env=None):
        env = dict(os.environ, PORT="0", **(extra_env or {}))
        self.proc = subprocess.Popen(
            ["node", os.path.join(ROOT, "tests", "provider", "server.mjs")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        line = self.proc.stdout.readline()
        if not line:
            die("the provider did not start (run `npm ci` in tests/)")
        self.issuer = json.loads(line)["issuer"]

    def token_request(self, form):
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(f"{self.issuer}/token", data=data)
        import base64
        cred = base64.b64encode(f"{CLIENT}:{CLIENT_SECRET}".encode()).decode()
        req.add_header("Authorization", f"Basic {cred}")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Authdeck:
    """One isolated Authdeck instance: its own directories and keyring namespace."""

    def __init__(self, root, name):
        self.root = os.path.join(root, name)
        os.makedirs(os.path.join(self.root, "run"), mode=0o700)
        self.env = dict(
            os.environ,
            AUTHDECK_CONFIG_DIR=os.path.join(self.root, "config"),
            AUTHDECK_STATE_DIR=os.path.join(self.root, "state"),
            AUTHDECK_CACHE_DIR=os.path.join(self.root, "cache"),
            AUTHDECK_KEYRING_NAMESPACE=f"authdeck-bench-{os.getpid()}-{name}",
            AUTHDECK_AGENT_SOCKET=os.path.join(self.root, "run", "agent.sock"),
        )
        self.env.pop("AUTHDECK_LOG", None)
        self.agent = None

    def cmd(self, *args):
        return [AUTHDECK, *args]

    def env_without_agent(self):
        return dict(self.env, AUTHDECK_AGENT="0")

    def run(self, *args, stdin="", env=None):
        out = subprocess.run(self.cmd(*args), input=stdin, text=True, capture_output=True,
                             env=env or self.env, timeout=300)
        if out.returncode != 0:
            die(f"authdeck {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    def add_password_service(self, sid, issuer):
        self.run("service", "add", sid, "--issuer", issuer, "--client-id", CLIENT,
                 "--client-auth", "basic", "--client-secret-stdin", "--flow", "password",
                 "--username", "alice", "--password-stdin", "--scope", "openid",
                 stdin=f"{CLIENT_SECRET}\nalice-password\n")

    def start_agent(self):
        sock = self.env["AUTHDECK_AGENT_SOCKET"]
        self.agent = subprocess.Popen(self.cmd("agent"), env=self.env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(sock)
                s.close()
                return
            except OSError:
                time.sleep(0.025)
        die("authdeck agent did not start")

    def stop_agent(self):
        if self.agent:
            self.agent.terminate()
            self.agent.wait(timeout=10)
            self.agent = None


class OidcAgent:
    """Debian's oidc-agent with one password-flow account against the same provider."""

    def __init__(self, root, issuer):
        home = os.path.join(root, "oidc-home")
        os.makedirs(home)
        self.env = dict(os.environ, HOME=home, OIDC_ENCRYPTION_PW="bench-pw")
        out = subprocess.run(["oidc-agent", "--json", "--socket-path",
                              os.path.join(root, "oidc-XXXXXX", "oidc-agent.sock")],
                             capture_output=True, text=True, env=self.env, timeout=30)
        info = json.loads(out.stdout)
        self.env["OIDC_SOCK"] = info["socket"]
        self.pid = int(info["dpid"])
        subprocess.run(
            ["oidc-gen", "bench", "-m", f"--iss={issuer}", f"--client-id={CLIENT}",
             f"--client-secret={CLIENT_SECRET}", "--flow=password", "--op-username=alice",
             "--op-password=alice-password", "--scope=openid", "--pw-env", "--prompt=none",
             "--confirm-default", "--redirect-uri=http://localhost:4242/callback"],
            check=True, capture_output=True, env=self.env, stdin=subprocess.DEVNULL, timeout=60)

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except OSError:
            pass


def timed(cmd, env):
    """Wall time of one run in ms; fails loudly if the command does."""
    t0 = time.perf_counter_ns()
    out = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    dt = (time.perf_counter_ns() - t0) / 1e6
    if out.returncode != 0:
        die(f"{cmd[0]} failed ({out.returncode}): {out.stderr.decode().strip()}")
    return dt, out.stdout


def interleave(contenders, runs, warmup=3):
    """contenders: list of (label, fn) where fn() -> ms. Round-robin with rotation."""
    for _ in range(warmup):
        for _, fn in contenders:
            fn()
    samples = {label: [] for label, _ in contenders}
    for i in range(runs):
        k = i % len(contenders)
        for label, fn in contenders[k:] + contenders[:k]:
            samples[label].append(fn())
    return samples


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


ROWS = []


def report(item, samples, reference, target=None):
    ref = statistics.median(samples[reference]) if reference else None
    for label, xs in samples.items():
        med = statistics.median(xs)
        ratio = f"{med / ref:.2f}x" if ref else "-"
        ROWS.append((item, label, len(xs), f"{med:.2f}", f"{p95(xs):.2f}",
                     ratio if label != reference else "1.00x (ref)",
                     target if label == list(samples)[0] and target else ""))


def print_table():
    head = ("item", "contender", "n", "median ms", "p95 ms", "ratio", "target")
    widths = [max(len(str(r[i])) for r in [head, *ROWS]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in ROWS:
        print(line(r))


PRINTED = [0]


def print_partial():
    """New rows on stderr as soon as they exist: a long run that fails later shows them."""
    for r in ROWS[PRINTED[0]:]:
        print("bench: " + " | ".join(str(c) for c in r), file=sys.stderr, flush=True)
    PRINTED[0] = len(ROWS)


def item1(tmp, provider, runs):
    ad = Authdeck(tmp, "cached")
    ad.add_password_service("pw", provider.issuer)
    ad.run("login", "pw")
    ad.start_agent()
    contenders = [
        ("authdeck token (agent running)", lambda: timed(ad.cmd("token", "pw"), ad.env)[0]),
    ]
    oa = None
    if shutil.which("oidc-token"):
        oa = OidcAgent(tmp, provider.issuer)
        contenders.append(("oidc-token (oidc-agent)",
                           lambda: timed(["oidc-token", "bench"], oa.env)[0]))
    contenders += [
        ("authdeck token (no agent: keyring)",
         lambda: timed(ad.cmd("token", "pw"), ad.env_without_agent())[0]),
        ("process start (/bin/true)", lambda: timed(["true"], ad.env)[0]),
    ]
    # The agent path must really be the agent's: compare with the keyring's token.
    a = timed(ad.cmd("token", "pw"), ad.env)[1]
    b = timed(ad.cmd("token", "pw"), ad.env_without_agent())[1]
    if a != b:
        die("the agent and the keyring disagree on the cached token")
    samples = interleave(contenders, runs)
    report("1 cached token", samples, contenders[1][0] if oa else None, "median <= oidc-token")
    ad.stop_agent()
    if oa:
        oa.stop()


def item2(tmp, provider, runs):
    ad = Authdeck(tmp, "refresh")
    ad.add_password_service("pw", provider.issuer)
    ad.run("login", "pw")
    ad.start_agent()
    chain = {"rt": provider.token_request({"grant_type": "password", "username": "alice",
                                           "password": "alice-password",
                                           "scope": "openid"})["refresh_token"]}
    token_url = f"{provider.issuer}/token"

    def curl():
        dt, out = timed(["curl", "-sf", "-u", f"{CLIENT}:{CLIENT_SECRET}",
                         "-d", "grant_type=refresh_token", "-d", f"refresh_token={chain['rt']}",
                         token_url], ad.env)
        chain["rt"] = json.loads(out)["refresh_token"]
        return dt

    # --min-valid longer than any token lives: the cached token is "just expired" for
    # this call, so every run is exactly one refresh (with rotation) and its storage.
    force = ["token", "pw", "--min-valid", "99999999"]
    contenders = [
        ("authdeck token, refresh (agent running)", lambda: timed(ad.cmd(*force), ad.env)[0]),
        ("curl refresh_token grant", curl),
        ("authdeck token, refresh (no agent)",
         lambda: timed(ad.cmd(*force), ad.env_without_agent())[0]),
    ]
    samples = interleave(contenders, runs)
    report("2 one refresh", samples, "curl refresh_token grant", "median <= 1.5x curl")
    ad.stop_agent()


def item4(tmp, provider, runs, services, refreshes):
    # Status over many services: services.toml and state files written directly.
    ad = Authdeck(tmp, "scale")
    os.makedirs(ad.env["AUTHDECK_CONFIG_DIR"])
    now = int(time.time())
    lines = []
    for i in range(services):
        lines += [f"[services.svc{i:04}]", 'flow = "client-credentials"',
                  f'client_id = "c{i}"', f'endpoints.token = "{provider.issuer}/token"',
                  'accounts = [{ name = "a" }, { name = "b" }]', ""]
        for acc in ("a", "b"):
            d = os.path.join(ad.env["AUTHDECK_STATE_DIR"], "accounts", f"svc{i:04}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{acc}.json"), "w") as f:
                json.dump({"expires_at": now + 3600 + i, "obtained_at": now,
                           "scopes": ["api:read"], "token_type": "Bearer",
                           "has_access_token": True, "has_refresh_token": True}, f)
    with open(os.path.join(ad.env["AUTHDECK_CONFIG_DIR"], "services.toml"), "w") as f:
        f.write("\n".join(lines))
    n = ad.run("status", "--json").count('"service"')
    if n != 2 * services:
        die(f"status listed {n} accounts, expected {2 * services}")
    samples = interleave([
        (f"authdeck status ({services} services, {2 * services} accounts)",
         lambda: timed(ad.cmd("status"), ad.env)[0]),
        ("authdeck --version (process start)", lambda: timed(ad.cmd("--version"), ad.env)[0]),
    ], runs)
    report("4 scale: status", samples, None, "-")

    # Refreshes due at once: `refreshes` accounts logged in, all forced to refresh through
    # one agent by concurrent clients (bounded: 8 in flight).
    rf = Authdeck(tmp, "mass")
    rf.add_password_service("pw", provider.issuer)
    for i in range(refreshes):
        rf.run("service", "add", f"pw{i}", "--issuer", provider.issuer, "--client-id", CLIENT,
               "--client-auth", "basic", "--client-secret-stdin", "--flow", "password",
               "--username", "alice", "--password-stdin", "--scope", "openid",
               stdin=f"{CLIENT_SECRET}\nalice-password\n")
    # One password-grant login per account through the agent (refresh tokens to rotate).
    rf.start_agent()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: timed(rf.cmd("token", f"pw{i}"), rf.env), range(refreshes)))
    # The agent hands a token out once its refresh and access tokens are stored and
    # writes the ID token and the state file just after: give those a moment.
    time.sleep(1.1)
    for i in range(refreshes):
        path = os.path.join(rf.env["AUTHDECK_STATE_DIR"], "accounts", f"pw{i}", "default.json")
        if not json.load(open(path)).get("has_refresh_token"):
            die(f"pw{i} has no refresh token after its login")
    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        times = list(pool.map(
            lambda i: timed(rf.cmd("token", f"pw{i}", "--min-valid", "99999999"), rf.env)[0],
            range(refreshes)))
    total = (time.perf_counter() - t0) * 1000
    rf.stop_agent()
    def still_refreshes(i):
        # The account still refreshes without the agent: its rotated refresh token was kept.
        out = subprocess.run(rf.cmd("token", f"pw{i}", "--min-valid", "99999999"),
                             env=rf.env_without_agent(), capture_output=True, timeout=60)
        return out.returncode == 0

    with ThreadPoolExecutor(8) as pool:
        lost = sum(1 for ok in pool.map(still_refreshes, range(refreshes)) if not ok)
    ROWS.append(("4 scale: refreshes", f"{refreshes} refreshes due at once, 8 clients, 1 agent",
                 refreshes, f"{statistics.median(times):.2f}", f"{p95(times):.2f}",
                 f"total {total:.0f} ms", f"lost rotations: {lost}"))
    if lost:
        die(f"{lost} accounts lost their refresh token")


def item3(tmp, provider, runs):
    import login
    login.run(Authdeck(tmp, "login"), provider.issuer, runs, ROWS, p95)


def item6(tmp, runs):
    import importlib
    exec_item = importlib.import_module("exec")
    exec_item.run(Authdeck(tmp, "exec"), runs, ROWS, p95, timed, interleave)


def item45_desktop(tmp, a, items):
    import desktop
    try:
        desktop.run(tmp, AUTHDECK, ROWS, paint_runs=a.desktop_runs, mem_runs=a.memory_runs,
                    idle=a.idle, services=a.services, items=items)
    except RuntimeError as e:
        die(f"desktop: {e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="a few runs of everything (CI)")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--refresh-runs", type=int, default=50)
    ap.add_argument("--items", default="1,2,3,4,5,6",
                    help="comma-separated; 4d is item 4's desktop part alone")
    ap.add_argument("--login-runs", type=int, default=50)
    ap.add_argument("--desktop-runs", type=int, default=15, help="cold starts per contender")
    ap.add_argument("--memory-runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10.0, help="seconds before reading memory")
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--refreshes", type=int, default=500)
    a = ap.parse_args()
    if a.smoke:
        a.runs, a.refresh_runs, a.services, a.refreshes = 5, 3, 20, 5
        a.login_runs, a.desktop_runs, a.memory_runs, a.idle = 3, 1, 1, 2.0
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        die("no D-Bus session: run bench/run.sh")
    if not os.path.exists(AUTHDECK):
        die(f"{AUTHDECK} is missing: cargo build --release -p authdeck-cli")
    items = set(a.items.split(","))
    provider = Provider()
    tmp = tempfile.mkdtemp(prefix="authdeck-bench-")
    try:
        if "1" in items:
            item1(tmp, provider, a.runs)
            print_partial()
        if "2" in items:
            item2(tmp, provider, a.refresh_runs)
            print_partial()
        if "3" in items:
            item3(tmp, provider, a.login_runs)
            print_partial()
        if "4" in items:
            item4(tmp, provider, max(5, a.runs // 10), a.services, a.refreshes)
            print_partial()
        if items & {"4", "4d", "5"}:
            item45_desktop(tmp, a, items)
            print_partial()
        if "6" in items:
            item6(tmp, a.runs)
            print_partial()
    finally:
        provider.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print_table()


if __name__ == "__main__":
    main()
