# kiosk — the two commands a newcomer needs: `make run` and `make test`.
# Both first install the Debian/Ubuntu packages the build and the tests need, when missing.

SWIFT ?= swift
CONFIG ?= kiosk.conf
# System libraries (headers for the C shims), the tools the end-to-end tests drive, and those
# `make deb` / `make package-test` use (dpkg-dev, fakeroot, lintian, man-db, systemd-analyze)
# (chromium + chromium-driver: the real-browser test of the self check-in form;
# libreoffice-calc-nogui: the soak opens the day's export in LibreOffice).
APT_PACKAGES = libsqlite3-dev sqlite3 libpq-dev libssl-dev openssl postgresql libncurses-dev libqrencode-dev libcairo2-dev pkg-config \
	fonts-dejavu-core zbar-tools poppler-utils qrencode tmux strace python3 python3-pip ca-certificates \
	chromium chromium-driver libreoffice-calc-nogui \
	dpkg-dev fakeroot lintian man-db systemd
# PyPI packages the end-to-end tests import: selenium (Tests/Browser/checkin_form.py drives
# Chromium); cbor2 and cryptography (Tests/Soak/make_hc1.py signs the soak's HC1 codes).
PIP_PACKAGES = selenium cbor2 cryptography

.PHONY: setup build run test faults soak bench clean fuzz deb package-test

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

# One build for running and testing: `swift test` compiles every module with testing
# enabled, so a plain `swift build`/`swift run` after it (or before it) recompiled dozens of
# modules, about 30 s each time the two alternated. `make run` starts the binary this build
# made, so a box restarted after `make test` shows the terminal in seconds.
BIN = .build/debug/kiosk

build: setup
	$(SWIFT) build --build-tests

run: build
	$(BIN) --config $(CONFIG)

test: build
	$(SWIFT) test --skip-build

# Fault injection (Tests/KioskE2ETests/FaultInjectionTests.swift): kill -9 at random moments
# of a batch, the guard terminal and kiosk serve, a full disk, a database locked, deleted,
# replaced or read-only, the clock set back, signals. `make test` runs them with 5 rounds;
# this runs FAULT_ROUNDS (100) of each kill. Needs root (tmpfs mounts), as CI has.
FAULT_ROUNDS ?= 100
faults: build
	KIOSK_FAULT_ROUNDS=$(FAULT_ROUNDS) $(SWIFT) test --skip-build --filter FaultInjection

# The soak (Tests/KioskE2ETests/SoakTests.swift): a compressed day at the gate driven through
# tmux and HTTP. `make test` runs a 300-visit day; this runs SOAK_VISITS (5,000), about
# 10 minutes. What it measured: .build/test-artifacts/soak.txt.
SOAK_VISITS ?= 5000
soak: build
	KIOSK_SOAK_VISITS=$(SOAK_VISITS) $(SWIFT) test --skip-build --filter SoakTests

bench: setup
	$(SWIFT) build -c release
	bash bench/run.sh

# The Debian package (issue 18): dist/kiosk_<version>_<arch>.deb, the Swift runtime linked
# statically, built in .build-deb so the tests' debug build is untouched. package-test builds
# it and checks it (lintian, contents, the binary without Swift, units, man pages, size);
# .ci/run calls it after `make test`.
deb: setup
	bash packaging/build-deb.sh

package-test: setup
	bash packaging/test-deb.sh

clean:
	rm -rf .build .build-deb dist

# Fuzzing (issue 4): libFuzzer + ASan, built outside the package's targets by Fuzz/run.sh into
# .build-fuzz; never part of `make test`/CI. Each target runs FUZZ_SECONDS, one after another;
# fails if any target crashes. See docs/FUZZING.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= Base45 CBOR COSE HC1 CCCD BHYT PersonalQR Inflate Invitation ManualForm
fuzz: setup
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  bash Fuzz/run.sh $$t $(FUZZ_SECONDS) || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed (see Tests/Fixtures/fuzz-crashes/)"; exit 1; fi
