package dev.palisade.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadIdentityTest {

  @Test
  void roundTrips() {
    WorkloadIdentity id = WorkloadIdentity.parse("spiffe://cluster.local/ns/shop/sa/cart.v2");
    assertThat(id).isEqualTo(new WorkloadIdentity("cluster.local", "shop", "cart.v2"));
    assertThat(id).hasToString("spiffe://cluster.local/ns/shop/sa/cart.v2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "spiffe://td/ns/shop",                 // no service account
      "spiffe://td/ns/shop/sa/cart/extra",   // too many segments
      "spiffe://td/sa/cart/ns/shop",         // segments swapped
      "spiffe://td/namespace/shop/sa/cart",  // wrong keyword
  })
  void requiresTheExactShape(String text) {
    assertThatThrownBy(() -> WorkloadIdentity.parse(text))
        .hasMessageContaining("spiffe://<trust domain>/ns/<namespace>/sa/<service account>");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "spiffe://td/ns/Shop/sa/cart",         // namespaces are lowercase
      "spiffe://td/ns/-shop/sa/cart",        // and start with an alphanumeric
      "spiffe://td/ns/shop/sa/Cart",
      "spiffe://td/ns/shop/sa/cart_1",
  })
  void requiresKubernetesNames(String text) {
    assertThatThrownBy(() -> WorkloadIdentity.parse(text))
        .isInstanceOf(InvalidSpiffeIdException.class)
        .hasMessageContaining("not a valid Kubernetes");
  }
}
