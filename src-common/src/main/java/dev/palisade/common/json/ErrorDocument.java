package dev.palisade.common.json;

/**
 * The body of every refusal the operator's endpoints answer: {@code {"error": <reason>,
 * "message": <text>}}, the reason from the endpoint's closed set (docs/signing.md,
 * docs/config-service.md).
 */
public record ErrorDocument(String error, String message) {}
