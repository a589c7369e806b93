package dev.knas.strategy.runner;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/strategy report DIR...}: the Markdown table of finished searches, one row per strategy, mean ± sample
 * standard deviation over its runs (every {@code summary.json} under the folders) of the found architecture's
 * benchmark accuracies, the evaluations used and the simulated search cost. Runs of one strategy with different
 * strategy options (e.g. KNAS with two proxies) get a row each, labelled with those options.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Prints a Markdown table of the finished searches (summary.json files) under the folders.")
public final class ReportCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", description = "Folders searched for summary.json files.")
  List<Path> folders;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReportCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Summary> summaries = new ArrayList<>();
    for (Path folder : folders) {
      summaries.addAll(RunFolder.summaries(folder));
    }
    Map<String, Long> optionSets = summaries.stream().collect(Collectors.groupingBy(Summary::strategy,
        Collectors.mapping(s -> s.options().strategy(), Collectors.collectingAndThen(Collectors.toSet(),
            set -> (long) set.size()))));
    Map<String, List<Summary>> runs = new LinkedHashMap<>();
    for (Summary summary : summaries) {
      String label = optionSets.get(summary.strategy()) == 1 ? summary.strategy()
          : summary.strategy() + " " + summary.options().strategy();
      runs.computeIfAbsent(label, s -> new ArrayList<>()).add(summary);
    }
    PrintWriter out = new CommandLine(this).getOut();
    out.println(SummaryTable.markdown(runs));
    out.flush();
    return runs.isEmpty() ? 1 : 0;
  }
}
