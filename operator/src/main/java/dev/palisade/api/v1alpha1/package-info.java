/**
 * The {@code palisade.dev/v1alpha1} API. The CRDs in {@code crds/} are generated from these
 * classes: every description, default and validation rule a user sees is written here.
 */
package dev.palisade.api.v1alpha1;
