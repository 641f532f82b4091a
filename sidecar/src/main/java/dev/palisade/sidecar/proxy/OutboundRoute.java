package dev.palisade.sidecar.proxy;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.Set;

/** How an outbound connection leaves the pod, once known. */
sealed interface OutboundRoute {

  /**
   * Originate mTLS; the server must present one of {@code identities}. {@code onMismatch} runs
   * when it presents another (a looked-up answer is then dropped so the next connection asks
   * again).
   */
  record Meshed(Set<SpiffeId> identities, Runnable onMismatch) implements OutboundRoute {
    public Meshed {
      identities = Set.copyOf(identities);
    }
  }

  /** Outside the mesh: plaintext, or refused when the policy requires mTLS. */
  record NotMeshed(String reason) implements OutboundRoute {}

  /** Nobody could say; never guessed as plaintext. */
  record Unknown(String detail) implements OutboundRoute {}
}
