package io.raftactors.kv;

import io.raftactors.kv.local.LocalDemo;
import io.raftactors.kv.node.LocalMain;
import io.raftactors.kv.node.NodeMain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code kv-actors/target/raft-kv.jar} (see {@code bin/raft-kv}). Without a command
 * it runs one node from its configuration: {@code java -Dconfig.file=conf/node1.conf -jar raft-kv.jar}.
 */
@Command(
    name = "raft-kv",
    mixinStandardHelpOptions = true,
    description = "Raft Actors: a replicated key-value store you reach with any Redis client.%n"
        + "Without a command: run one node configured by -Dconfig.file=... and -Dkey=value.",
    subcommands = {Main.Local.class, Main.Demo.class})
public final class Main implements Callable<Integer> {

  @Override
  public Integer call() {
    return NodeMain.run();
  }

  @Command(name = "local", mixinStandardHelpOptions = true,
      description = "A 3-node cluster on this machine: RESP on 127.0.0.1:7001-7003, data under ./data.")
  static final class Local implements Callable<Integer> {
    @Option(names = "--processes", description = "One JVM per node, from conf/node1.conf .. conf/node3.conf.")
    boolean processes;

    @Option(names = "--data-dir", defaultValue = "data", description = "Where the nodes keep their data.")
    Path dataDir;

    @Option(names = "--base-port", defaultValue = "7001", description = "RESP port of n1 (n2, n3 follow).")
    int basePort;

    @Option(names = "--conf-dir", defaultValue = "conf", description = "With --processes: the node configs.")
    Path confDir;

    @Override
    public Integer call() throws Exception {
      return processes ? LocalMain.processes(confDir) : LocalMain.embedded(dataDir, basePort);
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "A guided failover: 3 members in this JVM elect, commit, lose the leader, catch up.")
  static final class Demo implements Runnable {
    @Override
    public void run() {
      LocalDemo.run();
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
