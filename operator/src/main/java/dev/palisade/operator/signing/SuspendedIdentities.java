package dev.palisade.operator.signing;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.Optional;

/** Which identities the CA must not sign for now: those an IdentitySuspension names. */
@FunctionalInterface
public interface SuspendedIdentities {

  SuspendedIdentities NONE = identity -> Optional.empty();

  /** The name of the IdentitySuspension in force for {@code identity}, if there is one. */
  Optional<String> suspendedBy(SpiffeId identity);
}
