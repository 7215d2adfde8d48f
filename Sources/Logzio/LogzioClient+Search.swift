import Logging

extension LogzioClient {
    /// The most definition ids one search request carries (SPEC: 500).
    public static let maxIDsPerSearch = 500

    /// Searches the account's trigger log for the latest logged trigger of each definition in `ids`.
    ///
    /// Sends `POST {api_url}/v1/search` with `X-API-TOKEN` and `Content-Type: application/json`, one
    /// request per 500 ids (600 ids: 2 requests, one after the other), each aggregating the trigger log by
    /// `field` with the latest `@timestamp` (see `TriggerSearch`). `query` is Lucene text ANDed to the id
    /// clause: `field:(123 OR 456) AND (query)`; nil or blank adds nothing. Negative and repeated ids are
    /// dropped; with no id left nothing is sent and the answer is empty. Logz.io searches today and
    /// yesterday (UTC) only.
    ///
    /// 429, 5xx, 408, timeouts and dropped connections are retried as `fetchDefinitions()` retries them,
    /// within one `retryBudget` for the whole search, all its requests together.
    ///
    /// - Parameters:
    ///   - ids: the definition ids (`logzio.evidence_field` values) to search for.
    ///   - field: the trigger log's field holding the definition id (`logzio.evidence_field`, by default
    ///     `logzio-alert-definition-id`); escaped for Lucene in the query clause.
    ///   - query: extra Lucene text (`logzio.evidence_query`), or nil.
    /// - Returns: each definition's latest logged trigger, in epoch seconds (Logz.io's milliseconds,
    ///   floored). An id without a bucket, or whose `last.value` is null, is absent; so is one whose bucket
    ///   cannot be read (a value that is not a number of milliseconds from 1970 to the year 9999), which is
    ///   logged as a warning.
    /// - Throws: `LogzioError` for the first request that fails, which fails the whole search:
    ///   `.unauthorized` for 401 and 403, `.http` for another status, `.network`, or `.undecodable` for a
    ///   2xx without `aggregations.definitions.buckets`. No error holds the token.
    public func latestTriggers(
        ids: [Int64], field: String, query: String?
    ) async throws(LogzioError) -> [Int64: Int64] {
        let chunks = TriggerSearch.chunks(of: ids, size: Self.maxIDsPerSearch)
        let deadline = ContinuousClock.now + options.retryBudget
        var latest: [Int64: Int64] = [:]
        for chunk in chunks {
            let search = TriggerSearch(ids: chunk, field: field, query: query)
            let asked = Set(chunk)
            let answer = try await exchange(.search, body: search.body, deadline: deadline) {
                body throws(TriggerSearchAnswerError) in try TriggerSearchAnswer(decoding: body, asked: asked)
            }
            if answer.unreadableBuckets > 0 {
                logger.warning(
                    "ignoring unreadable buckets in a Logz.io trigger search answer",
                    metadata: [
                        "logzio.unreadable_buckets": "\(answer.unreadableBuckets)", "logzio.ids": "\(chunk.count)",
                    ])
            }
            latest.merge(answer.latest) { max($0, $1) }
        }
        return latest
    }
}
