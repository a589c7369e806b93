package dev.knas.scoring.server;

import dev.knas.scoring.cache.CacheKeys;
import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.request.RequestException;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.v1.CacheEntry;
import dev.knas.v1.CacheStats;
import dev.knas.v1.ExportCacheRequest;
import dev.knas.v1.GetCacheStatsRequest;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.LookupScoreResponse;
import dev.knas.v1.ScoreCacheServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/** The knas.v1.ScoreCacheService RPCs: read-only views of the score cache. */
final class ScoreCacheGrpcService extends ScoreCacheServiceGrpc.ScoreCacheServiceImplBase {

  private final ScoreCache cache;
  private final RequestResolver resolver;

  ScoreCacheGrpcService(ScoreCache cache, RequestResolver resolver) {
    this.cache = cache;
    this.resolver = resolver;
  }

  @Override
  public void getCacheStats(GetCacheStatsRequest request, StreamObserver<CacheStats> out) {
    try {
      out.onNext(cache.stats());
      out.onCompleted();
    } catch (RuntimeException e) {
      StatusMapping.fail(out, "GetCacheStats", e);
    }
  }

  @Override
  public void lookupScore(LookupScoreRequest request, StreamObserver<LookupScoreResponse> out) {
    try {
      String key = switch (request.getQueryCase()) {
        case KEY -> {
          String k = request.getKey().strip().toLowerCase();
          if (!CacheKeys.isWellFormed(k)) {
            throw RequestException.invalid("key", "'" + request.getKey() + "' is not 64 hex digits");
          }
          yield k;
        }
        case REQUEST -> CacheKeys.hash(resolver.cacheKey(request.getRequest()));
        case QUERY_NOT_SET -> throw RequestException.invalid("query", "set key or request");
      };
      Optional<CacheEntry> entry = cache.lookup(key);
      LookupScoreResponse.Builder response = LookupScoreResponse.newBuilder().setKey(key)
          .setFound(entry.isPresent());
      entry.ifPresent(response::setEntry);
      out.onNext(response.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      StatusMapping.fail(out, "LookupScore", e);
    }
  }

  @Override
  public void exportCache(ExportCacheRequest request, StreamObserver<CacheEntry> out) {
    try {
      cache.store().forEach(out::onNext);
      out.onCompleted();
    } catch (RuntimeException e) {
      StatusMapping.fail(out, "ExportCache", e);
    }
  }
}
