#!/usr/bin/env bash
# Checks a built Debian package of Authdeck (scripts/deb.sh) without changing this
# machine's installed packages:
# - `apt-get install --simulate ./<deb>`: apt accepts the package and resolves its
#   dependencies against this system's packages;
# - `dpkg -i` into a private tree (its own dpkg database; dependencies are apt's part;
#   maintainer scripts would run chrooted into it: the package has none):
#   the package really unpacks and configures;
# - the installed `authdeck-desktop --version`, `authdeck --version` (the front, which
#   hands `--version` to `authdeck-full` beside it) and `authdeck-full --version` run;
# - Swagger UI's files are in /usr/share/authdeck/swagger-ui, gzip-compressed and whole
#   (where the proxy beside /usr/bin looks for them);
# - the desktop entry and the icons are where the desktop looks for them.
# Usage: scripts/deb-check.sh path/to/authdeck.deb
set -euo pipefail
deb=$(realpath "${1:?usage: scripts/deb-check.sh path/to/package.deb}")
fail() { echo "deb-check: $*" >&2; exit 1; }

name=$(dpkg-deb --field "$deb" Package)
version=$(dpkg-deb --field "$deb" Version)
echo "== $name $version: apt-get install --simulate"
apt-get install --simulate --no-install-recommends "$deb" >/dev/null \
  || fail "apt-get cannot install $deb on this system (see above)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/tree" "$root/dpkg/updates" "$root/dpkg/info"
touch "$root/dpkg/status" "$root/dpkg/available"
echo "== dpkg -i into a private tree"
# (Its complaints about the dependencies the empty tree lacks go to a log, shown on failure.)
dpkg --instdir="$root/tree" --admindir="$root/dpkg" --force-depends --force-not-root \
  --no-triggers -i "$deb" >"$root/dpkg.log" 2>&1 || { cat "$root/dpkg.log" >&2; fail "dpkg -i failed"; }
dpkg-query --admindir="$root/dpkg" -W -f='${Status}' "$name" | grep -q "install ok installed" \
  || fail "$name is not 'install ok installed' in the private tree"

bin=$root/tree/usr/bin
for b in authdeck-desktop authdeck authdeck-full; do
  [ -x "$bin/$b" ] || fail "the package has no /usr/bin/$b"
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY timeout 20 "$bin/$b" --version) \
    || fail "/usr/bin/$b --version failed"
  echo "   /usr/bin/$b --version: $out"
  case "$out" in *"$version"*) ;; *) fail "/usr/bin/$b --version does not print $version" ;; esac
done

ui=$root/tree/usr/share/authdeck/swagger-ui
for f in swagger-ui-bundle.js.gz swagger-ui.css.gz LICENSE; do
  [ -s "$ui/$f" ] || fail "the package has no /usr/share/authdeck/swagger-ui/$f (the proxy's docs page needs it)"
done
for f in swagger-ui-bundle.js.gz swagger-ui.css.gz; do
  gzip -t "$ui/$f" || fail "/usr/share/authdeck/swagger-ui/$f is not a whole gzip file"
done
grep -q 'SwaggerUIBundle' <(gzip -dc "$ui/swagger-ui-bundle.js.gz") \
  || fail "/usr/share/authdeck/swagger-ui/swagger-ui-bundle.js.gz is not Swagger UI's bundle"
echo "   /usr/share/authdeck/swagger-ui: $(cd "$ui" && ls | tr '\n' ' ')"

entry=$(dpkg-query --admindir="$root/dpkg" -L "$name" | grep '^/usr/share/applications/.*\.desktop$' | head -1)
[ -n "$entry" ] || fail "no desktop entry in /usr/share/applications"
grep -q '^Exec=authdeck-desktop' "$root/tree$entry" || fail "$entry does not run authdeck-desktop"
icon=$(sed -n 's/^Icon=//p' "$root/tree$entry")
[ -n "$icon" ] || fail "$entry names no icon"
icons=$(cd "$root/tree" && find usr/share/icons/hicolor -name "$icon.png" | sort)
[ -n "$icons" ] || fail "no icon $icon.png under /usr/share/icons/hicolor"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/tree$entry" || fail "$entry is not a valid desktop entry"
fi
echo "   $entry (Icon=$icon): $(echo "$icons" | tr '\n' ' ')"
echo "== $deb: ok ($(du -h "$deb" | cut -f1))"
