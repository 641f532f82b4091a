package dev.palisade.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real etcd and kube-apiserver (RBAC on), started once per test JVM from the binaries that
 * {@code hack/build-kube-tools.sh} built and cached, and stopped when the JVM exits.
 *
 * <p>kube-api-test runs in offline mode: it looks for {@code <dir>/k8s/<version>-linux-amd64/},
 * which we point at the cache with a symlink, so nothing is ever downloaded.
 */
public final class ControlPlane {

  /** The Kubernetes release the binaries are built at (see hack/lib.sh). */
  public static final String KUBE_VERSION = "1.34.4";

  private static ControlPlane instance;

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private final Path binaries;
  private Process garbageCollector;

  private ControlPlane(KubeAPIServer server, Path kubeconfig, Path binaries) {
    this.server = server;
    this.kubeconfig = kubeconfig;
    this.binaries = binaries;
  }

  /** The shared control plane, started on first use. */
  public static synchronized ControlPlane get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance.server::stop, "control-plane-stop"));
    }
    return instance;
  }

  private static ControlPlane start() {
    Path binaries = KubeBinaries.directory();
    try {
      Path workDir = Files.createTempDirectory("palisade-apiserver-");
      Path versions = Files.createDirectories(workDir.resolve("k8s"));
      Files.createSymbolicLink(versions.resolve(KUBE_VERSION + "-linux-amd64"), binaries);
      KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
          .withTestDir(workDir.toString())
          .withApiServerVersion(KUBE_VERSION)
          .withOfflineMode(true)
          .withUpdateKubeConfig(false)
          .withApiServerFlag("--advertise-address", "127.0.0.1")
          .withStartupTimeout(120_000)
          .build());
      server.start();
      Path kubeconfig = workDir.resolve("kubeconfig");
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
      return new ControlPlane(server, kubeconfig, binaries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts Kubernetes' garbage collector (kube-controller-manager running only that controller)
   * once, for tests of owner references: without it nothing deletes dependents of a deleted
   * owner. It stops with the JVM.
   */
  public synchronized void startGarbageCollector() {
    if (garbageCollector != null && garbageCollector.isAlive()) {
      return;
    }
    try {
      Path log = kubeconfig.resolveSibling("kube-controller-manager.log");
      garbageCollector = new ProcessBuilder(
          binaries.resolve("kube-controller-manager").toString(),
          "--kubeconfig=" + kubeconfig, "--controllers=garbagecollector",
          "--leader-elect=false", "--secure-port=0")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Process started = garbageCollector;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "garbage-collector-stop"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client with cluster-admin rights (system:masters), for test set-up and assertions. */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
        .build();
  }

  /** The admin kubeconfig file, for the real kubectl and helm binaries. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The key the API server signs service account tokens with: kube-api-test passes its
   * {@code apiserver.key} as {@code --service-account-signing-key-file}. For tests that need a
   * token TokenRequest cannot mint, such as an expired one.
   */
  public Path serviceAccountSigningKey() {
    return kubeconfig.resolveSibling("apiserver.key");
  }

  /** The directory of the cached etcd, kube-apiserver, kubectl and helm binaries. */
  public Path binaries() {
    return binaries;
  }
}
