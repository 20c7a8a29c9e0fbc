/// A problem in kiosk.conf, reported as `file:line: key: what is wrong` (exit status 2).
public struct ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var key: String
    public var problem: String

    public init(file: String, line: Int, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(key): \(problem)" }
}
