#!/usr/bin/env bash
# The project's one test command, for developers and CI alike:
#   ./test.sh                                   build and run every test
#   ./test.sh --filter FullyQualifiedName~Infra extra arguments go to `dotnet test`
#   ./test.sh --unit                            only the specs of Builder.Tests.Unit: no install, no server, seconds
#   ./test.sh --chaos                           only the chaos suite (sizes: BUILDER_CHAOS_RUNS, _FAULTS, _SEED)
#
# Without arguments every test runs, the chaos suite last and on its own: it restarts the servers
# the other tests share.
#
# It installs what is missing from Debian packages (as root), starts private PostgreSQL, Redis and
# RabbitMQ servers on loopback ports for this run only through the AppHost (its servers topology:
# the same launcher as `dotnet run --project Builder.AppHost -- --topology distributed`) and a
# Podman API, runs the tests against them, stops them and ends with one line
# "N passed, N failed, N skipped", which CI reads.
# The exit code is the one of `dotnet test` (or of `dotnet build` when the build fails).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$REPO_ROOT"

PG_BIN=/usr/lib/postgresql/15/bin
RABBIT_BIN=/usr/lib/rabbitmq/bin
CHROMIUM=/usr/bin/chromium
# Tests isolate message-bus clusters by vhost; TestServers hands each one out once per test process.
RABBIT_VHOST_COUNT=12
# TRX files (parsed for the closing line) and hang dumps; the folder is gitignored and emptied each run.
RESULTS_DIR="$REPO_ROOT/TestResults"
HANG_TIMEOUT=15m

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Build servers (MSBuild nodes, the shared compiler) would outlive this script and hold CI's output open.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

log() { printf '[test.sh] %s\n' "$*"; }
die() {
  printf '[test.sh] error: %s\n' "$*" >&2
  exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

# ---------------------------------------------------------------------------------------------
# System packages
# ---------------------------------------------------------------------------------------------

# "debian-package|what proves it is installed": absolute paths are checked as executables, bare
# names with `command -v`. Every path is a file the package (or a dependency it pulls) ships.
SYSTEM_PACKAGES=(
  "postgresql|$PG_BIN/postgres $PG_BIN/initdb $PG_BIN/pg_ctl $PG_BIN/pg_isready"
  "redis-server|/usr/bin/redis-server /usr/bin/redis-cli"
  "rabbitmq-server|$RABBIT_BIN/rabbitmq-server $RABBIT_BIN/rabbitmqctl /usr/lib/erlang/bin/epmd"
  "bubblewrap|/usr/bin/bwrap"
  "socat|/usr/bin/socat"
  "chromium|$CHROMIUM"
  "git|git"
  "curl|curl"
  "jq|jq"
  "make|make"
  "python3|python3"
  "python3-pytest|/usr/bin/pytest-3"
  "golang-go|/usr/bin/go"
  "podman|/usr/bin/podman"
  "runc|/usr/bin/runc"
  "busybox-static|/bin/busybox"
)

is_installed() {
  local probe
  for probe in $1; do
    if [[ $probe == /* ]]; then
      [ -x "$probe" ] || return 1
    else
      command -v "$probe" >/dev/null 2>&1 || return 1
    fi
  done
}

POLICY_RC_D=/usr/sbin/policy-rc.d
POLICY_RC_D_OURS=0

install_system_packages() {
  local entry missing=()
  for entry in "${SYSTEM_PACKAGES[@]}"; do
    is_installed "${entry#*|}" || missing+=("${entry%%|*}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  is_root || die "missing Debian packages: ${missing[*]}; run ./test.sh as root (or install them)"
  log "installing Debian packages: ${missing[*]}"

  # Package scripts start their system services through invoke-rc.d/deb-systemd-invoke, which ask
  # policy-rc.d first: 101 means "do not start". We run our own private servers instead.
  if [ ! -e "$POLICY_RC_D" ]; then
    printf '#!/bin/sh\n# Temporary, from test.sh: keep package installs from starting services.\nexit 101\n' >"$POLICY_RC_D"
    chmod 755 "$POLICY_RC_D"
    POLICY_RC_D_OURS=1
  fi
  local apt_opts=(-o DPkg::Lock::Timeout=600)
  apt-get "${apt_opts[@]}" update
  apt-get "${apt_opts[@]}" install -y "${missing[@]}"
  remove_policy_rc_d
  stop_system_services

  for entry in "${SYSTEM_PACKAGES[@]}"; do
    is_installed "${entry#*|}" || die "package ${entry%%|*} installed but ${entry#*|} is still missing"
  done
}

remove_policy_rc_d() {
  if [ "$POLICY_RC_D_OURS" = 1 ]; then
    rm -f "$POLICY_RC_D"
    POLICY_RC_D_OURS=0
  fi
}

# Belt and braces after an install: if a package's service did start anyway, stop it, so the
# machine runs only the servers this script starts (and the default ports stay free).
stop_system_services() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop postgresql.service redis-server.service rabbitmq-server.service \
      epmd.service epmd.socket >/dev/null 2>&1 || true
    return 0
  fi
  # SysV scripts: postgresql's and redis-server's stop is a no-op when nothing runs. rabbitmq's is
  # asked only when its PID file exists, because its status check itself would start an epmd.
  [ -x /etc/init.d/postgresql ] && { timeout 60 /etc/init.d/postgresql stop >/dev/null 2>&1 || true; }
  [ -x /etc/init.d/redis-server ] && { timeout 60 /etc/init.d/redis-server stop >/dev/null 2>&1 || true; }
  if [ -x /etc/init.d/rabbitmq-server ] && [ -s /var/run/rabbitmq/pid ]; then
    timeout 120 /etc/init.d/rabbitmq-server stop >/dev/null 2>&1 || true
    /usr/lib/erlang/bin/epmd -kill >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------------------------------------
# npm packages
# ---------------------------------------------------------------------------------------------

# >>> npm packages for tests: add "name@exact-version" entries here. <<<
# They are installed into a gitignored folder of the repository (not globally), once: a stamp file
# remembers the list that is installed. Tests find them through BUILDER_TEST_NODE_MODULES.
# The official MCP TypeScript SDK: the independent client of Builder.Tests/Mcp (keep in step with Builder.Tests/Mcp/client/package.json).
NPM_PACKAGES=("@modelcontextprotocol/sdk@1.32.2")
NPM_DIR="$REPO_ROOT/.builder/test-npm"

install_npm_packages() {
  [ ${#NPM_PACKAGES[@]} -eq 0 ] && return 0
  command -v npm >/dev/null 2>&1 || die "npm is needed for: ${NPM_PACKAGES[*]}"
  local wanted
  wanted=$(printf '%s\n' "${NPM_PACKAGES[@]}" | sort)
  if [ ! -f "$NPM_DIR/installed.txt" ] || [ "$(cat "$NPM_DIR/installed.txt")" != "$wanted" ]; then
    log "installing npm packages: ${NPM_PACKAGES[*]}"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || printf '{ "private": true }\n' >"$NPM_DIR/package.json"
    npm install --prefix "$NPM_DIR" --no-audit --no-fund --save-exact "${NPM_PACKAGES[@]}"
    printf '%s\n' "$wanted" >"$NPM_DIR/installed.txt"
  fi
  export BUILDER_TEST_NODE_MODULES="$NPM_DIR/node_modules"
  export PATH="$NPM_DIR/node_modules/.bin:$PATH"
}

# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------

RUN_DIR=""
APPHOST_PID=""
CHILD_PID=""
PODMAN_PID=""

# A zombie counts as gone: daemons are reparented to PID 1, which reaps them only a moment later.
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Waits up to $2 seconds (default 20) for process $1 to exit.
wait_gone() {
  local pid=$1 tries=$((${2:-20} * 10))
  while pid_alive "$pid" && [ "$tries" -gt 0 ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
  ! pid_alive "$pid"
}

kill_pid() {
  local pid=$1
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
}

show_log() {
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    printf -- '----- %s (last 40 lines) -----\n' "$file" >&2
    tail -n 40 "$file" >&2
  done
}

# PostgreSQL, Redis and RabbitMQ (with the vhosts) as the AppHost's resources, on free loopback ports;
# it writes their connection strings to servers.json once every one answers.
start_servers() {
  local vhosts
  vhosts=$(seq -f 'builder-%g' -s, 1 "$RABBIT_VHOST_COUNT")
  setsid dotnet run --no-build -c Release --project Builder.AppHost -- \
    --topology servers --data-dir "$RUN_DIR" --rabbitmq-vhosts "$vhosts" </dev/null >"$RUN_DIR/apphost.log" 2>&1 &
  APPHOST_PID=$!
}

wait_servers() {
  local file=$RUN_DIR/servers/servers.json tries=1800
  until [ -s "$file" ]; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ] || ! pid_alive "$APPHOST_PID"; then
      show_log "$RUN_DIR/apphost.log"
      die "the AppHost's servers did not start"
    fi
    sleep 0.1
  done
  eval "$(python3 - "$file" <<'PY'
import json, shlex, sys
servers = json.load(open(sys.argv[1]))
print("export BUILDER_TEST_POSTGRES=" + shlex.quote(servers["postgres"].replace(";Database=builder", "")))
print("export BUILDER_TEST_REDIS=" + shlex.quote(servers["redis"]))
print("export BUILDER_TEST_RABBITMQ=" + shlex.quote(servers["rabbitmq"].rstrip("/")))
print("export BUILDER_TEST_RABBITMQ_VHOSTS=" + shlex.quote(",".join(servers["rabbitmqVirtualHosts"])))
PY
)"
}

# The processes of this run: a command line or working folder under the run folder.
run_processes() {
  local proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" != $$ ] || continue
    if { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null | grep -qF -- "$RUN_DIR/" ||
      [[ "$(readlink "$proc/cwd" 2>/dev/null)" == "$RUN_DIR"/* ]]; then
      echo "$pid"
    fi
  done
}

# SIGTERM to the AppHost: Aspire (DCP) stops every server it started, finishing a moment after the
# AppHost itself exits. Whatever of this run is still alive after that is killed, named in the log.
stop_servers() {
  if [ -n "$APPHOST_PID" ] && pid_alive "$APPHOST_PID"; then
    kill -TERM "$APPHOST_PID" 2>/dev/null || true
    wait_gone "$APPHOST_PID" 60 || kill -KILL -- "-$APPHOST_PID" 2>/dev/null || true
  fi
  APPHOST_PID=""
  [ -n "$RUN_DIR" ] || return 0
  # A deadline, not a count of tries: one scan of /proc costs a second or more on a busy machine.
  local deadline=$((SECONDS + 20)) pid
  while [ -n "$(run_processes)" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done
  for pid in $(run_processes); do
    log "still running 20 s after the AppHost stopped, killed: $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-120)"
    kill_pid "$pid"
  done
}

# A real container engine for the docker deploy target: Podman's Docker-compatible API on a socket of
# this run. Two settings are needed on these hosts: ulimits root may grant, and runc (crun refuses the
# hybrid cgroup layout). No registry is reachable: tests build their base images from host files.
start_podman() {
  local dir=$RUN_DIR/podman
  mkdir -p "$dir"
  local nofile
  nofile=$(ulimit -Hn)
  cat >"$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  CONTAINERS_CONF=$dir/containers.conf podman system service --time=0 "unix://$dir/podman.sock" </dev/null >"$dir/podman.log" 2>&1 &
  PODMAN_PID=$!
}

# Leaves BUILDER_TEST_DOCKER_HOST unset when the engine does not answer: the docker tests then fail saying so.
wait_podman() {
  local tries=100
  until [ "$(curl -s --max-time 2 --unix-socket "$RUN_DIR/podman/podman.sock" http://podman/_ping 2>/dev/null)" = OK ]; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ] || ! pid_alive "$PODMAN_PID"; then
      show_log "$RUN_DIR/podman/podman.log"
      log "Podman's API did not answer: the docker deploy tests will fail"
      return 0
    fi
    sleep 0.1
  done
  export BUILDER_TEST_DOCKER_HOST="unix://$RUN_DIR/podman/podman.sock"
}

stop_podman() {
  if [ -n "$PODMAN_PID" ]; then
    kill_pid "$PODMAN_PID"
  fi
  PODMAN_PID=""
}

# Idempotent and best effort (always called as `cleanup || true`, which also switches off set -e
# inside): runs before the closing line and again from the EXIT trap.
cleanup() {
  if pid_alive "$CHILD_PID"; then
    kill -TERM -- "-$CHILD_PID" 2>/dev/null || true
    wait_gone "$CHILD_PID" 15 || kill -KILL -- "-$CHILD_PID" 2>/dev/null || true
  fi
  CHILD_PID=""
  stop_podman
  stop_servers
  remove_policy_rc_d
  if [ -n "$RUN_DIR" ] && [ -d "$RUN_DIR" ]; then
    rm -rf "$RUN_DIR"
  fi
  RUN_DIR=""
}

# shellcheck disable=SC2317 # reached through the trap only
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  cleanup || true
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a long command in its own process group and waits for it interruptibly, so a TERM or INT
# sent to this script stops it (and everything it started) before the servers go down.
run_child() {
  setsid "$@" </dev/null &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Closing line
# ---------------------------------------------------------------------------------------------

summarize_trx() {
  python3 - "$RESULTS_DIR" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
for path in glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True):
    for result in ET.parse(path).getroot().iter(ns + "UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("Failed", "Error", "Timeout", "Aborted"):
            failed += 1
        else:
            skipped += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

if [ "${1:-}" = "--unit" ]; then
  shift
  log "unit specs only (Builder.Tests.Unit): no server is started"
  rm -rf "$RESULTS_DIR"
  unit_rc=0
  run_child dotnet test Builder.Tests.Unit -c Release \
    --logger "console;verbosity=minimal" --logger trx --results-directory "$RESULTS_DIR" "$@" || unit_rc=$?
  summarize_trx
  exit "$unit_rc"
fi

install_system_packages
install_npm_packages

log "building (Release)"
build_rc=0
run_child dotnet build Builder.sln -c Release || build_rc=$?
if [ "$build_rc" -ne 0 ]; then
  cleanup || true
  log "build failed (exit code $build_rc); no test ran"
  exit "$build_rc"
fi

RUN_DIR=$(mktemp -d /tmp/builder-test.XXXXXXXX)
chmod 711 "$RUN_DIR" # the postgres user must reach its folder inside

started=$SECONDS
start_servers
start_podman
wait_podman
wait_servers
log "servers up in $((SECONDS - started)) s: PostgreSQL, Redis and RabbitMQ from the AppHost (run folder $RUN_DIR)"
export BUILDER_TEST_CHROMIUM="$CHROMIUM"

rm -rf "$RESULTS_DIR"
run_tests() {
  run_child dotnet test Builder.sln -c Release --no-build \
    --logger "console;verbosity=normal" --logger trx --results-directory "$RESULTS_DIR" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type mini \
    "$@"
}
test_rc=0
if [ "${1:-}" = "--chaos" ]; then
  shift
  log "chaos suite only (runs ${BUILDER_CHAOS_RUNS:-30}, faults ${BUILDER_CHAOS_FAULTS:-5}, seed ${BUILDER_CHAOS_SEED:-random})"
  run_tests --filter "Category=Chaos" "$@" || test_rc=$?
elif [ "$#" -gt 0 ]; then
  run_tests "$@" || test_rc=$?
else
  run_tests --filter "Category!=Chaos" || test_rc=$?
  log "chaos suite (runs ${BUILDER_CHAOS_RUNS:-30}, faults ${BUILDER_CHAOS_FAULTS:-5}): alone, since it restarts the shared servers"
  chaos_rc=0
  run_tests --filter "Category=Chaos" || chaos_rc=$?
  [ "$test_rc" -ne 0 ] || test_rc=$chaos_rc
fi

stopping=$SECONDS
cleanup || true
log "servers stopped in $((SECONDS - stopping)) s"
summary=$(summarize_trx)
if [ "$test_rc" -ne 0 ] && [[ $summary == *" 0 failed,"* ]]; then
  log "dotnet test exited with code $test_rc although no test result failed (crash, hang or bad arguments?)"
fi
echo "$summary"
exit "$test_rc"
