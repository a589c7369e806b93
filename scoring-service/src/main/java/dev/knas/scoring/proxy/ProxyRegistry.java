package dev.knas.scoring.proxy;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every {@link ZeroCostProxy} on the class path, by name (each registers itself with {@code @AutoService}). */
public final class ProxyRegistry {

  private static final Map<String, ZeroCostProxy> PROXIES = load();

  private ProxyRegistry() {}

  private static Map<String, ZeroCostProxy> load() {
    Map<String, ZeroCostProxy> byName = new TreeMap<>();
    for (ZeroCostProxy proxy : ServiceLoader.load(ZeroCostProxy.class, ProxyRegistry.class.getClassLoader())) {
      ZeroCostProxy previous = byName.put(proxy.name(), proxy);
      if (previous != null) {
        throw new IllegalStateException("two zero-cost proxies are named '" + proxy.name() + "': "
            + previous.getClass().getName() + " and " + proxy.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  /** Every registered proxy, by name in alphabetical order. */
  public static Collection<ZeroCostProxy> all() {
    return PROXIES.values();
  }

  public static Optional<ZeroCostProxy> named(String name) {
    return Optional.ofNullable(PROXIES.get(name));
  }

  /** The registered names, comma-separated, for messages. */
  public static String names() {
    return String.join(", ", PROXIES.keySet());
  }
}
