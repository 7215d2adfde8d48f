extension PostgresValue {
    /// An array of integers as one parameter (`$1::bigint[]`): a statement over many rows keeps one
    /// text, and so one prepared statement, whatever the number of rows.
    public static func array(_ values: [Int64]) -> PostgresValue {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += String(value)
        }
        return .text(text + "}")
    }

    /// An array of optional integers as one parameter (`$1::bigint[]`), nil as NULL.
    public static func array(_ values: [Int64?]) -> PostgresValue {
        .text("{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}")
    }

    /// An array of optional texts as one parameter (`$1::text[]`), nil as NULL. Every element is
    /// quoted, with its backslashes and double quotes escaped, so any text goes through unchanged.
    public static func array(_ values: [String?]) -> PostgresValue {
        var text: [UInt8] = [0x7B]  // {
        text.reserveCapacity(values.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(0x2C) }  // ,
            guard let value else {
                text += "NULL".utf8
                continue
            }
            text.append(0x22)  // "
            for byte in value.utf8 {
                // A backslash or a double quote inside is escaped with a backslash.
                if byte == 0x5C || byte == 0x22 { text.append(0x5C) }
                text.append(byte)
            }
            text.append(0x22)
        }
        text.append(0x7D)  // }
        return .text(String(decoding: text, as: UTF8.self))
    }
}
