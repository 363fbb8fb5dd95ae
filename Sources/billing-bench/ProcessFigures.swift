import Foundation

/// The process's peak resident set size (VmHWM), in MiB.
func peakResidentMiB() -> Int { residentMiB(field: "VmHWM:") }

/// A size field of `/proc/self/status`, in MiB.
func residentMiB(field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
          let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return -1 }
    return kilobytes / 1024
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
