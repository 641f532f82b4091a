package dev.palisade.operator.injection;

import static dev.palisade.common.sidecar.SidecarContract.ADMIN_PORT;
import static dev.palisade.common.sidecar.SidecarContract.IDENTITY_MOUNT;
import static dev.palisade.common.sidecar.SidecarContract.INBOUND_PORT;
import static dev.palisade.common.sidecar.SidecarContract.OUTBOUND_PORT;
import static dev.palisade.common.sidecar.SidecarContract.PROXY_UID;

import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.common.sidecar.SidecarContract.Env;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The containers and volumes Palisade adds to a pod, as the API server stores them. Every field
 * the API server would default is written out (termination message path, probe thresholds,
 * {@code fieldRef.apiVersion}, the projected volume's mode, ...): the API server defaults the
 * pod after each mutation, and a second pass of the webhook must find exactly what it would
 * write, or it would answer a patch where none is needed.
 */
final class SidecarSpec {

  static final String IDENTITY_VOLUME = "palisade-identity";
  static final String TMP_VOLUME = "palisade-tmp";
  static final String TMP_MOUNT = "/tmp";
  static final Set<String> VOLUMES = Set.of(IDENTITY_VOLUME, TMP_VOLUME);
  /** Short-lived: the kubelet refreshes the file at 80% of this, the sidecar re-reads it. */
  static final long TOKEN_EXPIRATION_SECONDS = 3600;
  /** What the API server gives a pod that sets none. */
  static final long DEFAULT_TERMINATION_GRACE_SECONDS = 30;

  private static final String READY_PATH = "/healthz/ready";
  private static final String ADMIN_PORT_NAME = "palisade-admin";

  private final InjectionSettings settings;

  SidecarSpec(InjectionSettings settings) {
    this.settings = settings;
  }

  /**
   * {@code palisade-init}: writes the pod's iptables rules and exits. Root with NET_ADMIN and
   * NET_RAW only (iptables needs them; nothing else does), for the seconds it runs.
   */
  Container initContainer(ProxyOptions options) {
    List<String> args = new ArrayList<>(List.of("init"));
    flag(args, "--exclude-inbound-ports", join(options.excludeInboundPorts()));
    flag(args, "--exclude-outbound-ports", join(options.excludeOutboundPorts()));
    flag(args, "--exclude-outbound-cidrs", String.join(",", options.excludeOutboundCidrs()));
    return base(SidecarContract.INIT_CONTAINER, options)
        .withArgs(args)
        // iptables' lock file, off the read-only root file system
        .withEnv(env("XTABLES_LOCKFILE", TMP_MOUNT + "/xtables.lock"))
        .withSecurityContext(new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withPrivileged(false)
            .withNewCapabilities().withAdd("NET_ADMIN", "NET_RAW").withDrop("ALL").endCapabilities()
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(false)
            .withRunAsUser(0L)
            .withRunAsGroup(0L)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
            .build())
        .withVolumeMounts(mount(TMP_VOLUME, TMP_MOUNT, false))
        .build();
  }

  /**
   * {@code palisade-proxy}: a native sidecar ({@code restartPolicy: Always} on an init
   * container). The kubelet starts the app containers only once its startup probe passes, and
   * stops it only after they have exited, so apps never run without it and Jobs complete.
   */
  Container proxyContainer(ProxyOptions options, Long terminationGracePeriodSeconds) {
    long grace = terminationGracePeriodSeconds != null
        ? terminationGracePeriodSeconds : DEFAULT_TERMINATION_GRACE_SECONDS;
    return base(SidecarContract.PROXY_CONTAINER, options)
        .withArgs("proxy")
        .withRestartPolicy("Always")
        .withPorts(port(OUTBOUND_PORT, null), port(INBOUND_PORT, null),
            port(ADMIN_PORT, ADMIN_PORT_NAME))
        // Each one the default of a proxy flag (ProxyCommand); nothing the proxy does not read.
        .withEnv(
            fieldEnv(Env.POD_NAME, "metadata.name"),
            env(Env.OPERATOR_ENDPOINT, settings.operatorEndpoint()),
            env(Env.TRUST_DOMAIN, settings.trustDomain()),
            env(Env.TOKEN_FILE, SidecarContract.TOKEN_FILE),
            env(Env.TRUST_BUNDLE_FILE, SidecarContract.TRUST_BUNDLE_FILE),
            // The proxy is stopped after the apps, with what is left of this: its drain bound.
            env(Env.TERMINATION_GRACE_PERIOD_SECONDS, Long.toString(grace)),
            // Its event loops: one per CPU it requested, not one per CPU of the node.
            cpuRequestEnv(Env.CPU_REQUEST_MILLICORES))
        // Up to 2 minutes for the JVM to start and the first certificate to arrive.
        .withStartupProbe(readyProbe(1, 120))
        .withReadinessProbe(readyProbe(5, 3))
        .withSecurityContext(new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withPrivileged(false)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withRunAsUser((long) PROXY_UID)
            .withRunAsGroup((long) PROXY_UID)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
            .build())
        .withVolumeMounts(mount(IDENTITY_VOLUME, IDENTITY_MOUNT, true),
            mount(TMP_VOLUME, TMP_MOUNT, false))
        .build();
  }

  /** The bound token (audience {@code palisade}) and the trust bundle, for the proxy only. */
  Volume identityVolume() {
    return new VolumeBuilder()
        .withName(IDENTITY_VOLUME)
        .withNewProjected()
          .withDefaultMode(0644)
          .addNewSource()
            .withNewServiceAccountToken()
              .withAudience(SidecarContract.TOKEN_AUDIENCE)
              .withExpirationSeconds(TOKEN_EXPIRATION_SECONDS)
              .withPath(SidecarContract.TOKEN_KEY)
            .endServiceAccountToken()
          .endSource()
          .addNewSource()
            .withNewConfigMap()
              .withName(SidecarContract.TRUST_BUNDLE_CONFIG_MAP)
              .addNewItem().withKey(SidecarContract.TRUST_BUNDLE_KEY)
                .withPath(SidecarContract.TRUST_BUNDLE_KEY).endItem()
            .endConfigMap()
          .endSource()
        .endProjected()
        .build();
  }

  /**
   * Scratch space for both containers, whose root file systems are read-only: the JVM's and
   * Netty's native libraries, iptables' lock. They never run at the same time.
   */
  Volume tmpVolume() {
    return new VolumeBuilder()
        .withName(TMP_VOLUME)
        .withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
        .build();
  }

  /** The mount paths Palisade's containers use; other mounts on them belong to someone else. */
  static boolean isOurMountPath(String path) {
    return IDENTITY_MOUNT.equals(path) || TMP_MOUNT.equals(path);
  }

  private ContainerBuilder base(String name, ProxyOptions options) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(settings.sidecarImage())
        .withImagePullPolicy(settings.imagePullPolicy())
        .withResources(resources(options))
        .withTerminationMessagePath("/dev/termination-log")
        // An init that exits 2 on a bad flag says why in `kubectl describe pod`.
        .withTerminationMessagePolicy("FallbackToLogsOnError");
  }

  /**
   * Requests as asked; a memory limit equal to the request (a proxy that grows past it is a
   * bug to see, not to absorb); no CPU limit, as CFS throttling shows up as latency on every
   * connection.
   */
  private static ResourceRequirements resources(ProxyOptions options) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(options.cpu()))
        .addToRequests("memory", new Quantity(options.memory()))
        .addToLimits("memory", new Quantity(options.memory()))
        .build();
  }

  private static Probe readyProbe(int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
          .withPath(READY_PATH)
          .withPort(new IntOrString(ADMIN_PORT))
          .withScheme("HTTP")
        .endHttpGet()
        .withTimeoutSeconds(1)
        .withPeriodSeconds(periodSeconds)
        .withSuccessThreshold(1)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static ContainerPort port(int number, String name) {
    return new ContainerPortBuilder().withContainerPort(number).withName(name)
        .withProtocol("TCP").build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null).build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef()
        .withApiVersion("v1").withFieldPath(fieldPath).endFieldRef().endValueFrom().build();
  }

  private static EnvVar cpuRequestEnv(String name) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewResourceFieldRef()
        .withContainerName(SidecarContract.PROXY_CONTAINER).withResource("requests.cpu")
        .withDivisor(new Quantity("1m")).endResourceFieldRef().endValueFrom().build();
  }

  private static void flag(List<String> args, String flag, String value) {
    if (!value.isEmpty()) {
      args.add(flag);
      args.add(value);
    }
  }

  private static String join(List<Integer> ports) {
    return String.join(",", ports.stream().map(String::valueOf).toList());
  }
}
