package dev.palisade.operator.watch;

import dev.palisade.operator.ca.CaRegistry;
import dev.palisade.operator.ca.CaSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The CA Secrets (label {@code palisade.dev/ca=true}) in the operator's namespace, from the
 * operator's one informer on them, and the {@link CaRegistry} that reads them. Signing, the
 * config service and every reconciler that needs the CA read this one copy; listeners are told
 * of a change after the informer's store holds it.
 */
public final class CaSecretWatch implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final CaRegistry registry;
  private final List<Consumer<Secret>> listeners = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<Secret> informer;

  CaSecretWatch(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.registry = new CaRegistry(this::secrets, clock);
  }

  /** The registry over these Secrets; it reads nothing before {@link #start}. */
  public CaRegistry registry() {
    return registry;
  }

  /**
   * Adds {@code listener}, told of each CA Secret added, changed or deleted, and starts the
   * informer if it is not running, returning once it has listed. Returns what removes it again.
   */
  public Runnable subscribe(Consumer<Secret> listener) {
    listeners.add(listener);
    start();
    return () -> listeners.remove(listener);
  }

  /** Starts the informer if it is not running, returning once it has listed. */
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    informer = client.secrets().inNamespace(namespace).withLabel(CaSecrets.LABEL_CA, "true")
        .runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        listeners.forEach(listener -> listener.accept(secret));
      }

      @Override
      public void onUpdate(Secret old, Secret secret) {
        listeners.forEach(listener -> listener.accept(secret));
      }

      @Override
      public void onDelete(Secret secret, boolean finalStateUnknown) {
        listeners.forEach(listener -> listener.accept(secret));
      }
    });
    informer.run();
  }

  /** Read on every signature: no lock, the informer is published once. */
  private Collection<Secret> secrets() {
    SharedIndexInformer<Secret> running = informer;
    return running == null ? List.of() : running.getStore().list();
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
