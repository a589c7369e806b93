package dev.knas.scoring.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.scoring.TestData;
import dev.knas.space.nb201.Nb201Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkTableTest {

  private static final String HEADER = "index,arch,test_acc_cifar10,test_acc_cifar100,test_acc_imagenet16120,"
      + "valid_acc_cifar10,train_seconds_cifar,train_seconds_imagenet16120,params_m";

  @TempDir
  Path temp;

  @Test
  void readsTheSharedTableWhole() {
    BenchmarkTable table = BenchmarkTable.load(TestData.nb201Table());
    assertEquals(Nb201Architecture.COUNT, table.size());
    assertEquals(Set.of("cifar10", "cifar100", "imagenet16-120"), table.datasets());
    BenchmarkTable.Row one = table.row(1).orElseThrow();
    assertEquals(Nb201Architecture.fromIndex(1), one.architecture());
    assertEquals(93.66, one.testAccuracy().get("cifar10"));
    assertEquals(90.39, one.validationAccuracy().get("cifar10"));
    assertEquals(Map.of("cifar10", 4339.282751, "cifar100", 4339.282751, "imagenet16-120", 13165.38387),
        one.trainSeconds());
    assertEquals(0.802426, one.parametersMillions());
  }

  @Test
  void aPartialTableHasOnlyItsRows() throws IOException {
    BenchmarkTable table = BenchmarkTable.load(write(HEADER, row(3, "86.6"), row(15624, "50")));
    assertEquals(2, table.size());
    assertTrue(table.row(3).isPresent());
    assertTrue(table.row(4).isEmpty());
    assertTrue(table.row(-1).isEmpty());
    assertTrue(table.row(15625).isEmpty());
  }

  @Test
  void refusesTablesNotInTheDocumentedLayout() throws IOException {
    String misindexed = "2," + Nb201Architecture.fromIndex(3).toBenchmarkString() + ",1,2,3,4,5,6,7";
    assertMessage("line 2: index 2 does not name", write(HEADER, misindexed));
    assertMessage("appears twice", write(HEADER, row(3, "1"), row(3, "2")));
    assertMessage("column test_acc_cifar10: 'high' is not a number", write(HEADER, row(3, "high")));
    assertMessage("no 'arch' column", write("index,test_acc_cifar10", "3,50"));
    assertMessage("has no rows", write(HEADER));
    assertMessage("cannot read", temp.resolve("missing.csv"));
  }

  private static String row(int index, String cifar10Test) {
    return index + "," + Nb201Architecture.fromIndex(index).toBenchmarkString() + "," + cifar10Test
        + ",60,30,85,1000,3000,0.5";
  }

  private Path write(String... lines) throws IOException {
    Path file = Files.createTempFile(temp, "table", ".csv");
    Files.write(file, List.of(lines));
    return file;
  }

  private static void assertMessage(String expected, Path table) {
    BenchmarkTableException e = assertThrows(BenchmarkTableException.class, () -> BenchmarkTable.load(table));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
