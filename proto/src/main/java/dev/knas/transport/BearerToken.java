package dev.knas.transport;

import io.grpc.Metadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The shared secret that clients send as {@code authorization: Bearer <token>} and the service checks, read once
 * from a file at start. It never appears in {@link #toString()}, so it cannot leak into logs or messages.
 */
public final class BearerToken {

  /** The metadata the token travels in. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** What precedes the token in {@link #AUTHORIZATION}. */
  public static final String SCHEME = "Bearer ";

  private final Path file;
  private final String value;

  private BearerToken(Path file, String value) {
    this.file = file;
    this.value = value;
  }

  /**
   * Reads the token from {@code file}: its content without surrounding whitespace (so the trailing newline of
   * {@code echo TOKEN > file} is not part of it).
   *
   * @throws IllegalArgumentException naming the file (never the token) when it cannot be read, is empty, or holds
   *     anything but one word of visible ASCII, which is all an HTTP/2 header can carry as is
   */
  public static BearerToken read(Path file) {
    String value;
    try {
      value = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no token (it is empty)");
    }
    if (!value.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new IllegalArgumentException(file + ": the token must be one word of visible ASCII characters");
    }
    return new BearerToken(file, value);
  }

  /** The file it was read from. */
  public Path file() {
    return file;
  }

  /** The secret itself. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return "bearer token from " + file;
  }

  /** Picocli converter: an option's value is the token file's path. */
  public static final class FileConverter implements ITypeConverter<BearerToken> {
    @Override
    public BearerToken convert(String value) {
      try {
        return read(Path.of(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
