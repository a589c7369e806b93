package dev.knas.scoring.server;

/**
 * Text from a request on its way into a status description or a log line: control characters escaped (a newline
 * in an architecture string must not forge a second log line, a NUL must not reach the log raw) and the length
 * bounded (a 1 MB string must not become a 1 MB status, which the client would refuse as oversized metadata
 * instead of reading the refusal).
 */
final class StatusText {

  /** Longest description a status carries; well under gRPC's default 8 KiB metadata limit. */
  static final int MAX_DESCRIPTION = 1024;
  /** Longest echo of one request value inside a description. */
  static final int MAX_ECHO = 96;

  private StatusText() {}

  /** {@code text} escaped and cut to {@link #MAX_DESCRIPTION} characters, saying how long it was. */
  static String description(String text) {
    return bounded(text, MAX_DESCRIPTION);
  }

  /** A request value quoted for a message: escaped and cut to {@link #MAX_ECHO} characters. */
  static String echo(String value) {
    return "'" + bounded(value, MAX_ECHO) + "'";
  }

  private static String bounded(String text, int limit) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 32);
    int i = 0;
    for (; i < text.length() && out.length() < limit; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || Character.getType(c) == Character.LINE_SEPARATOR
              || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (i < text.length()) {
      out.append("... (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }
}
