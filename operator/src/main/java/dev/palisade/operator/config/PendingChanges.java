package dev.palisade.operator.config;

import java.util.HashSet;
import java.util.Set;

/**
 * What changed since the publisher last recomputed, coalesced: a burst of events becomes one
 * recompute of the union of what they touched. {@link #mark} answers whether a recompute must be
 * scheduled (the first mark after a {@link #take}), so at most one is queued at a time.
 */
final class PendingChanges {

  /** One drained batch: everything, or the namespaces and pods ({@code ns/name}) named. */
  record Batch(boolean all, Set<String> namespaces, Set<String> pods) {

    boolean affects(String namespace, String podKey) {
      return all || namespaces.contains(namespace) || pods.contains(podKey);
    }

    String describe() {
      return all ? "all" : namespaces.size() + " namespaces, " + pods.size() + " pods";
    }
  }

  private final Set<String> namespaces = new HashSet<>();
  private final Set<String> pods = new HashSet<>();
  private boolean all;
  private boolean scheduled;

  /** Policies of {@code namespace} changed; null means mesh-wide, so everything. */
  synchronized boolean namespace(String namespace) {
    if (namespace == null) {
      all = true;
    } else {
      namespaces.add(namespace);
    }
    return schedule();
  }

  synchronized boolean pod(String podKey) {
    pods.add(podKey);
    return schedule();
  }

  /** Everything marked so far, clearing the marks; the next mark schedules again. */
  synchronized Batch take() {
    Batch batch = new Batch(all, Set.copyOf(namespaces), Set.copyOf(pods));
    all = false;
    namespaces.clear();
    pods.clear();
    scheduled = false;
    return batch;
  }

  private boolean schedule() {
    if (scheduled) {
      return false;
    }
    scheduled = true;
    return true;
  }
}
