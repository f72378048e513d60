public import Foundation

/// The monitor elements conditions can filter on, typed by their values.
///
/// ```swift
/// cloud.monitors.list(where: MonitorField.transportType == .tcp && MonitorField.topics.like("%DataPoint%"))
/// ```
/// The transport token and headers are deliberately absent: a condition travels in the URL,
/// where secrets do not belong.
public enum MonitorField {
    /// `monId`.
    public static let id = MonitorConditionField<UInt32>(unchecked: MonitorElement.id)
    /// `cstId`.
    public static let customerID = MonitorConditionField<Int>(unchecked: MonitorElement.customerID)
    /// `monTopic`: the topics joined by commas, e.g. `MonitorField.topics == ["DataPoint", "FileData"]`.
    public static let topics = MonitorConditionField<[String]>(unchecked: MonitorElement.topic)
    /// `monTransportType`.
    public static let transportType = MonitorConditionField<MonitorTransportType>(unchecked: MonitorElement.transportType)
    /// `monFormatType`.
    public static let format = MonitorConditionField<MonitorFormat>(unchecked: MonitorElement.formatType)
    /// `monBatchSize`.
    public static let batchSize = MonitorConditionField<Int>(unchecked: MonitorElement.batchSize)
    /// `monBatchDuration`, in seconds.
    public static let batchDuration = MonitorConditionField<Int>(unchecked: MonitorElement.batchDuration)
    /// `monCompression`.
    public static let compression = MonitorConditionField<MonitorCompression>(unchecked: MonitorElement.compression)
    /// `monAckOption`.
    public static let acknowledgement = MonitorConditionField<MonitorAckOption>(unchecked: MonitorElement.ackOption)
    /// `monAutoReplayOnConnect`.
    public static let autoReplayOnConnect = MonitorConditionField<Bool>(unchecked: MonitorElement.autoReplayOnConnect)
    /// `monDescription`.
    public static let description = MonitorConditionField<String>(unchecked: MonitorElement.description)
    /// `monTransportUrl`.
    public static let transportURL = MonitorConditionField<String>(unchecked: MonitorElement.transportURL)
    /// `monTransportMethod`.
    public static let transportMethod = MonitorConditionField<MonitorHTTPMethod>(unchecked: MonitorElement.transportMethod)
    /// `monConnectTimeout`, in milliseconds.
    public static let connectTimeout = MonitorConditionField<Int>(unchecked: MonitorElement.connectTimeout)
    /// `monResponseTimeout`, in milliseconds.
    public static let responseTimeout = MonitorConditionField<Int>(unchecked: MonitorElement.responseTimeout)
    /// `monStatus`.
    public static let status = MonitorConditionField<MonitorStatus>(unchecked: MonitorElement.status)
    /// `monLastConnect`.
    public static let lastConnect = MonitorConditionField<Date>(unchecked: MonitorElement.lastConnect)
    /// `monLastSent`.
    public static let lastSent = MonitorConditionField<Date>(unchecked: MonitorElement.lastSent)
}
