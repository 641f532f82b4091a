package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.TerminationReason;
import dev.palisade.sidecar.testing.AccessRules;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveEnforcementTest {

  private static final SpiffeId FRONTEND =
      SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend");
  private static final BigInteger SERIAL = new BigInteger("5eed5eed", 16);
  private static final VerifiedPeer FRONTEND_PEER = new VerifiedPeer(FRONTEND, SERIAL);
  private static final Admitted MTLS_IN = new Admitted(Direction.INBOUND, 8080,
      Optional.of(FRONTEND_PEER), FRONTEND.toString());
  private static final Admitted MTLS_OUT = new Admitted(Direction.OUTBOUND, 443,
      Optional.of(FRONTEND_PEER), FRONTEND.toString());
  private static final Admitted PLAIN_IN = new Admitted(Direction.INBOUND, 8080,
      Optional.empty(), "plaintext");
  private static final Admitted PLAIN_OUT = new Admitted(Direction.OUTBOUND, 443,
      Optional.empty(), "plaintext");

  @Test
  void aDenyForThePeerNamesTheRule() {
    SidecarConfig deny = inbound(new InboundPolicy(MtlsMode.STRICT, Map.of(), List.of(
        AccessRules.rule("shop/no-frontend", PolicyAction.DENY, FRONTEND.toString()))));

    var verdict = LiveEnforcement.recheck(MTLS_IN, deny).orElseThrow();

    assertThat(verdict.reason()).isEqualTo(TerminationReason.POLICY_DENIED);
    assertThat(verdict.detail()).contains("port 8080").contains("shop/no-frontend");
  }

  @Test
  void strictCutsPlaintextOnlyAndPerPort() {
    SidecarConfig strict = inbound(InboundPolicy.strictDefault());
    assertThat(LiveEnforcement.recheck(PLAIN_IN, strict)).hasValueSatisfying(v ->
        assertThat(v.reason()).isEqualTo(TerminationReason.MTLS_REQUIRED));
    assertThat(LiveEnforcement.recheck(MTLS_IN, strict)).isEmpty();
    SidecarConfig permissivePort = inbound(new InboundPolicy(MtlsMode.STRICT,
        Map.of(8080, MtlsMode.PERMISSIVE), List.of()));
    assertThat(LiveEnforcement.recheck(PLAIN_IN, permissivePort)).isEmpty();
  }

  @Test
  void outboundPlaintextIsCutOnlyWhenTheOutboundPolicyNowRequiresMtls() {
    assertThat(LiveEnforcement.recheck(PLAIN_OUT, inbound(InboundPolicy.strictDefault())))
        .isEmpty();
    SidecarConfig requireMtls = new SidecarConfig("v", InboundPolicy.strictDefault(),
        new OutboundPolicy(Map.of(), true));
    assertThat(LiveEnforcement.recheck(PLAIN_OUT, requireMtls)).hasValueSatisfying(v ->
        assertThat(v.reason()).isEqualTo(TerminationReason.MTLS_REQUIRED));
  }

  @Test
  void aRevokedPeerCertificateIsCutInBothDirectionsNamingTheSerial() {
    SidecarConfig revoking = revoking(new Revocations(Set.of(SERIAL), Set.of()));
    for (Admitted connection : List.of(MTLS_IN, MTLS_OUT)) {
      assertThat(LiveEnforcement.recheck(connection, revoking)).hasValueSatisfying(v -> {
        assertThat(v.reason()).isEqualTo(TerminationReason.REVOKED);
        assertThat(v.detail()).contains("5eed5eed").contains(FRONTEND.toString());
      });
    }
    SidecarConfig otherSerial = revoking(new Revocations(Set.of(SERIAL.add(BigInteger.ONE)),
        Set.of()));
    assertThat(LiveEnforcement.recheck(MTLS_IN, otherSerial)).isEmpty();
  }

  @Test
  void aSuspendedPeerIdentityIsCutInBothDirections() {
    SidecarConfig suspending = revoking(new Revocations(Set.of(), Set.of(FRONTEND)));
    for (Admitted connection : List.of(MTLS_IN, MTLS_OUT)) {
      assertThat(LiveEnforcement.recheck(connection, suspending)).hasValueSatisfying(v ->
          assertThat(v.reason()).isEqualTo(TerminationReason.IDENTITY_SUSPENDED));
    }
  }

  @Test
  void revocationComesBeforePolicySoARevokedAndDeniedPeerIsRevoked() {
    SidecarConfig both = new SidecarConfig("v", new InboundPolicy(MtlsMode.STRICT, Map.of(),
        List.of(AccessRules.rule("shop/no-frontend", PolicyAction.DENY, FRONTEND.toString()))),
        OutboundPolicy.passthrough(), new Revocations(Set.of(SERIAL), Set.of(FRONTEND)));
    assertThat(LiveEnforcement.recheck(MTLS_IN, both)).hasValueSatisfying(v ->
        assertThat(v.reason()).isEqualTo(TerminationReason.REVOKED));
  }

  @Test
  void plaintextConnectionsAreNotTouchedByRevocations() {
    SidecarConfig revoking = new SidecarConfig("v", new InboundPolicy(MtlsMode.PERMISSIVE,
        Map.of(), List.of()), OutboundPolicy.passthrough(),
        new Revocations(Set.of(SERIAL), Set.of(FRONTEND)));
    assertThat(LiveEnforcement.recheck(PLAIN_IN, revoking)).isEmpty();
    assertThat(LiveEnforcement.recheck(PLAIN_OUT, revoking)).isEmpty();
  }

  private static SidecarConfig revoking(Revocations revocations) {
    return new SidecarConfig("v", InboundPolicy.strictDefault(), OutboundPolicy.passthrough(),
        revocations);
  }

  private static SidecarConfig inbound(InboundPolicy policy) {
    return new SidecarConfig("v", policy, OutboundPolicy.passthrough());
  }
}
