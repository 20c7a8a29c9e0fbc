/// The raw shape of kiosk.conf: `[section]`, `key = value`, whole-line `#` comments, UTF-8.
/// Values keep everything after the first `=` (trimmed), so a venue called "Cổng #2" is fine.
public struct IniFile: Sendable {
    public struct Item: Sendable, Equatable {
        public var section: String
        public var key: String
        public var value: String
        public var line: Int
    }

    public let path: String
    public private(set) var items: [Item] = []
    public private(set) var sections: [(name: String, line: Int)] = []

    public init(path: String, text: String) throws(ConfigError) {
        self.path = path
        var section = ""
        var seen: [String: Int] = [:]
        var seenSections: [String: Int] = [:]
        var lineNumber = 0
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        for rawLine in body.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.iniTrimmed([" ", "\t", "\r"])
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw ConfigError(file: path, line: lineNumber, key: line,
                        problem: "a section header must look like [name]")
                }
                section = String(line.dropFirst().dropLast()).iniTrimmed([" "]).lowercased()
                if let first = seenSections[section] {
                    throw ConfigError(file: path, line: lineNumber, key: "[\(section)]",
                        problem: "section given twice (first on line \(first)); merge the two")
                }
                seenSections[section] = lineNumber
                sections.append((section, lineNumber))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(file: path, line: lineNumber, key: line,
                    problem: "expected `key = value`")
            }
            let key = line[..<eq].iniTrimmed([" ", "\t"]).lowercased()
            let value = line[line.index(after: eq)...].iniTrimmed([" ", "\t"])
            guard !key.isEmpty else {
                throw ConfigError(file: path, line: lineNumber, key: "=", problem: "the key before `=` is empty")
            }
            guard !section.isEmpty else {
                throw ConfigError(file: path, line: lineNumber, key: key,
                    problem: "key outside any section; put it under a [section] header")
            }
            let full = "\(section).\(key)"
            if let first = seen[full] {
                throw ConfigError(file: path, line: lineNumber, key: key,
                    problem: "given twice in [\(section)] (first on line \(first)); keep one")
            }
            seen[full] = lineNumber
            items.append(Item(section: section, key: key, value: String(value), line: lineNumber))
        }
    }
}

extension StringProtocol {
    func iniTrimmed(_ set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
