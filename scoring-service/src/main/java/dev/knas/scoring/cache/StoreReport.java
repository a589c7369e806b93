package dev.knas.scoring.cache;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a check of a whole store found: the sound entries counted, and every damaged file and entry.
 *
 * @param sound entries that read back intact, each under the hash of its own CacheKey
 * @param files files with damage, and what of their contents could not be read
 * @param entries entries that were read but are not sound
 * @param acknowledged entries the store's ledger records as acknowledged; empty when it has no ledger (a store
 *     written by a release before the ledger)
 */
public record StoreReport(Path dir, long sound, List<FileDamage> files, List<DamagedEntry> entries,
    OptionalLong acknowledged) {

  /** A file that failed its checks: {@code problem} is RocksDB's finding, {@code loss} what it cost. */
  public record FileDamage(String file, String problem, String loss) {}

  /** An entry that was read but cannot be served, with its raw bytes (kept aside by a repair). */
  public record DamagedEntry(byte[] key, byte[] value, String reason) {

    public String keyHex() {
      return HexFormat.of().formatHex(key);
    }
  }

  public StoreReport {
    files = List.copyOf(files);
    entries = List.copyOf(entries);
  }

  public boolean clean() {
    return files.isEmpty() && entries.isEmpty();
  }

  /** For the operator: one line per damaged file and entry, then the counts. */
  public String describe() {
    if (clean()) {
      return "score store " + dir + ": clean, " + sound + " entries checked" + (acknowledged.isPresent() ? ""
          : " (no ledger of acknowledged entries yet: a store of an earlier release; the service adds one)");
    }
    StringBuilder text = new StringBuilder("score store " + dir + " is damaged:\n");
    for (FileDamage file : files) {
      text.append("  ").append(file.file()).append(": ").append(file.loss()).append(" (").append(file.problem())
          .append(")\n");
    }
    for (DamagedEntry entry : entries) {
      text.append("  entry ").append(entry.keyHex()).append(": ").append(entry.reason()).append('\n');
    }
    return text.append("entries readable: ").append(sound).append(" sound, ").append(entries.size())
        .append(" damaged").toString();
  }
}
