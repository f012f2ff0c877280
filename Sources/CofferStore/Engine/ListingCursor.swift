import CofferCrypto

/// The cursor of a paged listing (`SUBJECT LIST`, `FIND`): where the next page starts, as an
/// opaque atom bound to one listing of one tenant.
///
/// A listing walks its subjects by row id, which is never reused, so the position is the id of
/// the last subject returned. The cursor hides it (row ids count every tenant's subjects) and
/// authenticates it, with a deterministic authenticated encryption built from HMAC alone (SIV):
///
///     tag    = HMAC(index key, format ‖ kind ‖ tenant id ‖ selector ‖ id), first 16 bytes
///     pad    = HMAC(index key, tag), first 8 bytes          (another label, BindingContext)
///     cursor = base64url(format ‖ tag ‖ id XOR pad)         25 bytes, 34 characters
///
/// The key is the tenant's index key: it is the same on every node and after a restart, no key
/// rotation replaces it (`KEY ROTATE` replaces the key-encryption key, `MASTER ROTATE` rewraps
/// it), and it dies with the tenant. A later tenant of the same name has a new id and a new
/// index key, so an old cursor is `INVALID` there. No random nonce, so no budget to count.
enum ListingCursor {
    /// Which listing a cursor continues.
    enum Listing {
        /// `SUBJECT LIST`.
        case subjects
        /// `FIND`, by the blind-index digest of its field and value.
        case find(digest: [UInt8])

        var kind: UInt8 {
            switch self {
            case .subjects: return 1
            case .find: return 2
            }
        }

        var selector: [UInt8] {
            switch self {
            case .subjects: return []
            case .find(let digest): return digest
            }
        }
    }

    static let format: UInt8 = 1
    static let tagLength = 16
    static let byteCount = 1 + tagLength + 8
    /// Longer text is refused before decoding (the encoding of `byteCount` bytes is 34 characters).
    static let maximumLength = 64

    /// The cursor of the page after the subject with row id `id`.
    static func make(after id: Int64, listing: Listing, tenant: TenantKeys) throws(CryptoError) -> String {
        let tag = try self.tag(after: id, listing: listing, tenant: tenant)
        let hidden = zip(BindingContext.int(id), try pad(tag, tenant: tenant)).map { $0 ^ $1 }
        return TokenFormat.base64URL([format] + tag + hidden)
    }

    /// The row id the cursor continues after. `INVALID` when the text is not a cursor, or not one
    /// this tenant made for this listing.
    static func open(_ text: String, listing: Listing, tenant: TenantKeys) throws -> Int64 {
        guard let bytes = Base64URL.decode(text, maximumLength: maximumLength), bytes.count == byteCount, bytes[0] == format else {
            throw VaultError.invalid("malformed cursor")
        }
        let tag = Array(bytes[1...tagLength])
        let revealed = zip(bytes[(1 + tagLength)...], try pad(tag, tenant: tenant)).map { $0 ^ $1 }
        let id = revealed.reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard ConstantTime.equals(try self.tag(after: id, listing: listing, tenant: tenant), tag) else {
            throw VaultError.invalid("the cursor belongs to another listing")
        }
        return id
    }

    private static func tag(after id: Int64, listing: Listing, tenant: TenantKeys) throws(CryptoError) -> [UInt8] {
        let message = BindingContext.listingCursor(format: format, kind: listing.kind, tenant: tenant.tenantID,
                                                   selector: listing.selector, after: id)
        return Array(try tenant.index.authenticate(message).prefix(tagLength))
    }

    private static func pad(_ tag: [UInt8], tenant: TenantKeys) throws(CryptoError) -> [UInt8] {
        Array(try tenant.index.authenticate(BindingContext.listingCursorPad(tag: tag)).prefix(8))
    }
}
