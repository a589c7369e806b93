package dev.knas.scoring.server;

import dev.knas.scoring.cache.ScoreCache;
import dev.knas.v1.CacheResult;

/** How the score cache answered, as a response reports it. */
final class CacheMessages {

  private CacheMessages() {}

  static CacheResult result(ScoreCache.Answer answer) {
    return CacheResult.newBuilder().setHit(answer.hit()).setKey(answer.entry().getKey()).build();
  }
}
