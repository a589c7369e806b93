package dev.knas.scoring.request;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.knas.v1.ScoreArchitectureRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes request resolution with whatever a client can put on the wire: the input is a serialised
 * ScoreArchitectureRequest (bytes that are not one are skipped), so unknown enum values, unknown fields and
 * every combination of set fields reach the resolver. Seeds in {@code ScoreRequestBytesFuzzTestInputs/} are
 * serialised requests. See {@link ResolutionProperty} for what must hold, docs/development/testing.md for how to fuzz.
 */
class ScoreRequestBytesFuzzTest {

  @TempDir
  static Path files;

  private static List<RequestResolver> resolvers;

  @BeforeAll
  static void resolvers() throws IOException {
    resolvers = ResolverFixture.resolvers(files);
  }

  @FuzzTest(maxDuration = "30s")
  void decodedRequestsResolveOrAreRefused(byte[] input) {
    ScoreArchitectureRequest request;
    try {
      request = ScoreArchitectureRequest.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC refuses these before the service sees them
    }
    for (RequestResolver resolver : resolvers) {
      ResolutionProperty.assertResolvesOrRefuses(resolver, request);
    }
  }
}
