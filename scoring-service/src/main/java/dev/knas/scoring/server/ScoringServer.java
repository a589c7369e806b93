package dev.knas.scoring.server;

import ai.djl.engine.Engine;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring service over gRPC/Netty: knas.v1.ScoringService, grpc.health.v1.Health (SERVING once started,
 * NOT_SERVING while shutting down) and server reflection.
 */
public final class ScoringServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ScoringServer.class);

  /** What a server needs to start. */
  public record Config(InetSocketAddress address, DatasetCatalog datasets, String defaultDataset,
      int queueCapacity) {}

  private final Server server;
  private final EngineQueue queue;
  private final HealthStatusManager health;

  private ScoringServer(Server server, EngineQueue queue, HealthStatusManager health) {
    this.server = server;
    this.queue = queue;
    this.health = health;
  }

  /** Binds and starts; the bound port is {@link #port()} (useful with port 0). */
  public static ScoringServer start(Config config) throws IOException {
    Engine engine = Engine.getEngine("PyTorch");
    EngineQueue queue = new EngineQueue(config.queueCapacity());
    RequestResolver resolver = new RequestResolver(config.datasets(), config.defaultDataset(),
        DeviceSelection.ofEngine(engine));
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(config.address())
        .addService(new ScoringGrpcService(resolver, queue, engine))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
    ScoringServer started = new ScoringServer(server, queue, health);
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(ScoringServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    log.info("scoring service listening on {}:{} (default dataset {}, engine {} {}, {} GPU(s))",
        config.address().getHostString(), server.getPort(), config.defaultDataset(), engine.getEngineName(),
        engine.getVersion(), engine.getGpuCount());
    return started;
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Reports NOT_SERVING, stops taking calls, lets running ones finish (up to 30 s). */
  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    queue.close();
  }
}
