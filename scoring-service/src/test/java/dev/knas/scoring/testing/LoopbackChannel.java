package dev.knas.scoring.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** A plaintext channel to a service's loopback port, opened on first use so that TLS-only tests never open it. */
final class LoopbackChannel implements AutoCloseable {

  private final int port;
  private ManagedChannel channel;

  LoopbackChannel(int port) {
    this.port = port;
  }

  synchronized ManagedChannel get() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }
    return channel;
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
