package dev.palisade.sidecar.tls;

import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Key identifiers (RFC 5280 4.2.1.1-2): a cheap test of which certificate may have signed
 * another, made before the expensive signature check. Read from the DER directly, so the proxy's
 * runtime path needs no ASN.1 library.
 */
final class KeyIdentifiers {

  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final int OCTET_STRING = 0x04;
  private static final int SEQUENCE = 0x30;
  /** AuthorityKeyIdentifier's {@code [0] IMPLICIT KeyIdentifier}. */
  private static final int CONTEXT_0 = 0x80;

  private KeyIdentifiers() {}

  /**
   * False when both certificates carry key identifiers and they differ, so {@code parent}'s key
   * cannot have signed {@code child}; true otherwise (the signature check decides).
   */
  static boolean mayHaveSigned(X509Certificate parent, X509Certificate child) {
    byte[] subjectKeyId = subjectKeyId(parent);
    byte[] authorityKeyId = authorityKeyId(child);
    return subjectKeyId == null || authorityKeyId == null
        || Arrays.equals(subjectKeyId, authorityKeyId);
  }

  /** SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING), inside the extension's OCTET STRING. */
  static byte[] subjectKeyId(X509Certificate certificate) {
    Der extension = Der.of(certificate.getExtensionValue(SUBJECT_KEY_ID));
    Der value = extension == null ? null : extension.inner(OCTET_STRING);
    return value == null ? null : value.contents(OCTET_STRING);
  }

  /** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ...}. */
  static byte[] authorityKeyId(X509Certificate certificate) {
    Der extension = Der.of(certificate.getExtensionValue(AUTHORITY_KEY_ID));
    Der sequence = extension == null ? null : extension.inner(OCTET_STRING);
    Der first = sequence == null ? null : sequence.inner(SEQUENCE);
    return first == null ? null : first.contents(CONTEXT_0);
  }

  /** One DER element at the start of {@code bytes}; null-returning on anything malformed. */
  private record Der(byte[] bytes) {

    static Der of(byte[] bytes) {
      return bytes == null ? null : new Der(bytes);
    }

    /** The contents of this element if it has {@code tag}, else null. */
    byte[] contents(int tag) {
      if (bytes.length < 2 || (bytes[0] & 0xff) != tag) {
        return null;
      }
      int length = bytes[1] & 0xff;
      int offset = 2;
      if (length > 0x7f) {
        int octets = length & 0x7f;
        if (octets > 2 || bytes.length < 2 + octets) {
          return null; // no key identifier is 64 kB long
        }
        length = 0;
        for (int i = 0; i < octets; i++) {
          length = (length << 8) | (bytes[2 + i] & 0xff);
        }
        offset += octets;
      }
      return offset + length > bytes.length ? null
          : Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The element inside this one's contents, if this one has {@code tag}. */
    Der inner(int tag) {
      byte[] inside = contents(tag);
      return inside == null ? null : new Der(inside);
    }
  }
}
