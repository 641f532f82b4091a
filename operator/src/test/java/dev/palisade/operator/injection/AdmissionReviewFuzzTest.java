package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.palisade.operator.OperatorConfig;
import dev.palisade.operator.injection.AdmissionReviews.MalformedReviewException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Whatever AdmissionReview body reaches /mutate-pods (the API server relays what any user with
 * pod create rights wrote), parsing ends in a request or a MalformedReviewException, the injector
 * decides without throwing, and injecting an injected pod changes nothing.
 */
class AdmissionReviewFuzzTest {

  private static final PodInjector INJECTOR = new PodInjector(
      OperatorConfig.fromEnvironment(Map.of()).injection());
  private static final Map<String, String> ENABLED = Map.of(InjectionContract.NAMESPACE_LABEL,
      InjectionContract.ENABLED);

  @FuzzTest
  void parsesDecidesAndInjectsIdempotently(byte[] body) {
    AdmissionReviews.PodRequest request;
    try {
      request = AdmissionReviews.parse(body);
    } catch (MalformedReviewException malformed) {
      assertThat(malformed.getMessage()).isNotBlank();
      return;
    }
    assertThat(request.uid()).isNotEmpty();
    Pod pod = request.pod();
    if (pod == null) {
      return;
    }
    if (INJECTOR.decide(pod, ENABLED) instanceof InjectionDecision.Inject(Pod injected)) {
      assertThat(INJECTOR.decide(injected, ENABLED))
          .isEqualTo(new InjectionDecision.Inject(injected));
      assertThat(AdmissionReviews.patch(injected, injected)).isEmpty();
    }
  }
}
