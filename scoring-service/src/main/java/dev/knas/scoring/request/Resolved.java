package dev.knas.scoring.request;

import dev.knas.contract.FidelityKind;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;

/**
 * A validated ScoreArchitecture request at one of the fidelities. Sealed, and everything that differs by kind is
 * a method of the kind (or a {@link Visitor}), so a new kind does not compile until every place handles it.
 */
public sealed interface Resolved permits ResolvedKernel, ResolvedTraining, ResolvedBenchmark, ResolvedZeroCost {

  /** The architecture as the request named it (computations run on its canonical form). */
  Nb201Architecture requested();

  /** The canonical form of {@link #requested}, computed once during resolution. */
  Nb201Architecture canonical();

  /** The fidelity telemetry and logs name the request by. */
  FidelityKind fidelity();

  /** What ScoreCacheService.LookupScore looks up for this request; refused where no single entry answers it. */
  CacheKey lookupKey();

  /** What the request log says about the request besides its architecture and fidelity, as key=value pairs. */
  String summary();

  <T> T accept(Visitor<T> visitor);

  /** Work that differs by kind (scoring it, for one): one method per kind, each one required. */
  interface Visitor<T> {
    T kernel(ResolvedKernel kernel);

    T training(ResolvedTraining training);

    T benchmark(ResolvedBenchmark benchmark);

    T zeroCost(ResolvedZeroCost zeroCost);
  }
}
