package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.injection.InjectionDecision.Inject;
import dev.palisade.operator.injection.InjectionDecision.Refuse;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A namespace labelled palisade.dev/inject=enforced: every pod gets the proxy, or is refused. */
class EnforcedNamespaceTest {

  private static final Map<String, String> ENFORCED = Map.of("palisade.dev/inject", "enforced");
  private final PodInjector injector = new PodInjector(PodInjectorGoldenTest.SETTINGS);

  @Test
  void aPodThatAsksNothingGetsTheProxy() {
    assertThat(injector.decide(pod().build(), ENFORCED)).isInstanceOf(Inject.class);
  }

  @Test
  void aPodThatCannotHaveTheProxyIsRefusedNotSkipped() {
    assertThat(injector.decide(pod().editSpec().withHostNetwork(true).endSpec().build(),
        ENFORCED)).isInstanceOfSatisfying(Refuse.class, refuse -> assertThat(refuse.message())
        .contains("the namespace enforces the mesh, but the proxy cannot be injected"));
  }

  @Test
  void exclusionsAndOptOutsAreRefused() {
    for (String annotation : new String[] {"palisade.dev/exclude-inbound-ports",
        "palisade.dev/exclude-outbound-ports", "palisade.dev/exclude-outbound-cidrs"}) {
      assertThat(injector.decide(pod().editMetadata().addToAnnotations(annotation, "22")
          .endMetadata().build(), ENFORCED)).isInstanceOfSatisfying(Refuse.class, refuse ->
          assertThat(refuse.message()).startsWith("annotation " + annotation + " is not honoured"));
    }
    assertThat(injector.decide(pod().editMetadata().addToAnnotations("palisade.dev/inject",
        "false").endMetadata().build(), ENFORCED)).isInstanceOf(Refuse.class);
  }

  @Test
  void theSameExclusionIsHonouredWhereTheNamespaceOnlyEnablesTheMesh() {
    assertThat(injector.decide(pod().editMetadata().addToAnnotations(
        "palisade.dev/exclude-outbound-ports", "5432").endMetadata().build(),
        Map.of("palisade.dev/inject", "enabled"))).isInstanceOf(Inject.class);
  }

  @Test
  void palisadesContainersArriveWithoutForeignMountsAndItsVolumesStayItsOwn() {
    Pod impostor = pod().editSpec().addNewInitContainer().withName("palisade-proxy")
        .withImage("registry.invalid/x:1").addNewVolumeMount().withName("code")
        .withMountPath("/opt/palisade").endVolumeMount().endInitContainer().endSpec().build();
    assertThat(EnforcedNamespace.violation(impostor)).hasValueSatisfying(message ->
        assertThat(message).contains("comes with a volume mount at /opt/palisade"));

    Pod tokenMounted = pod().editSpec().addNewInitContainer().withName("palisade-proxy")
        .withImage("registry.invalid/x:1").addNewVolumeMount().withName("kube-api-access")
        .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount").endVolumeMount()
        .endInitContainer().endSpec().build();
    assertThat(EnforcedNamespace.violation(tokenMounted)).as("the API token plugin's mount")
        .isEmpty();

    Pod thief = pod().editSpec().editFirstContainer().addNewVolumeMount()
        .withName("palisade-identity").withMountPath("/stolen").endVolumeMount().endContainer()
        .endSpec().build();
    assertThat(EnforcedNamespace.violation(thief)).hasValueSatisfying(message ->
        assertThat(message).contains("container app mounts Palisade's volume palisade-identity"));
  }

  private static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata()
        .withNewSpec().withServiceAccountName("web").addNewContainer().withName("app")
        .withImage("registry.invalid/app:1").endContainer().endSpec();
  }
}
