package dev.knas.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyExpressionTest {

  @Test
  void aNameIsOneProxy() {
    ProxyExpression naswot = ProxyExpression.parse("  naswot ");
    assertEquals(List.of("naswot"), naswot.proxies());
    assertFalse(naswot.isEnsemble());
    assertEquals("naswot", naswot.toString());
    assertEquals(List.of("grad_norm"), ProxyExpression.parse("grad_norm").proxies());
  }

  @Test
  void anEnsembleListsItsProxiesInOrderAndToleratesWhitespace() {
    ProxyExpression vote = ProxyExpression.parse(" ensemble ( naswot ,synflow,\tjacov , params ) ");
    assertEquals(List.of("naswot", "synflow", "jacov", "params"), vote.proxies());
    assertTrue(vote.isEnsemble());
    assertEquals("ensemble(naswot,synflow,jacov,params)", vote.toString());
    assertEquals(vote, ProxyExpression.SPEC_ENSEMBLE);
    assertEquals(vote, ProxyExpression.parse(vote.toString()));
  }

  @Test
  void malformedExpressionsSayWhatIsWrong() {
    assertRefused("", "empty proxy expression: give a proxy name or ensemble(P1,P2,...)");
    assertRefused("   ", "empty proxy expression: give a proxy name or ensemble(P1,P2,...)");
    assertRefused("ensemble(naswot)", "proxy expression 'ensemble(naswot)': an ensemble needs at least two distinct"
        + " proxies, got 1");
    assertRefused("ensemble()", "proxy expression 'ensemble()': proxy 1 of the ensemble is empty");
    assertRefused("ensemble(naswot,,synflow)",
        "proxy expression 'ensemble(naswot,,synflow)': proxy 2 of the ensemble is empty");
    assertRefused("ensemble(naswot, synflow,)",
        "proxy expression 'ensemble(naswot, synflow,)': proxy 3 of the ensemble is empty");
    assertRefused("ensemble(naswot,naswot)", "proxy expression 'ensemble(naswot,naswot)': 'naswot' is named twice");
    assertRefused("ensemble(naswot,ensemble(synflow,jacov))",
        "proxy expression 'ensemble(naswot,ensemble(synflow,jacov))': ensembles do not nest");
    assertRefused("ensemble(naswot,synflow", "proxy expression 'ensemble(naswot,synflow': missing ')'");
    assertRefused("ensemble(naswot,synflow) x",
        "proxy expression 'ensemble(naswot,synflow) x': unexpected 'x' after ')'");
    assertRefused("ensemble(naswot,synflow))",
        "proxy expression 'ensemble(naswot,synflow))': unexpected ')' after ')'");
    assertRefused("vote(naswot,synflow)",
        "proxy expression 'vote(naswot,synflow)': only ensemble(...) takes a list of proxies, not 'vote'");
    assertRefused("(naswot,synflow)", "proxy expression '(naswot,synflow)': '(' without 'ensemble' before it");
    assertRefused("naswot,synflow", "proxy expression 'naswot,synflow': several proxies are written"
        + " ensemble(P1,P2,...)");
    assertRefused("naswot)", "proxy expression 'naswot)': ')' without '('");
    assertRefused("ensemble", "proxy expression 'ensemble': an ensemble lists its proxies: ensemble(P1,P2,...)");
    assertRefused("nas wot", "proxy expression 'nas wot': 'nas wot' is not a proxy name (a letter, then letters,"
        + " digits, '_' or '-')");
    assertRefused("ensemble(naswot,syn$flow)", "proxy expression 'ensemble(naswot,syn$flow)': 'syn$flow' is not a"
        + " proxy name (a letter, then letters, digits, '_' or '-')");
  }

  @Test
  void theRecordKeepsItsInvariant() {
    assertThrows(IllegalArgumentException.class, () -> new ProxyExpression(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ProxyExpression(List.of("snip", "snip")));
  }

  private static void assertRefused(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProxyExpression.parse(text));
    assertEquals(message, e.getMessage());
  }
}
