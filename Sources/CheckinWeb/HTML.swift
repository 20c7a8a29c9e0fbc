import KioskCore

/// Every piece of text reaches a page through `escape`: visitor input, config strings,
/// messages. Control characters are dropped first (DESIGN: none reach HTML unescaped).
enum HTML {
    /// Walks scalars, not characters: a quote followed by a combining mark is one character
    /// but still a quote to the browser's parser, and scalars are much cheaper to walk.
    static func escape(_ raw: String) -> String {
        let clean = TextFolding.clean(raw)
        var out = String.UnicodeScalarView()
        for scalar in clean.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A whole page: no script, one same-origin stylesheet, phone-sized.
    static func page(title: String, lang: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="\(lang)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <link rel="stylesheet" href="/c/style.css">
        </head><body><main>
        \(body)
        </main></body></html>
        """
    }

    /// The stylesheet, served from the same origin (CSP `default-src 'self'` forbids inline styles).
    static let stylesheet = """
        *{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:17px;line-height:1.4;background:#f4f6f8;color:#1b1f23}
        main{max-width:34rem;margin:0 auto;padding:1rem}
        h1{font-size:1.35rem;margin:.2rem 0 .6rem}
        .venue{color:#555;margin:0 0 1rem}
        label{display:block;font-weight:600;margin:.8rem 0 .25rem}
        input[type=text],input[type=tel]{width:100%;padding:.65rem;font-size:1.05rem;border:1px solid #9aa4ad;border-radius:.4rem;background:#fff}
        .err input[type=text],.err input[type=tel]{border:2px solid #c62828}
        .msg{color:#c62828;font-size:.95rem;margin:.2rem 0 0}
        fieldset{border:1px solid #c9d1d9;border-radius:.4rem;margin:.8rem 0;padding:.5rem .8rem}
        fieldset.err{border:2px solid #c62828}
        legend{font-weight:600;padding:0 .3rem}
        .choice{display:inline-block;margin-right:1.4rem;font-weight:400}
        .consent{background:#fff;border:1px solid #c9d1d9;border-radius:.4rem;padding:.8rem;margin:1rem 0}
        .consent label{font-weight:400;display:flex;gap:.6rem;align-items:flex-start}
        button{width:100%;padding:.9rem;font-size:1.1rem;font-weight:700;border:0;border-radius:.5rem;background:#1565c0;color:#fff;margin-top:.6rem}
        .lang{float:right;font-size:.95rem}
        .code{font-size:3rem;font-weight:800;letter-spacing:.3rem;text-align:center;margin:.6rem 0}
        .qr{text-align:center}.slip{text-align:center}.slip img{width:min(80vw,18rem);height:auto;border:1px solid #ccc}.qr svg{width:min(80vw,18rem);height:auto;background:#fff}
        .ok{background:#e8f5e9;border-left:6px solid #2e7d32;padding:.8rem;font-weight:600}
        .wait{background:#fff8e1;border-left:6px solid #f9a825;padding:.8rem;font-weight:600}
        .bad{background:#ffebee;border-left:6px solid #c62828;padding:.8rem}
        .req{color:#c62828}
        """
}
