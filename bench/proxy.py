#!/usr/bin/env python3
"""`authdeck proxy` against a direct call to the same loopback API, side by side.

Run through `bench/run.sh --proxy` (a private D-Bus session with an unlocked keyring):
- added latency: the median `curl` request time (curl's own `time_total`, no process
  start) through the proxy minus the direct one, runs interleaved;
- throughput: `wrk` through the proxy and directly (skipped, and said so, when wrk is
  not installed);
- the proxy process's memory (RSS and PSS, highest seen) while wrk loads it.
The API is bench/upstream.mjs (node); the token comes from tests/provider (password
grant), so the proxy injects a real one. Nothing is asserted; the issue's targets
(≤ 1 ms added median latency, ≥ 50 % of direct throughput) are printed beside.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Provider, Authdeck, die)

ROOT = bench.ROOT


def curl_time(url):
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-D", "-", "-w", "%{http_code} %{time_total}", url],
        capture_output=True, text=True, timeout=60)
    *headers, last = out.stdout.strip().splitlines()
    code, seconds = last.split()
    if code != "200":
        bench.die(f"curl {url.split('//')[0]}… answered {code}")
    saw = any(h.lower().startswith("x-saw-authorization: yes") for h in headers)
    return float(seconds) * 1000.0, saw


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    if out.returncode != 0 or not m:
        bench.die(f"wrk failed: {out.stdout[-300:]} {out.stderr[-300:]}")
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out.stdout)
    lat = None
    if p50:
        lat = float(p50.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
    if errors:
        bench.die(f"wrk saw {errors.group(1)} error answers")
    return float(m.group(1)), lat


def memory_kib(pid):
    rss = pss = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class Sampler:
    """The highest RSS and PSS of a process, sampled every 50 ms while running."""

    def __init__(self, pid):
        self.pid, self.rss, self.pss = pid, 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            rss, pss = memory_kib(self.pid)
            self.rss, self.pss = max(self.rss, rss or 0), max(self.pss, pss or 0)
            self.stop.wait(0.05)

    def done(self):
        self.stop.set()
        self.thread.join()
        return self.rss, self.pss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="a few runs of everything (CI)")
    ap.add_argument("--runs", type=int, default=300, help="curl requests per contender")
    ap.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    ap.add_argument("--connections", type=int, default=16)
    a = ap.parse_args()
    if a.smoke:
        a.runs, a.seconds = 5, 1
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        bench.die("no D-Bus session: run bench/run.sh --proxy")
    if not shutil.which("curl"):
        bench.die("curl is missing (scripts/lib.sh installs it)")
    provider = bench.Provider()
    up = subprocess.Popen(["node", os.path.join(ROOT, "bench", "upstream.mjs")],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    upstream = json.loads(up.stdout.readline())["url"]
    tmp = tempfile.mkdtemp(prefix="authdeck-bench-proxy-")
    proxy = None
    try:
        ad = bench.Authdeck(tmp, "proxy")
        ad.run("service", "add", "api", "--issuer", provider.issuer,
               "--client-id", bench.CLIENT, "--client-auth", "basic",
               "--client-secret-stdin", "--flow", "password", "--username", "alice",
               "--password-stdin", "--scope", "openid", "--api-base", f"{upstream}/api",
               stdin=f"{bench.CLIENT_SECRET}\nalice-password\n")
        ad.run("login", "api")
        proxy = subprocess.Popen(ad.cmd("proxy", "api"), env=ad.env, text=True,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
        base = proxy.stdout.readline().strip()
        if not base.startswith("http://127.0.0.1:"):
            bench.die(f"authdeck proxy printed {base!r}")
        pid = proxy.pid
        # `authdeck` hands `proxy` to authdeck-full by exec: the same pid.
        direct_url, proxy_url = f"{upstream}/api/items", f"{base}items"
        if curl_time(direct_url)[1] or not curl_time(proxy_url)[1]:
            bench.die("the proxy did not inject the token (or the direct call had one)")
        idle_rss, idle_pss = memory_kib(pid)

        samples = {"direct": [], "proxy": []}
        for i in range(a.runs):
            order = ["direct", "proxy"] if i % 2 == 0 else ["proxy", "direct"]
            for name in order:
                samples[name].append(curl_time(direct_url if name == "direct" else proxy_url)[0])
        d_med = statistics.median(samples["direct"])
        p_med = statistics.median(samples["proxy"])

        rows = [("curl, median request time", f"{d_med:.3f} ms", f"{p_med:.3f} ms",
                 f"+{p_med - d_med:.3f} ms", "≤ 1 ms added")]
        peak = (None, None)
        if shutil.which("wrk"):
            direct_rps, direct_lat = wrk(direct_url, a.seconds, a.connections)
            sampler = Sampler(pid)
            proxy_rps, proxy_lat = wrk(proxy_url, a.seconds, a.connections)
            peak = sampler.done()
            rows.append((f"wrk -c{a.connections}, requests/s", f"{direct_rps:,.0f}",
                         f"{proxy_rps:,.0f}", f"{100 * proxy_rps / direct_rps:.0f} %",
                         "≥ 50 % of direct"))
            if direct_lat is not None and proxy_lat is not None:
                rows.append((f"wrk -c{a.connections}, median latency", f"{direct_lat:.3f} ms",
                             f"{proxy_lat:.3f} ms", f"+{proxy_lat - direct_lat:.3f} ms", ""))
        else:
            rows.append(("wrk", "not installed", "skipped", "", "apt-get install wrk"))
        mem = lambda k: "?" if not k else f"{k / 1024:.1f} MiB"  # noqa: E731
        rows.append(("proxy memory idle (RSS / PSS)", "", f"{mem(idle_rss)} / {mem(idle_pss)}",
                     "", ""))
        if peak[0]:
            rows.append(("proxy memory under wrk, peak (RSS / PSS)", "",
                         f"{mem(peak[0])} / {mem(peak[1])}", "", ""))

        print(f"\nauthdeck proxy vs direct (same loopback API; {a.runs} curl runs each, "
              f"interleaved)")
        header = ("", "direct", "through the proxy", "difference", "target")
        widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
        for r in [header] + rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    finally:
        if proxy:
            proxy.terminate()
            try:
                code = proxy.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proxy.kill()
                code = "killed"
            if code not in (0, "killed"):
                print(f"bench: the proxy exited with {code} on SIGTERM", file=sys.stderr)
        up.stdin.close()
        up.wait(timeout=10)
        provider.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
