import Foundation

/// zbarimg, the real QR reader the tests hold every drawn code to: what it reads from a PNG,
/// one decoded text per line.
public enum QRReader {
    public static func read(png: [UInt8]) throws -> [String] {
        let path = NSTemporaryDirectory() + "qr-\(UUID().uuidString).png"
        try Data(png).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        p.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
