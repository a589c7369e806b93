package dev.knas.scoring;

import dev.knas.scoring.benchmark.BenchmarkTable;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.server.ScoringServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real service on an ephemeral loopback port with everything ../shared/data has: the CIFAR-10 subset as
 * default data set and NAS-Bench-201's table, for tests across modules (skipped without KNAS_DATA_DIR).
 */
public final class SharedDataService {

  private SharedDataService() {}

  public static ScoringServer start(Path store) throws IOException {
    Path data = TestData.root();
    return ScoringServer.start(new ScoringServer.Config(new InetSocketAddress("127.0.0.1", 0),
        new DatasetCatalog(Optional.of(data), Optional.empty(), Optional.empty()), "cifar10", 16, store,
        Optional.of(BenchmarkTable.load(data.resolve("nb201/nb201_accuracy.csv"))), 1));
  }
}
