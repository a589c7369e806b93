package dev.knas.scoring.benchmark;

import dev.knas.scoring.data.ImageShape;
import java.util.List;
import java.util.Optional;

/**
 * A data set NAS-Bench-201 trained on, with the input shape and classes its networks were built for (used to
 * report an architecture's parameter count for that data set).
 */
public record BenchmarkDataset(String name, ImageShape shape, int classes) {

  public static final List<BenchmarkDataset> ALL = List.of(
      new BenchmarkDataset("cifar10", new ImageShape(3, 32, 32), 10),
      new BenchmarkDataset("cifar100", new ImageShape(3, 32, 32), 100),
      new BenchmarkDataset("imagenet16-120", new ImageShape(3, 16, 16), 120));

  /** The data set called {@code name}, if NAS-Bench-201 has one of that name. */
  public static Optional<BenchmarkDataset> named(String name) {
    return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
