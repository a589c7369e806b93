package dev.knas.space.darts;

import dev.knas.space.InputExcerpt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one {@link PythonLiteral} from text, refusing anything else with the character where it went wrong. */
final class PythonLiteralReader {

  /** Deepest nesting read; an architecture needs 3, and a bound keeps hostile input off the stack. */
  private static final int MAX_DEPTH = 8;

  /** Longest number read; architectures hold one-digit numbers, and a bound keeps every number an int. */
  private static final int MAX_DIGITS = 9;

  /** How much of the rest of the text a refusal quotes. */
  private static final int FOUND_LENGTH = 24;

  private final String text;
  private int at;

  private PythonLiteralReader(String text) {
    this.text = text;
  }

  /**
   * The literal {@code text} holds, surrounded by nothing but white space.
   *
   * @throws IllegalArgumentException e.g. {@code at character 12: expected ',' or ']', found '; 3)]'}
   */
  static PythonLiteral read(String text) {
    PythonLiteralReader reader = new PythonLiteralReader(text);
    PythonLiteral literal = reader.value(1);
    reader.skipSpace();
    if (reader.at < text.length()) {
      throw reader.expected("the end");
    }
    return literal;
  }

  private PythonLiteral value(int depth) {
    if (depth > MAX_DEPTH) {
      throw expected("at most " + MAX_DEPTH + " levels of nesting");
    }
    skipSpace();
    if (at >= text.length()) {
      throw expected("a value");
    }
    char c = text.charAt(at);
    if (c == '[') {
      return sequence(']', depth);
    }
    if (c == '(') {
      return sequence(')', depth);
    }
    if (c == '\'' || c == '"') {
      return text(c);
    }
    if (c == '-' || isDigit(c)) {
      return number();
    }
    if (isIdentifierStart(c)) {
      return call(depth);
    }
    throw expected("a value");
  }

  private PythonLiteral.Sequence sequence(char close, int depth) {
    int start = at++;
    List<PythonLiteral> items = new ArrayList<>();
    while (!closes(close)) {
      items.add(value(depth + 1));
      separatorOr(close);
    }
    return new PythonLiteral.Sequence(List.copyOf(items), text.substring(start, at));
  }

  private PythonLiteral.Call call(int depth) {
    int start = at;
    String name = identifier();
    skipSpace();
    if (at >= text.length() || text.charAt(at) != '(') {
      throw expected("'(' after " + InputExcerpt.quoted(name));
    }
    at++;
    List<PythonLiteral> arguments = new ArrayList<>();
    Map<String, PythonLiteral> keywords = new LinkedHashMap<>();
    while (!closes(')')) {
      int argumentStart = at;
      String keyword = keywordIfAny();
      if (keyword == null) {
        if (!keywords.isEmpty()) {
          throw expected("a keyword argument (positional ones come first)");
        }
        arguments.add(value(depth + 1));
      } else if (keywords.put(keyword, value(depth + 1)) != null) {
        at = argumentStart;
        throw expected("each keyword once, " + InputExcerpt.quoted(keyword) + " again");
      }
      separatorOr(')');
    }
    return new PythonLiteral.Call(name, List.copyOf(arguments), Collections.unmodifiableMap(keywords),
        text.substring(start, at));
  }

  /** Reads {@code name=} and returns the name, or reads nothing and returns null. */
  private String keywordIfAny() {
    skipSpace();
    int start = at;
    if (at >= text.length() || !isIdentifierStart(text.charAt(at))) {
      return null;
    }
    String name = identifier();
    skipSpace();
    if (at < text.length() && text.charAt(at) == '=') {
      at++;
      return name;
    }
    at = start;
    return null;
  }

  /** After white space, consumes {@code close} and says so, or consumes nothing. */
  private boolean closes(char close) {
    skipSpace();
    if (at < text.length() && text.charAt(at) == close) {
      at++;
      return true;
    }
    return false;
  }

  /** Consumes the ',' after an item, or leaves {@code close} for {@link #closes} to consume. */
  private void separatorOr(char close) {
    skipSpace();
    if (at < text.length() && text.charAt(at) == ',') {
      at++;
    } else if (at >= text.length() || text.charAt(at) != close) {
      throw expected("',' or '" + close + "'");
    }
  }

  private PythonLiteral.Text text(char quote) {
    int start = at++;
    int end = text.indexOf(quote, at);
    int newline = text.indexOf('\n', at);
    if (end < 0 || (newline >= 0 && newline < end)) {
      at = start;
      throw expected("a string closed by " + quote + " on its line");
    }
    at = end + 1;
    return new PythonLiteral.Text(text.substring(start + 1, end), text.substring(start, at));
  }

  private PythonLiteral.Number number() {
    int start = at;
    if (text.charAt(at) == '-') {
      at++;
    }
    int digitsStart = at;
    while (at < text.length() && isDigit(text.charAt(at))) {
      at++;
    }
    int digits = at - digitsStart;
    if (digits == 0 || digits > MAX_DIGITS) {
      at = start;
      throw expected("a number of 1 to " + MAX_DIGITS + " digits");
    }
    String source = text.substring(start, at);
    return new PythonLiteral.Number(Integer.parseInt(source), source);
  }

  private String identifier() {
    int start = at;
    while (at < text.length() && (isIdentifierStart(text.charAt(at)) || isDigit(text.charAt(at)))) {
      at++;
    }
    return text.substring(start, at);
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException expected(String what) {
    String found = at >= text.length()
        ? "the end"
        : InputExcerpt.quoted(text.substring(at, Math.min(text.length(), at + FOUND_LENGTH)));
    return new IllegalArgumentException("at character " + (at + 1) + ": expected " + what + ", found " + found);
  }

  // ASCII only: Character.isDigit would also take other scripts' digits, which Integer.parseInt reads as numbers.
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
