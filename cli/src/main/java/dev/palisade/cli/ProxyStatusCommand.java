package dev.palisade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "proxy-status", mixinStandardHelpOptions = true, description = "TODO")
public final class ProxyStatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return Main.FAILED;
  }
}
