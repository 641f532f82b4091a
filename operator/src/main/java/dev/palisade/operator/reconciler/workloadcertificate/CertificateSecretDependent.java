package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.api.v1alpha1.WorkloadCertificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;

/**
 * A WorkloadCertificate's Secret as a JOSDK dependent: {@link #desired} lays out the
 * {@link CertificateSecrets.Material} the reconciler decided on (a new certificate, or the
 * current one with the current bundle), JOSDK applies it when it differs and adds an owner
 * reference to the WorkloadCertificate, so deleting the WorkloadCertificate deletes its Secret
 * (Kubernetes' garbage collector; no finalizer, no {@code blockOwnerDeletion}).
 *
 * <p>Secrets are found by the label naming their WorkloadCertificate rather than by owner
 * reference, so that Secrets written before owner references were added are still recognised.
 */
@KubernetesDependent(informer = @Informer(labelSelector = WorkloadCertificateReconciler.SECRET_LABEL))
public class CertificateSecretDependent
    extends CRUDKubernetesDependentResource<Secret, WorkloadCertificate> {

  /** The key under which the reconciler leaves the Material for {@link #desired}. */
  static final String MATERIAL = "certificate-material";

  public CertificateSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(WorkloadCertificate certificate, Context<WorkloadCertificate> context) {
    CertificateSecrets.Material material = context.managedWorkflowAndDependentResourceContext()
        .getMandatory(MATERIAL, CertificateSecrets.Material.class);
    return CertificateSecrets.build(certificate.getMetadata().getNamespace(),
        certificate.getSpec().secretName, certificate.getMetadata().getName(), material);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(WorkloadCertificate certificate,
      Context<WorkloadCertificate> context) {
    return new ResourceID(certificate.getSpec().secretName,
        certificate.getMetadata().getNamespace());
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<Secret>> getSecondaryToPrimaryMapper(
      EventSourceContext<WorkloadCertificate> context) {
    return Optional.of(secret -> Set.of(new ResourceID(
        secret.getMetadata().getLabels().get(WorkloadCertificateReconciler.SECRET_LABEL),
        secret.getMetadata().getNamespace())));
  }

  /** The Secret named by {@code certificate}'s spec, if it carries our label. */
  static Optional<Secret> current(WorkloadCertificate certificate,
      Context<WorkloadCertificate> context) {
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> secret.getMetadata().getName().equals(certificate.getSpec().secretName))
        .findFirst();
  }
}
