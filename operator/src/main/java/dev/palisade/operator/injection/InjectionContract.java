package dev.palisade.operator.injection;

/**
 * The names of the injection contract (docs/architecture.md, "The public contract"): what users
 * type on namespaces and pods, and what injected pods carry. Changing one is a breaking change.
 */
public final class InjectionContract {

  /** Namespace label; {@value #ENABLED} opts every pod of the namespace in. */
  public static final String NAMESPACE_LABEL = "palisade.dev/inject";
  public static final String ENABLED = "enabled";

  /** Pod annotation: {@code "true"} opts a pod in anywhere, {@code "false"} opts it out. */
  public static final String INJECT_ANNOTATION = "palisade.dev/inject";
  public static final String EXCLUDE_INBOUND_PORTS = "palisade.dev/exclude-inbound-ports";
  public static final String EXCLUDE_OUTBOUND_PORTS = "palisade.dev/exclude-outbound-ports";
  public static final String EXCLUDE_OUTBOUND_CIDRS = "palisade.dev/exclude-outbound-cidrs";
  public static final String PROXY_CPU = "palisade.dev/proxy-cpu";
  public static final String PROXY_MEMORY = "palisade.dev/proxy-memory";

  /** What an injected pod carries. */
  public static final String PROXY_LABEL = "palisade.dev/proxy";
  public static final String INJECTED = "injected";
  public static final String PROXY_VERSION_ANNOTATION = "palisade.dev/proxy-version";

  public static final String INIT_CONTAINER = "palisade-init";
  public static final String PROXY_CONTAINER = "palisade-proxy";

  public static final int OUTBOUND_PORT = 15001;
  public static final int INBOUND_PORT = 15006;
  public static final int ADMIN_PORT = 15020;
  /** The proxy's uid: iptables exempts its own connections by socket owner. */
  public static final long PROXY_UID = 1337;

  /** The ConfigMap the trust bundle is published as, in every injected namespace. */
  public static final String TRUST_BUNDLE_CONFIG_MAP = "palisade-trust-bundle";
  public static final String TRUST_BUNDLE_KEY = "ca.crt";
  /** The audience of the projected token the proxy presents to /v1/certificates. */
  public static final String TOKEN_AUDIENCE = "palisade";

  private InjectionContract() {}
}
