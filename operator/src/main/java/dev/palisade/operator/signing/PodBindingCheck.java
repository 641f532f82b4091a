package dev.palisade.operator.signing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Checks that the pod a caller's token is bound to is live and runs as that service account.
 * The API server already refuses tokens of pods deleted a while ago; reading the pod here also
 * refuses a pod that is terminating, or was replaced under the same name, and does not trust the
 * API server's token cache to be current.
 */
public final class PodBindingCheck {

  private final KubernetesClient client;

  public PodBindingCheck(KubernetesClient client) {
    this.client = client;
  }

  /** Reads the caller's pod (a blocking API call) and checks it. */
  public void verify(Caller caller) throws SigningRejection {
    Pod pod;
    try {
      pod = client.pods().inNamespace(caller.namespace()).withName(caller.podName()).get();
    } catch (KubernetesClientException e) {
      throw new SigningRejection(SigningOutcome.KUBE_API_UNAVAILABLE,
          "cannot read the caller's pod from the Kubernetes API (HTTP " + e.getCode()
              + "); retry later");
    }
    check(caller, pod);
  }

  /** The checks themselves, in order; {@code pod} is null when it does not exist. */
  static void check(Caller caller, Pod pod) throws SigningRejection {
    String where = "pod " + caller.namespace() + "/" + caller.podName();
    if (pod == null) {
      throw new SigningRejection(SigningOutcome.POD_NOT_FOUND,
          where + ", which the token is bound to, does not exist");
    }
    if (!caller.podUid().equals(pod.getMetadata().getUid())) {
      throw new SigningRejection(SigningOutcome.POD_UID_MISMATCH,
          where + " is not the pod the token was issued to (it was replaced)");
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      throw new SigningRejection(SigningOutcome.POD_TERMINATING, where + " is terminating");
    }
    String podServiceAccount = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
    if (!caller.serviceAccount().equals(podServiceAccount)) {
      throw new SigningRejection(SigningOutcome.SERVICE_ACCOUNT_MISMATCH,
          where + " runs as service account " + podServiceAccount + ", not "
              + caller.serviceAccount());
    }
  }
}
