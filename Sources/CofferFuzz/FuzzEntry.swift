/// The libFuzzer entry point: one input, one run of the selected target.
///
/// libFuzzer calls this symbol for every input it generates. It is also what the replay
/// `main` (built without `-DFUZZING`) calls for each corpus file, so a finding reproduces in
/// the plain build exactly as the fuzzer saw it. Always returns 0: libFuzzer reserves other
/// values, and a broken invariant aborts the process instead (see `FuzzInvariant`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    FuzzTarget.selected.run(bytes)
    return 0
}
