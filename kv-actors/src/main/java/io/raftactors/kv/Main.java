package io.raftactors.kv;

import io.raftactors.kv.local.LocalDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code kv-actors/target/raft-kv.jar} (see {@code bin/raft-kv}). */
@Command(
    name = "raft-kv",
    mixinStandardHelpOptions = true,
    description = "Raft Actors: a replicated key-value and lock service.",
    subcommands = {Main.Local.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code raft-kv local}: a 3-node cluster in this JVM, with a guided failover. */
  @Command(name = "local", mixinStandardHelpOptions = true,
      description = "Runs 3 Raft members in this JVM: election, commits, leader crash, failover, catch-up.")
  static final class Local implements Runnable {
    @Override
    public void run() {
      LocalDemo.run();
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
