package dev.palisade.operator.revocation;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a CertificateRevocation or IdentitySuspension says, read defensively (the API server
 * validated it, but an object written before a CRD upgrade may not be): which serial or
 * identity, and until when. Pure.
 */
public final class RevocationTerms {
  private RevocationTerms() {}

  public static Optional<BigInteger> serial(CertificateRevocation revocation) {
    try {
      return Optional.of(SerialNumbers.parse(revocation.getSpec().serialNumber));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  public static Optional<SpiffeId> identity(IdentitySuspension suspension) {
    try {
      return Optional.of(SpiffeId.parse(suspension.getSpec().spiffeId));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /**
   * When the revocation ends: the certificate's notAfter if the spec gives it; else the bound
   * its status recorded; else when the issuer expires (no certificate it signed before the
   * revocation can be valid after that). Empty while none is known: in force until one is.
   */
  public static Optional<Instant> expiresAt(CertificateRevocation revocation,
      Optional<Instant> issuerNotAfter) {
    Optional<Instant> given = instant(revocation.getSpec().expiresAt);
    if (given.isPresent()) {
      return given;
    }
    Optional<Instant> recorded = revocation.getStatus() == null ? Optional.empty()
        : instant(revocation.getStatus().expiresAt);
    return recorded.isPresent() ? recorded : issuerNotAfter;
  }

  public static boolean inForce(CertificateRevocation revocation, Instant now,
      Optional<Instant> issuerNotAfter) {
    return expiresAt(revocation, issuerNotAfter).map(now::isBefore).orElse(true);
  }

  private static Optional<Instant> instant(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
