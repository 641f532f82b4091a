package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv4CidrTest {

  @ParameterizedTest
  @CsvSource({
      "198.18.5.0/24, 198.18.5.0/24",
      "10.96.0.10, 10.96.0.10/32",
      "0.0.0.0/0, 0.0.0.0/0",
      "255.255.255.255/32, 255.255.255.255/32",
      "192.168.0.0/16, 192.168.0.0/16",
      "172.16.0.0/12, 172.16.0.0/12",
  })
  void parsesToCanonicalForm(String text, String canonical) {
    assertThat(Ipv4Cidr.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "198.18.5.1/24   | invalid CIDR \"198.18.5.1/24\": host bits are set; the network is 198.18.5.0/24",
      "198.18.5.0/33   | invalid CIDR \"198.18.5.0/33\": prefix length 33 is out of range 0..32",
      "198.18.5.0/024  | invalid CIDR \"198.18.5.0/024\": prefix length 024 is out of range 0..32",
      "198.18.300.0/24 | invalid CIDR \"198.18.300.0/24\": octet 300 is out of range 0..255",
      "198.18.05.0/24  | invalid CIDR \"198.18.05.0/24\": octet \"05\" has a leading zero",
      "198.18.5/24     | invalid CIDR \"198.18.5/24\": expected an IPv4 network like 10.96.0.0/12 or an address like 10.96.0.10",
      "example.com     | invalid CIDR \"example.com\": expected an IPv4 network like 10.96.0.0/12 or an address like 10.96.0.10",
      "198.18.5.0/     | invalid CIDR \"198.18.5.0/\": expected an IPv4 network like 10.96.0.0/12 or an address like 10.96.0.10",
      "-1.0.0.0/8      | invalid CIDR \"-1.0.0.0/8\": expected an IPv4 network like 10.96.0.0/12 or an address like 10.96.0.10",
      "fd00::/8        | invalid CIDR \"fd00::/8\": IPv6 is not supported; Palisade intercepts IPv4 only",
  })
  void refusesWithAMessageNamingTheProblem(String text, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Cidr.parse(text)).withMessage(message);
  }
}
