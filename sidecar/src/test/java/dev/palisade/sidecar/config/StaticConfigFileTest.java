package dev.palisade.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticConfigFileTest {

  /** The example in docs/sidecar.md. */
  static final String EXAMPLE = """
      {
        "version": "7",
        "inbound": {
          "defaultMode": "STRICT",
          "portModes": {"9090": "PERMISSIVE", "8081": "DISABLE"},
          "rules": [
            {"policy": "shop/deny-legacy", "action": "DENY",
             "matches": [{"identities": ["spiffe://cluster.local/ns/legacy/*"]}]},
            {"policy": "shop/allow-frontend", "action": "ALLOW",
             "matches": [{"serviceAccounts": ["shop/frontend"], "ports": [8080]}]},
            {"policy": "shop/audit-all", "action": "AUDIT", "matches": [{}]}
          ]
        },
        "outbound": {
          "meshed": {"10.0.0.12:8080": "spiffe://cluster.local/ns/shop/sa/cart",
                     "10.0.0.13:*": "spiffe://cluster.local/ns/shop/sa/payments"},
          "requireMtls": true
        }
      }
      """;

  @Test
  void readsTheDocumentedExample() {
    SidecarConfig config = StaticConfigFile.parse(EXAMPLE);

    assertThat(config.version()).isEqualTo("7");
    assertThat(config.inbound().modeFor(9090)).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(config.inbound().modeFor(8081)).isEqualTo(MtlsMode.DISABLE);
    assertThat(config.inbound().modeFor(8080)).isEqualTo(MtlsMode.STRICT);
    assertThat(config.inbound().rules()).hasSize(3);
    var frontend = Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend"));
    var legacy = Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/legacy/sa/old"));
    assertThat(config.inbound().authorize(frontend, 8080).decision()).isEqualTo("audit");
    assertThat(config.inbound().authorize(frontend, 9090).allowed()).isFalse();
    assertThat(config.inbound().authorize(legacy, 8080).decidedBy())
        .isEqualTo("shop/deny-legacy");
    assertThat(config.outbound().expectedIdentity("10.0.0.13", 443))
        .contains(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/payments"));
    assertThat(config.outbound().requireMtls()).isTrue();
  }

  @Test
  void anEmptyObjectIsTheDefaults() {
    assertThat(StaticConfigFile.parse("{}")).isEqualTo(SidecarConfig.defaults());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"inbound": {"defaultmode": "STRICT"}}                     | inbound.defaultmode: unknown field (expected one of defaultMode, drainSeconds, portModes, rules)
      {"spiffeId": "spiffe://td/ns/a/sa/b"}                      | spiffeId: unknown field (expected one of inbound, outbound, version)
      {"inbound": {"defaultMode": "LOOSE"}}                      | inbound.defaultMode: 'LOOSE' is not one of [STRICT, PERMISSIVE, DISABLE]
      {"inbound": {"portModes": {"http": "STRICT"}}}             | inbound.portModes: 'http' is not a whole number
      {"inbound": {"portModes": {"0": "STRICT"}}}                | inbound.portModes.0: '0' is not a port (1..65535)
      {"inbound": {"rules": [{"action": "ALLOW", "matches": []}]}} | inbound.rules[0].policy: required
      {"inbound": {"rules": [{"policy": "p", "action": "ALLOW", "matches": []}, {"policy": "p", "action": "ALLOW", "matches": [{}, {"ports": [80, 70000]}]}]}} | inbound.rules[1].matches[1].ports[1]: '70000' is not a port (1..65535)
      {"inbound": {"rules": [{"policy": "p", "action": "ALLOW", "matches": [{"ports": [0]}]}]}} | inbound.rules[0].matches[0].ports[0]: '0' is not a port (1..65535)
      {"inbound": {"rules": [{"policy": "p", "action": "ALLOW", "matches": [{"ports": ["x"]}]}]}} | inbound.rules[0].matches[0].ports[0]: 'x' is not a whole number
      {"inbound": {"rules": [{"policy": "p", "action": "ALLOW", "matches": [{"identities": ["spiffe://td/*/x"]}]}]}} | inbound.rules[0].matches[0].identities[0]: '*' may only end
      {"outbound": {"meshed": {"10.0.0.1": "spiffe://td/ns/a/sa/b"}}}  | outbound.meshed.10.0.0.1: not a destination
      {"outbound": {"meshed": {"10.0.0.1:0": "spiffe://td/ns/a/sa/b"}}}  | outbound.meshed.10.0.0.1:0: '0' is not a port
      {"outbound": {"meshed": {"10.0.0.1:80": "https://x"}}}     | outbound.meshed.10.0.0.1:80: SPIFFE ID must start with
      {"outbound": {"destinations": "/v1/destinations"}}         | outbound.destinations: only the operator's
      {"outbound": {"requireMtls": "yes"}}                       | outbound.requireMtls: 'yes' is not true or false
      [1, 2]                                                     | $: expected an object
      {"inbound":                                                | not JSON
      """)
  void mistakesAreRefusedWithTheirPath(String json, String message) {
    assertThatThrownBy(() -> StaticConfigFile.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
