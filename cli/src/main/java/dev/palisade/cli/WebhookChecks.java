package dev.palisade.cli;

import dev.palisade.common.sidecar.SidecarContract;
import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;
import static dev.palisade.cli.CheckResult.skip;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaSecrets;
import dev.palisade.operator.injection.InjectionContract;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The injection webhook: its caBundle verifies the operator's serving chain, and a server-side
 * dry-run pod in a labelled namespace comes back injected.
 */
final class WebhookChecks {

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;

  WebhookChecks(KubernetesClient client, Installation installation, Clock clock) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
  }

  /**
   * The webhook configuration exists and its caBundle verifies the operator's serving
   * certificate. That certificate lives only in the operator's memory, issued by its trust
   * domain's issuer; so the check is that the issuer (from the CA Secret) is signed by a
   * certificate of the caBundle, and the trust domain's current root (status fingerprint) is in it.
   */
  CheckResult webhookCaBundle(List<TrustDomain> trustDomains) {
    String name = "webhook";
    MutatingWebhookConfiguration configuration = client.admissionRegistration().v1()
        .mutatingWebhookConfigurations().withName(Installation.WEBHOOK_CONFIGURATION).get();
    if (configuration == null) {
      return fail(name, "no MutatingWebhookConfiguration " + Installation.WEBHOOK_CONFIGURATION
          + ": nothing is injected", "helm upgrade palisade charts/palisade -n "
          + installation.namespace());
    }
    String domain = installation.trustDomain();
    Optional<TrustDomain> td = trustDomains.stream()
        .filter(t -> t.getSpec() != null && domain.equals(t.getSpec().trustDomain)).findFirst();
    String restore = "the operator writes the caBundle from its trust domain's roots (and"
        + " restores it when edited): check that it runs and its trust domain is Ready; kubectl"
        + " logs -n " + installation.namespace() + " deploy/" + Installation.OPERATOR;
    List<String> problems = new ArrayList<>();
    for (MutatingWebhook webhook : configuration.getWebhooks()) {
      String bundle = webhook.getClientConfig() == null ? null
          : webhook.getClientConfig().getCaBundle();
      if (bundle == null || bundle.isEmpty()) {
        problems.add(webhook.getName() + " has no caBundle");
        continue;
      }
      List<X509Certificate> certificates;
      try {
        certificates = Pem.parseCertificates(new String(Base64.getDecoder().decode(bundle),
            StandardCharsets.US_ASCII));
      } catch (RuntimeException e) {
        problems.add(webhook.getName() + " has a caBundle that is not base64 PEM certificates");
        continue;
      }
      if (td.isPresent()) {
        Optional<String> problem = verifies(certificates, td.get());
        problem.ifPresent(p -> problems.add(webhook.getName() + ": " + p));
      }
      var service = webhook.getClientConfig().getService();
      if (service != null && client.services().inNamespace(service.getNamespace())
          .withName(service.getName()).get() == null) {
        problems.add(webhook.getName() + " calls Service " + service.getNamespace() + "/"
            + service.getName() + ", which does not exist");
      }
    }
    if (!problems.isEmpty()) {
      return fail(name, String.join("; ", problems), restore);
    }
    if (td.isEmpty()) {
      return skip(name, configuration.getWebhooks().size() + " webhook(s) with a caBundle; not"
          + " verified: no TrustDomain for " + domain);
    }
    return ok(name, configuration.getWebhooks().size() + " webhook(s); each caBundle holds the"
        + " root of " + domain + " that signs the operator's issuer, and so its serving"
        + " certificate");
  }

  /** Why {@code bundle} does not verify the serving certificates of {@code td}, if it does not. */
  private Optional<String> verifies(List<X509Certificate> bundle, TrustDomain td) {
    if (td.getStatus() != null && td.getStatus().root != null
        && td.getStatus().root.fingerprint != null) {
      String fingerprint = td.getStatus().root.fingerprint;
      if (bundle.stream().map(WebhookChecks::fingerprint)
          .noneMatch(fingerprint::equalsIgnoreCase)) {
        return Optional.of("the caBundle lacks the current root of trust domain "
            + td.getSpec().trustDomain + " (SHA-256 " + fingerprint + "), so the API server"
            + " cannot verify the operator's serving certificate");
      }
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(installation.namespace())
          .withName(CaSecrets.name(td.getMetadata().getName())).get();
    } catch (KubernetesClientException e) {
      return Optional.empty(); // not allowed to read Secrets: the fingerprint had to do
    }
    if (secret == null || secret.getData() == null || secret.getData().get("issuer.crt") == null) {
      return Optional.empty();
    }
    X509Certificate issuer = Pem.parseCertificates(new String(Base64.getDecoder()
        .decode(secret.getData().get("issuer.crt")), StandardCharsets.US_ASCII)).getFirst();
    for (X509Certificate root : bundle) {
      try {
        issuer.verify(root.getPublicKey());
        return Optional.empty();
      } catch (java.security.GeneralSecurityException e) {
        // not this one
      }
    }
    return Optional.of("no certificate of the caBundle signed the issuer of trust domain "
        + td.getSpec().trustDomain + ", which signs the operator's serving certificate");
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }


  /** A server-side dry-run pod in a labelled namespace comes back with the proxy. */
  CheckResult injection(List<Namespace> labelled) {
    String name = "injection";
    if (labelled.isEmpty()) {
      return skip(name, "no namespace is labelled " + InjectionContract.NAMESPACE_LABEL + "="
          + InjectionContract.ENABLED + ", so no dry-run pod was made (label one: kubectl label"
          + " namespace NAME " + InjectionContract.NAMESPACE_LABEL + "=enabled)");
    }
    String namespace = labelled.getFirst().getMetadata().getName();
    Pod probe = new PodBuilder().withNewMetadata().withGenerateName("palisade-check-")
        .withNamespace(namespace).endMetadata()
        .withNewSpec().addNewContainer().withName("check").withImage("palisade/check:dry-run")
        .endContainer().endSpec().build();
    Pod created;
    try {
      created = client.pods().inNamespace(namespace).resource(probe).dryRun().create();
    } catch (KubernetesClientException e) {
      return fail(name, "a dry-run pod in namespace " + namespace + " was refused: "
          + e.getMessage(), "the webhook fails closed for labelled namespaces: the operator"
          + " must be running and reachable from the API server (Service "
          + Installation.OPERATOR + " port 443 to the pods' 8443); docs/injection.md#debugging");
    }
    boolean injected = created.getSpec().getInitContainers() != null
        && created.getSpec().getInitContainers().stream()
            .anyMatch(c -> SidecarContract.PROXY_CONTAINER.equals(c.getName()));
    return injected
        ? ok(name, "a dry-run pod in namespace " + namespace + " came back with "
            + SidecarContract.PROXY_CONTAINER)
        : fail(name, "a dry-run pod in namespace " + namespace + " came back without "
            + SidecarContract.PROXY_CONTAINER, "the webhook did not run: is MutatingWebhook"
            + "Configuration " + Installation.WEBHOOK_CONFIGURATION + " intact (namespaceSelector)?"
            + " Is the MutatingAdmissionWebhook admission plugin on?");
  }

}
