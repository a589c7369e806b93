package dev.knas.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTargetTest {

  @Test
  void oneAddressIsOneServiceAsBefore() throws Exception {
    ServiceTarget target = ServiceTarget.parse("localhost:50051");
    assertFalse(target.replicated());
    assertEquals("localhost:50051", target.channelTarget());
    assertEquals(List.of("localhost:50051"), target.replicas());
  }

  @Test
  void aListIsReplicasUnderTheStaticScheme() throws Exception {
    ServiceTarget target = ServiceTarget.parse("127.0.0.1:5001, 127.0.0.1:5002,[::1]:5003");
    assertTrue(target.replicated());
    assertEquals("static:///127.0.0.1:5001,127.0.0.1:5002,%5B::1%5D:5003", target.channelTarget());
    assertEquals(List.of("127.0.0.1:5001", "127.0.0.1:5002", "[::1]:5003"), target.replicas());
    assertEquals(target, ServiceTarget.parse(target.channelTarget()));
  }

  @Test
  void aDnsNameIsEveryAddressItResolvesTo() throws Exception {
    ServiceTarget target = ServiceTarget.parse("dns:///localhost:50051");
    assertTrue(target.replicated());
    assertFalse(target.replicas().isEmpty());
    assertTrue(target.replicas().stream().allMatch(r -> r.endsWith(":50051")), target.replicas()::toString);
  }

  @Test
  void malformedReplicasAreNamed() {
    assertEquals("replica 'b' is not host:port",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("a:1,b")).getMessage());
    assertEquals("replica 'a:x' has no numeric port",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("a:x,b:2")).getMessage());
    assertEquals("replica 'a:70000' has port 70000, not in 1..65535",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("a:70000,b:2")).getMessage());
    assertEquals("replica '' is not host:port",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("a:1,,b:2")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("static:///"));
    assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("dns:///nameonly"));
    assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("  "));
  }

  @Test
  void aSchemeGrpcDoesNotKnowOrAnAddressWithoutPortIsRefusedBeforeAnyCall() {
    assertEquals("'http://localhost:50051' is not host:port, and gRPC knows no scheme 'http' (e.g. localhost:50051"
        + " or dns:///NAME:PORT)", assertThrows(IllegalArgumentException.class,
            () -> ServiceTarget.parse("http://localhost:50051")).getMessage());
    assertEquals("target 'localhost' is not host:port",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("localhost")).getMessage());
    assertEquals("target 'localhost:http' has no numeric port",
        assertThrows(IllegalArgumentException.class, () -> ServiceTarget.parse("localhost:http")).getMessage());
    assertEquals("[::1]:50051", ServiceTarget.parse("[::1]:50051").channelTarget());
  }
}
