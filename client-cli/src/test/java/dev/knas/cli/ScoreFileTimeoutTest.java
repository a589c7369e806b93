package dev.knas.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ScoringServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code knas score --arch FILE}'s --timeout bounds the silence between two results, not the whole file: the
 * client's reading logic against a stand-in service that paces its results (the real service's batches are
 * tested in KnasCommandTest and with the service).
 */
class ScoreFileTimeoutTest {

  @TempDir
  Path dir;

  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aBatchLongerThanTheTimeoutCompletesWhileResultsKeepComing() throws Exception {
    String target = serve(1000, Integer.MAX_VALUE);
    CliRun run = CliRun.knas("score", "--arch", file(8).toString(), "--json", "--timeout", "3", "--target",
        target);
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(8, run.out().lines().count());
  }

  @Test
  void aSilentServiceIsGivenUpOnAfterTheTimeout() throws Exception {
    String target = serve(10, 3);
    CliRun run = CliRun.knas("score", "--arch", file(8).toString(), "--json", "--timeout", "3", "--target",
        target);
    assertEquals(3, run.exitCode(), run.err());
    assertEquals(3, run.out().lines().count(), run.out());
    assertTrue(run.err().contains("sent no result for 3 s"), run.err());
  }

  /**
   * A stand-in service answering every {@code pauseMillis}, then silent after {@code answered} results. The
   * timeouts above leave the client seconds to connect, since the silence is counted from the call's start.
   */
  private String serve(long pauseMillis, int answered) throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new ScoringServiceGrpc.ScoringServiceImplBase() {
          @Override
          public void scoreArchitectures(ScoreArchitecturesRequest request,
              StreamObserver<ScoreArchitecturesResult> out) {
            Thread pacer = new Thread(() -> {
              try {
                for (int i = 0; i < request.getArchitecturesCount(); i++) {
                  Thread.sleep(pauseMillis);
                  if (i == answered || ((ServerCallStreamObserver<?>) out).isCancelled()) {
                    return;
                  }
                  out.onNext(ScoreArchitecturesResult.newBuilder().setPosition(i)
                      .setScore(ScoreArchitectureResponse.newBuilder().setValue(i)).build());
                }
                out.onCompleted();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
            pacer.setDaemon(true);
            pacer.start();
          }
        }).build().start();
    return "127.0.0.1:" + server.getPort();
  }

  private Path file(int count) throws Exception {
    return Files.write(dir.resolve("architectures.txt"),
        java.util.stream.IntStream.range(0, count).mapToObj(Integer::toString).toList());
  }
}
