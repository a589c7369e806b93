package dev.knas.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.knas.scoring.data.Dataset;
import dev.knas.scoring.data.DatasetCatalog;
import dev.knas.scoring.device.NativeAllocator;
import dev.knas.scoring.kernel.GradientKernelScorer;
import dev.knas.scoring.kernel.KernelRequest;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code knas-bench ops}: where the gap between the service's MGM and PyTorch's batched pass sits. The
 * same computation (network construction and initialisation, one forward and backward with per-sample
 * normalisation, the sum of squares) runs under each library's own profiler: the engine's libtorch through DJL as
 * the service runs it, and the baseline's PyTorch as {@code kernel_reference.py} runs it. Each op's
 * self time is summed by op family and by op and input shapes, and the time outside every op (this project's Java
 * and the JNI calls; Python's interpreter on the other side) is what remains of the wall time. The service's side
 * also draws and normalises its images, on the JVM, where PyTorch's gets them ready-made: part of its time outside
 * the ops. Prints tables.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
    description = "MGM profiled op by op: the service's engine (libtorch via DJL) vs PyTorch's batched pass.")
public final class OpProfileBenchmark implements Callable<Integer> {

  /** Unprofiled computations before any profile: MGM's time settles after about 40 in a fresh JVM. */
  private static final int JIT_WARM_UPS = 40;

  @Option(names = "--arch", description = "NAS-Bench-201 index or string; repeatable (default: the cells of"
      + " kernel-vs-pytorch that are their own canonical form).")
  List<String> architectures;

  @Spec
  CommandSpec spec;

  @Mixin
  PytorchOptions baseline;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Profiled computations per architecture and library, after 2 warm-ups (default:"
          + " ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--isolated-runs", defaultValue = "30", description = "Timed runs of each op alone (default:"
      + " ${DEFAULT-VALUE}).")
  int isolatedRuns;

  @Option(names = "--top", defaultValue = "12", description = "Rows of the op-and-shape table (default:"
      + " ${DEFAULT-VALUE}).")
  int top;

  @Override
  public Integer call() throws Exception {
    if (repeats < 1 || isolatedRuns < 1 || top < 1) {
      throw new ParameterException(spec.commandLine(), "--repeats, --isolated-runs and --top must be at least 1");
    }
    DatasetCatalog catalog = baseline.catalog();
    Path cifar = baseline.cifar10(catalog);
    List<Nb201Architecture> cells = cells();
    Dataset images = catalog.get("cifar10");
    int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "2"));
    // The JVM compiles the computation's Java code over its first few dozen runs, and the profiler's first session
    // costs more than later ones; PyTorch's side has neither. Unprofiled runs over the cells, as a service that has
    // been serving, then one unreported session, take both.
    for (int i = 0; i < JIT_WARM_UPS; i++) {
      GradientKernelScorer.compute(request(cells.get(i % cells.size()), images));
    }
    profileService(cells.get(0), images, 1);
    List<OpProfile> service = new ArrayList<>();
    for (Nb201Architecture cell : cells) {
      service.add(profileService(cell, images, repeats));
    }
    List<IsolatedOps.Row> serviceOps = IsolatedOps.time(baseline.samples, isolatedRuns);
    PytorchSide pytorch = runPytorch(cells, cifar, threads);
    System.out.printf("MGM profiled op by op, cifar10, n = %d, float32, %d threads, ms per computation (mean of %d"
        + " under each library's profiler, after 2 warm-ups, the service's after %d more): service = libtorch %s via"
        + " DJL as the service runs it, on %s; pytorch = the baseline's batched pass, PyTorch %s, on %s%n",
        baseline.samples, threads, repeats, JIT_WARM_UPS, Engine.getEngine("PyTorch").getVersion(),
        NativeAllocator.name(), pytorch.version(), pytorch.allocator());
    printCells(cells, service, pytorch.profiles());
    printFamilies(service, pytorch.profiles());
    printOps(service, pytorch.profiles());
    printIsolated(serviceOps, pytorch.isolated());
    return 0;
  }

  private List<Nb201Architecture> cells() {
    if (architectures != null) {
      return architectures.stream().map(Nb201Architecture::fromIndexOrString).toList();
    }
    return KernelComparisonBenchmark.ARCHITECTURES.stream().map(Nb201Architecture::fromIndex)
        .filter(KernelComparisonBenchmark::ownCanonicalForm).toList();
  }

  /**
   * The computation the service runs for a cache miss, on the literal cell as PyTorch builds it (the service would
   * compute the cell's canonical form: the same cell for the default architectures).
   */
  private OpProfile profileService(Nb201Architecture cell, Dataset images, int computations) throws IOException {
    KernelRequest request = request(cell, images);
    GradientKernelScorer.compute(request);
    GradientKernelScorer.compute(request);
    Path trace = Files.createTempFile("knas-bench-ops", ".json");
    try {
      double wallMicros;
      JniUtils.startProfile(false, true, false);
      try {
        long start = System.nanoTime();
        for (int i = 0; i < computations; i++) {
          GradientKernelScorer.compute(request);
        }
        wallMicros = (System.nanoTime() - start) / 1e3 / computations;
      } finally {
        JniUtils.stopProfile(trace.toString());
      }
      return OpProfile.fromChromeTrace(trace, wallMicros, computations);
    } finally {
      Files.deleteIfExists(trace);
    }
  }

  private KernelRequest request(Nb201Architecture cell, Dataset images) {
    return new KernelRequest(cell, images, baseline.samples, 0, Device.cpu(), Precision.FLOAT32, false);
  }

  /**
   * What {@code op_profile.py} measured: a profile per cell, the isolated ops, its torch version and
   * native allocator.
   */
  private record PytorchSide(List<OpProfile> profiles, List<IsolatedOps.Row> isolated, String version,
      String allocator) {}

  private PytorchSide runPytorch(List<Nb201Architecture> cells, Path cifar, int threads)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(baseline.command("op_profile.py"));
    command.addAll(List.of("--cifar-dir", cifar.toString(), "--samples", Integer.toString(baseline.samples),
        "--repeats", Integer.toString(repeats), "--threads", Integer.toString(threads), "--isolated-runs",
        Integer.toString(isolatedRuns)));
    for (Nb201Architecture cell : cells) {
      command.add("--arch");
      command.add(cell.toBenchmarkString());
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    String allocator = "unknown";
    try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        if (lines.isEmpty()) {
          // Read while the worker runs: what its loader mapped, from its inherited preload or none.
          allocator = NativeAllocator.ofProcess(process.pid());
        }
        lines.add(line);
      }
    }
    if (process.waitFor() != 0) {
      throw new IllegalStateException("the PyTorch profile failed (" + PytorchOptions.PYTHON_NEEDS + "): "
          + String.join(" ", command.subList(0, 2)));
    }
    ObjectMapper json = new ObjectMapper();
    List<OpProfile> profiles = new ArrayList<>();
    List<IsolatedOps.Row> isolated = new ArrayList<>();
    String version = "(version unknown)";
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      if (node.has("isolated")) {
        node.get("isolated").forEach(row -> isolated.add(new IsolatedOps.Row(row.get(0).asText(),
            row.get(1).asText(), row.get(2).asDouble())));
        version = node.path("torch_version").asText(version);
      } else {
        profiles.add(OpProfile.fromPythonLine(node));
      }
    }
    return new PytorchSide(profiles, isolated, version, allocator);
  }

  /** Per cell: wall, inside the ops, outside them, for both; and the share of the wall gap that is in ops. */
  private static void printCells(List<Nb201Architecture> cells, List<OpProfile> service, List<OpProfile> pytorch) {
    System.out.printf("%-7s %-10s %-10s %-11s %-10s %-10s %-11s %-8s %-8s %-12s%n", "index", "service", "in ops",
        "outside", "pytorch", "in ops", "outside", "wall", "ops", "gap in ops");
    for (int i = 0; i < cells.size(); i++) {
      OpProfile s = service.get(i);
      OpProfile p = pytorch.get(i);
      double gap = s.wallMicros() - p.wallMicros();
      double opGap = s.opMicros() - p.opMicros();
      System.out.printf("%-7s %-10.1f %-10.1f %-11.1f %-10.1f %-10.1f %-11.1f %-8.2f %-8.2f %-12s%n",
          cells.get(i).index(), s.wallMicros() / 1e3, s.opMicros() / 1e3, (s.wallMicros() - s.opMicros()) / 1e3,
          p.wallMicros() / 1e3, p.opMicros() / 1e3, (p.wallMicros() - p.opMicros()) / 1e3,
          s.wallMicros() / p.wallMicros(), s.opMicros() / p.opMicros(),
          gap > 0 ? String.format("%.0f%%", 100 * opGap / gap) : "no gap");
    }
  }

  /** Summed over the cells: self time by op family, and outside the ops. */
  private static void printFamilies(List<OpProfile> service, List<OpProfile> pytorch) {
    Map<OpFamily, double[]> totals = new EnumMap<>(OpFamily.class);
    double[] outside = new double[2];
    double[] wall = new double[2];
    for (int side = 0; side < 2; side++) {
      for (OpProfile profile : side == 0 ? service : pytorch) {
        for (OpProfile.Op op : profile.ops()) {
          totals.computeIfAbsent(OpFamily.of(op.name()), f -> new double[2])[side] += op.selfMicros();
        }
        outside[side] += profile.wallMicros() - profile.opMicros();
        wall[side] += profile.wallMicros();
      }
    }
    System.out.printf("%nall cells together, ms per computation of each%n%-44s %-10s %-10s %-12s %-8s%n", "where",
        "service", "pytorch", "difference", "ratio");
    totals.forEach((family, t) -> printRow(family.label, t[0], t[1]));
    printRow("outside the ops (Java and JNI; Python)", outside[0], outside[1]);
    printRow("total (wall)", wall[0], wall[1]);
  }

  /** Summed over the cells: the ops that take the most time, each on its input shapes. */
  private void printOps(List<OpProfile> service, List<OpProfile> pytorch) {
    Map<String, double[]> totals = new HashMap<>();
    for (int side = 0; side < 2; side++) {
      for (OpProfile profile : side == 0 ? service : pytorch) {
        for (OpProfile.Op op : profile.ops()) {
          double[] t = totals.computeIfAbsent(op.name() + '\n' + op.shapes(), k -> new double[4]);
          t[side] += op.selfMicros();
          t[2 + side] += op.calls();
        }
      }
    }
    System.out.printf("%nthe %d ops on given input shapes that take the most time, all cells together, ms per"
        + " computation of each%n%-30s %-38s %-9s %-10s %-10s %-8s%n", top, "op", "input shapes", "calls",
        "service", "pytorch", "ratio");
    totals.entrySet().stream()
        .sorted(Comparator.comparingDouble(e -> -(e.getValue()[0] + e.getValue()[1])))
        .limit(top)
        .forEach(e -> {
          String[] key = e.getKey().split("\n", 2);
          double[] t = e.getValue();
          System.out.printf("%-30s %-38s %-9s %-10.1f %-10.1f %-8s%n", key[0], key[1],
              t[2] == t[3] ? String.format("%.0f", t[2]) : String.format("%.0f/%.0f", t[2], t[3]), t[0] / 1e3,
              t[1] / 1e3, t[1] > 0 ? String.format("%.2f", t[0] / t[1]) : "-");
        });
  }

  /** The isolated ops side by side. */
  private void printIsolated(List<IsolatedOps.Row> service, List<IsolatedOps.Row> pytorch) {
    System.out.printf("%nthe network's main ops alone on their shapes, unprofiled, median ms of %d runs%n"
        + "%-42s %-14s %-10s %-10s %-8s%n", isolatedRuns, "op", "input", "service", "pytorch", "ratio");
    if (service.size() != pytorch.size()) {
      throw new IllegalStateException("the two sides timed " + service.size() + " and " + pytorch.size()
          + " isolated ops");
    }
    for (int i = 0; i < service.size(); i++) {
      IsolatedOps.Row s = service.get(i);
      IsolatedOps.Row other = pytorch.get(i);
      if (!s.op().equals(other.op()) || !s.shape().equals(other.shape())) {
        throw new IllegalStateException("isolated op " + i + " differs: " + s.op() + " on " + s.shape() + " here, "
            + other.op() + " on " + other.shape() + " in PyTorch");
      }
      double p = other.millis();
      System.out.printf("%-42s %-14s %-10.3f %-10.3f %-8.2f%n", s.op(), s.shape(), s.millis(), p, s.millis() / p);
    }
  }

  private static void printRow(String label, double serviceMicros, double pytorchMicros) {
    System.out.printf("%-44s %-10.1f %-10.1f %-12.1f %-8s%n", label, serviceMicros / 1e3, pytorchMicros / 1e3,
        (serviceMicros - pytorchMicros) / 1e3,
        pytorchMicros > 0 ? String.format("%.2f", serviceMicros / pytorchMicros) : "-");
  }
}
