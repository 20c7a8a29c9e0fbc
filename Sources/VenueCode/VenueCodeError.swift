import KioskCore

/// Everything that can go wrong making or drawing a code, in words the guard or the
/// supervisor printing a poster can act on. Nothing in this module calls `exit`.
public enum VenueCodeError: LocalizedKioskError, Equatable {
    case emptyPayload
    /// Too long for version 40 at this error-correction level.
    case payloadTooLong(bytes: Int, limit: Int, level: QRMatrix.ErrorCorrection)
    case invalidPayload
    /// libqrencode returned NULL for another reason; errno's text.
    case encoderFailed(String)
    /// cairo reported a status other than success.
    case renderFailed(what: String, status: String)
    case terminalTooSmall(needColumns: Int, needRows: Int, columns: Int, rows: Int)

    public var key: MessageKey {
        switch self {
        case .emptyPayload: return .qrPayloadEmpty
        case .payloadTooLong: return .qrPayloadTooLong
        case .invalidPayload: return .qrPayloadInvalid
        case .encoderFailed: return .qrEncoderFailed
        case .renderFailed: return .renderFailed
        case .terminalTooSmall: return .terminalTooSmall
        }
    }

    public var args: [String] {
        switch self {
        case .emptyPayload, .invalidPayload: return []
        case .payloadTooLong(let b, let l, let level): return [String(b), String(l), level.rawValue]
        case .encoderFailed(let s): return [s]
        case .renderFailed(let what, let status): return [what, status]
        case .terminalTooSmall(let nc, let nr, let c, let r): return [String(nc), String(nr), String(c), String(r)]
        }
    }
}
