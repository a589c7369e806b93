package dev.knas.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.knas.progress.Progress;
import dev.knas.v1.Augmentation;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.GradientKernelOptions;
import dev.knas.v1.Precision;
import dev.knas.v1.Provenance;
import dev.knas.v1.ResolvedArchitecture;
import dev.knas.v1.ShortTrainingOptions;
import dev.knas.v1.ZeroCostOptions;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that calls the service shares: the connection and the output format. */
abstract class ServiceCall implements UsesService {

  @Mixin
  Connection connection;

  @Spec
  CommandSpec spec;

  @Option(names = "--json", description = "Print the response as JSON (protobuf's JSON mapping).")
  boolean json;

  @Override
  public Connection connection() {
    return connection;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Progress of {@code total} units on standard error (see {@link Progress}). */
  Progress progress(String label, long total, String unit) {
    return Progress.start(spec.commandLine().getErr(), label, total, unit);
  }

  void printJson(MessageOrBuilder message) throws InvalidProtocolBufferException {
    out().println(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(message));
  }

  void printArchitecture(ResolvedArchitecture a) {
    out().printf("architecture %s (index %d, %,d parameters)%n", a.getNb201String(), a.getNb201Index(),
        a.getParameterCount());
    if (!a.getCanonical().equals(a.getNb201String())) {
      out().printf("canonical    %s%n", a.getCanonical());
    }
  }

  void printProvenance(Provenance p) {
    EvaluationOptions o = p.getOptions();
    if (!p.getBenchmarkTable().isEmpty()) {
      out().printf("dataset %s, NAS-Bench-201 table %s (%s)%n", o.getDataset(), p.getBenchmarkTable(),
          p.getDefinitionVersion());
      return;
    }
    String fidelity = p.hasShortTraining() ? describe(p.getShortTraining())
        : p.hasZeroCost() ? describe(p.getZeroCost(), p.getGradientKernel())
        : "n = " + p.getGradientKernel().getNumSamples();
    out().printf("dataset %s, %s, seed %d, %s, device %s, %.3f s, %s, %s%n", o.getDataset(), fidelity,
        o.getSeed(), o.getPrecision() == Precision.PRECISION_FLOAT64 ? "float64" : "float32", p.getDevice(),
        p.getWallSeconds(), p.getEngine(), p.getDefinitionVersion());
  }

  static String describe(ShortTrainingOptions t) {
    return String.format("%d epoch(s), batch %d, lr %s, momentum %s, weight decay %s, %,d trained / %,d held out,"
        + " %s", t.getEpochs(), t.getBatchSize(), plain(t.getLearningRate()), plain(t.getMomentum()),
        plain(t.getWeightDecay()), t.getTrainSize(), t.getHeldOutSize(),
        t.getAugmentation() == Augmentation.AUGMENTATION_CROP_FLIP ? "crop-flip" : "no augmentation");
  }

  /** "proxy naswot, batch 64"; "proxy mgm, n = 50"; "proxy params" (a proxy that uses no batch). */
  static String describe(ZeroCostOptions z, GradientKernelOptions kernel) {
    String proxy = "proxy " + String.join(",", z.getProxiesList());
    if (z.getProxiesList().equals(List.of("mgm"))) {
      return proxy + ", n = " + kernel.getNumSamples();
    }
    return z.getBatchSize() > 0 ? proxy + ", batch " + z.getBatchSize() : proxy;
  }

  /** A number as written, without trailing zeros or exponent: 0.1, 0.0005. */
  private static String plain(double value) {
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }
}
