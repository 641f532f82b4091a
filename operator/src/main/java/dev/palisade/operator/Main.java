package dev.palisade.operator;

import dev.palisade.operator.watch.SharedWatches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the Palisade operator with settings from the environment (see {@link OperatorConfig}). */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("aot-training")) {
      AotTraining.run();  // the image build's training run for the AOT cache
      return;
    }
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    Clock clock = Clock.systemUTC();
    KubernetesClient client = new KubernetesClientBuilder().build();
    // One informer on pods and one on CA Secrets, read by the servers and the reconcilers alike.
    SharedWatches watches = new SharedWatches(client, config.namespace(), clock);
    OperatorServers servers = new OperatorServers(client, config, clock, watches);
    PalisadeOperator operator = new PalisadeOperator(client, config.operatorSettings(), clock,
        watches, servers.registry());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      try {
        servers.close();
      } catch (Exception e) {
        LOG.warn("error while stopping servers", e);
      }
      watches.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    operator.start();
    LOG.info("palisade operator started in namespace {} for trust domain {}: https :{}, admin :{}",
        config.namespace(), config.trustDomain(), servers.httpsPort(), servers.adminPort());
    stopped.await();
  }
}
