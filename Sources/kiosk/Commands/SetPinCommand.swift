import ArgumentParser
import Foundation
import Gate
import KioskCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `kiosk set-pin`: sets or changes the supervisor PIN. Lines come from stdin: the current PIN
/// when one is set (checked like at the gate, so the lockout applies), then the new PIN twice.
/// On a terminal it prompts on stderr with echo off; from a pipe it reads without prompts.
struct SetPinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-pin",
        abstract: "Set or change the supervisor PIN (4 to 12 digits), read from stdin.",
        discussion: "When a PIN is set, the current PIN is asked first; three wrong PINs lock it for 60 seconds.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let lang = context.language
        let pin = context.gate.supervisorPin
        let input = PinInput()
        defer { input.restore() }

        func refuse(_ key: MessageKey, _ args: [String] = []) -> ExitCode {
            printError(L10n.text(key, lang, args))
            return ExitCode(1)
        }
        func ask(_ prompt: MessageKey) throws -> String {
            guard let line = input.readLine(prompt: L10n.text(prompt, lang)) else { throw refuse(.pinNoInput) }
            return line
        }

        // A damaged file counts as not set: say so, then let a new PIN replace it.
        if let problem = pin.fileProblem { printError(problem.message(lang)) }
        if pin.isSet {
            switch pin.check(try ask(.pinAskCurrent)) {
            case .accepted, .notSet: break
            case .wrong(let remaining): throw refuse(.pinWrongCurrent, [String(remaining)])
            case .locked(let until): throw refuse(.pinLockedUntil, [context.calendar.localTimestamp(until)])
            }
        }
        let new = try ask(.pinAskNew)
        do { try SupervisorPin.validate(new) } catch { throw context.fail(error) }
        guard try ask(.pinAskAgain) == new else { throw refuse(.pinMismatch) }
        do { try pin.set(new) } catch { throw context.fail(error) }
        writeOut(L10n.text(.pinSaved, lang, [pin.path]) + "\n")
    }
}

/// The terminal settings to put back if a signal ends the command while echo is off; read by
/// the signal handler, so plain globals set before the handler is installed.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var echoIsOff: sig_atomic_t = 0

/// Lines of stdin, one PIN each. On a TTY: a prompt on stderr and echo off while reading, put
/// back on every path, including SIGINT, SIGTERM and SIGHUP.
final class PinInput {
    let isTerminal = isatty(STDIN_FILENO) == 1

    init() {
        guard isTerminal, tcgetattr(STDIN_FILENO, &savedTerminal) == 0 else { return }
        let handler: @convention(c) (Int32) -> Void = { sig in
            if echoIsOff != 0 { tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
            signal(sig, SIG_DFL)
            raise(sig)
        }
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, handler) }
        var quiet = savedTerminal
        quiet.c_lflag &= ~tcflag_t(ECHO)
        echoIsOff = 1
        if tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0 { echoIsOff = 0 }
    }

    func restore() {
        guard echoIsOff != 0 else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
        echoIsOff = 0
    }

    deinit { restore() }

    /// One line without its line ending; nil at the end of input. Reads byte by byte so no
    /// more of stdin is taken than the line, and keeps at most 1 KiB of it.
    func readLine(prompt: String) -> String? {
        if isTerminal { FileHandle.standardError.write(Data(prompt.utf8)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        var sawAnything = false
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            sawAnything = true
            if byte == UInt8(ascii: "\n") { break }
            if bytes.count < 1024 { bytes.append(byte) }
        }
        // Echo was off, so the guard's Enter left the cursor on the prompt line.
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        guard sawAnything else { return nil }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
