package dev.palisade.sidecar.proxy;

import picocli.CommandLine.ITypeConverter;

/** {@code --inbound-delivery pod-address|loopback}. */
public final class InboundDeliveryConverter implements ITypeConverter<InboundDelivery> {
  @Override
  public InboundDelivery convert(String value) {
    return InboundDelivery.parse(value);
  }
}
