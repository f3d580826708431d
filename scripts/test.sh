#!/usr/bin/env bash
# Runs every test: unit (cmocka) and integration (pytest against the real
# broker with the real plugin), first in a normal build, then in a build
# with AddressSanitizer + UBSan, where the integration tests' broker runs
# with the sanitizer runtimes preloaded. Any failure or sanitizer report
# fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

jobs=$(nproc)
echo "== build (RelWithDebInfo, -Werror)"
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNABZ_TESTS=ON
echo "== tests"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== build (AddressSanitizer + UBSan)"
scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DNABZ_SANITIZE=ON -DNABZ_TESTS=ON
echo "== tests under sanitizers"
(cd build-asan && ctest --output-on-failure -j"$jobs")

echo "== all tests passed"
