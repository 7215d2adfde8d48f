/// A growable byte buffer that bytes are received into at the end and consumed from the front.
final class ByteBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    /// The first byte not yet consumed.
    private(set) var readIndex = 0
    /// One past the last byte received.
    private(set) var writeIndex = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit {
        storage.deallocate()
    }

    /// How many received bytes are not yet consumed.
    var readableCount: Int { writeIndex - readIndex }

    /// The unconsumed bytes; valid until the buffer next changes.
    var readable: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[readIndex..<writeIndex])
    }

    /// Marks `count` bytes at the front as consumed.
    func consume(_ count: Int) {
        readIndex += count
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    /// Receives more bytes with `read`, making room for at least `minimum` bytes first.
    ///
    /// `read` gets the free space and returns how much it filled, 0 at end of stream or -1 on error.
    func fill(minimum: Int, _ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        reserve(minimum)
        let count = read(UnsafeMutableRawBufferPointer(rebasing: storage[writeIndex...]))
        if count > 0 {
            writeIndex += count
        }
        return count
    }

    private func reserve(_ minimum: Int) {
        if storage.count - writeIndex >= minimum { return }
        if readIndex > 0 {
            // Move the unconsumed bytes to the front before growing.
            let count = readableCount
            // copyMemory is a memmove: the regions may overlap.
            storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[readIndex..<writeIndex]))
            readIndex = 0
            writeIndex = count
            if storage.count - writeIndex >= minimum { return }
        }
        var capacity = storage.count
        while capacity - writeIndex < minimum {
            capacity *= 2
        }
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<writeIndex]))
        storage.deallocate()
        storage = grown
    }
}
