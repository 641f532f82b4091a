package dev.palisade.operator.ca;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.time.Renewal;
import dev.palisade.operator.ca.CaSettings.GeneratedRoot;
import dev.palisade.operator.ca.CaSettings.ImportedRoot;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides, from the persisted CA state, the TrustDomain's settings and the time, what the CA
 * should be now. The whole rotation sequence lives here, with the clock passed in:
 *
 * <ol>
 *   <li>No state: create (or import) the root and an issuer under it.
 *   <li>Root due (generated: {@code renewBefore} ahead of expiry; imported: the Secret holds a
 *       different CA): add the new root to the bundle, which now carries old and new.
 *   <li>Once the new root has been in the bundle for {@code bundlePropagation}: issue a new
 *       issuer under it. New leaves chain to the new root; old leaves still verify.
 *   <li>Once every leaf issued before the switch has expired (switch + workload lifetime): drop
 *       the old roots from the bundle.
 * </ol>
 *
 * <p>The issuer is also re-issued at its own renewal point, under the newest root.
 */
public final class RotationPlanner {

  private RotationPlanner() {}

  /** The state to persist, what changed, and when to look again. */
  public record Plan(CaState state, List<CaChange> changes, Instant nextCheck) {
    public boolean changed() {
      return !changes.isEmpty();
    }
  }

  public static Plan plan(Optional<CaState> current, CaSettings settings, Instant now) {
    List<CaChange> changes = new ArrayList<>();
    CaState state = current.map(s -> withImportedKey(withRoots(s, liveRoots(s, now)), settings))
        .orElseGet(() -> firstRoot(settings, now, changes));
    state = rotateRootIfDue(state, settings, now, changes);
    state = issueIssuerIfDue(state, settings, now, changes);
    state = retireOldRootsIfDone(state, now, changes);
    state = new CaState(state.trustDomain(), state.roots(), state.newestRootKey(), state.issuer(),
        state.newestRootAddedAt(), state.issuerSwitchedAt(), settings.workloadLifetime());
    return new Plan(state, List.copyOf(changes), nextCheck(state, settings, now));
  }

  private static CaState firstRoot(CaSettings settings, Instant now, List<CaChange> changes) {
    changes.add(CaChange.ROOT_CREATED);
    NewRoot root = newRoot(settings, now);
    return new CaState(settings.trustDomain(), List.of(root.certificate()), root.key(), null, now,
        null, settings.workloadLifetime());
  }

  private static CaState rotateRootIfDue(CaState state, CaSettings settings, Instant now,
      List<CaChange> changes) {
    boolean due = switch (settings.root()) {
      case GeneratedRoot generated -> state.roots().size() == 1
          && !now.isBefore(rootRenewal(state.newestRoot(), generated));
      case ImportedRoot imported -> !imported.certificate().equals(state.newestRoot());
    };
    if (!due) {
      return state;
    }
    changes.add(CaChange.ROOT_ROTATION_STARTED);
    NewRoot root = newRoot(settings, now);
    List<X509Certificate> roots = new ArrayList<>(state.roots());
    roots.add(root.certificate());
    return new CaState(state.trustDomain(), roots, root.key(), state.issuer(), now, null,
        state.workloadLifetime());
  }

  private static CaState issueIssuerIfDue(CaState state, CaSettings settings, Instant now,
      List<CaChange> changes) {
    Issuer issuer = state.issuer();
    boolean propagated = state.roots().size() == 1
        || !now.isBefore(state.newestRootAddedAt().plus(settings.bundlePropagation()));
    boolean due = issuer == null
        || !now.isBefore(issuer.certificate().getNotAfter().toInstant())
        || (propagated && (!state.issuerUnderNewestRoot() || !now.isBefore(issuerRenewal(issuer, settings))));
    if (!due) {
      return state;
    }
    changes.add(CaChange.ISSUER_ISSUED);
    Issuer next = new Issuer(state.newestRoot(), state.newestRootKey(), List.of())
        .newIntermediate(settings.issuerKeyType(), state.trustDomain(), now,
            settings.issuerLifetime());
    Instant switchedAt = state.issuerUnderNewestRoot() || state.roots().size() == 1
        ? state.issuerSwitchedAt() : now;
    return new CaState(state.trustDomain(), state.roots(), state.newestRootKey(), next,
        state.newestRootAddedAt(), switchedAt, state.workloadLifetime());
  }

  private static CaState retireOldRootsIfDone(CaState state, Instant now, List<CaChange> changes) {
    if (state.roots().size() == 1 || state.issuerSwitchedAt() == null
        || now.isBefore(state.issuerSwitchedAt().plus(state.workloadLifetime()))) {
      return state;
    }
    changes.add(CaChange.OLD_ROOTS_RETIRED);
    return new CaState(state.trustDomain(), List.of(state.newestRoot()), state.newestRootKey(),
        state.issuer(), state.newestRootAddedAt(), null, state.workloadLifetime());
  }

  private static Instant nextCheck(CaState state, CaSettings settings, Instant now) {
    Stream.Builder<Instant> candidates = Stream.builder();
    if (settings.root() instanceof GeneratedRoot generated && state.roots().size() == 1) {
      candidates.add(rootRenewal(state.newestRoot(), generated));
    }
    if (state.roots().size() > 1) {
      candidates.add(state.newestRootAddedAt().plus(settings.bundlePropagation()));
      if (state.issuerSwitchedAt() != null) {
        candidates.add(state.issuerSwitchedAt().plus(state.workloadLifetime()));
      }
    }
    candidates.add(issuerRenewal(state.issuer(), settings));
    state.roots().forEach(root -> candidates.add(root.getNotAfter().toInstant()));
    return candidates.build().filter(now::isBefore).min(Comparator.naturalOrder())
        .orElse(now.plus(settings.bundlePropagation()));
  }

  /** Drops expired roots, but never the newest: an expired newest root is replaced instead. */
  private static List<X509Certificate> liveRoots(CaState state, Instant now) {
    List<X509Certificate> live = new ArrayList<>();
    for (X509Certificate root : state.roots()) {
      if (root == state.newestRoot() || now.isBefore(root.getNotAfter().toInstant())) {
        live.add(root);
      }
    }
    return live;
  }

  private static CaState withRoots(CaState state, List<X509Certificate> roots) {
    return new CaState(state.trustDomain(), roots, state.newestRootKey(), state.issuer(),
        state.newestRootAddedAt(), state.issuerSwitchedAt(), state.workloadLifetime());
  }

  /** An imported root's key is not persisted with the state; it is read from the user's Secret. */
  private static CaState withImportedKey(CaState state, CaSettings settings) {
    if (settings.root() instanceof ImportedRoot imported
        && imported.certificate().equals(state.newestRoot())) {
      return new CaState(state.trustDomain(), state.roots(), imported.key(), state.issuer(),
          state.newestRootAddedAt(), state.issuerSwitchedAt(), state.workloadLifetime());
    }
    return state;
  }

  private record NewRoot(X509Certificate certificate, PrivateKey key) {}

  private static NewRoot newRoot(CaSettings settings, Instant now) {
    return switch (settings.root()) {
      case GeneratedRoot generated -> {
        Issuer root = Issuer.newRoot(generated.keyType(), settings.trustDomain(), now,
            generated.lifetime());
        yield new NewRoot(root.certificate(), root.key());
      }
      case ImportedRoot imported -> new NewRoot(imported.certificate(), imported.key());
    };
  }

  private static Instant rootRenewal(X509Certificate root, GeneratedRoot settings) {
    return Renewal.renewalTime(root.getNotBefore().toInstant(), root.getNotAfter().toInstant(),
        settings.renewBefore());
  }

  private static Instant issuerRenewal(Issuer issuer, CaSettings settings) {
    X509Certificate certificate = issuer.certificate();
    return Renewal.renewalTime(certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(), settings.issuerRenewBefore());
  }
}
