package dev.palisade.common.net;

/**
 * A TCP port a connection can be addressed to: 1..65535. Every port Palisade reads from a user
 * (flags, annotations, policy files, query strings) goes through here, so each says the same
 * thing when it is wrong. Port 0 is not a port: binding to it means "any free port", which no
 * setting of a pod can mean.
 */
public record Port(int value) implements Comparable<Port> {

  public static final int MIN = 1;
  public static final int MAX = 65535;

  public Port {
    if (value < MIN || value > MAX) {
      throw new IllegalArgumentException(describe(Integer.toString(value)));
    }
  }

  public static Port of(int value) {
    return new Port(value);
  }

  /** Parses decimal digits only: no sign, no blanks, no {@code 0x}. */
  public static Port parse(String text) {
    if (text == null || !text.matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException(describe(text));
    }
    return new Port(Integer.parseInt(text));
  }

  /** Checks an int that is kept as an int (wire records, flags of another tool). */
  public static int check(int value) {
    return new Port(value).value();
  }

  private static String describe(String text) {
    return "'" + text + "' is not a port (" + MIN + ".." + MAX + ")";
  }

  @Override
  public int compareTo(Port other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
