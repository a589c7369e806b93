package dev.knas.scoring.request;

import dev.knas.space.InputExcerpt;

/**
 * Text on its way into a status description or a log line, which may repeat what a request sent: escaped and
 * bounded by {@link InputExcerpt} (a newline in an architecture string must not forge a second log line, and a
 * 1 MB string must not become a 1 MB status, which the client would refuse as oversized metadata instead of
 * reading the refusal).
 */
public final class StatusText {

  /** Longest description a status carries; well under gRPC's default 8 KiB metadata limit. */
  public static final int MAX_DESCRIPTION = 1024;

  private StatusText() {}

  /** {@code text} escaped and cut to {@link #MAX_DESCRIPTION} characters, saying how long it was. */
  public static String description(String text) {
    return text == null ? null : InputExcerpt.of(text, MAX_DESCRIPTION);
  }
}
