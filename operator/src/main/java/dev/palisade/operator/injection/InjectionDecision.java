package dev.palisade.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;

/** What {@link PodInjector} decided for one pod. */
public sealed interface InjectionDecision {

  /** The pod as it should be stored: with the proxy (the same pod if it already had it). */
  record Inject(Pod pod) implements InjectionDecision {}

  /** Leave the pod alone; {@code message} says why, for a warning, an Event and the log. */
  record Skip(SkipReason reason, String message) implements InjectionDecision {}

  /** Refuse the pod: it asked for something that cannot be done; {@code message} says what. */
  record Refuse(String message) implements InjectionDecision {}

  /** Why a pod is not injected. */
  enum SkipReason {
    /** Neither its namespace nor the pod opted in: the normal case, not worth telling anyone. */
    NOT_SELECTED(false),
    /** {@code palisade.dev/inject: "false"}: the user's own choice. */
    OPTED_OUT(false),
    /** The pod uses the node's network namespace; redirecting it would redirect the node's. */
    HOST_NETWORK(true),
    /** An application container uses one of the proxy's ports. */
    PORT_CONFLICT(true),
    /** An application container runs as the proxy's uid; its traffic would bypass the proxy. */
    PROXY_UID_CONFLICT(true);

    private final boolean notable;

    SkipReason(boolean notable) {
      this.notable = notable;
    }

    /**
     * Whether the user expected a proxy and gets none: answered with a warning and an Event,
     * rather than silently.
     */
    public boolean notable() {
      return notable;
    }
  }
}
