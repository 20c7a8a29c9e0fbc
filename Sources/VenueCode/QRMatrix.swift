import CQRencode
import Foundation

/// A QR symbol as a grid of modules, copied out of libqrencode into a value type so that no
/// C memory outlives the call that made it.
public struct QRMatrix: Equatable, Sendable {
    public enum ErrorCorrection: String, Sendable, CaseIterable {
        case low = "L", medium = "M", quartile = "Q", high = "H"

        var c: QRecLevel {
            switch self {
            case .low: return QR_ECLEVEL_L
            case .medium: return QR_ECLEVEL_M
            case .quartile: return QR_ECLEVEL_Q
            case .high: return QR_ECLEVEL_H
            }
        }

        /// Bytes a version-40 symbol holds in 8-bit mode: the limit a message names.
        public var byteCapacity: Int {
            switch self {
            case .low: return 2953
            case .medium: return 2331
            case .quartile: return 1663
            case .high: return 1273
            }
        }
    }

    /// Modules per side, without quiet zone.
    public let size: Int
    public let version: Int
    private let modules: [Bool]

    public init(size: Int, version: Int, modules: [Bool]) {
        precondition(modules.count == size * size, "a QR matrix is square")
        self.size = size
        self.version = version
        self.modules = modules
    }

    /// Dark or light; anything outside the symbol is light (the quiet zone).
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// Encodes UTF-8 text (URLs, Vietnamese text) with the smallest version that fits.
    public static func encode(_ payload: String, level: ErrorCorrection = .medium) throws(VenueCodeError) -> QRMatrix {
        guard !payload.isEmpty else { throw .emptyPayload }
        // NUL would end the C string early; other controls have no business in a venue code.
        guard !payload.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidPayload
        }
        let bytes = payload.utf8.count
        guard bytes <= level.byteCapacity else {
            throw .payloadTooLong(bytes: bytes, limit: level.byteCapacity, level: level)
        }
        kiosk_qr_clear_errno()
        guard let code = QRcode_encodeString(payload, 0, level.c, QR_MODE_8, 1) else {
            let err = kiosk_qr_errno()
            if err == ERANGE { throw .payloadTooLong(bytes: bytes, limit: level.byteCapacity, level: level) }
            throw .encoderFailed(err == 0 ? "unknown error" : String(cString: strerror(err)))
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let buffer = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        let modules = buffer.map { $0 & 1 == 1 }
        return QRMatrix(size: width, version: Int(code.pointee.version), modules: modules)
    }
}
