package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import dev.palisade.sidecar.tls.TlsMaterialSink;
import dev.palisade.sidecar.tls.TlsSettings;
import dev.palisade.testing.TestCa;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When a proxy asks for a new certificate because its own is revoked: once per revoked serial,
 * never while its identity is suspended (the CA would refuse), again once the suspension is
 * lifted. A real holder with real certificates; the source records what it is asked.
 */
class OwnCertificateRevocationTest {

  private static final TestCa CA = TestCa.create("cluster.local");

  private final List<String> renewals = new ArrayList<>();
  private final TlsMaterialHolder holder = new TlsMaterialHolder(
      TlsSettings.defaults("cluster.local"), new TlsMaterialHolder.Listener() {
        @Override
        public void installed(TlsContexts contexts) {}

        @Override
        public void rejected(TlsMaterial material, InvalidTlsMaterialException error) {}
      });
  private final OwnCertificateRevocation own = new OwnCertificateRevocation(holder,
      new CertificateSource() {
        @Override
        public void start(TlsMaterialSink sink) {}

        @Override
        public void renewNow(String why) {
          renewals.add(why);
        }

        @Override
        public void close() {}
      });

  @Test
  void aRevokedOwnSerialAsksForOneRenewalHoweverManyConfigurationsRepeatIt() throws Exception {
    BigInteger serial = serve();
    Revocations revoked = new Revocations(Set.of(serial), Set.of());

    own.check(Revocations.NONE);
    own.check(new Revocations(Set.of(serial.add(BigInteger.ONE)), Set.of()));
    assertThat(renewals).isEmpty();

    own.check(revoked);
    own.check(revoked);
    assertThat(renewals).singleElement().asString().contains(serial.toString(16))
        .contains("shop/sa/cart");

    BigInteger renewed = serve();
    own.check(new Revocations(Set.of(serial, renewed), Set.of())); // the new one too
    assertThat(renewals).hasSize(2);
  }

  @Test
  void aSuspendedOwnIdentityIsNotRenewedUntilTheSuspensionIsLifted() throws Exception {
    BigInteger serial = serve();
    SpiffeId me = holder.current().orElseThrow().identity();

    own.check(new Revocations(Set.of(serial), Set.of(me)));
    assertThat(renewals).as("the CA would refuse").isEmpty();

    own.check(new Revocations(Set.of(serial), Set.of()));
    assertThat(renewals).hasSize(1);
  }

  @Test
  void nothingToDoBeforeTheFirstCertificate() {
    own.check(new Revocations(Set.of(BigInteger.ONE), Set.of()));
    assertThat(renewals).isEmpty();
  }

  private BigInteger serve() throws Exception {
    TlsMaterial material = TestMaterial.of(CA, "shop", "cart");
    holder.publish(material);
    return material.leaf().getSerialNumber();
  }
}
