#!/bin/bash
# What a notification costs each thread of the built service at a steady rate (bench/thread-costs.ts):
# a fresh broker (deploy/kafka/kafka.sh, KAFKA_PORT, default 19700) and the service on a fresh store,
# then `rate` notifications/s for `seconds`; both are stopped afterwards. Needs `npm run build`.
#   bench/thread-costs.sh [rate=50] [seconds=15]
# SERVICE_NODE_ARGS adds arguments to the service's node, e.g. a CPU profile under this load:
#   SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" bench/thread-costs.sh 50 20
# SERVICE_LOG keeps the service's output in that file (e.g. with SERVICE_NODE_ARGS=--trace-gc).
rate=${1:-50}
seconds=${2:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
port=${KAFKA_PORT:-19700}
data=$(mktemp -d /tmp/thread-costs-XXXX)
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  (cd "$root" && KAFKA_PORT=$port deploy/kafka/kafka.sh stop >/dev/null 2>&1)
  rm -rf "$data"
}
trap cleanup EXIT
(cd "$root" && KAFKA_PORT=$port deploy/kafka/kafka.sh start --fresh >/dev/null) || exit 1
AUTH_MODE=none HTTP_PORT=18088 GRPC_PORT=18089 STORE_PATH=$data/events.db READ_MODEL_PATH=$data/rm.db \
  KAFKA_BROKERS=127.0.0.1:$port LOG_LEVEL=warn node $SERVICE_NODE_ARGS "$root/dist/apps/tracker/main.js" >"${SERVICE_LOG:-$data/service.log}" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18088/health/ready 2>/dev/null | grep -q 200 && break
  sleep 0.5
done
sleep 3
cd "$root" && npx ts-node --transpile-only bench/thread-costs.ts "$pid" 18088 "$rate" "$seconds"
