#include "kiosk_version.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "dev"
#endif

const char *kiosk_version(void) { return KIOSK_VERSION; }
