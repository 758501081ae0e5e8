#!/usr/bin/env bash
# End-to-end run of the real Intake Desk app: Xvfb + a private D-Bus session with an unlocked
# Secret Service keyring + tauri-driver (-> WebKitWebDriver) + WebdriverIO specs (node --test).
#   bash tests/e2e/run.sh            (from the repo root; scripts/test calls it this way)
# Env knobs: E2E_TIMEOUT (s, whole spec run, default 900), E2E_KEEP_DATA=1 (keep the temp data dir),
# E2E_SPECS (spec files to run, default specs/*.test.js).
source "$(dirname "$0")/../../scripts/lib.sh"
# Alone (no session bus yet), run in a private D-Bus session with a throwaway keyring, as
# scripts/test does; on a desktop the user's own Secret Service is used, under our service name.
export INTAKE_EPHEMERAL_KEYRING="${INTAKE_EPHEMERAL_KEYRING:-1}"
in_keyring_session "$0" "$@"

E2E="$ROOT/tests/e2e"
SHOTS="$E2E/screenshots"
LOGS="$E2E/logs"
SERVICE="intake-desk-e2e"
export INTAKE_DESK_KEYRING_SERVICE="$SERVICE"
export INTAKE_DESK_LOG="${INTAKE_DESK_LOG:-info}"
start=$SECONDS

ensure_toolchain
ensure_display # Xvfb when there is no display; lib.sh stops it on exit.

DRIVER_PID=""
DATA_ROOT=""
clear_keyring() {
  # Every test entry lives under the e2e service name; never touch any other service.
  secret-tool clear service "$SERVICE" >/dev/null 2>&1 || true
}
cleanup() {
  if [ -n "$DRIVER_PID" ] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    kill "$DRIVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$DRIVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DRIVER_PID" 2>/dev/null || true
  fi
  # An app left running by an interrupted spec: only ours, found by this run's unique data dir.
  if [ -n "$DATA_ROOT" ]; then
    for pid in $(pgrep -f -- "--data-dir $DATA_ROOT/" 2>/dev/null || true); do
      kill -9 "$pid" 2>/dev/null || true
    done
  fi
  clear_keyring
  if [ -n "$DATA_ROOT" ] && [ -z "${E2E_KEEP_DATA:-}" ]; then rm -rf "$DATA_ROOT"; fi
}
on_exit cleanup
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools -------------------------------------------------------------------------------
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! cargo install --list 2>/dev/null | grep -q '^tauri-driver v2\.'; then
  say "Installing tauri-driver 2.x (cargo install, about 40 s)"
  cargo install tauri-driver --locked --version '^2'
fi
command -v WebKitWebDriver >/dev/null || ensure_packages webkit2gtk-driver
command -v secret-tool >/dev/null || ensure_packages libsecret-tools

# npm ci only when the lock file changed since the last install (same scheme as the UI).
stamp="$E2E/node_modules/.intake-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$E2E/package-lock.json" "$stamp"; then
  say "Installing e2e dependencies (npm ci, no install scripts)"
  (cd "$E2E" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$E2E/package-lock.json" "$stamp"
fi

# --- the app -----------------------------------------------------------------------------
# scripts/test has built the UI already; alone, build it when dist is missing or older than
# its sources. ui/src/bindings is left out: cargo test rewrites those type-only files after
# scripts/test's UI build, and they never change the built JavaScript.
dist="$ROOT/ui/dist/index.html"
if [ ! -f "$dist" ] || [ -n "$(find "$ROOT/ui/src" "$ROOT/ui/index.html" "$ROOT/ui/package.json" \
  "$ROOT/ui/package-lock.json" "$ROOT"/ui/vite.config.* -path "$ROOT/ui/src/bindings" -prune \
  -o -newer "$dist" -print -quit 2>/dev/null)" ]; then
  build_ui
fi
say "Building the app binary (cargo build --bin intake-desk)"
(cd "$ROOT" && cargo build --bin intake-desk --locked)
APP="$CARGO_TARGET_DIR/debug/intake-desk"
[ -x "$APP" ] || { echo "The app binary was not built: $APP" >&2; exit 1; }

# --- run ---------------------------------------------------------------------------------
rm -rf "$SHOTS" "$LOGS"
mkdir -p "$SHOTS" "$LOGS"
DATA_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/intake-desk-e2e.XXXXXX")"
clear_keyring # a previous run that was killed may have left entries behind

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
# Four distinct free ports: tauri-driver, WebKitWebDriver, the app's webhook server and the
# fake Graph API the app's sender talks to (debug builds only honour that override).
PORTS=()
while [ "${#PORTS[@]}" -lt 4 ]; do
  p="$(free_port)"
  case " ${PORTS[*]} " in *" $p "*) ;; *) PORTS+=("$p") ;; esac
done
PORT="${PORTS[0]}" NATIVE_PORT="${PORTS[1]}" WEBHOOK_PORT="${PORTS[2]}" GRAPH_PORT="${PORTS[3]}"

say "Starting tauri-driver on 127.0.0.1:$PORT (WebKitWebDriver on $NATIVE_PORT)"
tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" >"$LOGS/tauri-driver.log" 2>&1 &
DRIVER_PID=$!
ready=""
for _ in $(seq 300); do # 30 s
  kill -0 "$DRIVER_PID" 2>/dev/null || break
  # Both: tauri-driver's own port and the WebKitWebDriver it proxies to.
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null &&
    (exec 3<>"/dev/tcp/127.0.0.1/$NATIVE_PORT") 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "tauri-driver or WebKitWebDriver did not start listening within 30 s:" >&2
  tail -n 50 "$LOGS/tauri-driver.log" >&2 || true
  exit 1
fi

# WebKitWebDriver drops the app's output (its log goes to stderr): start it through a
# launcher that execs the real binary (same process, same args) with its output in app.log.
# Exports land in EXPORT_DIR instead of a save dialog, which WebDriver cannot reach (debug builds
# only honour INTAKE_DESK_TEST_EXPORT_DIR).
LAUNCHER="$DATA_ROOT/intake-desk"
EXPORT_DIR="$DATA_ROOT/exports"
mkdir -p "$EXPORT_DIR"
printf '#!/bin/bash\nNO_COLOR=1 INTAKE_DESK_WEBHOOK_PORT=%q INTAKE_DESK_TEST_GRAPH_URL=%q INTAKE_DESK_TEST_EXPORT_DIR=%q exec %q "$@" >>%q 2>&1\n' \
  "$WEBHOOK_PORT" "http://127.0.0.1:$GRAPH_PORT" "$EXPORT_DIR" "$APP" "$LOGS/app.log" >"$LAUNCHER"
chmod +x "$LAUNCHER"

say "Running the end-to-end specs (at most ${E2E_TIMEOUT:-900} s)"
export E2E_APP="$LAUNCHER" E2E_PORT="$PORT" E2E_DATA_ROOT="$DATA_ROOT" E2E_SCREENSHOTS="$SHOTS"
export E2E_KEYRING_SERVICE="$SERVICE"
export E2E_WEBHOOK_PORT="$WEBHOOK_PORT" E2E_GRAPH_PORT="$GRAPH_PORT" E2E_EXPORT_DIR="$EXPORT_DIR"
set +e
(cd "$E2E" && timeout --kill-after=15 "${E2E_TIMEOUT:-900}" \
  node --test --test-concurrency=1 --test-reporter=spec ${E2E_SPECS:-specs/*.test.js})
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 124 ] && echo "The end-to-end run hit its ${E2E_TIMEOUT:-900} s limit." >&2
  for log in "$LOGS/app.log" "$LOGS/tauri-driver.log"; do
    echo "--- last lines of $log ---" >&2
    tail -n 40 "$log" >&2 2>/dev/null || true
  done
  say "End-to-end FAILED (exit $rc) after $((SECONDS - start)) s; screenshots in $SHOTS"
  exit "$rc"
fi
say "End-to-end passed in $((SECONDS - start)) s; screenshots in $SHOTS"
