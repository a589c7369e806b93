package dev.knas.space;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every {@link SearchSpace} on the class path, by name (each registers itself with {@code @AutoService}). */
public final class SearchSpaces {

  private static final Map<String, SearchSpace> SPACES = load();

  private SearchSpaces() {}

  private static Map<String, SearchSpace> load() {
    Map<String, SearchSpace> byName = new TreeMap<>();
    for (SearchSpace space : ServiceLoader.load(SearchSpace.class, SearchSpaces.class.getClassLoader())) {
      SearchSpace previous = byName.put(space.name(), space);
      if (previous != null) {
        throw new IllegalStateException("two search spaces are named '" + space.name() + "': "
            + previous.getClass().getName() + " and " + space.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  /** Every registered space, by name in alphabetical order. */
  public static Collection<SearchSpace> all() {
    return SPACES.values();
  }

  public static Optional<SearchSpace> named(String name) {
    return Optional.ofNullable(SPACES.get(name));
  }

  /** The registered names, comma-separated, for messages. */
  public static String names() {
    return String.join(", ", SPACES.keySet());
  }
}
