package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What every palisade.dev status has: the generation it describes and standard conditions. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Status {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Standard conditions; Ready says whether the object is in effect and,"
      + " if not, why.")
  public List<Condition> conditions = new ArrayList<>();
}
