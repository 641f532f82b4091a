/** Revoked certificates and suspended identities: the incident responder's two tools. */
package dev.palisade.common.revocation;
