#ifndef KIOSK_VERSION_H
#define KIOSK_VERSION_H
/// The version `kiosk --version` prints: "dev" in a developer's build; the package build
/// (packaging/build-deb.sh) passes -DKIOSK_VERSION="…" from `git describe`.
const char *kiosk_version(void);
#endif
