// The record types front ends read through the Gate. Re-exported one by one so that front
// ends never import Records itself (only Gate writes and reads the log on their behalf).
@_exported import struct Records.AuditReport
@_exported import struct Records.DayStats
@_exported import struct Records.ExportOptions
@_exported import struct Records.TraceContact
@_exported import struct Records.WatchEntry
@_exported import enum Records.SecureFiles
@_exported import struct Records.RuleViolation
@_exported import enum Records.StoreError
@_exported import enum Records.EntryCode
