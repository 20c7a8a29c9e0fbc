#!/usr/bin/env bash
# make package-test: builds the .deb (make deb) and checks it the way a building's IT person
# and Debian would: lintian with no errors, the metadata and contents, the binary running
# with no Swift on the library path, the systemd units, the manual pages, the size.
# Installing the package on this machine is not part of it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEB="$(bash "$ROOT/packaging/build-deb.sh" | tail -1)"
VERSION="$("$ROOT/packaging/version.sh")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "package-test: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "package-test: ok: $*"; }

[ -f "$DEB" ] || { echo "package-test: no package was built" >&2; exit 1; }
case "$(basename "$DEB")" in
  "kiosk_${VERSION}_$(dpkg --print-architecture).deb") pass "named $(basename "$DEB")" ;;
  *) fail "unexpected file name $(basename "$DEB")" ;;
esac

# Size: the goal is under 60 MB.
size=$(stat -c %s "$DEB")
if [ "$size" -lt $((60 * 1024 * 1024)) ]; then pass "size $((size / 1024 / 1024)) MB < 60 MB"; else fail "size $size bytes ≥ 60 MB"; fi

# Metadata.
info="$(dpkg-deb --field "$DEB")"
echo "$info" | grep -qx "Package: kiosk" || fail "Package field"
echo "$info" | grep -qx "Version: $VERSION" || fail "Version is not $VERSION"
depends="$(dpkg-deb --field "$DEB" Depends)"
for lib in libc6 libsqlite3-0 libcairo2 libqrencode4 libncursesw6 libpq5 libssl3 zlib1g fonts-dejavu-core adduser; do
  echo "$depends" | grep -q "\b$lib\b" || fail "Depends lacks $lib: $depends"
done
echo "$depends" | grep -qi swift && fail "Depends names Swift: $depends"
pass "Depends: $depends"

# Contents.
contents="$(dpkg-deb --contents "$DEB" | awk '{print $2 " " $NF}')"
for path in ./usr/bin/kiosk ./etc/kiosk/kiosk.conf ./lib/systemd/system/kiosk-terminal.service \
  ./lib/systemd/system/kiosk-serve.service ./lib/systemd/system/kiosk-maintenance.service \
  ./lib/systemd/system/kiosk-maintenance.timer ./lib/systemd/system/kiosk-sync.service \
  ./lib/systemd/system/kiosk-sync.timer ./usr/share/man/man1/kiosk.1.gz ./usr/share/man/man5/kiosk.conf.5.gz \
  ./usr/share/bash-completion/completions/kiosk ./usr/share/doc/kiosk/copyright ./usr/share/doc/kiosk/changelog.gz; do
  echo "$contents" | grep -q " $path\$" || fail "missing $path"
done
echo "$contents" | grep -v '^root/root ' && fail "files not owned by root"
dpkg-deb --info "$DEB" conffiles | grep -qx "/etc/kiosk/kiosk.conf" || fail "kiosk.conf is not a conffile"
pass "contents"

dpkg-deb -x "$DEB" "$WORK/root"
dpkg-deb -e "$DEB" "$WORK/control"
for s in postinst prerm postrm; do sh -n "$WORK/control/$s" || fail "$s does not parse"; done
grep -q "deb-systemd-invoke start" "$WORK/control/postinst" && fail "postinst starts a unit"
grep -q 'UNITS_ON="kiosk-terminal.service kiosk-maintenance.timer"' "$WORK/control/postinst" || fail "postinst enables other units than the terminal and the daily jobs"
grep -q "deb-systemd-helper unmask" "$WORK/control/postinst" || fail "postinst never unmasks: a reinstall after remove would stay masked"
grep -q 'uid" -ge 1000' "$WORK/control/postinst" || fail "postinst would take over a person's account named kiosk"
grep -q "rm -rf /var/lib/kiosk" "$WORK/control/postrm" || fail "postrm never removes the data on purge"
bash -n "$WORK/root/usr/share/bash-completion/completions/kiosk" || fail "bash completion does not parse"

# The binary with no Swift anywhere: a clean environment, no toolchain on PATH or the
# library path, and no libswift*/libFoundation* in what it links.
bin="$WORK/root/usr/bin/kiosk"
if ldd "$bin" | grep -Ei 'swift|libFoundation|libdispatch|not found'; then fail "links Swift runtime libraries"; else pass "links only Debian libraries"; fi
got="$(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$bin" --version)"
[ "$got" = "$VERSION" ] && pass "--version: $got" || fail "--version said '$got', not $VERSION"
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$bin" --help | grep -q "checkin" && pass "--help" || fail "--help"
# The packaged config is valid as shipped (it stands alone: no building log).
set +e
out="$(env -i PATH=/usr/bin:/bin "$bin" building configured --config "$WORK/root/etc/kiosk/kiosk.conf" 2>&1)"; st=$?
set -e
[ "$st" = 1 ] && echo "$out" | grep -q "no building log configured" && pass "packaged kiosk.conf loads" || fail "packaged kiosk.conf: exit $st: $out"
grep -Eq '^database = /var/lib/kiosk/kiosk.sqlite' "$WORK/root/etc/kiosk/kiosk.conf" || fail "data not under /var/lib/kiosk"

# systemd units: verified against the unpacked tree (its /usr/bin/kiosk), so a missing
# binary or a typo in a directive fails here.
mkdir -p "$WORK/root/etc/systemd/system" "$WORK/root/lib/systemd/system" "$WORK/root/bin"
# The conditions run /bin/sh, which every Debian system has; the unpacked tree gets a copy.
cp /bin/sh "$WORK/root/bin/sh"
for unit in kiosk-terminal.service kiosk-serve.service kiosk-maintenance.service kiosk-maintenance.timer kiosk-sync.service kiosk-sync.timer; do
  # --man=no: the Documentation= pages are in the package, not on this machine's man path.
  out="$(systemd-analyze verify --man=no --root="$WORK/root" "$WORK/root/lib/systemd/system/$unit" 2>&1 || true)"
  # Units of the host this runs on (getty, network targets) are not in the unpacked tree.
  real="$(echo "$out" | grep -v -e 'getty@tty1' -e 'not found' -e '^$' || true)"
  if [ -n "$real" ]; then fail "$unit: $real"; else pass "systemd-analyze verify $unit"; fi
done
grep -q '^TTYPath=/dev/tty1' "$WORK/root/lib/systemd/system/kiosk-terminal.service" || fail "terminal not on tty1"
grep -q '^Conflicts=getty@tty1.service' "$WORK/root/lib/systemd/system/kiosk-terminal.service" || fail "terminal does not replace getty@tty1"
grep -q '^RestartPreventExitStatus=2' "$WORK/root/lib/systemd/system/kiosk-terminal.service" || fail "a bad kiosk.conf would restart the terminal for ever"
grep -q 'network-online' "$WORK/root/lib/systemd/system/kiosk-terminal.service" && fail "the terminal waits for the network at boot"
grep -q '^ProtectClock' "$WORK/root/lib/systemd/system/kiosk-terminal.service" && fail "ProtectClock closes the scanner and printer devices"
for d in ProtectSystem=strict ReadWritePaths=/var/lib/kiosk NoNewPrivileges=yes PrivateTmp=yes; do
  grep -q "^$d" "$WORK/root/lib/systemd/system/kiosk-terminal.service" || fail "terminal unit lacks $d"
done

# Manual pages render.
page="$(MANWIDTH=100 man -l "$WORK/root/usr/share/man/man1/kiosk.1.gz" 2>&1)"
echo "$page" | grep -q "kiosk checkin" && echo "$page" | grep -q "kiosk slip" && pass "man kiosk" || fail "man kiosk: $(echo "$page" | head -5)"
page="$(MANWIDTH=100 man -l "$WORK/root/usr/share/man/man5/kiosk.conf.5.gz" 2>&1)"
echo "$page" | grep -q "\[printer\]" && pass "man kiosk.conf" || fail "man kiosk.conf"

# lintian: no errors; its warnings are fixed or explained in the package's overrides.
if lintian --fail-on error --tag-display-limit 0 "$DEB" > "$WORK/lintian.txt" 2>&1; then
  pass "lintian: no errors"
else
  fail "lintian: $(cat "$WORK/lintian.txt")"
fi
sed 's/^/  lintian: /' "$WORK/lintian.txt"

if [ "$failures" -gt 0 ]; then echo "package-test: $failures failure(s)" >&2; exit 1; fi
echo "package-test: all checks passed for $(basename "$DEB")"
