package dev.knas.scoring.cache;

import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Answers from the {@link ScoreStore} (through an in-memory set of recently used entries) when it can, and
 * otherwise computes each missing key once: requests for
 * a key whose computation is under way wait for that computation instead of starting another. A value is stored
 * (durably) before anyone is answered with it; a failed computation stores nothing and fails every waiter.
 */
public final class ScoreCache {

  /** An entry and whether it came from the store without computing. */
  public record Answer(CacheEntry entry, boolean hit) {}

  /** Entries kept in memory besides the store, so hot hits skip the disk read and the parse. */
  static final int RECENT_ENTRIES = 16_384;

  private final ScoreStore store;
  private final Tracer tracer;
  private final Map<String, CacheEntry> recent = Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CacheEntry> eldest) {
          return size() > RECENT_ENTRIES;
        }
      });
  private final ConcurrentHashMap<String, CompletableFuture<CacheEntry>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong coalesced = new AtomicLong();

  public ScoreCache(ScoreStore store) {
    this(store, OpenTelemetry.noop().getTracer("dev.knas"));
  }

  /** @param tracer traces each durable write as a "cache write" span */
  public ScoreCache(ScoreStore store, Tracer tracer) {
    this.store = store;
    this.tracer = tracer;
  }

  /**
   * The entry for {@code key}, from the store, from a computation already under way, or from
   * {@code compute}, which is called at most once per missing key at a time. While the store cannot write, a
   * missing key fails at once with {@link StoreUnwritableException} instead of computing.
   */
  public CompletableFuture<Answer> getOrCompute(String key, Supplier<CompletableFuture<CacheEntry>> compute) {
    try {
      return lookUpOrCompute(key, compute);
    } catch (StoreException e) {
      // A store that cannot be read fails this answer, like any other failure, instead of the caller.
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Answer> lookUpOrCompute(String key, Supplier<CompletableFuture<CacheEntry>> compute) {
    Optional<CacheEntry> stored = read(key);
    if (stored.isPresent()) {
      hits.incrementAndGet();
      return CompletableFuture.completedFuture(new Answer(stored.get(), true));
    }
    // Refuse before computing: a value the store cannot keep would be computed for nothing.
    store.checkWritable();
    CompletableFuture<CacheEntry> flight = new CompletableFuture<>();
    CompletableFuture<CacheEntry> existing = inFlight.putIfAbsent(key, flight);
    if (existing != null) {
      coalesced.incrementAndGet();
      return existing.thenApply(entry -> new Answer(entry, false));
    }
    // A flight for this key may have stored its entry and left between the store read and putIfAbsent.
    Optional<CacheEntry> late;
    try {
      late = read(key);
    } catch (StoreException e) {
      inFlight.remove(key, flight);
      flight.completeExceptionally(e);
      throw e;
    }
    if (late.isPresent()) {
      inFlight.remove(key, flight);
      flight.complete(late.get());
      hits.incrementAndGet();
      return CompletableFuture.completedFuture(new Answer(late.get(), true));
    }
    misses.incrementAndGet();
    CompletableFuture<CacheEntry> computation;
    try {
      Context trace = Context.current();
      computation = compute.get().thenApply(entry -> {
        Span span = tracer.spanBuilder("cache write").setParent(trace).startSpan();
        try (Scope scope = span.makeCurrent()) {
          store.put(entry);
          recent.put(key, entry);
        } finally {
          span.end();
        }
        return entry;
      });
    } catch (RuntimeException e) {
      computation = CompletableFuture.failedFuture(e);
    }
    computation.whenComplete((entry, error) -> {
      inFlight.remove(key, flight);
      if (error != null) {
        flight.completeExceptionally(error);
      } else {
        flight.complete(entry);
      }
    });
    return flight.thenApply(entry -> new Answer(entry, false));
  }

  public Optional<CacheEntry> lookup(String key) {
    return read(key);
  }

  /**
   * From the recently used entries, else from the store (then remembered). A store found damaged while open
   * answers no more, from memory either.
   */
  private Optional<CacheEntry> read(String key) {
    store.checkSound();
    CacheEntry remembered = recent.get(key);
    if (remembered != null) {
      return Optional.of(remembered);
    }
    Optional<CacheEntry> stored = store.get(key);
    stored.ifPresent(entry -> recent.put(key, entry));
    return stored;
  }

  public ScoreStore store() {
    return store;
  }

  /** Requests answered from the cache since start. */
  public long hits() {
    return hits.get();
  }

  /** Requests that computed their value since start. */
  public long misses() {
    return misses.get();
  }

  public CacheStats stats() {
    return CacheStats.newBuilder()
        .setEntries(store.entries())
        .setHits(hits.get())
        .setMisses(misses.get())
        .setCoalesced(coalesced.get())
        .setBytesOnDisk(store.bytesOnDisk())
        .setPath(String.valueOf(store.path().toAbsolutePath().normalize().getFileName()))
        .build();
  }
}
