package dev.knas.scoring.cache;

/** The score store holds damaged data: found by the check at start-up, or by a read that failed its checksum. */
public final class StoreDamagedException extends StoreException {

  /** The check at start-up found damage; the message is its report. */
  public StoreDamagedException(StoreReport report) {
    super(report.describe() + "\n" + REMEDY.formatted(report.dir()), "score store is damaged", null);
  }

  /** A read met damaged data. */
  public StoreDamagedException(String message, String problem, Throwable cause) {
    super(message, "score store entry is damaged: " + problem, cause);
  }

  private static final String REMEDY = "The service refuses to start on a damaged store. Start it with --salvage to"
      + " serve the readable entries (the damaged store is kept aside), or run: scoring-service verify-store"
      + " --repair %s";
}
