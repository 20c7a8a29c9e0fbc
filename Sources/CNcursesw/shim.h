#ifndef KIOSK_CNCURSESW_SHIM_H
#define KIOSK_CNCURSESW_SHIM_H
/* The wide-character curses API (get_wch, mvaddnwstr) needs these before the header. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>
#include <wchar.h>
#include <poll.h>
#include <unistd.h>
#include <signal.h>

/* Macros and globals that Swift cannot import, as functions. */
static inline WINDOW *kiosk_stdscr(void) { return stdscr; }
static inline int kiosk_lines(void) { return LINES; }
static inline int kiosk_cols(void) { return COLS; }
static inline int kiosk_colors(void) { return COLORS; }
static inline int kiosk_key_f(int n) { return KEY_F(n); }
static inline attr_t kiosk_a_normal(void) { return A_NORMAL; }
static inline attr_t kiosk_a_bold(void) { return A_BOLD; }
static inline attr_t kiosk_a_reverse(void) { return A_REVERSE; }
static inline attr_t kiosk_a_underline(void) { return A_UNDERLINE; }
static inline attr_t kiosk_a_dim(void) { return A_DIM; }
static inline attr_t kiosk_color_pair(short n) { return COLOR_PAIR(n); }

/* Writes `n` wide characters at (y, x) with attributes, without touching the cursor logic. */
static inline int kiosk_put(int y, int x, const wchar_t *text, int n, attr_t attrs) {
    attrset(attrs);
    return mvaddnwstr(y, x, text, n);
}

/* One key or character: returns OK (character), KEY_CODE_YES (function key) or ERR. */
static inline int kiosk_get_wch(wint_t *out) { return get_wch(out); }

#endif
