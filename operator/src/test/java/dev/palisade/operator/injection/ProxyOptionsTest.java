package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The annotation rules, which must match what {@code palisade-proxy init} accepts. */
class ProxyOptionsTest {

  private static final InjectionSettings DEFAULTS = PodInjectorGoldenTest.SETTINGS;

  @Test
  void noAnnotationsMeanNoExclusionsAndTheDefaultResources() throws Exception {
    ProxyOptions options = ProxyOptions.from(Map.of(), DEFAULTS);

    assertThat(options).isEqualTo(new ProxyOptions(List.of(), List.of(), List.of(), "100m", "128Mi"));
  }

  @Test
  void listsAreSortedDeduplicatedAndCanonical() throws Exception {
    ProxyOptions options = ProxyOptions.from(Map.of(
        InjectionContract.EXCLUDE_INBOUND_PORTS, " 8081,22 ,, 8081,65535,1",
        InjectionContract.EXCLUDE_OUTBOUND_PORTS, "",
        InjectionContract.EXCLUDE_OUTBOUND_CIDRS, "10.0.0.10, 0.0.0.0/0,10.96.0.0/12,10.0.0.10/32"),
        DEFAULTS);

    assertThat(options.excludeInboundPorts()).containsExactly(1, 22, 8081, 65535);
    assertThat(options.excludeOutboundPorts()).isEmpty();
    assertThat(options.excludeOutboundCidrs())
        .containsExactly("0.0.0.0/0", "10.0.0.10/32", "10.96.0.0/12");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "http", "-1", "80-90", "1e3", "99999999999", "8080/tcp"})
  void badPortsAreRefusedNamingTheAnnotationAndTheItem(String port) {
    assertThatThrownBy(() -> ProxyOptions.from(
        Map.of(InjectionContract.EXCLUDE_OUTBOUND_PORTS, "22," + port), DEFAULTS))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessage("annotation palisade.dev/exclude-outbound-ports: \"22," + port + "\": '"
            + port + "' is not a port (1..65535); write ports separated by commas, like 22,8081");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1/24  | has host bits set; the network is 10.0.0.0/24",
      "fd00::/8     | is IPv6; Palisade intercepts IPv4 only",
      "10.0.0.0/33  | has prefix length 33 out of range 0..32",
      "10.0.0.0/08  | has prefix length 08 out of range 0..32",
      "010.0.0.0/8  | has octet \"010\" with a leading zero",
      "256.0.0.0/8  | has octet 256 out of range 0..255",
      "10.0.0/8     | is not an IPv4 network",
      "example.com  | is not an IPv4 network"})
  void badCidrsAreRefusedSayingWhatIsWrong(String cidr, String problem) {
    assertThatThrownBy(() -> ProxyOptions.from(
        Map.of(InjectionContract.EXCLUDE_OUTBOUND_CIDRS, cidr), DEFAULTS))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageStartingWith("annotation palisade.dev/exclude-outbound-cidrs: \"" + cidr
            + "\": \"" + cidr + "\" " + problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"100m", "0.5", "2", ".25", "1e3", "64Mi", "1Gi", "500M", "1.5Gi"})
  void quantitiesAreAccepted(String quantity) throws Exception {
    ProxyOptions options = ProxyOptions.from(Map.of(InjectionContract.PROXY_CPU, quantity,
        InjectionContract.PROXY_MEMORY, quantity), DEFAULTS);

    assertThat(options.cpu()).isEqualTo(quantity);
    assertThat(options.memory()).isEqualTo(quantity);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lots", "0", "0Mi", "-100m", "100 m", "64MB", "1.2.3", "e3", "0e3"})
  void otherQuantitiesAreRefused(String quantity) {
    assertThatThrownBy(() -> ProxyOptions.from(Map.of(InjectionContract.PROXY_CPU, quantity),
        DEFAULTS))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("annotation palisade.dev/proxy-cpu")
        .hasMessageContaining("not a positive Kubernetes quantity");
  }
}
