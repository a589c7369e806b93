package dev.knas.space.darts;

import java.util.List;
import java.util.Map;

/**
 * A value of the small part of Python's literal syntax that DARTS and NASLib print architectures in: integers,
 * strings, lists and tuples (one kind here: the forms never tell them apart) and calls such as
 * {@code Genotype(normal=[...], ...)} or {@code range(2, 6)}. Each keeps the text it was read from, so that a
 * refusal can quote it.
 */
sealed interface PythonLiteral {

  /** The exact text this value was read from. */
  String source();

  record Number(int value, String source) implements PythonLiteral {}

  record Text(String value, String source) implements PythonLiteral {}

  record Sequence(List<PythonLiteral> items, String source) implements PythonLiteral {}

  /** {@code name(arguments..., keyword=value...)}; {@code keywords} keeps the order they were written in. */
  record Call(String name, List<PythonLiteral> arguments, Map<String, PythonLiteral> keywords, String source)
      implements PythonLiteral {}
}
