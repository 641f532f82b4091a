package dev.palisade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "identity", mixinStandardHelpOptions = true, description = "TODO")
public final class IdentityCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return Main.FAILED;
  }
}
