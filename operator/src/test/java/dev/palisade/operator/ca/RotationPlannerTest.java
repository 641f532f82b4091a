package dev.palisade.operator.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.operator.ca.CaSettings.GeneratedRoot;
import dev.palisade.operator.ca.CaSettings.ImportedRoot;
import dev.palisade.operator.ca.RotationPlanner.Plan;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rotation sequence, step by step, with a fixed clock. */
class RotationPlannerTest {

  private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
  private static final Duration PROPAGATION = Duration.ofMinutes(10);
  private static final Duration WORKLOAD_LIFETIME = Duration.ofHours(1);

  private static CaSettings generated(Duration rootLifetime, Duration rootRenewBefore,
      Duration issuerLifetime, Duration issuerRenewBefore) {
    return new CaSettings("cluster.local",
        new GeneratedRoot(KeyType.ECDSA_P256, rootLifetime, rootRenewBefore),
        KeyType.ECDSA_P256, issuerLifetime, issuerRenewBefore, WORKLOAD_LIFETIME, PROPAGATION);
  }

  private static final CaSettings DEFAULTS = generated(Duration.ofHours(87600),
      Duration.ofHours(8760), Duration.ofHours(2160), Duration.ofHours(720));

  @Test
  void bootstrapCreatesARootAndAnIssuerUnderIt() {
    Plan plan = RotationPlanner.plan(Optional.empty(), DEFAULTS, T0);

    assertThat(plan.changes()).containsExactly(CaChange.ROOT_CREATED, CaChange.ISSUER_ISSUED);
    CaState state = plan.state();
    assertThat(state.roots()).hasSize(1);
    assertThat(state.newestRootKey()).isNotNull();
    assertThat(state.issuerUnderNewestRoot()).isTrue();
    assertThat(state.issuer().certificate().getIssuerX500Principal())
        .isEqualTo(state.newestRoot().getSubjectX500Principal());
    assertThat(state.workloadLifetime()).isEqualTo(WORKLOAD_LIFETIME);
    assertThat(plan.nextCheck()).as("issuer renewal point")
        .isEqualTo(T0.plus(Duration.ofHours(2160 - 720)));
  }

  @Test
  void nothingChangesBetweenRenewalPoints() {
    CaState state = RotationPlanner.plan(Optional.empty(), DEFAULTS, T0).state();
    Plan later = RotationPlanner.plan(Optional.of(state), DEFAULTS, T0.plus(Duration.ofDays(30)));
    assertThat(later.changes()).isEmpty();
    assertThat(later.state().issuer()).isSameAs(state.issuer());
    assertThat(later.state().roots()).isEqualTo(state.roots());
  }

  @Test
  void issuerIsReissuedUnderTheSameRootAtItsRenewalPoint() {
    CaState state = RotationPlanner.plan(Optional.empty(), DEFAULTS, T0).state();
    Instant renewal = T0.plus(Duration.ofHours(2160 - 720));

    assertThat(RotationPlanner.plan(Optional.of(state), DEFAULTS, renewal.minusSeconds(1))
        .changes()).isEmpty();
    Plan plan = RotationPlanner.plan(Optional.of(state), DEFAULTS, renewal);
    assertThat(plan.changes()).containsExactly(CaChange.ISSUER_ISSUED);
    assertThat(plan.state().roots()).isEqualTo(state.roots());
    assertThat(plan.state().issuer().certificate()).isNotEqualTo(state.issuer().certificate());
    assertThat(plan.state().issuer().certificate().getNotBefore().toInstant())
        .isEqualTo(renewal.minus(X509Profiles.CLOCK_SKEW));
  }

  @Test
  void generatedRootRotatesWithOverlapUntilEveryLeafHasMoved() {
    CaSettings settings = generated(Duration.ofHours(48), Duration.ofHours(24),
        Duration.ofHours(30), Duration.ofHours(1));
    CaState start = RotationPlanner.plan(Optional.empty(), settings, T0).state();
    X509Certificate oldRoot = start.newestRoot();
    Instant rootRenewal = T0.plus(Duration.ofHours(24));

    // 1. The root reaches its renewal point: a new root joins the bundle; leaves keep the old chain.
    Plan added = RotationPlanner.plan(Optional.of(start), settings, rootRenewal);
    assertThat(added.changes()).containsExactly(CaChange.ROOT_ROTATION_STARTED);
    assertThat(added.state().roots()).hasSize(2).startsWith(oldRoot);
    assertThat(added.state().issuer()).isSameAs(start.issuer());
    assertThat(added.nextCheck()).isEqualTo(rootRenewal.plus(PROPAGATION));

    // 2. While the new root propagates, nothing moves.
    Plan propagating = RotationPlanner.plan(Optional.of(added.state()), settings,
        rootRenewal.plus(PROPAGATION).minusSeconds(1));
    assertThat(propagating.changes()).isEmpty();
    assertThat(propagating.state().issuerUnderNewestRoot()).isFalse();

    // 3. Propagated: a new issuer under the new root; both roots still trusted.
    Instant switchAt = rootRenewal.plus(PROPAGATION);
    Plan switched = RotationPlanner.plan(Optional.of(propagating.state()), settings, switchAt);
    assertThat(switched.changes()).containsExactly(CaChange.ISSUER_ISSUED);
    assertThat(switched.state().issuerUnderNewestRoot()).isTrue();
    assertThat(switched.state().roots()).hasSize(2);
    assertThat(switched.state().issuerSwitchedAt()).isEqualTo(switchAt);
    assertThat(switched.nextCheck()).isEqualTo(switchAt.plus(WORKLOAD_LIFETIME));

    // 4. Leaves issued before the switch may live until switch + workload lifetime.
    Plan overlapping = RotationPlanner.plan(Optional.of(switched.state()), settings,
        switchAt.plus(WORKLOAD_LIFETIME).minusSeconds(1));
    assertThat(overlapping.changes()).isEmpty();
    assertThat(overlapping.state().roots()).hasSize(2);

    // 5. Then the old root leaves the bundle.
    Plan retired = RotationPlanner.plan(Optional.of(overlapping.state()), settings,
        switchAt.plus(WORKLOAD_LIFETIME));
    assertThat(retired.changes()).containsExactly(CaChange.OLD_ROOTS_RETIRED);
    assertThat(retired.state().roots()).containsExactly(switched.state().newestRoot());
    assertThat(retired.state().roots()).doesNotContain(oldRoot);
  }

  @Test
  void changingTheImportedRootRotatesTheSameWay() {
    ImportedRoot first = importedRoot();
    ImportedRoot second = importedRoot();
    CaState start = RotationPlanner.plan(Optional.empty(), imported(first), T0).state();
    assertThat(start.roots()).containsExactly(first.certificate());

    Instant change = T0.plus(Duration.ofDays(1));
    Plan added = RotationPlanner.plan(Optional.of(withoutRootKey(start)), imported(second), change);
    assertThat(added.changes()).containsExactly(CaChange.ROOT_ROTATION_STARTED);
    assertThat(added.state().roots()).containsExactly(first.certificate(), second.certificate());

    Plan switched = RotationPlanner.plan(Optional.of(withoutRootKey(added.state())),
        imported(second), change.plus(PROPAGATION));
    assertThat(switched.changes()).containsExactly(CaChange.ISSUER_ISSUED);
    assertThat(switched.state().issuer().root()).isEqualTo(second.certificate());

    Plan retired = RotationPlanner.plan(Optional.of(withoutRootKey(switched.state())),
        imported(second), change.plus(PROPAGATION).plus(WORKLOAD_LIFETIME));
    assertThat(retired.state().roots()).containsExactly(second.certificate());
  }

  @Test
  void anIssuerDueDuringPropagationWaitsForTheNewRootRatherThanRenewingUnderTheOld() {
    CaSettings settings = generated(Duration.ofHours(48), Duration.ofHours(24),
        Duration.ofHours(30), Duration.ofHours(6)); // issuer renewal at T0+24h, with the root's
    CaState start = RotationPlanner.plan(Optional.empty(), settings, T0).state();
    Plan added = RotationPlanner.plan(Optional.of(start), settings, T0.plus(Duration.ofHours(24)));
    assertThat(added.changes()).containsExactly(CaChange.ROOT_ROTATION_STARTED);
    Plan switched = RotationPlanner.plan(Optional.of(added.state()), settings,
        T0.plus(Duration.ofHours(24)).plus(PROPAGATION));
    assertThat(switched.changes()).containsExactly(CaChange.ISSUER_ISSUED);
    assertThat(switched.state().issuerUnderNewestRoot()).isTrue();
  }

  private static CaSettings imported(ImportedRoot root) {
    return new CaSettings("cluster.local", root, KeyType.ECDSA_P256, Duration.ofHours(2160),
        Duration.ofHours(720), WORKLOAD_LIFETIME, PROPAGATION);
  }

  private static ImportedRoot importedRoot() {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    return new ImportedRoot(X509Profiles.root(keys, "cluster.local", T0.minus(Duration.ofDays(1)),
        Duration.ofDays(3650)), keys.getPrivate());
  }

  /** What the reconciler persists for an imported root: no key. */
  private static CaState withoutRootKey(CaState state) {
    return new CaState(state.trustDomain(), state.roots(), null, state.issuer(),
        state.newestRootAddedAt(), state.issuerSwitchedAt(), state.workloadLifetime());
  }
}
