package dev.knas.space;

/**
 * How a refusal quotes what a user sent: control and format characters escaped (a newline in an architecture
 * string must not become a second line of a log or a terminal, a NUL must not reach either raw) and the length
 * bounded, saying how long the original was. The parser quotes its input this way, and the service bounds whole
 * status descriptions with it.
 */
public final class InputExcerpt {

  /** Longest quote of one input inside a message. */
  public static final int QUOTE = 64;

  private InputExcerpt() {}

  /** {@code text} escaped and cut to {@code limit} characters (the escapes count), then " ... (N characters)". */
  public static String of(String text, int limit) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), limit) + 24);
    int i = 0;
    for (; i < text.length() && out.length() < limit; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          int type = Character.getType(c);
          if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (i < text.length()) {
      out.append(" ... (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }

  /** {@code text} as a quoted excerpt of at most {@link #QUOTE} characters. */
  public static String quoted(String text) {
    return "'" + of(text, QUOTE) + "'";
  }
}
