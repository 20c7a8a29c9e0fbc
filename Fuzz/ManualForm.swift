// libFuzzer target: the manual form's fields as a guard (or a slow scanner) types them.
// The input is split on '\t' into name, id number, phone, organisation, host, purpose,
// temperature and a tracing margin; each goes through what the form and the Gate do with it
// before anything is recorded: cleaning, validation, warnings, temperature parsing and its
// display, phone normalisation, id kind, the duration parser (issue 21 #5: `inf`, `1e300` and
// `999999999999999d` trapped on Int conversions).
import KioskCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var f = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    while f.count < 8 { f.append("") }
    let details = VisitorDetails(name: f[0], idNumber: f[1], phone: f[2], organisation: f[3], host: f[4], purpose: f[5]).cleaned()
    _ = Validation.errors(details)
    let temperature = Validation.parseTemperature(f[6])
    for reason in Validation.warnings(details, temperature: temperature ?? Double(f[6]), feverLimit: 37.5) {
        _ = reason.text(.vi)
        _ = reason.text(.en)
    }
    if let t = Double(f[6]) {
        _ = Validation.format1(t)
        _ = Validation.temperatureRefusal(t)?.text(.vi)
    }
    _ = Validation.normalisePhone(f[2])
    _ = Validation.isValidPhone(f[2])
    _ = Validation.idKind(f[1])
    _ = Masking.mask(f[1])
    _ = TextFolding.fold(f[0])
    _ = DurationText.parse(f[7])
    return 0
}
