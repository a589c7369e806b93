package dev.knas.cli;

import dev.knas.v1.ComputeGradientKernelRequest;
import dev.knas.v1.ComputeGradientKernelResponse;
import dev.knas.v1.Matrix;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code knas kernel}: MGM and, on request, the Gram matrix and per-sample gradient norms. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
    description = "Computes the gradient kernel of one architecture: MGM, optionally the Gram matrix.")
final class KernelCommand extends ServiceCall implements Callable<Integer> {

  @Mixin
  ArchitectureOptions target;

  @Mixin
  KernelOptions kernel;

  @Option(names = "--gram", description = "Also fetch and print the n x n Gram matrix.")
  boolean gram;

  @Option(names = "--norms", description = "Also fetch and print each sample's gradient norm.")
  boolean norms;

  @Override
  public Integer call() throws Exception {
    ComputeGradientKernelRequest request = ComputeGradientKernelRequest.newBuilder()
        .setArchitecture(target.architecture())
        .setOptions(target.options())
        .setGradientKernel(kernel.message())
        .setIncludeGramMatrix(gram)
        .setIncludeSampleGradientNorms(norms)
        .build();
    ComputeGradientKernelResponse response = connection.scoring(stub -> stub.computeGradientKernel(request));
    if (json) {
      printJson(response);
      return 0;
    }
    printArchitecture(response.getArchitecture());
    out().printf("MGM        %.10g%nmean loss  %.6f%n", response.getMgm(), response.getMeanLoss());
    printProvenance(response.getProvenance());
    if (response.hasGramMatrix()) {
      Matrix m = response.getGramMatrix();
      out().printf("Gram matrix (%d x %d):%n", m.getRows(), m.getColumns());
      for (int i = 0; i < m.getRows(); i++) {
        StringBuilder row = new StringBuilder();
        for (int j = 0; j < m.getColumns(); j++) {
          row.append(String.format("%12.5g", m.getValues(i * m.getColumns() + j)));
        }
        out().println(row);
      }
    }
    if (response.getSampleGradientNormsCount() > 0) {
      out().println("gradient norms: " + response.getSampleGradientNormsList());
    }
    return 0;
  }
}
