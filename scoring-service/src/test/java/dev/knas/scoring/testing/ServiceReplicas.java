package dev.knas.scoring.testing;

import dev.knas.transport.ClientTransport;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several real scoring services, each a {@link ServiceProcess} on its own fresh store, and one client channel
 * routed over all of them as clients route over a static list of replicas (gRPC's ring_hash by architecture).
 */
public final class ServiceReplicas implements AutoCloseable {

  private final List<ServiceProcess> replicas;
  private final ManagedChannel routed;

  private ServiceReplicas(List<ServiceProcess> replicas) {
    this.replicas = replicas;
    this.routed = ClientTransport.PLAINTEXT.channelBuilder(target()).build();
  }

  /**
   * Starts {@code count} services of {@code replica}'s options, replica i on the store {@code store-i} under the
   * builder's folder; they start side by side, and this returns once all serve.
   */
  public static ServiceReplicas start(ServiceProcess.Builder replica, int count) throws Exception {
    List<ServiceProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(replica.copy().store(replica.dir().resolve("store-" + i)).name("replica-" + i).launch());
      }
      for (ServiceProcess service : started) {
        service.awaitServing();
      }
      return new ServiceReplicas(started);
    } catch (Exception | AssertionError e) {
      for (ServiceProcess service : started) {
        service.close();
      }
      throw e;
    }
  }

  public ServiceProcess replica(int index) {
    return replicas.get(index);
  }

  public int size() {
    return replicas.size();
  }

  /** Every replica's host:port, comma-separated, as clients' --target takes a static list. */
  public String target() {
    return String.join(",", replicas.stream().map(ServiceProcess::target).toList());
  }

  /** The one channel over all replicas, routed by canonical architecture. */
  public ManagedChannel routedChannel() {
    return routed;
  }

  @Override
  public void close() throws InterruptedException {
    routed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (ServiceProcess replica : replicas) {
      replica.close();
    }
  }
}
