package dev.palisade.operator.watch;

import dev.palisade.operator.revocation.RevocationIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * The informers the operator shares between its parts: one on pods ({@link PodIndex}) and one on
 * the CA Secrets ({@link CaSecretWatch}), and those on revocations ({@link RevocationIndex}). Every replica's servers and the leader's reconcilers
 * read the same two, so each pod event is decoded once per replica. Each starts when first
 * used; whoever creates this closes it.
 */
public final class SharedWatches implements AutoCloseable {

  private final PodIndex pods;
  private final CaSecretWatch caSecrets;
  private final RevocationIndex revocations;

  /** @param namespace the operator's own namespace, where the CA Secrets are */
  public SharedWatches(KubernetesClient client, String namespace, Clock clock) {
    this.pods = new PodIndex(client);
    this.caSecrets = new CaSecretWatch(client, namespace, clock);
    this.revocations = new RevocationIndex(client);
  }

  public PodIndex pods() {
    return pods;
  }

  public CaSecretWatch caSecrets() {
    return caSecrets;
  }

  public RevocationIndex revocations() {
    return revocations;
  }

  @Override
  public void close() {
    pods.close();
    caSecrets.close();
    revocations.close();
  }
}
