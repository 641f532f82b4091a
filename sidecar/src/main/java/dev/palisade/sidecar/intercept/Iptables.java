package dev.palisade.sidecar.intercept;

/** The two iptables operations the init command needs, on the current network namespace. */
interface Iptables {

  /** {@code iptables-save -t nat}. */
  String saveNat() throws IptablesException;

  /** {@code iptables-restore --noflush} with {@code script} on stdin: one atomic transaction. */
  void restore(String script) throws IptablesException;

  /** The real binaries, found on PATH or in /usr/sbin, /sbin. */
  static Iptables system() {
    return new IptablesBinaries();
  }

  /** An iptables command that could not run or failed; the message says which and why. */
  final class IptablesException extends Exception {
    IptablesException(String message) {
      super(message);
    }
  }
}
