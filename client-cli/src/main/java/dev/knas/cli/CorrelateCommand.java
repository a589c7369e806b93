package dev.knas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.cli.chart.Charts;
import dev.knas.cli.correlate.RankAgreement;
import dev.knas.ensemble.ProxyExpression;
import dev.knas.ensemble.RankVote;
import dev.knas.progress.Progress;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ListProxiesRequest;
import dev.knas.v1.ProxyInfo;
import dev.knas.v1.ProxyScore;
import dev.knas.v1.ResolvedArchitecture;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import dev.knas.v1.ZeroCostOptions;
import io.grpc.Status;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code knas correlate}: how well zero-cost proxies, alone or in a rank vote, rank architectures like
 * NAS-Bench-201's accuracies do, on a random sample scored through the service. Writes the pairs (CSV), the
 * measures (JSON) and a scatter plot of the best row against CIFAR-10 test accuracy (PNG).
 */
@Command(name = "correlate", mixinStandardHelpOptions = true,
    description = "Scores a random sample of architectures with zero-cost proxies and reports, for each proxy and"
        + " ensemble, Kendall tau-b, Spearman rho and top-10%% precision against every accuracy of the benchmark"
        + " table; writes pairs.csv, correlation.json and scatter.png (the best row) to --out. Every value is"
        + " cached by the service, so an interrupted run resumes where it stopped.")
final class CorrelateCommand extends ServiceCall implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOP_FRACTION = 0.10;
  /** The target that picks the best row (by Spearman rho) and the scatter plot's y axis. */
  private static final String HEADLINE = "test_cifar10";
  /**
   * Architectures per ScoreArchitectures call: each call has its own deadline (--timeout), and a cold run of all
   * proxies over a thousand architectures takes the better part of an hour on two cores.
   */
  private static final int CHUNK = 32;

  @Option(names = "--proxy", paramLabel = "P",
      description = "A proxy the service lists (knas proxies) or a rank vote of several, ensemble(P1,P2,...);"
          + " repeat for more rows (default: mgm).")
  List<String> proxyOptions;

  @Option(names = "--all-proxies",
      description = "A row for every proxy the service lists and one for the spec's"
          + " ensemble(naswot,synflow,jacov,params).")
  boolean allProxies;

  @Option(names = "--dataset", defaultValue = "cifar10",
      description = "Data set the proxies are computed on (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--sample", defaultValue = "200",
      description = "Architectures drawn at random, distinct (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--seed", defaultValue = "0",
      description = "Seed of the draw of architectures (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--seeds", split = ",", defaultValue = "0", paramLabel = "S",
      description = "Evaluation seeds (initialisation and mini-batch): each seed's values are ranked over the"
          + " sample and each proxy's ranks averaged over the seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--batch-size", description = "B, images in the proxies' mini-batch (default: the service's, 64).")
  Integer batchSize;

  @Option(names = "--samples", description = "n of mgm's gradient kernel (default: the service's, 50).")
  Integer samples;

  @Option(names = "--out", required = true, description = "Folder for pairs.csv, correlation.json, scatter.png.")
  Path out;

  /** The targets the proxies are measured against, in the table's terms. */
  private record Target(String name, String dataset, boolean validation) {}

  /** One row of the report: an expression, its score per architecture and its agreement with each target. */
  private record Row(ProxyExpression expression, double[] score, int absent, Map<String, RankAgreement> agreements) {}

  /** Every value of every proxy for the sample: values.get(proxy).get(seed index)[architecture], NaN if absent. */
  private record Scores(ResolvedArchitecture[] architectures, Map<String, List<double[]>> values, int cacheHits,
      int computed, int batchSize) {}

  @Override
  public Integer call() throws Exception {
    if (sample < 3 || sample > Nb201Architecture.COUNT) {
      throw invalid("--sample must be in 3..15625, got " + sample);
    }
    if (Set.copyOf(seeds).size() != seeds.size()) {
      throw invalid("--seeds: each seed at most once, got " + seeds);
    }
    if ((batchSize != null && batchSize < 1) || (samples != null && samples < 1)) {
      throw invalid("--batch-size and --samples must be positive");
    }
    List<ProxyExpression> expressions = expressions();
    List<String> proxies = expressions.stream().flatMap(e -> e.proxies().stream()).distinct().toList();
    List<Architecture> drawn = draw();
    Scores scores = score(drawn, proxies);
    ScoreArchitectureResponse[] records = lookUp(drawn);
    Map<String, double[]> accuracies = accuracies(records);

    List<Row> rows = new ArrayList<>();
    for (ProxyExpression expression : expressions) {
      double[] score = RankVote.scores(expression, scores.values());
      Map<String, RankAgreement> agreements = new LinkedHashMap<>();
      accuracies.forEach((target, accuracy) -> agreements.put(target,
          RankAgreement.of(score, accuracy, TOP_FRACTION)));
      rows.add(new Row(expression, score, absent(expression, scores.values()), agreements));
    }
    // NaN (a constant score) never wins.
    Row best = rows.stream().max(Comparator.comparingDouble(
        (Row r) -> Double.isNaN(spearman(r)) ? Double.NEGATIVE_INFINITY : spearman(r))).orElseThrow();

    Files.createDirectories(out);
    writePairs(scores, rows, accuracies);
    ObjectNode result = summary(rows, best, proxies, scores);
    Files.writeString(out.resolve("correlation.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n", StandardCharsets.UTF_8);
    plot(best, scores, accuracies.get(HEADLINE));
    if (json) {
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      printTable(rows, best, scores);
    }
    return 0;
  }

  /** The rows: each --proxy, or every proxy the service lists and the spec's ensemble. */
  private List<ProxyExpression> expressions() throws InterruptedException {
    if (allProxies && proxyOptions != null) {
      throw invalid("give --proxy or --all-proxies, not both");
    }
    Set<ProxyExpression> expressions = new LinkedHashSet<>();
    if (allProxies) {
      List<ProxyInfo> listed = connection.scoring(stub -> stub.listProxies(ListProxiesRequest.getDefaultInstance()))
          .getProxiesList();
      listed.forEach(proxy -> expressions.add(ProxyExpression.parse(proxy.getName())));
      expressions.add(ProxyExpression.SPEC_ENSEMBLE);
      return List.copyOf(expressions);
    }
    for (String text : proxyOptions == null ? List.of("mgm") : proxyOptions) {
      try {
        expressions.add(ProxyExpression.parse(text));
      } catch (IllegalArgumentException e) {
        throw invalid("--proxy: " + e.getMessage());
      }
    }
    return List.copyOf(expressions);
  }

  /** {@code sample} distinct architectures, uniformly. */
  private List<Architecture> draw() {
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> indices = new LinkedHashSet<>();
    while (indices.size() < sample) {
      indices.add(random.nextInt(Nb201Architecture.COUNT));
    }
    List<Architecture> drawn = new ArrayList<>();
    for (int index : indices) {
      drawn.add(Architecture.newBuilder().setNb201Index(index).build());
    }
    return drawn;
  }

  /**
   * Every proxy's value for every architecture and seed, all proxies of an architecture in one request (the
   * service computes them from one network build). OUT_OF_RANGE (no finite value) leaves the value absent; any
   * other refusal ends the command with its status.
   */
  private Scores score(List<Architecture> drawn, List<String> proxies) throws InterruptedException {
    Map<String, List<double[]>> values = new LinkedHashMap<>();
    for (String proxy : proxies) {
      List<double[]> perSeed = new ArrayList<>();
      for (int s = 0; s < seeds.size(); s++) {
        double[] absent = new double[drawn.size()];
        Arrays.fill(absent, Double.NaN);
        perSeed.add(absent);
      }
      values.put(proxy, perSeed);
    }
    ResolvedArchitecture[] architectures = new ResolvedArchitecture[drawn.size()];
    int[] cache = new int[3]; // hits, computed, the largest batch size a provenance names
    try (Progress progress = progress("scoring", (long) drawn.size() * seeds.size(), "architectures")) {
      int[] done = {0};
      for (int s = 0; s < seeds.size(); s++) {
        int seedIndex = s;
        ScoreArchitecturesRequest request = ScoreArchitecturesRequest.newBuilder()
            .setFidelity(Fidelity.FIDELITY_ZERO_COST)
            .setOptions(EvaluationOptions.newBuilder().setDataset(dataset).setSeed(seeds.get(s)))
            .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(samples == null ? 0 : samples))
            .setZeroCost(ZeroCostOptions.newBuilder().addAllProxies(proxies)
                .setBatchSize(batchSize == null ? 0 : batchSize))
            .build();
        streamInChunks(drawn, request, (position, response) -> {
          architectures[position] = response.getArchitecture();
          for (ProxyScore score : response.getProxyScoresList()) {
            if (score.hasValue()) {
              values.get(score.getProxy()).get(seedIndex)[position] = score.getValue();
              cache[score.getCache().getHit() ? 0 : 1]++;
              cache[2] = Math.max(cache[2], score.getProvenance().getZeroCost().getBatchSize());
            } else if (score.getError().getCode() != Status.Code.OUT_OF_RANGE.value()) {
              throw Status.fromCodeValue(score.getError().getCode()).withDescription("index "
                  + response.getArchitecture().getNb201Index() + ", " + score.getProxy() + ": "
                  + score.getError().getMessage()).asRuntimeException();
            }
          }
          progress.stepTo(++done[0], cache[0] + " cached, " + cache[1] + " computed");
        });
      }
    }
    return new Scores(architectures, values, cache[0], cache[1], cache[2]);
  }

  /** NAS-Bench-201's record of every architecture, in draw order. */
  private ScoreArchitectureResponse[] lookUp(List<Architecture> drawn) throws InterruptedException {
    ScoreArchitectureResponse[] records = new ScoreArchitectureResponse[drawn.size()];
    try (Progress progress = progress("looking up", drawn.size(), "architectures")) {
      int[] done = {0};
      streamInChunks(drawn, ScoreArchitecturesRequest.newBuilder().setFidelity(Fidelity.FIDELITY_BENCHMARK).build(),
          (position, response) -> {
            records[position] = response;
            progress.stepTo(++done[0], "");
          });
    }
    return records;
  }

  /**
   * Scores {@code architectures} with {@code request}'s options, {@link #CHUNK} per call, handing each response
   * with its position in {@code architectures} to {@code each}; an architecture refused as a whole ends the
   * command with its status.
   */
  private void streamInChunks(List<Architecture> architectures, ScoreArchitecturesRequest request,
      BiConsumer<Integer, ScoreArchitectureResponse> each) throws InterruptedException {
    for (int start = 0; start < architectures.size(); start += CHUNK) {
      int first = start;
      ScoreArchitecturesRequest chunk = request.toBuilder().clearArchitectures()
          .addAllArchitectures(architectures.subList(first, Math.min(first + CHUNK, architectures.size()))).build();
      connection.withChannel(channel -> {
        try (IdleTimeoutStream<ScoreArchitecturesResult> results =
                connection.scoreArchitectures(channel, chunk, Connection.DEFAULT_TIMEOUT_SECONDS)) {
          while (results.hasNext()) {
            ScoreArchitecturesResult result = results.next();
            if (result.hasError()) {
              throw Status.fromCodeValue(result.getError().getCode())
                  .withDescription("index " + chunk.getArchitectures(result.getPosition()).getNb201Index() + ": "
                      + result.getError().getMessage()).asRuntimeException();
            }
            each.accept(first + result.getPosition(), result.getScore());
          }
        }
        return null;
      });
    }
  }

  /** Each target's accuracies in draw order: validation accuracies first, then test, by data set name. */
  private static Map<String, double[]> accuracies(ScoreArchitectureResponse[] records) {
    List<Target> targets = new ArrayList<>();
    BenchmarkRecord first = records[0].getBenchmark();
    for (String d : first.getValidationAccuracyMap().keySet().stream().sorted().toList()) {
      targets.add(new Target("validation_" + d, d, true));
    }
    for (String d : first.getTestAccuracyMap().keySet().stream().sorted().toList()) {
      targets.add(new Target("test_" + d, d, false));
    }
    Map<String, double[]> accuracies = new LinkedHashMap<>();
    for (Target target : targets) {
      accuracies.put(target.name(), Arrays.stream(records).map(ScoreArchitectureResponse::getBenchmark)
          .mapToDouble(r -> (target.validation() ? r.getValidationAccuracyMap() : r.getTestAccuracyMap())
              .get(target.dataset()))
          .toArray());
    }
    return accuracies;
  }

  /** Architectures for which some proxy of {@code expression} has no value at some seed. */
  private static int absent(ProxyExpression expression, Map<String, List<double[]>> values) {
    int size = values.values().iterator().next().get(0).length;
    return (int) IntStream.range(0, size).filter(i -> expression.proxies().stream()
        .anyMatch(proxy -> values.get(proxy).stream().anyMatch(seedValues -> Double.isNaN(seedValues[i]))))
        .count();
  }

  private static double spearman(Row row) {
    return row.agreements().get(HEADLINE).spearmanRho();
  }

  /**
   * pairs.csv: per architecture, each proxy's value and rank at each seed ("naswot seed 0", "naswot seed 0
   * rank"; an absent value is empty and ranks lowest), each row's score ("naswot score": the mean rank over the
   * seeds; for an ensemble the rank vote), then the accuracies.
   */
  private void writePairs(Scores scores, List<Row> rows, Map<String, double[]> accuracies) throws IOException {
    List<String> header = new ArrayList<>(List.of("index", "architecture"));
    List<double[]> columns = new ArrayList<>();
    scores.values().forEach((proxy, perSeed) -> {
      for (int s = 0; s < seeds.size(); s++) {
        header.add(proxy + " seed " + seeds.get(s));
        columns.add(perSeed.get(s));
        header.add(proxy + " seed " + seeds.get(s) + " rank");
        columns.add(RankVote.ranks(perSeed.get(s)));
      }
    });
    for (Row row : rows) {
      header.add(row.expression() + " score");
      columns.add(row.score());
    }
    header.addAll(accuracies.keySet());
    columns.addAll(accuracies.values());
    try (Writer writer = Files.newBufferedWriter(out.resolve("pairs.csv"), StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
            .setHeader(header.toArray(String[]::new)).get())) {
      for (int i = 0; i < scores.architectures().length; i++) {
        List<Object> record = new ArrayList<>(List.of(scores.architectures()[i].getNb201Index(),
            scores.architectures()[i].getNb201String()));
        for (double[] column : columns) {
          record.add(Double.isNaN(column[i]) ? "" : column[i]);
        }
        csv.printRecord(record);
      }
    }
  }

  private ObjectNode summary(List<Row> rows, Row best, List<String> proxies, Scores scores) {
    ObjectNode result = JSON.createObjectNode();
    result.put("dataset", dataset);
    result.put("sample", sample);
    result.put("seed", seed);
    seeds.forEach(result.putArray("seeds")::add);
    result.put("batch_size", scores.batchSize());
    result.put("top_fraction", TOP_FRACTION);
    proxies.forEach(result.putArray("proxies")::add);
    result.put("best", best.expression().toString());
    ObjectNode cache = result.putObject("cache");
    cache.put("hits", scores.cacheHits());
    cache.put("computed", scores.computed());
    ArrayNode rowNodes = result.putArray("rows");
    for (Row row : rows) {
      ObjectNode node = rowNodes.addObject();
      node.put("proxy", row.expression().toString());
      node.put("absent", row.absent());
      ObjectNode targets = node.putObject("targets");
      row.agreements().forEach((target, agreement) -> {
        ObjectNode measures = targets.putObject(target);
        measures.put("kendall_tau_b", agreement.kendallTauB());
        measures.put("spearman_rho", agreement.spearmanRho());
        measures.put("top_precision", agreement.topPrecision());
        measures.put("pairs", agreement.pairs());
      });
    }
    return result;
  }

  /**
   * The best row against CIFAR-10 test accuracy: one proxy at one seed by its values (log scale when all are
   * positive, absent ones left out), anything else by its rank score.
   */
  private void plot(Row best, Scores scores, double[] accuracy) throws IOException {
    RankAgreement headline = best.agreements().get(HEADLINE);
    // The axes say what is plotted, so the title stays short enough for an ensemble's name.
    String title = String.format("%s: %d architectures, Kendall tau-b %.3f, Spearman rho %.3f", best.expression(),
        accuracy.length, headline.kendallTauB(), headline.spearmanRho());
    String where = " (" + dataset + ", seeds " + seedList() + ")";
    String proxy = best.expression().proxies().get(0);
    if (best.expression().isEnsemble() || seeds.size() > 1) {
      String axis = (best.expression().isEnsemble() ? "rank vote (sum of mean ranks)" : "mean rank of " + proxy)
          + where;
      Charts.scatter(out.resolve("scatter.png"), title, axis, "CIFAR-10 test accuracy (%)", best.score(), accuracy,
          false);
      return;
    }
    double[] values = scores.values().get(proxy).get(0);
    int[] present = IntStream.range(0, values.length).filter(i -> !Double.isNaN(values[i])).toArray();
    double[] x = Arrays.stream(present).mapToDouble(i -> values[i]).toArray();
    double[] y = Arrays.stream(present).mapToDouble(i -> accuracy[i]).toArray();
    boolean positive = x.length > 0 && Arrays.stream(x).allMatch(v -> v > 0);
    Charts.scatter(out.resolve("scatter.png"), title, proxy + where + (positive ? ", log scale" : ""),
        "CIFAR-10 test accuracy (%)", x, y, positive);
  }

  private void printTable(List<Row> rows, Row best, Scores scores) {
    int width = Math.max(5, rows.stream().mapToInt(r -> r.expression().toString().length()).max().orElse(0));
    out().printf("zero-cost proxies on %s against NAS-Bench-201: %d architectures (draw seed %d), evaluation seeds"
        + " %s%s%n", dataset, sample, seed, seedList(), scores.batchSize() > 0 ? ", batch " + scores.batchSize() : "");
    out().printf("%-" + width + "s  %-20s %-14s %-13s %s%n", "proxy", "target", "Kendall tau-b", "Spearman rho",
        "top-10% precision");
    for (Row row : rows) {
      row.agreements().forEach((target, a) -> out().printf("%-" + width + "s  %-20s %-14.4f %-13.4f %.3f%n",
          row.expression(), target, a.kendallTauB(), a.spearmanRho(), a.topPrecision()));
    }
    for (Row row : rows) {
      if (row.absent() > 0 && !row.expression().isEnsemble()) {
        out().printf("%s: no value (OUT_OF_RANGE) for %d of %d architectures; they rank lowest%n",
            row.expression(), row.absent(), sample);
      }
    }
    out().printf("proxy values: %,d from the cache, %,d computed%n", scores.cacheHits(), scores.computed());
    out().printf("best by Spearman rho on %s: %s (%.4f)%n", HEADLINE, best.expression(), spearman(best));
    out().printf("wrote %s: pairs.csv, correlation.json, scatter.png%n", out);
  }

  /** "0,1,2". */
  private String seedList() {
    return seeds.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private ParameterException invalid(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
