/**
 * The informers the operator shares between its parts, each created once per replica: one on
 * pods ({@link dev.palisade.operator.watch.PodIndex}, compact workloads by namespace) and one on
 * the CA Secrets ({@link dev.palisade.operator.watch.CaSecretWatch}). The config service and
 * signing read them directly; reconcilers get a
 * {@link dev.palisade.operator.watch.WatchEventSource} each, since JOSDK cannot share an
 * {@code InformerEventSource} between controllers.
 */
package dev.palisade.operator.watch;
