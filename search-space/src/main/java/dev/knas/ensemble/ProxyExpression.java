package dev.knas.ensemble;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What architectures are ranked by: one zero-cost proxy ({@code naswot}) or the rank vote of several
 * ({@code ensemble(naswot,synflow,jacov,params)}), as docs/spec/zero-cost-proxies.md defines it. Whether a
 * name is a proxy the service computes is the service's to say; this only checks the form.
 *
 * @param proxies the proxy names, in the order written: one, or at least two distinct ones for an ensemble
 */
public record ProxyExpression(List<String> proxies) {

  private static final String ENSEMBLE = "ensemble";
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  /** The spec's vote of four proxies, which ranks NAS-Bench-201 better than any one of them. */
  public static final ProxyExpression SPEC_ENSEMBLE = parse("ensemble(naswot,synflow,jacov,params)");

  public ProxyExpression {
    proxies = List.copyOf(proxies);
    if (proxies.isEmpty() || Set.copyOf(proxies).size() != proxies.size()) {
      throw new IllegalArgumentException("a proxy expression names one proxy or several distinct ones: " + proxies);
    }
  }

  /**
   * Parses a proxy name or {@code ensemble(P1,P2,...)}: at least two distinct names, no nesting, whitespace
   * around names and parentheses ignored.
   *
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static ProxyExpression parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty proxy expression: give a proxy name or ensemble(P1,P2,...)");
    }
    int open = s.indexOf('(');
    if (open < 0) {
      if (s.indexOf(')') >= 0) {
        throw invalid(text, "')' without '('");
      }
      if (s.indexOf(',') >= 0) {
        throw invalid(text, "several proxies are written ensemble(P1,P2,...)");
      }
      if (s.equals(ENSEMBLE)) {
        throw invalid(text, "an ensemble lists its proxies: ensemble(P1,P2,...)");
      }
      return new ProxyExpression(List.of(name(text, s)));
    }
    String head = s.substring(0, open).strip();
    if (!head.equals(ENSEMBLE)) {
      throw invalid(text, head.isEmpty() ? "'(' without 'ensemble' before it"
          : "only ensemble(...) takes a list of proxies, not '" + head + "'");
    }
    int close = s.indexOf(')', open);
    if (close < 0) {
      throw invalid(text, "missing ')'");
    }
    String inner = s.substring(open + 1, close);
    if (inner.indexOf('(') >= 0) {
      throw invalid(text, "ensembles do not nest");
    }
    if (close != s.length() - 1) {
      throw invalid(text, "unexpected '" + s.substring(close + 1).strip() + "' after ')'");
    }
    String[] parts = inner.split(",", -1);
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (part.isEmpty()) {
        throw invalid(text, "proxy " + (i + 1) + " of the ensemble is empty");
      }
      if (!names.add(name(text, part))) {
        throw invalid(text, "'" + part + "' is named twice");
      }
    }
    if (names.size() < 2) {
      throw invalid(text, "an ensemble needs at least two distinct proxies, got " + names.size());
    }
    return new ProxyExpression(new ArrayList<>(names));
  }

  public boolean isEnsemble() {
    return proxies.size() > 1;
  }

  /** The expression as {@link #parse} reads it, without whitespace: {@code naswot} or {@code ensemble(a,b)}. */
  @Override
  public String toString() {
    return isEnsemble() ? ENSEMBLE + "(" + String.join(",", proxies) + ")" : proxies.get(0);
  }

  private static String name(String text, String candidate) {
    if (!NAME.matcher(candidate).matches()) {
      throw invalid(text, "'" + candidate + "' is not a proxy name (a letter, then letters, digits, '_' or '-')");
    }
    return candidate;
  }

  private static IllegalArgumentException invalid(String text, String reason) {
    return new IllegalArgumentException("proxy expression '" + text.strip() + "': " + reason);
  }
}
