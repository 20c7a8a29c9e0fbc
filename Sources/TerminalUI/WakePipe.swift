import Glibc

/// A pipe whose read end wakes the event loop's `poll`: written by the Gate worker, the
/// serial scanner thread and the signal watcher.
public final class WakePipe: @unchecked Sendable {
    public let readFD: Int32
    let writeFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    /// Never blocks: a full pipe already means "wake up".
    public func wake() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)
    }

    deinit {
        close(readFD)
        close(writeFD)
    }
}
