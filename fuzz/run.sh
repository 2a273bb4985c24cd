#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another, with libFuzzer through
# cargo fuzz on the nightly toolchain (installed here if missing). Corpora grow in fuzz/corpus/,
# crashes land in fuzz/artifacts/<target>/ with the command to replay them.
#   fuzz/run.sh            # 10 minutes per target
#   fuzz/run.sh 60 token_cose
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(token_text token_cose device_envelope)
if ! rustup toolchain list | grep '^nightly' >/dev/null; then
  rustup toolchain install nightly --profile minimal
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# Seeds: the token test vectors, and a real upload and bundle shape.
mkdir -p corpus/token_text corpus/token_cose corpus/device_envelope
if [ -f ../../shared/vectors/tokens.json ]; then
  python3 - <<'PY'
import json, hashlib, base64, os
doc = json.load(open("../../shared/vectors/tokens.json"))
def walk(v):
    if isinstance(v, dict):
        for x in v.values(): yield from walk(x)
    elif isinstance(v, list):
        for x in v: yield from walk(x)
    elif isinstance(v, str) and v.startswith("TP1:"):
        yield v
for t in walk(doc):
    name = hashlib.sha1(t.encode()).hexdigest()
    open(f"corpus/token_text/{name}", "w").write(t)
PY
fi
cp -n seeds/* corpus/device_envelope/ 2>/dev/null || true
mkdir -p logs
failed=()
for t in "${targets[@]}"; do
  echo "== $t: ${seconds} s (full log: fuzz/logs/$t.log)"
  set +e
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -max_len=65536 \
    -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  set -e
  grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "logs/$t.log" || true
  if [ "$rc" -ne 0 ]; then
    echo "!! $t failed (exit $rc): the end of its log, with the command that replays a crash:"
    tail -n 40 "logs/$t.log"
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
echo "all targets ran without a crash"
