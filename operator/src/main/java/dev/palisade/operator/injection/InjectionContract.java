package dev.palisade.operator.injection;

/**
 * The names of the injection contract (docs/architecture.md, "The public contract"): what users
 * type on namespaces and pods, and what injected pods carry. Changing one is a breaking change.
 * What the injected containers and the proxy both name (container names, ports, uid, environment,
 * mounts) is {@link dev.palisade.common.sidecar.SidecarContract}.
 */
public final class InjectionContract {

  /**
   * Namespace label; {@value #ENABLED} opts every pod of the namespace in, {@value #ENFORCED}
   * also takes away every way out (no opt-out, no exclusions: {@link EnforcedNamespace}).
   */
  public static final String NAMESPACE_LABEL = "palisade.dev/inject";
  public static final String ENABLED = "enabled";
  public static final String ENFORCED = "enforced";

  /** Whether a namespace label value asks for the proxy in every pod. */
  public static boolean meshed(String namespaceLabel) {
    return ENABLED.equals(namespaceLabel) || ENFORCED.equals(namespaceLabel);
  }

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

  private InjectionContract() {}
}
