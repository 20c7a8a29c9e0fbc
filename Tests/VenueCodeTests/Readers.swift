import Foundation

/// Runs the real readers (zbarimg, pdftoppm, pdftotext) that the tests check our drawings
/// with. They are installed by `make test`; a missing one fails the test with its name.
enum Readers {
    struct Missing: Error, CustomStringConvertible {
        var tool: String
        var description: String { "\(tool) is not installed: run `make test` (it installs zbar-tools and poppler-utils)" }
    }

    static func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: Data, err: String) {
        let path = ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + tool }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw Missing(tool: tool) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, outData, String(decoding: errData, as: UTF8.self))
    }

    /// What zbarimg reads from an image file, exactly (no trailing newline).
    static func zbar(_ file: String) throws -> String? {
        let r = try run("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file])
        guard r.status == 0 else { return nil }
        var text = String(decoding: r.out, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    static func temp(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "kiosk-venue-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    /// A greyscale image as a binary PGM, the simplest format zbarimg reads.
    static func pgm(width: Int, height: Int, dark: (Int, Int) -> Bool) -> Data {
        var data = Data("P5\n\(width) \(height)\n255\n".utf8)
        data.reserveCapacity(data.count + width * height)
        for y in 0..<height {
            for x in 0..<width { data.append(dark(x, y) ? 0 : 255) }
        }
        return data
    }

    /// Reads a binary PGM (as pdftoppm -gray writes it).
    static func readPGM(_ data: Data) -> (width: Int, height: Int, pixels: [UInt8])? {
        var fields: [String] = []
        var i = data.startIndex
        while fields.count < 4, i < data.endIndex {
            while i < data.endIndex, data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09 { i += 1 }
            var token = ""
            while i < data.endIndex, !(data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) {
                token.append(Character(UnicodeScalar(data[i])))
                i += 1
            }
            fields.append(token)
        }
        guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]) else { return nil }
        i += 1
        let pixels = Array(data[i...].prefix(w * h))
        guard pixels.count == w * h else { return nil }
        return (w, h, pixels)
    }
}
