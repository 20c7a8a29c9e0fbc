#!/bin/sh
# The package's version from `git describe`: a tag such as v1.2.0 (or 1.2.0) gives 1.2.0,
# commits after it 1.2.0+3.gabc1234; with no tag yet, 0.0+<commits>.g<hash>. A Debian
# version must start with a digit, hence the 0.0 before the first tag.
set -eu
cd "$(dirname "$0")/.."
desc=$(git describe --tags --long --match 'v[0-9]*' 2>/dev/null || git describe --tags --long --match '[0-9]*' 2>/dev/null || true)
if [ -n "$desc" ]; then
  # v1.2.0-3-gabc1234 → 1.2.0+3.gabc1234 (1.2.0 alone when on the tag)
  # A pre-release (v1.2.0-rc1) sorts before its release: 1.2.0~rc1 (a "-" would be read as
  # a Debian revision and sort after it).
  echo "$desc" | sed -E 's/^v//; s/-0-g[0-9a-f]+$//; s/-([0-9]+)-(g[0-9a-f]+)$/+\1.\2/; s/-(rc|alpha|beta)/~\1/'
else
  echo "0.0+$(git rev-list --count HEAD).g$(git rev-parse --short=7 HEAD)"
fi
