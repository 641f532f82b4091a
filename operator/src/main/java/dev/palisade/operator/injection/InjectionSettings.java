package dev.palisade.operator.injection;

import java.util.Map;

/**
 * What the injector puts into pods that is the operator's to decide, from environment variables
 * the chart sets (values {@code sidecar.*}).
 *
 * @param sidecarImage {@code PALISADE_SIDECAR_IMAGE} (default {@code palisade/sidecar:0.1.0},
 *     the chart's appVersion): the image of both injected containers
 * @param imagePullPolicy {@code PALISADE_SIDECAR_IMAGE_PULL_POLICY} (default
 *     {@code IfNotPresent})
 * @param proxyVersion {@code PALISADE_PROXY_VERSION} (default: the image's tag): the value of
 *     the {@code palisade.dev/proxy-version} annotation
 * @param proxyCpu {@code PALISADE_PROXY_CPU} (default {@code 100m}): the proxy's CPU request
 *     unless a pod says otherwise
 * @param proxyMemory {@code PALISADE_PROXY_MEMORY} (default {@code 192Mi}): the proxy's memory
 *     request and limit unless a pod says otherwise
 * @param operatorEndpoint {@code PALISADE_OPERATOR_ENDPOINT} (default
 *     {@code https://<service>.<namespace>.svc:443}): where proxies reach /v1/certificates and
 *     /v1/config
 * @param trustDomain {@code PALISADE_TRUST_DOMAIN}: the trust domain proxies get identities in
 */
public record InjectionSettings(String sidecarImage, String imagePullPolicy, String proxyVersion,
    String proxyCpu, String proxyMemory, String operatorEndpoint, String trustDomain) {

  public static final String DEFAULT_IMAGE = "palisade/sidecar:0.1.0";

  public InjectionSettings {
    if (!ProxyOptions.isPositiveQuantity(proxyCpu)) {
      throw new IllegalArgumentException("PALISADE_PROXY_CPU: \"" + proxyCpu
          + "\" is not a positive Kubernetes quantity, like 100m");
    }
    if (!ProxyOptions.isPositiveQuantity(proxyMemory)) {
      throw new IllegalArgumentException("PALISADE_PROXY_MEMORY: \"" + proxyMemory
          + "\" is not a positive Kubernetes quantity, like 128Mi");
    }
    if (!java.util.Set.of("Always", "IfNotPresent", "Never").contains(imagePullPolicy)) {
      throw new IllegalArgumentException("PALISADE_SIDECAR_IMAGE_PULL_POLICY: \""
          + imagePullPolicy + "\" must be Always, IfNotPresent or Never");
    }
  }

  /**
   * The settings from {@code env}; {@code namespace}, {@code serviceName} and {@code trustDomain}
   * are the operator's own (they make the default endpoint).
   */
  public static InjectionSettings fromEnvironment(Map<String, String> env, String namespace,
      String serviceName, String trustDomain) {
    String image = env.getOrDefault("PALISADE_SIDECAR_IMAGE", DEFAULT_IMAGE);
    return new InjectionSettings(
        image,
        env.getOrDefault("PALISADE_SIDECAR_IMAGE_PULL_POLICY", "IfNotPresent"),
        env.getOrDefault("PALISADE_PROXY_VERSION", tagOf(image)),
        env.getOrDefault("PALISADE_PROXY_CPU", "100m"),
        env.getOrDefault("PALISADE_PROXY_MEMORY", "192Mi"),
        env.getOrDefault("PALISADE_OPERATOR_ENDPOINT",
            "https://" + serviceName + "." + namespace + ".svc:443"),
        trustDomain);
  }

  /** {@code 0.1.0} of {@code registry:5000/palisade/sidecar:0.1.0}; {@code latest} without a tag. */
  static String tagOf(String image) {
    String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = withoutDigest.lastIndexOf(':');
    return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "latest";
  }
}
