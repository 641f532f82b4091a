package dev.palisade.common.config;

import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@link Revocations} on the wire, sorted so that equal sets serialize to equal bytes.
 *
 * @param serials revoked certificates, lower-case hex ({@link SerialNumbers#format})
 * @param identities suspended SPIFFE IDs
 */
public record RevocationsDocument(List<String> serials, List<String> identities) {

  /** Far more than an incident needs, and a bound on what a document can make a proxy hold. */
  public static final int MAX_ENTRIES = 10_000;

  public RevocationsDocument {
    serials = serials == null ? List.of() : List.copyOf(serials);
    identities = identities == null ? List.of() : List.copyOf(identities);
    if (serials.size() > MAX_ENTRIES || identities.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("at most " + MAX_ENTRIES + " serials and "
          + MAX_ENTRIES + " identities");
    }
    for (int i = 0; i < serials.size(); i++) {
      String serial = serials.get(i);
      Fields.check("serials[" + i + "]", () -> SerialNumbers.parse(serial));
    }
    for (int i = 0; i < identities.size(); i++) {
      String identity = identities.get(i);
      Fields.check("identities[" + i + "]", () -> SpiffeId.parse(identity));
    }
  }

  /** Null when there is nothing to say: documents without revocations read as before. */
  public static RevocationsDocument of(Revocations revocations) {
    if (revocations.isEmpty()) {
      return null;
    }
    return new RevocationsDocument(
        revocations.serials().stream().sorted().map(SerialNumbers::format).toList(),
        revocations.identities().stream().map(SpiffeId::toString)
            .collect(Collectors.toCollection(TreeSet::new)).stream().toList());
  }

  public Revocations toRevocations() {
    Set<BigInteger> parsedSerials = serials.stream().map(SerialNumbers::parse)
        .collect(Collectors.toSet());
    Set<SpiffeId> parsedIdentities = identities.stream().map(SpiffeId::parse)
        .collect(Collectors.toSet());
    return new Revocations(parsedSerials, parsedIdentities);
  }
}
