/// The plan stage, pure: the blast-radius hold and the batches per app key.
enum SweepPlan {
    /// The blast-radius check: a reason to hold, or nil.
    static func holdReason(open: Int, stale: Int, maxResolvesPerRun: Int, maxResolveFraction: Double) -> String? {
        if stale > maxResolvesPerRun {
            return
                "\(stale) stale alerts is more than max_resolves_per_run (\(maxResolvesPerRun)); check the feed, then rerun with --force"
        }
        if open >= 20, Double(stale) > maxResolveFraction * Double(open) {
            return
                "\(stale) of \(open) open alerts are stale, more than max_resolve_fraction (\(maxResolveFraction)); check the feed, then rerun with --force"
        }
        return nil
    }

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
