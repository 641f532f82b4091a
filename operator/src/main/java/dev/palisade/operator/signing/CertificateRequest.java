package dev.palisade.operator.signing;

/** The body of {@code POST /v1/certificates}: {@code {"csr": "<PEM PKCS#10>"}}. */
public record CertificateRequest(String csr) {}
