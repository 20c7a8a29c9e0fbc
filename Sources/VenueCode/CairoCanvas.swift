import CCairo
import Foundation

/// Collects what cairo streams out (PNG or PDF bytes) so the caller can write the file
/// whole, through a temporary file and a rename.
final class ByteSink {
    var bytes: [UInt8] = []
}

/// cairo's write callback: appends to the `ByteSink` passed as the closure pointer.
private let appendToSink: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// A cairo drawing context that owns its surface: created, drawn on, finished to bytes,
/// destroyed, all inside one call. cairo's error statuses become `VenueCodeError`s.
public struct CairoCanvas {
    enum Kind {
        /// RGB image of this many pixels.
        case png(width: Int, height: Int)
        /// PDF page of this many points.
        case pdf(width: Double, height: Double)
    }

    /// Creates a surface, lets `draw` paint on it, returns the encoded bytes.
    static func render(_ kind: Kind, what: String, title: String? = nil, draw: (OpaquePointer) throws(VenueCodeError) -> Void) throws(VenueCodeError) -> [UInt8] {
        let sink = ByteSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let surface: OpaquePointer?
        switch kind {
        case .png(let w, let h):
            surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h))
        case .pdf(let w, let h):
            surface = cairo_pdf_surface_create_for_stream(appendToSink, context, w, h)
        }
        guard let surface else { throw .renderFailed(what: what, status: "no surface") }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), what)
        if case .pdf = kind, let title {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "kiosk")
        }
        guard let cr = cairo_create(surface) else { throw .renderFailed(what: what, status: "no context") }
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        try draw(cr)
        try check(cairo_status(cr), what)
        switch kind {
        case .png(let w, let h):
            cairo_surface_flush(surface)
            // Black on white: an 8-bit greyscale PNG of our own is a quarter of the data of
            // cairo's RGB one and several times faster to encode at 300 dpi.
            guard let data = cairo_image_surface_get_data(surface) else { throw .renderFailed(what: what, status: "no pixels") }
            let stride = Int(cairo_image_surface_get_stride(surface))
            return try PNGEncoder.greyscale(width: w, height: h, bitDepth: 8, rowBytes: w, level: 3) { y, line in
                let row = data + y * stride
                for x in 0..<w {
                    // RGB24 is 32-bit xRGB in native order; on black-on-white art the green
                    // channel is the grey level.
                    line[x] = row[x * 4 + 1]
                }
            }
        case .pdf:
            cairo_show_page(cr)
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), what)
        }
        // Keep the sink alive until cairo has finished calling back into it.
        return withExtendedLifetime(sink) { sink.bytes }
    }

    public static func check(_ status: cairo_status_t, _ what: String) throws(VenueCodeError) {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw .renderFailed(what: what, status: String(cString: cairo_status_to_string(status)))
        }
    }

    /// Fills the dark modules of `matrix` with the symbol's top-left corner at (x, y) and
    /// modules `module` units wide, one rectangle per horizontal run.
    public static func fillQR(_ cr: OpaquePointer, _ matrix: QRMatrix, x: Double, y: Double, module: Double) {
        cairo_set_source_rgb(cr, 0, 0, 0)
        for row in 0..<matrix.size {
            var col = 0
            while col < matrix.size {
                guard matrix[col, row] else {
                    col += 1
                    continue
                }
                var run = 1
                while col + run < matrix.size && matrix[col + run, row] { run += 1 }
                cairo_rectangle(cr, x + Double(col) * module, y + Double(row) * module, Double(run) * module, module)
                col += run
            }
        }
        cairo_fill(cr)
    }
}
