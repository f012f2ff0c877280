/// A first-in, first-out queue on an array: O(1) amortized `append` and `removeFirst`.
/// Memory follows the elements queued: the consumed front is dropped once it is half the array.
struct FIFOQueue<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var first: Element? { head < storage.count ? storage[head] : nil }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 1024)
            head = 0
        } else if head >= 1024 && 2 * head >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes every element that `shouldRemove` selects, keeping the order of the rest. O(count).
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        storage = storage[head...].filter { !shouldRemove($0) }
        head = 0
    }
}
