package dev.knas.strategy.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strategy with some of its own options set, written {@code name[:option=value]...}, e.g. {@code knas} or
 * {@code knas:proxy=ensemble(naswot,synflow):top-k=20}; values may hold commas inside parentheses.
 *
 * @param label the variant as written, naming its row in comparisons
 * @param options the options it sets, e.g. {"--proxy": "ensemble(naswot,synflow)"}
 */
public record StrategyVariant(String label, StrategyCatalog.Entry strategy, Map<String, String> options) {

  public StrategyVariant {
    options = Map.copyOf(options);
  }

  /** A folder name for its runs: the label with every run of other characters than [a-z0-9.-] as one '-'. */
  public String folderName() {
    return label.toLowerCase().replaceAll("[^a-z0-9.-]+", "-").replaceAll("^-|-$", "");
  }

  static StrategyVariant parse(String spec, StrategyCatalog catalog) {
    String[] parts = spec.split(":");
    StrategyCatalog.Entry strategy = catalog.find(parts[0]).orElseThrow(() -> new IllegalArgumentException(
        "unknown strategy '" + parts[0] + "'; known: " + String.join(", ", catalog.names())));
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      if (equals <= 0 || equals == parts[i].length() - 1) {
        throw new IllegalArgumentException("'" + spec + "': '" + parts[i] + "' is not option=value");
      }
      String option = "--" + parts[i].substring(0, equals);
      if (!strategy.options().contains(option)) {
        throw new IllegalArgumentException("'" + spec + "': " + strategy.name() + " has no option " + option
            + (strategy.options().isEmpty() ? "" : "; it has " + String.join(", ", strategy.options())));
      }
      if (options.put(option, parts[i].substring(equals + 1)) != null) {
        throw new IllegalArgumentException("'" + spec + "' sets " + option + " twice");
      }
    }
    return new StrategyVariant(spec, strategy, options);
  }

  /** The comma-separated items of {@code list}, commas inside parentheses kept. */
  static List<String> split(String list) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= list.length(); i++) {
      char c = i == list.length() ? ',' : list.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth <= 0) {
        String item = list.substring(start, i).strip();
        if (item.isEmpty()) {
          throw new IllegalArgumentException("'" + list + "' has an empty item");
        }
        items.add(item);
        start = i + 1;
      }
    }
    return items;
  }
}
