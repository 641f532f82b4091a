package dev.palisade.operator.ca;

import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The CAs this replica can sign with, read from the CA Secrets the leader writes. Every replica
 * runs one (it does not need leadership), so signing scales with replicas. Parsed state is cached
 * per Secret resourceVersion: a signature costs no PEM parsing.
 */
public final class CaRegistry {

  private final Clock clock;
  private final Supplier<Collection<Secret>> caSecrets;
  private final ConcurrentMap<String, Parsed> parsed = new ConcurrentHashMap<>();

  private record Parsed(String resourceVersion, CaState state) {}

  /**
   * A registry over the CA Secrets {@code caSecrets} lists: the operator's one informer on them
   * ({@code dev.palisade.operator.watch.CaSecretWatch}), whose listeners run after its store
   * holds a change, so a reconciler woken by a change reads it here.
   */
  public CaRegistry(Supplier<Collection<Secret>> caSecrets, Clock clock) {
    this.caSecrets = caSecrets;
    this.clock = clock;
  }

  /** The CA of {@code trustDomain}, resolved at each call, so it appears once the leader makes it. */
  public CertificateAuthority authorityFor(String trustDomain) {
    return new RegistryAuthority(trustDomain);
  }

  /** The current state of {@code trustDomain}'s CA, if its Secret exists and is readable. */
  public Optional<CaState> state(String trustDomain) {
    // Two CA Secrets for one trust domain come only from installs before DuplicateTrustDomain
    // was refused: the oldest wins, as its TrustDomain does, never a random one.
    return caSecrets.get().stream()
        .filter(secret -> trustDomain.equals(annotation(secret)))
        .min(Comparator.comparing((Secret secret) -> java.util.Objects.requireNonNullElse(
            secret.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(secret -> secret.getMetadata().getName()))
        .map(this::parse);
  }

  /** Every root of every trust domain, for the trust bundle ConfigMaps; deterministic order. */
  public List<X509Certificate> allRoots() {
    List<X509Certificate> roots = new ArrayList<>();
    caSecrets.get().stream()
        .sorted(Comparator.comparing(secret -> secret.getMetadata().getName()))
        .forEach(secret -> {
          try {
            roots.addAll(parse(secret).roots());
          } catch (RuntimeException e) {
            // an unreadable CA Secret is reported on its TrustDomain; the others still count
          }
        });
    return roots;
  }

  /**
   * A leaf for {@code identity} valid for {@code lifetime} (null: the trust domain's workload
   * lifetime).
   */
  public SignedCertificate signWorkload(PublicKey key, WorkloadIdentity identity, Duration lifetime)
      throws CaUnavailableException {
    CaState state = usable(identity.trustDomain());
    X509Certificate leaf = X509Profiles.workload(key, identity, state.issuer(), clock.instant(),
        lifetime != null ? lifetime : state.workloadLifetime());
    return new SignedCertificate(leaf, state.issuer().intermediates(), state.roots());
  }

  private CaState usable(String trustDomain) throws CaUnavailableException {
    CaState state;
    try {
      state = state(trustDomain).orElseThrow(() -> new CaUnavailableException(
          "no CA for trust domain " + trustDomain + " yet: is there a TrustDomain for it?"));
    } catch (RuntimeException e) {
      throw new CaUnavailableException("the CA Secret of " + trustDomain + " is unreadable");
    }
    if (!clock.instant().isBefore(state.issuer().certificate().getNotAfter().toInstant())) {
      throw new CaUnavailableException("the issuer of " + trustDomain + " has expired");
    }
    return state;
  }

  private CaState parse(Secret secret) {
    String version = secret.getMetadata().getResourceVersion();
    return parsed.compute(secret.getMetadata().getName(), (name, cached) ->
        cached != null && cached.resourceVersion().equals(version)
            ? cached : new Parsed(version, CaSecrets.fromSecret(secret))).state();
  }

  private static String annotation(Secret secret) {
    var annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(CaSecrets.ANNOTATION_TRUST_DOMAIN);
  }


  private final class RegistryAuthority implements CertificateAuthority {
    private final String trustDomain;

    RegistryAuthority(String trustDomain) {
      this.trustDomain = trustDomain;
    }

    @Override
    public String trustDomain() {
      return trustDomain;
    }

    @Override
    public SignedCertificate signWorkload(PublicKey key, WorkloadIdentity identity)
        throws CaUnavailableException {
      return CaRegistry.this.signWorkload(key, identity, null);
    }

    @Override
    public SignedCertificate signServer(PublicKey key, WorkloadIdentity identity,
        List<String> dnsNames) throws CaUnavailableException {
      CaState state = usable(trustDomain);
      X509Certificate leaf = X509Profiles.server(key, identity, dnsNames, state.issuer(),
          clock.instant(), state.workloadLifetime());
      return new SignedCertificate(leaf, state.issuer().intermediates(), state.roots());
    }

    @Override
    public java.time.Instant issuerNotAfter() throws CaUnavailableException {
      return usable(trustDomain).issuer().certificate().getNotAfter().toInstant();
    }

    @Override
    public List<X509Certificate> trustBundle() throws CaUnavailableException {
      return usable(trustDomain).roots();
    }
  }
}
