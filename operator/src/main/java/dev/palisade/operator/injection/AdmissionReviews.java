package dev.palisade.operator.injection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.operator.http.Json;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code admission.k8s.io/v1} AdmissionReviews in and out: the pod of a request, and answers
 * that allow (with a JSONPatch, possibly empty, and warnings) or deny (with a message).
 */
final class AdmissionReviews {

  static final String API_VERSION = "admission.k8s.io/v1";

  /** Plain add/remove/replace operations: the easiest to read in an audit log. */
  private static final EnumSet<DiffFlags> PATCH_FLAGS =
      EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

  /** The parts of a request the webhook uses. */
  record PodRequest(String uid, String operation, String namespace, boolean dryRun, Pod pod) {}

  /** A body that is not an AdmissionReview v1 with a request; the message says what is wrong. */
  static final class MalformedReviewException extends Exception {
    MalformedReviewException(String message) {
      super(message);
    }
  }

  private AdmissionReviews() {}

  /** The request in {@code body}; its {@code pod} is null unless it is about a pod. */
  static PodRequest parse(byte[] body) throws MalformedReviewException {
    JsonNode review;
    try {
      review = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedReviewException("the body is not JSON");
    }
    if (review == null || !API_VERSION.equals(review.path("apiVersion").asText())
        || !"AdmissionReview".equals(review.path("kind").asText())) {
      throw new MalformedReviewException("expected an AdmissionReview of " + API_VERSION
          + " (admissionReviewVersions: [v1])");
    }
    JsonNode request = review.path("request");
    String uid = request.path("uid").asText("");
    if (uid.isEmpty()) {
      throw new MalformedReviewException("the AdmissionReview has no request.uid");
    }
    JsonNode kind = request.path("kind");
    Pod pod = null;
    if (kind.path("group").asText("").isEmpty() && "Pod".equals(kind.path("kind").asText())
        && request.path("object").isObject()) {
      try {
        pod = Json.MAPPER.treeToValue(request.path("object"), Pod.class);
      } catch (JsonProcessingException e) {
        throw new MalformedReviewException("request.object is not a Pod: " + e.getOriginalMessage());
      }
      // The API server always sends both; a body without them was not written by it.
      if (pod.getMetadata() == null || pod.getSpec() == null) {
        throw new MalformedReviewException("request.object is a Pod without metadata or spec");
      }
    }
    return new PodRequest(uid, request.path("operation").asText(""),
        request.path("namespace").asText(""), request.path("dryRun").asBoolean(false), pod);
  }

  /** The JSONPatch from {@code before} to {@code after}; an empty array when they are equal. */
  static JsonNode patch(Pod before, Pod after) {
    return JsonDiff.asJson(Json.MAPPER.valueToTree(before), Json.MAPPER.valueToTree(after),
        PATCH_FLAGS);
  }

  /** Allows the request, applying {@code patch} unless it is empty. */
  static AdmissionReview allow(String uid, JsonNode patch, List<String> warnings) {
    AdmissionResponseBuilder response = new AdmissionResponseBuilder()
        .withUid(uid)
        .withAllowed(true);
    if (patch != null && !patch.isEmpty()) {
      response.withPatchType("JSONPatch")
          .withPatch(Base64.getEncoder().encodeToString(
              patch.toString().getBytes(StandardCharsets.UTF_8)));
    }
    if (!warnings.isEmpty()) {
      response.withWarnings(warnings);
    }
    return review(response.build());
  }

  /** Denies the request; the API server shows {@code message} to the user. */
  static AdmissionReview deny(String uid, int code, String reason, String message) {
    return review(new AdmissionResponseBuilder()
        .withUid(uid)
        .withAllowed(false)
        .withStatus(new StatusBuilder().withCode(code).withReason(reason).withMessage(message)
            .build())
        .build());
  }

  private static AdmissionReview review(AdmissionResponse response) {
    return new AdmissionReviewBuilder()
        .withApiVersion(API_VERSION)
        .withKind("AdmissionReview")
        .withResponse(response)
        .build();
  }
}
