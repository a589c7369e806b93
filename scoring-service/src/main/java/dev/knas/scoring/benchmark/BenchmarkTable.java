package dev.knas.scoring.benchmark;

import dev.knas.space.nb201.Nb201Architecture;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * NAS-Bench-201's recorded results, read from a CSV file with a header row: {@code index} (0..15624),
 * {@code arch} (the benchmark string), then any of {@code test_acc_<d>}, {@code valid_acc_<d>} (percent) and
 * {@code train_seconds_<d>} per data set {@code d} ({@code cifar10}, {@code cifar100}, {@code imagenet16120};
 * {@code train_seconds_cifar} covers both CIFAR data sets), and {@code params_m}. Every row's string must be the
 * architecture its index names, which catches a table indexed another way. Rows may be missing (a partial table).
 */
public final class BenchmarkTable {

  /** One architecture's recorded values; maps are keyed by data set name. */
  public record Row(int index, Nb201Architecture architecture, Map<String, Double> testAccuracy,
      Map<String, Double> validationAccuracy, Map<String, Double> trainSeconds, double parametersMillions) {}

  private static final Pattern METRIC = Pattern.compile("(test_acc|valid_acc|train_seconds)_(.+)");

  private final Path path;
  private final Row[] rows = new Row[Nb201Architecture.COUNT];
  private final Set<String> datasets = new LinkedHashSet<>();
  private int size;

  private BenchmarkTable(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  /**
   * Reads the whole table.
   *
   * @throws BenchmarkTableException naming the file, line and column of the first problem
   */
  public static BenchmarkTable load(Path path) {
    BenchmarkTable table = new BenchmarkTable(path);
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      List<String> header = parser.getHeaderNames();
      for (String required : List.of("index", "arch")) {
        if (!header.contains(required)) {
          throw new BenchmarkTableException(path + ": the header has no '" + required + "' column (it has "
              + header + ")");
        }
      }
      for (String column : header) {
        Matcher m = METRIC.matcher(column);
        if (m.matches()) {
          table.datasets.addAll(datasetNames(m.group(2)));
        }
      }
      for (CSVRecord record : parser) {
        table.add(record, header);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new BenchmarkTableException("cannot read benchmark table " + path + ": " + e.getMessage(), e);
    }
    if (table.size == 0) {
      throw new BenchmarkTableException(path + " has no rows");
    }
    return table;
  }

  public Path path() {
    return path;
  }

  /** Number of architectures the table has. */
  public int size() {
    return size;
  }

  /** Data set names any column records, in column order (e.g. cifar10, cifar100, imagenet16-120). */
  public Set<String> datasets() {
    return Collections.unmodifiableSet(datasets);
  }

  /** The row of the architecture with benchmark index {@code index}, if the table has it. */
  public Optional<Row> row(int index) {
    return index >= 0 && index < rows.length ? Optional.ofNullable(rows[index]) : Optional.empty();
  }

  private void add(CSVRecord record, List<String> header) {
    String where = path + " line " + (record.getRecordNumber() + 1);
    int index;
    Nb201Architecture architecture;
    try {
      index = Integer.parseInt(record.get("index"));
      architecture = Nb201Architecture.parse(record.get("arch"));
    } catch (IllegalArgumentException e) {
      throw new BenchmarkTableException(where + ": " + e.getMessage(), e);
    }
    if (index < 0 || index >= rows.length || architecture.index() != index) {
      throw new BenchmarkTableException(where + ": index " + index + " does not name " + record.get("arch")
          + " (NAS-Bench-201 gives it index " + architecture.index() + ")");
    }
    if (rows[index] != null) {
      throw new BenchmarkTableException(where + ": index " + index + " appears twice");
    }
    Map<String, Double> test = new LinkedHashMap<>();
    Map<String, Double> validation = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    double parameters = Double.NaN;
    for (String column : header) {
      Matcher m = METRIC.matcher(column);
      boolean isParameters = column.equals("params_m");
      if (!m.matches() && !isParameters) {
        continue;
      }
      String text = record.isSet(column) ? record.get(column) : "";
      if (text.isEmpty()) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new BenchmarkTableException(where + ", column " + column + ": '" + text + "' is not a number", e);
      }
      if (isParameters) {
        parameters = value;
        continue;
      }
      Map<String, Double> target = switch (m.group(1)) {
        case "test_acc" -> test;
        case "valid_acc" -> validation;
        default -> seconds;
      };
      for (String dataset : datasetNames(m.group(2))) {
        target.put(dataset, value);
      }
    }
    rows[index] = new Row(index, architecture, Map.copyOf(test), Map.copyOf(validation), Map.copyOf(seconds),
        parameters);
    size++;
  }

  /** The data set names a column suffix covers. */
  private static List<String> datasetNames(String suffix) {
    List<String> names = new ArrayList<>();
    switch (suffix) {
      case "cifar" -> {
        names.add("cifar10");
        names.add("cifar100");
      }
      case "imagenet16120", "imagenet16-120", "ImageNet16-120" -> names.add("imagenet16-120");
      default -> names.add(suffix);
    }
    return names;
  }
}
