#!/usr/bin/env python3
"""Bench item 6: `authdeck exec S -- true` against `true` run directly.

Imported by bench/bench.py (`bench/run.sh --items 6`; `--smoke` runs it a few times, as
CI does), or run alone inside a D-Bus session with an unlocked keyring:
`python3 bench/exec.py [--runs N] [--smoke]`.

The service takes a pasted bearer token (no provider needed) and has an API base URL, so
each run fetches the token and reads the configuration as a real one does. Contenders,
interleaved: `exec` with the agent running, `exec` without it (keyring), `true` alone.
Target (issue 14): at most 5 ms over `true`, with the agent running. Prints median and
p90 side by side, and the time each adds to `true`.
"""

import os
import statistics
import sys

SERVICE = "ex"
TOKEN = "bench-exec-token-0123456789"


def p90(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.90 * (len(xs) - 1))))]


def run(ad, runs, rows, p95, timed, interleave):
    """Adds item 6's rows to `rows` (bench.py's table) and prints its own median/p90 table."""
    ad.run("service", "add", SERVICE, "--flow", "bearer", "--api-base", "http://127.0.0.1:9/api")
    ad.run("login", SERVICE, "--token-stdin", stdin=f"{TOKEN}\n")
    ad.start_agent()
    check = ["sh", "-c", 'test "$AUTHDECK_TOKEN" = "$0" && test -n "$AUTHDECK_API_BASE"', TOKEN]
    for env in (ad.env, ad.env_without_agent()):
        timed(ad.cmd("exec", SERVICE, "--", *check), env)  # fails loudly if the token is wrong
    exec_true = ad.cmd("exec", SERVICE, "--", "true")
    contenders = [
        ("authdeck exec S -- true (agent running)", lambda: timed(exec_true, ad.env)[0]),
        ("authdeck exec S -- true (no agent: keyring)",
         lambda: timed(exec_true, ad.env_without_agent())[0]),
        ("true", lambda: timed(["true"], ad.env)[0]),
    ]
    samples = interleave(contenders, runs)
    ad.stop_agent()
    base = statistics.median(samples["true"])
    print(f"\n6 exec (n={runs} each, interleaved)", file=sys.stderr)
    print("| contender | median ms | p90 ms | over `true` (median) |", file=sys.stderr)
    print("|---|---|---|---|", file=sys.stderr)
    for label, xs in samples.items():
        med = statistics.median(xs)
        print(f"| {label} | {med:.2f} | {p90(xs):.2f} | {med - base:+.2f} ms |", file=sys.stderr)
    for label, xs in samples.items():
        med = statistics.median(xs)
        target = "<= 5 ms over true" if label.endswith("(agent running)") else ""
        rows.append(("6 exec", label, len(xs), f"{med:.2f}", f"{p95(xs):.2f}",
                     f"+{med - base:.2f} ms" if label != "true" else "ref", target))


def main():
    import argparse
    import shutil
    import tempfile
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--smoke", action="store_true", help="a few runs (CI)")
    a = ap.parse_args()
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        bench.die("no D-Bus session: run bench/run.sh --items 6")
    tmp = tempfile.mkdtemp(prefix="authdeck-bench-exec-")
    try:
        run(bench.Authdeck(tmp, "exec"), 5 if a.smoke else a.runs, bench.ROWS, bench.p95,
            bench.timed, bench.interleave)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bench.print_table()


if __name__ == "__main__":
    main()
