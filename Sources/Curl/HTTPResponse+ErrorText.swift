import Alerts

extension HTTPResponse {
    /// The API's error text from the body: the `error`, `message`, `errors` or `details` field if the body
    /// is JSON, else the body itself, shortened to one line. BigPanda and Logz.io answer in these shapes,
    /// and neither promises one, so the text is shown as found.
    public var errorText: String {
        Self.errorText(from: body)
    }

    /// The error text of a response body; see `errorText`.
    public static func errorText(from body: [UInt8]) -> String {
        if let object = try? JSONParser.parse(body).objectValue {
            for key in ["error", "message", "errors", "details"] {
                if let value = object[key] { return oneLine(value.matchText) }
            }
        }
        let text = oneLine(String(decoding: body, as: UTF8.self))
        return text.isEmpty ? "(empty body)" : text
    }

    private static func oneLine(_ text: String) -> String {
        let cleaned = String(
            text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.filter { !($0.asciiValue.map { $0 < 0x20 } ?? false) })
        return cleaned.count > 300 ? String(cleaned.prefix(300)) + "…" : cleaned
    }
}
