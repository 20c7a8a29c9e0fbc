import KioskCore

/// Why a slip was not printed, in words a guard can act on.
public enum PrintingError: Error, Equatable, Sendable, LocalizedKioskError, CustomStringConvertible {
    case refused(device: String)
    case unreachable(device: String, why: String)
    /// Connected, but the printer does not take the bytes (hung, buffer full).
    case notReading(device: String)
    case closed(device: String)
    case outOfPaper
    case coverOpen
    /// A regular file or a folder where a printer device was expected.
    case notADevice(String)
    case missing(device: String, why: String)
    case failed(device: String, why: String)
    case queueFull(code: String)
    case render(String)

    public var key: MessageKey {
        switch self {
        case .refused: .printerRefused
        case .unreachable: .printerUnreachable
        case .notReading: .printerNotReading
        case .closed: .printerClosed
        case .outOfPaper: .printerOutOfPaper
        case .coverOpen: .printerCoverOpen
        case .notADevice: .printerNotADevice
        case .missing: .printerMissing
        case .failed: .printerFailed
        case .queueFull: .printerQueueFull
        case .render: .renderFailed
        }
    }

    public var args: [String] {
        switch self {
        case .refused(let d), .notReading(let d), .closed(let d): [d]
        case .unreachable(let d, let w), .missing(let d, let w), .failed(let d, let w): [d, w]
        case .outOfPaper, .coverOpen: []
        case .notADevice(let p): [p]
        case .queueFull(let c): [c]
        case .render(let w): ["slip", w]
        }
    }

    public var description: String { message(.en) }

    /// A few words for the title bar.
    public func short(_ language: Language) -> String {
        switch (self, language) {
        case (.outOfPaper, .vi): "hết giấy"
        case (.outOfPaper, .en): "out of paper"
        case (.coverOpen, .vi): "mở nắp"
        case (.coverOpen, .en): "cover open"
        case (.render, .vi), (.queueFull, .vi): "lỗi"
        case (.render, .en), (.queueFull, .en): "error"
        case (_, .vi): "mất kết nối"
        case (_, .en): "offline"
        }
    }
}
