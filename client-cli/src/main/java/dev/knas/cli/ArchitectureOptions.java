package dev.knas.cli;

import dev.knas.v1.Architecture;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Which architecture to evaluate and the options every fidelity shares: score, kernel, train and cache get. */
final class ArchitectureOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--arch",
      description = "NAS-Bench-201 index (0..15624) or architecture string, e.g. '|nor_conv_3x3~0|+|...|'; for"
          + " score, also a file of them, one per line.")
  String arch;

  @Option(names = "--dataset", description = "cifar10, fashion-mnist or synthetic (default: the service's); for"
      + " the benchmark fidelity cifar10, cifar100 or imagenet16-120 (default: cifar10).")
  String dataset;

  @Option(names = "--seed", defaultValue = "0", description = "Initialisation and sample seed (default: 0).")
  long seed;

  @Option(names = "--device", description = "auto, cpu, gpu or gpu:N (default: auto).")
  String device;

  @Option(names = "--precision", description = "float32 or float64 (default: float32).")
  String precision;

  boolean hasArchitecture() {
    return arch != null;
  }

  Architecture architecture() {
    if (arch == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--arch=<arch>'");
    }
    return parse(arch, "--arch");
  }

  /** The file --arch names, when it names an existing file rather than one architecture. */
  Optional<Path> file() {
    if (arch == null) {
      return Optional.empty();
    }
    Path path = Path.of(arch);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  /** The architectures of {@code file}: one index or string per line; blank lines and # comments skipped. */
  List<Architecture> architectures(Path file) throws IOException {
    List<Architecture> architectures = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        architectures.add(parse(line, file + " line " + (i + 1)));
      }
    }
    if (architectures.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--arch: " + file + " lists no architectures");
    }
    return architectures;
  }

  private Architecture parse(String text, String where) {
    String trimmed = text.strip();
    if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
      try {
        return Architecture.newBuilder().setNb201Index(Integer.parseInt(trimmed)).build();
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), where + ": index " + trimmed + " is out of range 0..15624");
      }
    }
    return Architecture.newBuilder().setNb201String(trimmed).build();
  }

  EvaluationOptions options() {
    EvaluationOptions.Builder options = EvaluationOptions.newBuilder().setSeed(seed);
    if (dataset != null) {
      options.setDataset(dataset);
    }
    if (device != null) {
      options.setDevice(device);
    }
    if (precision != null) {
      options.setPrecision(switch (precision.toLowerCase()) {
        case "float32" -> Precision.PRECISION_FLOAT32;
        case "float64" -> Precision.PRECISION_FLOAT64;
        default -> throw new ParameterException(spec.commandLine(),
            "--precision: '" + precision + "' is not float32 or float64");
      });
    }
    return options.build();
  }
}
