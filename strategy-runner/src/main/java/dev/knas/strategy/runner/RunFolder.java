package dev.knas.strategy.runner;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code --out} folder of one search: {@code run.json} ({@link RunRecord}), {@code journal.jsonl}
 * ({@link Journal}) and {@code summary.json} ({@link Summary}), each JSON file replaced atomically.
 */
public final class RunFolder {

  public static final String RUN_FILE = "run.json";
  public static final String JOURNAL_FILE = "journal.jsonl";
  public static final String SUMMARY_FILE = "summary.json";
  /** Snake-case, indented; fields a later version adds are ignored when reading. */
  static final ObjectMapper JSON = Journal.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path dir;

  public RunFolder(Path dir) {
    this.dir = dir;
  }

  public Path journal() {
    return dir.resolve(JOURNAL_FILE);
  }

  /**
   * Starts a new search: creates the folder and writes {@code run} as run.json.
   *
   * @throws InvalidOptions when the folder already holds a search
   */
  RunRecord create(RunRecord run) throws IOException {
    if (Files.exists(dir.resolve(RUN_FILE)) || Files.exists(journal())) {
      throw new InvalidOptions("--out " + dir + " already holds a search; pass --resume to continue it, or choose"
          + " another folder");
    }
    Files.createDirectories(dir);
    RunRecord started = run.started(Instant.now());
    write(dir.resolve(RUN_FILE), started);
    return started;
  }

  /**
   * Continues the search recorded here, which must be {@code run}.
   *
   * @return the record as written when the search started
   * @throws InvalidOptions when there is none, or it is another search
   */
  RunRecord resume(RunRecord run) throws IOException {
    Path file = dir.resolve(RUN_FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidOptions("--resume: " + dir + " holds no search to resume (no " + RUN_FILE + ")");
    }
    RunRecord recorded = JSON.readValue(file.toFile(), RunRecord.class);
    if (!recorded.sameSearch(run)) {
      throw new InvalidOptions("--resume: " + dir + " holds a different search: "
          + Journal.JSON.writeValueAsString(recorded.options()) + "; this command asks for "
          + Journal.JSON.writeValueAsString(run.options()));
    }
    return recorded;
  }

  void writeSummary(Summary summary) throws IOException {
    write(dir.resolve(SUMMARY_FILE), summary);
  }

  /** The summary of the finished search. */
  public Summary summary() throws IOException {
    return JSON.readValue(dir.resolve(SUMMARY_FILE).toFile(), Summary.class);
  }

  /** Every summary.json under {@code folder}, in path order. */
  public static List<Summary> summaries(Path folder) throws IOException {
    List<Summary> summaries = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return summaries;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals(SUMMARY_FILE)).sorted().toList()) {
        summaries.add(new RunFolder(file.getParent()).summary());
      }
    }
    return summaries;
  }

  /** {@code value} as indented JSON, printed the same way. */
  static String json(Object value) throws IOException {
    return JSON.writeValueAsString(value);
  }

  private static void write(Path file, Object content) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, json(content) + "\n", StandardCharsets.UTF_8);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
