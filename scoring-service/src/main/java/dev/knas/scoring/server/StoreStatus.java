package dev.knas.scoring.server;

import dev.knas.scoring.cache.StoreDamagedException;
import dev.knas.scoring.cache.StoreException;
import dev.knas.scoring.cache.StoreUnwritableException;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status a score store failure answers with; the client gets the store's reason, which names no server path
 * or exception class. A store that cannot write logs why when that starts; any other failure is logged here in
 * full (path, RocksDB's message, stack).
 */
final class StoreStatus {

  private static final Logger log = LoggerFactory.getLogger(StoreStatus.class);

  private StoreStatus() {}

  static Status of(String method, StoreException e) {
    if (e instanceof StoreUnwritableException) {
      return Status.UNAVAILABLE.withDescription(e.reason());
    }
    log.error("{} failed", method, e);
    Status status = e instanceof StoreDamagedException ? Status.DATA_LOSS : Status.INTERNAL;
    return status.withDescription(e.reason());
  }
}
