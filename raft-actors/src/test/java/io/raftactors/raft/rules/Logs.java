package io.raftactors.raft.rules;

import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.LogView;
import io.raftactors.raft.log.RaftLog;
import java.util.ArrayList;
import java.util.List;

/** Builds logs for the rule tests: {@code terms[i]} is the term of index i + 1. */
final class Logs {
  private Logs() {}

  static LogView of(long... terms) {
    RaftLog log = new RaftLog();
    log.append(entries(1, terms));
    return log.view();
  }

  static List<LogEntry> entries(long firstIndex, long... terms) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      out.add(LogEntry.command(firstIndex + i, terms[i], 0, new byte[] {(byte) i}));
    }
    return out;
  }
}
