/**
 * Transparent interception: the {@code init} subcommand that writes the pod's iptables nat rules
 * ({@link dev.palisade.sidecar.intercept.IptablesRules}, {@link dev.palisade.sidecar.intercept.InitCommand}),
 * and {@link dev.palisade.sidecar.intercept.OriginalDestination}, which tells the proxy where a
 * redirected connection was going. See docs/interception.md.
 */
package dev.palisade.sidecar.intercept;
