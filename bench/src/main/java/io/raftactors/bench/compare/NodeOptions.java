package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the raft-kv nodes come from and how they run, and where a run's files go (a picocli mixin). */
final class NodeOptions {
  @Option(names = "--raft-jar", defaultValue = "kv-actors/target/raft-kv.jar", description = "The raft-kv node jar.")
  Path raftJar;

  @Option(names = "--conf-dir", defaultValue = "conf", description = "Where node1.conf .. node3.conf are.")
  Path confDir;

  @Option(names = "--node-jvm-opts", defaultValue = "-XX:+UseZGC",
      description = "JVM options of the raft-kv node JVMs, space separated; they replace the default "
          + "(${DEFAULT-VALUE}, as bin/raft-kv), so name the collector too. bin/raft-kv's class-data archive is added "
          + "when it made one.")
  String nodeJvmOpts;

  @Option(names = "--work-dir", description = "Data and logs of the servers (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--out-dir", defaultValue = "bench/results", description = "Where the reports go.")
  Path outDir;

  List<String> jvmOptions() {
    return nodeJvmOpts.isBlank() ? List.of() : Arrays.asList(nodeJvmOpts.trim().split("\\s+"));
  }

  /** --work-dir, created, or a new temporary directory named after {@code prefix}. */
  Path workDir(String prefix) throws IOException {
    return workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory(prefix);
  }

  /** "the options[ the archive], GC X", for a report's header. */
  String describeJvm() {
    List<String> jvm = jvmOptions();
    return (jvm.isEmpty() ? "none" : String.join(" ", jvm))
        + String.join(" ", RaftKvCluster.classDataArchive(raftJar, jvm)).replaceFirst("^(.+)$", " $1")
        + ", GC " + RunInfo.gc(jvm);
  }
}
