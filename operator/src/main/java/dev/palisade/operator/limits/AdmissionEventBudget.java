package dev.palisade.operator.limits;

import java.time.Clock;

/**
 * What the injection webhook may write as Events. Anyone in the cluster can reach the webhook's
 * port and send it a forged AdmissionReview, whose namespace, owner references and annotations
 * are the sender's choice; so Events are limited per namespace (a burst of 5, one every 10 s
 * after) and in all (20 a second), and their text is reduced to printable ASCII of at most 512
 * characters. A real pod that cannot be injected still gets its Event: the budget is far above
 * what honest admission produces.
 */
public final class AdmissionEventBudget {

  static final int MAX_MESSAGE = 512;

  private final KeyedTokenBuckets<String> perNamespace;
  private final KeyedTokenBuckets<String> overall;

  public AdmissionEventBudget(Clock clock) {
    this.perNamespace = new KeyedTokenBuckets<>(5, 0.1, 4096, clock);
    this.overall = new KeyedTokenBuckets<>(20, 20, 1, clock);
  }

  /** Whether an Event about a pod of {@code namespace} may be written now. */
  public boolean allow(String namespace) {
    return perNamespace.tryAcquire(String.valueOf(namespace)) && overall.tryAcquire("");
  }

  /** {@code text} as an Event may carry it: printable ASCII, at most 512 characters. */
  public static String sanitise(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_MESSAGE));
    for (int i = 0; i < text.length() && out.length() < MAX_MESSAGE; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.length() > MAX_MESSAGE) {
      out.setLength(MAX_MESSAGE - 3);
      out.append("...");
    }
    return out.toString();
  }
}
