#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, combined broker+controller) on 127.0.0.1, run
# straight from the org.apache.kafka:kafka_2.13 jars that Maven fetches from Maven Central.
#
#   kafka.sh install          fetch the jars into the cache once (no-op when cached)
#   kafka.sh start [--fresh]  install if needed, format storage if needed, start in the
#                             background and wait until the broker answers a Metadata request;
#                             --fresh wipes the broker's data first
#   kafka.sh stop             SIGTERM, wait (bounded), then SIGKILL
#   kafka.sh kill             SIGKILL right away (fault tests); data is kept
#   kafka.sh status           exit 0 when running, 3 when not
#   kafka.sh logs [N]         last N (default 100) lines of the broker log
#
# Environment:
#   KAFKA_HOME_DIR          cache + state dir              (default: <repo>/.kafka)
#   KAFKA_PORT              client listener port           (default: 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller port          (default: KAFKA_PORT + 1)
#   KAFKA_HEAP_OPTS         JVM heap flags                 (default: -Xms256m -Xmx512m)
#   KAFKA_JVM_OPTS          extra JVM flags for the broker
#   KAFKA_CPUS              run the broker on these CPUs only (taskset list, e.g. 1); on a small
#                           virtual machine whose cross-CPU wake-ups are dear, a broker kept on one
#                           CPU spends less CPU per transaction (docs/performance-history.md)
#   KAFKA_EXTRA_PROPERTIES  extra server.properties lines (newline-separated key=value)
#   KAFKA_START_TIMEOUT     seconds to wait for readiness  (default: 120)
#   KAFKA_STOP_TIMEOUT      seconds to wait for SIGTERM    (default: 30)
#
# Requires bash, Java 17+ (a JDK: javac builds the readiness probe) and Maven 3.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)

CACHE_DIR=${KAFKA_HOME_DIR:-$REPO_ROOT/.kafka}
PORT=${KAFKA_PORT:-9092}
if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "[kafka.sh] ERROR: KAFKA_PORT must be a port number, got '$PORT'" >&2
  exit 2
fi
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}
if ! [[ $CONTROLLER_PORT =~ ^[0-9]+$ ]] || ((CONTROLLER_PORT < 1 || CONTROLLER_PORT > 65535)) ||
  ((CONTROLLER_PORT == PORT)); then
  echo "[kafka.sh] ERROR: bad KAFKA_CONTROLLER_PORT '$CONTROLLER_PORT'" >&2
  exit 2
fi
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
CPUS=${KAFKA_CPUS:-}
if [[ -n $CPUS ]] && ! [[ $CPUS =~ ^[0-9]+([-,][0-9]+)*$ ]]; then
  echo "[kafka.sh] ERROR: KAFKA_CPUS must be a CPU list such as 1 or 0-1, got '$CPUS'" >&2
  exit 2
fi
START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
HOST=127.0.0.1

LIBS_DIR=$CACHE_DIR/libs
PROBE_DIR=$CACHE_DIR/probe
STAMP_FILE=$LIBS_DIR/.installed
STATE_DIR=$CACHE_DIR/broker-$PORT # one state dir per port, so brokers on other ports coexist
DATA_DIR=$STATE_DIR/data
LOG_DIR=$STATE_DIR/logs
PID_FILE=$STATE_DIR/kafka.pid
OUT_FILE=$LOG_DIR/kafka.out
CONFIG_FILE=$STATE_DIR/server.properties

POM=$SCRIPT_DIR/pom.xml
TEMPLATE=$SCRIPT_DIR/server.properties
PROBE_SRC=$SCRIPT_DIR/KafkaProbe.java
LOG4J_BROKER=$SCRIPT_DIR/log4j2.properties
LOG4J_TOOLS=$SCRIPT_DIR/log4j2-tools.properties

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAVAC=${JAVA_HOME:+$JAVA_HOME/bin/}javac

log() { printf '[kafka.sh] %s\n' "$*"; }
warn() { printf '[kafka.sh] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[kafka.sh] ERROR: %s\n' "$*" >&2
  exit 1
}
now() { date +%s; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# Hold an exclusive lock on $1 (fd 9) for the rest of the process, when flock(1) exists.
# Children that outlive us must close fd 9 (see launch), or they would keep the lock.
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$(dirname -- "$1")"
  exec 9>"$1"
  if ! flock -n 9; then
    log "waiting for another kafka.sh holding $1 ..."
    flock -w "$START_TIMEOUT" 9 || die "timed out waiting for lock $1"
  fi
}

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; e.g. apt-get install openjdk-17-jdk-headless)"
  local v
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [[ -n $v && $v -lt 17 ]]; then
    die "Kafka 4 needs Java 17+, found Java $v ($JAVA)"
  fi
}

install_stamp() {
  cat "$POM" "$PROBE_SRC" | sha256sum | cut -d' ' -f1
}

is_installed() {
  [[ -f $STAMP_FILE && -f $PROBE_DIR/KafkaProbe.class ]] &&
    [[ $(cat "$STAMP_FILE") == "$(install_stamp)" ]]
}

cmd_install() {
  if is_installed; then
    log "jars already installed in $LIBS_DIR (cached)"
    return 0
  fi
  take_lock "$CACHE_DIR/.install.lock"
  if is_installed; then # another process installed while we waited
    log "jars already installed in $LIBS_DIR (cached)"
    return 0
  fi
  require_java
  command -v mvn >/dev/null 2>&1 || die "mvn not found (e.g. apt-get install maven)"
  command -v "$JAVAC" >/dev/null 2>&1 || die "javac not found: a JDK is needed (e.g. apt-get install openjdk-17-jdk-headless)"

  local t0 tmp version
  t0=$(now)
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/.install.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  log "installing Kafka $version: resolving jars from Maven Central via mvn (first time: ~10-60s, depending on the network) ..."
  # (Maven 3.8 prints bare ANSI resets even in batch mode: strip them.)
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp/libs" -DincludeScope=runtime 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d'; then
    die "mvn dependency:copy-dependencies failed (see output above)"
  fi
  log "compiling readiness probe ..."
  mkdir -p "$tmp/probe"
  "$JAVAC" -nowarn -d "$tmp/probe" -cp "$tmp/libs/*" "$PROBE_SRC" ||
    die "javac KafkaProbe.java failed"
  install_stamp >"$tmp/libs/.installed"
  rm -rf "$LIBS_DIR" "$PROBE_DIR"
  mv "$tmp/libs" "$LIBS_DIR"
  mv "$tmp/probe" "$PROBE_DIR"
  rm -rf "$tmp"
  trap - EXIT
  log "installed $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS_DIR" | cut -f1)) into $LIBS_DIR in $(($(now) - t0))s"
}

# pid of our broker for this port, or nothing.
broker_pid() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  # Guard against a recycled pid: it must be a kafka.Kafka JVM using our config.
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $CONFIG_FILE"; then
    echo "$pid"
  fi
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

show_log_tail() {
  local n=${1:-40} f
  for f in "$OUT_FILE" "$LOG_DIR/server.log"; do
    if [[ -s $f ]]; then
      printf '[kafka.sh] ----- last %s lines of %s -----\n' "$n" "$f" >&2
      tail -n "$n" "$f" >&2
    fi
  done
}

sed_escape() { printf '%s' "$1" | sed -e 's/[\/&|\\]/\\&/g'; }

render_config() {
  mkdir -p "$STATE_DIR" "$DATA_DIR" "$LOG_DIR"
  {
    sed -e "s|@PORT@|$PORT|g" \
      -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$(sed_escape "$DATA_DIR")|g" "$TEMPLATE"
    if [[ -n ${KAFKA_EXTRA_PROPERTIES:-} ]]; then
      printf '\n# From KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES"
    fi
  } >"$CONFIG_FILE.tmp"
  mv "$CONFIG_FILE.tmp" "$CONFIG_FILE"
}

format_storage() {
  if [[ -f $DATA_DIR/meta.properties ]]; then
    log "storage already formatted ($DATA_DIR)"
    return 0
  fi
  local cluster_id
  # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding (22 chars).
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  log "formatting storage in $DATA_DIR (cluster id $cluster_id) ..."
  # --cluster-id=... form: a generated id may start with '-'.
  local out
  if ! out=$("$JAVA" -Xmx256m -cp "$LIBS_DIR/*" -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    kafka.tools.StorageTool format --cluster-id="$cluster_id" --config "$CONFIG_FILE" ${KAFKA_FORMAT_ARGS:-} 2>&1); then
    printf '%s\n' "$out" >&2
    die "kafka-storage format failed"
  fi
  printf '%s\n' "$out" | grep -F 'Formatting' | sed 's/^/[kafka.sh] /' || true
}

launch() {
  # One log per run, so a failure's log tail is about this run; keep the previous one.
  if [[ -f $LOG_DIR/server.log ]]; then
    mv -f "$LOG_DIR/server.log" "$LOG_DIR/server.log.previous"
  fi
  : >"$OUT_FILE"
  rm -f "$PID_FILE"
  local -a jvm
  # shellcheck disable=SC2206 # word splitting of the *_OPTS variables is intended
  jvm=($HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$LOG4J_BROKER"
    ${KAFKA_JVM_OPTS:-})
  local -a detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  local -a pin=()
  if [[ -n $CPUS ]]; then
    command -v taskset >/dev/null 2>&1 || die "KAFKA_CPUS needs taskset (util-linux)"
    pin=(taskset -c "$CPUS")
  fi
  # New session, stdin from /dev/null, output to a file, lock fd closed: the broker neither holds
  # our caller's pipes open (node's spawn would never see them close) nor dies with our shell.
  # The inner bash writes its own pid and then execs the JVM, so the pid file is the JVM's pid.
  "${detach[@]}" nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "${pin[@]}" "$JAVA" "${jvm[@]}" -cp "$LIBS_DIR/*" kafka.Kafka "$CONFIG_FILE" \
    </dev/null >>"$OUT_FILE" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $PID_FILE ]] && return 0
    sleep 0.1
  done
  die "broker process did not start (no pid file $PID_FILE)"
}

# Wait until the port accepts connections and the broker answers a Metadata request.
# Returns non-zero (after printing why) on failure or timeout.
wait_ready() {
  local t0=$1 deadline=$(($1 + START_TIMEOUT)) pid waited=0
  log "waiting for 127.0.0.1:$PORT to accept connections (timeout ${START_TIMEOUT}s) ..."
  while :; do
    pid=$(broker_pid)
    if [[ -z $pid ]]; then
      printf '[kafka.sh] ERROR: broker process exited during startup\n' >&2
      return 1
    fi
    port_open "$PORT" && break
    if (($(now) >= deadline)); then
      printf '[kafka.sh] ERROR: port %s not open after %ss\n' "$PORT" "$START_TIMEOUT" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
    ((waited % 20 == 0)) && log "... still starting ($(($(now) - t0))s)"
  done
  log "port $PORT open after $(($(now) - t0))s; sending a Metadata request ..."
  local remaining=$((deadline - $(now)))
  ((remaining < 5)) && remaining=5
  local out
  if ! out=$("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$LOG4J_TOOLS" -cp "$LIBS_DIR/*:$PROBE_DIR" \
    KafkaProbe "$HOST:$PORT" "$((remaining * 1000))"); then
    printf '[kafka.sh] ERROR: broker did not answer a Metadata request\n' >&2
    return 1
  fi
  log "$out"
}

terminate() { # $1 = pid
  local pid=$1 i
  log "stopping broker (pid $pid, SIGTERM, timeout ${STOP_TIMEOUT}s) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "broker still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  kill -0 "$pid" 2>/dev/null && die "could not stop pid $pid"
  rm -f "$PID_FILE"
}

cmd_start() {
  local fresh=0 arg
  for arg in "$@"; do
    case $arg in
      --fresh) fresh=1 ;;
      *) die "unknown start option: $arg" ;;
    esac
  done
  local t0
  t0=$(now)
  cmd_install
  require_java
  take_lock "$STATE_DIR/.start.lock"

  local pid
  pid=$(broker_pid)
  if [[ -n $pid && $fresh -eq 1 ]]; then
    log "--fresh: stopping the running broker first"
    terminate "$pid"
    pid=
  fi
  if [[ -n $pid ]]; then
    log "broker already running (pid $pid)"
    if ! wait_ready "$t0"; then
      show_log_tail 40
      exit 1
    fi
    log "Kafka ready on 127.0.0.1:$PORT"
    return 0
  fi

  port_open "$PORT" && die "127.0.0.1:$PORT is already in use by another process (not the broker in $STATE_DIR); set KAFKA_PORT or stop it"
  port_open "$CONTROLLER_PORT" && die "controller port 127.0.0.1:$CONTROLLER_PORT is already in use; set KAFKA_CONTROLLER_PORT"

  if ((fresh)); then
    log "--fresh: wiping $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi
  render_config
  format_storage
  log "starting broker on 127.0.0.1:$PORT (controller 127.0.0.1:$CONTROLLER_PORT, heap: $HEAP_OPTS)"
  log "log: $LOG_DIR/server.log  stdout: $OUT_FILE"
  launch
  log "broker pid $(cat "$PID_FILE")"
  if ! wait_ready "$t0"; then
    show_log_tail 40
    pid=$(broker_pid)
    if [[ -n $pid ]]; then
      warn "stopping the broker that failed to become ready"
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
    fi
    exit 1
  fi
  log "Kafka ready on 127.0.0.1:$PORT in $(($(now) - t0))s (pid $(cat "$PID_FILE"))"
}

cmd_stop() {
  local pid
  pid=$(broker_pid)
  if [[ -z $pid ]]; then
    rm -f "$PID_FILE"
    log "broker on port $PORT is not running"
    return 0
  fi
  local t0
  t0=$(now)
  terminate "$pid"
  log "broker stopped in $(($(now) - t0))s"
}

cmd_kill() {
  local pid i
  pid=$(broker_pid)
  if [[ -z $pid ]]; then
    rm -f "$PID_FILE"
    log "broker on port $PORT is not running"
    return 0
  fi
  log "killing broker (pid $pid, SIGKILL)"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && die "pid $pid survived SIGKILL"
  rm -f "$PID_FILE"
  log "broker killed"
}

cmd_status() {
  local pid
  pid=$(broker_pid)
  if is_installed; then
    log "installed: $LIBS_DIR"
  else
    log "not installed (run: $0 install)"
  fi
  if [[ -f $DATA_DIR/meta.properties ]]; then
    log "data: $DATA_DIR (formatted)"
  else
    log "data: $DATA_DIR (not formatted)"
  fi
  if [[ -z $pid ]]; then
    log "broker on 127.0.0.1:$PORT: not running"
    return 3
  fi
  if port_open "$PORT"; then
    log "broker on 127.0.0.1:$PORT: running (pid $pid), port open"
  else
    log "broker on 127.0.0.1:$PORT: running (pid $pid), port not open yet"
  fi
}

cmd_logs() {
  local n=${1:-100}
  [[ -f $LOG_DIR/server.log ]] || die "no log at $LOG_DIR/server.log"
  tail -n "$n" "$LOG_DIR/server.log"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    kill) cmd_kill ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
