package dev.knas.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.knas.v1.EvaluationOptions;
import dev.knas.v1.Precision;
import dev.knas.v1.Provenance;
import dev.knas.v1.ResolvedArchitecture;
import java.io.PrintWriter;
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
    out().printf("dataset %s, n = %d, seed %d, %s, device %s, %.3f s, %s, %s%n", o.getDataset(),
        p.getGradientKernel().getNumSamples(), o.getSeed(),
        o.getPrecision() == Precision.PRECISION_FLOAT64 ? "float64" : "float32", p.getDevice(), p.getWallSeconds(),
        p.getEngine(), p.getDefinitionVersion());
  }
}
