package dev.knas.scoring.server;

import dev.knas.scoring.TestData;
import dev.knas.scoring.data.DatasetCatalog;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The real server on an ephemeral loopback port with a plaintext Netty channel to it, for end-to-end tests. */
record LoopbackService(ScoringServer server, ManagedChannel channel) implements AutoCloseable {

  /** A loopback address with a port chosen by the system, for a Config. */
  static InetSocketAddress anyPort() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  /** CIFAR-10 from ../shared/data as the default data set, queue capacity 8, the store in {@code store}. */
  static LoopbackService onSharedCifar10(Path store) throws Exception {
    return start(new ScoringServer.Config(anyPort(), new DatasetCatalog(Optional.of(TestData.root()),
        Optional.empty(), Optional.empty()), "cifar10", 8, store));
  }

  static LoopbackService start(ScoringServer.Config config) throws Exception {
    ScoringServer server = ScoringServer.start(config);
    return new LoopbackService(server, NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .build());
  }

  /** Closes the channel, then the server (which closes its store). */
  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }
}
