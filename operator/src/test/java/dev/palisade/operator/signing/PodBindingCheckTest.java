package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** The checks on the bound pod, on pod objects as the API server returns them. */
class PodBindingCheckTest {

  private static final Caller CART = new Caller("shop", "cart", "cart-7d9f", "uid-1");

  @Test
  void aLivePodOfTheTokensServiceAccountPasses() {
    assertThatCode(() -> PodBindingCheck.check(CART, pod("uid-1", "cart", false)))
        .doesNotThrowAnyException();
  }

  @Test
  void eachCheckHasItsOwnReason() {
    assertRefused(null, SigningOutcome.POD_NOT_FOUND, "does not exist");
    assertRefused(pod("uid-2", "cart", false), SigningOutcome.POD_UID_MISMATCH, "replaced");
    assertRefused(pod("uid-1", "cart", true), SigningOutcome.POD_TERMINATING, "terminating");
    assertRefused(pod("uid-1", "billing", false), SigningOutcome.SERVICE_ACCOUNT_MISMATCH,
        "runs as service account billing, not cart");
    assertRefused(pod("uid-1", null, false), SigningOutcome.SERVICE_ACCOUNT_MISMATCH, "not cart");
  }

  @Test
  void aReplacedPodIsReportedAsSuchEvenIfItIsAlsoTerminating() {
    assertRefused(pod("uid-2", "billing", true), SigningOutcome.POD_UID_MISMATCH, "replaced");
  }

  private static Pod pod(String uid, String serviceAccount, boolean terminating) {
    return new PodBuilder()
        .withNewMetadata().withNamespace("shop").withName("cart-7d9f").withUid(uid)
        .withDeletionTimestamp(terminating ? "2026-11-27T12:00:00Z" : null).endMetadata()
        .withNewSpec().withServiceAccountName(serviceAccount).endSpec()
        .build();
  }

  private static void assertRefused(Pod pod, SigningOutcome outcome, String message) {
    assertThatThrownBy(() -> PodBindingCheck.check(CART, pod))
        .isInstanceOfSatisfying(SigningRejection.class,
            e -> assertThat(e.outcome()).isEqualTo(outcome))
        .hasMessageContaining(message);
  }
}
