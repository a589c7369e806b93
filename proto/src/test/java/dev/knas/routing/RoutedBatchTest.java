package dev.knas.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.CanonicalHash;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.LookupScoreRequest;
import dev.knas.v1.ScoreArchitectureRequest;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.Fidelity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How requests are keyed and batches split; the routing itself is ReplicasTest's, against real services. */
class RoutedBatchTest {

  private static final String A = "|none~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|";
  /** Equivalent to A. */
  private static final String A2 = "|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|";

  private static Architecture string(String s) {
    return Architecture.newBuilder().setNb201String(s).build();
  }

  private static Architecture index(int i) {
    return Architecture.newBuilder().setNb201Index(i).build();
  }

  @Test
  void requestsAreKeyedByTheirArchitecturesCanonicalHash() {
    String a = CanonicalHash.of(Nb201Architecture.parse(A));
    assertEquals(Optional.of(a), CanonicalHashInterceptor.hashOf(
        (Object) ScoreArchitectureRequest.newBuilder().setArchitecture(string(A2)).build()));
    assertEquals(Optional.of(a), CanonicalHashInterceptor.hashOf((Object) LookupScoreRequest.newBuilder()
        .setRequest(ScoreArchitectureRequest.newBuilder().setArchitecture(string(A))).build()));
    // A key names no architecture; nor does a request without one or with one that does not parse.
    assertEquals(Optional.empty(), CanonicalHashInterceptor.hashOf(
        (Object) LookupScoreRequest.newBuilder().setKey("ab").build()));
    assertEquals(Optional.empty(), CanonicalHashInterceptor.hashOf(
        (Object) ScoreArchitectureRequest.getDefaultInstance()));
    assertEquals(Optional.empty(), CanonicalHashInterceptor.hashOf((Object) ScoreArchitectureRequest.newBuilder()
        .setArchitecture(string("|nor_conv_3x3~0|")).build()));
    assertEquals(Optional.empty(), CanonicalHashInterceptor.hashOf((Object) ScoreArchitecturesRequest.newBuilder()
        .addArchitectures(string(A)).addArchitectures(index(1)).build()));
  }

  @Test
  void aBatchSplitsIntoOnePartPerCanonicalClassKeepingPositions() {
    ScoreArchitecturesRequest request = ScoreArchitecturesRequest.newBuilder()
        .setFidelity(Fidelity.FIDELITY_ZERO_COST)
        .addArchitectures(string(A)).addArchitectures(index(1)).addArchitectures(index(-1))
        .addArchitectures(string(A2)).addArchitectures(index(1))
        .build();
    List<RoutedBatch.Part> parts = RoutedBatch.split(request);
    assertEquals(List.of(List.of(0, 3), List.of(1, 4), List.of(2)),
        parts.stream().map(RoutedBatch.Part::positions).toList());
    for (RoutedBatch.Part part : parts) {
      assertEquals(Fidelity.FIDELITY_ZERO_COST, part.request().getFidelity());
      for (int i = 0; i < part.positions().size(); i++) {
        assertEquals(request.getArchitectures(part.positions().get(i)), part.request().getArchitectures(i));
      }
      assertTrue(part.positions().size() == 1
          || CanonicalHashInterceptor.hashOf((Object) part.request()).isPresent());
    }
  }

  @Test
  void aBatchOfOneClassIsOneCall() {
    ScoreArchitecturesRequest request = ScoreArchitecturesRequest.newBuilder()
        .addArchitectures(string(A)).addArchitectures(string(A2)).build();
    assertEquals(List.of(new RoutedBatch.Part(request, List.of(0, 1))), RoutedBatch.split(request));
  }
}
