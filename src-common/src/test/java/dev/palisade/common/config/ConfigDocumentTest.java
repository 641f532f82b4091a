package dev.palisade.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.IdentityPattern;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PeerMatch;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDocumentTest {

  private static final InboundPolicy INBOUND = new InboundPolicy(MtlsMode.STRICT,
      Map.of(9090, MtlsMode.PERMISSIVE, 22, MtlsMode.DISABLE),
      List.of(
          new AccessRule("shop/deny-untrusted", PolicyAction.DENY, List.of(
              new PeerMatch(List.of(), Set.of("untrusted", "guest"), Set.of(), Set.of()))),
          new AccessRule("shop/allow-frontend", PolicyAction.ALLOW, List.of(
              new PeerMatch(List.of(new IdentityPattern("spiffe://cluster.local/ns/shop/*")),
                  Set.of(), Set.of("shop/frontend", "edge/gateway"), Set.of(8443, 8080))))));

  @Test
  void theModelSurvivesTheWireUnchanged() {
    SidecarConfig config = new SidecarConfig("v1", INBOUND, new OutboundPolicy(
        Map.of("10.0.0.7:8080", SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart")), true));
    ConfigDocument document = new ConfigDocument("v1", "spiffe://cluster.local/ns/shop/sa/cart",
        InboundDocument.of(config.inbound()), OutboundDocument.of(config.outbound(), null),
        "PEM", 30);

    assertThat(document.toSidecarConfig()).isEqualTo(config);
  }

  @Test
  void setsAreSentSortedSoEqualPoliciesSerializeAlike() {
    MatchDocument match = InboundDocument.of(INBOUND).rules().get(1).matches().getFirst();
    assertThat(match.serviceAccounts()).containsExactly("edge/gateway", "shop/frontend");
    assertThat(match.ports()).containsExactly(8080, 8443);
    assertThat(InboundDocument.of(INBOUND).rules()).extracting(RuleDocument::policy)
        .as("rule order is evaluation order: kept")
        .containsExactly("shop/deny-untrusted", "shop/allow-frontend");
  }

  @Test
  void absentListsReadAsUnsetFields() {
    InboundDocument sparse = new InboundDocument(MtlsMode.PERMISSIVE, null, List.of(
        new RuleDocument("ns/p", PolicyAction.ALLOW, List.of(
            new MatchDocument(null, null, null, List.of(8080))))));
    InboundPolicy policy = sparse.toPolicy();
    assertThat(policy.modeFor(1)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(policy.authorize(Optional.empty(), 8080).allowed()).isTrue();
    assertThat(policy.authorize(Optional.empty(), 8081).allowed()).isFalse();
  }

  @Test
  void aDrainPeriodTravelsAndIsAbsentWhenZeroSoOlderDocumentsReadTheSame() {
    JsonDocuments json = JsonDocuments.strict();
    InboundPolicy draining = INBOUND.withDrainOnPolicyChange(java.time.Duration.ofSeconds(45));
    String wire = json.write(InboundDocument.of(draining));
    assertThat(wire).contains("\"drainSeconds\":45");
    assertThat(json.read(wire, InboundDocument.class).toPolicy()).isEqualTo(draining);

    String closing = json.write(InboundDocument.of(INBOUND));
    assertThat(closing).doesNotContain("drainSeconds");
    assertThat(json.read(closing, InboundDocument.class).toPolicy().drainOnPolicyChange())
        .isZero();
    assertThatThrownBy(() -> new InboundDocument(MtlsMode.STRICT, null, null, 7200))
        .hasMessage("drainSeconds: must be from 0 to 3600");
  }

  @Test
  void aBadIdentityOnTheWireIsRefused() {
    assertThatThrownBy(() -> new MatchDocument(List.of("spiffe://td/ns/*/sa/x"), null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("identities[0]: ");
  }

  @Test
  void portZeroOnTheWireIsRefused() {
    assertThatThrownBy(() -> new MatchDocument(null, null, null, List.of(443, 0)))
        .hasMessage("ports[1]: '0' is not a port (1..65535)");
    assertThatThrownBy(() -> new InboundDocument(MtlsMode.STRICT, Map.of(0, MtlsMode.DISABLE), null))
        .hasMessage("portModes.0: '0' is not a port (1..65535)");
  }

  @Test
  void aDestinationAcceptsOnlyItsIdentitiesAndOnlyWhenMeshed() {
    SpiffeId cart = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart");
    SpiffeId web = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web");
    DestinationDocument meshed = new DestinationDocument("10.0.0.7", 8080, true,
        List.of(cart.toString()), "meshed", 30);
    DestinationDocument outside = new DestinationDocument("10.0.0.8", 80, false, null,
        "not_injected", 5);
    assertThat(meshed.accepts(cart)).isTrue();
    assertThat(meshed.accepts(web)).isFalse();
    assertThat(outside.accepts(cart)).isFalse();
    assertThat(outside.identities()).isEmpty();
  }
}
