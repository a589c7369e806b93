package dev.knas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.knas.space.nb201.SpaceStatistics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code knas space}: facts about the NAS-Bench-201 search space, computed locally. */
@Command(name = "space", mixinStandardHelpOptions = true, description = "Facts about the NAS-Bench-201 space.",
    subcommands = SpaceCommand.Stats.class)
final class SpaceCommand {

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "How the 15,625 architectures fall into canonical classes (networks that compute the same"
          + " function up to renaming of nodes and parameters).")
  static final class Stats implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      SpaceStatistics stats = SpaceStatistics.nb201();
      if (json) {
        spec.commandLine().getOut().println(new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(stats));
      } else {
        spec.commandLine().getOut().printf("architectures      %,d%ncanonical classes  %,d%nsingleton classes  %,d%n"
            + "largest class      %,d architectures, canonical form %s%n", stats.architectures(),
            stats.canonicalClasses(), stats.singletonClasses(), stats.largestClass(), stats.largestClassCanonical());
      }
      return 0;
    }
  }
}
