package dev.knas.scoring.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.training.TrainingRecipe;
import dev.knas.space.nb201.CanonicalForm;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.CacheKey;
import dev.knas.v1.ScoreArchitectureRequest;
import io.grpc.Status;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What resolving any request must do, through every entry point the RPCs use: give a computation within the
 * contract's limits, or throw a {@link RequestException} whose status is one the contract names for refusals and
 * whose description starts with the field at fault. Any other exception is a finding.
 */
final class ResolutionProperty {

  private static final Set<Status.Code> REFUSALS =
      Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND);
  /** "field: reason", the field being a request path such as gradient_kernel.num_samples. */
  private static final Pattern NAMES_A_FIELD = Pattern.compile("[a-z][a-z0-9_.]*: \\S.*", Pattern.DOTALL);

  private ResolutionProperty() {}

  static void assertResolvesOrRefuses(RequestResolver resolver, ScoreArchitectureRequest request) {
    // ScoreArchitecture and each entry of ScoreArchitectures.
    resolvedOrRefused(() -> resolver.score(request)).ifPresent(ResolutionProperty::assertWithinLimits);
    // ScoreCacheService.LookupScore by request.
    resolvedOrRefused(() -> resolver.cacheKey(request)).ifPresent(ResolutionProperty::assertNamesACell);
    // ComputeGradientKernel, MGM alone and with the per-sample gradients.
    for (boolean perSample : new boolean[] {false, true}) {
      resolvedOrRefused(() -> resolver.kernel(request.hasArchitecture(), request.getArchitecture(),
          request.getOptions(), request.getGradientKernel(), perSample))
          .ifPresent(ResolutionProperty::assertWithinLimits);
    }
    // ShortTrain.
    resolvedOrRefused(() -> resolver.training(request.hasArchitecture(), request.getArchitecture(),
        request.getOptions(), request.getShortTraining(), "training"))
        .ifPresent(ResolutionProperty::assertWithinLimits);
  }

  private static <T> Optional<T> resolvedOrRefused(Supplier<T> resolution) {
    try {
      return Optional.of(resolution.get());
    } catch (RequestException e) {
      Status status = e.status();
      assertTrue(REFUSALS.contains(status.getCode()), status.toString());
      assertNotNull(status.getDescription(), status.toString());
      assertTrue(NAMES_A_FIELD.matcher(status.getDescription()).matches(), status.getDescription());
      return Optional.empty();
    }
  }

  private static void assertWithinLimits(Resolved resolved) {
    Nb201Architecture canonical = CanonicalForm.of(resolved.requested());
    resolved.accept(new Resolved.Visitor<Void>() {
      @Override
      public Void kernel(ResolvedKernel k) {
        int limit = k.request().perSampleGradients() ? RequestLimits.MAX_SAMPLES_PER_SAMPLE_GRADIENTS
            : RequestLimits.MAX_SAMPLES;
        int samples = k.request().samples();
        assertTrue(samples >= 1 && samples <= limit && samples <= k.request().dataset().train().size(),
            "n = " + samples);
        assertEquals(samples, k.cacheKey().getNumSamples());
        assertEquals(canonical, k.request().cell());
        assertNamesACell(k.cacheKey());
        return null;
      }

      @Override
      public Void training(ResolvedTraining t) {
        TrainingRecipe recipe = t.request().recipe();
        assertTrue(recipe.epochs() <= RequestLimits.MAX_EPOCHS, recipe.toString());
        assertTrue(recipe.batchSize() <= RequestLimits.MAX_BATCH_SIZE, recipe.toString());
        assertTrue((long) recipe.trainSize() + recipe.heldOutSize() <= t.request().dataset().train().size(),
            recipe.toString());
        assertTrue(Double.isFinite(recipe.learningRate()) && Double.isFinite(recipe.weightDecay()),
            recipe.toString());
        assertEquals(canonical, t.request().cell());
        assertNamesACell(t.cacheKey());
        return null;
      }

      @Override
      public Void zeroCost(ResolvedZeroCost z) {
        int proxies = z.request().proxies().size();
        assertTrue(proxies >= 1 && proxies <= RequestLimits.MAX_PROXIES, proxies + " proxies");
        assertEquals(proxies, new HashSet<>(z.request().proxies()).size(), "a proxy named twice");
        assertTrue(z.request().batchSize() >= 1 && z.request().batchSize() <= RequestLimits.MAX_PROXY_BATCH,
            "B = " + z.request().batchSize());
        assertEquals(canonical, z.request().cell());
        z.proxies().forEach(p -> assertNamesACell(p.cacheKey()));
        return null;
      }

      @Override
      public Void benchmark(ResolvedBenchmark b) {
        assertEquals(b.requested().index(), b.row().index());
        assertTrue(Double.isFinite(b.value()), b.toString());
        return null;
      }
    });
  }

  private static void assertNamesACell(CacheKey key) {
    Nb201Architecture cell = Nb201Architecture.parse(key.getCanonicalArchitecture());
    assertEquals(cell, CanonicalForm.of(cell), "the cache key holds a cell that is not canonical");
  }
}
