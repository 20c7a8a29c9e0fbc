#!/usr/bin/env bash
# Build and run one libFuzzer target for a bounded time.
#
#   Fuzz/run.sh TARGET [SECONDS]      TARGET: Base45 CBOR COSE HC1 CCCD BHYT PersonalQR Inflate Invitation ManualForm
#
# How it is built (outside the package's normal targets, so `make test`/CI never see it):
#   1. `swift build --target Passes` into .build-fuzz (gitignored) with
#      -sanitize=fuzzer,address: Passes and KioskCore (and the Swift parts of swift-crypto and
#      swift-asn1) get ASan and libFuzzer coverage instrumentation. Building only the library
#      target links nothing, so no executable gets libFuzzer's main().
#   2. `swiftc -sanitize=fuzzer,address -parse-as-library Fuzz/TARGET.swift` against those
#      modules and object files (plus -lz), giving .build-fuzz/fuzzers/TARGET.
# Corpus: Fuzz/corpus/TARGET (gitignored), seeded by Fuzz/seed.py from Tests/Fixtures.
# A crash (exit status != 0) is copied to Tests/Fixtures/fuzz-crashes/TARGET/ and its hex
# printed; the log of every run is .build-fuzz/logs/TARGET.log.
# Environment: FUZZ_CONFIG=release|debug (default release), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

TARGET=${1:?usage: Fuzz/run.sh TARGET [SECONDS]}
SECONDS_TO_RUN=${2:-60}
CONFIG=${FUZZ_CONFIG:-release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -f "Fuzz/$TARGET.swift" ] || { echo "no such target: Fuzz/$TARGET.swift" >&2; exit 2; }

SCRATCH=.build-fuzz
SANITIZE=(-sanitize=fuzzer,address)

# 1. The instrumented Passes module. Reuse the main build's checkouts, so no network is needed.
if [ ! -d "$SCRATCH/checkouts" ] && [ -d .build/checkouts ]; then
  mkdir -p "$SCRATCH"
  cp -r .build/checkouts .build/repositories .build/workspace-state.json "$SCRATCH"/ 2>/dev/null || true
fi
swift build --scratch-path "$SCRATCH" -c "$CONFIG" --target Passes \
  -Xswiftc -sanitize=fuzzer,address >"$SCRATCH/build-$CONFIG.log" 2>&1 \
  || { tail -40 "$SCRATCH/build-$CONFIG.log" >&2; exit 2; }
BIN=$(swift build --scratch-path "$SCRATCH" -c "$CONFIG" --show-bin-path)

# 2. The fuzzer executable: the target file + the object files of Passes and what it depends on.
OBJS=()
for m in Passes KioskCore Crypto CryptoExtras _CryptoExtras CryptoBoringWrapper CCryptoBoringSSL \
         CCryptoBoringSSLShims CXKCP CXKCPShims SwiftASN1; do
  [ -d "$BIN/$m.build" ] || continue
  while IFS= read -r -d '' o; do OBJS+=("$o"); done < <(find "$BIN/$m.build" -name '*.o' -print0)
done
MAPS=()
for map in Sources/CZlib/module.modulemap "$SCRATCH"/checkouts/swift-crypto/Sources/*/include/module.modulemap; do
  [ -f "$map" ] && MAPS+=(-Xcc "-fmodule-map-file=$ROOT/$map")
done
OPT=-Onone; [ "$CONFIG" = release ] && OPT=-O
mkdir -p "$SCRATCH/fuzzers" "$SCRATCH/logs" "$SCRATCH/artifacts/$TARGET"
EXE="$SCRATCH/fuzzers/$TARGET"
swiftc "${SANITIZE[@]}" -parse-as-library $OPT -g -module-name "Fuzz$TARGET" "Fuzz/$TARGET.swift" \
  -I "$BIN/Modules" "${MAPS[@]}" "${OBJS[@]}" -lz -lstdc++ -o "$EXE" \
  2> >(grep -v "Cannot export local symbol" >&2)

# 3. Seeds.
CORPUS="Fuzz/corpus/$TARGET"
mkdir -p "$CORPUS"
if [ -z "$(ls -A "$CORPUS")" ] || { [ "$TARGET" = HC1 ] && [ ! -d Fuzz/corpus/HC1-trust ]; }; then
  python3 Fuzz/seed.py "$TARGET"
fi
if [ "$TARGET" = Invitation ]; then
  KIOSK_FUZZ_WRITE_SEEDS="$CORPUS" "$EXE" -runs=0 >/dev/null 2>&1 || true
fi

# 4. Run: one process, one thread (no -jobs/-workers: -jobs=1 would only move the output to
#    fuzz-0.log). Scans over 8 KiB are refused by the app, so longer inputs are pointless.
LOG="$SCRATCH/logs/$TARGET.log"
echo "== $TARGET: ${SECONDS_TO_RUN}s, corpus $CORPUS, log $LOG"
set +e
KIOSK_FUZZ_TRUST="$ROOT/Fuzz/corpus/HC1-trust" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  "$EXE" "$CORPUS" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -rss_limit_mb=2048 -timeout=30 \
  -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/$TARGET/" ${FUZZ_ARGS:-} 2>&1 | tee "$LOG" \
  | grep --line-buffered -E '^#[0-9]+.*(INITED|DONE|pulse)|^stat::|ERROR|SUMMARY|Test unit written|HC1 fuzz'
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ]; then
  dest="Tests/Fixtures/fuzz-crashes/$TARGET"
  mkdir -p "$dest"
  for f in "$SCRATCH/artifacts/$TARGET"/*; do
    [ -f "$f" ] || continue
    cp "$f" "$dest/"
    echo "crashing input saved: $dest/$(basename "$f")"
    echo "hex: $(od -An -tx1 -v "$f" | tr -d ' \n')"
  done
  echo "FUZZ FAILURE in $TARGET (exit $status); full log and stack: $LOG" >&2
  exit 1
fi
echo "== $TARGET: no crash"
