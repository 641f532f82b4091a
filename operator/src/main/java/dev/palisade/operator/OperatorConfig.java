package dev.palisade.operator;

import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.operator.injection.InjectionSettings;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator's settings, from environment variables the chart sets. The defaults of the names
 * are what the chart gives release {@code palisade}; the chart sets them for any release.
 *
 * @param namespace {@code PALISADE_NAMESPACE} (default {@code palisade-system}): CA Secrets,
 *     leases
 * @param serviceAccount {@code PALISADE_SERVICE_ACCOUNT} (default {@code palisade-operator}): the
 *     operator's own identity in its serving certificate
 * @param serviceName {@code PALISADE_SERVICE_NAME} (default {@code palisade-operator}): the
 *     Service whose DNS names the serving certificate carries
 * @param webhookConfiguration {@code PALISADE_WEBHOOK_CONFIGURATION} (default
 *     {@code palisade-inject}): the MutatingWebhookConfiguration whose caBundle it keeps
 * @param leaseName {@code PALISADE_LEASE_NAME} (default {@code palisade-operator}): the
 *     leader-election Lease in {@code namespace}
 * @param trustDomain {@code PALISADE_TRUST_DOMAIN} (default {@code cluster.local}): where it signs
 *     workload identities
 * @param bundlePropagation {@code PALISADE_BUNDLE_PROPAGATION} (default {@code 10m}): how long a
 *     new root is in the trust bundle before leaves chain to it
 * @param leaderElection {@code PALISADE_LEADER_ELECTION} (default {@code true})
 * @param httpsPort {@code PALISADE_HTTPS_PORT} (default 8443): /v1/certificates, /v1/config,
 *     /v1/destinations
 * @param adminPort {@code PALISADE_ADMIN_PORT} (default 9090): /metrics, /healthz, /readyz
 * @param injection {@code PALISADE_SIDECAR_*}, {@code PALISADE_PROXY_*},
 *     {@code PALISADE_OPERATOR_ENDPOINT}: what /mutate-pods injects (see {@link InjectionSettings})
 * @param certificateLimits {@code PALISADE_MIN_CERTIFICATE_LIFETIME},
 *     {@code PALISADE_MIN_RENEW_BEFORE}, {@code PALISADE_MIN_RENEWAL_INTERVAL} (see
 *     {@link CertificateLimits})
 * @param webhookPort {@code PALISADE_WEBHOOK_PORT} (default 8444): /mutate-pods, on a listener
 *     and event loop of its own so a flood of forged AdmissionReviews cannot starve signing
 */
public record OperatorConfig(String namespace, String serviceAccount, String serviceName,
    String webhookConfiguration, String leaseName, String trustDomain, Duration bundlePropagation,
    boolean leaderElection, int httpsPort, int adminPort, InjectionSettings injection,
    CertificateLimits certificateLimits, int webhookPort) {

  /** The settings with injection's defaults and the names of release {@code palisade}. */
  public OperatorConfig(String namespace, String serviceAccount, String serviceName,
      String trustDomain, Duration bundlePropagation, boolean leaderElection, int httpsPort,
      int adminPort) {
    this(namespace, serviceAccount, serviceName, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION,
        PalisadeOperator.Settings.DEFAULT_LEASE_NAME, trustDomain, bundlePropagation,
        leaderElection, httpsPort, adminPort,
        InjectionSettings.fromEnvironment(Map.of(), namespace, serviceName, trustDomain),
        CertificateLimits.DEFAULTS, httpsPort == 0 ? 0 : DEFAULT_WEBHOOK_PORT);
  }

  public static final int DEFAULT_WEBHOOK_PORT = 8444;

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    String namespace = env.getOrDefault("PALISADE_NAMESPACE", "palisade-system");
    String serviceName = env.getOrDefault("PALISADE_SERVICE_NAME", "palisade-operator");
    String trustDomain = env.getOrDefault("PALISADE_TRUST_DOMAIN", "cluster.local");
    return new OperatorConfig(
        namespace,
        env.getOrDefault("PALISADE_SERVICE_ACCOUNT", "palisade-operator"),
        serviceName,
        env.getOrDefault("PALISADE_WEBHOOK_CONFIGURATION",
            WebhookCaBundleReconciler.DEFAULT_CONFIGURATION),
        env.getOrDefault("PALISADE_LEASE_NAME", PalisadeOperator.Settings.DEFAULT_LEASE_NAME),
        trustDomain,
        KubeDuration.parse(env.getOrDefault("PALISADE_BUNDLE_PROPAGATION", "10m")),
        Boolean.parseBoolean(env.getOrDefault("PALISADE_LEADER_ELECTION", "true")),
        Integer.parseInt(env.getOrDefault("PALISADE_HTTPS_PORT", "8443")),
        Integer.parseInt(env.getOrDefault("PALISADE_ADMIN_PORT", "9090")),
        InjectionSettings.fromEnvironment(env, namespace, serviceName, trustDomain),
        CertificateLimits.fromEnvironment(env),
        Integer.parseInt(env.getOrDefault("PALISADE_WEBHOOK_PORT",
            String.valueOf(DEFAULT_WEBHOOK_PORT))));
  }

  /** What the reconcilers need of these settings. */
  public PalisadeOperator.Settings operatorSettings() {
    return new PalisadeOperator.Settings(namespace, bundlePropagation, leaderElection, trustDomain,
        webhookConfiguration, leaseName, certificateLimits);
  }

  /** The names clients dial the operator by: its Service's, and localhost for local runs. */
  public List<String> dnsNames() {
    return List.of(serviceName, serviceName + "." + namespace, serviceName + "." + namespace + ".svc",
        serviceName + "." + namespace + ".svc.cluster.local", "localhost");
  }
}
