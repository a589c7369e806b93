package dev.knas.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs point only at what exists: every relative link of every Markdown file of the repository leads to a
 * file or folder (and to a heading of it, when the link names one, with GitHub's heading anchors), and every
 * path quoted in backticks that starts at one of the repository's top-level folders, or at a folder beside the
 * document, exists. Code blocks are
 * commands and their output, not references, so they are not read. Tests run from the repository root.
 */
class DocumentationTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  /** Folders that hold build outputs, installed packages or copies, not documentation. */
  private static final Set<String> NOT_DOCUMENTATION =
      Set.of("target", "node_modules", "build", "dist", ".git", ".venv", ".cifuzz-corpus");

  /** Paths the docs name that the build or a run creates; they are absent from a fresh clone. */
  private static final Set<String> MADE_BY_BUILD_OR_RUN = Set.of("clients/python/dist/", "knas-data",
      "bench-kernel-vs-pytorch.json");

  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
  /** A path with a placeholder: a glob, {@code <module>}, {@code $VAR}, {@code strategy-NAME}, {@code YourProxy}. */
  private static final Pattern PLACEHOLDER = Pattern.compile(
      "[*<>{}$]|\\.\\.\\.|(^|[/-])[A-Z][A-Z_]+([/.-]|$)|(^|/)Your[A-Z]");

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
    List<String> broken = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher link = LINK.matcher(prose(doc));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z][a-z+.-]*:.*")) {
          continue;  // http:, https:, mailto: leave the repository
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading in " + ROOT.relativize(resolved)
              + ")");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void everyQuotedRepositoryPathExists() {
    Set<String> topLevel;
    try (Stream<Path> entries = Files.list(ROOT)) {
      topLevel = entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> missing = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher span = CODE_SPAN.matcher(prose(doc));
      while (span.find()) {
        String path = span.group(1).replaceAll("[:,.]$", "");
        String first = path.split("/", 2)[0];
        // From the repository root when it starts at one of its folders, else from the document's own folder.
        Path base = topLevel.contains(first) ? ROOT : doc.getParent();
        if (!path.contains("/") || path.contains(" ") || first.isEmpty() || first.startsWith(".")
            || !Files.exists(base.resolve(first))
            || PLACEHOLDER.matcher(path).find() || MADE_BY_BUILD_OR_RUN.contains(path)
            || path.contains("/target/")) {
          continue;
        }
        if (!Files.exists(base.resolve(path))) {
          missing.add(ROOT.relativize(doc) + ": `" + path + "`");
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void theDocsAreFound() {
    List<Path> docs = documents();
    assertTrue(docs.contains(ROOT.resolve("README.md")), "tests must run from the repository root: " + ROOT);
    assertTrue(docs.stream().anyMatch(p -> p.startsWith(ROOT.resolve("docs/guide"))), docs.toString());
  }

  private static List<Path> documents() {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> {
            for (Path part : ROOT.relativize(p)) {
              if (NOT_DOCUMENTATION.contains(part.toString())) {
                return false;
              }
            }
            return true;
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document without its fenced code blocks. */
  private static String prose(Path doc) {
    StringBuilder prose = new StringBuilder();
    boolean fenced = false;
    for (String line : read(doc).split("\n", -1)) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced) {
        prose.append(line).append('\n');
      }
    }
    return prose.toString();
  }

  /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> anchors(Path doc) {
    Set<String> anchors = new LinkedHashSet<>();
    if (!doc.toString().endsWith(".md")) {
      return anchors;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(doc).split("\n")) {
      Matcher heading = Pattern.compile("^#{1,6} (.+)$").matcher(line);
      if (heading.matches()) {
        String anchor = heading.group(1).strip().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
        int count = seen.merge(anchor, 1, Integer::sum);
        anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
      }
    }
    return anchors;
  }

  private static String read(Path doc) {
    try {
      return Files.readString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
