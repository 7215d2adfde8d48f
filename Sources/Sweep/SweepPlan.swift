/// The plan stage, pure: the batches per app key (the hold is `BlastRadius`).
enum SweepPlan {
    /// Batches of at most `size` positions per app key: app keys in order of first appearance, and
    /// each app key's alerts in their order.
    static func batches(appKeys: [String], size: Int) -> [(appKey: String, indices: [Int])] {
        var order: [String] = []
        var byKey: [String: [Int]] = [:]
        for (index, appKey) in appKeys.enumerated() {
            if byKey[appKey] == nil { order.append(appKey) }
            byKey[appKey, default: []].append(index)
        }
        var chunks: [(appKey: String, indices: [Int])] = []
        for key in order {
            let indices = byKey[key] ?? []
            var start = 0
            while start < indices.count {
                let end = min(start + max(1, size), indices.count)
                chunks.append((key, Array(indices[start..<end])))
                start = end
            }
        }
        return chunks
    }
}
