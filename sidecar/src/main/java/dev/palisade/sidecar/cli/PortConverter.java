package dev.palisade.sidecar.cli;

import dev.palisade.common.net.Port;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Every port flag: 1..65535 ({@link Port}). */
public final class PortConverter implements ITypeConverter<Port> {
  @Override
  public Port convert(String value) {
    try {
      return Port.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
