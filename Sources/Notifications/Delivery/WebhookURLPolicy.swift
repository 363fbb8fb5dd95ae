import Foundation
import NIOCore
import NIOPosix

/// Which tenant webhook URLs the worker may call, so that a tenant cannot aim it at the
/// network it runs in (server-side request forgery): `https` only, and every address the host
/// resolves to must be public — not loopback, private, carrier-grade NAT, link-local (where
/// cloud metadata services live, `169.254.169.254`), multicast, reserved or documentation.
///
/// Checked when an endpoint is registered and again before each delivery, on the addresses
/// that delivery will connect to (a name that resolved to a public address at registration may
/// resolve to a private one later: DNS rebinding). `allowPrivateNetworks`
/// (`BILLING_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`) lifts both rules, for local development and
/// tests only.
package struct WebhookURLPolicy: Sendable, Equatable {
    package var allowPrivateNetworks: Bool

    package init(allowPrivateNetworks: Bool = false) {
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// The scheme, host and port of `url`, or why it may not be called. Does no I/O.
    package func target(of url: String) throws(WebhookURLRefusal) -> WebhookTarget {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw .notAURL }
        guard scheme == "https" || (scheme == "http" && allowPrivateNetworks) else { throw .notHTTPS }
        guard components.user == nil, components.password == nil else { throw .credentialsInURL }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let target = WebhookTarget(scheme: scheme, host: bare, port: components.port ?? (scheme == "https" ? 443 : 80))
        if Self.isAddressLiteral(bare) { try check(addresses: [bare]) }
        return target
    }

    /// Refuses unless every one of `addresses` is public (or private networks are allowed).
    package func check(addresses: [String]) throws(WebhookURLRefusal) {
        guard !allowPrivateNetworks else { return }
        guard !addresses.isEmpty else { throw .unresolvable }
        for address in addresses where !Self.isPublic(address) { throw .privateAddress(address) }
    }

    /// Resolves `target`'s host (at most `timeout`) and checks every address; returns the one to
    /// connect to. The lookup runs on NIO's thread pool: `getaddrinfo` blocks.
    package func resolve(_ target: WebhookTarget, timeout: Duration) async throws -> String {
        if Self.isAddressLiteral(target.host) { return target.host }
        let host = target.host
        let addresses: [String] = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask { try await NIOThreadPool.singleton.runIfActive { Self.lookup(host) } }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let addresses = first else { throw WebhookURLRefusal.lookupTimedOut }
            return addresses
        }
        try check(addresses: addresses)
        return addresses[0]
    }

    static func lookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let text = Self.text(of: address), !addresses.contains(text) {
                addresses.append(text)
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// The numeric form of an IPv4 or IPv6 socket address.
    static func text(of address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            var ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &ip, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        case AF_INET6:
            var ip = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            guard inet_ntop(AF_INET6, &ip, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        default:
            return nil
        }
        return String(cString: buffer)
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        parse(v4: host) != nil || parse(v6: host) != nil
    }

    /// True for an address a tenant's public endpoint may have.
    package static func isPublic(_ address: String) -> Bool {
        if let v4 = parse(v4: address) { return isPublic(v4: v4) }
        guard let v6 = parse(v6: address) else { return false }
        // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96)
        // addresses reach the IPv4 address they embed.
        let embedded = Array(v6[12..<16])
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xff && v6[11] == 0xff { return isPublic(v4: embedded) }
        if v6[0..<12].allSatisfy({ $0 == 0 }) { return false }  // ::, ::1 and the deprecated compatible form
        if v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..<12].allSatisfy({ $0 == 0 }) {
            return isPublic(v4: embedded)
        }
        if v6[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local (fd00:ec2::254, a metadata service)
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
        if v6[0] == 0xff { return false }  // ff00::/8 multicast
        if v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8 { return false }  // 2001:db8::/32 documentation
        return v6[0] & 0xe0 == 0x20  // 2000::/3, the global unicast space
    }

    static func isPublic(v4 a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return false  // this network, private, loopback
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link-local: 169.254.169.254 is the cloud metadata service
        case (172, 16...31), (192, 168): return false  // private
        case (198, 18...19): return false  // benchmarking
        case (224...255, _): return false  // multicast, reserved, broadcast
        case (192, 0) where a[2] == 0 || a[2] == 2: return false  // IETF protocol assignments, documentation
        case (198, 51) where a[2] == 100, (203, 0) where a[2] == 113: return false  // documentation
        default: return true
        }
    }

    static func parse(v4 text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func parse(v6 text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
