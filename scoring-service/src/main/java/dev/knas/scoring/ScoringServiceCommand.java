package dev.knas.scoring;

import dev.knas.scoring.benchmark.BenchmarkTableException;
import dev.knas.scoring.cache.StoreException;
import dev.knas.scoring.cache.StoreRepair;
import dev.knas.scoring.cache.VerifyStoreCommand;
import dev.knas.scoring.conformance.SelfTestCommand;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.server.ClientLimits;
import dev.knas.scoring.server.RequestLog;
import dev.knas.scoring.server.ScoringServer;
import dev.knas.scoring.server.ServerTransport;
import dev.knas.space.InputExcerpt;
import dev.knas.telemetry.Telemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/scoring-service}: runs the gRPC scoring service, or one of its maintenance subcommands. */
@Command(name = "scoring-service", mixinStandardHelpOptions = true,
    version = "knas scoring-service " + ScoringServer.VERSION,
    description = "Serves knas.v1.ScoringService (plus gRPC health and reflection) until stopped.",
    subcommands = {SelfTestCommand.class, VerifyStoreCommand.class})
public final class ScoringServiceCommand implements Callable<Integer> {

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port", defaultValue = "50051",
      description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--health-port", paramLabel = "PORT", description = "Also serve gRPC health alone on this port"
      + " of --bind, in plaintext and without a token, for probes that cannot speak TLS, such as Kubernetes' gRPC"
      + " probe (off by default).")
  Integer healthPort;

  @Option(names = "--port-file", description = "Write the bound port to this file once serving.")
  Path portFile;

  @Option(names = "--default-dataset", defaultValue = "auto",
      description = "Data set for requests that name none: auto (the first available of cifar10, fashion-mnist,"
          + " synthetic), or a data set name (default: ${DEFAULT-VALUE}).")
  String defaultDataset;

  @Option(names = "--queue-capacity", defaultValue = "64",
      description = "Computations that may wait for the engine, and separately trainings that may wait for a"
          + " training slot; more are RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int queueCapacity;

  @Option(names = "--queue-capacity-per-client", defaultValue = "0",
      description = "Computations one client may have waiting for the engine (a remote client is its host, a local"
          + " one its connection); 0: half of --queue-capacity. Clients take turns either way"
          + " (default: ${DEFAULT-VALUE}).")
  int queueCapacityPerClient;

  @Option(names = "--max-training-images", defaultValue = "1000000",
      description = "Image passes (epochs x training images) one short training may ask for; more is"
          + " INVALID_ARGUMENT (default: ${DEFAULT-VALUE}, twenty epochs of CIFAR-10's 50,000 images).")
  long maxTrainingImages;

  @Option(names = "--trainings-per-device", defaultValue = "1",
      description = "Short trainings that may run at once on one device; their batches take turns, so more only"
          + " helps when a device has capacity to spare (default: ${DEFAULT-VALUE}).")
  int trainingsPerDevice;

  @Option(names = "--metrics-port", description = "Serve the metrics for Prometheus to scrape at"
      + " http://127.0.0.1:PORT/metrics (off by default). Traces and metrics are otherwise exported as the"
      + " OTEL_* variables say; by default nothing is exported.")
  Integer metricsPort;

  @Option(names = "--store-dir", defaultValue = "knas-data",
      description = "Directory of the persistent score cache (RocksDB), created if missing; one service process"
          + " per directory (default: ${DEFAULT-VALUE}).")
  Path storeDir;

  @Option(names = "--salvage", description = "When the store is damaged, rebuild it from its readable entries"
      + " and serve (the damaged store is moved aside, and the log says what was lost) instead of refusing to"
      + " start.")
  boolean salvage;

  @Option(names = "--access-log", description = "Log one line per request (its architecture, options, status,"
      + " cache hit, time and trace id), besides the periodic summary.")
  boolean accessLog;

  @Option(names = "--request-summary-seconds", paramLabel = "S", defaultValue = "60", description = "Log a summary"
      + " of the requests (count, cache hits, failures, latency p50/p99/max) every S seconds that had any; 0 turns"
      + " it off (default: ${DEFAULT-VALUE}).")
  long requestSummarySeconds;

  @Mixin
  DataOptions data;

  @Mixin
  TransportOptions transport;

  /** Dotted-quad IPv4: four numbers from 0 to 255. */
  private static final String IPV4 = "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(?!$)|$)){4}";

  /** The serving service's close, run by the shutdown hook before the log is flushed. */
  private static final AtomicReference<AutoCloseable> running = new AtomicReference<>();

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ScoringServiceCommand());
    // A bad option is one line naming it, not the whole usage.
    cli.setParameterExceptionHandler((error, arguments) -> {
      String name = error.getCommandLine().getCommandSpec().qualifiedName();
      error.getCommandLine().getErr().println(name + ": " + error.getMessage() + " (see '" + name + " --help')");
      return error.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
      if (error instanceof StoreException || error instanceof BenchmarkTableException) {
        commandLine.getErr().println("scoring-service: " + error.getMessage());
        return 1;
      }
      Optional<String> bind = bindFailure(error);
      if (bind.isPresent()) {
        commandLine.getErr().println("scoring-service: cannot listen on the address --bind and --port name ("
            + bind.get() + ")");
        return 1;
      }
      throw error;
    });
    // The one shutdown hook (Log4j's own is off in log4j2.xml): the asynchronous log is flushed last, after the
    // service has drained, so the lines of the calls that finish during the drain are written too.
    Runtime.getRuntime().addShutdownHook(new Thread(ScoringServiceCommand::shutDown, "knas-shutdown"));
    System.exit(cli.execute(args));
  }

  private static void shutDown() {
    try {
      AutoCloseable service = running.getAndSet(null);
      if (service != null) {
        service.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("scoring-service: did not shut down cleanly: " + e);
    } finally {
      LogManager.shutdown();
    }
  }

  /**
   * Why the listening socket could not be bound (address not on this machine, port taken): grpc's "Failed to
   * bind" around Netty's error, a BindException with Java's sockets and a native one with epoll's.
   */
  private static Optional<String> bindFailure(Throwable error) {
    if (!(error instanceof IOException && String.valueOf(error.getMessage()).startsWith("Failed to bind"))) {
      return Optional.empty();
    }
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return Optional.of(error.getMessage() + ": " + cause.getMessage());
  }

  /**
   * The --bind address: an IP literal, or a name resolved once. Digits and dots that are no IPv4 address are
   * refused as such, not looked up as a host name.
   */
  private InetAddress bindAddress() {
    String what = "--bind: '" + InputExcerpt.of(bind, 100) + "' is ";
    if (bind.matches("[0-9.]+") && !bind.matches(IPV4)) {
      throw new CommandLine.ParameterException(new CommandLine(this), what + "not an IPv4 address");
    }
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), what + "not an address or a known host name");
    }
  }

  private void atLeast(String option, long value, long minimum) {
    if (value < minimum) {
      throw new CommandLine.ParameterException(new CommandLine(this), option + " must be at least " + minimum
          + ", not " + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog catalog = data.catalog();
    String dataset = defaultDataset.equals("auto")
        ? DatasetCatalog.NAMES.stream().filter(catalog::isConfigured).findFirst().orElseThrow()
        : defaultDataset;
    if (!DatasetCatalog.NAMES.contains(dataset)) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--default-dataset: unknown dataset '" + dataset + "'; known: auto, "
              + String.join(", ", DatasetCatalog.NAMES));
    }
    atLeast("--trainings-per-device", trainingsPerDevice, 1);
    atLeast("--max-training-images", maxTrainingImages, 1);
    atLeast("--queue-capacity", queueCapacity, 0);
    atLeast("--queue-capacity-per-client", queueCapacityPerClient, 0);
    atLeast("--request-summary-seconds", requestSummarySeconds, 0);
    InetAddress address = bindAddress();
    ServerTransport serverTransport = transport.transport();
    if (salvage) {
      StoreRepair.repairIfDamaged(storeDir);
    }
    Telemetry telemetry = Telemetry.configure("knas-scoring-service",
        metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort));
    ScoringServer server = ScoringServer.start(new ScoringServer.Config(new InetSocketAddress(address, port), catalog,
        dataset, queueCapacity, storeDir, data.benchmarkTable(), trainingsPerDevice, telemetry,
        serverTransport, new ClientLimits(queueCapacityPerClient, maxTrainingImages),
        new RequestLog.Settings(accessLog, Duration.ofSeconds(requestSummarySeconds))));
    if (healthPort != null) {
      try {
        server.serveHealthOn(new InetSocketAddress(address, healthPort));
      } catch (IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    }
    running.set(() -> {
      server.close();
      telemetry.close();
    });
    if (portFile != null) {
      Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
      Files.writeString(partial, Integer.toString(server.port()), StandardCharsets.UTF_8);
      Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
    }
    server.awaitTermination();
    return 0;
  }
}
