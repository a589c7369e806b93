package dev.knas.transport;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.knas.routing.CanonicalHashInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gRPC service config published with the contract ({@code knas/v1/service_config.json}): retries on
 * UNAVAILABLE and RESOURCE_EXHAUSTED with backoff, and timeouts of the lookups. The Python client packages the
 * same file. Replicated targets add the {@code ring_hash} policy on the canonical-hash header.
 */
final class ServiceConfig {

  static final String RESOURCE = "/knas/v1/service_config.json";

  /** The config as grpc-java takes it: JSON objects as maps, numbers as Doubles (Gson's reading). */
  static final Map<String, ?> DEFAULT = load();

  /**
   * DEFAULT plus routing among replicas: gRPC's ring_hash policy hashes the {@code knas-canonical-hash} header
   * (gRFC A76), so each canonical class has one owner and a replica that goes away moves only its own classes.
   */
  static final Map<String, ?> ROUTED = routed();

  /**
   * The switch gRPC-Java 1.85 still puts in front of A76's requestHashHeader (an environment variable or a system
   * property); without it the policy ignores the header and picks a replica at random.
   */
  private static final String REQUEST_HASH_FLAG = "GRPC_EXPERIMENTAL_RING_HASH_SET_REQUEST_HASH_KEY";

  private ServiceConfig() {}

  private static Map<String, ?> routed() {
    if (System.getProperty(REQUEST_HASH_FLAG) == null) {
      System.setProperty(REQUEST_HASH_FLAG, "true");
    }
    Map<String, Object> config = new LinkedHashMap<>(DEFAULT);
    config.put("loadBalancingConfig", List.of(Map.of("ring_hash_experimental",
        Map.of("requestHashHeader", CanonicalHashInterceptor.HEADER))));
    return config;
  }

  private static Map<String, ?> load() {
    try (InputStream in = ServiceConfig.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the knas-proto jar");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return new Gson().fromJson(reader, new TypeToken<Map<String, Object>>() { }.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
