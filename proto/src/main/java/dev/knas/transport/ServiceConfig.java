package dev.knas.transport;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The gRPC service config published with the contract ({@code knas/v1/service_config.json}): retries on
 * UNAVAILABLE and RESOURCE_EXHAUSTED with backoff, and timeouts of the lookups. The Python client packages the
 * same file.
 */
final class ServiceConfig {

  static final String RESOURCE = "/knas/v1/service_config.json";

  /** The config as grpc-java takes it: JSON objects as maps, numbers as Doubles (Gson's reading). */
  static final Map<String, ?> DEFAULT = load();

  private ServiceConfig() {}

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
