import CAMQP
import Foundation

/// C memory for one librabbitmq call: everything allocated through it is freed together when
/// the call is done, because librabbitmq only borrows the pointers it is given.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { reset() }

    func reset() {
        for pointer in allocations { free(pointer) }
        allocations.removeAll(keepingCapacity: true)
    }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let pointer = malloc(max(size, 1))!
        allocations.append(pointer)
        return pointer
    }

    func bytes(_ string: String) -> amqp_bytes_t {
        var string = string
        return string.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        let pointer = allocate(buffer.count)
        if buffer.count > 0 { pointer.copyMemory(from: buffer.baseAddress!, byteCount: buffer.count) }
        return amqp_bytes_t(len: buffer.count, bytes: pointer)
    }

    func table(_ dictionary: [String: AMQPFieldValue]) -> amqp_table_t {
        guard !dictionary.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = allocate(MemoryLayout<amqp_table_entry_t>.stride * dictionary.count)
            .bindMemory(to: amqp_table_entry_t.self, capacity: dictionary.count)
        for (index, (key, value)) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
            entries[index] = amqp_table_entry_t(key: bytes(key), value: field(value))
        }
        return amqp_table_t(num_entries: Int32(dictionary.count), entries: entries)
    }

    func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var result = amqp_field_value_t()
        switch value {
        case .bool(let b):
            result.kind = UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue)
            result.value.boolean = b ? 1 : 0
        case .int(let i):
            result.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
            result.value.i64 = i
        case .double(let d):
            result.kind = UInt8(AMQP_FIELD_KIND_F64.rawValue)
            result.value.f64 = d
        case .string(let s):
            result.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
            result.value.bytes = bytes(s)
        case .bytes(let b):
            result.kind = UInt8(AMQP_FIELD_KIND_BYTES.rawValue)
            result.value.bytes = b.withUnsafeBytes { bytes($0) }
        case .timestamp(let t):
            result.kind = UInt8(AMQP_FIELD_KIND_TIMESTAMP.rawValue)
            result.value.u64 = t
        case .array(let values):
            result.kind = UInt8(AMQP_FIELD_KIND_ARRAY.rawValue)
            let entries = allocate(MemoryLayout<amqp_field_value_t>.stride * max(values.count, 1))
                .bindMemory(to: amqp_field_value_t.self, capacity: max(values.count, 1))
            for (index, element) in values.enumerated() { entries[index] = field(element) }
            result.value.array = amqp_array_t(num_entries: Int32(values.count), entries: entries)
        case .table(let dictionary):
            result.kind = UInt8(AMQP_FIELD_KIND_TABLE.rawValue)
            result.value.table = table(dictionary)
        case .void:
            result.kind = UInt8(AMQP_FIELD_KIND_VOID.rawValue)
        }
        return result
    }

    func properties(_ properties: AMQPProperties) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ target: inout amqp_bytes_t) {
            guard let value else { return }
            target = bytes(value)
            flags |= UInt32(flag)
        }
        set(properties.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, &result.content_type)
        set(properties.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, &result.content_encoding)
        set(properties.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, &result.correlation_id)
        set(properties.replyTo, AMQP_BASIC_REPLY_TO_FLAG, &result.reply_to)
        set(properties.expiration, AMQP_BASIC_EXPIRATION_FLAG, &result.expiration)
        set(properties.messageID, AMQP_BASIC_MESSAGE_ID_FLAG, &result.message_id)
        set(properties.type, AMQP_BASIC_TYPE_FLAG, &result.type)
        set(properties.userID, AMQP_BASIC_USER_ID_FLAG, &result.user_id)
        set(properties.appID, AMQP_BASIC_APP_ID_FLAG, &result.app_id)
        if !properties.headers.isEmpty {
            result.headers = table(properties.headers)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        result.delivery_mode = properties.persistent ? 2 : 1
        flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        if let priority = properties.priority {
            result.priority = priority
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
        }
        if let timestamp = properties.timestamp {
            result.timestamp = timestamp
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        result._flags = flags
        return result
    }
}

extension String {
    /// Copies bytes that librabbitmq owns into a Swift string.
    init(amqp bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    init(amqp bytes: amqp_bytes_t) {
        guard bytes.len > 0, let base = bytes.bytes else {
            self = []
            return
        }
        self = Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }
}

extension AMQPFieldValue {
    init(amqp field: amqp_field_value_t) {
        switch UInt32(field.kind) {
        case AMQP_FIELD_KIND_BOOLEAN.rawValue: self = .bool(field.value.boolean != 0)
        case AMQP_FIELD_KIND_I8.rawValue: self = .int(Int64(field.value.i8))
        case AMQP_FIELD_KIND_U8.rawValue: self = .int(Int64(field.value.u8))
        case AMQP_FIELD_KIND_I16.rawValue: self = .int(Int64(field.value.i16))
        case AMQP_FIELD_KIND_U16.rawValue: self = .int(Int64(field.value.u16))
        case AMQP_FIELD_KIND_I32.rawValue: self = .int(Int64(field.value.i32))
        case AMQP_FIELD_KIND_U32.rawValue: self = .int(Int64(field.value.u32))
        case AMQP_FIELD_KIND_I64.rawValue: self = .int(field.value.i64)
        case AMQP_FIELD_KIND_U64.rawValue: self = .int(Int64(truncatingIfNeeded: field.value.u64))
        case AMQP_FIELD_KIND_F32.rawValue: self = .double(Double(field.value.f32))
        case AMQP_FIELD_KIND_F64.rawValue: self = .double(field.value.f64)
        case AMQP_FIELD_KIND_UTF8.rawValue: self = .string(String(amqp: field.value.bytes))
        case AMQP_FIELD_KIND_BYTES.rawValue: self = .bytes([UInt8](amqp: field.value.bytes))
        case AMQP_FIELD_KIND_TIMESTAMP.rawValue: self = .timestamp(field.value.u64)
        case AMQP_FIELD_KIND_ARRAY.rawValue:
            let array = field.value.array
            self = .array((0..<Int(array.num_entries)).map { AMQPFieldValue(amqp: array.entries[$0]) })
        case AMQP_FIELD_KIND_TABLE.rawValue: self = .table([String: AMQPFieldValue](amqp: field.value.table))
        default: self = .void
        }
    }
}

extension Dictionary where Key == String, Value == AMQPFieldValue {
    init(amqp table: amqp_table_t) {
        self.init()
        for index in 0..<Int(table.num_entries) {
            let entry = table.entries[index]
            self[String(amqp: entry.key)] = AMQPFieldValue(amqp: entry.value)
        }
    }
}

extension AMQPProperties {
    /// Properties of a received message, without the publisher's own bookkeeping header.
    init(received p: amqp_basic_properties_t) {
        self.init(amqp: p)
        headers[ConnectionLoop.publishTagHeader] = nil
    }

    init(amqp p: amqp_basic_properties_t) {
        let flags = p._flags
        func string(_ flag: Int32, _ bytes: amqp_bytes_t) -> String? {
            flags & UInt32(flag) != 0 ? String(amqp: bytes) : nil
        }
        self.init(
            contentType: string(AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type),
            contentEncoding: string(AMQP_BASIC_CONTENT_ENCODING_FLAG, p.content_encoding),
            headers: flags & UInt32(AMQP_BASIC_HEADERS_FLAG) != 0 ? [String: AMQPFieldValue](amqp: p.headers) : [:],
            persistent: flags & UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 && p.delivery_mode == 2,
            priority: flags & UInt32(AMQP_BASIC_PRIORITY_FLAG) != 0 ? p.priority : nil,
            correlationID: string(AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id),
            replyTo: string(AMQP_BASIC_REPLY_TO_FLAG, p.reply_to),
            expiration: string(AMQP_BASIC_EXPIRATION_FLAG, p.expiration),
            messageID: string(AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id),
            timestamp: flags & UInt32(AMQP_BASIC_TIMESTAMP_FLAG) != 0 ? p.timestamp : nil,
            type: string(AMQP_BASIC_TYPE_FLAG, p.type),
            userID: string(AMQP_BASIC_USER_ID_FLAG, p.user_id),
            appID: string(AMQP_BASIC_APP_ID_FLAG, p.app_id)
        )
    }
}

extension String {
    /// Reads a NUL-terminated C buffer filled in by the shim.
    init(cBuffer buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
