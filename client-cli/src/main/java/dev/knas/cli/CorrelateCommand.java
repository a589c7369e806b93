package dev.knas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.knas.cli.chart.Charts;
import dev.knas.cli.correlate.RankAgreement;
import dev.knas.space.Nb201Architecture;
import dev.knas.v1.Architecture;
import dev.knas.v1.BenchmarkRecord;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Fidelity;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.ScoreArchitectureResponse;
import dev.knas.v1.ScoreArchitecturesRequest;
import dev.knas.v1.ScoreArchitecturesResult;
import io.grpc.Status;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code knas correlate}: how well the training-free proxy ranks architectures like NAS-Bench-201's accuracies
 * do, on a random sample scored through the service. Writes the pairs (CSV), the measures (JSON) and a scatter
 * plot of proxy against CIFAR-10 test accuracy (PNG).
 */
@Command(name = "correlate", mixinStandardHelpOptions = true,
    description = "Scores a random sample of architectures with the proxy and reports Kendall tau-b, Spearman"
        + " rho and top-10% precision against every accuracy of the benchmark table; writes pairs.csv,"
        + " correlation.json and scatter.png to --out.")
final class CorrelateCommand extends ServiceCall implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOP_FRACTION = 0.10;

  @Option(names = "--proxy", defaultValue = "mgm", description = "The proxy: mgm (default: ${DEFAULT-VALUE}).")
  String proxy;

  @Option(names = "--dataset", defaultValue = "cifar10",
      description = "Data set the proxy is computed on (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--sample", defaultValue = "200",
      description = "Architectures drawn at random, distinct (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--evaluation-seed", defaultValue = "0",
      description = "Seed of the networks and samples the proxy uses (default: ${DEFAULT-VALUE}).")
  long evaluationSeed;

  @Option(names = "--samples", description = "n of the gradient kernel (default: the service's, 50).")
  Integer samples;

  @Option(names = "--out", required = true, description = "Folder for pairs.csv, correlation.json, scatter.png.")
  Path out;

  /** The targets the proxy is measured against, in the table's terms. */
  private record Target(String name, String dataset, boolean validation) {}

  @Override
  public Integer call() throws Exception {
    if (!proxy.equals("mgm")) {
      throw new ParameterException(spec.commandLine(), "--proxy: '" + proxy + "' is not a known proxy; known: mgm");
    }
    if (sample < 3 || sample > Nb201Architecture.COUNT) {
      throw new ParameterException(spec.commandLine(), "--sample must be in 3..15625, got " + sample);
    }
    List<Architecture> drawn = draw();
    ScoreArchitecturesRequest kernel = ScoreArchitecturesRequest.newBuilder().addAllArchitectures(drawn)
        .setFidelity(Fidelity.FIDELITY_GRADIENT_KERNEL)
        .setOptions(EvaluationOptions.newBuilder().setDataset(dataset).setSeed(evaluationSeed))
        .setGradientKernel(GradientKernelOptions.newBuilder().setNumSamples(samples == null ? 0 : samples))
        .build();
    ScoreArchitectureResponse[] proxyScores = scoreAll(kernel, "scoring");
    ScoreArchitectureResponse[] records = scoreAll(kernel.toBuilder().setFidelity(Fidelity.FIDELITY_BENCHMARK)
        .setOptions(EvaluationOptions.newBuilder()).clearGradientKernel().build(), "looking up");
    double[] mgm = new double[drawn.size()];
    for (int i = 0; i < mgm.length; i++) {
      mgm[i] = proxyScores[i].getValue();
    }
    List<Target> targets = targets(records[0].getBenchmark());
    Map<String, RankAgreement> agreements = new LinkedHashMap<>();
    Map<String, double[]> accuracies = new LinkedHashMap<>();
    for (Target target : targets) {
      double[] values = new double[drawn.size()];
      for (int i = 0; i < values.length; i++) {
        BenchmarkRecord record = records[i].getBenchmark();
        values[i] = (target.validation() ? record.getValidationAccuracyMap() : record.getTestAccuracyMap())
            .get(target.dataset());
      }
      accuracies.put(target.name(), values);
      agreements.put(target.name(), RankAgreement.of(mgm, values, TOP_FRACTION));
    }
    Files.createDirectories(out);
    writePairs(proxyScores, mgm, accuracies);
    ObjectNode result = summary(agreements);
    Files.writeString(out.resolve("correlation.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n", StandardCharsets.UTF_8);
    RankAgreement headline = agreements.get("test_cifar10");
    boolean positive = Arrays.stream(mgm).allMatch(v -> v > 0);
    Charts.scatter(out.resolve("scatter.png"), String.format("MGM (%s, n = %d) vs CIFAR-10 test accuracy: %d"
            + " architectures, Kendall tau-b %.3f, Spearman rho %.3f", dataset,
            proxyScores[0].getProvenance().getGradientKernel().getNumSamples(), drawn.size(),
            headline.kendallTauB(), headline.spearmanRho()),
        positive ? "MGM (log scale)" : "MGM", "CIFAR-10 test accuracy (%)", mgm, accuracies.get("test_cifar10"),
        positive);
    if (json) {
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      out().printf("MGM on %s against NAS-Bench-201, %d architectures (seed %d)%n", dataset, drawn.size(), seed);
      out().printf("%-22s %-14s %-13s %s%n", "target", "Kendall tau-b", "Spearman rho", "top-10% precision");
      for (Map.Entry<String, RankAgreement> entry : agreements.entrySet()) {
        RankAgreement a = entry.getValue();
        out().printf("%-22s %-14.4f %-13.4f %.3f%n", entry.getKey(), a.kendallTauB(), a.spearmanRho(),
            a.topPrecision());
      }
      out().printf("wrote %s: pairs.csv, correlation.json, scatter.png%n", out);
    }
    return 0;
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

  /** Every architecture's response, in request order; any refusal ends the command with its status. */
  private ScoreArchitectureResponse[] scoreAll(ScoreArchitecturesRequest request, String task) throws Exception {
    ScoreArchitectureResponse[] responses = new ScoreArchitectureResponse[request.getArchitecturesCount()];
    connection.scoring(stub -> {
      int done = 0;
      try (Progress progress = Progress.start(task, responses.length, "architectures")) {
        for (Iterator<ScoreArchitecturesResult> results = stub.scoreArchitectures(request); results.hasNext(); ) {
          ScoreArchitecturesResult result = results.next();
          if (result.hasError()) {
            throw Status.fromCodeValue(result.getError().getCode())
                .withDescription("index " + request.getArchitectures(result.getPosition()).getNb201Index() + ": "
                    + result.getError().getMessage()).asRuntimeException();
          }
          responses[result.getPosition()] = result.getScore();
          progress.stepTo(++done, "");
        }
      }
      return null;
    });
    return responses;
  }

  private static List<Target> targets(BenchmarkRecord record) {
    List<Target> targets = new ArrayList<>();
    for (String d : record.getValidationAccuracyMap().keySet().stream().sorted().toList()) {
      targets.add(new Target("validation_" + d, d, true));
    }
    for (String d : record.getTestAccuracyMap().keySet().stream().sorted().toList()) {
      targets.add(new Target("test_" + d, d, false));
    }
    return targets;
  }

  private void writePairs(ScoreArchitectureResponse[] proxyScores, double[] mgm, Map<String, double[]> accuracies)
      throws IOException {
    List<String> header = new ArrayList<>(List.of("index", "architecture", "mgm"));
    header.addAll(accuracies.keySet());
    try (Writer writer = Files.newBufferedWriter(out.resolve("pairs.csv"), StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
            .setHeader(header.toArray(String[]::new)).get())) {
      for (int i = 0; i < mgm.length; i++) {
        List<Object> row = new ArrayList<>(List.of(proxyScores[i].getArchitecture().getNb201Index(),
            proxyScores[i].getArchitecture().getNb201String(), mgm[i]));
        for (double[] values : accuracies.values()) {
          row.add(values[i]);
        }
        csv.printRecord(row);
      }
    }
  }

  private ObjectNode summary(Map<String, RankAgreement> agreements) {
    ObjectNode result = JSON.createObjectNode();
    result.put("proxy", proxy);
    result.put("dataset", dataset);
    result.put("sample", sample);
    result.put("seed", seed);
    result.put("evaluation_seed", evaluationSeed);
    result.put("top_fraction", TOP_FRACTION);
    ObjectNode measures = result.putObject("targets");
    for (Map.Entry<String, RankAgreement> entry : agreements.entrySet()) {
      ObjectNode node = measures.putObject(entry.getKey());
      node.put("kendall_tau_b", entry.getValue().kendallTauB());
      node.put("spearman_rho", entry.getValue().spearmanRho());
      node.put("top_precision", entry.getValue().topPrecision());
      node.put("pairs", entry.getValue().pairs());
    }
    return result;
  }
}
