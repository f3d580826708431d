#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer (clang, ASan+UBSan):
# the browser's first MQTT packet, control requests, the session registry's
# event sequences, the bridge's API responses, Telegram's answers, the
# bridge's messages as the plugin reads them for /metrics
# (tests/fuzz/). Not part of the test command: the corpus each run grows
# is replayed there (ctest *_corpus), the search itself is open-ended.
#
#   scripts/fuzz.sh [seconds per target, default 60] [target ...]
#   NABZ_FUZZ_MERGE=1 scripts/fuzz.sh ...   then minimise what was found into
#                                           tests/fuzz/corpus/ (to commit);
#                                           a crash's input goes there as
#                                           regress-<what>, with its fix
#
# Work corpus and crashes: build-fuzz/corpus/<target>/, build-fuzz/crashes/.
# A crash prints the input's path; replay it with
#   build-fuzz/tests/fuzz/<target> <file>   (or the replay build's binary).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_mqtt_connect fuzz_sessions fuzz_control fuzz_bridge_parsers fuzz_tg_answer fuzz_tg_rule fuzz_feed)
fi

scripts/deps.sh fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
CC=clang scripts/build.sh build-fuzz -DNABZ_FUZZ=ON -DNABZ_WERROR=OFF -DNABZ_WEB_VENDOR=OFF \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" \
  -DCMAKE_EXE_LINKER_FLAGS="$san"

status=0
for t in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$t
  work=build-fuzz/corpus/$t
  mkdir -p "$work" build-fuzz/crashes
  echo "== $t: ${seconds} s"
  if ! build-fuzz/tests/fuzz/"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/"$t"- "$work" "$seeds" 2>build-fuzz/"$t".log; then
    echo "$t: FAILED, see build-fuzz/$t.log"
    grep -E "ERROR|invariant|SUMMARY|Test unit written" build-fuzz/"$t".log || true
    status=1
    continue
  fi
  grep -E "stat::number_of_executed_units|cov:" build-fuzz/"$t".log | tail -2
  if [ "${NABZ_FUZZ_MERGE:-0}" = 1 ]; then
    # Only inputs that reach edges the committed corpus does not are
    # added (edge coverage, no hit counts): the corpus grows by what is
    # new, a few small files, and what is there stays (no churn in git).
    build-fuzz/tests/fuzz/"$t" -merge=1 -use_counters=0 "$seeds" "$work" 2>/dev/null
    echo "$t: corpus now $(ls "$seeds" | wc -l) inputs"
  fi
done
exit $status
