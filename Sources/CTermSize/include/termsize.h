#ifndef KIOSK_TERMSIZE_H
#define KIOSK_TERMSIZE_H

/// The size of the terminal on `fd` in character cells. ioctl is variadic, which Swift
/// cannot call, hence this C wrapper. Returns 0 on success, -1 (errno set) when `fd` is not
/// a terminal.
int kiosk_terminal_size(int fd, int *columns, int *rows);

#endif
