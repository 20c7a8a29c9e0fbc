#!/usr/bin/env bash
# make deb: dist/kiosk_<version>_<arch>.deb, the kiosk for a box that boots into the guard
# terminal. The Swift standard library, Foundation and Dispatch are linked statically, so
# the package depends only on Debian libraries (computed from the binary by dpkg-shlibdeps).
# Built in its own scratch folder (.build-deb): the release flags never disturb the tests'
# debug build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$ROOT/.build-deb"
VERSION="$("$ROOT/packaging/version.sh")"
ARCH="$(dpkg --print-architecture)"
NAME="kiosk_${VERSION}_${ARCH}"
STAGE="$SCRATCH/stage/$NAME"

cd "$ROOT"
swift build -c release --product kiosk --static-swift-stdlib --scratch-path "$SCRATCH" \
  -Xcc "-DKIOSK_VERSION=\"$VERSION\""
BIN="$SCRATCH/release/kiosk"

rm -rf "$STAGE"
install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/etc/kiosk" "$STAGE/lib/systemd/system" \
  "$STAGE/usr/share/man/man1" "$STAGE/usr/share/man/man5" "$STAGE/usr/share/doc/kiosk" \
  "$STAGE/usr/share/bash-completion/completions"
install -m 0755 "$BIN" "$STAGE/usr/bin/kiosk"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/kiosk"

# The sample config, its data paths under /var/lib/kiosk (relative paths would resolve
# against /etc/kiosk, which the hardened units cannot write).
sed -E 's#^([a-z_]+[[:space:]]*=[[:space:]]*)data/#\1/var/lib/kiosk/#' "$ROOT/kiosk.conf" > "$STAGE/etc/kiosk/kiosk.conf"
chmod 0644 "$STAGE/etc/kiosk/kiosk.conf"
if grep -Eq '=[[:space:]]*data/' "$STAGE/etc/kiosk/kiosk.conf"; then
  echo "build-deb: a data/ path was left in the packaged kiosk.conf" >&2
  exit 1
fi

install -m 0644 "$ROOT"/packaging/systemd/*.service "$ROOT"/packaging/systemd/*.timer "$STAGE/lib/systemd/system/"

# Manual pages: kiosk(1) generated from the argument parser, kiosk.conf(5) by hand.
python3 "$ROOT/packaging/gen-man.py" "$STAGE/usr/bin/kiosk" "$VERSION" | gzip -9n > "$STAGE/usr/share/man/man1/kiosk.1.gz"
gzip -9n < "$ROOT/packaging/kiosk.conf.5" > "$STAGE/usr/share/man/man5/kiosk.conf.5.gz"
# A completion file is sourced, not run: no #! line (lintian).
"$STAGE/usr/bin/kiosk" --generate-completion-script bash | sed '1{/^#!/d}' > "$STAGE/usr/share/bash-completion/completions/kiosk"
chmod 0644 "$STAGE/usr/share/bash-completion/completions/kiosk"

install -m 0644 "$ROOT/packaging/debian/copyright" "$STAGE/usr/share/doc/kiosk/copyright"
DATE="$(git -C "$ROOT" log -1 --format=%aD)"
{
  echo "kiosk ($VERSION) unstable; urgency=medium"
  echo
  echo "  * Built from commit $(git -C "$ROOT" rev-parse --short HEAD)."
  echo
  echo " -- kiosk maintainers <kiosk@example.org>  $DATE"
} | gzip -9n > "$STAGE/usr/share/doc/kiosk/changelog.gz"  # a native package's name

# Dependencies from the libraries the binary really links, plus what it loads at run time:
# the fonts cairo draws posters and slips with, adduser for the maintainer scripts.
SHLIBS_DIR="$SCRATCH/shlibs"
rm -rf "$SHLIBS_DIR" && mkdir -p "$SHLIBS_DIR/debian"
printf 'Source: kiosk\n\nPackage: kiosk\nArchitecture: any\n' > "$SHLIBS_DIR/debian/control"
SHLIBS="$(cd "$SHLIBS_DIR" && dpkg-shlibdeps -O -e "$STAGE/usr/bin/kiosk" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
if [ -z "$SHLIBS" ]; then echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; fi
if echo "$SHLIBS" | grep -qi swift; then echo "build-deb: the binary still links a Swift library: $SHLIBS" >&2; exit 1; fi

install -m 0755 "$ROOT"/packaging/debian/postinst "$ROOT"/packaging/debian/prerm "$ROOT"/packaging/debian/postrm "$STAGE/DEBIAN/"
echo "/etc/kiosk/kiosk.conf" > "$STAGE/DEBIAN/conffiles"
SIZE="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: kiosk
Version: $VERSION
Architecture: $ARCH
Maintainer: kiosk maintainers <kiosk@example.org>
Installed-Size: $SIZE
Depends: $SHLIBS, fonts-dejavu-core, adduser
Recommends: systemd
Section: misc
Priority: optional
Homepage: https://example.org/kiosk
Description: building-entry check-in terminal for a guard's desk
 A security guard at an office gate runs kiosk all day on a small box with a
 keyboard and a QR scanner: it verifies the codes visitors show (health
 certificates, building invitations, ID card QR codes) or records their
 details by hand, prints visitor slips, serves a self check-in form for
 phones, and keeps every visit in one tamper-evident log.
 .
 The package boots the box into the guard terminal on tty1 (systemd), keeps
 its data in /var/lib/kiosk and reads /etc/kiosk/kiosk.conf.
CONTROL
(cd "$STAGE" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"

mkdir -p "$ROOT/dist"
fakeroot dpkg-deb --build -Zxz "$STAGE" "$ROOT/dist/$NAME.deb" >/dev/null
echo "$ROOT/dist/$NAME.deb"
