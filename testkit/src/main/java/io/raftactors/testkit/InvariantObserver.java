package io.raftactors.testkit;

import io.raftactors.raft.RaftEvent;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import io.raftactors.raft.journal.MemoryJournalStore;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.LogView;
import io.raftactors.raft.rules.VoteRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks Raft's safety properties (Raft Figure 3) while a test cluster runs, not only at the end:
 *
 * <ul>
 *   <li>Election Safety: at most one leader per term (from role-change events, as they happen);
 *   <li>Log Matching: two logs with an entry of the same (index, term) hold the same entry there
 *       and agree on every entry before it;
 *   <li>State Machine Safety: no two nodes apply different entries at one index (on every apply);
 *   <li>Leader Completeness and durability: an entry once committed stays: every node's committed
 *       prefix agrees, the newest leader holds every committed entry, and a majority of the nodes'
 *       journals hold it.
 * </ul>
 */
public final class InvariantObserver {
  /** How far back from the newest entries the periodic checks look; the final check reads all. */
  static final int WINDOW = 2048;

  private final MessageTrace trace;
  /** The fewest voters any configuration seen had: the durability check counts a quorum of it. */
  private volatile int voters;
  private final Map<Long, String> leaderOfTerm = new ConcurrentHashMap<>();
  private final Map<Long, LogEntry> committed = new ConcurrentHashMap<>();
  private final Map<Long, AppliedEntry> appliedAt = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();

  InvariantObserver(MessageTrace trace, int voters) {
    this.trace = trace;
    this.voters = voters;
  }

  /** The violations seen so far. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  void violation(String what) {
    if (violations.size() < 100) violations.add(what);
    trace.add("VIOLATION " + what);
  }

  void onRoleChanged(RaftEvent.RoleChanged e) {
    trace.add("ROLE " + e.nodeId() + " " + e.role() + " term=" + e.term() + " leader=" + e.leaderId());
    if (e.role() == Role.LEADER) {
      String previous = leaderOfTerm.putIfAbsent(e.term(), e.nodeId());
      if (previous != null && !previous.equals(e.nodeId())) {
        violation("two leaders in term " + e.term() + ": " + previous + " and " + e.nodeId());
      }
    }
  }

  /** A node's configuration changed: committed entries must stay durable on a quorum of it. */
  void onMembership(io.raftactors.raft.RaftEvent.MembershipChanged e) {
    voters = Math.min(voters, e.membership().voters().size());
  }

  void onApplied(String nodeId, AppliedEntry entry) {
    AppliedEntry previous = appliedAt.putIfAbsent(entry.index(), entry);
    if (previous != null && !previous.equals(entry)) {
      violation(nodeId + " applied " + entry + " at index " + entry.index() + " where another node applied " + previous);
    }
  }

  /**
   * Checks the logs of the live nodes and the journals of all nodes. With {@code full}, every
   * index; otherwise the newest {@link #WINDOW} entries.
   */
  void checkLogs(
      Map<String, RaftNode.LogSnapshot> logs, Map<String, MemoryJournalStore> stores, boolean full) {
    // Leader Completeness first, against what was known committed before these logs were read:
    // an entry committed while they were being read may postdate a leader's snapshot.
    long knownCommitted = maxCommittedIndex();
    long from = full ? 1 : Math.max(1, knownCommitted - WINDOW);
    long maxCommittedTerm = 0;
    for (long i = from; i <= knownCommitted; i++) {
      LogEntry c = committed.get(i);
      if (c != null) maxCommittedTerm = Math.max(maxCommittedTerm, c.term());
    }
    for (Map.Entry<String, RaftNode.LogSnapshot> e : logs.entrySet()) {
      RaftNode.LogSnapshot s = e.getValue();
      if (s.role() == Role.LEADER && s.term() >= maxCommittedTerm) {
        checkLeaderHoldsCommitted(e.getKey(), s.log(), from, knownCommitted);
      }
    }

    for (Map.Entry<String, RaftNode.LogSnapshot> e : logs.entrySet()) {
      recordCommitted(e.getKey(), e.getValue(), full);
    }
    List<String> ids = new ArrayList<>(logs.keySet());
    for (int a = 0; a < ids.size(); a++) {
      for (int b = a + 1; b < ids.size(); b++) {
        checkMatching(ids.get(a), logs.get(ids.get(a)).log(), ids.get(b), logs.get(ids.get(b)).log(), full);
      }
    }
    long maxCommitted = maxCommittedIndex();
    if (!stores.isEmpty()) {
      checkDurable(stores, full ? 1 : Math.max(1, maxCommitted - WINDOW), maxCommitted);
    }
  }

  private long maxCommittedIndex() {
    return committed.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private void recordCommitted(String id, RaftNode.LogSnapshot s, boolean full) {
    LogView log = s.log();
    long upTo = Math.min(s.commitIndex(), log.lastIndex());
    long from = full ? log.firstIndex() : Math.max(log.firstIndex(), upTo - WINDOW);
    for (long i = from; i <= upTo; i++) {
      LogEntry entry = log.entry(i);
      LogEntry previous = committed.putIfAbsent(i, entry);
      if (previous != null && !previous.equals(entry)) {
        violation(id + " has " + entry + " committed at " + i + " but " + previous + " was committed there");
      }
    }
  }

  private void checkMatching(String a, LogView la, String b, LogView lb, boolean full) {
    long hi = Math.min(la.lastIndex(), lb.lastIndex());
    long lo = Math.max(Math.max(la.firstIndex(), lb.firstIndex()), full ? 1 : hi - WINDOW);
    boolean matchedAbove = false;
    for (long i = hi; i >= lo; i--) {
      LogEntry ea = la.entry(i);
      LogEntry eb = lb.entry(i);
      if (ea.term() == eb.term()) {
        if (!ea.equals(eb)) {
          violation("Log Matching: " + a + " has " + ea + " and " + b + " has " + eb + " at index " + i);
          return;
        }
        matchedAbove = true;
      } else if (matchedAbove) {
        violation("Log Matching: " + a + " and " + b + " agree above index " + i + " but differ there ("
            + ea + " vs " + eb + ")");
        return;
      }
    }
  }

  private void checkLeaderHoldsCommitted(String id, LogView log, long from, long to) {
    for (long i = Math.max(from, log.firstIndex()); i <= to; i++) {
      LogEntry c = committed.get(i);
      if (c == null) continue;
      if (i > log.lastIndex() || !log.entry(i).equals(c)) {
        violation("Leader Completeness: leader " + id + " lacks committed " + c + " at " + i);
        return;
      }
    }
  }

  private void checkDurable(Map<String, MemoryJournalStore> stores, long from, long to) {
    int quorum = VoteRules.quorum(voters);
    for (long i = from; i <= to; i++) {
      LogEntry c = committed.get(i);
      if (c == null) continue;
      int holding = 0;
      for (MemoryJournalStore store : stores.values()) {
        // Below a store's first index, a durable snapshot holds the entry (only committed
        // entries are ever compacted away).
        if (i < store.firstIndex() || c.equals(store.entry(i))) holding++;
      }
      if (holding < quorum) {
        violation("committed " + c + " is durable on only " + holding + " journals (quorum " + quorum + ")");
        return;
      }
    }
  }
}
