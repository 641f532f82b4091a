package dev.palisade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "check", mixinStandardHelpOptions = true, description = "TODO")
public final class CheckCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return Main.FAILED;
  }
}
