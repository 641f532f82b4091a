package dev.palisade.common.sidecar;

/**
 * What the operator's injection (operator/.../injection/SidecarSpec) and the sidecar
 * (palisade-proxy) both name: the injected containers, the environment the proxy is started with,
 * the files mounted for it, its ports and its uid. One definition, so the two cannot drift; the
 * ports, uid, container names and token audience are public contract (docs/architecture.md).
 */
public final class SidecarContract {

  /** The injected init container that writes the iptables rules ({@code palisade-proxy init}). */
  public static final String INIT_CONTAINER = "palisade-init";
  /** The injected native sidecar ({@code palisade-proxy proxy}). */
  public static final String PROXY_CONTAINER = "palisade-proxy";

  /**
   * The proxy's listeners: outbound (redirected from the app), inbound (redirected to the pod),
   * admin (probes, metrics, shutdown). Ints, so flags' help can name them; each is a
   * {@link dev.palisade.common.net.Port}.
   */
  public static final int OUTBOUND_PORT = 15001;
  public static final int INBOUND_PORT = 15006;
  public static final int ADMIN_PORT = 15020;
  /**
   * The key exchange group proxies prefer (hybrid ML-KEM-768 with X25519, BoringSSL's name): the
   * {@code group} label value of a post-quantum handshake, which {@code palisade check} looks for.
   */
  public static final String POST_QUANTUM_GROUP = "X25519MLKEM768";
  /** The proxy's uid: iptables exempts its own connections by socket owner. */
  public static final int PROXY_UID = 1337;

  /** The audience of the projected token the proxy presents to {@code /v1/certificates}. */
  public static final String TOKEN_AUDIENCE = "palisade";
  /** The ConfigMap the trust bundle is published as, in every injected namespace, and its key. */
  public static final String TRUST_BUNDLE_CONFIG_MAP = "palisade-trust-bundle";
  public static final String TRUST_BUNDLE_KEY = "ca.crt";

  /** Where the projected token and the trust bundle are mounted into the proxy. */
  public static final String IDENTITY_MOUNT = "/var/run/secrets/palisade";
  /** The token's path in the projected volume. */
  public static final String TOKEN_KEY = "token";
  public static final String TOKEN_FILE = IDENTITY_MOUNT + "/" + TOKEN_KEY;
  public static final String TRUST_BUNDLE_FILE = IDENTITY_MOUNT + "/" + TRUST_BUNDLE_KEY;

  /**
   * The environment the proxy container is given. Each one is read by {@code palisade-proxy proxy}
   * as the default of a flag; nothing is injected that the proxy does not read.
   */
  public static final class Env {
    /** The pod's name (downward API): {@code --pod-name}, for {@code /v1/config?pod=}. */
    public static final String POD_NAME = "POD_NAME";
    /** The operator's base URL: {@code --operator-endpoint}. */
    public static final String OPERATOR_ENDPOINT = "PALISADE_OPERATOR_ENDPOINT";
    public static final String TRUST_DOMAIN = "PALISADE_TRUST_DOMAIN";
    /** {@link #TOKEN_FILE}: {@code --token-file}. */
    public static final String TOKEN_FILE = "PALISADE_TOKEN_FILE";
    /** {@link #TRUST_BUNDLE_FILE}: {@code --ca-bundle}. */
    public static final String TRUST_BUNDLE_FILE = "PALISADE_TRUST_BUNDLE_FILE";
    /** The pod's {@code terminationGracePeriodSeconds}: bounds the proxy's drain. */
    public static final String TERMINATION_GRACE_PERIOD_SECONDS =
        "PALISADE_TERMINATION_GRACE_PERIOD_SECONDS";
    /**
     * The proxy container's CPU request in millicores (downward API): {@code --cpu-request},
     * which sizes its event loops (a JVM sees the node's CPUs, not its share).
     */
    public static final String CPU_REQUEST_MILLICORES = "PALISADE_CPU_REQUEST_MILLICORES";

    private Env() {}
  }

  private SidecarContract() {}
}
