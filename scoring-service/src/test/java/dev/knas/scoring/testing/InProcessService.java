package dev.knas.scoring.testing;

import dev.knas.scoring.TestData;
import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.server.ScoringServer;
import dev.knas.scoring.server.ServerTransport;
import dev.knas.telemetry.Telemetry;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real server started inside the test's JVM on a free loopback port, with its store on disk: for tests that
 * need the server object itself or the JVM's telemetry. Tests of the service as users run it use
 * {@link ServiceProcess}.
 */
public final class InProcessService implements AutoCloseable {

  private final ScoringServer server;
  private final Path store;
  private final LoopbackChannel channel;

  private InProcessService(ScoringServer server, Path store) {
    this.server = server;
    this.store = store;
    this.channel = new LoopbackChannel(server.port());
  }

  /** A service on {@code store} with the generated data set alone, queue capacity 8, no benchmark table. */
  public static Builder builder(Path store) {
    return new Builder(store);
  }

  public ScoringServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** host:port, as clients' --target takes it. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  /** A plaintext channel to it, closed with it. */
  public ManagedChannel channel() {
    return channel.get();
  }

  public Path store() {
    return store;
  }

  /** Closes the channel, then the server (which closes its store). */
  @Override
  public void close() throws InterruptedException {
    channel.close();
    server.close();
  }

  /** The service's options. */
  public static final class Builder {

    private final Path store;
    private Optional<Path> dataDir = Optional.empty();
    private String defaultDataset = "synthetic";
    private int queueCapacity = 8;
    private Optional<Path> benchmarkTable = Optional.empty();
    private Telemetry telemetry = Telemetry.none();
    private ServerTransport transport = ServerTransport.DEFAULT;

    private Builder(Path store) {
      this.store = store;
    }

    /** The data sets of ../shared/data (KNAS_DATA_DIR), CIFAR-10 the default. */
    public Builder sharedData() {
      dataDir = Optional.of(TestData.root());
      defaultDataset = "cifar10";
      return this;
    }

    /** Everything ../shared/data has: its data sets and NAS-Bench-201's table. */
    public Builder sharedDataAndTable() {
      return sharedData().benchmarkTable(TestData.nb201Table());
    }

    /** NAS-Bench-201's table for the benchmark fidelity, read from {@code csv}. */
    public Builder benchmarkTable(Path csv) {
      benchmarkTable = Optional.of(csv);
      return this;
    }

    public Builder queueCapacity(int capacity) {
      queueCapacity = capacity;
      return this;
    }

    public Builder telemetry(Telemetry telemetry) {
      this.telemetry = telemetry;
      return this;
    }

    public Builder transport(ServerTransport transport) {
      this.transport = transport;
      return this;
    }

    /** Starts it; it serves once this returns. */
    public InProcessService start() throws IOException {
      Optional<BenchmarkTable> table = benchmarkTable.isPresent()
          ? Optional.of(BenchmarkTable.load(benchmarkTable.get())) : Optional.empty();
      ScoringServer server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
          new DatasetCatalog(dataDir, Optional.empty(), Optional.empty()), defaultDataset, queueCapacity, store,
          table, 1, telemetry).withTransport(transport));
      return new InProcessService(server, store);
    }
  }
}
