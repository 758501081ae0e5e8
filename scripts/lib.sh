# Shared by scripts/run and scripts/test. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone so rebuilds stay fast across fresh clones; a fresh machine builds from nothing.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/intake-desk/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev pkg-config)
# Headless window, Secret Service keyring, WebDriver for end-to-end tests, screenshots.
HEADLESS_PACKAGES=(xvfb dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver imagemagick)

say() { printf '\n==> %s\n' "$*" >&2; }

# Clean-up steps run on exit, in reverse order; several helpers can add to it without one
# trap replacing another.
CLEANUP=()
on_exit() { CLEANUP+=("$1"); }
run_cleanup() {
  local i
  for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" || true; done
}
trap run_cleanup EXIT

need_root_for() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then echo sudo; return; fi
    echo "Installing $1 needs root. Run as root or install: ${*:2}" >&2
    exit 1
  fi
}

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo; sudo="$(need_root_for "system packages" "${missing[@]}")"
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_toolchain() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "Rust is not installed. Install it from https://rustup.rs (stable, 1.85 or newer) and re-run." >&2
    exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "Node.js 20+ with npm is not installed. Install it (e.g. apt-get install nodejs npm) and re-run." >&2
    exit 1
  fi
  claim_target_dir
}

# Cargo's fingerprints do not notice that the same workspace crates now come from another
# checkout (a fresh CI clone next to a developer's tree): it could reuse the other tree's build.
# When the checkout using this target dir changes, rebuild this project's own crates (the
# dependencies stay cached).
claim_target_dir() {
  local stamp="$CARGO_TARGET_DIR/.intake-desk-checkout"
  mkdir -p "$CARGO_TARGET_DIR"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$ROOT" ]; then
    say "Target dir last used by $(cat "$stamp"): rebuilding this checkout's crates"
    (cd "$ROOT" && cargo clean -q -p intake-core -p intake-server -p intake-desk)
  fi
  printf '%s' "$ROOT" > "$stamp"
}

ensure_ui_deps() {
  # npm ci only when the lock file changed since the last install.
  local stamp="$ROOT/ui/node_modules/.intake-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
    say "Installing UI dependencies (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
}

build_ui() {
  ensure_ui_deps
  say "Building the UI"
  (cd "$ROOT/ui" && npm run --silent build)
}

# A D-Bus session with an unlocked gnome-keyring (Secret Service), for machines without a
# desktop session. Call as: in_keyring_session "$0" "$@" at the top of a script.
in_keyring_session() {
  if [ -z "${INTAKE_KEYRING_SESSION:-}" ] && [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    export INTAKE_KEYRING_SESSION=1
    exec dbus-run-session -- bash "$@"
  fi
  if [ -n "${INTAKE_KEYRING_SESSION:-}" ] && [ -z "${INTAKE_KEYRING_STARTED:-}" ]; then
    export INTAKE_KEYRING_STARTED=1
    # The "login" keyring persists under ~/.local/share/keyrings; this password only guards
    # that developer/CI keyring, never a clinic's real one (desktops unlock theirs at login).
    # Tests get a throwaway keyring folder, so they never touch (or depend on) a developer's.
    local keyring_home="${XDG_DATA_HOME:-$HOME/.local/share}"
    if [ -n "${INTAKE_EPHEMERAL_KEYRING:-}" ]; then
      keyring_home="$(mktemp -d)"
      on_exit "rm -rf '$keyring_home'"
    fi
    eval "$(printf '%s' "${INTAKE_DEV_KEYRING_PASSWORD:-intake-desk-dev}" |
      XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --replace --daemonize \
        --components=secrets 2>/dev/null)"
    export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  fi
}

# Starts Xvfb on a free display when there is no display, and stops it on exit.
ensure_display() {
  if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then return; fi
  local n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  on_exit "kill $XVFB_PID 2>/dev/null"
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  say "No display found: running on a virtual display $DISPLAY (Xvfb)"
}
