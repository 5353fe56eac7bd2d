package io.strategybench.server;

import io.netty.channel.EventLoopGroup;

/**
 * What a stage gets from the server when it starts.
 *
 * @param ioGroup the server's I/O threads; connections a stage opens run on the client's loop from it
 * @param transport the socket transport in use
 */
public record StageContext(EventLoopGroup ioGroup, Transport transport) {}
