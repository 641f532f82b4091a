package dev.palisade.common.signing;

/**
 * The body of {@code POST /v1/certificates} (docs/signing.md): {@code {"csr": "<PEM PKCS#10>"}},
 * sent with the projected ServiceAccount token as a bearer token.
 */
public record CertificateRequest(String csr) {

  /** The path the operator serves signing on. */
  public static final String PATH = "/v1/certificates";
}
