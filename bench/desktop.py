"""Bench items 5 (desktop cold start and idle memory) and 4-desktop (the list's first
render with 1,000 services / 2,000 accounts). Imported by bench/bench.py.

Every sample is a fresh process (a cold start of the app; the files are in the page cache,
as for any second start of an app), started on one private Xvfb shared by all
contenders, interleaved round-robin like the other items.

- **first paint**: wall time from just before `exec` (Python's `Popen`) to the moment the
  app reports, on stderr, that the page painted its first loaded service list. The page
  queues a task from a `requestAnimationFrame` callback after rendering the list (that
  task runs after the frame is painted) and calls the `first_paint` command; the app
  prints it when `AUTHDECK_BENCH_STARTUP=1`. So it includes process start, WebKit's
  processes, the UI's load, `list_accounts` and the first paint, plus one IPC.
- **idle memory**: `idle` seconds after start, the sums of PSS, USS (private pages) and
  RSS from `/proc/<pid>/smaps_rollup` over the whole process tree (the app,
  WebKitWebProcess, WebKitNetworkProcess, and any sandbox helpers in between). PSS
  shares library pages among every process on the machine that maps them, so other
  WebKit processes running at the same time lower it; USS does not move with them.

The peer is a hello-world WebKitGTK window (bench/hello_webkit.py: the same
libwebkit2gtk-4.1, from Debian's python3-gi, with no Tauri), measured the same way.
"""

import json
import os
import select
import signal
import subprocess
import statistics
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def desktop_bin(authdeck_bin):
    return os.environ.get("AUTHDECK_DESKTOP_BIN",
                          os.path.join(os.path.dirname(authdeck_bin), "authdeck-desktop"))


class Xvfb:
    """A private X server for the run (never the caller's display)."""

    def __init__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=[w], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            num = f.readline().strip()
        if not num:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{num}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def descendants(root):
    """root and every process below it (from /proc/*/stat ppid)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def tree_memory(root):
    """(PSS MiB, RSS MiB, process count, names, USS MiB) of root's process tree."""
    pss = rss = uss = 0
    names = []
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                        uss += int(line.split()[1])
            with open(f"/proc/{pid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            continue
    return pss / 1024, rss / 1024, len(names), names, uss / 1024


def start_and_measure(cmd, env, marker, idle, timeout=60):
    """Starts cmd; returns (first paint ms, line, memory tuple or None)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        buf, line = b"", None
        deadline = t0 + timeout
        while line is None:
            left = deadline - time.perf_counter()
            if left <= 0 or proc.poll() is not None:
                raise RuntimeError(f"{cmd[-1]}: no first paint ({proc.poll()=}): "
                                   f"{buf.decode(errors='replace')[-2000:]}")
            ready, _, _ = select.select([proc.stderr], [], [], left)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 65536)
                buf += chunk
                *complete, _partial = buf.split(b"\n")
                for raw in complete:
                    if marker.encode() in raw:
                        line = raw.decode()
                        break
        dt = (time.perf_counter() - t0) * 1000
        mem = None
        if idle:
            # Keep draining stderr while idling (a full pipe would block the app).
            end = t0 + idle
            while (left := end - time.perf_counter()) > 0:
                ready, _, _ = select.select([proc.stderr], [], [], left)
                if ready and not os.read(proc.stderr.fileno(), 65536):
                    break
            mem = tree_memory(proc.pid)
        return dt, line, mem
    finally:
        stop(proc)


def stop(proc):
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def write_services(root, services):
    """services.toml and state files for `services` services with two accounts each (the
    same shape as bench item 4 writes for `authdeck status`)."""
    config, state = os.path.join(root, "config"), os.path.join(root, "state")
    os.makedirs(config, exist_ok=True)
    now = int(time.time())
    lines = []
    for i in range(services):
        lines += [f"[services.svc{i:04}]", 'flow = "client-credentials"',
                  f'client_id = "c{i}"', 'endpoints.token = "http://127.0.0.1:9/token"',
                  'accounts = [{ name = "a" }, { name = "b" }]', ""]
        d = os.path.join(state, "accounts", f"svc{i:04}")
        os.makedirs(d, exist_ok=True)
        for acc in ("a", "b"):
            with open(os.path.join(d, f"{acc}.json"), "w") as f:
                json.dump({"expires_at": now + 3600 + i, "obtained_at": now,
                           "scopes": ["api:read"], "token_type": "Bearer",
                           "has_access_token": True, "has_refresh_token": True}, f)
    with open(os.path.join(config, "services.toml"), "w") as f:
        f.write("\n".join(lines))


def app_env(root, display, name):
    env = dict(os.environ,
               DISPLAY=display,
               AUTHDECK_CONFIG_DIR=os.path.join(root, "config"),
               AUTHDECK_STATE_DIR=os.path.join(root, "state"),
               AUTHDECK_CACHE_DIR=os.path.join(root, "cache"),
               AUTHDECK_KEYRING_NAMESPACE=f"authdeck-bench-{os.getpid()}-{name}",
               AUTHDECK_AGENT_SOCKET=os.path.join(root, "agent.sock"),
               AUTHDECK_BENCH_STARTUP="1",
               NO_AT_BRIDGE="1", GTK_USE_PORTAL="0")
    env.pop("AUTHDECK_LOG", None)
    # WebKit keeps a disk cache under XDG_CACHE_HOME: a private one per contender.
    env["XDG_CACHE_HOME"] = os.path.join(root, "xdg-cache")
    return env


def interleave(contenders, runs):
    samples = {label: [] for label, _ in contenders}
    for i in range(runs):
        k = i % len(contenders)
        for label, fn in contenders[k:] + contenders[:k]:
            samples[label].append(fn())
    return samples


def rows_of(line):
    for part in line.split():
        if part.startswith("rows="):
            return int(part[5:])
    return -1


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def run(tmp, authdeck_bin, rows, *, paint_runs, mem_runs, idle, services, items):
    """Appends rows (item, contender, n, median, p95, ratio, target) to `rows`."""
    app = desktop_bin(authdeck_bin)
    if not os.path.exists(app):
        raise RuntimeError(f"{app} is missing: cargo build --release -p authdeck-desktop "
                           "--features authdeck-desktop/custom-protocol (after the UI build)")
    xvfb = Xvfb()
    try:
        small = os.path.join(tmp, "desktop-5")
        write_services(small, 5)
        big = os.path.join(tmp, "desktop-scale")
        write_services(big, services)
        small_env = app_env(small, xvfb.display, "d5")
        # The same app with wry's WebKit defaults (src-tauri/src/webview.rs not applied).
        defaults_env = dict(small_env, AUTHDECK_WEBKIT_DEFAULTS="1")
        big_env = app_env(big, xvfb.display, "dscale")
        hello_env = dict(os.environ, DISPLAY=xvfb.display, NO_AT_BRIDGE="1", GTK_USE_PORTAL="0",
                         XDG_CACHE_HOME=os.path.join(tmp, "hello-cache"))
        hello = ["/usr/bin/python3", os.path.join(HERE, "hello_webkit.py")]

        def app_paint(env, want_rows):
            def fn():
                dt, line, _ = start_and_measure([app], env, "first-paint", 0)
                if rows_of(line) != want_rows:
                    raise RuntimeError(f"first paint showed {rows_of(line)} rows, "
                                       f"expected {want_rows}: {line}")
                return dt
            return fn

        def hello_paint():
            return start_and_measure(hello, hello_env, "hello-webkit: first-paint", 0)[0]

        have_hello = subprocess.run(
            ["/usr/bin/python3", "-c", "import gi; gi.require_version('WebKit2', '4.1')"],
            capture_output=True).returncode == 0
        size = os.path.getsize(app)
        if "5" in items:
            contenders = [("authdeck-desktop, 5 services", app_paint(small_env, 10)),
                          ("authdeck-desktop, wry's WebKit defaults", app_paint(defaults_env, 10))]
            if have_hello:
                contenders.append(("hello-world WebKitGTK window (python3-gi)", hello_paint))
            if paint_runs > 2:  # warm the page cache (not in smoke runs)
                for label, fn in contenders:
                    fn()
            s = interleave(contenders, paint_runs)
            add_rows(rows, "5 desktop: first paint", s,
                     contenders[2][0] if have_hello else None, "<= 400 ms")

            def app_mem():
                return start_and_measure([app], small_env, "first-paint", idle)[2]

            def defaults_mem():
                return start_and_measure([app], defaults_env, "first-paint", idle)[2]

            def hello_mem():
                return start_and_measure(hello, hello_env, "hello-webkit: first-paint", idle)[2]

            mems = {"authdeck-desktop (app + WebKit processes)": [],
                    "authdeck-desktop, wry's WebKit defaults": []}
            if have_hello:
                mems["hello-world WebKitGTK window (+ WebKit processes)"] = []
            fns = [app_mem, defaults_mem, hello_mem][:len(mems)]
            for i in range(mem_runs):
                for label, fn in zip(mems, fns):
                    mems[label].append(fn())
            for label, ms in mems.items():
                pss = [m[0] for m in ms]
                rss = [m[1] for m in ms]
                uss = [m[4] for m in ms]
                rows.append((f"5 desktop: idle tree after {idle:g} s", label, len(ms),
                             f"PSS {statistics.median(pss):.1f} MiB",
                             f"PSS max {max(pss):.1f}",
                             f"USS {statistics.median(uss):.1f}, RSS {statistics.median(rss):.1f}"
                             f" MiB; {ms[-1][2]} procs: "
                             + ",".join(sorted(set(ms[-1][3]))),
                             "PSS <= 250 MiB" if label == next(iter(mems)) else ""))
            rows.append(("5 desktop: binary", "target/.../authdeck-desktop", 1,
                         f"{size / 1e6:.1f} MB", "-", f"{size:,} bytes", ""))
        if items & {"4", "4d"}:
            contenders = [
                (f"authdeck-desktop, {services} services / {2 * services} accounts",
                 app_paint(big_env, 2 * services)),
                ("authdeck-desktop, 5 services / 10 accounts", app_paint(small_env, 10)),
            ]
            if paint_runs > 2:
                for label, fn in contenders:
                    fn()
            s = interleave(contenders, paint_runs)
            add_rows(rows, "4 scale: desktop first paint", s, contenders[1][0], "-")
    finally:
        xvfb.stop()


def add_rows(rows, item, samples, reference, target):
    ref = statistics.median(samples[reference]) if reference else None
    for i, (label, xs) in enumerate(samples.items()):
        med = statistics.median(xs)
        ratio = "1.00x (ref)" if label == reference else (f"{med / ref:.2f}x" if ref else "-")
        rows.append((item, label, len(xs), f"{med:.1f}", f"{p95(xs):.1f}", ratio,
                     target if i == 0 else ""))
