package dev.palisade.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs what a user's {@code helm install} puts in front of the API: the committed CRDs and
 * the chart's ValidatingAdmissionPolicies, and waits until the API server enforces them.
 */
public final class PalisadeApi {

  private static boolean installed;

  private PalisadeApi() {}

  public static synchronized void install(KubernetesClient client) {
    if (installed) {
      return;
    }
    for (Path crd : files(RepoFiles.resolve("crds"), ".yml")) {
      List<HasMetadata> applied = load(client, crd);
      for (HasMetadata resource : applied) {
        String name = resource.getMetadata().getName();
        await("CRD " + name + " established").atMost(Duration.ofSeconds(60))
            .until(() -> isEstablished(client.apiextensions().v1().customResourceDefinitions()
                .withName(name).get()));
      }
    }
    // The policies as helm renders them for the default release (their names are templated).
    String manifests = new Helm().template(OperatorServiceAccount.NAMESPACE);
    for (HasMetadata resource : client.load(new ByteArrayInputStream(
        manifests.getBytes(StandardCharsets.UTF_8))).items()) {
      if (resource.getKind().startsWith("ValidatingAdmissionPolicy")) {
        try {
          client.resource(resource).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
          throw new IllegalStateException("could not apply the chart's " + resource.getKind()
              + " " + resource.getMetadata().getName() + ": " + e.getMessage(), e);
        }
      }
    }
    installed = true;
  }

  private static List<HasMetadata> load(KubernetesClient client, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).forceConflicts().serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("could not apply " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    // A CRD just created may have a status without conditions yet.
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
