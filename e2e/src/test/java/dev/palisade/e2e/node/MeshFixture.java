package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.testing.CommandLine;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One test class's share of the cluster: a namespace labelled for injection holding the demo
 * application's server (Deployment and Service {@code server}, app=server) and two client pods,
 * {@code client} (service account client, let in by the AccessPolicy) and {@code intruder}
 * (service account intruder, not let in); the server is STRICT. Beside it, an unlabelled
 * namespace with {@code legacy}, a pod without a proxy that is a plaintext client and, as
 * Service {@code legacy}, a server outside the mesh. Deleted on {@link #close()}.
 */
final class MeshFixture implements AutoCloseable {

  final String namespace;
  final String plainNamespace;

  private MeshFixture(String namespace) {
    this.namespace = namespace;
    this.plainNamespace = namespace + "-plain";
  }

  static MeshFixture create(String namespace) {
    MeshFixture fixture = new MeshFixture(namespace);
    fixture.apply(fixture.manifests());
    for (String[] deployment : new String[][] {{namespace, "server"}, {namespace, "client"},
        {namespace, "intruder"}, {fixture.plainNamespace, "legacy"}}) {
      fixture.waitReady(deployment[0], deployment[1]);
    }
    // Ready pods are not yet a working Service: kube-proxy programs the new endpoints a moment
    // later (until then the Service's rule rejects: the client's proxy sees its upstream
    // refused and resets the application's connection). Seen on this node as a reset of the
    // first request to a fresh mesh, with neither proxy involved.
    // Only the meshed server: OperatorOutageIT needs the legacy Service never looked up.
    await("the server's Service routes to its pod").atMost(Duration.ofSeconds(30)).until(() ->
        fixture.demoApp(namespace, "client", "get", fixture.serverUrl()).succeeded());
    return fixture;
  }

  /** kubectl apply of these manifests. */
  void apply(String yaml) {
    try {
      Path file = Files.createTempFile("e2e", ".yaml");
      try {
        Files.writeString(file, yaml);
        Node.kubectl("apply", "-f", file.toString()).orThrow();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Until the Deployment's pod is Ready: for a meshed pod, its proxy holds a certificate. */
  void waitReady(String inNamespace, String deployment) {
    Node.kubectl("rollout", "status", "deployment/" + deployment, "-n", inNamespace,
        "--timeout=180s").orThrow();
  }

  /** {@code demo-app ARGS} in the app container of the pod labelled app=APP. */
  CommandLine.Result demoApp(String inNamespace, String app, String... args) {
    List<String> command = new ArrayList<>(List.of("exec", "-n", inNamespace, "deploy/" + app,
        "-c", "app", "--", "/demo-app"));
    command.addAll(List.of(args));
    return Node.kubectl(command.toArray(String[]::new));
  }

  /** Applies AccessPolicy {@code name}: DENY for the client, on the server. */
  void denyTheClient(String name) {
    apply("""
        apiVersion: palisade.dev/v1alpha1
        kind: AccessPolicy
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: server}}
          action: DENY
          rules:
            - identities: [spiffe://cluster.local/ns/%1$s/sa/client]
        """.formatted(namespace, name));
  }

  String serverUrl() {
    return "http://server." + namespace + ":8080/";
  }

  String serverEcho() {
    return "server." + namespace + ":9000";
  }

  /** The plaintext server outside the mesh. */
  String legacyUrl() {
    return "http://legacy." + plainNamespace + ":8080/";
  }

  Pod pod(String inNamespace, String app) {
    List<Pod> pods = Node.client().pods().inNamespace(inNamespace).withLabel("app", app).list()
        .getItems().stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .toList();
    assertThat(pods).as("pods of app=%s in %s", app, inNamespace).hasSize(1);
    return pods.getFirst();
  }

  /** The value of one series of the pod's proxy metrics (port 15020), 0 when absent. */
  double proxyMetric(Pod pod, String series) {
    return metric(pod, SidecarContract.ADMIN_PORT, series);
  }

  /** The value of one series of {@code pod}'s Prometheus metrics on {@code port}, 0 if absent. */
  static double metric(Pod pod, int port, String series) {
    return get(pod, port, "/metrics").lines().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst().orElse(0);
  }

  /** What the pod's proxy serves ({@code GET :15020/identity}). */
  ProxyIdentity proxyIdentity(Pod pod) {
    try {
      return new ObjectMapper().readValue(get(pod, SidecarContract.ADMIN_PORT, "/identity"),
          ProxyIdentity.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String get(Pod pod, int port, String path) {
    String url = "http://" + pod.getStatus().getPodIP() + ":" + port + path;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Deletes the namespaces, unless -Dpalisade.e2e.keep=true keeps them for a look. */
  @Override
  public void close() {
    if (Boolean.getBoolean("palisade.e2e.keep")) {
      return;
    }
    Node.kubectl("delete", "namespace", namespace, plainNamespace, "--wait=false",
        "--ignore-not-found");
  }

  private String manifests() {
    String image = Node.image("DEMO_APP_IMAGE");
    StringBuilder yaml = new StringBuilder("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s, labels: {palisade.dev/inject: enabled}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: %2$s}
        ---
        apiVersion: palisade.dev/v1alpha1
        kind: MeshPolicy
        metadata: {name: server-strict, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: server}}
          mode: STRICT
        ---
        apiVersion: palisade.dev/v1alpha1
        kind: AccessPolicy
        metadata: {name: server-callers, namespace: %1$s}
        spec:
          selector: {matchLabels: {app: server}}
          action: ALLOW
          rules:
            - identities: [spiffe://cluster.local/ns/%1$s/sa/client]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: server, namespace: %1$s}
        spec:
          selector: {app: server}
          ports: [{name: http, port: 8080}, {name: echo, port: 9000}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: legacy, namespace: %2$s}
        spec:
          selector: {app: legacy}
          ports: [{name: http, port: 8080}]
        """.formatted(namespace, plainNamespace));
    yaml.append(deployment(namespace, "server", image,
        "[serve, --http, \":8080\", --echo, \":9000\"]"));
    yaml.append(deployment(namespace, "client", image, "[sleep]"));
    yaml.append(deployment(namespace, "intruder", image, "[sleep]"));
    yaml.append(deployment(plainNamespace, "legacy", image, "[serve, --http, \":8080\"]"));
    return yaml.toString();
  }

  /** A Deployment of one demo-app pod running as its own service account. */
  static String deployment(String namespace, String app, String image, String args) {
    return """
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: %2$s, namespace: %1$s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %2$s}}
          template:
            metadata: {labels: {app: %2$s}}
            spec:
              serviceAccountName: %2$s
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  image: "%3$s"
                  args: %4$s
                  env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                  resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 64Mi}}
        """.formatted(namespace, app, image, args);
  }
}
