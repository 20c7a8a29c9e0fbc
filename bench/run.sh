#!/usr/bin/env bash
# make bench: the figures of issue 2 ("Speed"), each beside a baseline measured in the same
# run. Called by `make bench` after `swift build -c release`. Timings are reported, never
# asserted: the exit status is non-zero only when a benchmark could not run.
#
# Environment knobs (for quick local runs): BENCH_ARGS adds arguments to kiosk-bench,
# e.g. BENCH_ARGS="--only inside --list-runs 5".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.build/release"
CACHE="$ROOT/bench/.cache"

# The Debian sqlite3 shell is the baseline; install it when missing, as `make setup` does.
if ! command -v sqlite3 >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq sqlite3
fi

# The reference HC1 verifier (Benchmarks/reference) needs these PyPI packages.
python3 -m pip install -q -r "$ROOT/Benchmarks/reference/requirements.txt" 2>/dev/null \
  || python3 -m pip install -q --break-system-packages -r "$ROOT/Benchmarks/reference/requirements.txt"
command -v qrencode >/dev/null 2>&1 || {
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qrencode
}

# `make bench` has just built every product in release mode; run on its own, this script
# builds them itself (a no-op when they are up to date).
if [ -z "${MAKELEVEL:-}" ]; then
  (cd "$ROOT" && swift build -c release)
fi

# Scratch folder beside the cache (same file system, so copying the seeded database is a
# plain copy and no tmpfs holds a gigabyte); removed however the run ends.
mkdir -p "$CACHE"
WORK="$(mktemp -d "$CACHE/run.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The sample config with what would interfere switched off: no capacity limit (check-ins
# past it would be refused) and no daily export (it would run inside a timed command).
# Paths stay relative, so the database, key and exports land in $WORK/data.
sed -E \
  -e 's/^capacity[[:space:]]*=.*/capacity = 0/' \
  -e 's/^auto_export_at[[:space:]]*=.*/auto_export_at = off/' \
  "$ROOT/kiosk.conf" > "$WORK/kiosk.conf"

# HC1 codes that admit, for the scan → verdict figure: signed by a signer of our own (the
# official test files' signers expired years ago), with the soak's generator.
mkdir -p "$WORK/hc1"
python3 "$ROOT/Tests/Soak/make_hc1.py" "$WORK/hc1" 700 "$(date +%F)"

# The seeded database is cached under a key of the schema: the migrations as written.
SCHEMA_KEY="$(sha256sum "$ROOT/Sources/Records/Migrations.swift" | cut -c1-12)"

# shellcheck disable=SC2086  # BENCH_ARGS is a list of words on purpose.
"$BIN/kiosk-bench" \
  --kiosk "$BIN/kiosk" \
  --sqlite3 "$(command -v sqlite3)" \
  --config "$WORK/kiosk.conf" \
  --work "$WORK" \
  --cache "$CACHE" \
  --schema-key "$SCHEMA_KEY" \
  --json "$ROOT/bench/results.json" \
  --fixtures "$ROOT/Tests/Fixtures/dcc" \
  --reference "$ROOT/Benchmarks/reference/hc1_verify.py" \
  --qrencode "$(command -v qrencode)" \
  --terminal-script "$ROOT/bench/terminal_start.py" \
  --hc1-codes "$WORK/hc1" \
  ${BENCH_ARGS:-}
