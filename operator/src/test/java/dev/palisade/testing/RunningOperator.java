package dev.palisade.testing;

import dev.palisade.operator.PalisadeOperator;
import dev.palisade.operator.ca.CertificateLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The operator's reconcilers running in the test JVM as the chart's ServiceAccount, so the
 * chart's RBAC is what they get. Close it at the end of the test class.
 */
public final class RunningOperator implements AutoCloseable {

  private final KubernetesClient client;
  private final PalisadeOperator operator;

  /**
   * Certificate lifetimes the ITs may use: seconds instead of the CA's 1h minimum, so rotations
   * and renewals happen within a test; the limits themselves are tested with these values.
   */
  public static final CertificateLimits TEST_LIMITS = new CertificateLimits(
      Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5));

  public RunningOperator(ControlPlane controlPlane, Duration bundlePropagation) {
    this.client = OperatorServiceAccount.client(controlPlane);
    this.operator = new PalisadeOperator(client, new PalisadeOperator.Settings(
        OperatorServiceAccount.NAMESPACE, bundlePropagation, false)
        .withCertificateLimits(TEST_LIMITS), Clock.systemUTC());
    operator.start();
  }

  @Override
  public void close() {
    operator.close();
    client.close();
  }
}
