package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** Which object a "no proxy" Event is recorded on, when the pod does not exist yet. */
class InjectionEventsTest {

  @Test
  void aControlledPodsEventGoesToItsController() {
    Pod pod = new PodBuilder().withNewMetadata().withGenerateName("web-5d8f-")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName("web-5d8f").withUid("uid-1").withController(true).endOwnerReference()
        .endMetadata().build();

    HasMetadata subject = InjectionEvents.subject(pod, "shop");

    assertThat(subject.getApiVersion()).isEqualTo("apps/v1");
    assertThat(subject.getKind()).isEqualTo("ReplicaSet");
    assertThat(subject.getMetadata().getName()).isEqualTo("web-5d8f");
    assertThat(subject.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(subject.getMetadata().getUid()).isEqualTo("uid-1");
  }

  @Test
  void aBarePodsEventGoesToThePodByName() {
    Pod named = new PodBuilder().withNewMetadata().withName("debug").endMetadata().build();
    Pod generated = new PodBuilder().withNewMetadata().withGenerateName("probe-").endMetadata()
        .build();

    assertThat(InjectionEvents.subject(named, "tools").getMetadata().getName()).isEqualTo("debug");
    assertThat(InjectionEvents.subject(generated, "tools").getMetadata().getName())
        .isEqualTo("probe");
    assertThat(InjectionEvents.subject(named, "tools").getKind()).isEqualTo("Pod");
  }
}
