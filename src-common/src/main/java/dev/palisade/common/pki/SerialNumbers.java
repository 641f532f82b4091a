package dev.palisade.common.pki;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Certificate serial numbers as people write them: hex, with or without the colons
 * {@code openssl x509 -serial} and {@code -text} print, in either case. One canonical form,
 * lower-case hex without separators or leading zeros ({@link #format}), is what Palisade shows
 * and compares.
 */
public final class SerialNumbers {

  /** RFC 5280 §4.1.2.2: at most 20 octets. */
  public static final int MAX_HEX_DIGITS = 40;
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+(:[0-9a-fA-F]+)*");

  private SerialNumbers() {}

  /** @throws IllegalArgumentException saying what is wrong with {@code text} */
  public static BigInteger parse(String text) {
    if (text == null || !HEX.matcher(text).matches()) {
      throw new IllegalArgumentException("a serial number is hex digits, optionally separated"
          + " by ':' (as openssl prints it), not '" + abbreviate(text) + "'");
    }
    String digits = text.replace(":", "");
    if (digits.length() > MAX_HEX_DIGITS) {
      throw new IllegalArgumentException("a serial number has at most " + MAX_HEX_DIGITS
          + " hex digits (20 octets), not " + digits.length());
    }
    BigInteger serial = new BigInteger(digits, 16);
    if (serial.signum() == 0) {
      throw new IllegalArgumentException("a serial number is positive, not 0");
    }
    return serial;
  }

  public static String format(BigInteger serial) {
    return serial.toString(16).toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
