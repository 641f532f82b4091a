package dev.palisade.testing;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.OperatorConfig;
import dev.palisade.operator.OperatorServers;
import dev.palisade.operator.PalisadeOperator;
import dev.palisade.operator.watch.SharedWatches;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The operator as Main assembles it, reconcilers and servers, running as the chart's
 * ServiceAccount on the test control plane, with a generated TrustDomain of its own.
 */
public final class OperatorStack implements AutoCloseable {

  public final KubernetesClient admin;
  public final OperatorServers servers;
  public final Workloads workloads;
  private final KubernetesClient operatorClient;
  private final PalisadeOperator operator;
  private final SharedWatches watches;

  public OperatorStack(String trustDomain, String workloadNamespace) {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    operatorClient = OperatorServiceAccount.client(controlPlane);
    OperatorConfig config = new OperatorConfig(OperatorServiceAccount.NAMESPACE,
        OperatorServiceAccount.NAME, "palisade-operator", trustDomain, Duration.ofMinutes(1),
        false, 0, 0);
    // As Main does: servers and reconcilers on one pod and one CA Secret informer.
    watches = new SharedWatches(operatorClient, config.namespace(), Clock.systemUTC());
    servers = new OperatorServers(operatorClient, config, Clock.systemUTC(), watches);
    operator = new PalisadeOperator(operatorClient, new PalisadeOperator.Settings(
        config.namespace(), config.bundlePropagation(), false, trustDomain), Clock.systemUTC(),
        watches, servers.registry());
    operator.start();
    workloads = new Workloads(controlPlane, admin, workloadNamespace);
    TrustDomain td = new TrustDomain();
    td.getMetadata().setName(trustDomain.replace('.', '-'));
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = trustDomain;
    td.getSpec().root = new TrustDomainSpec.RootSource();
    td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
    admin.resource(td).forceConflicts().serverSideApply();
  }

  /** The published trust bundle (every trust domain's roots). */
  public List<X509Certificate> bundle() {
    var configMap = admin.configMaps().inNamespace(OperatorServiceAccount.NAMESPACE)
        .withName("palisade-trust-bundle").get();
    return configMap == null ? List.of()  // not published yet
        : Pem.parseCertificates(configMap.getData().get("ca.crt"));
  }

  public String https(String path) {
    return "https://localhost:" + servers.httpsPort() + path;
  }

  @Override
  public void close() throws Exception {
    workloads.releaseAll();
    operator.close();
    servers.close();
    watches.close();
    operatorClient.close();
    admin.close();
  }
}
