package dev.palisade.sidecar.intercept;

/**
 * The two iptables operations the init command needs, for one address family, on the current
 * network namespace.
 */
interface Iptables {

  /** {@code iptables-save -t <table>}. */
  String save(String table) throws IptablesException;

  /** {@code iptables-save -t nat}. */
  default String saveNat() throws IptablesException {
    return save("nat");
  }

  /** {@code iptables-restore --noflush} with {@code script} on stdin: one atomic transaction. */
  void restore(String script) throws IptablesException;

  /** The real binaries of {@code family}, found on PATH or in /usr/sbin, /sbin. */
  static Iptables system(IpFamily family) {
    return new IptablesBinaries(family);
  }

  /** An iptables command that could not run or failed; the message says which and why. */
  final class IptablesException extends Exception {
    IptablesException(String message) {
      super(message);
    }
  }
}
