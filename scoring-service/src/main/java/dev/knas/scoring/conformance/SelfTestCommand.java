package dev.knas.scoring.conformance;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.knas.scoring.device.DeviceSelection;
import dev.knas.scoring.kernel.Precision;
import dev.knas.space.nb201.Nb201Architecture;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scoring-service selftest}: the spec's conformance case on this engine and device, in float64 (to compare
 * with PyTorch number for number) and float32 (the production precision), with float32's distance from float64.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
    description = "Runs the spec's deterministic conformance case (section 5) and prints MGM, the sample-0 loss"
        + " and the first three logits, in float64 and float32.")
public final class SelfTestCommand implements Callable<Integer> {

  @Option(names = "--arch", required = true, description = "NAS-Bench-201 index or string; repeatable.")
  List<String> architectures;

  @Option(names = "--device", defaultValue = "cpu",
      description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--json", description = "One JSON object per architecture instead of a table.")
  boolean json;

  /** One precision's values. */
  public record Values(double mgm, double sample0Loss, double[] sample0Logits) {
    static Values of(ConformanceCase.Result r) {
      return new Values(r.mgm(), r.sample0Loss(), r.sample0Logits());
    }
  }

  /** One architecture's report; {@code float32RelativeError} is |mgm32 - mgm64| / |mgm64|. */
  public record Report(String architecture, int index, long parameterCount, String device, Values float64,
      Values float32, double float32RelativeError) {}

  @Override
  public Integer call() throws Exception {
    Device target = DeviceSelection.ofEngine(Engine.getEngine("PyTorch")).resolve(device);
    ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    if (!json) {
      System.out.printf("%-8s %-10s %-24s %-24s %-12s%n", "index", "params", "MGM float64", "MGM float32",
          "f32 rel.err");
    }
    for (String text : architectures) {
      Nb201Architecture cell = Nb201Architecture.fromIndexOrString(text);
      ConformanceCase.Result r64 = ConformanceCase.run(cell, Precision.FLOAT64, target);
      ConformanceCase.Result r32 = ConformanceCase.run(cell, Precision.FLOAT32, target);
      Report report = new Report(cell.toBenchmarkString(), cell.index(), r64.parameterCount(),
          DeviceSelection.name(target), Values.of(r64), Values.of(r32),
          Math.abs(r32.mgm() - r64.mgm()) / Math.abs(r64.mgm()));
      if (json) {
        System.out.println(mapper.writeValueAsString(report));
      } else {
        System.out.printf("%-8d %-10d %-24.17g %-24.17g %-12.3e%n", report.index(), report.parameterCount(),
            r64.mgm(), r32.mgm(), report.float32RelativeError());
        System.out.printf("         sample 0 (float64): loss %.17g, logits %s%n", r64.sample0Loss(),
            Arrays.toString(r64.sample0Logits()));
      }
    }
    return 0;
  }
}
