import Synchronization
import Threading

/// An HTTP client over libcurl's multi interface: many transfers in flight on reused keep-alive connections.
///
/// One dedicated thread owns the multi handle and waits in `curl_multi_poll`; `send`
/// only queues work and suspends, so the Swift cooperative pool never blocks.
public final class CurlClient: Sendable {
    private let mailbox: Mailbox
    private let thread: ThreadHandle
    private let joined = Mutex(false)

    /// Creates a client and starts its curl thread; throws if libcurl cannot be set up or an option is invalid.
    public init(options: CurlClientOptions) throws(CurlError) {
        try CurlGlobal.ensureInitialized()
        let settings = try ClientSettings(validating: options)
        let multi = try MultiHandle(maxConnectionsPerHost: settings.maxConnectionsPerHost)
        let mailbox = Mailbox(multi: multi)
        do {
            thread = try ThreadHandle.start {
                TransferLoop(multi: multi, mailbox: mailbox, settings: settings).run()
            }
        } catch {
            throw .aborted("could not start the curl thread (pthread_create error \(error.errorNumber))")
        }
        self.mailbox = mailbox
    }

    deinit {
        shutdown()
    }

    /// Sends `request` and returns the response whatever its status; throws only for transport failures.
    ///
    /// Cancelling the calling task aborts the transfer with a non-transient error.
    public func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        if Task.isCancelled {
            throw .cancelled
        }
        let mailbox = self.mailbox
        let id = mailbox.makeID()
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                mailbox.submit(Job(id: id, request: request, continuation: continuation))
                // A cancellation that landed between the check above and the submit found nothing to cancel.
                if Task.isCancelled {
                    mailbox.cancel(id)
                }
            }
        } onCancel: {
            mailbox.cancel(id)
        }
        return try result.get()
    }

    /// Stops the curl thread and waits for it, failing every unfinished transfer; later sends fail at once.
    ///
    /// Calling it again does nothing; a concurrent second call returns once the first has finished.
    public func shutdown() {
        joined.withLock { joined in
            guard !joined else { return }
            mailbox.stop()
            thread.join()
            joined = true
        }
    }
}
