import KioskCore

extension GateService {
    /// The supervisor PIN of `[ui] pin_file`, read afresh on each use so a PIN set with
    /// `kiosk set-pin` counts at once in a running terminal.
    public var supervisorPin: SupervisorPin { SupervisorPin(path: config.ui.pinFile, clock: clock) }
}
