package dev.palisade.cli;

import dev.palisade.common.sidecar.SidecarContract;
import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;
import static dev.palisade.cli.CheckResult.skip;
import static dev.palisade.cli.CheckResult.warn;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.pki.Pem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The trust every workload depends on: each TrustDomain Ready and far from expiry, and the trust
 * bundle ConfigMap in every labelled namespace.
 */
final class TrustChecks {

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;

  TrustChecks(KubernetesClient client, Installation installation, Clock clock) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
  }

  /** As the alerts: warn a month before the root expires, two weeks before the issuer; fail 3 days. */
  static final Duration ROOT_WARNING = Duration.ofDays(30);
  static final Duration ISSUER_WARNING = Duration.ofDays(14);
  static final Duration CRITICAL = Duration.ofDays(3);

  /** Each TrustDomain Ready, with root and issuer far enough from expiry. */
  List<CheckResult> trustDomains(List<TrustDomain> trustDomains) {
    List<CheckResult> results = new ArrayList<>();
    String operatorDomain = installation.trustDomain();
    if (trustDomains.stream().noneMatch(td -> td.getSpec() != null
        && operatorDomain.equals(td.getSpec().trustDomain))) {
      results.add(fail("trustdomain", "no TrustDomain has spec.trustDomain " + operatorDomain
          + ", the operator's (PALISADE_TRUST_DOMAIN): nothing can be signed",
          "kubectl apply -f examples/10-trustdomain.yaml (with spec.trustDomain: " + operatorDomain
              + ")"));
    }
    Instant now = clock.instant();
    for (TrustDomain td : trustDomains) {
      String name = "trustdomain " + td.getMetadata().getName();
      var status = td.getStatus();
      Optional<Condition> ready = status == null ? Optional.empty()
          : status.conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
      if (ready.isEmpty() || !"True".equals(ready.get().getStatus())) {
        results.add(fail(name, "not Ready" + ready.map(c -> " (" + c.getReason() + ": "
                + c.getMessage() + ")").orElse(" (no Ready condition: is the operator running?)"),
            "kubectl describe trustdomain " + td.getMetadata().getName()
                + " (its Events say why); docs/ca.md#when-things-go-wrong"));
        continue;
      }
      List<String> problems = new ArrayList<>();
      boolean critical = false;
      for (var entry : List.of(Map.entry("root", ROOT_WARNING), Map.entry("issuer", ISSUER_WARNING))) {
        var summary = entry.getKey().equals("root") ? status.root : status.issuer;
        if (summary == null || summary.notAfter == null) {
          problems.add("status has no " + entry.getKey() + " expiry");
          continue;
        }
        Duration left = Duration.between(now, Instant.parse(summary.notAfter));
        if (left.compareTo(CRITICAL) < 0) {
          critical = true;
          problems.add(entry.getKey() + " expires in " + HumanDuration.of(left));
        } else if (left.compareTo(entry.getValue()) < 0) {
          problems.add(entry.getKey() + " expires in " + HumanDuration.of(left));
        }
      }
      String expiries = "root until " + (status.root == null ? "?" : status.root.notAfter)
          + ", issuer until " + (status.issuer == null ? "?" : status.issuer.notAfter);
      if (problems.isEmpty()) {
        results.add(ok(name, "Ready; " + expiries));
      } else if (critical) {
        results.add(fail(name, String.join("; ", problems), "rotation should have happened long"
            + " ago: kubectl describe trustdomain " + td.getMetadata().getName()
            + "; docs/ca.md#when-things-go-wrong"));
      } else {
        results.add(warn(name, String.join("; ", problems) + " (" + expiries + ")",
            "a generated root rotates a year before expiry and the issuer 30 days before; an"
                + " imported root when its Secret changes: see docs/ca.md"));
      }
    }
    return results;
  }


  /** The trust bundle ConfigMap in every labelled namespace, parseable, the operator's. */
  List<CheckResult> trustBundles(List<Namespace> labelled) {
    if (labelled.isEmpty()) {
      return List.of(skip("trust-bundles", "no labelled namespace"));
    }
    Set<String> published = bundleFingerprints(installation.namespace()).orElse(Set.of());
    List<String> missing = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (Namespace namespace : labelled) {
      String ns = namespace.getMetadata().getName();
      Optional<Set<String>> fingerprints = bundleFingerprints(ns);
      if (fingerprints.isEmpty()) {
        missing.add(ns);
      } else if (!published.isEmpty() && !fingerprints.get().equals(published)) {
        stale.add(ns);
      }
    }
    String hint = "the operator publishes ConfigMap " + SidecarContract.TRUST_BUNDLE_CONFIG_MAP
        + " (key " + SidecarContract.TRUST_BUNDLE_KEY + ") into every labelled namespace: check"
        + " that it runs and is leader (kubectl logs -n " + installation.namespace() + " deploy/"
        + Installation.OPERATOR + "); proxies cannot start without it";
    if (!missing.isEmpty()) {
      return List.of(fail("trust-bundles", "missing or without a PEM " + SidecarContract
          .TRUST_BUNDLE_KEY + " in " + String.join(", ", missing), hint));
    }
    if (!stale.isEmpty()) {
      return List.of(warn("trust-bundles", "differs from the one in " + installation.namespace()
          + " in " + String.join(", ", stale) + " (a rotation being propagated?)", hint));
    }
    return List.of(ok("trust-bundles", "present in all " + labelled.size()
        + " labelled namespace(s)"));
  }

  private Optional<Set<String>> bundleFingerprints(String namespace) {
    ConfigMap configMap = client.configMaps().inNamespace(namespace)
        .withName(SidecarContract.TRUST_BUNDLE_CONFIG_MAP).get();
    if (configMap == null || configMap.getData() == null
        || configMap.getData().get(SidecarContract.TRUST_BUNDLE_KEY) == null) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> certificates = Pem.parseCertificates(
          configMap.getData().get(SidecarContract.TRUST_BUNDLE_KEY));
      return certificates.isEmpty() ? Optional.empty() : Optional.of(certificates.stream()
          .map(WebhookChecks::fingerprint).collect(Collectors.toCollection(TreeSet::new)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

}
