package dev.knas.cli;

import com.google.gson.Gson;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ExportCacheRequest;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.LookupScoreResponse;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
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
      description = "Entries, hits, misses and coalesced requests since start, bytes on disk; of each replica and"
          + " their sum when the target names several.")
  static final class Stats extends ServiceCall implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Map<String, CacheStats> replicas =
          connection.cacheOfEachReplica(stub -> stub.getCacheStats(GetCacheStatsRequest.getDefaultInstance()));
      CacheStats total = sum(replicas.values());
      if (!connection.service().replicated()) {
        if (json) {
          printJson(total);
        } else {
          out().printf("entries    %,d%nhits       %,d%nmisses     %,d%ncoalesced  %,d%non disk    %,d bytes%n"
              + "store      %s%n", total.getEntries(), total.getHits(), total.getMisses(), total.getCoalesced(),
              total.getBytesOnDisk(), total.getPath());
        }
        return 0;
      }
      if (json) {
        JsonFormat.Printer printer = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();
        StringBuilder each = new StringBuilder();
        for (Map.Entry<String, CacheStats> replica : replicas.entrySet()) {
          each.append(each.isEmpty() ? "" : ",").append(new Gson().toJson(replica.getKey())).append(':')
              .append(printer.print(replica.getValue()));
        }
        out().printf("{\"replicas\":{%s},\"total\":%s}%n", each, printer.print(total));
        return 0;
      }
      out().printf(ROW, "replica", "entries", "hits", "misses", "coalesced", "bytes on disk", "store");
      replicas.forEach(this::printRow);
      printRow("total", total);
      return 0;
    }

    private static final String ROW = "%-24s %12s %12s %12s %12s %16s  %s%n";

    private void printRow(String name, CacheStats r) {
      out().printf(ROW, name, String.format("%,d", r.getEntries()), String.format("%,d", r.getHits()),
          String.format("%,d", r.getMisses()), String.format("%,d", r.getCoalesced()),
          String.format("%,d", r.getBytesOnDisk()), r.getPath());
    }

    /** The replicas' counts added up; the store name is kept only when there is one replica. */
    static CacheStats sum(Collection<CacheStats> replicas) {
      CacheStats.Builder total = CacheStats.newBuilder();
      for (CacheStats r : replicas) {
        total.setEntries(total.getEntries() + r.getEntries()).setHits(total.getHits() + r.getHits())
            .setMisses(total.getMisses() + r.getMisses()).setCoalesced(total.getCoalesced() + r.getCoalesced())
            .setBytesOnDisk(total.getBytesOnDisk() + r.getBytesOnDisk());
      }
      if (replicas.size() == 1) {
        total.setPath(replicas.iterator().next().getPath());
      }
      return total.build();
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
      LookupScoreResponse response = key != null && connection.service().replicated()
          ? lookUpOnEveryReplica(request) : connection.cache(stub -> stub.lookupScore(request));
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

    /** A key says nothing of its architecture, so nothing says which replica has it: each is asked. */
    private LookupScoreResponse lookUpOnEveryReplica(LookupScoreRequest request) throws Exception {
      Collection<LookupScoreResponse> answers = connection.cacheOfEachReplica(stub -> stub.lookupScore(request))
          .values();
      return answers.stream().filter(LookupScoreResponse::getFound).findFirst()
          .orElse(answers.iterator().next());
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Every entry as JSON lines (one CacheEntry per line, protobuf's JSON mapping); of every replica"
          + " in turn when the target names several.")
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
      Map<String, Long> counts = connection.cacheOfEachReplica(stub -> {
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
      long count = counts.values().stream().mapToLong(Long::longValue).sum();
      if (counts.size() > 1) {
        spec.commandLine().getErr().printf("exported %d entries from %d replicas%n", count, counts.size());
        return 0;
      }
      spec.commandLine().getErr().printf("exported %d entries%n", count);
      return 0;
    }
  }
}
