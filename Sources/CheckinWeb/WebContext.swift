import Hummingbird
import NIOCore

/// The request context: Hummingbird's core plus the peer's address, for the rate limit.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are read by the handler with their own limit; this is the framework's cap.
    public var maxUploadSize: Int { CheckinServer.maxBody }
}
