package io.strategybench.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;

/**
 * What a stage gets from the server when it starts.
 *
 * @param ioGroup the server's I/O threads; connections a stage opens run on the client's loop from it
 * @param transport the socket transport in use
 * @param allocator the buffer allocator of the server's connections, for the connections a stage opens
 * @param allowRemoteUpstreams whether admin requests may point the stage at addresses beyond loopback
 */
public record StageContext(EventLoopGroup ioGroup, Transport transport, ByteBufAllocator allocator,
    boolean allowRemoteUpstreams) {}
