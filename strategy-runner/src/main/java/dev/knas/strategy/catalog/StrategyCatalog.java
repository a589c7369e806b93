package dev.knas.strategy.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The strategy programs there are: the file {@code strategies} next to this class, one line per strategy (name,
 * launcher, its own options), which bin/strategy reads too. Programs that run strategies by name look them up
 * here instead of naming each one.
 */
public final class StrategyCatalog {

  /**
   * One strategy program.
   *
   * @param launcher the script that runs it, relative to the repository root, e.g. "bin/strategy-knas"
   * @param options the strategy's own options, e.g. ["--candidates", "--top-k", "--proxy"]
   */
  public record Entry(String name, String launcher, List<String> options) {
    public Entry {
      options = List.copyOf(options);
    }
  }

  private final List<Entry> entries;

  StrategyCatalog(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The catalog this build ships. */
  public static StrategyCatalog load() {
    try (InputStream in = StrategyCatalog.class.getResourceAsStream("strategies")) {
      if (in == null) {
        throw new IllegalStateException("the strategy catalog is missing from the class path");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the strategy catalog", e);
    }
  }

  static StrategyCatalog parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String[] fields = text.split("\\s+");
      if (fields.length < 2) {
        throw new IllegalStateException("strategy catalog line '" + line + "' names no launcher");
      }
      entries.add(new Entry(fields[0], fields[1], Arrays.asList(fields).subList(2, fields.length)));
    }
    return new StrategyCatalog(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  public List<String> names() {
    return entries.stream().map(Entry::name).toList();
  }

  public Optional<Entry> find(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * The variants a list such as {@code random,knas,knas:proxy=ensemble(naswot,synflow),free-evolution} names.
   *
   * @throws IllegalArgumentException with a one-line reason for an unknown strategy or option, or a malformed
   *     or repeated variant
   */
  public List<StrategyVariant> variants(String list) {
    List<StrategyVariant> variants = new ArrayList<>();
    for (String spec : StrategyVariant.split(list)) {
      StrategyVariant variant = StrategyVariant.parse(spec, this);
      if (variants.stream().anyMatch(v -> v.label().equals(variant.label())
          || v.folderName().equals(variant.folderName()))) {
        throw new IllegalArgumentException("'" + spec + "' is named twice");
      }
      variants.add(variant);
    }
    return variants;
  }
}
