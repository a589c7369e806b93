package dev.knas.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.knas.space.nb201.Nb201Space;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpacesTest {

  @Test
  void findsNb201ByName() {
    assertInstanceOf(Nb201Space.class, SearchSpaces.named("nb201").orElseThrow());
  }

  @Test
  void anUnknownNameIsEmpty() {
    assertEquals(Optional.empty(), SearchSpaces.named("no-such-space"));
    assertEquals(Optional.empty(), SearchSpaces.named("NB201"));
  }

  @Test
  void namesListsEverySpaceAlphabetically() {
    List<String> names = SearchSpaces.all().stream().map(SearchSpace::name).toList();
    assertTrue(names.contains("nb201"), names.toString());
    assertEquals(names.stream().sorted().toList(), names);
    assertEquals(String.join(", ", names), SearchSpaces.names());
  }

  /** What any space's optimizer, cache and client rely on, checked on each registered space's own example. */
  @Test
  void everySpaceKeepsTheContractOnItsExample() {
    for (SearchSpace space : SearchSpaces.all()) {
      String name = space.name();
      assertTrue(name.matches("[a-z0-9_-]+"), name);
      assertTrue(space.version().startsWith(name + "/"), space.version());
      assertTrue(space.size().compareTo(BigInteger.ONE) > 0, name);
      assertFalse(space.forms().isEmpty(), name);
      SpaceArchitecture example = space.parse(space.example());
      assertEquals(name, example.space());
      assertEquals(space.example(), example.text());
      assertEquals(example, space.parse(example.text()));
      SpaceArchitecture canonical = space.canonical(example);
      assertEquals(canonical, space.canonical(canonical), name + ": the canonical form is a fixed point");
      assertEquals(space.canonicalHash(example), space.canonicalHash(canonical));
      assertTrue(space.canonicalHash(example).matches("[0-9a-f]{64}"), name);
      assertNotEquals(example, space.mutate(example, new SplittableRandom(0)), name);
      assertEquals(name, space.sample(new SplittableRandom(0)).space());
    }
  }
}
