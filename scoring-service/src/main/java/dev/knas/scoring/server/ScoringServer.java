package dev.knas.scoring.server;

import ai.djl.engine.Engine;
import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.cache.ScoreStore;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.data.DatasetException;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.device.NativeAllocator;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.Precision;
import dev.knas.scoring.request.RequestLimits;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.telemetry.Telemetry;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring service over gRPC/Netty: knas.v1.ScoringService, grpc.health.v1.Health (SERVING once started,
 * NOT_SERVING while shutting down, and for knas.v1.ScoringService while the score store cannot write) and server
 * reflection (unless turned off), over the {@link ServerTransport}.
 */
public final class ScoringServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ScoringServer.class);

  /** Version of the service, recorded in every score's provenance. */
  public static final String VERSION = "0.1.0";

  /** Computations of the engine warm-up (knas-bench process: the first request within 1.2x of the second needs two). */
  private static final int ENGINE_WARM_UPS = 2;

  /**
   * What a server needs to start.
   *
   * @param queueCapacity computations, and separately trainings, that may wait; more are RESOURCE_EXHAUSTED
   * @param storeDir directory of the persistent score store (created if missing)
   * @param benchmarkTable NAS-Bench-201's table for the benchmark fidelity, if the service has one
   * @param trainingsPerDevice trainings that may run at once on one device (their batches interleave)
   * @param transport TLS, token, connection policy and reflection
   * @param limits what one client may ask: its share of the engine queue, the size of a training
   */
  public record Config(InetSocketAddress address, DatasetCatalog datasets, String defaultDataset,
      int queueCapacity, Path storeDir, Optional<BenchmarkTable> benchmarkTable, int trainingsPerDevice,
      Telemetry telemetry, ServerTransport transport, ClientLimits limits, RequestLog.Settings requestLog) {

    /** With the default transport (plaintext, no token, reflection on) and client limits. */
    public Config(InetSocketAddress address, DatasetCatalog datasets, String defaultDataset, int queueCapacity,
        Path storeDir, Optional<BenchmarkTable> benchmarkTable, int trainingsPerDevice, Telemetry telemetry) {
      this(address, datasets, defaultDataset, queueCapacity, storeDir, benchmarkTable, trainingsPerDevice,
          telemetry, ServerTransport.DEFAULT, ClientLimits.DEFAULT, RequestLog.Settings.DEFAULT);
    }

    /** Without telemetry. */
    public Config(InetSocketAddress address, DatasetCatalog datasets, String defaultDataset, int queueCapacity,
        Path storeDir, Optional<BenchmarkTable> benchmarkTable, int trainingsPerDevice) {
      this(address, datasets, defaultDataset, queueCapacity, storeDir, benchmarkTable, trainingsPerDevice,
          Telemetry.none());
    }

    /** Without a benchmark table or telemetry, one training per device. */
    public Config(InetSocketAddress address, DatasetCatalog datasets, String defaultDataset, int queueCapacity,
        Path storeDir) {
      this(address, datasets, defaultDataset, queueCapacity, storeDir, Optional.empty(), 1);
    }

    public Config withTransport(ServerTransport transport) {
      return new Config(address, datasets, defaultDataset, queueCapacity, storeDir, benchmarkTable,
          trainingsPerDevice, telemetry, transport, limits, requestLog);
    }

    public Config withLimits(ClientLimits limits) {
      return new Config(address, datasets, defaultDataset, queueCapacity, storeDir, benchmarkTable,
          trainingsPerDevice, telemetry, transport, limits, requestLog);
    }

    public Config withRequestLog(RequestLog.Settings requestLog) {
      return new Config(address, datasets, defaultDataset, queueCapacity, storeDir, benchmarkTable,
          trainingsPerDevice, telemetry, transport, limits, requestLog);
    }
  }

  private final Server server;
  private final EngineQueue queue;
  private final HealthStatusManager health;
  private final ScoreStore store;
  private final RequestLog requestLog;
  private volatile Server healthServer;

  private ScoringServer(Server server, EngineQueue queue, HealthStatusManager health, ScoreStore store,
      RequestLog requestLog) {
    this.server = server;
    this.queue = queue;
    this.health = health;
    this.store = store;
    this.requestLog = requestLog;
  }

  /**
   * Opens the score store, binds and starts; the bound port is {@link #port()} (useful with port 0).
   *
   * @throws dev.knas.scoring.cache.StoreException when the store cannot be opened (locked, corrupt, unreadable)
   */
  public static ScoringServer start(Config config) throws IOException {
    // The default data set is read and fingerprinted while the engine loads, so that the first request costs
    // what the second does; other data sets still open on their first request.
    CompletableFuture<Optional<Dataset>> warm = CompletableFuture.supplyAsync(() -> warmUp(config.datasets(),
        config.defaultDataset()));
    Engine engine = Engine.getEngine("PyTorch");
    ScoreStore store = ScoreStore.open(config.storeDir());
    ScoreCache cache = new ScoreCache(store, config.telemetry().tracer());
    ServiceTelemetry telemetry = new ServiceTelemetry(config.telemetry(), cache);
    EngineQueue queue = new EngineQueue(config.queueCapacity(), config.limits().queueShare(config.queueCapacity()),
        telemetry::queueWait);
    telemetry.observe(queue);
    RequestResolver resolver = new RequestResolver(config.datasets(), config.defaultDataset(),
        DeviceSelection.ofEngine(engine), config.benchmarkTable(), config.limits().maxTrainingImages());
    TrainingSlots slots = new TrainingSlots(config.trainingsPerDevice(), config.queueCapacity());
    HealthStatusManager health = new HealthStatusManager();
    String engineName = engine.getEngineName() + " " + engine.getVersion() + " via DJL " + Engine.getDjlVersion();
    RequestLog requestLog = new RequestLog(config.requestLog());
    Server server;
    try {
      ServerServiceDefinition cacheService = MalformedRequests.guard(new ScoreCacheGrpcService(cache, resolver)
          .bindService());
      warm.join().ifPresent(dataset -> {
        // On the engine's own thread: its thread's native allocator state (glibc's arena, tcmalloc's thread cache)
        // and thread-local engine state are what requests use. One after the other: at the same time, each slows
        // the other down on few cores.
        queue.continueWith("start-up", () -> {
          warmEngine(dataset, DeviceSelection.ofEngine(engine).resolve("auto"));
          return null;
        }).join();
        RequestPathWarmUp.run(cacheService, new ClientIdentity(), warmUpSamples(dataset));
      });
      NettyServerBuilder builder = config.transport().serverBuilder(config.address())
          .intercept(new ClientIdentity())
          .intercept(config.telemetry().serverInterceptor())
          .addService(MalformedRequests.guard(new ScoringGrpcService(resolver,
              new CachedScoring(queue, slots, cache, engineName, telemetry), engineName, telemetry, requestLog)
              .bindService()))
          .addService(cacheService)
          .addService(boundedHealth(health));
      if (config.transport().reflection()) {
        builder.addService(ProtoReflectionServiceV1.newInstance());
      }
      server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      requestLog.close();
      store.close();
      throw e;
    }
    ScoringServer started = new ScoringServer(server, queue, health, store, requestLog);
    health.setStatus("", ServingStatus.SERVING);
    // The scoring service serves while its store can keep what it computes.
    store.watchWritability((writable, problem) -> health.setStatus(ScoringServiceGrpc.SERVICE_NAME,
        writable ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
    log.info("scoring service listening on {}:{} (default dataset {}, engine {} on {}, {} GPU(s), score store {}"
        + " with {} entries, {})", config.address().getHostString(), server.getPort(), config.defaultDataset(),
        engineName, NativeAllocator.name(), engine.getGpuCount(), store.path(), store.entries(),
        config.benchmarkTable().map(t -> "benchmark table " + t.path() + " with " + t.size() + " architectures")
            .orElse("no benchmark table"));
    log.info("transport: {}", config.transport().describe());
    config.transport().exposureWarning(config.address()).ifPresent(log::warn);
    return started;
  }

  private static ServerServiceDefinition boundedHealth(HealthStatusManager health) {
    return ServerInterceptors.intercept(health.getHealthService(), new BoundedDescriptions());
  }

  /**
   * Opens the default data set and computes its fingerprint (every cache key holds it). One that cannot be read
   * does not stop the service: its requests fail as before, naming the file, and it is tried again on each.
   */
  private static Optional<Dataset> warmUp(DatasetCatalog datasets, String name) {
    long start = System.nanoTime();
    try {
      Dataset dataset = datasets.get(name);
      String fingerprint = dataset.fingerprint();
      log.info("default dataset {}: {} training and {} test images, fingerprint {} ({} ms)", name,
          dataset.train().size(), dataset.test().size(), fingerprint.substring(0, 12),
          (System.nanoTime() - start) / 1_000_000);
      return Optional.of(dataset);
    } catch (DatasetException e) {
      log.warn("default dataset {} is unavailable; its requests will fail until it can be read: {}", name,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * MGM computations (not cached) before the service serves, on the space's largest network at the default n
   * and data set: the engine's first passes pay one-time costs (memory first taken from the system and touched,
   * Java code compiled, native kernels chosen) that would otherwise fall on the first requests. The first pass
   * pays most; the JVM is still compiling the passes' Java code during the second.
   */
  private static void warmEngine(Dataset dataset, ai.djl.Device device) {
    long start = System.nanoTime();
    try {
      for (int seed = 0; seed < ENGINE_WARM_UPS; seed++) {
        GradientKernelScorer.compute(new KernelRequest(Nb201Architecture.uniform(Operation.NOR_CONV_3X3), dataset,
            warmUpSamples(dataset), seed, device, Precision.FLOAT32, false));
      }
      log.info("engine warmed up on {} ({} ms)", device, (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      // Only the first request's speed depends on it; whatever failed here, requests report for themselves.
      log.warn("engine warm-up on {} failed, the first request will be slower: {}", device, e.toString());
    }
  }

  /** The default n, or all of a smaller data set's training images. */
  private static int warmUpSamples(Dataset dataset) {
    return Math.min(RequestLimits.DEFAULT_SAMPLES, dataset.train().size());
  }

  public int port() {
    return server.getPort();
  }

  /**
   * Also serves grpc.health.v1.Health alone on {@code address}, in plaintext and without a token, for probes that
   * cannot speak TLS (Kubernetes' gRPC probe); every other service stays on the main port only. Returns the bound
   * port (useful with port 0).
   */
  public synchronized int serveHealthOn(InetSocketAddress address) throws IOException {
    if (healthServer != null) {
      throw new IllegalStateException("health is already served on port " + healthServer.getPort());
    }
    healthServer = NettyServerBuilder.forAddress(address, InsecureServerCredentials.create())
        .addService(boundedHealth(health)).build().start();
    log.info("health alone (plaintext, no token) on {}:{}", address.getHostString(), healthServer.getPort());
    return healthServer.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Reports NOT_SERVING, stops taking calls, lets running ones finish (up to 30 s), closes the store. The health
   * port answers NOT_SERVING until the main port has drained, so probes see the drain rather than a refusal.
   */
  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    if (healthServer != null) {
      healthServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    queue.close();
    requestLog.close();
    store.close();
  }
}
