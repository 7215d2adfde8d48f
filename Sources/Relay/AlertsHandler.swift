import Alerts
import BigPanda
import Foundation
import Hummingbird
import Ledger
import Logging
import NIOCore
import Redaction
import ResolverMetrics

/// Answers the relay's two routes.
struct AlertsHandler: Sendable {
    let options: RelayOptions
    let worker: LedgerWorker
    let state: RelayState
    let wallClock: WallClock
    let logger: Logger

    /// The `Retry-After` of a 503 while the ledger is unreachable, sent in whole seconds.
    static let unreachableRetryAfter: Duration = .seconds(5)

    func handle(_ request: Request) async -> Response {
        let response = await respond(to: request)
        state.countRequest(status: Int(response.status.code))
        return response
    }

    private func respond(to request: Request) async -> Response {
        if state.isStopping {
            var response = Self.json(.serviceUnavailable, failure: "the relay is shutting down; retry shortly")
            response.headers[.connection] = "close"
            return response
        }
        guard authorized(request.headers[.authorization]) else {
            var response = Self.json(.unauthorized, failure: "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            return Self.json(.unsupportedMediaType, failure: "Content-Type must be application/json")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > options.maxBody {
            return Self.json(
                .contentTooLarge, failure: "the body is larger than relay.max_body (\(options.maxBody) bytes)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: options.maxBody)
        } catch is NIOTooManyBytesError {
            return Self.json(
                .contentTooLarge, failure: "the body is larger than relay.max_body (\(options.maxBody) bytes)")
        } catch {
            return Self.json(.badRequest, failure: "cannot read the body: \(error)")
        }
        let receivedAt = wallClock()
        let events: [IncomingEvent]
        do {
            events = try AlertsIntake.parse(
                Array(buffer.readableBytesView), defaultAppKey: options.defaultAppKey, receivedAt: receivedAt,
                forward: options.forward)
        } catch {
            return Self.json(.badRequest, failure: error.message)
        }
        do {
            try await worker.record(events)
        } catch let error as LedgerError where error.isUnreachable {
            // Nothing uncommitted is ever answered 202; the worker reconnects in the background.
            var response = Self.json(
                .serviceUnavailable, failure: "the ledger is unreachable; the alert was not recorded, retry later")
            response.headers[.retryAfter] = "\(Self.unreachableRetryAfter.wholeSeconds)"
            return response
        } catch {
            logger.error("cannot record alerts", metadata: ["error": "\(error)"])
            return Self.json(.serviceUnavailable, failure: "the alert could not be recorded; retry later")
        }
        state.countAccepted(events.count)
        return Self.json(.accepted, body: #"{"status":"accepted","alerts":\#(events.count)}"#)
    }

    func health() async -> Response {
        do {
            let counts = try await worker.perform { try $0.outboxCounts() }
            var object = JSONObject([
                ("status", .string("ok")), ("ledger", .string("ok")),
                ("outbox_depth", .integer(Int64(counts.pending))),
                ("outbox_rejected", .integer(Int64(counts.rejected))),
            ])
            object["last_forward_error"] = state.lastForwardError.map { .string($0) } ?? .null
            return Self.json(.ok, body: object.serialized())
        } catch {
            let object = JSONObject([
                ("status", .string("degraded")), ("ledger", .string("\(error)")),
                ("last_forward_error", state.lastForwardError.map { .string($0) } ?? .null),
            ])
            return Self.json(.serviceUnavailable, body: object.serialized())
        }
    }

    /// The same metrics a sweep writes, from the ledger, plus the relay's request and outbox counters.
    /// They need the relay token unless `relay.public_metrics` is true.
    func metrics(_ request: Request) async -> Response {
        if !options.publicMetrics, !authorized(request.headers[.authorization]) {
            var response = Self.json(.unauthorized, failure: "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        do {
            let now = wallClock()
            let (stored, summary, outbox) = try await worker.perform { ledger in
                (try ledger.metricSamples(), try ledger.openSummary(), try ledger.outboxCounts())
            }
            let counters = state.snapshot()
            let live =
                RunMetrics.openGauges(open: summary.open, oldestLastReceived: summary.oldestLastReceived, now: now)
                + RunMetrics.relay(
                    outboxPending: outbox.pending, outboxRejected: outbox.rejected, requests: counters.requests,
                    accepted: counters.accepted,
                    forwarded: counters.forwarded, rejected: counters.rejected)
            let text = MetricsText.render(stored: stored, live: live, extraFamilies: MetricFamily.relay)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        } catch {
            return Self.json(.serviceUnavailable, failure: "the ledger cannot be read: \(error)")
        }
    }

    private func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix("bearer ") else { return false }
        let presented = header.utf8.dropFirst(prefix.utf8.count)
        return ConstantTime.equals(presented, options.token.value.utf8)
    }

    /// `application/json` or `application/*+json`, with or without parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    static func json(_ status: HTTPResponse.Status, failure: String) -> Response {
        json(status, body: JSONObject([("status", .string("failure")), ("error", .string(failure))]).serialized())
    }

    static func json(_ status: HTTPResponse.Status, body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
