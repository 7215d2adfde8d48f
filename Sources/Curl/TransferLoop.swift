internal import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The curl thread's loop: it alone drives the multi handle, starts queued jobs and resumes their continuations.
final class TransferLoop {
    /// Idle easy handles kept for reuse; more are freed.
    private static let maxIdleHandles = 64
    /// The longest wait in `curl_multi_poll`; libcurl shortens it to its own next timeout.
    private static let pollMilliseconds: Int32 = 60_000

    private let multi: MultiHandle
    private let mailbox: Mailbox
    private let settings: ClientSettings
    private var active: [UInt64: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []
    private var delivery = Delivery()

    init(multi: MultiHandle, mailbox: Mailbox, settings: ClientSettings) {
        self.multi = multi
        self.mailbox = mailbox
        self.settings = settings
    }

    /// Runs until the mailbox is stopped, then fails whatever is still in flight.
    func run() {
        while true {
            mailbox.collect(into: &delivery)
            if delivery.stopping {
                failAll(with: .shutDown)
                idleHandles.removeAll()
                return
            }
            for job in delivery.jobs {
                start(job)
            }
            for id in delivery.cancellations {
                if let transfer = active[id] {
                    finish(transfer, with: .failure(.cancelled))
                }
            }
            var running: Int32 = 0
            let performed = curl_multi_perform(multi.raw, &running)
            if performed != CURLM_OK {
                failAll(with: CurlError(multiCode: performed, during: "curl_multi_perform"))
            }
            finishCompleted()
            if mailbox.prepareToSleep() {
                let polled = curl_multi_poll(multi.raw, nil, 0, Self.pollMilliseconds, nil)
                if polled != CURLM_OK {
                    failAll(with: CurlError(multiCode: polled, during: "curl_multi_poll"))
                    // Do not spin if polling keeps failing.
                    usleep(10_000)
                }
            }
        }
    }

    private func start(_ job: Job) {
        guard let easy = idleHandles.popLast() ?? EasyHandle() else {
            job.finish(.failure(CurlError(code: CURLE_OUT_OF_MEMORY, errorBuffer: "", redacting: [])))
            return
        }
        let transfer = Transfer(job: job, easy: easy)
        do {
            try transfer.configure(settings)
        } catch {
            recycle(easy)
            job.finish(.failure(error))
            return
        }
        let added = curl_multi_add_handle(multi.raw, easy.raw)
        guard added == CURLM_OK else {
            recycle(easy)
            job.finish(.failure(CurlError(multiCode: added, during: "curl_multi_add_handle")))
            return
        }
        active[job.id] = transfer
    }

    private func finishCompleted() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            // The message is freed by curl_multi_remove_handle: read it first.
            let code = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            guard ccurl_easy_getinfo_pointer(handle, CURLINFO_PRIVATE, &context) == CURLE_OK, let context else {
                continue
            }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            finish(transfer, with: transfer.outcome(code))
        }
    }

    /// Detaches `transfer` from the multi handle, recycles its easy handle and resumes its caller.
    private func finish(_ transfer: Transfer, with result: Result<HTTPResponse, CurlError>) {
        active[transfer.job.id] = nil
        _ = curl_multi_remove_handle(multi.raw, transfer.easy.raw)
        recycle(transfer.easy)
        transfer.job.finish(result)
    }

    private func failAll(with error: CurlError) {
        for transfer in Array(active.values) {
            finish(transfer, with: .failure(error))
        }
    }

    private func recycle(_ easy: EasyHandle) {
        // Reset at once so the handle keeps no pointer into the finished transfer.
        easy.reset()
        if idleHandles.count < Self.maxIdleHandles {
            idleHandles.append(easy)
        }
    }
}
