package dev.knas.scoring.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads a data file whole, gunzipping it when it starts with the gzip magic bytes. */
final class DataFiles {

  private DataFiles() {}

  /** The first existing of {@code base} and {@code base.gz} in {@code dir}; an error names both when neither is. */
  static Path find(Path dir, String base) {
    Path plain = dir.resolve(base);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = dir.resolve(base + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DatasetException("missing data file " + plain + " (or " + gz.getFileName() + ")");
  }

  static byte[] readAll(Path file) {
    try (PushbackInputStream raw = new PushbackInputStream(Files.newInputStream(file), 2)) {
      byte[] magic = raw.readNBytes(2);
      raw.unread(magic);
      boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
      try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new DatasetException("cannot read data file " + file + ": " + e.getMessage(), e);
    }
  }
}
