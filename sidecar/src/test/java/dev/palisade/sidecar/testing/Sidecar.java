package dev.palisade.sidecar.testing;

import dev.palisade.testing.TestCa;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.proxy.OriginalDestinationResolver;
import dev.palisade.sidecar.proxy.ProxyRuntime;
import dev.palisade.sidecar.proxy.ProxySettings;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A whole sidecar on loopback ephemeral ports, with a certificate from the test CA (published
 * once, unless the settings name a certificate source of their own).
 */
public final class Sidecar implements AutoCloseable {

  private final ProxyRuntime runtime;
  private final WorkloadIdentity identity;

  private Sidecar(ProxyRuntime runtime, WorkloadIdentity identity) {
    this.runtime = runtime;
    this.identity = identity;
  }

  public static Sidecar start(TestCa ca, String namespace, String serviceAccount,
      SidecarConfig config, OriginalDestinationResolver inbound,
      OriginalDestinationResolver outbound) {
    return start(ca, namespace, serviceAccount, config, inbound, outbound, builder -> { });
  }

  public static Sidecar start(TestCa ca, String namespace, String serviceAccount,
      SidecarConfig config, OriginalDestinationResolver inbound,
      OriginalDestinationResolver outbound, Consumer<ProxySettings.Builder> customize) {
    ProxySettings.Builder builder = ProxySettings.builder(ca.trustDomain())
        .ephemeral(InetAddress.getLoopbackAddress())
        .sidecarConfig(config)
        .workerThreads(1);
    customize.accept(builder);
    try {
      ProxySettings settings = builder.build();
      ProxyRuntime runtime = ProxyRuntime.start(settings, inbound, outbound);
      WorkloadIdentity identity = ca.identity(namespace, serviceAccount);
      if (settings.certificates() == CertificateSource.NONE) {
        runtime.tls().publish(TestMaterial.of(ca, ca.leaf(identity)));
      } // else the customized source publishes (and renews) it
      return new Sidecar(runtime, identity);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (InvalidTlsMaterialException e) {
      throw new IllegalStateException(e);
    }
  }

  public ProxyRuntime runtime() {
    return runtime;
  }

  public WorkloadIdentity identity() {
    return identity;
  }

  public int inboundPort() {
    return runtime.inboundAddress().getPort();
  }

  public int outboundPort() {
    return runtime.outboundAddress().getPort();
  }

  public InetSocketAddress admin() {
    return runtime.adminAddress();
  }

  public double metric(String name, Map<String, String> labels) {
    return Metrics.value(admin(), name, labels);
  }

  @Override
  public void close() {
    runtime.close();
  }
}
