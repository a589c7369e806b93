package dev.knas.strategy.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategyCatalogTest {

  private final StrategyCatalog catalog = StrategyCatalog.load();

  @Test
  void listsEveryStrategyProgramWithItsLauncher() {
    assertEquals(List.of("random", "evolution", "knas", "free-evolution"), catalog.names());
    for (StrategyCatalog.Entry entry : catalog.entries()) {
      assertEquals("bin/strategy-" + entry.name(), entry.launcher());
      Path root = Path.of("").toAbsolutePath(); // tests run from the repository root
      assertTrue(Files.isExecutable(root.resolve(entry.launcher())), entry.launcher());
      assertTrue(Files.isDirectory(root.resolve("strategy-" + entry.name())), entry.name());
    }
    assertEquals(List.of("--candidates", "--top-k", "--proxy", "--samples", "--batch-size"),
        catalog.find("knas").orElseThrow().options());
  }

  @Test
  void parsesVariantsWithCommasInsideParentheses() {
    List<StrategyVariant> variants = catalog.variants(
        "random,knas,knas:proxy=ensemble(naswot,synflow,jacov,params):top-k=20,free-evolution");
    assertEquals(List.of("random", "knas", "knas:proxy=ensemble(naswot,synflow,jacov,params):top-k=20",
        "free-evolution"), variants.stream().map(StrategyVariant::label).toList());
    StrategyVariant ensemble = variants.get(2);
    assertEquals("knas", ensemble.strategy().name());
    assertEquals(Map.of("--proxy", "ensemble(naswot,synflow,jacov,params)", "--top-k", "20"), ensemble.options());
    assertEquals("knas-proxy-ensemble-naswot-synflow-jacov-params-top-k-20", ensemble.folderName());
  }

  @Test
  void refusesUnknownStrategiesAndOptionsWithAReason() {
    assertMessage("unknown strategy 'annealing'; known: random, evolution, knas, free-evolution",
        "random,annealing");
    assertMessage("'random:proxy=naswot': random has no option --proxy", "random:proxy=naswot");
    assertMessage("'proxy' is not option=value", "knas:proxy");
    assertMessage("'knas' is named twice", "knas,knas");
    assertMessage("has an empty item", "knas,,random");
  }

  private void assertMessage(String expected, String list) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.variants(list));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
