package dev.knas.scoring.cache;

import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Short reasons for RocksDB failures that clients may see. RocksDB's messages name files ("While appending to
 * file: /srv/knas-data/000004.log: No space left on device"), so only the kind of failure is kept.
 */
final class RocksErrors {

  private RocksErrors() {}

  /** E.g. "no space left on device", "block checksum mismatch", "input/output error". */
  static String reason(RocksDBException e) {
    return reason(e.getStatus());
  }

  static String reason(Status status) {
    if (status == null) {
      return "storage error";
    }
    if (status.getSubCode() == Status.SubCode.NoSpace) {
      return "no space left on device";
    }
    String state = status.getState() == null ? "" : status.getState();
    String part = switch (status.getCode()) {
      // "block checksum mismatch: stored = ... in /path offset ..." -> what comes before the details
      case Corruption -> state.split(":", 2)[0];
      // "While appending to file: /path: Input/output error" -> the operating system's words, at the end
      case IOError -> state.substring(state.lastIndexOf(": ") + 1);
      default -> "";
    };
    part = part.strip();
    if (part.isEmpty() || part.contains("/")) {
      return switch (status.getCode()) {
        case Corruption -> "damaged data";
        case IOError -> "I/O error";
        default -> status.getCode().name();
      };
    }
    return part.substring(0, 1).toLowerCase(Locale.ROOT) + part.substring(1);
  }

  static boolean isCorruption(RocksDBException e) {
    return e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption;
  }
}
