#!/usr/bin/env bash
# Installs what the tests need beyond node_modules, when it is missing: Debian's Chromium (browser
# tests, /usr/bin/chromium) and PostgreSQL (server programs under /usr/lib/postgresql/*/bin).
# As root it installs them quietly; otherwise it stops with the exact command to run. Silent when
# everything is there. SKIP_BROWSER_TESTS=1 drops the Chromium requirement.
#   --dry-run   print what would be installed, change nothing
# Test seams: TEST_DEPS_ROOT (a folder standing for /) and TEST_DEPS_UID (the user id to assume).
set -euo pipefail

dry_run=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    *) echo "setup-test-deps: unknown option $arg (only --dry-run)" >&2; exit 2 ;;
  esac
done
root="${TEST_DEPS_ROOT:-}"
uid="${TEST_DEPS_UID:-$(id -u)}"

# vitest 4 runs on vite 8, whose engines are ^20.19.0 || >=22.12.0.
if ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23 ? 0 : 1);
'; then
  echo "setup-test-deps: the test tools need Node.js 20.19+ or 22.12+; this is $(node -v)." >&2
  exit 1
fi

missing=()
if [ "${SKIP_BROWSER_TESTS:-}" != "1" ] && [ ! -x "$root/usr/bin/chromium" ]; then
  missing+=(chromium)
fi
if ! compgen -G "$root/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get install -y -qq ${missing[*]}"
if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "setup-test-deps: missing ${missing[*]}, and this is not a Debian-like system (no apt-get)." >&2
  echo "  Install Chromium at /usr/bin/chromium and the PostgreSQL server (initdb, pg_ctl, postgres" >&2
  echo "  under /usr/lib/postgresql/<version>/bin), or set SKIP_BROWSER_TESTS=1 to skip the browser tests." >&2
  exit 1
fi
if [ "$uid" != "0" ]; then
  if command -v sudo >/dev/null; then
    command="sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  else
    command="su -c 'apt-get update && apt-get install -y ${missing[*]}'"
  fi
  echo "setup-test-deps: the tests need ${missing[*]}; installing needs root. Run:" >&2
  echo "  $command" >&2
  echo "then the test command again." >&2
  exit 1
fi
if $dry_run; then
  echo "setup-test-deps: would run: apt-get update -qq && $install"
  exit 0
fi
echo "setup-test-deps: installing ${missing[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
