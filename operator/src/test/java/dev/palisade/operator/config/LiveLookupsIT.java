package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.policy.Workload;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API server answers what a lagging informer cannot: pods by address (the
 * {@code status.podIP} field selector) and by a Service's selector, read as the chart's
 * ServiceAccount (so its RBAC allows them), bounded per address.
 */
class LiveLookupsIT {

  private static final String NS = "live-lookups-it";
  private static final String DB_IP = "198.18.7.12";

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static Workloads workloads;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    operator = OperatorServiceAccount.client(controlPlane);
    workloads = new Workloads(controlPlane, admin, NS);
    workloads.serviceAccount("db");
    workloads.running(workloads.pod("db-0", "db", Map.of("app", "db",
        Workload.PROXY_LABEL, Workload.PROXY_INJECTED)), DB_IP);
  }

  @AfterAll
  static void stop() {
    workloads.releaseAll();
    operator.close();
    admin.close();
  }

  @Test
  void podsByAddressAndBySelectorComeFromTheApiServerAtMostOncePerTwoSeconds()
      throws Exception {
    try (LiveLookups live = new LiveLookups(operator, Clock.systemUTC())) {
      assertThat(live.podsAt(DB_IP).get(30, TimeUnit.SECONDS))
          .extracting(Workload::key, Workload::injected, Workload::ip)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(NS + "/db-0", true, DB_IP));
      assertThat(live.podsAt("198.18.7.13").get(30, TimeUnit.SECONDS)).isEmpty();
      assertThat(live.podsSelected(NS, Map.of("app", "db")).get(30, TimeUnit.SECONDS))
          .extracting(Workload::key).containsExactly(NS + "/db-0");

      assertThat(live.podsAt(DB_IP).get(30, TimeUnit.SECONDS))
          .as("the same address again at once: not asked, the informers' answer stands")
          .isEmpty();
    }
  }
}
