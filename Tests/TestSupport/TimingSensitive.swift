#if canImport(Testing)
    public import Testing

    /// A trait for tests that measure time or wait with deadlines: each of their test cases runs at high
    /// priority. On 2 cores the cooperative pool has two threads, and hundreds of short blocking tests
    /// (ledger contracts on SQLite and PostgreSQL) keep both busy for many seconds at the start of a run; a
    /// timing test's resumption queued behind them would miss its deadline. High-priority jobs are taken
    /// first and, on Linux, run on threads of their own.
    public struct TimingSensitive: SuiteTrait, TestTrait, TestScoping {
        public var isRecursive: Bool { true }

        public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
            // Only around a test case: that is the task that runs the test's body and makes its child tasks.
            testCase == nil ? nil : self
        }

        public func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            // A task of its own made at high priority, not an escalation of the test's: tasks inherit the base
            // priority, so an unstructured `Task {}` in an escalated test was made at medium and waited 49 s
            // for a thread (measured). The test's task locals (its issues) go with it; a cancellation too.
            try await withoutActuallyEscaping(function) { function in
                let task = Task(priority: .high) { try await function() }
                try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
            }
        }
    }

    extension Trait where Self == TimingSensitive {
        /// Runs each test case at high priority (see `TimingSensitive`).
        public static var timingSensitive: Self { Self() }
    }
#endif
