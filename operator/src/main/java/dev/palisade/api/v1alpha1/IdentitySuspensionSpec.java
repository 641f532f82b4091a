package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class IdentitySuspensionSpec {

  @Required
  @Size(min = 1, max = 2048)
  @ValidationRule(value = "self.matches('" + Rules.WORKLOAD_SPIFFE_ID + "')",
      message = "must be a workload SPIFFE ID, spiffe://<trust domain>/ns/<namespace>/sa/<service"
          + " account>, such as spiffe://cluster.local/ns/shop/sa/web")
  @ValidationRule(value = "self == oldSelf",
      message = "is immutable: delete this IdentitySuspension to lift it and create another")
  @JsonPropertyDescription("The identity to suspend: spiffe://<trust domain>/ns/<namespace>/sa/"
      + "<service account>.")
  public String spiffeId;

  @Size(max = 1024)
  @JsonPropertyDescription("Why, for the people who read it later (an incident number, say).")
  public String reason;
}
