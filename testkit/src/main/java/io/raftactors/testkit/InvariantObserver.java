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
 *       prefix agrees, the newest leader holds every committed entry, and a majority of the voters
 *       that committed it hold it in their journals: of the configuration in force at its index,
 *       or of the next one (one server changes at a time, so the entry committed under one of the
 *       two).
 * </ul>
 */
public final class InvariantObserver {
  /** How far back from the newest entries the periodic checks look; the final check reads all. */
  static final int WINDOW = 2048;

  private final MessageTrace trace;
  /** The voters the cluster started with (the configuration below every CONFIG entry). */
  private final List<String> initialVoters;
  /** Voters of the committed CONFIG entries, by index. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, List<String>> committedConfigs =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  /** Voters of every configuration any node had in force, committed or not, by index. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, java.util.Set<List<String>>> seenConfigs =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private final Map<Long, String> leaderOfTerm = new ConcurrentHashMap<>();
  private final Map<Long, LogEntry> committed = new ConcurrentHashMap<>();
  private final Map<Long, AppliedEntry> appliedAt = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();

  InvariantObserver(MessageTrace trace, List<String> initialVoters) {
    this.trace = trace;
    this.initialVoters = List.copyOf(initialVoters);
    seen(0, this.initialVoters);
  }

  private void seen(long index, List<String> voters) {
    seenConfigs.computeIfAbsent(index, i -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(voters);
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

  /** A node's configuration changed (traced, for the report of a failing run). */
  void onMembership(io.raftactors.raft.RaftEvent.MembershipChanged e) {
    trace.add("CONFIG " + e.nodeId() + " at " + e.index() + ": " + e.membership());
    seen(e.index(), e.membership().voters());
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
      if (previous == null && entry.kind() == io.raftactors.raft.log.EntryKind.CONFIG) {
        List<String> voters = io.raftactors.raft.Membership.decode(entry.data()).voters();
        committedConfigs.put(i, voters);
        seen(i, voters);
      }
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

  /**
   * Each committed entry is held by a majority of the voters of a configuration it may have been
   * committed under: one in force at its index or appended after it, up to the next committed
   * configuration (one server changes at a time, and a change waits for the one before it to
   * commit). Configurations come from the committed log and from every node's events, so one
   * the observer never saw committed (compacted first, or truncated since) still counts.
   */
  private void checkDurable(Map<String, MemoryJournalStore> stores, long from, long to) {
    for (long i = from; i <= to; i++) {
      LogEntry c = committed.get(i);
      if (c == null) continue;
      Long lo = committedConfigs.floorKey(i);
      Long hi = committedConfigs.higherKey(i);
      var candidates = seenConfigs.subMap(lo == null ? 0 : lo, true, hi == null ? Long.MAX_VALUE : hi, true);
      boolean held = false;
      StringBuilder counts = new StringBuilder();
      for (var configs : candidates.values()) {
        for (List<String> voters : configs) {
          int holding = holders(stores, i, c, voters);
          if (holding >= VoteRules.quorum(voters.size())) held = true;
          counts.append(' ').append(holding).append(" of ").append(voters);
        }
      }
      if (!held) {
        violation("committed " + c + " is durable on too few journals of any configuration it may"
            + " have been committed under:" + counts);
        return;
      }
    }
  }

  private static int holders(Map<String, MemoryJournalStore> stores, long i, LogEntry c, List<String> voters) {
    int holding = 0;
    for (String v : voters) {
      MemoryJournalStore store = stores.get(v);
      // Below a store's first index, a durable snapshot holds the entry (only committed entries
      // are ever compacted away).
      if (store != null && (i < store.firstIndex() || c.equals(store.entry(i)))) holding++;
    }
    return holding;
  }

}
