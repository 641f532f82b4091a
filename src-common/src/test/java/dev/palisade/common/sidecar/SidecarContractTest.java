package dev.palisade.common.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.net.Port;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SidecarContractTest {

  /** docs/architecture.md, "The public contract". */
  @Test
  void thePortsAndUidAreThePublicContract() {
    assertThat(Set.of(Port.of(SidecarContract.OUTBOUND_PORT), Port.of(SidecarContract.INBOUND_PORT),
        Port.of(SidecarContract.ADMIN_PORT)))
        .containsExactlyInAnyOrder(Port.of(15001), Port.of(15006), Port.of(15020));
    assertThat(SidecarContract.PROXY_UID).isEqualTo(1337);
    assertThat(SidecarContract.TOKEN_AUDIENCE).isEqualTo("palisade");
    assertThat(SidecarContract.TRUST_BUNDLE_FILE).isEqualTo("/var/run/secrets/palisade/ca.crt");
  }
}
