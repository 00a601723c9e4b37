# Shared by scripts/run.sh and scripts/test.sh: installs what a fresh Debian/Ubuntu
# machine lacks. Sourced, not run.

# need_packages PKG...: installs the Debian packages that are not installed yet
# (with sudo when not root).
need_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Packages the CLI needs to build and to keep secrets (Secret Service over D-Bus; the CLI
# speaks D-Bus in pure Rust, so it needs no libdbus).
CORE_PACKAGES=(pkg-config dbus gnome-keyring libsecret-tools ca-certificates)
# Packages the desktop app (Tauri 2 on WebKitGTK) needs to build and run (libdbus-1-dev:
# Tauri's windowing crate, tao, links libdbus).
DESKTOP_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libdbus-1-dev dbus-x11)
# Packages the desktop end-to-end tests need: a virtual display, the WebDriver, the clipboard.
DESKTOP_TEST_PACKAGES=(xvfb xauth webkit2gtk-driver xclip)
# Packages the Swagger UI end-to-end test needs: the browser playwright-core drives
# (/usr/bin/chromium; playwright's own browser download is not used).
BROWSER_TEST_PACKAGES=(chromium)
# Packages the benchmarks need: the peer (oidc-agent's oidc-token), curl (bench/run.sh)
# and wrk (the proxy's throughput, bench/proxy.py).
BENCH_PACKAGES=(oidc-agent-cli curl python3 wrk)

# kubectl, for the kubectl exec-plugin test (tests/e2e/hooks.rs): Debian's
# kubernetes-client, unless a kubectl is installed already (another package, such as the
# Google Cloud CLI's, may own /usr/bin/kubectl; installing both would conflict).
need_kubectl() {
  command -v kubectl >/dev/null 2>&1 || need_packages kubernetes-client
}

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "Rust is not installed: install it with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  fi
}

need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    need_packages nodejs npm
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "Node.js $(node --version) is too old for the test provider: install Node 20 or later." >&2
    exit 1
  fi
}

# npm_ci DIR: `npm ci` in DIR, skipped when DIR/node_modules was installed from the same
# package-lock.json by the same Node (a stamp in node_modules records both).
npm_ci() {
  local dir=$1 stamp want
  stamp="$dir/node_modules/.authdeck-installed"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) node $(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "== $dir: node_modules matches package-lock.json (npm ci skipped)"
    return 0
  fi
  echo "== $dir: npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

# build_ui: installs the front end's packages and builds ui/dist (the shell serves it).
# The desktop app's build script watches ui/dist, so rewriting it unchanged would rebuild
# authdeck-desktop (minutes) for nothing: the build is skipped when no file under ui/
# (but node_modules and dist) changed since the last one, and otherwise goes to a scratch
# directory that replaces ui/dist only when its content differs.
build_ui() {
  npm_ci ui
  local stamp=ui/node_modules/.authdeck-ui-sources inputs fresh
  inputs=$( (cd ui && find . \( -path ./node_modules -o -path ./dist \) -prune -o -type f -print0 \
    | sort -z | xargs -0 sha256sum; node --version) | sha256sum | cut -d' ' -f1)
  if [ -f ui/dist/index.html ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then
    echo "== ui: sources unchanged since the last build (ui/dist kept)"
    return 0
  fi
  echo "== ui: build"
  fresh=$(mktemp -d)
  (cd ui && npm run --silent build -- --outDir "$fresh" --emptyOutDir --logLevel warn)
  if [ -d ui/dist ] && diff -r -q "$fresh" ui/dist >/dev/null; then
    echo "== ui/dist unchanged (left as it is)"
    rm -rf "$fresh"
  else
    rm -rf ui/dist
    mv "$fresh" ui/dist
    chmod 755 ui/dist
    echo "== ui/dist updated"
  fi
  echo "$inputs" > "$stamp"
}

# The process ids of every descendant of process $1.
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# Runs "$@"; if it still runs after $1 seconds, prints the process tree and what the
# threads of every authdeck process wait in (with stacks, where gdb is installed), stops
# the command and all its descendants, and fails. A hung test then fails the run with a
# diagnosis instead of running into CI's time limit.
run_bounded() {
  local limit=$1
  shift
  "$@" &
  local pid=$!
  (
    waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge "$limit" ]; then
        echo "== still running after $limit s: stopping it. The processes:"
        ps -eo pid,ppid,etimes,wchan:24,args --forest | grep -v ' ps -eo '
        for p in $(pgrep -f 'target/[a-z]*/authdeck' 2>/dev/null); do
          echo "-- $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"
          for t in /proc/"$p"/task/*; do
            echo "   thread $(cat "$t/comm" 2>/dev/null) waits in $(cat "$t/wchan" 2>/dev/null)"
          done
          if command -v gdb >/dev/null; then
            timeout 60 gdb -p "$p" -batch -ex 'thread apply all bt 25' 2>/dev/null | grep '^#\|^Thread'
          fi
        done
        # shellcheck disable=SC2046
        kill -TERM $(descendants "$pid") "$pid" 2>/dev/null
        sleep 10
        # shellcheck disable=SC2046
        kill -KILL $(descendants "$pid") "$pid" 2>/dev/null
        break
      fi
      sleep 5
      waited=$((waited + 5))
    done
  ) &
  local watchdog=$!
  local status=0
  wait "$pid" || status=$?
  wait "$watchdog" || true
  return "$status"
}
