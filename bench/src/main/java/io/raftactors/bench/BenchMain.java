package io.raftactors.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bench/target/raft-bench.jar}. */
@Command(
    name = "raft-bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks of Raft Actors.",
    subcommands = {RaftCoreBench.class, JournalBench.class, KvBench.class, CheckerBench.class,
        SnapshotBench.class, LockBench.class, MembershipBench.class,
        io.raftactors.bench.compare.CompareBench.class,
        io.raftactors.bench.compare.ScaleBench.class})
public final class BenchMain implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }
}
