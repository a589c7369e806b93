package dev.knas.scoring.cache;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scoring-service verify-store DIR}: checks every entry of a score store, and repairs it on request. */
@Command(name = "verify-store", mixinStandardHelpOptions = true,
    description = {"Checks every entry of a score store that no service has open: RocksDB's checksums, each value"
        + " parses as a CacheEntry, each key is the SHA-256 of the entry's CacheKey, every entry the store"
        + " acknowledged (its ledger) is there. Changes no file. Prints what it found.",
        "Exit status: 0 clean (or repaired), 1 damaged, 2 not checked (no store there, or a process has it open)."})
public final class VerifyStoreCommand implements Callable<Integer> {

  @Parameters(paramLabel = "DIR", description = "The store's directory (the service's --store-dir).")
  Path dir;

  @Option(names = "--repair", description = "When damaged, rebuild the store from its sound entries; the damaged"
      + " store is moved aside whole to DIR.damaged-TIME, with REPORT.txt and " + StoreRepair.DAMAGED_ENTRIES
      + " (the damaged entries' raw bytes).")
  boolean repair;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (!StoreVerifier.isStore(dir.toAbsolutePath().normalize())) {
        spec.commandLine().getErr().println("verify-store: " + dir + " is not a score store (it holds none of"
            + " RocksDB's files)");
        return 2;
      }
      if (!repair) {
        StoreReport report = StoreVerifier.verify(dir);
        out.println(report.describe());
        return report.clean() ? 0 : 1;
      }
      Optional<StoreRepair.Outcome> repaired = StoreRepair.repairIfDamaged(dir);
      if (repaired.isEmpty()) {
        out.println(StoreVerifier.verify(dir).describe());
        return 0;
      }
      out.println(repaired.get().report().describe());
      out.println("repaired: the store now holds the " + repaired.get().report().sound() + " sound entries; the"
          + " damaged store is kept in " + repaired.get().aside());
      StoreReport after = StoreVerifier.verify(dir);
      out.println(after.describe());
      return after.clean() ? 0 : 1;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("verify-store: " + e.getMessage());
      return 2;
    }
  }
}
