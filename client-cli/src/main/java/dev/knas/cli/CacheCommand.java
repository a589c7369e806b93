package dev.knas.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ExportCacheRequest;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.LookupScoreResponse;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code knas cache}: the service's persistent score cache (never computes). */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Inspects the service's score cache.",
    subcommands = {CacheCommand.Stats.class, CacheCommand.Get.class, CacheCommand.Export.class})
final class CacheCommand {

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Entries, hits, misses and coalesced requests since start, bytes on disk.")
  static final class Stats extends ServiceCall implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      CacheStats stats = connection.cache(stub -> stub.getCacheStats(GetCacheStatsRequest.getDefaultInstance()));
      if (json) {
        printJson(stats);
      } else {
        out().printf("entries    %,d%nhits       %,d%nmisses     %,d%ncoalesced  %,d%non disk    %,d bytes%n"
            + "store      %s%n", stats.getEntries(), stats.getHits(), stats.getMisses(), stats.getCoalesced(),
            stats.getBytesOnDisk(), stats.getPath());
      }
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "One entry, by --key or by the score options that would produce it; exits 4 when absent.")
  static final class Get extends ServiceCall implements Callable<Integer> {
    @Option(names = "--key", description = "A key as printed by `knas score`.")
    String key;

    @Mixin
    ScoreOptions score;

    @Override
    public Integer call() throws Exception {
      if ((key == null) == !score.target.hasArchitecture()) {
        throw new ParameterException(spec.commandLine(), "give either --key or --arch (with its options)");
      }
      LookupScoreRequest request = key != null ? LookupScoreRequest.newBuilder().setKey(key).build()
          : LookupScoreRequest.newBuilder().setRequest(score.request()).build();
      LookupScoreResponse response = connection.cache(stub -> stub.lookupScore(request));
      if (json) {
        printJson(response);
      } else if (response.getFound()) {
        CacheEntry entry = response.getEntry();
        out().printf("key          %s%n", entry.getKey());
        printArchitecture(entry.getArchitecture());
        out().printf("value        %.10g%n", entry.getValue());
        printProvenance(entry.getProvenance());
        out().printf("computed at  %s%n", Timestamps.toString(entry.getComputedAt()));
      } else {
        out().printf("no entry for key %s%n", response.getKey());
      }
      return response.getFound() ? 0 : 4;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Every entry as JSON lines (one CacheEntry per line, protobuf's JSON mapping).")
  static final class Export implements Callable<Integer>, UsesService {
    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @Override
    public Connection connection() {
      return connection;
    }

    @Override
    public Integer call() throws Exception {
      JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
      long count = connection.cache(stub -> {
        Iterator<CacheEntry> entries = stub.exportCache(ExportCacheRequest.getDefaultInstance());
        long n = 0;
        while (entries.hasNext()) {
          try {
            spec.commandLine().getOut().println(printer.print(entries.next()));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an entry has no JSON form: " + e.getMessage(), e);
          }
          n++;
        }
        return n;
      });
      spec.commandLine().getErr().printf("exported %d entries%n", count);
      return 0;
    }
  }
}
