# kiosk — the two commands a newcomer needs: `make run` and `make test`.
# Both first install the Debian/Ubuntu packages the build and the tests need, when missing.

SWIFT ?= swift
CONFIG ?= kiosk.conf
# System libraries (headers for the C shims) and the tools the end-to-end tests drive.
APT_PACKAGES = libsqlite3-dev sqlite3 libncurses-dev libqrencode-dev libcairo2-dev pkg-config \
	fonts-dejavu-core zbar-tools poppler-utils qrencode tmux strace python3 ca-certificates

.PHONY: setup build run test bench clean

setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

run: build
	$(SWIFT) run kiosk --config $(CONFIG)

test: build
	$(SWIFT) test

bench: setup
	$(SWIFT) build -c release
	bash bench/run.sh

clean:
	rm -rf .build
