package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.pki.CsrRejectedException.Reason;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningOutcomeTest {

  @ParameterizedTest
  @EnumSource(Reason.class)
  void everyCsrRejectionIsABadRequestLabelledWithItsReason(Reason reason) {
    SigningOutcome outcome = SigningOutcome.of(reason);
    assertThat(outcome.status()).isEqualTo(400);
    assertThat(outcome.label()).isEqualTo(reason.label());
  }

  @Test
  void labelsAreUniqueSnakeCaseMetricValues() {
    assertThat(Arrays.stream(SigningOutcome.values()).map(SigningOutcome::label))
        .doesNotHaveDuplicates()
        .allMatch(label -> label.matches("[a-z]+(_[a-z]+)*"));
  }

  @Test
  void statusesFollowTheContract() {
    Map<Integer, String> byStatus = Arrays.stream(SigningOutcome.values()).collect(
        Collectors.groupingBy(SigningOutcome::status, java.util.TreeMap::new,
            Collectors.mapping(SigningOutcome::label, Collectors.joining(","))));
    assertThat(byStatus).containsExactly(
        Map.entry(200, "success"),
        Map.entry(400, "malformed_request,malformed,too_large,bad_signature,weak_key,unsupported_key"),
        Map.entry(401, "missing_token,invalid_token,wrong_audience"),
        Map.entry(403, "not_service_account,not_pod_bound,pod_not_found,pod_uid_mismatch,"
            + "pod_terminating,service_account_mismatch,identity_suspended"),
        Map.entry(413, "body_too_large"),
        Map.entry(429, "overloaded,rate_limited"),
        Map.entry(500, "internal_error"),
        Map.entry(503, "ca_unavailable,kube_api_unavailable"));
  }

  @Test
  void onlyOverloadAndUnavailabilityAskForARetry() {
    assertThat(Arrays.stream(SigningOutcome.values()).filter(o -> o.retryAfterSeconds() > 0))
        .containsExactlyInAnyOrder(SigningOutcome.OVERLOADED, SigningOutcome.RATE_LIMITED,
            SigningOutcome.CA_UNAVAILABLE,
            SigningOutcome.KUBE_API_UNAVAILABLE);
  }
}
