import CCairo
import Foundation
import KioskCore
import VenueCode

/// Collects the PDF bytes cairo streams out.
private final class PDFSink {
    var bytes: [UInt8] = []
}

private let appendPDF: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue().bytes
        .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

extension Slip {
    /// The slip as the printer's head draws it: one dot per pixel, black where the ink is
    /// at least half, the width of the paper's printable line.
    public func bitmap(paper: PrinterSettings.Paper) throws(PrintingError) -> MonoBitmap {
        let layout = try SlipLayout.make(self, paper: paper)
        let w = layout.width, h = layout.height
        // Alpha only: a quarter of the memory of RGB, and the ink is the alpha.
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(w), Int32(h)) else { throw .render("no surface") }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else {
            throw .render("cannot make a \(w)×\(h) surface")
        }
        defer { cairo_destroy(cr) }
        layout.draw(cr, paperIsClear: true)
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else { throw .render(String(cString: cairo_status_to_string(cairo_status(cr)))) }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { throw .render("no pixels") }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let rowBytes = (w + 7) / 8
        var bits = [UInt8](repeating: 0, count: rowBytes * h)
        bits.withUnsafeMutableBufferPointer { out in
            for y in 0..<h {
                let row = data + y * stride
                let outRow = y * rowBytes
                for x in 0..<w where row[x] >= 128 {
                    out[outRow + (x >> 3)] |= 0x80 >> UInt8(x & 7)
                }
            }
        }
        return MonoBitmap(width: w, height: h, bits: bits)
    }

    /// The printed picture as a PNG, for a label printer behind CUPS or a phone.
    public func png(paper: PrinterSettings.Paper) throws(PrintingError) -> [UInt8] {
        do {
            return try bitmap(paper: paper).png()
        } catch let e as PrintingError {
            throw e
        } catch {
            throw .render("PNG: \(error)")
        }
    }

    /// The same layout as vector PDF, one page the printable width of the paper.
    public func pdf(paper: PrinterSettings.Paper) throws(PrintingError) -> [UInt8] {
        let layout = try SlipLayout.make(self, paper: paper)
        let sink = PDFSink()
        let points = (Double(layout.width) / SlipLayout.dotsPerPoint, Double(layout.height) / SlipLayout.dotsPerPoint)
        guard let surface = cairo_pdf_surface_create_for_stream(appendPDF, Unmanaged.passUnretained(sink).toOpaque(), points.0, points.1) else {
            throw .render("no PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "\(venueName) — \(code)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "kiosk")
        guard let cr = cairo_create(surface) else { throw .render("no PDF context") }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, 1 / SlipLayout.dotsPerPoint, 1 / SlipLayout.dotsPerPoint)
        layout.draw(cr, paperIsClear: false)
        cairo_show_page(cr)
        let status = cairo_status(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        guard status == CAIRO_STATUS_SUCCESS, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .render(String(cString: cairo_status_to_string(status)))
        }
        return withExtendedLifetime(sink) { sink.bytes }
    }
}
