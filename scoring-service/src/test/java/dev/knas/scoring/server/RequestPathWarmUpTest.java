package dev.knas.scoring.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.knas.scoring.cache.ScoreCache;
import dev.knas.scoring.cache.ScoreStore;
import dev.knas.scoring.request.RequestLimits;
import dev.knas.scoring.request.RequestResolver;
import dev.knas.scoring.request.ResolverFixture;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up of the request path: its calls are answered, store nothing, and admit no one else. */
class RequestPathWarmUpTest {

  @Test
  void everyLookupIsAnsweredByTheRealCacheServiceAndNothingIsStored(@TempDir Path dir) throws Exception {
    RequestResolver resolver = ResolverFixture.resolvers(dir).get(0);
    try (ScoreStore store = ScoreStore.open(dir.resolve("store"))) {
      ScoreCacheGrpcService cacheService = new ScoreCacheGrpcService(new ScoreCache(store), resolver);
      int answered = RequestPathWarmUp.run(MalformedRequests.guard(cacheService.bindService()),
          new ClientIdentity(), RequestLimits.DEFAULT_SAMPLES);
      assertEquals(RequestPathWarmUp.CALLS, answered);
      assertEquals(0, store.entries());
    }
  }

  @Test
  void callsWithoutTheSecretAreRefused() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(health.getHealthService(),
            RequestPathWarmUp.admitOnly("the-secret")))
        .build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS);
      for (String presented : new String[] {null, "another-secret", "the-secre"}) {
        Metadata headers = new Metadata();
        if (presented != null) {
          headers.put(RequestPathWarmUp.SECRET, presented);
        }
        StatusRuntimeException refused = assertThrows(
            StatusRuntimeException.class, () -> stub
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .check(HealthCheckRequest.getDefaultInstance()));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode(), "presented " + presented);
      }
      Metadata headers = new Metadata();
      headers.put(RequestPathWarmUp.SECRET, "the-secret");
      assertEquals(ServingStatus.SERVING, stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
