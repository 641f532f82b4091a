/**
 * Certificate revocation and identity suspension: the informers that feed every proxy's
 * configuration and the CA's refusals, and the reconcilers that keep the objects' status.
 */
package dev.palisade.operator.revocation;
