/// `[printer]`: the receipt printer that prints visitor slips (issue 16). Parsed here, once,
/// so a typo in the device stops start-up with the file and line instead of showing up later
/// as "printer offline".
public struct PrinterSettings: Equatable, Sendable {
    /// Where the slip's bytes go.
    public enum Device: Equatable, Sendable, CustomStringConvertible {
        /// A network printer's raw port (`tcp://10.0.0.9:9100`).
        case tcp(host: String, port: Int)
        /// A device file: `/dev/usb/lp0`, a serial port, a FIFO.
        case file(String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            case .file(let path): path
            }
        }

        /// nil with the reason when `text` is neither `tcp://HOST:PORT` nor an absolute path.
        public static func parse(_ text: String) -> Result<Device, ConfigProblem> {
            guard text.count <= 200, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                return .failure(.init("expected tcp://HOST:PORT or a device file such as /dev/usb/lp0"))
            }
            if text.lowercased().hasPrefix("tcp://") {
                var rest = Substring(text.dropFirst(6))
                if rest.hasSuffix("/") { rest = rest.dropLast() }
                let host: Substring, portText: Substring
                if rest.hasPrefix("[") {
                    guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                        return .failure(.init("expected tcp://[IPv6]:PORT"))
                    }
                    host = rest[rest.index(after: rest.startIndex)..<close]
                    portText = rest[rest.index(close, offsetBy: 2)...]
                } else {
                    guard let colon = rest.lastIndex(of: ":") else {
                        return .failure(.init("give the port: tcp://HOST:PORT (network printers usually listen on 9100)"))
                    }
                    host = rest[..<colon]
                    portText = rest[rest.index(after: colon)...]
                }
                guard !host.isEmpty, host.count <= 253,
                    host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:_".contains($0)) })
                else { return .failure(.init("printer host \"\(host)\": use a host name or an IP address")) }
                guard let port = Int(portText), (1...65535).contains(port) else {
                    return .failure(.init("printer port must be 1–65535 (network printers usually listen on 9100)"))
                }
                return .success(.tcp(host: String(host), port: port))
            }
            if text.contains("://") {
                return .failure(.init("only tcp://HOST:PORT network printers are supported; for a local printer give its device file"))
            }
            return .success(.file(text))
        }
    }

    /// The roll's width; the printable width in dots at 203 dpi follows from it.
    public enum Paper: String, Equatable, Sendable, CaseIterable {
        case mm58 = "58mm"
        case mm80 = "80mm"

        /// Dots per line of the common 58 mm (48 mm printable) and 80 mm (72 mm) heads.
        public var dots: Int {
            switch self {
            case .mm58: 384
            case .mm80: 576
            }
        }
    }

    /// When a slip is printed on its own.
    public enum PrintOn: String, Equatable, Sendable, CaseIterable {
        /// At every check-in that lets a visitor in at this desk.
        case checkin
        /// Only when the guard asks (F4, a visit, P) or `kiosk slip CODE`.
        case manual
        /// Never: no slip is sent to a printer, even on request.
        case never
    }

    /// nil: no printer (the default).
    public var device: Device?
    public var paper = Paper.mm58
    public var printOn = PrintOn.checkin
    public var copies = 1

    public init() {}

    /// Whether check-ins print a slip without being asked.
    public var printsAtCheckIn: Bool { device != nil && printOn == .checkin }
    /// Whether a guard's request (F4, `kiosk slip`) may reach the printer.
    public var printsOnRequest: Bool { device != nil && printOn != .never }
}

/// A value that cannot be used, and why (for `ConfigError`).
public struct ConfigProblem: Error, Equatable, Sendable {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
}
