# kiosk — the two commands a newcomer needs: `make run` and `make test`.
# Both first install the Debian/Ubuntu packages the build and the tests need, when missing.

SWIFT ?= swift
CONFIG ?= kiosk.conf
# System libraries (headers for the C shims) and the tools the end-to-end tests drive
# (chromium + chromium-driver: the real-browser test of the self check-in form).
APT_PACKAGES = libsqlite3-dev sqlite3 libncurses-dev libqrencode-dev libcairo2-dev pkg-config \
	fonts-dejavu-core zbar-tools poppler-utils qrencode tmux strace python3 python3-pip ca-certificates \
	chromium chromium-driver
# PyPI packages the end-to-end tests import (Tests/Browser/checkin_form.py drives Chromium).
PIP_PACKAGES = selenium

.PHONY: setup build run test faults bench clean fuzz

setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@for m in $(PIP_PACKAGES); do \
	  python3 -c "import $$m" 2>/dev/null && continue; \
	  echo "Installing (pip): $$m"; \
	  python3 -m pip install -q $$m 2>/dev/null || python3 -m pip install -q --break-system-packages $$m || exit 1; \
	  python3 -c "import $$m" || { echo "setup: python3 still cannot import $$m"; exit 1; }; \
	done

build: setup
	$(SWIFT) build

run: build
	$(SWIFT) run kiosk --config $(CONFIG)

test: build
	$(SWIFT) test

# Fault injection (Tests/KioskE2ETests/FaultInjectionTests.swift): kill -9 at random moments
# of a batch, the guard terminal and kiosk serve, a full disk, a database locked, deleted,
# replaced or read-only, the clock set back, signals. `make test` runs them with 5 rounds;
# this runs FAULT_ROUNDS (100) of each kill. Needs root (tmpfs mounts), as CI has.
FAULT_ROUNDS ?= 100
faults: build
	KIOSK_FAULT_ROUNDS=$(FAULT_ROUNDS) $(SWIFT) test --filter FaultInjection

bench: setup
	$(SWIFT) build -c release
	bash bench/run.sh

clean:
	rm -rf .build

# Fuzzing (issue 4): libFuzzer + ASan, built outside the package's targets by Fuzz/run.sh into
# .build-fuzz; never part of `make test`/CI. Each target runs FUZZ_SECONDS, one after another;
# fails if any target crashes. See docs/FUZZING.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= Base45 CBOR COSE HC1 CCCD PersonalQR Inflate Invitation
fuzz: setup
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  bash Fuzz/run.sh $$t $(FUZZ_SECONDS) || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed (see Tests/Fixtures/fuzz-crashes/)"; exit 1; fi
