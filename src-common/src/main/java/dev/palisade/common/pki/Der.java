package dev.palisade.common.pki;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little DER that the proxy's JDK-only PKI code needs (a PKCS#10 request, a traditional
 * OpenSSL key wrapped as PKCS#8, the self-check's throwaway certificates): writing a few
 * universal types, and splitting an element into its children. Not a general ASN.1 library; the
 * JDK parses certificates and keys itself. The operator's CA uses BouncyCastle.
 */
public final class Der {
  public static final int BOOLEAN = 0x01, INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL = 0x05,
      OID = 0x06, UTF8_STRING = 0x0c, UTC_TIME = 0x17, SEQUENCE = 0x30, SET = 0x31;

  private Der() {}

  /** One element: tag, definite length, content. */
  public static byte[] element(int tag, byte[]... contents) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : contents) {
      content.writeBytes(part);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  public static byte[] sequence(byte[]... contents) {
    return element(SEQUENCE, contents);
  }

  public static byte[] smallInteger(int value) {
    if (value < 0 || value > 0x7f) {
      throw new IllegalArgumentException("only 0..127: " + value);
    }
    return element(INTEGER, new byte[] {(byte) value});
  }

  public static byte[] utf8(String value) {
    return element(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A BIT STRING of whole bytes (no unused bits). */
  public static byte[] bitString(byte[] bits) {
    return element(BIT_STRING, new byte[] {0}, bits);
  }

  public static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
      }
    }
    return element(OID, out.toByteArray());
  }

  /**
   * The children of the element at the start of {@code der}, each as its complete encoding
   * (tag, length, content). Throws IllegalArgumentException on anything malformed.
   */
  static List<byte[]> children(byte[] der) {
    int[] outer = header(der, 0);
    List<byte[]> children = new ArrayList<>();
    int at = outer[0], end = outer[0] + outer[1];
    while (at < end) {
      int[] child = header(der, at);
      int next = child[0] + child[1];
      if (next > end) {
        throw new IllegalArgumentException("DER element overruns its parent");
      }
      children.add(java.util.Arrays.copyOfRange(der, at, next));
      at = next;
    }
    return children;
  }

  /** The content of the element at the start of {@code der}. */
  static byte[] content(byte[] der) {
    int[] header = header(der, 0);
    return java.util.Arrays.copyOfRange(der, header[0], header[0] + header[1]);
  }

  /** {content offset, content length} of the element at {@code at}; checks it fits. */
  private static int[] header(byte[] der, int at) {
    if (at + 2 > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int length = der[at + 1] & 0xff;
    int offset = at + 2;
    if (length >= 0x80) {
      int bytes = length & 0x7f;
      if (bytes == 0 || bytes > 3 || offset + bytes > der.length) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | (der[offset++] & 0xff);
      }
    }
    if (length > der.length - offset) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new int[] {offset, length};
  }
}
