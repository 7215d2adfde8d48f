public import Alerts

extension LedgerRow {
    /// A row of `alerts`: one identity and its state.
    public struct AlertRow: Sendable, Equatable {
        /// The row id.
        public var id: Int64
        /// The identity's storage key.
        public var identity: String
        /// The app key.
        public var appKey: String
        /// The identity without the app key, for people.
        public var display: String
        /// The state.
        public var state: AlertState
        /// The current event's id.
        public var currentEventID: Int64
        /// When the current event was received, in epoch seconds.
        public var lastReceived: Int64
        /// The greatest timestamp among its events and our `ok`s.
        public var maxTimestamp: Int64
        /// Which episode of the identity (a new one starts after a resolve).
        public var episode: Int64
        /// Runs in which BigPanda refused our `ok` permanently.
        public var rejectedRuns: Int64
        /// When it was resolved; nil while open.
        public var resolvedAt: Int64?
        /// BigPanda's alert id, once matched.
        public var bigPandaAlertID: String?
        /// Whether it was adopted from BigPanda.
        public var adopted: Bool
        /// How it was resolved; nil while open.
        public var resolvedBy: ResolvedBy?
        /// The hold a person set in BigPanda that kept it open at the last sweep.
        public var heldBy: String?

        init(_ row: RowReader) throws {
            id = try row.integer(0)
            identity = try row.text(1)
            appKey = try row.text(2)
            display = try row.text(3)
            state = try row.oneOf(4, AlertState.self)
            currentEventID = try row.integer(5)
            lastReceived = try row.integer(6)
            maxTimestamp = try row.integer(7)
            episode = try row.integer(8)
            rejectedRuns = try row.integer(9)
            resolvedAt = try row.optionalInteger(10)
            bigPandaAlertID = try row.optionalText(11)
            adopted = try row.integer(12) != 0
            resolvedBy = try row.optionalCase(13, ResolvedBy.self)
            heldBy = try row.optionalText(14)
        }

        var values: [LedgerValue] {
            [
                .integer(id), .text(identity), .text(appKey), .text(display), .text(state.rawValue),
                .integer(currentEventID), .integer(lastReceived), .integer(maxTimestamp), .integer(episode),
                .integer(rejectedRuns), resolvedAt.map { .integer($0) } ?? .null,
                bigPandaAlertID.map { .text($0) } ?? .null, .integer(adopted ? 1 : 0),
                resolvedBy.map { .text($0.rawValue) } ?? .null, heldBy.map { .text($0) } ?? .null,
            ]
        }
    }

    /// A row of `events`: one recorded event of an alert.
    public struct EventRow: Sendable, Equatable {
        /// The row id.
        public var id: Int64
        /// The alert it belongs to.
        public var alertID: Int64
        /// When it was received, in epoch seconds.
        public var receivedAt: Int64
        /// When it was written, in epoch seconds.
        public var recordedAt: Int64
        /// Its status.
        public var status: AlertStatus
        /// Its own timestamp, when it had one.
        public var timestamp: Int64?
        /// The payload, as JSON text.
        public var payload: String

        init(_ row: RowReader) throws {
            id = try row.integer(0)
            alertID = try row.integer(1)
            receivedAt = try row.integer(2)
            recordedAt = try row.integer(3)
            status = try row.oneOf(4, AlertStatus.self)
            timestamp = try row.optionalInteger(5)
            payload = try row.text(6)
        }

        var values: [LedgerValue] {
            [
                .integer(id), .integer(alertID), .integer(receivedAt), .integer(recordedAt), .text(status.rawValue),
                timestamp.map { .integer($0) } ?? .null, .text(payload),
            ]
        }
    }

    /// A row of `resolutions`: one `ok` or close by id we sent, and what came of it.
    public struct ResolutionRow: Sendable, Equatable {
        /// The row id.
        public var id: Int64
        /// The alert.
        public var alertID: Int64
        /// The event the decision was based on.
        public var eventID: Int64
        /// When it was sent, in epoch seconds.
        public var sentAt: Int64
        /// The `ok` event's timestamp.
        public var timestamp: Int64
        /// The rule that decided.
        public var rule: String
        /// The reason given.
        public var reason: String
        /// The final HTTP status, if an answer came.
        public var httpStatus: Int64?
        /// Requests made for it.
        public var attempts: Int64
        /// What the ledger made of it.
        public var outcome: AppliedOutcome
        /// The error text, when it failed.
        public var error: String?
        /// How it was sent.
        public var method: SendRecord.Method

        init(_ row: RowReader) throws {
            id = try row.integer(0)
            alertID = try row.integer(1)
            eventID = try row.integer(2)
            sentAt = try row.integer(3)
            timestamp = try row.integer(4)
            rule = try row.text(5)
            reason = try row.text(6)
            httpStatus = try row.optionalInteger(7)
            attempts = try row.integer(8)
            outcome = try row.oneOf(9, AppliedOutcome.self)
            error = try row.optionalText(10)
            method = try row.oneOf(11, SendRecord.Method.self)
        }

        var values: [LedgerValue] {
            [
                .integer(id), .integer(alertID), .integer(eventID), .integer(sentAt), .integer(timestamp),
                .text(rule), .text(reason), httpStatus.map { .integer($0) } ?? .null, .integer(attempts),
                .text(outcome.rawValue), error.map { .text($0) } ?? .null, .text(method.rawValue),
            ]
        }
    }

    /// A row of `outbox`: a forward waiting for BigPanda, or one it refused.
    public struct OutboxEntry: Sendable, Equatable {
        /// Whether it waits or was refused.
        public enum State: String, Sendable, Equatable {
            /// Waiting to be delivered.
            case pending
            /// Refused permanently by BigPanda.
            case rejected
        }

        /// The row id.
        public var id: Int64
        /// The alert.
        public var alertID: Int64
        /// The event it forwards.
        public var eventID: Int64
        /// The app key to send it under.
        public var appKey: String
        /// The wire payload, as JSON text.
        public var payload: String
        /// Whether it waits or was refused.
        public var state: State
        /// When it was written, in epoch seconds.
        public var createdAt: Int64
        /// BigPanda's error, when refused.
        public var error: String?

        init(_ row: RowReader) throws {
            id = try row.integer(0)
            alertID = try row.integer(1)
            eventID = try row.integer(2)
            appKey = try row.text(3)
            payload = try row.text(4)
            state = try row.oneOf(5, State.self)
            createdAt = try row.integer(6)
            error = try row.optionalText(7)
        }

        var values: [LedgerValue] {
            [
                .integer(id), .integer(alertID), .integer(eventID), .text(appKey), .text(payload),
                .text(state.rawValue), .integer(createdAt), error.map { .text($0) } ?? .null,
            ]
        }
    }
}
