package dev.knas.strategy.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON-lines record of a search, one {@link Evaluation} per line in the order the strategy was told them.
 * Each line is written whole with one write and synced before the strategy hears of it, so after a crash (even
 * {@code kill -9}) a line is whole or absent; a torn last line is dropped when the journal is reopened.
 */
public final class Journal implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final Path path;
  private final FileChannel channel;
  private final List<Evaluation> recorded;

  private Journal(Path path, FileChannel channel, List<Evaluation> recorded) {
    this.path = path;
    this.channel = channel;
    this.recorded = recorded;
  }

  /**
   * Opens the journal at {@code path}, creating it if missing, and reads the evaluations it holds.
   *
   * @throws SearchFailure when a whole line is not an evaluation (the file is not this program's journal)
   */
  public static Journal open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      byte[] bytes = Files.readAllBytes(path);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      List<Evaluation> recorded = new ArrayList<>();
      String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
      int number = 0;
      for (String line : text.split("\n")) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          recorded.add(JSON.readValue(line, Evaluation.class));
        } catch (JsonProcessingException e) {
          throw new SearchFailure(path + " line " + number + " is not a journal entry: " + e.getOriginalMessage());
        }
      }
      channel.truncate(end);
      channel.position(end);
      return new Journal(path, channel, recorded);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** The evaluations the journal held when opened, in order. */
  public List<Evaluation> recorded() {
    return List.copyOf(recorded);
  }

  /** Appends one line and syncs it to disk. */
  public void append(Evaluation evaluation) {
    try {
      byte[] line = (JSON.writeValueAsString(evaluation) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the journal " + path, e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
