import Dispatch
import Foundation
import Glibc

/// SIGTERM, SIGHUP and SIGINT end the loop the normal way (terminal restored, database
/// closed); a crash signal restores the terminal before the process dies.
public final class SignalWatch: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var caught: Int32?

    public init(wake: WakePipe) {
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                if caught == nil { caught = sig }
                lock.unlock()
                wake.wake()
            }
            source.resume()
            sources.append(source)
        }
        // Crashes: put the terminal back first, then die as the signal says (core, status).
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(sig) { s in
                CursesTerminal.emergencyRestore()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    /// The signal that asked the loop to stop, if any.
    public var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return caught
    }

    public func cancel() {
        for s in sources { s.cancel() }
        for sig in [SIGTERM, SIGHUP, SIGINT] { signal(sig, SIG_DFL) }
    }
}
