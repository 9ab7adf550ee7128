import GuardlineProtocol

/// One event as a detector process receives it: the JSON object of the
/// request line without its `seq`, which `ProcessDetector` adds when it
/// writes the batch.
///
/// Built once per event with the same hand-written escaping as replies
/// (`ReplyEncoder.appendString`), so any text, including quotes, control
/// characters and non-ASCII, reaches the child as valid JSON. Tool-call
/// `arguments` are always a JSON string: the event's string, or the raw JSON
/// text when the event carried an object. `meta` is passed through as raw
/// JSON (`{}` when absent).
public struct ProcessRequest: Sendable {
    /// `"id":…,…}`: the request object after `{"seq":N,`.
    public let fields: [UInt8]

    /// A request carrying the fields of a parsed event.
    public init(event: EventView) {
        var encoder = ReplyEncoder(capacity: event.text.count + event.metaJSON.count + 160)
        encoder.appendRaw(Self.idKey)
        encoder.appendString(event.id)
        encoder.appendRaw(Self.accountKey)
        encoder.appendString(event.accountID)
        encoder.appendRaw(Self.orgKey)
        encoder.appendString(event.orgID)
        encoder.appendRaw(Self.conversationKey)
        encoder.appendString(event.conversationID)
        encoder.appendRaw(Self.roleKey)
        encoder.appendString(event.role.name)
        encoder.appendRaw(Self.textKey)
        encoder.appendString(event.text)
        encoder.appendRaw(Self.toolCallsKey)
        for index in 0..<event.toolCallCount {
            let call = event.toolCall(index)
            encoder.appendRaw(index == 0 ? Self.nameKey : Self.nextNameKey)
            encoder.appendString(call.name)
            encoder.appendRaw(Self.argumentsKey)
            encoder.appendString(call.arguments)
            encoder.appendRaw(Self.closeObject)
        }
        encoder.appendRaw(Self.metaKey)
        if event.metaJSON.isEmpty { encoder.appendRaw(Self.emptyObject) } else { encoder.appendRaw(event.metaJSON) }
        encoder.appendRaw(Self.closeObject)
        fields = encoder.bytes
    }

    /// A request from plain values (tests, tools, callers without a parsed
    /// event). `metaJSON` must be a JSON object's text.
    public init(id: String, accountID: String, orgID: String = "", conversationID: String = "", role: Role = .user,
                text: String, toolCalls: [(name: String, arguments: String)] = [], metaJSON: String = "{}") {
        var encoder = ReplyEncoder(capacity: text.utf8.count + metaJSON.utf8.count + 160)
        encoder.appendRaw(Self.idKey)
        encoder.appendString(id)
        encoder.appendRaw(Self.accountKey)
        encoder.appendString(accountID)
        encoder.appendRaw(Self.orgKey)
        encoder.appendString(orgID)
        encoder.appendRaw(Self.conversationKey)
        encoder.appendString(conversationID)
        encoder.appendRaw(Self.roleKey)
        encoder.appendString(role.name)
        encoder.appendRaw(Self.textKey)
        encoder.appendString(text)
        encoder.appendRaw(Self.toolCallsKey)
        for (index, call) in toolCalls.enumerated() {
            encoder.appendRaw(index == 0 ? Self.nameKey : Self.nextNameKey)
            encoder.appendString(call.name)
            encoder.appendRaw(Self.argumentsKey)
            encoder.appendString(call.arguments)
            encoder.appendRaw(Self.closeObject)
        }
        encoder.appendRaw(Self.metaKey)
        encoder.appendRaw(Array(metaJSON.utf8))
        encoder.appendRaw(Self.closeObject)
        fields = encoder.bytes
    }

    private static let idKey = Array(#""id":"#.utf8)
    private static let accountKey = Array(#","account_id":"#.utf8)
    private static let orgKey = Array(#","org_id":"#.utf8)
    private static let conversationKey = Array(#","conversation_id":"#.utf8)
    private static let roleKey = Array(#","role":"#.utf8)
    private static let textKey = Array(#","text":"#.utf8)
    private static let toolCallsKey = Array(#","tool_calls":["#.utf8)
    private static let nameKey = Array(#"{"name":"#.utf8)
    private static let nextNameKey = Array(#",{"name":"#.utf8)
    private static let argumentsKey = Array(#","arguments":"#.utf8)
    private static let closeObject = Array("}".utf8)
    private static let metaKey = Array(#"],"meta":"#.utf8)
    private static let emptyObject = Array("{}".utf8)
}
